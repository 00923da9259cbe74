"""`step.training(optimizer)`: parameters kept as arrays inside a block, the same numbers as step-by-step."""
import random

import pytest

import nn
from autograd import compile

np = pytest.importorskip("numpy")

OPTIMIZERS = {
    "sgd": lambda p: nn.SGD(p, lr=0.1),
    "sgd momentum dampening decay": lambda p: nn.SGD(p, lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01),
    "sgd nesterov": lambda p: nn.SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.02),
    "adam": lambda p: nn.Adam(p, lr=0.02),
    "adam decay": lambda p: nn.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
    "adamw": lambda p: nn.AdamW(p, lr=0.02, weight_decay=0.1),
}


def problem(target, seed=0):
    """(model, loss(xb, yb), batches of several sizes) for class-index or float targets."""
    rng = random.Random(seed)
    if target == "class":
        model = nn.MLP(4, [6, 3], seed=seed)

        def loss(xb, yb):
            return nn.cross_entropy([model(x) for x in xb], yb)
        label = lambda: rng.randrange(3)  # noqa: E731
    else:
        model = nn.MLP(4, [5, 1], activation=["tanh", "linear"], seed=seed)

        def loss(xb, yb):  # float targets, and an L2 penalty on the parameters
            return nn.mse_loss([model(x) for x in xb], yb) + nn.l2_penalty(model.parameters(), 1e-3)
        label = lambda: rng.gauss(0.0, 1.0)  # noqa: E731
    batches = [([[rng.gauss(0.0, 1.0) for _ in range(4)] for _ in range(n)], [label() for _ in range(n)])
               for n in (8, 5, 8, 8, 3)]
    return model, loss, batches


def state(model, opt):
    return [(p.data, p.grad) for p in model.parameters()], opt.state_dict()


def step_by_step(target, make_opt, backend="numpy", steps=None, batches=None):
    """The reference: zero_grad, a compiled step on the Values, the optimizer's scalar loop."""
    model, loss, own = problem(target)
    batches = own if batches is None else batches
    opt = make_opt(model.parameters())
    step = compile(loss, model.parameters(), backend=backend)
    losses = []
    for xb, yb in batches[:steps]:
        opt.zero_grad()
        losses.append(step(xb, yb))
        opt.step()
    return losses, state(model, opt)


def in_block(target, make_opt, as_arrays, backend="numpy", batches=None):
    model, loss, own = problem(target)
    batches = own if batches is None else batches
    opt = make_opt(model.parameters())
    step = compile(loss, model.parameters(), backend=backend)
    with step.training(opt) as train:
        losses = [train(np.array(xb), np.array(yb)) if as_arrays else train(xb, yb) for xb, yb in batches]
    return losses, state(model, opt)


@pytest.mark.parametrize("target", ["class", "float"])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_training_block_gives_the_same_numbers_as_step_by_step(target, name):
    make_opt = OPTIMIZERS[name]
    expected = step_by_step(target, make_opt, "numpy")
    assert in_block(target, make_opt, as_arrays=True) == expected  # bitwise: the same operations
    assert in_block(target, make_opt, as_arrays=False) == expected
    # and the Python backend (another summation order) to 1e-12
    losses, ((values, opt_state)) = step_by_step(target, make_opt, "python")
    assert expected[0] == pytest.approx(losses, rel=1e-12)
    assert [d for d, _ in expected[1][0]] == pytest.approx([d for d, _ in values], rel=1e-12, abs=1e-12)
    assert [g for _, g in expected[1][0]] == pytest.approx([g for _, g in values], rel=1e-9, abs=1e-12)


def test_values_are_written_back_when_the_block_ends_or_on_sync():
    model, loss, batches = problem("class")
    params = model.parameters()
    before = [p.data for p in params]
    opt = nn.SGD(params, lr=0.1, momentum=0.9)
    step = compile(loss, params, backend="numpy")
    with step.training(opt) as train:
        train(*batches[0])
        assert [p.data for p in params] == before  # still the arrays' business
        assert opt.steps == 1 and opt.state == {}
        train.sync()
        synced = [p.data for p in params]
        assert synced != before and all("momentum_buffer" in opt.state[p] for p in params)
        train(*batches[1])
    assert [p.data for p in params] != synced
    ref = step_by_step("class", lambda p: nn.SGD(p, lr=0.1, momentum=0.9), steps=2)[1]
    assert state(model, opt) == ref


@pytest.mark.parametrize("failure", ["bad row", "overflow", "check", "check says False", "numpy says False",
                                     "unknown class"])
def test_an_error_inside_the_block_leaves_the_last_completed_step(failure):
    model, loss, batches = problem("class")
    opt = nn.Adam(model.parameters(), lr=0.05)
    seen = []

    def check(value):  # refuses the third step: by raising, or by returning False (math.isfinite's way)
        seen.append(value)
        if failure == "check" and len(seen) == 3:
            raise FloatingPointError("stop")
        if failure == "check says False":
            return len(seen) != 3
        if failure == "numpy says False":  # numpy.isfinite's answer: a numpy.bool_, not False
            return np.isfinite(np.nan if len(seen) == 3 else value)
    step = compile(loss, model.parameters(), backend="numpy")
    xb, yb = batches[2]
    bad = {"bad row": ([[1.0, 2.0]] + xb[1:], yb),                   # a row of the wrong length
           "overflow": ([[1e308] * 4] + xb[1:], yb),                  # NumPy raises FloatingPointError
           "check": (xb, yb), "check says False": (xb, yb), "numpy says False": (xb, yb),
           "unknown class": (xb, [7] + yb[1:])}[failure]              # index out of range
    with pytest.raises((ValueError, TypeError, FloatingPointError, IndexError)):
        with step.training(opt, check=check) as train:
            train(np.array(batches[0][0]), np.array(batches[0][1]))
            train(*batches[1])
            train(*bad)
    assert state(model, opt) == step_by_step("class", lambda p: nn.Adam(p, lr=0.05), steps=2)[1]
    assert step._training is None  # the block is closed: a new one may open
    with step.training(opt) as train:
        train(*batches[2])


def test_other_calls_inside_the_block_see_current_values():
    """A plain step, a new kind of batch and lr changes mix with the block's steps."""
    make = lambda p: nn.SGD(p, lr=0.1, momentum=0.5)  # noqa: E731
    model, loss, batches = problem("class")
    opt = make(model.parameters())
    step = compile(loss, model.parameters(), backend="numpy")
    with step.training(opt) as train:
        train(np.array(batches[0][0]), np.array(batches[0][1]))
        opt.zero_grad()
        step(*batches[1])  # the Values first get the block's step
        opt.step()
        opt.lr = 0.03      # what a scheduler does
        for xb, yb in batches[2:]:
            train(np.array(xb), np.array(yb))

    model2, loss2, _ = problem("class")
    opt2 = make(model2.parameters())
    step2 = compile(loss2, model2.parameters(), backend="numpy")
    for k, (xb, yb) in enumerate(batches):
        opt2.lr = 0.1 if k < 2 else 0.03
        opt2.zero_grad()
        step2(xb, yb)
        opt2.step()
    assert state(model, opt) == state(model2, opt2)


class Halved(nn.SGD):
    """An optimizer of the user's: its own step, no array form, so the block runs it on Values."""

    def step(self):
        for p in self.params:
            p.data -= 0.5 * self.lr * p.grad
        self.steps += 1


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_other_optimizers_and_backends_run_step_by_step(backend):
    make_opt = lambda p: Halved(p, lr=0.1)  # noqa: E731
    expected = step_by_step("float", make_opt, backend)
    assert in_block("float", make_opt, as_arrays=False, backend=backend) == expected


def test_training_block_misuse_is_named():
    model, loss, batches = problem("class")
    step = compile(loss, model.parameters(), backend="numpy")
    with pytest.raises(TypeError, match="training: optimizer"):
        step.training(model)
    with pytest.raises(TypeError, match="training: check"):
        step.training(nn.SGD(model.parameters(), lr=0.1), check=3)
    train = step.training(nn.SGD(model.parameters(), lr=0.1))
    with pytest.raises(RuntimeError, match="inside its block"):
        train(*batches[0])
    with train, pytest.raises(RuntimeError, match="already inside"):
        with step.training(nn.SGD(model.parameters(), lr=0.1)):
            pass
    forward = compile(lambda xb, yb: [model(x) for x in xb], model.parameters(), backward=False)
    with pytest.raises(ValueError, match="backward=False"):
        forward.training(nn.SGD(model.parameters(), lr=0.1))


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_fit_with_the_numpy_backend_matches_fit(optimizer):
    X, y = nn.load_digits(normalize=True)
    X, y = X[:150], y[:150]
    results = []
    for kw in ({}, {"compile": True, "backend": "numpy"}):
        model = nn.MLP(64, [8, 10], seed=1)
        opt = OPTIMIZERS["adam" if optimizer == "adam" else "sgd momentum dampening decay"](model.parameters())
        scheduler = nn.StepLR(opt, step_size=1, gamma=0.5)
        history = nn.fit(model, X, y, "cross_entropy", optimizer=opt, epochs=2, batch_size=32, seed=3,
                         verbose=False, scheduler=scheduler, **kw)
        results.append(([p.data for p in model.parameters()], history, opt.steps))
    (values, history, steps), (values2, history2, steps2) = results
    assert values2 == pytest.approx(values, rel=1e-12, abs=1e-12) and steps2 == steps
    assert [h.loss for h in history2] == pytest.approx([h.loss for h in history], rel=1e-12)
    assert [h.accuracy for h in history2] == [h.accuracy for h in history]  # after each epoch: synced


def test_fit_backend_argument_is_checked():
    model = nn.MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match="fit: backend"):
        nn.fit(model, [[0.0, 1.0]], [1.0], "mse", backend="fortran", compile=True, verbose=False)
    with pytest.raises(ValueError, match="compile=True"):
        nn.fit(model, [[0.0, 1.0]], [1.0], "mse", backend="numpy", verbose=False)


def test_fit_with_arrays_stops_on_a_non_finite_loss_before_updating():
    model = nn.MLP(1, [1], activation="linear", seed=0)
    before = [p.data for p in model.parameters()]
    def huge(outputs, targets):  # the batch's loss overflows in the (scalar) reduction: inf
        return nn.mse_loss(outputs, targets) * 1e300 * 1e300
    with pytest.raises(FloatingPointError, match="fit: epoch 1, step 1: the training loss is inf"):
        nn.fit(model, [[1.0], [2.0]], [1.0, 3.0], huge, compile=True, backend="numpy", verbose=False,
               optimizer=nn.SGD(model.parameters(), lr=0.1), batch_size=None)
    assert [p.data for p in model.parameters()] == before


def test_an_error_in_the_first_call_leaves_everything_untouched():
    model, loss, batches = problem("float")
    opt = nn.Adam(model.parameters(), lr=0.05)
    for p in model.parameters():
        p.grad = 0.25
    before = state(model, opt)
    step = compile(loss, model.parameters(), backend="numpy")
    with pytest.raises(FloatingPointError):
        with step.training(opt) as train:
            train(np.full((8, 4), 1e308), np.array(batches[0][1]))  # overflows in the array code
    assert state(model, opt) == before


@pytest.mark.parametrize("name", ["sgd nesterov", "adam decay"])
def test_training_block_on_torch_tensors(name):
    pytest.importorskip("torch")
    expected = step_by_step("class", OPTIMIZERS[name], "torch")
    assert in_block("class", OPTIMIZERS[name], as_arrays=False, backend="torch") == expected


def test_a_class_first_seen_later_in_a_numpy_batch():
    """Batches of one size whose classes change: a new class is traced, then runs as arrays."""
    rng = random.Random(5)
    rows = [[rng.gauss(0.0, 1.0) for _ in range(4)] for _ in range(6)]
    batches = [(rows, [0, 1, 0, 1, 1, 0]), (rows, [2, 1, 0, 2, 1, 0]), (rows, [1, 1, 2, 0, 0, 2])]
    make_opt = lambda p: nn.Adam(p, lr=0.05)  # noqa: E731
    expected = step_by_step("class", make_opt, batches=batches)
    assert in_block("class", make_opt, as_arrays=True, batches=batches) == expected


@pytest.mark.parametrize("target", ["class", "float"])
def test_a_plain_step_takes_numpy_arrays(target):
    """`step(xb, yb)` with NumPy arrays: the same numbers as with lists (no training block)."""
    results = []
    for as_arrays in (False, True):
        model, loss, batches = problem(target)
        step = compile(loss, model.parameters(), backend="numpy")
        losses = [step(np.array(xb), np.array(yb)) if as_arrays else step(xb, yb) for xb, yb in batches * 2]
        results.append((losses, [p.grad for p in model.parameters()]))
    assert results[0] == results[1]


@pytest.mark.parametrize("name", ["sgd momentum dampening decay", "adam decay"])
def test_a_block_after_steps_that_skipped_a_parameter(name):
    """Inside a block every parameter gets a gradient (0.0 where it plays no part), so the
    array update never skips one; but steps taken before it, with a `.grad` left None, give
    the parameters states of different kinds or counts. Such steps run on the Values (Adam's
    counts then differ for good; SGD's buffers are all there after one step): the same numbers."""
    make_opt = OPTIMIZERS[name]
    results = []
    for use_block in (False, True):
        model, loss, batches = problem("class")
        params = model.parameters()
        opt = make_opt(params)
        step = compile(loss, params, backend="numpy")
        opt.zero_grad(set_to_none=True)
        step(*batches[0])
        params[0].grad = None  # left out of the first step: its own state starts a step later
        opt.step()
        if use_block:
            with step.training(opt) as train:
                losses = [train(np.array(xb), np.array(yb)) for xb, yb in batches[1:]]
                arrays = train.P is not None
        else:
            losses = []
            for xb, yb in batches[1:]:
                opt.zero_grad()
                losses.append(step(xb, yb))
                opt.step()
        results.append((losses, state(model, opt)))
    assert results[1] == results[0]
    assert arrays == name.startswith("sgd")
