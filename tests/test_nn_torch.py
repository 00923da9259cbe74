"""nn against PyTorch on the same numbers: losses and their gradients, SGD, Adam, schedules."""
import random

import pytest

from autograd import Value
from nn import (SGD, Adam, AdamW, ExponentialLR, LambdaLR, LinearLR, StepLR, binary_cross_entropy,
                binary_cross_entropy_with_logits, cross_entropy, mse_loss, softmax)

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _ours_and_torch(xs):
    return [Value(x) for x in xs], torch.tensor(xs, dtype=torch.float64, requires_grad=True)


@pytest.mark.parametrize("name, ours, theirs, xs, targets", [
    ("mse", mse_loss, F.mse_loss, [0.3, -1.2, 2.0], [0.0, 1.0, 1.5]),
    ("bce", binary_cross_entropy, F.binary_cross_entropy, [0.2, 0.9, 0.5], [0.0, 1.0, 0.3]),
    ("bce_logits", binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits,
     [-800.0, 0.3, 40.0], [1.0, 0.0, 0.25]),
])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_elementwise_losses_match_torch(name, ours, theirs, xs, targets, reduction):
    values, tensor = _ours_and_torch(xs)
    loss = ours(values, targets, reduction=reduction)
    expected = theirs(tensor, torch.tensor(targets, dtype=torch.float64), reduction=reduction)
    loss.backward()
    expected.backward()
    assert loss.data == pytest.approx(expected.item(), rel=1e-10)
    assert [v.grad for v in values] == pytest.approx(tensor.grad.tolist(), rel=1e-7, abs=1e-12)


_EXTREME = [0.0, 1e-300, 1e-100, 3.72e-44, 1e-40, 1e-20, 1e-13, 1e-12, 1e-6, 0.3, 0.5,
            1 - 1e-6, 1 - 1e-12, 1 - 1e-13, 1 - 1e-16, 1.0]


@pytest.mark.parametrize("target", [0.0, 0.3, 1.0])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_matches_torch_from_0_to_1_loss_and_gradient(target, reduction):
    """PyTorch clamps each log at -100 and divides its gradient by max(p (1 - p), 1e-12):
    near 0 and 1 that is not the clamped loss's slope; ours is PyTorch's, both inputs."""
    values, tensor = _ours_and_torch(_EXTREME)
    targets = [Value(target) for _ in _EXTREME]
    ttargets = torch.full((len(_EXTREME),), target, dtype=torch.float64, requires_grad=True)
    loss = binary_cross_entropy(values, targets, reduction=reduction)
    expected = F.binary_cross_entropy(tensor, ttargets, reduction=reduction)
    if reduction == "none":
        assert [x.data for x in loss] == pytest.approx(expected.tolist(), rel=1e-15, abs=0.0)
        weights = [1.0 + k / 8 for k in range(len(_EXTREME))]  # a weighted sum of them all
        loss = sum((x * w for x, w in zip(loss, weights)), Value(0.0))
        expected = (expected * torch.tensor(weights, dtype=torch.float64)).sum()
    assert loss.data == pytest.approx(expected.item(), rel=1e-15, abs=0.0)
    loss.backward()
    expected.backward()
    assert [v.grad for v in values] == pytest.approx(tensor.grad.tolist(), rel=1e-15, abs=0.0)
    assert [t.grad for t in targets] == pytest.approx(ttargets.grad.tolist(), rel=1e-15, abs=0.0)


def test_cross_entropy_and_softmax_match_torch():
    rows = [[1.0, -2.0, 0.5], [300.0, 299.0, -300.0], [0.0, 0.0, 0.0]]
    targets = [2, 1, 0]
    values = [[Value(x) for x in row] for row in rows]
    tensor = torch.tensor(rows, dtype=torch.float64, requires_grad=True)
    loss = cross_entropy(values, targets)
    expected = F.cross_entropy(tensor, torch.tensor(targets))
    loss.backward()
    expected.backward()
    assert loss.data == pytest.approx(expected.item(), rel=1e-12)
    assert [[v.grad for v in row] for row in values] == [pytest.approx(g, abs=1e-12) for g in tensor.grad.tolist()]
    assert [p.data for p in softmax(values[1])] == pytest.approx(torch.softmax(tensor[1], 0).tolist(), abs=1e-15)


def _run(ours_factory, torch_factory, steps=6, n=5, seed=0):
    rng = random.Random(seed)
    start = [rng.uniform(-1, 1) for _ in range(n)]
    grads = [[rng.uniform(-2, 2) for _ in range(n)] for _ in range(steps)]
    params = [Value(x) for x in start]
    tensor = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    ours, theirs = ours_factory(params), torch_factory([tensor])
    for g in grads:
        for p, gi in zip(params, g):
            p.grad = gi
        tensor.grad = torch.tensor(g, dtype=torch.float64)
        ours.step()
        theirs.step()
    return [p.data for p in params], tensor.tolist()


@pytest.mark.parametrize("kwargs", [
    {"lr": 0.1}, {"lr": 0.1, "weight_decay": 0.01}, {"lr": 0.05, "momentum": 0.9},
    {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}, {"lr": 0.05, "momentum": 0.9, "nesterov": True},
    {"lr": 0.05, "momentum": 0.5, "nesterov": True, "weight_decay": 0.1},
])
def test_sgd_matches_torch(kwargs):
    ours, theirs = _run(lambda ps: SGD(ps, **kwargs), lambda ps: torch.optim.SGD(ps, **kwargs))
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("kwargs", [
    {"lr": 0.01}, {"lr": 0.1, "betas": (0.8, 0.95)}, {"lr": 0.05, "eps": 1e-3}, {"lr": 0.05, "weight_decay": 0.1},
])
def test_adam_matches_torch(kwargs):
    ours, theirs = _run(lambda ps: Adam(ps, **kwargs), lambda ps: torch.optim.Adam(ps, **kwargs), steps=10)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("kwargs", [{}, {"lr": 0.1, "weight_decay": 0.3}, {"lr": 0.05, "weight_decay": 0.0},
                                    {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-3}])
def test_adamw_matches_torch(kwargs):
    ours, theirs = _run(lambda ps: AdamW(ps, **kwargs), lambda ps: torch.optim.AdamW(ps, **kwargs), steps=10)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("ours, theirs", [
    (lambda o: StepLR(o, step_size=3, gamma=0.5), lambda o: torch.optim.lr_scheduler.StepLR(o, 3, gamma=0.5)),
    (lambda o: ExponentialLR(o, gamma=0.9), lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)),
    (lambda o: LinearLR(o, 1.0, 0.1, total_iters=8),
     lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=8)),
    (lambda o: LinearLR(o), lambda o: torch.optim.lr_scheduler.LinearLR(o)),
])
def test_schedules_match_torch(ours, theirs):
    opt = SGD([Value(0.0)], lr=0.5)
    topt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
    sched, tsched = ours(opt), theirs(topt)
    for _ in range(12):
        assert opt.lr == pytest.approx(topt.param_groups[0]["lr"], rel=1e-12)
        topt.step()
        sched.step()
        tsched.step()


_LATE = [[0.5, None, -1.0], [-0.25, None, 0.75], [1.5, 2.0, None], [0.1, -0.3, 0.2], [None, 0.4, -0.6]]


@pytest.mark.parametrize("ours, theirs, kwargs", [
    (SGD, torch.optim.SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}),
    (SGD, torch.optim.SGD, {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
    (Adam, torch.optim.Adam, {"lr": 0.1}),
    (Adam, torch.optim.Adam, {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-3, "weight_decay": 0.1}),
    (AdamW, torch.optim.AdamW, {"lr": 0.1, "weight_decay": 0.2}),
])
def test_a_parameter_without_a_gradient_is_skipped_as_torch_does(ours, theirs, kwargs):
    """zero_grad(set_to_none=True) and a parameter left out of some losses: each keeps its own
    state (Adam's step count, SGD's first momentum step), checked after every step."""
    start = [1.0, -0.5, 2.0]
    params = [Value(x) for x in start]
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    opt, topt = ours(params, **kwargs), theirs(tensors, **kwargs)
    for grads in _LATE:
        opt.zero_grad(set_to_none=True)
        topt.zero_grad(set_to_none=True)
        for p, t, g in zip(params, tensors, grads):
            if g is not None:
                p.grad, t.grad = g, torch.tensor(g, dtype=torch.float64)
        opt.step()
        topt.step()
        assert [p.data for p in params] == pytest.approx([t.item() for t in tensors], rel=1e-13, abs=1e-15)
        for p, t in zip(params, tensors):
            mine, theirs_ = opt.state.get(p, {}), {k: v for k, v in topt.state[t].items() if v is not None}
            assert mine.keys() == theirs_.keys()
            assert [mine[k] for k in mine] == pytest.approx([float(theirs_[k]) for k in mine], rel=1e-13)


@pytest.mark.parametrize("ours, theirs", [
    (SGD, torch.optim.SGD), (Adam, torch.optim.Adam), (AdamW, torch.optim.AdamW),
    (StepLR, torch.optim.lr_scheduler.StepLR),
    (ExponentialLR, torch.optim.lr_scheduler.ExponentialLR), (LinearLR, torch.optim.lr_scheduler.LinearLR),
    (LambdaLR, torch.optim.lr_scheduler.LambdaLR),
    (mse_loss, F.mse_loss), (binary_cross_entropy, F.binary_cross_entropy),
    (binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits), (cross_entropy, F.cross_entropy),
], ids=lambda f: getattr(f, "__name__", ""))
def test_every_argument_has_torchs_name_and_default(ours, theirs):
    """Code written for chainrule runs on PyTorch with the same meaning: each of our arguments
    is one of PyTorch's, with the same default (PyTorch has more, e.g. Adam's amsgrad)."""
    import inspect
    mine, torchs = inspect.signature(ours).parameters, inspect.signature(theirs).parameters
    for name, p in mine.items():
        assert name in torchs, name
        assert p.default == torchs[name].default, (name, p.default, torchs[name].default)


@pytest.mark.parametrize("ours, theirs, kwargs", [(SGD, torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
                                                  (Adam, torch.optim.Adam, {"lr": 0.05})])
def test_l2_penalty_is_torchs_weight_decay_of_twice_alpha(ours, theirs, kwargs):
    """docs/pytorch.md: `loss + l2_penalty(params, alpha)` steps as `weight_decay=2 * alpha`."""
    from nn import l2_penalty
    alpha, start, xs = 0.05, [0.8, -1.3], [0.5, -2.0, 1.5]
    params = [Value(x) for x in start]
    tensor = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt, topt = ours(params, **kwargs), theirs([tensor], weight_decay=2 * alpha, **kwargs)
    for _ in range(8):
        opt.zero_grad()
        (mse_loss([params[0] * x + params[1] for x in xs], [1.0, 0.0, 2.0]) + l2_penalty(params, alpha)).backward()
        opt.step()
        topt.zero_grad()
        F.mse_loss(tensor[0] * torch.tensor(xs, dtype=torch.float64) + tensor[1],
                   torch.tensor([1.0, 0.0, 2.0], dtype=torch.float64)).backward()
        topt.step()
    assert [p.data for p in params] == pytest.approx(tensor.tolist(), rel=1e-12)
