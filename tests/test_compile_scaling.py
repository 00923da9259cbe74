"""compile at scale: class indices at run time, any batch size, loops in the code, forward only."""
import math
import random

import pytest
from compile_helpers import assert_close, compiled, dynamic

from autograd import Value, compile
from autograd.compiler import dots, plan

nn = pytest.importorskip("nn")


@pytest.fixture
def arrays(monkeypatch):
    """Array form (loops, class indices at run time) even for graphs small enough to be
    written one line per node."""
    monkeypatch.setattr(plan, "STRAIGHT", 0)


def data(n, nin, classes, seed=0):
    rng = random.Random(seed)
    return [[rng.uniform(-2, 2) for _ in range(nin)] for _ in range(n)], [rng.randrange(classes) for _ in range(n)]


def ce_step(model):
    params = model.parameters()

    def fn(rows, targets):
        return nn.batch_loss(model, nn.cross_entropy, rows, targets)
    return fn, params, compile(fn, params)


def test_class_indices_are_chosen_at_run_time_in_one_kind_of_code(arrays):
    fn, params, step = ce_step(nn.MLP(5, [6, 4], seed=0))
    for seed, n in enumerate([12, 7, 12, 3]):
        xb, yb = data(n, 5, 4, seed)
        assert_close(compiled(step, params, xb, yb), dynamic(fn, params, xb, yb))
    assert step.stats["kinds"] == 1 and step.trace_count == 1
    assert "y]" in step.source  # the class index picks the logit


def test_classes_share_one_kind_of_named_code_and_wide_graphs_get_loops():
    for nin, named in ((3, True), (80, True), (400, False)):  # about 200, 2,200 and 10,000 nodes
        fn, params, step = ce_step(nn.MLP(nin, [12, 8], seed=0))
        for seed, n in enumerate([16, 9]):
            xb, yb = data(n, nin, 4, seed=seed + 1)
            assert_close(compiled(step, params, xb, yb), dynamic(fn, params, xb, yb))
        assert step.stats["kinds"] == 1 and step.trace_count == 1
        assert ("pick0 = (" in step.source) == named  # named values; the class index picks one
        assert ("t = [0.0]" in step.source) != named  # else values in a list, loops


def test_a_class_not_seen_yet_is_traced_once_and_the_others_kept(arrays):
    fn, params, step = ce_step(nn.MLP(3, [5, 3], seed=1))
    xb, _ = data(6, 3, 3)
    for yb, traces in [([0, 1, 0, 1, 1, 0], 1), ([2, 2, 2], 2), ([0, 1, 2, 2, 1, 0], 2), ([1, 1], 2)]:
        assert_close(compiled(step, params, xb[:len(yb)], yb), dynamic(fn, params, xb[:len(yb)], yb))
        assert step.trace_count == traces


@pytest.mark.parametrize("nin, form", [(2, "pick0 = (t12, t2, t7)[y]"), (6, "CLASSES[0][y]")])
def test_a_class_table_that_is_not_regular(nin, form, arrays):
    w = [[Value(random.Random(k).uniform(-1, 1)) for _ in range(nin)] for k in range(3)]
    params = [p for row in w for p in row]
    order = [2, 0, 1]

    def fn(rows, targets):  # picks logits[order[t]]: slots 2, 0, 1 for classes 0, 1, 2
        losses = []
        for x, t in zip(rows, targets):
            logits = [sum((a * b for a, b in zip(wc[1:], x[1:])), wc[0] * x[0]) for wc in w]
            losses.append(sum(z.exp() for z in logits).log() - logits[order[t]])
        return sum(losses) * (1.0 / len(losses))
    step = compile(fn, params)
    for seed, n in ((3, 9), (4, 5)):
        xb, yb = data(n, nin, 3, seed=seed)
        assert_close(compiled(step, params, xb, yb), dynamic(fn, params, xb, yb))
    # Named code picks among the logits' names; loops (6 inputs: dot products) look up a table.
    assert form in step.source and step.stats["kinds"] == 1


@pytest.mark.parametrize("form", ["named", "arrays"])
def test_twenty_batch_sizes_cycling_never_trace_again(form, monkeypatch):
    if form == "arrays":
        monkeypatch.setattr(plan, "STRAIGHT", 0)
    model = nn.MLP(3, [4, 1], seed=2)
    params = model.parameters()

    def fn(rows, targets):
        return nn.batch_loss(model, nn.mse_loss, rows, targets, l2=1e-3)
    step = compile(fn, params)
    xb, _ = data(22, 3, 2)
    yb = [x[0] - x[1] for x in xb]
    for _ in range(2):
        for n in range(2, 22):
            assert_close(compiled(step, params, xb[:n], yb[:n]), dynamic(fn, params, xb[:n], yb[:n]))
    assert step.trace_count == 1


def running_max(w):
    def fn(rows, targets):  # max over the batch, built from relu as nn's softmax does
        outs = [w * x[0] for x in rows]
        m = outs[0]
        for o in outs[1:]:
            m = m + (o - m).relu()
        return m
    return fn


def test_a_running_max_over_the_batch_compiles():
    w = Value(2.0)
    fn = running_max(w)
    step = compile(fn, [w])
    for xb in ([[1.0], [2.0], [0.5], [-1.0]], [[0.5], [-3.0], [1.5]], [[2.0], [0.5], [1.0], [-1.0]]):
        assert_close(compiled(step, [w], xb, [0.0] * len(xb)), dynamic(fn, [w], xb, [0.0] * len(xb)))
    assert compiled(step, [w], [[1.0], [4.0], [2.0]], [0.0] * 3) == (8.0, [4.0])


def test_many_structures_cycling_do_not_evict_each_other():
    w = Value(0.5)
    step = compile(running_max(w), [w])  # not a sum: each batch size is traced once
    for _ in range(2):
        for n in range(2, 22):
            step([[float(k)] for k in range(n)], [0.0] * n)
    assert step.trace_count == 20


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu(0.1)"])
def test_loops_agree_with_the_engine_for_each_activation(activation, arrays):
    model = nn.MLP(6, [5, 4, 3], activation=activation, seed=4)
    params = model.parameters()

    def fn(rows, targets):
        return nn.batch_loss(model, nn.cross_entropy, rows, targets, l2=1e-3)
    step = compile(fn, params)
    xb, yb = data(10, 6, 3, seed=5)
    assert_close(compiled(step, params, xb, yb), dynamic(fn, params, xb, yb))
    dot = "sum(map(mul, " if dots.PLAIN_SUM else "for u, v in zip("  # Python 3.12's sum() compensates
    assert "for k in range(" in step.source and dot in step.source


def test_a_dot_product_with_a_constant_side_and_multi_output_targets(arrays):
    w = [Value(0.1 * k - 0.3) for k in range(8)]
    b = Value(0.2)

    def fn(rows, targets):
        terms = []
        for x, y in zip(rows, targets):
            s = sum(map(lambda a, c: a * c, w, [1.5] * 8), b)  # u . const: an index loop
            d = sum(map(lambda a, c: a * c, w, x), b)
            terms += [(s * d - y[0]) ** 2, (d - y[1]) ** 2]
        return sum(terms) * (1.0 / len(terms))
    step = compile(fn, w + [b])
    rng = random.Random(6)
    xb = [[rng.uniform(-1, 1) for _ in range(8)] for _ in range(5)]
    yb = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(5)]
    assert_close(compiled(step, w + [b], xb, yb), dynamic(fn, w + [b], xb, yb))
    assert "for i in range(8):" in step.source


def test_code_size_does_not_grow_with_width_or_classes(arrays):
    sizes = []
    for nin, hidden, classes in [(8, 6, 3), (40, 30, 12), (100, 64, 10)]:
        _, _, step = ce_step(nn.MLP(nin, [hidden, classes], seed=0))
        xb, yb = data(2 * classes, nin, classes)
        step(xb, yb)
        sizes.append(step.stats["lines"])
    # Bound: one dot product loop and one activation per layer, the softmax's loops, the
    # reduction: about 150 lines for any two-layer MLP with cross-entropy.
    assert max(sizes) <= 150 and all(later <= sizes[0] + 4 for later in sizes), sizes


def test_forward_only_gives_the_models_outputs(arrays):
    for nouts in ([5, 3], [4, 1]):
        model = nn.MLP(7, nouts, activation="tanh", seed=7)
        forward = compile(lambda xb, yb: [model(x) for x in xb], model.parameters(), backward=False)
        for n in (6, 2, 1, 9):
            xb, _ = data(n, 7, 2, seed=n)
            want = [model(x) for x in xb]
            want = [[v.data for v in out] if isinstance(out, list) else out.data for out in want]
            assert forward(xb) == want
        assert forward.trace_count == 2  # one trace for every batch size, and one row apart
        assert "g_" not in forward.source  # no backward pass


@pytest.mark.parametrize("form", ["named", "arrays"])
def test_evaluate_and_predict_compiled_agree_with_the_engine(form, monkeypatch):
    if form == "arrays":
        monkeypatch.setattr(plan, "STRAIGHT", 0)
    model = nn.MLP(4, [6, 3], seed=8)
    X, y = data(40, 4, 3, seed=9)
    for kwargs in ({}, {"loss": "cross_entropy"}):
        got, want = nn.evaluate(model, X, y, compile=True, **kwargs), nn.evaluate(model, X, y, **kwargs)
        assert got["accuracy"] == want["accuracy"]
        if kwargs:
            assert got["loss"] == pytest.approx(want["loss"], rel=1e-12)
        else:  # no loss asked for: none computed, either way
            assert got["loss"] is None and want["loss"] is None
    assert nn.predict(model, X, compile=True) == nn.predict(model, X)
    assert nn.accuracy(model, X, y, compile=True) == nn.accuracy(model, X, y)


def test_l2_code_does_not_grow_with_width(arrays):
    sizes = []
    for nin, hidden, classes in [(8, 6, 3), (100, 64, 10)]:
        model = nn.MLP(nin, [hidden, classes], seed=1)
        params = model.parameters()

        def fn(rows, targets):
            return nn.batch_loss(model, nn.cross_entropy, rows, targets, l2=1e-3)
        step = compile(fn, params)
        for n in (2 * classes, 5):
            xb, yb = data(n, nin, classes, seed=n)
            assert_close(compiled(step, params, xb, yb), dynamic(fn, params, xb, yb))
        sizes.append(step.stats["lines"])
    # Bound: the penalty is one dot product of the parameters with themselves (about 15 lines
    # with its backward), however many parameters (7,114 here: tens of thousands of lines if
    # written one line per node).
    assert max(sizes) <= 170 and sizes[1] <= sizes[0] + 4, sizes


@pytest.mark.parametrize("form", ["named", "arrays"])
def test_zero_gradients_are_skipped_only_where_the_floats_agree(form, monkeypatch):
    # A relu that is off sends back g = 0, and both forms skip its dot product's backward;
    # that must not hide inf * 0 = nan: an infinite input into a unit that is off.
    if form == "arrays":
        monkeypatch.setattr(plan, "STRAIGHT", 0)
    w = [Value(c) for c in (0.3, -0.5, 0.2, 0.1, -0.4)]
    b, v = Value(0.1), Value(1.5)

    def fn(rows, targets):
        terms = [((sum((wi * xi for wi, xi in zip(w, x)), b)).relu() * v - y) ** 2 for x, y in zip(rows, targets)]
        return sum(terms) * (1.0 / len(terms))
    params = w + [b, v]
    step = compile(fn, params)
    xb, _ = data(6, 5, 2, seed=12)
    yb = [0.5, -0.25, 1.0, 0.0, 0.75, -1.0]
    assert_close(compiled(step, params, xb, yb), dynamic(fn, params, xb, yb))
    assert "if g or not isfinite(" in step.source
    xb[3][1] = math.inf  # w[1] < 0: this unit's sum is -inf, its relu off, the loss finite
    got, want = compiled(step, params, xb, yb), dynamic(fn, params, xb, yb)
    assert math.isfinite(want[0]) and any(math.isnan(g) for g in want[1])
    assert got[0] == want[0] and [math.isnan(g) for g in got[1]] == [math.isnan(g) for g in want[1]]
    assert_close(*[(loss, [g for g in grads if not math.isnan(g)]) for loss, grads in (got, want)])


def test_kinds_traced_apart_share_their_equal_signature_entries(monkeypatch):
    # A wide model with many classes is traced a few samples at a time; each class's kind
    # keeps a signature of an entry per node until they merge. They must share the entries
    # that are equal (all but the class's pick), or memory grows with the number of classes.
    from autograd.compiler import samples
    sigs = []
    real = samples.group

    def spy(s, skeys, numbers=None, shared=None, peel=True):
        kinds, kind_of = real(s, skeys, numbers, shared, peel)
        if shared is not None:  # the kinds' traces (not the reduction's second small batch)
            sigs.extend(sig for _, sig in kinds)
        return kinds, kind_of
    monkeypatch.setattr(plan, "group", spy)
    monkeypatch.setattr("autograd.compiler.step.group", spy)
    model = nn.MLP(40, [30, 10], seed=0)
    fn, params, step = ce_step(model)
    xb, yb = data(40, 40, 10)
    assert_close(compiled(step, params, xb, yb), dynamic(fn, params, xb, yb))
    assert len({len(sig) for sig in sigs}) == 1 and len(sigs) >= 10  # a kind per class, traced apart
    first = sigs[0]
    for sig in sigs[1:]:
        equal = [k for k, (x, y) in enumerate(zip(first, sig)) if x == y]
        assert len(equal) > 0.99 * len(first)
        assert all(first[k] is sig[k] for k in equal[:-1])  # (the last entry: the outputs)
