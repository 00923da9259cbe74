"""compile: the generated step agrees with the dynamic engine, retraces, and refuses what it can't replay."""
import importlib.util
import random

import pytest
from compile_helpers import BACKENDS, assert_close, compiled, dynamic, mean
from op_table import OPS

from autograd import CompileError, Value, compile, ops
from autograd.compiler.codegen import TEMPLATES, row_for
from autograd.gradcheck import numeric_grad


# ----- every op of the engine has code, and that code agrees ------------------------------
def engine_ops():
    """Every Op in autograd.ops: the table's rows and ops made by its factories."""
    found = [op for op in vars(ops).values() if isinstance(op, ops.Op)]
    factories = [f for name, f in vars(ops).items() if name.endswith("_op") and callable(f)]
    assert factories, "autograd.ops has no op factories any more: update this test"
    for make in factories:
        found += [make(x) for x in (0.0, 1.0, 2.0, 3.0, -1.0, 0.5, 0.2, 0.01)]
    return found


@pytest.mark.parametrize("op", engine_ops(), ids=repr)
def test_every_engine_op_has_a_code_template(op):
    row = row_for(op)
    assert row.forward and row.da
    assert (row.db is not None) == (op.name in ("+", "*", "/", "**", "max", "bce"))


def test_an_op_without_a_template_is_refused_by_name():
    with pytest.raises(CompileError, match="'sin'"):
        row_for(ops.Op("sin", lambda x: x, lambda x, out: (1.0,)))
    assert "sin" not in TEMPLATES


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_weight_of_one_over_the_batch_size_inside_each_term_is_not_baked_in(backend):
    # Found by a new user: sum(loss_i * (1 / len(xb))) was replayed with the traced batch's
    # 1 / n in every sample's code, so each other batch size got a wrong loss, silently.
    w = Value(0.5)

    def fn(xb, yb):
        return sum(((w * x[0] - y) ** 2) * (1.0 / len(xb)) for x, y in zip(xb, yb))
    xb, yb = [[1.0], [2.0], [3.0], [4.0], [5.0]], [0.0, 1.0, 0.5, -1.0, 2.0]
    step = compile(fn, [w], backend=backend)
    for n in (5, 1, 3, 2, 5, 4):
        assert_close(compiled(step, [w], xb[:n], yb[:n]), dynamic(fn, [w], xb[:n], yb[:n]))


@pytest.mark.parametrize("n", [2, 3, 4])
def test_max_over_the_batch_is_refused_by_name_not_with_an_index_error(n):
    # Found by a new user: the trace of the second batch size numbered its samples from the
    # user's batch and indexed its own list with them (IndexError at 4 rows)
    import nn
    W = [Value(0.1 * k - 0.1) for k in range(3)]

    def fn(xb, yb):
        return max(nn.cross_entropy([w * x[0] for w in W], t) for x, t in zip(xb, yb))
    with pytest.raises(CompileError, match=r"does not reach the loss.*max\(values\)"):
        compile(fn, W)([[1.0], [2.0], [3.0], [-1.0]][:n], [2, 0, 1, 2][:n])


@pytest.mark.parametrize("backend", BACKENDS)
def test_parameter_terms_that_change_with_the_batch_size_are_not_baked_in(backend):
    # Found by a second trial: an L2 penalty scaled by 1 / len(xb) kept the traced size's
    # scale (values of the parameters alone were compared between sizes by no one)
    import nn
    model = nn.MLP(2, [3, 1], seed=0)
    params = model.parameters()
    b = params[-1]

    def fn(xb, yb):
        loss = nn.mse_loss([model(x) for x in xb], yb) + nn.l2_penalty(model, alpha=0.01 / len(xb))
        return loss + len(xb) * b * b
    step = compile(fn, params, backend=backend)
    for n in (3, 7, 1, 2, 3):
        xb, yb = [[0.1 * k, -0.2 * k] for k in range(1, n + 1)], [0.5] * n
        assert_close(compiled(step, params, xb, yb), dynamic(fn, params, xb, yb))


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_class_read_only_into_a_parameter_term_is_not_baked_in(backend):
    # Found by the property test: w + c[y] per sample reads no input, so it is a value of the
    # parameters alone; the whole batch's trace baked in its classes, reused for other classes
    w = Value(0.0)

    def fn(xb, yb):
        return mean(w + (0.5, -1.0, 2.0)[y] for y in yb) + 1e-3 * w * w
    step = compile(fn, [w], backend=backend)
    for yb in ([0], [1, 2, 0], [2, 2, 1], [0, 0, 0], [2, 2, 2], [1, 2, 0]):
        xb = [[0.25, 0.5]] * len(yb)
        assert_close(compiled(step, [w], xb, yb), dynamic(fn, [w], xb, yb))


def test_fit_with_a_loss_weighted_inside_each_term_compiles_right():
    import nn
    histories = []
    for compiled_ in (False, True):
        model = nn.MLP(2, [3, 1], seed=0)
        X, y = nn.make_moons(21, seed=1)
        history = nn.fit(model, X, y, loss=lambda out, t: sum((o - v) ** 2 / len(out) for o, v in zip(out, t)),
                         optimizer=nn.SGD(model.parameters(), lr=0.1), epochs=2, batch_size=8,
                         compile=compiled_, verbose=False, seed=0)
        histories.append([record.loss for record in history] + [p.data for p in model.parameters()])
    assert histories[0] == pytest.approx(histories[1], rel=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("reduction", ["mean", "sum", "mean+l2"])
def test_a_one_row_batch_gives_the_engines_numbers(reduction, backend):
    # nn's mean of one loss is the loss itself (no * 1.0), its sum no addition at all: a
    # batch of one is traced apart, once (the second one reuses that code)
    import nn
    model = nn.MLP(3, [4, 2], seed=0)
    params = model.parameters()

    def fn(rows, ys):
        out = [model(x) for x in rows]
        loss = nn.cross_entropy(out, ys, reduction="sum" if reduction == "sum" else "mean")
        return loss + nn.l2_penalty(model, 1e-3) if reduction == "mean+l2" else loss
    rng = random.Random(0)
    step = compile(fn, params, backend=backend)
    for n, traces in [(6, 1), (1, 2), (4, 2), (1, 2)]:
        xb = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(n)]
        yb = [k % 2 for k in range(n)]
        assert_close(compiled(step, params, xb, yb), dynamic(fn, params, xb, yb))
        assert step.trace_count == traces


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name, f, points", [(name, f, points) for name, f, _, points in OPS],
                         ids=[row[0] for row in OPS])
def test_each_op_of_the_test_table_agrees_with_the_engine(name, f, points, backend):
    # All points in one batch: relu/abs/leaky_relu take both branches in the same code.
    xb = [list(p) if isinstance(p, tuple) else [p] for p in points]
    w = [Value(1.0, label="w"), Value(1.0, label="v")]
    params = w[:len(xb[0])]

    def fn(rows, targets):
        return mean(f(*(wi * x for wi, x in zip(params, row))) for row in rows)
    step = compile(fn, params, backend=backend)
    assert_close(compiled(step, params, xb, [0.0] * len(xb)), dynamic(fn, params, xb, [0.0] * len(xb)))
    flipped = [[-x if name in ("relu", "abs", "leaky_relu") else x for x in row] for row in reversed(xb)]
    assert_close(compiled(step, params, flipped, [0.0] * len(xb)), dynamic(fn, params, flipped, [0.0] * len(xb)))
    assert step.trace_count == 1


# ----- the step's contract -------------------------------------------------------------------
def hinge_setup(n=6, seed=0):
    rng = random.Random(seed)
    w = [Value(rng.uniform(-1, 1), label=f"w{k}") for k in range(2)]
    b = Value(0.1, label="b")

    def fn(rows, targets):
        scores = [(w[0] * x[0] + w[1] * x[1] + b).tanh() for x in rows]
        losses = [(1 + -y * s).relu() for s, y in zip(scores, targets)]
        return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in w)
    xb = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(n)]
    yb = [1.0 if k % 2 else -1.0 for k in range(n)]
    return fn, w + [b], xb, yb


def test_gradients_accumulate_like_backward_and_unused_parameters_are_untouched():
    fn, params, xb, yb = hinge_setup()
    unused = Value(3.0)
    unused.grad = 7.0
    step = compile(fn, params + [unused])
    loss, grads = compiled(step, params, xb, yb)
    step(xb, yb)
    assert [p.grad for p in params] == pytest.approx([2 * g for g in grads], rel=1e-15)
    assert unused.grad == 7.0
    assert isinstance(loss, float)


def test_other_batch_sizes_reuse_the_code_and_new_row_lengths_retrace():
    fn, params, xb, yb = hinge_setup(8)
    step = compile(fn, params)
    for batch, traces in [(4, 1), (4, 1), (6, 1), (4, 1), (8, 1), (2, 1), (1, 2), (1, 2)]:  # one row: traced apart
        assert_close(compiled(step, params, xb[:batch], yb[:batch]), dynamic(fn, params, xb[:batch], yb[:batch]))
        assert step.trace_count == traces
    shorter = [[x[0]] for x in xb[:4]]
    g = compile(lambda rows, ys: sum(params[0] * r[-1] for r in rows), params)
    g(xb[:4], yb[:4])
    g(shorter, yb[:4])  # rows of another length
    assert g.trace_count == 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_targets_that_are_class_indices_are_structure(backend):
    rng = random.Random(1)
    w = [[Value(rng.uniform(-1, 1)) for _ in range(2)] for _ in range(3)]
    params = [p for row in w for p in row]

    def fn(rows, targets):  # softmax cross-entropy, written without reading .data
        losses = []
        for x, t in zip(rows, targets):
            logits = [wc[0] * x[0] + wc[1] * x[1] for wc in w]
            losses.append(sum(z.exp() for z in logits).log() - logits[t])
        return mean(losses)
    xb = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(6)]
    step = compile(fn, params, backend=backend)
    for yb in ([0, 1, 0, 1, 1, 0], [1, 0, 1, 1, 0, 0], [2, 2, 2, 2, 2, 2], [0, 1, 2, 2, 1, 0]):
        assert_close(compiled(step, params, xb, yb), dynamic(fn, params, xb, yb))
    # Traced once, then once more when class 2 first appears; the code for classes 0 and 1,
    # absent from that batch, is kept, so the last batch needs no trace (array code too).
    assert step.trace_count == 2


def test_check_catches_a_graph_that_depends_on_the_data():
    w = Value(0.5)

    def fn(rows, targets):  # branches on the data while building the graph, at a threshold
        return sum((w * x[0] if x[0].data < 10 else w.exp() * x[0]) for x in rows)  # (that -x does not cross)
    positive, negative = [[1.0], [2.0]], [[11.0], [12.0]]
    silent = compile(fn, [w])
    silent(positive, [0.0, 0.0])
    assert compiled(silent, [w], negative, [0.0, 0.0])[0] != pytest.approx(dynamic(fn, [w], negative, [0.0, 0.0])[0])
    checked = compile(fn, [w], check=True)
    checked(positive, [0.0, 0.0])
    w.grad = 0.25
    with pytest.raises(CompileError, match="depends on the data"):
        checked(negative, [0.0, 0.0])
    assert w.grad == 0.25  # nothing was added
    with pytest.raises(CompileError, match="samples 0 and 1"):  # both branches in one batch
        compile(fn, [w])([[1.0], [11.0], [2.0]], [0.0] * 3)
    assert w.grad == 0.25


@pytest.mark.parametrize("backend, error", [("python", ValueError), ("numpy", FloatingPointError)])
def test_errors_surface_as_in_the_engine_and_change_nothing(backend, error):
    if backend == "numpy":
        pytest.importorskip("numpy")
    w = Value(1.0)
    step = compile(lambda rows, ys: mean((w * r[0]).log() for r in rows), [w], backend=backend)
    step([[1.0], [2.0]], [0.0, 0.0])
    w.grad = 0.5
    with pytest.raises(error):
        step([[1.0], [-2.0]], [0.0, 0.0])  # log of a negative number
    assert w.grad == 0.5


def test_compiled_gradients_pass_gradcheck():
    fn, params, xb, yb = hinge_setup(5)
    step = compile(fn, params)

    def loss_at(*values):
        for p, v in zip(params, values):
            p.data = float(v)
        return step(xb, yb)
    start = [p.data for p in params]
    _, grads = compiled(step, params, xb, yb)
    numeric = numeric_grad(loss_at, start)
    for p, v in zip(params, start):
        p.data = v
    assert grads == pytest.approx(numeric, rel=1e-4, abs=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_reductions_of_every_shape(backend):
    w, c = Value(0.3, label="w"), Value(-0.2, label="c")
    xb, yb = [[0.5], [-1.5], [2.0]], [0.1, 0.2, 0.3]
    fns = {
        "one sample": lambda rows, ys: (w * rows[0][0] - ys[0]) ** 2,
        "no data": lambda rows, ys: (w * c).exp(),
        "a parameter": lambda rows, ys: w,
        "nonlinear": lambda rows, ys: sum((w * r[0] + c).exp() for r in rows).log() * c,
        "two outputs": lambda rows, ys: sum(w * r[0] for r in rows) * 0.5 + sum(c * y for y in ys),
        "parameter-only values read by samples": lambda rows, ys: mean(w.exp() * r[0] + c.tanh() for r in rows),
    }
    for name, fn in fns.items():
        step = compile(fn, [w, c], backend=backend)
        batch = (xb[:1], yb[:1]) if name == "one sample" else (xb, yb)
        assert_close(compiled(step, [w, c], *batch), dynamic(fn, [w, c], *batch))


def test_source_is_readable_python():
    fn, params, xb, yb = hinge_setup(3)
    step = compile(fn, params)
    with pytest.raises(RuntimeError, match="call the step once"):
        _ = step.source
    step(xb, yb)
    source = step.source
    assert source.startswith("def step(P, groups):")
    assert "(w0, w1, b) = P" in source
    assert "g_w0 += x0 * g_" in source  # the chain rule for w0 * x0, written out
    assert "# from " in source and "tanh(" in source
    assert " if " in source  # relu's branch is taken at run time
    forward = [ln for ln in source.splitlines() if ln.startswith("        t")]
    assert len(forward) == len({ln.split(" = ")[0] for ln in forward})  # one line per operation


def test_bad_input_is_refused_clearly_and_changes_nothing():
    fn, params, xb, yb = hinge_setup(3)
    step = compile(fn, params)
    for p in params:
        p.grad = 0.5
    for args, error, text in [
        ((5, yb), TypeError, "xb must be a list"),
        ((xb, yb[:2]), ValueError, "3 rows in xb but 2 targets"),
        (([[1.0, "a"]] + xb[1:], yb), TypeError, r"xb\[0\]\[1\] must be a number"),
        (([], []), ValueError, "empty"),
        ((xb, [None] * 3), TypeError, r"yb\[0\] must be a list of numbers"),
    ]:
        with pytest.raises(error, match=text):
            step(*args)
    with pytest.raises(TypeError, match="return the loss as a Value"):
        compile(lambda rows, ys: 1.0, params)(xb, yb)
    assert [p.grad for p in params] == [0.5] * len(params)
    with pytest.raises(TypeError, match="params"):
        compile(fn, [1.0])
    with pytest.raises(ValueError, match="leaves"):
        compile(fn, [params[0] * 2])
    with pytest.raises(ValueError, match="backend"):
        compile(fn, params, backend="cuda")
    with pytest.raises(TypeError, match="callable"):
        compile(None, params)


def test_the_compile_guide_runs_as_shown():
    from test_docs import ROOT, run_markdown_examples
    result = run_markdown_examples(ROOT / "docs" / "compile.md")
    assert result.failed == 0 and result.attempted >= 5


def test_a_failing_first_batch_does_not_change_how_later_batches_compile():
    w = Value(0.5)
    step = compile(lambda xb, yb: sum((w * x[0] - y) ** 2 + (x[0] + 1.0).log() for x, y in zip(xb, yb)), [w])
    with pytest.raises(ValueError, match="log") as info:
        step([[-3.0], [2.0]], [0.25, 0.75])  # log of a negative number while tracing: the user's error
    for batch in range(4):
        step([[1.0 + batch], [2.0]], [0.1 * batch, 0.3])  # new float targets: data, no retrace
    assert step.trace_count == 1


def test_a_parameter_whose_grad_is_none_gets_the_step_gradient():
    # zero_grad(set_to_none=True) leaves None: the compiled step starts from it as backward() does.
    w = Value(0.5)
    step = compile(lambda xb, yb: sum((w * x[0] - y) ** 2 for x, y in zip(xb, yb)), [w])
    w.grad = None
    loss = step([[1.0], [2.0]], [1.0, 2.0])
    expected = Value(0.5)
    ((expected * 1.0 - 1.0) ** 2 + (expected * 2.0 - 2.0) ** 2).backward()
    assert loss == 1.25 and w.grad == expected.grad


@pytest.mark.parametrize("backend", BACKENDS + [pytest.param("torch", marks=pytest.mark.skipif(
    importlib.util.find_spec("torch") is None, reason="PyTorch is not installed"))])
def test_a_power_with_a_zero_exponent_gives_its_base_no_gradient(backend):
    # a ** e at e == 0 is 1 for every a: the engine (and PyTorch) give a the slope 0 there,
    # where e * a ** (e - 1) would be 0 * inf = nan at a == 0.
    w, e = Value(0.0), Value(0.0)
    params = [w, e]
    fn = lambda xb, yb: sum((w + x[0]) ** e * x[1] for x in xb)  # noqa: E731
    step = compile(fn, params, backend=backend)
    for X in ([[0.0, 2.0], [1.0, 3.0]], [[0.0, 1.0], [0.5, -1.0], [2.0, 0.5]]):
        got, want = compiled(step, params, X, [0.0] * len(X)), dynamic(fn, params, X, [0.0] * len(X))
        assert want[1][0] == 0.0 and got[1][0] == 0.0
        assert_close(got, want)
    e.data = 2.0  # and the ordinary rule elsewhere
    X = [[0.5, 2.0], [1.0, 3.0]]
    assert_close(compiled(step, params, X, [0.0, 0.0]), dynamic(fn, params, X, [0.0, 0.0]))
