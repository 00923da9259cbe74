"""compile refuses a graph built from the values (tracing again on other data) and says where samples differ."""
import math

import pytest
from compile_helpers import BACKENDS, assert_close, compiled, dynamic

import nn
from autograd import CompileError, Value, compile

ALL = BACKENDS + ["auto"]


def refused(step, params, xb, yb):
    """The step raises CompileError, saying what to do, and leaves every .data and .grad as they were."""
    for p in params:
        p.grad = 0.25
    before = [(p.data, p.grad) for p in params]
    with pytest.raises(CompileError, match="numbers of the batch change.*keep such numbers as Values"):
        step(xb, yb)
    assert [(p.data, p.grad) for p in params] == before


@pytest.mark.parametrize("backend", ALL)
@pytest.mark.parametrize("xb", [[[1.0], [2.0], [3.0]], [[3.0]]], ids=["batch", "one"])
def test_a_term_made_of_constants_read_from_the_data(backend, xb):
    # Found by a new user: nothing of the sample is left in its term, so comparing samples saw
    # nothing; the next batch of that size got the traced batch's loss, silently.
    w, b = Value(0.3), Value(0.1)

    def fn(rows, targets):
        return sum(b * float(x[0]) for x in rows) + w * w
    refused(compile(fn, [w, b], backend=backend), [w, b], xb, [0.0] * len(xb))


@pytest.mark.parametrize("backend", ALL)
def test_a_constant_read_from_the_data_that_is_one(backend):
    # `* 1.0` of the sample with x[0] = 1.0 looked like the identity a sum starts with.
    w = Value(0.3)

    def fn(rows, targets):
        return sum((w * x[1] - y) ** 2 * float(x[0]) for x, y in zip(rows, targets))
    xb = [[1.0, 0.5], [2.0, -1.0], [3.0, 2.0], [1.0, 1.5], [0.0, 1.0], [5.0, 0.25]]
    refused(compile(fn, [w], backend=backend), [w], xb, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])


@pytest.mark.parametrize("backend", ALL)
def test_the_largest_logit_chosen_by_value_is_not_a_class_pick(backend):
    # Found by a new user: Python's max() over the logits picked another logit in each traced
    # class, and the kinds of the classes were merged as if the class index chose it.
    model = nn.MLP(3, [4, 3], seed=1)
    params = model.parameters()

    def fn(rows, targets):
        return sum(max(model(x)) for x in rows)
    xb = [[-1.1, 0.4, 1.9], [1.3, -1.6, 0.2], [0.7, 1.8, -1.2], [1.5, 0.3, 0.9], [-0.2, -1.7, 1.1]]
    refused(compile(fn, params, backend=backend), params, xb, [0, 1, 2, 0, 1])


def test_an_order_of_the_samples_chosen_by_value():
    w, b = Value(0.3), Value(0.1)

    def fn(rows, targets):  # the weight of a sample's loss is its rank
        losses = [(w * x[0] + b - y) ** 2 for x, y in sorted(zip(rows, targets), key=lambda p: p[0][0].data)]
        return sum(loss * (k + 1) for k, loss in enumerate(losses))
    refused(compile(fn, [w, b]), [w, b], [[0.5], [-1.0], [2.0]], [0.1, 0.2, 0.3])


@pytest.mark.parametrize("backend", ALL)
def test_a_forward_pass_reading_a_number_of_its_row(backend):
    w = Value(0.5)
    forward = compile(lambda rows, targets: [w * float(x[0]) + x[1] for x in rows], [w],
                      backward=False, backend=backend)
    with pytest.raises(CompileError, match="numbers of the batch change"):
        forward([[1.0, 2.0], [1.0, 3.0]])  # (then [[2.0, 0.0]] would have given w * 1.0 + 0.0)


@pytest.mark.parametrize("backend", ALL)
def test_functions_that_only_look_at_the_data_still_compile(backend):
    # Reading the data without building from it is fine: a check that raises on bad rows, a
    # Python branch whose two sides build the same graph, weights by place in the batch.
    w, b = Value(0.3), Value(-0.2)

    def fn(rows, targets):
        zs = []
        for x in rows:
            if not all(math.isfinite(v.data) for v in x):
                raise ValueError("a row holds NaN or infinity")
            zs.append(w * x[0] + b if x[0].data > 0 else w * x[0] + b)  # (either way: the same graph)
        losses = [(z - y) ** 2 for z, y in zip(zs, targets)]
        return sum(loss * (k + 1) for k, loss in enumerate(losses)) / len(rows) + 0.5 * sum(zs)
    params = [w, b]
    step = compile(fn, params, backend=backend)
    for xb, yb in [([[1.0], [-2.0], [0.5]], [0.1, 1.0, -0.3]), ([[2.0], [3.0]], [0.5, 0.0]),
                   ([[-1.0]], [0.25]), ([[0.0], [1.0], [2.0], [-3.0]], [1.0, 1.0, 0.0, 0.0])]:
        assert_close(compiled(step, params, xb, yb), dynamic(fn, params, xb, yb))
        w.data += 0.125


def test_two_samples_that_differ_are_described_as_traced_not_after_moving_parts_away():
    # Found by a new user: the message said "one has 7 operations, the other 0" (what was left
    # after moving operations into the reduction), not where the two branches part.
    w = Value(0.3)

    def fn(rows, targets):
        return sum(((w * x[0] - y) ** 2 if x[0].data > 0 else (w * x[0] - y).abs()) for x, y in zip(rows, targets))
    with pytest.raises(CompileError, match=r"operation \d+ is '\*\*2' of \(node \d+\) in one and 'abs' of"):
        compile(fn, [w])([[1.0], [-1.0], [2.0]], [0.1, 0.2, 0.3])


def test_a_sample_the_reduction_does_not_read_is_said_to_give_nothing():
    w = Value(0.3)
    with pytest.raises(CompileError, match="reads input 0 from one and nothing from the other"):
        compile(lambda rows, targets: rows[0][0], [w])([[1.0], [2.0], [3.0]], [0.0] * 3)


@pytest.mark.parametrize("backend", ALL)
def test_a_parameter_frozen_by_detach(backend):
    # Found by a new user: w.detach() is a constant with w's value when traced; after the
    # first update every step used the old value, silently.
    w, b = Value(0.5), Value(0.1)

    def fn(rows, targets):
        return sum((w * x[0] + b - y) ** 2 * w.detach() for x, y in zip(rows, targets))
    refused(compile(fn, [w, b], backend=backend), [w, b], [[1.0], [2.0], [3.0]], [0.1, 0.2, 0.3])


@pytest.mark.parametrize("backend", ALL)
def test_rows_of_two_lengths_that_build_the_same_graph_are_two_kinds(backend):
    # Found by a new user: `w * x[0]` on rows of 1 and of 2 numbers is one graph, so the kinds
    # of class 0 shared one code, which unpacked every row as one number: ValueError.
    w, b = Value(0.5), Value(-0.3)

    def fn(rows, ys):
        return sum([w * x[0], b * x[-1], w * b * x[0]][y] for x, y in zip(rows, ys))
    xb, targets = [[1.0], [2.0, 3.0], [0.5], [1.5, -1.0], [2.5]], [0, 1, 2, 0, 1]
    step = compile(fn, [w, b], backend=backend)
    for n in (5, 4, 5):
        assert_close(compiled(step, [w, b], xb[:n], targets[:n]), dynamic(fn, [w, b], xb[:n], targets[:n]))
        w.data += 0.25


@pytest.mark.parametrize("backend", ALL)
def test_a_branch_that_every_traced_sample_takes_the_same_way(backend):
    # Found by a new user: the batch's first rows were all positive, so both traced samples
    # took `if x[0].data > 0`; every negative row of later batches got their code, silently.
    w = Value(0.5)

    def fn(rows, targets):
        return sum((w * x[0] if x[0].data > 0 else (w * x[0]).exp()) for x in rows)
    refused(compile(fn, [w], backend=backend), [w], [[1.0], [2.0], [0.5]], [0.0, 0.0, 0.0])


@pytest.mark.parametrize("backend", ALL)
def test_a_hand_written_cross_entropy_that_branches_on_labels_of_one_class(backend):
    w, b = Value(0.5), Value(0.1)

    def fn(rows, targets):
        probs = [(w * x[0] + b).sigmoid() for x in rows]
        return sum(-(p.log() if y > 0.5 else (1 - p).log()) for p, y in zip(probs, targets)) / len(rows)
    refused(compile(fn, [w, b], backend=backend), [w, b], [[1.0], [2.0], [-1.0]], [1.0, 1.0, 1.0])


@pytest.mark.parametrize("backend", ALL)
def test_a_function_that_cannot_take_flipped_rows_still_compiles(backend):
    w, b = Value(0.5), Value(0.1)

    def fn(rows, targets):  # log of the rows: flipped signs raise, nudged ones are checked
        return sum((w * x[0].log() + b - y) ** 2 for x, y in zip(rows, targets)) / len(rows)
    step = compile(fn, [w, b], backend=backend)
    for xb, yb in [([[1.0], [2.0], [0.5]], [0.1, 0.2, 0.3]), ([[3.0], [0.25]], [1.0, -1.0])]:
        assert_close(compiled(step, [w, b], xb, yb), dynamic(fn, [w, b], xb, yb))


@pytest.mark.parametrize("backend", ALL)
def test_losses_divided_by_their_place_in_the_batch(backend):
    # Found by a new user: `loss_k / (k + 1)` was refused ("samples 0 and 1 ... '/' of constant
    # 1.0 in one and 2.0 in the other"), while `loss_k * (k + 1)` compiled: `/ 1.0` is an identity too.
    w, b = Value(0.3), Value(-0.7)

    def fn(rows, targets):
        losses = [(w * x[0] + b * x[1] - y) ** 2 for x, y in zip(rows, targets)]
        return sum(loss / (k + 1) for k, loss in enumerate(losses))
    xb = [[0.5, -1.0], [1.0, 2.0], [-1.5, 0.25], [2.0, 1.0], [0.75, -0.5]]
    yb = [0.5, -0.25, 1.0, 0.0, 0.75]
    step = compile(fn, [w, b], backend=backend)
    for n in (5, 3, 2, 5, 4):
        assert_close(compiled(step, [w, b], xb[:n], yb[:n]), dynamic(fn, [w, b], xb[:n], yb[:n]))
        w.data += 0.125


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_trace_on_other_data_never_shows_nudged_parameters_to_other_threads(backend):
    # The traces on other data nudge every parameter for a moment: a compiled step running
    # in another thread meanwhile must still read the parameters' own values.
    import sys
    import threading
    model = nn.MLP(3, [4, 2], seed=0)
    params = model.parameters()

    def fn(rows, ys):
        return nn.cross_entropy([model(x) for x in rows], ys)
    xb, yb = [[0.5, -1.0, 0.25], [1.5, 0.5, -0.5], [0.1, 0.2, 0.3]], [0, 1, 1]
    reader = compile(fn, params, backend=backend)
    want = reader(xb, yb)
    assert want == pytest.approx(dynamic(fn, params, xb, yb)[0], rel=1e-12)
    done, seen = threading.Event(), []

    def read():
        while not done.is_set():
            seen.append(reader(xb, yb))
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns often: inside a trace too
    thread = threading.Thread(target=read)
    thread.start()
    try:
        for _ in range(15):  # a new step each time: each first call traces on other data
            compile(fn, params, backend=backend)(xb, yb)
    finally:
        done.set()
        thread.join()
        sys.setswitchinterval(interval)
    assert seen and all(loss == want for loss in seen)


@pytest.mark.parametrize("backend", ALL)
def test_a_constant_read_from_rows_that_cannot_be_flipped_is_seen_on_nudged_rows(backend):
    w, b = Value(0.5), Value(0.1)

    def fn(rows, targets):  # flipped rows raise in log; nudged ones show float(x[0]) baked in
        # (rows all alike: comparing the traced samples sees nothing)
        return sum((w * x[0].log() + b * float(x[0]) - y) ** 2 for x, y in zip(rows, targets)) / len(rows)
    refused(compile(fn, [w, b], backend=backend), [w, b], [[2.0], [2.0], [2.0]], [0.1, 0.2, 0.3])


@pytest.mark.parametrize("backend", ALL)
def test_the_nudged_trace_is_paid_only_when_the_flipped_one_raises(backend):
    # Flipped rows are nudged too: when their trace runs, a trace of the rows nudged alone
    # sees nothing more (it made the first call of a digits fit 1.4 times slower with NumPy).
    w, b = Value(0.5), Value(0.1)
    calls = {"log": 0, "plain": 0}

    def loss(rows, targets, kind):
        calls[kind] += 1
        f = (lambda v: v.log()) if kind == "log" else (lambda v: v * 1.0)
        return sum((w * f(x[0]) + b - y) ** 2 for x, y in zip(rows, targets)) / len(rows)
    xb, yb = [[1.0], [2.0], [0.5], [3.0]], [0.1, 0.2, 0.3, 0.4]
    for kind in calls:
        step = compile(lambda rows, targets, kind=kind: loss(rows, targets, kind), [w, b], backend=backend)
        assert_close(compiled(step, [w, b], xb, yb), dynamic(lambda r, t: loss(r, t, kind), [w, b], xb, yb))
        calls[kind] -= 1  # (the dynamic run)
    assert calls["log"] == calls["plain"] + 1


@pytest.mark.parametrize("backend", ALL)
def test_labels_read_in_python_are_refused_as_floats_and_compile_as_ints(backend):
    # Found by a new user: a hand-written hinge loss on -1.0/+1.0 labels was refused; the
    # message now says that labels given as ints compile (one code for each label).
    w, b = Value(0.5), Value(0.1)

    def fn(rows, targets):
        return sum((1.0 - (1.0 if t > 0 else -1.0) * (w * x[0] + b)).relu() for x, t in zip(rows, targets)) / len(rows)
    xb = [[1.0], [2.0], [-1.0], [0.5]]
    with pytest.raises(CompileError, match="labels read in Python.*as ints"):
        compile(fn, [w, b], backend=backend)(xb, [1.0, 1.0, 1.0, 1.0])
    step = compile(fn, [w, b], backend=backend)
    for yb in ([1, 1, 1, 1], [1, -1, -1, 1], [-1, 1, 1, -1]):
        assert_close(compiled(step, [w, b], xb, yb), dynamic(fn, [w, b], xb, yb))


@pytest.mark.parametrize("backend", ALL)
def test_a_graph_built_from_the_values_for_one_class_beyond_the_first_few_traced(backend):
    # The Python backend traces the classes of a wide model a few at a time (to bound the
    # memory); only the first few were traced again on other data, so a branch on the values
    # in the loss of class 4 alone was compiled: later batches got the wrong loss, silently.
    model = nn.MLP(20, [32, 5], seed=0)  # wide enough to be traced in parts (plan.STRAIGHT)
    params = model.parameters()

    def fn(rows, targets):
        losses = [nn.cross_entropy(model(x), y) for x, y in zip(rows, targets)]
        return sum(loss * 2.0 if y == 4 and x[0].data > 0 else loss
                   for loss, x, y in zip(losses, rows, targets)) * (1.0 / len(rows))
    xb = [[-0.5 - 0.01 * k] + [0.1 * ((k * j) % 7 - 3) for j in range(19)] for k in range(10)]
    refused(compile(fn, params, backend=backend), params, xb, [k % 5 for k in range(10)])
