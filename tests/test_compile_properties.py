"""compile on random graphs: the generated step agrees with the dynamic engine."""
import importlib.util
import math

from compile_helpers import assert_close, compiled, dynamic, mean
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd import Value, compile

UNARY = [  # each defined for every input, so any random program runs
    lambda a: a.tanh(), lambda a: a.sigmoid(), lambda a: a.softplus(), lambda a: a.relu(),
    lambda a: a.abs(), lambda a: a.leaky_relu(), lambda a: a.leaky_relu(0.2), lambda a: -a,
    lambda a: a ** 2, lambda a: a ** 3, lambda a: (a * a + 0.5) ** -1, lambda a: (a * a + 0.1) ** 0.5,
    lambda a: a.tanh().exp(), lambda a: (a * a + 0.1).log(), lambda a: 2 ** a.tanh(),
]
BINARY = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b, lambda a, b: a / (b * b + 1.0),
          lambda a, b: (a * a + 0.5) ** b.tanh()]


@st.composite
def programs(draw):
    """A per-sample program over parameters, the row's inputs and the target."""
    steps = []
    for k in range(draw(st.integers(1, 10))):
        i, j = draw(st.integers(0, 50)), draw(st.integers(0, 50))
        if draw(st.booleans()):
            steps.append((UNARY[draw(st.integers(0, len(UNARY) - 1))], i, None))
        else:
            steps.append((BINARY[draw(st.integers(0, len(BINARY) - 1))], i, j))
    return steps


def run(program, params, row, y):
    pool = list(params) + list(row) + [y if isinstance(y, Value) else Value(y)]  # y: a float when run directly
    for op, i, j in program:
        pool.append(op(pool[i % len(pool)]) if j is None else op(pool[i % len(pool)], pool[j % len(pool)]))
    return pool[-1]


floats = st.floats(-2.0, 2.0, allow_nan=False)


BACKENDS = ["python"] + (["numpy"] if importlib.util.find_spec("numpy") else [])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.lists(floats, min_size=1, max_size=3), st.lists(st.integers(1, 5), min_size=1, max_size=3),
       st.integers(1, 3), st.integers(0, 3), st.booleans(), st.sampled_from(BACKENDS),
       st.randoms(use_true_random=False))
def test_random_graphs_agree_with_the_engine(program, values, sizes, row_len, reduction, classes, backend, rng):
    """One compiled step, batches of the given sizes in turn (code reused across sizes)."""
    params = [Value(v, label=f"w{k}") for k, v in enumerate(values)]

    def fn(rows, targets):
        ys = [(0.5, -1.0, 2.0)[y] for y in targets] if classes else targets
        losses = [run(program, params, row, y) for row, y in zip(rows, ys)]
        if reduction == 0:
            return mean(losses) + 1e-3 * sum(p * p for p in params)
        if reduction == 1:
            return sum(losses)
        if reduction == 2:  # each term weighted by 1 / n: the samples' own code depends on n
            return sum(loss * (1.0 / len(losses)) for loss in losses)
        return (mean(l.tanh() for l in losses) * params[0]).softplus()  # not linear in the samples
    batches = []
    for n in sizes:
        xb = [[rng.uniform(-2, 2) for _ in range(row_len)] for _ in range(n)]
        # Float targets are data; class indices choose the graph (here: which constant it adds).
        yb = [rng.randrange(3) if classes else rng.uniform(-2, 2) for _ in range(n)]
        try:
            want = dynamic(fn, params, xb, yb)
        except (ArithmeticError, ValueError):
            assume(False)
        assume(all(math.isfinite(x) for x in [want[0]] + want[1]))
        batches.append((xb, yb, want))
    step = compile(fn, params, backend=backend)
    for xb, yb, want in batches:
        assert_close(compiled(step, params, xb, yb), want, rel=1e-11 if backend == "python" else 1e-9)
