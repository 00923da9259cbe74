"""Tests for nn.lr_scheduler: closed-form schedules, micrograd's demo schedule, state, errors."""
import pytest

from autograd import Value
from nn import SGD, Adam, ExponentialLR, LambdaLR, LinearLR, StepLR


def _lrs(scheduler, steps):
    out = [scheduler.optimizer.lr]
    for _ in range(steps):
        scheduler.step()
        out.append(scheduler.get_last_lr()[0])
    return out


def test_linear_lr_is_micrograds_demo_schedule():
    opt = SGD([Value(0.0)], lr=1.0)
    lrs = _lrs(LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=100), 120)
    assert lrs[:100] == pytest.approx([1.0 - 0.9 * k / 100 for k in range(100)], rel=1e-12)
    assert lrs[100:] == pytest.approx([0.1] * 21)


def test_step_lr():
    lrs = _lrs(StepLR(SGD([Value(0.0)], lr=0.8), step_size=2, gamma=0.5), 5)
    assert lrs == pytest.approx([0.8, 0.8, 0.4, 0.4, 0.2, 0.2])


def test_exponential_and_lambda_lr_work_with_adam():
    assert _lrs(ExponentialLR(Adam([Value(0.0)], lr=1.0), gamma=0.5), 3) == [1.0, 0.5, 0.25, 0.125]
    assert _lrs(LambdaLR(Adam([Value(0.0)], lr=2.0), lambda e: 1 / (e + 1)), 3) == pytest.approx([2, 1, 2 / 3, 0.5])


def test_state_dict_restores_the_position():
    opt = SGD([Value(0.0)], lr=1.0)
    sched = StepLR(opt, step_size=1, gamma=0.5)
    _lrs(sched, 3)
    state = sched.state_dict()
    other_opt = SGD([Value(0.0)], lr=1.0)
    other = StepLR(other_opt, step_size=1, gamma=0.5)
    other.load_state_dict(state)
    assert other_opt.lr == opt.lr == 0.125
    for bad in [{"base_lr": 1.0}, {"base_lr": "x", "last_epoch": 1}, {"base_lr": 1.0, "last_epoch": -1}]:
        with pytest.raises((ValueError, TypeError)):
            other.load_state_dict(bad)
    assert other_opt.lr == 0.125


@pytest.mark.parametrize("make, error", [
    (lambda opt: StepLR(opt, step_size=0), ValueError),
    (lambda opt: StepLR(opt, step_size=2, gamma="0.1"), TypeError),
    (lambda opt: LinearLR(opt, total_iters=0), ValueError),
    (lambda opt: LambdaLR(opt, 0.5), TypeError),
    (lambda opt: StepLR(object(), step_size=1), TypeError),
])
def test_bad_arguments(make, error):
    opt = SGD([Value(0.0)], lr=1.0)
    with pytest.raises(error):
        make(opt)
    assert opt.lr == 1.0
