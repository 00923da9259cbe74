"""NumPy batches: a step looks each batch up once, a shape seen before runs with no work per
sample (plain calls and training blocks alike), and fit's batches are the DataLoader's."""
import collections
import random

import pytest

import nn
import nn.train
from autograd import Value, compile
from autograd.compiler import plan as plan_module
from autograd.compiler import step as step_module

np = pytest.importorskip("numpy")


def mean(values):
    values = list(values)
    return sum(values) * (1.0 / len(values))


@pytest.fixture
def lookups(monkeypatch):
    """Counts of the calls that look a batch up: `structure`, `CompiledStep._find`, `Plan.code`."""
    counts = collections.Counter()

    def spy(owner, name):
        real = getattr(owner, name)

        def counted(*args, **kwargs):
            counts[name] += 1
            return real(*args, **kwargs)
        monkeypatch.setattr(owner, name, counted)
    spy(step_module, "structure")
    spy(step_module.CompiledStep, "_find")
    spy(plan_module.Plan, "code")
    return counts


def tiny(backend, seed=0):
    """A model too small for arrays to pay at batch 8: `backend="auto"` runs Python code."""
    model = nn.MLP(2, [2, 1], activation="tanh", seed=seed)
    return model, compile(lambda xb, yb: nn.mse_loss([model(x) for x in xb], yb), model.parameters(), backend=backend)


def classes(seed=0):
    model = nn.MLP(4, [6, 3], seed=seed)
    return model, compile(lambda xb, yb: nn.cross_entropy([model(x) for x in xb], yb), model.parameters(),
                          backend="numpy")


def batches(rows, targets, count=4, n=8, seed=1):
    rng = random.Random(seed)
    return [([[rng.gauss(0.0, 1.0) for _ in range(rows)] for _ in range(n)], [targets(rng) for _ in range(n)])
            for _ in range(count)]


FLOATS = batches(2, lambda rng: rng.gauss(0.0, 1.0))
CLASSES = batches(4, lambda rng: rng.randrange(3), count=5)


def trained(make, data, as_arrays, block):
    """Losses and parameters after SGD steps: in a training block, or zero_grad + step + SGD."""
    model, step = make()
    opt = nn.SGD(model.parameters(), lr=0.1)
    losses = []
    if block:
        with step.training(opt) as train:
            losses = [train(np.array(xb), np.array(yb)) if as_arrays else train(xb, yb) for xb, yb in data]
    else:
        for xb, yb in data:
            opt.zero_grad()
            losses.append(step(np.array(xb), np.array(yb)) if as_arrays else step(xb, yb))
            opt.step()
    return losses, [(p.data, p.grad) for p in model.parameters()]


@pytest.mark.parametrize("block", [True, False])
def test_auto_falling_back_to_python_code_looks_a_numpy_batch_up_once(lookups, block):
    model, step = tiny("auto")
    opt = nn.SGD(model.parameters(), lr=0.1)
    xb, yb = np.array(FLOATS[0][0]), np.array(FLOATS[0][1])
    with step.training(opt) as train:
        call = train if block else step
        call(xb, yb)  # traced here
        assert step.stats["backend"] == "python"
        lookups.clear()
        for _ in range(3):
            call(xb, yb)
    assert lookups == {"_find": 3, "code": 3}  # once a step; structure() not at all (was 2, 4, 4)


@pytest.mark.parametrize("block", [True, False])
def test_auto_python_code_on_numpy_batches_gives_the_numbers_of_lists(block):
    expected = trained(lambda: tiny("auto"), FLOATS, as_arrays=False, block=False)
    assert trained(lambda: tiny("auto"), FLOATS, as_arrays=True, block=block) == expected  # bitwise


def test_int_rows_reach_python_code_as_floats():
    model, step = tiny("auto")
    rows, targets = [[1, -2], [0, 3], [2, 2], [-1, 0]], [0.5, -1.0, 2.0, 0.0]
    first = step(rows, targets), [p.grad for p in model.parameters()]
    model.zero_grad()
    assert (step(np.array(rows), np.array(targets)), [p.grad for p in model.parameters()]) == first


def test_a_plain_step_on_a_numpy_batch_of_a_known_shape_skips_the_lookup(lookups):
    model, step = classes()
    xb, yb = np.array(CLASSES[0][0]), np.array([0, 1, 2, 0, 1, 2, 0, 1])
    step(xb, yb)  # traced
    step(xb, yb)  # looked up: its shape is noted
    lookups.clear()
    for xb2, yb2 in CLASSES[1:]:
        step(np.array(xb2), np.array(yb2))  # the same shape, other rows and classes
    assert lookups == {}
    # a training block of the same step reads the same note (one cache, not one per block)
    with step.training(nn.SGD(model.parameters(), lr=0.1)) as train:
        train(xb, yb)
    assert lookups == {}
    step(xb[:5], yb[:5])  # another batch size: looked up once, then noted too
    step(xb[:5], yb[:5])
    assert lookups == {"_find": 1, "code": 1}


def test_a_new_class_or_a_new_trace_goes_through_the_lookup_again(lookups):
    model, step = classes()
    xb = np.array(CLASSES[0][0])
    step(xb, np.array([0, 1, 0, 1, 0, 1, 0, 1]))
    step(xb, np.array([1, 0, 1, 0, 1, 0, 1, 0]))
    lookups.clear()
    step(xb, np.array([2, 0, 1, 0, 1, 0, 1, 0]))  # class 2 is new: traced, with the classes known
    assert step.trace_count == 2 and lookups["_find"] >= 1
    lookups.clear()
    step(xb, np.array([1, 0, 1, 0, 1, 0, 1, 0]))  # the old plan is gone: looked up in the new one
    assert lookups == {"_find": 1, "code": 1}
    step(xb, np.array([2, 2, 1, 0, 1, 0, 1, 0]))
    assert lookups == {"_find": 1, "code": 1}


def test_the_note_holds_only_while_its_plan_is_the_one_looked_at_first(lookups):
    """Rows of two lengths: the plan that knows both is tried first, so a shape noted for an
    older plan is looked up again (and runs the code the lookup finds)."""
    w = [Value(0.3), Value(-0.2)]
    step = compile(lambda xb, yb: mean((w[0] * sum(x) + w[1] - t) ** 2 for x, t in zip(xb, yb)), w, backend="numpy")
    short, long = (np.ones((4, 2)), np.zeros(4)), (np.ones((4, 3)), np.zeros(4))
    step(*short)
    step(*long)  # traced with the short rows known: a second plan, tried first
    first, second = step._plans
    step._plans.move_to_end(first)  # as if the older plan had been used last
    step(*short)  # found in the older plan, and noted
    step(*long)   # only the newer plan knows long rows: it is tried first again
    lookups.clear()
    step(*short)
    assert lookups == {"_find": 1, "code": 1}
    assert step._last.plan is step._plans[second]  # what the lookup finds, not the note


@pytest.mark.parametrize("block", [True, False])
def test_numpy_batches_of_known_shapes_give_the_numbers_of_lists(block):
    data = CLASSES + [(CLASSES[0][0], [2, 2, 2, 2, 2, 2, 2, 2]), (CLASSES[1][0][:3], [0, 2, 1])] + CLASSES
    expected = trained(classes, data, as_arrays=False, block=False)
    assert trained(classes, data, as_arrays=True, block=block) == expected  # bitwise


class OldBatches(nn.DataLoader):
    """fit's NumPy batches as they were made before: each batch's rows stacked one by one."""

    def __init__(self, rows, y, batch_size, seed):
        super().__init__(rows, y, batch_size, shuffle=True, seed=seed)

    def __iter__(self):
        for xb, yb in super().__iter__():
            targets = np.asarray(yb)
            yield np.stack(xb), targets if targets.dtype.kind in ("i", "u", "f") else yb


@pytest.mark.parametrize("targets", ["classes", "floats", "ints and floats mixed"])
@pytest.mark.parametrize("seed", [4, "a shared random.Random"])
def test_fit_array_batches_are_the_data_loaders_batches(targets, seed):
    rng = random.Random(2)
    rows = np.array([[rng.random() for _ in range(3)] for _ in range(23)])
    y = {"classes": [rng.randrange(3) for _ in range(23)], "floats": [rng.random() for _ in range(23)],
         "ints and floats mixed": [0.5 if i in (3, 17) else i % 2 for i in range(23)]}[targets]
    make = (lambda: random.Random(4)) if seed != 4 else (lambda: 4)
    old, new = OldBatches(rows, y, 5, make()), nn.train._ArrayBatches(rows, y, 5, make())
    assert len(new) == len(old) == 5
    for _ in range(3):  # epochs: reshuffled alike
        pairs = list(zip(old, new))
        assert len(pairs) == 5
        for (x_old, y_old), (x_new, y_new) in pairs:
            assert x_new.dtype == x_old.dtype and x_new.tolist() == x_old.tolist()
            assert type(y_new) is type(y_old) and getattr(y_new, "dtype", None) == getattr(y_old, "dtype", None)
            assert list(y_new) == list(y_old)
    if targets == "ints and floats mixed":  # some batches all ints (class indices), some not
        assert {str(getattr(yb, "dtype", "list")) for _, yb in OldBatches(rows, y, 5, 4)} != {"float64"}


@pytest.mark.parametrize("backend", ["numpy", "auto"])
def test_fit_with_arrays_takes_batches_by_index_with_the_same_results(monkeypatch, backend):
    X, y = nn.load_digits(normalize=True)
    X, y = X[:100], y[:100]
    results = []
    for batching in (OldBatches, nn.train._ArrayBatches):
        monkeypatch.setattr(nn.train, "_ArrayBatches", batching)
        model = nn.MLP(64, [8, 10], seed=1)
        opt = nn.Adam(model.parameters(), lr=0.02)
        stacked = []
        real_stack = np.stack
        monkeypatch.setattr(np, "stack", lambda *a, **k: stacked.append(1) or real_stack(*a, **k))
        history = nn.fit(model, X, y, "cross_entropy", optimizer=opt, epochs=2, batch_size=16, seed=3,
                         verbose=False, compile=True, backend=backend)
        monkeypatch.setattr(np, "stack", real_stack)
        results.append(([p.data for p in model.parameters()], [vars(h) for h in history], len(stacked)))
    (values_old, history_old, stacks_old), (values, history, stacks) = results
    assert values == values_old and history == history_old  # bitwise
    assert stacks_old == 2 * 7 and stacks == 0  # one stack per batch before; none now
