"""The array backends: grouped array code equals the dynamic engine, for regular and irregular graphs."""
import random
import subprocess
import sys
from pathlib import Path

import pytest

import nn
from autograd import Value, compile
from compile_helpers import assert_close, compiled, dynamic, mean

np = pytest.importorskip("numpy")

ACTIVATIONS = ["relu", "tanh", "sigmoid", "leaky_relu(0.2)", "linear"]


def _batch(rng, n, nin, target):
    X = [[rng.uniform(-2, 2) for _ in range(nin)] for _ in range(n)]
    if target == "class":
        return X, [rng.randrange(3) for _ in X]
    if target == "sign":
        return X, [rng.choice([-1.0, 1.0]) for _ in X]
    return X, [rng.uniform(-1, 1) for _ in X]


def _loss(model, kind, l2):
    def fn(xb, yb):
        out = [model(x) for x in xb]
        if kind == "ce":
            loss = nn.cross_entropy(out, yb)
        elif kind == "mse":
            loss = nn.mse_loss(out, yb)
        elif kind == "hinge":
            loss = mean((1 + -t * s).relu() for t, s in zip(yb, out))
        else:
            loss = nn.binary_cross_entropy_with_logits(out, [(t + 1.0) / 2.0 for t in yb])
        return loss + nn.l2_penalty(model, 1e-3) if l2 else loss
    return fn


@pytest.mark.parametrize("seed", range(8))
def test_random_mlps_match_the_engine_batch_after_batch(seed):
    """Random sizes, activations and losses; several batches, so relu branches flip."""
    rng = random.Random(seed)
    kind = ["ce", "mse", "hinge", "bce"][seed % 4]
    nin, hidden = rng.randint(1, 5), [rng.randint(1, 6) for _ in range(rng.randint(1, 2))]
    acts = [rng.choice(ACTIVATIONS) for _ in hidden] + ["linear"]
    model = nn.MLP(nin, hidden + [3 if kind == "ce" else 1], activation=acts, seed=seed)
    fn, params = _loss(model, kind, l2=seed % 2 == 0), model.parameters()
    step = compile(fn, params, backend="numpy")
    for _ in range(3):
        X, y = _batch(rng, rng.randint(1, 9), nin, "class" if kind == "ce" else "sign" if kind != "mse" else "float")
        assert_close(compiled(step, params, X, y), dynamic(fn, params, X, y))
        for p in params:  # move the parameters: other branches are taken next time
            p.data += rng.uniform(-0.5, 0.5)
    assert step.stats["backend"] == "numpy"


def test_cross_entropy_shares_one_block_across_classes():
    rng = random.Random(1)
    model = nn.MLP(4, [5, 3], seed=1)
    fn, params = _loss(model, "ce", l2=False), model.parameters()
    step = compile(fn, params, backend="numpy")
    X, y = _batch(rng, 12, 4, "class")
    assert_close(compiled(step, params, X, y), dynamic(fn, params, X, y))
    source = step.source
    assert source.count("= groups[") == 1 and "j, x, V = groups[0]" in source  # one block, kinds V
    assert "= row_max(" in source and "[R, I" in source   # the shift as one max; the class picked per row


def test_readable_source_snapshot():
    w = [[Value(0.5, label="w00"), Value(-0.25)], [Value(1.5), Value(2.0)]]
    b = [Value(0.1), Value(-0.2)]
    v = [Value(0.3), Value(-0.7)]
    params = [p for row in w for p in row] + b + v

    def fn(xb, yb):
        losses = []
        for x, t in zip(xb, yb):
            h = [sum((wi * xi for wi, xi in zip(row, x)), bj).tanh() for row, bj in zip(w, b)]
            out = sum(vi * hi for vi, hi in zip(v, h))
            losses.append((out - t) ** 2)
        return mean(losses)
    step = compile(fn, params, backend="numpy")
    X, y = [[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]], [0.5, -0.5, 1.0]
    assert_close(compiled(step, params, X, y), dynamic(fn, params, X, y))
    block = step.source.split("one row each: forward, then backward\n")[1].split("    B = B.tolist()")[0]
    assert block == '''\
    j, x, y = groups[0]
    n = len(j)
    b1 = P[4:6]
    W1 = P[0:4].reshape(2, 2)
    z1 = b1 + x @ W1.T                      # 2 scalar sums of 3 terms: 4 + and 4 *
    h1 = tanh(z1)                           # 2 scalar ops h1[k] = tanh(z1[k])
    W2 = P[6:8].reshape(1, 2)
    z2 = h1 @ W2.T + 0.0 + (-1.0) * y       # 1 scalar sums of 4 terms: 3 + and 3 *
    t1 = z2 ** 2.0                          # 1 scalar ops t1[k] = z2[k] ** 2
    B[j] = t1[:, 0]
    g_t1 = S[j][:, None]
    g_z2 = 2.0 * z2 * g_t1                  # from t1 = z2 ** 2.0
    g_W2 = g_z2.T @ h1                      # from z2 = h1 @ W2.T + 0.0 + (-1.0) * y
    g_P[6:8].reshape(1, 2)[:] += g_W2
    g_h1 = g_z2 @ W2
    g_z1 = (1.0 - h1 * h1) * g_h1           # from h1 = tanh(z1)
    g_P[4:6] += batch_sum(g_z1)             # from z1 = b1 + x @ W1.T
    g_W1 = g_z1.T @ x
    g_P[0:4].reshape(2, 2)[:] += g_W1
'''


def test_neurons_that_differ_still_group_what_they_can():
    """Each neuron its own activation, its own inputs in its own order, one input twice."""
    rng = random.Random(3)
    w = [[Value(rng.uniform(-1, 1)) for _ in range(3)] for _ in range(4)]
    params = [p for row in w for p in row]
    reads = [(0, 1, 2), (2, 0, 1), (1, 1, 0), (2, 2, 2)]
    acts = [Value.tanh, Value.relu, Value.sigmoid, Value.exp]

    def fn(xb, yb):
        total = []
        for x, t in zip(xb, yb):
            h = [act(sum((wi * x[k] for wi, k in zip(row, ks)), Value(0.0)))
                 for row, ks, act in zip(w, reads, acts)]
            total.append((sum(h) - t) ** 2)
        return mean(total)
    step = compile(fn, params, backend="numpy")
    for _ in range(2):
        X, y = _batch(rng, 6, 3, "float")
        assert_close(compiled(step, params, X, y), dynamic(fn, params, X, y))
    assert "tanh(" in step.source and "exp(" in step.source


def test_a_reduction_that_is_not_a_sum():
    """log-sum-exp over the batch, times a parameter: replayed in two passes."""
    rng = random.Random(4)
    model = nn.MLP(2, [3, 1], activation="tanh", seed=4)
    scale = Value(0.7)
    params = model.parameters() + [scale]

    def fn(xb, yb):
        losses = [(model(x) - t) ** 2 for x, t in zip(xb, yb)]
        return scale * sum(loss.exp() for loss in losses).log()
    step = compile(fn, params, backend="numpy")
    for _ in range(2):
        X, y = _batch(rng, 7, 2, "float")
        assert_close(compiled(step, params, X, y), dynamic(fn, params, X, y))
    assert "S = asarray(S)" in step.source


def test_kinds_of_samples_that_cannot_share_a_block():
    """Rows of two lengths and a tied weight read by every sample and by the L2 term."""
    tied = Value(0.4)
    w = [Value(0.3), Value(-0.6), Value(0.9)]
    params = w + [tied]

    def fn(xb, yb):
        terms = [(sum((wi * xi for wi, xi in zip(w, x)), tied * tied) - t * tied) ** 2 for x, t in zip(xb, yb)]
        return mean(terms) + 0.01 * (tied * tied)
    step = compile(fn, params, backend="numpy")
    X, y = [[1.0, 2.0], [0.5, -1.0, 2.0], [2.0, 0.0], [1.0, 1.0, 1.0]], [0.5, -0.5, 1.0, 0.0]
    assert_close(compiled(step, params, X, y), dynamic(fn, params, X, y))
    assert step.source.count("= groups[") == 2


def test_torch_backend_matches_the_engine():
    pytest.importorskip("torch")
    rng = random.Random(5)
    model = nn.MLP(3, [4, 3], activation="sigmoid", seed=5)
    fn, params = _loss(model, "ce", l2=True), model.parameters()
    step = compile(fn, params, backend="torch")
    for _ in range(2):
        X, y = _batch(rng, 8, 3, "class")
        assert_close(compiled(step, params, X, y), dynamic(fn, params, X, y))
    assert step.stats["backend"] == "torch"


def test_auto_takes_python_for_tiny_batches_and_arrays_for_big_ones():
    model = nn.MLP(2, [2, 1], activation="sigmoid", seed=0)
    fn, params = _loss(model, "mse", l2=False), model.parameters()
    step = compile(fn, params, backend="auto")
    xor = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0]
    assert_close(compiled(step, params, *xor), dynamic(fn, params, *xor))
    assert step.stats["backend"] == "python"
    big = nn.MLP(2, [16, 16, 1], seed=0)
    fn, params = _loss(big, "hinge", l2=True), big.parameters()
    step = compile(fn, params, backend="auto")
    X, y = _batch(random.Random(6), 32, 2, "sign")
    assert_close(compiled(step, params, X, y), dynamic(fn, params, X, y))
    assert step.stats["backend"] == "numpy"


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend"):
        compile(lambda xb, yb: xb[0][0], [Value(1.0)], backend="jax")


def test_the_engine_never_imports_numpy():
    code = ("import sys; sys.modules['numpy'] = None\n"
            "from autograd import Value, compile\n"
            "w = Value(2.0); step = compile(lambda xb, yb: w * xb[0][0], [w], backend='auto')\n"
            "assert step([[3.0]], [0.0]) == 6.0 and w.grad == 3.0 and step.stats['backend'] == 'python'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_training_blocks_and_fit_run_without_numpy():
    code = ("import sys; sys.modules['numpy'] = None\n"
            "import nn\n"
            "from autograd import compile\n"
            "m = nn.MLP(2, [3, 1], seed=0); opt = nn.SGD(m.parameters(), lr=0.1)\n"
            "step = compile(lambda xb, yb: nn.mse_loss([m(x) for x in xb], yb), m.parameters(), backend='auto')\n"
            "with step.training(opt) as train: loss = train([[1.0, 2.0], [0.5, 0.1]], [1.0, 0.0])\n"
            "assert loss > 0 and opt.steps == 1 and step.stats['backend'] == 'python'\n"
            "h = nn.fit(m, [[1.0, 2.0], [0.5, 0.1]], [1.0, 0.0], 'mse', compile=True, backend='auto', epochs=2, verbose=False)\n"
            "assert len(h) == 2")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parent.parent)


W = [Value(0.3), Value(-0.5), Value(1.2)]
ODD = {  # graphs with unusual shapes: the loss of the parameters alone, an input as an output, ...
    "parameters only": (lambda xb, yb: W[0] * W[1] + 0.0 * len(xb), [[1.0]] * 3, [0.0] * 3),
    "an input as output": (lambda xb, yb: sum(x[0] for x in xb) * W[0], [[1.0], [2.0]], [0.0, 0.0]),
    "batch of one": (lambda xb, yb: ((W[0] * xb[0][0]).tanh() - yb[0]) ** 2, [[0.7]], [0.2]),
    "list targets": (lambda xb, yb: mean((W[0] * x[0] - t[0]) ** 2 + (W[1] * x[1] - t[1]) ** 2
                                         for x, t in zip(xb, yb)), [[1.0, 2.0], [0.5, -1.0]], [[0.1, 0.2], [0.3, -0.4]]),
    "every op": (lambda xb, yb: mean(
        (W[0] * x[0]).leaky_relu(0.1) + (W[1] * x[1]).abs() + (W[2] * x[0]).softplus() + (W[0] * x[1]).exp().log()
        + (W[2] * x[0]).sigmoid() + (W[1] * x[0] + 3.0).sqrt() + (x[0] + 3.0) ** W[2] + x[1] / (W[0] + 2.0)
        for x in xb), [[1.0, 2.0], [0.5, -1.0], [-0.3, 0.2]], [0.0] * 3),
    "sums of the parameters alone": (lambda xb, yb: mean(W[0] * x[0] for x in xb) + (W[0] + W[1] + W[2]) * (
        W[1] + W[2] + W[0]), [[1.0], [2.0]], [0.0, 0.0]),
    "a parameter value every sample reads": (lambda xb, yb: mean((W[0] * W[1] * x[0] - t) ** 2 for x, t in zip(xb, yb)),
                                             [[1.0], [2.0], [3.0]], [0.5, 0.1, 0.2]),
}


@pytest.mark.parametrize("name", ODD)
def test_odd_graphs(name):
    fn, X, y = ODD[name]
    step = compile(fn, W, backend="numpy")
    assert_close(compiled(step, W, X, y), dynamic(fn, W, X, y))


def test_classes_absent_from_a_batch_keep_their_code():
    rng = random.Random(7)
    model = nn.MLP(3, [4, 3], seed=7)
    fn, params = _loss(model, "ce", l2=False), model.parameters()
    step = compile(fn, params, backend="numpy")
    X = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(6)]
    for y in ([0, 1, 0, 1, 1, 0], [2, 2, 2, 2, 2, 2], [2, 0, 1, 1, 0, 2]):
        assert_close(compiled(step, params, X, y), dynamic(fn, params, X, y))
    # A mean over the samples: array code is written from one sample of each kind (class) for
    # any batch size; a new class (the second batch) is traced with the classes known before,
    # and that plan then serves every mix and every size.
    assert step.trace_count == 2
    for y in ([0, 1, 0, 1, 1, 0], [2, 2, 2, 2, 2, 2], [1, 2, 0, 0, 2, 1], [1, 2, 0], [0, 0, 2, 1, 1, 0, 2, 0, 1]):
        X = [[rng.uniform(-1, 1) for _ in range(3)] for _ in y]
        assert_close(compiled(step, params, X, y), dynamic(fn, params, X, y))
    assert step.trace_count == 2 and step.stats["backend"] == "numpy"


def _random_program(rng):
    """A random per-sample program: layers of dot products, elementwise ops and sums, each
    reading random earlier values (so groups come out irregular), and a random reduction."""
    P = [Value(rng.uniform(-1, 1)) for _ in range(rng.randint(2, 8))]
    acts = [Value.tanh, Value.relu, Value.sigmoid, Value.abs, lambda v: v.tanh().exp(), lambda v: v * v]
    layers = [[(rng.randrange(5), rng.choice(acts), [rng.randrange(100) for _ in range(4)],
                [rng.randrange(len(P)) for _ in range(4)]) for _ in range(rng.randint(1, 5))]
              for _ in range(rng.randint(1, 4))]

    def sample(x, t):
        vals = list(x)
        for layer in layers:
            new = []
            for kind, act, ix, ip in layer:
                a, b = vals[ix[0] % len(vals)], vals[ix[1] % len(vals)]
                v = [lambda: sum((P[ip[j % 4]] * vals[(ix[j % 4] + j) % len(vals)] for j in range(len(vals))), P[ip[3]]),
                     lambda: a, lambda: a * b + P[ip[0]], lambda: sum(vals[1:], vals[0]),
                     lambda: P[ip[0]] * P[ip[1]] * a][kind]()
                new.append(act(v))
            vals = new
        return (sum(vals[1:], vals[0]) - t) ** 2
    reduction = rng.choice([mean, sum, lambda ls: sum(v.tanh().exp() for v in ls).log(),
                            lambda ls: mean(ls) + 0.01 * sum(p * p for p in P)])
    return (lambda xb, yb: reduction([sample(x, t) for x, t in zip(xb, yb)])), P


@pytest.mark.parametrize("seed", range(12))
def test_random_irregular_programs_match_the_engine(seed):
    rng = random.Random(seed)
    fn, params = _random_program(rng)
    step = compile(fn, params, backend="numpy")
    nin = rng.randint(1, 4)
    for _ in range(2):
        X = [[rng.uniform(-1, 1) for _ in range(nin)] for _ in range(rng.randint(1, 6))]
        y = [rng.uniform(-1, 1) for _ in X]
        assert_close(compiled(step, params, X, y), dynamic(fn, params, X, y))


@pytest.mark.parametrize("n", [1, 3])
def test_a_parameter_term_summed_in_every_sample_gets_the_batch_sum_of_gradients(n):
    # Found by a fresh run of the property test: -w, read twice by each sample's sum, is one
    # array shared by the batch; its gradient must add up every sample's.
    w = Value(0.4, label="w")

    def fn(xb, yb):
        losses = [(x[0] - w) + (y - w) for x, y in zip(xb, yb)]
        return mean(losses) + 1e-3 * w * w

    rng = random.Random(n)
    xb = [[rng.uniform(-2, 2)] for _ in range(n)]
    yb = [rng.uniform(-2, 2) for _ in range(n)]
    want = dynamic(fn, [w], xb, yb)
    assert_close(compiled(compile(fn, [w], backend="numpy"), [w], xb, yb), want, rel=1e-12)


@pytest.mark.parametrize("n", [1, 3])
def test_every_parameter_summed_into_each_sample_gets_its_gradient(n):
    # Found by a fresh run of the property test: x + (w0 + w1), all the parameters in order,
    # is one row_sum(P); that shortcut sent the parameters no gradient at all.
    w = [Value(1.0, label="w0"), Value(0.5, label="w1")]

    def fn(xb, yb):
        return mean(w[0] * (x[0] + (w[0] + w[1])) for x in xb) + 1e-3 * (w[0] * w[0] + w[1] * w[1])

    rng = random.Random(n)
    xb = [[rng.uniform(-2, 2)] for _ in range(n)]
    yb = [0.0] * n
    step = compile(fn, w, backend="numpy")
    assert_close(compiled(step, w, xb, yb), dynamic(fn, w, xb, yb), rel=1e-12)
    assert "row_sum(P)" not in step.source


def test_a_kind_with_no_sample_in_this_batch_and_a_power_of_zero():
    # Found by a trial: a hand-written NLL (-log_softmax[y]) gives each class a kind of its
    # own; a batch without class 0 ran class 0's block on no rows, and rows_total of an
    # empty array failed to reshape. And (w * x) ** 0 made a bare 1.0, not one per row.
    m = nn.MLP(3, [4], activation="linear", seed=1)

    def nll(xb, yb):
        return -sum(nn.log_softmax(m(x))[y] for x, y in zip(xb, yb))
    step = compile(nll, m.parameters(), backend="numpy")
    for yb in ([0, 0], [1, 1], [0, 1, 2], [3]):
        xb = [[1.0, 2.0, 3.0 + k] for k in range(len(yb))]
        assert_close(compiled(step, m.parameters(), xb, yb), dynamic(nll, m.parameters(), xb, yb))
    w, b = Value(0.5), Value(0.2)

    def power_of_zero(xb, yb):
        return sum((w * x[0]) ** 0 + b for x in xb)
    step = compile(power_of_zero, [w, b], backend="numpy")
    for n in (2, 3):
        xb = [[1.0 + k] for k in range(n)]
        assert_close(compiled(step, [w, b], xb, [0.0] * n), dynamic(power_of_zero, [w, b], xb, [0.0] * n))


def test_auto_with_no_sample_reaching_the_loss_on_its_own():
    # Found by a trial: every sample's term made of parameters and constants alone left no
    # sample output, and backend="auto" divided by their count to decide (ZeroDivisionError)
    w, b = Value(0.7), Value(0.3)

    def fn(xb, yb):
        return sum(w * w + b for _ in xb)
    step = compile(fn, [w, b], backend="auto")
    for n in (2, 3):
        assert_close(compiled(step, [w, b], [[1.0]] * n, [0.0] * n), dynamic(fn, [w, b], [[1.0]] * n, [0.0] * n))


@pytest.mark.parametrize("backend", ["numpy", pytest.param("torch", marks=pytest.mark.skipif(
    __import__("importlib").util.find_spec("torch") is None, reason="PyTorch is not installed"))])
def test_parameter_terms_read_one_by_one_by_the_reduction(backend):
    # Found by a new user: `mean + w ** 2 + b ** 2` made one group of the two squares, and the
    # reduction read each as a slice of one (an array), so the loss was an array: TypeError.
    w, b = Value(0.5), Value(-0.25)
    X = [[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [2.0, 2.0], [-1.0, 1.0], [0.25, -2.0]]

    def fn(xb, yb):
        return sum((w * x[0] + b * x[1] - y) ** 2 for x, y in zip(xb, yb)) / len(xb) + w ** 2 + b ** 2
    step = compile(fn, [w, b], backend=backend)
    for n in (6, 4, 5):
        assert_close(compiled(step, [w, b], X[:n], [0.1 * k for k in range(n)]),
                     dynamic(fn, [w, b], X[:n], [0.1 * k for k in range(n)]))
