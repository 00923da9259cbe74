"""NumPy batches: a step looks each batch up once, a shape seen before runs with no work per
sample (plain calls and training blocks alike)."""
import collections
import random

import pytest

import nn
from autograd import compile
from autograd.compiler import plan as plan_module
from autograd.compiler import step as step_module

np = pytest.importorskip("numpy")


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


@pytest.mark.parametrize("block", [True, False])
def test_numpy_batches_of_known_shapes_give_the_numbers_of_lists(block):
    data = CLASSES + [(CLASSES[0][0], [2, 2, 2, 2, 2, 2, 2, 2]), (CLASSES[1][0][:3], [0, 2, 1])] + CLASSES
    expected = trained(classes, data, as_arrays=False, block=False)
    assert trained(classes, data, as_arrays=True, block=block) == expected  # bitwise
