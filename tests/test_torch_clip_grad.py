"""clip_grad_norm_ and clip_grad_value_ against torch.nn.utils on the same gradients."""
import inspect
import math

import pytest

from autograd import Value
from nn import clip_grad_norm_, clip_grad_value_

torch = pytest.importorskip("torch")

GRADS = [0.5, -3.0, None, 1e-3, 2.25, -0.75]


def _both(grads):
    values = [Value(0.0) for _ in grads]
    tensors = [torch.zeros((), dtype=torch.float64, requires_grad=True) for _ in grads]
    for v, t, g in zip(values, tensors, grads):
        v.grad = g
        t.grad = None if g is None else torch.tensor(g, dtype=torch.float64)
    return values, tensors


def _grads(values, tensors):
    return [v.grad for v in values], [None if t.grad is None else t.grad.item() for t in tensors]


def _same(ours, theirs, **tolerance):
    """The same gradients: None in the same places, the numbers approximately equal (pytest's
    approx refuses None from 9.2 on)."""
    assert [g is None for g in ours] == [g is None for g in theirs]
    numbers = [(a, b) for a, b in zip(ours, theirs) if a is not None]
    assert [a for a, _ in numbers] == pytest.approx([b for _, b in numbers], nan_ok=True, **tolerance)


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, math.inf, "inf"])
@pytest.mark.parametrize("max_norm", [0.0, 0.5, 1.0, 100.0])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    values, tensors = _both(GRADS)
    total = clip_grad_norm_(values, max_norm, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(tensors, max_norm, norm_type=norm_type)
    assert total == pytest.approx(expected.item(), rel=1e-15)
    ours, theirs = _grads(values, tensors)
    assert ours[2] is None and theirs[2] is None  # a parameter with no gradient is left alone
    assert [g for g in ours if g is not None] == pytest.approx([g for g in theirs if g is not None], rel=1e-14)


@pytest.mark.parametrize("grads", [[float("inf"), 1.0], [float("nan"), 1.0], [1.0, float("nan")],
                                   [0.0, 0.0], [None, None]])
def test_large_and_non_finite_gradients_as_torch(grads):
    values, tensors = _both(grads)
    total = clip_grad_norm_(values, 1.0)
    expected = torch.nn.utils.clip_grad_norm_(tensors, 1.0).item()
    assert total == pytest.approx(expected, rel=1e-15, nan_ok=True)
    ours, theirs = _grads(values, tensors)
    _same(ours, theirs, rel=1e-14)
    if not math.isfinite(expected):
        values, tensors = _both(grads)
        with pytest.raises(RuntimeError, match="non-finite|error_if_nonfinite"):
            torch.nn.utils.clip_grad_norm_(tensors, 1.0, error_if_nonfinite=True)
        with pytest.raises(RuntimeError, match="clip_grad_norm_: .*error_if_nonfinite"):
            clip_grad_norm_(values, 1.0, error_if_nonfinite=True)
        assert _grads(values, tensors)[0] == pytest.approx(grads, nan_ok=True)


def test_a_norm_past_the_float_range_does_not_overflow():
    """Where PyTorch's sum of squares overflows to inf (and zeroes every gradient), the norm
    is computed scaled by the largest gradient: the house rule of no needless overflow."""
    values, _ = _both([1e200, -3e200])
    assert clip_grad_norm_(values, 1.0) == pytest.approx(math.hypot(1e200, 3e200), rel=1e-15)
    assert [v.grad for v in values] == pytest.approx([1 / 10 ** 0.5, -3 / 10 ** 0.5], rel=1e-15)


@pytest.mark.parametrize("clip_value", [0.0, 0.6, 10.0])
def test_clip_grad_value_matches_torch(clip_value):
    values, tensors = _both(GRADS + [float("nan")])
    assert clip_grad_value_(values, clip_value) is None
    torch.nn.utils.clip_grad_value_(tensors, clip_value)
    ours, theirs = _grads(values, tensors)
    _same(ours, theirs, rel=0, abs=0)


@pytest.mark.parametrize("ours, theirs", [(clip_grad_norm_, torch.nn.utils.clip_grad_norm_),
                                          (clip_grad_value_, torch.nn.utils.clip_grad_value_)])
def test_every_argument_has_torchs_name_and_default(ours, theirs):
    mine, torchs = inspect.signature(ours).parameters, inspect.signature(theirs).parameters
    assert list(mine) == list(torchs)
    assert [p.default for p in mine.values()] == [p.default for p in torchs.values()]


def test_a_model_and_a_single_value_are_taken_as_torch_takes_them():
    from nn import MLP
    model = MLP(2, [3, 1], seed=0)
    (model([1.0, -2.0]) * 100).backward()
    with pytest.raises(TypeError, match=r"clip_grad_norm_: parameters .*model.parameters\(\)"):
        clip_grad_norm_(model, 1.0)
    assert clip_grad_norm_(model.parameters(), 1.0) > 1.0
    assert math.fsum(p.grad ** 2 for p in model.parameters()) == pytest.approx(1.0, rel=1e-5)
    v = Value(0.0)
    v.grad = -4.0
    assert clip_grad_norm_(v, 2.0) == 4.0 and v.grad == pytest.approx(-2.0, rel=1e-6)


@pytest.mark.parametrize("call, error", [
    (lambda vs: clip_grad_norm_(vs, -1.0), ValueError), (lambda vs: clip_grad_norm_(vs, float("nan")), ValueError),
    (lambda vs: clip_grad_norm_(vs, 1.0, norm_type=0), ValueError),
    (lambda vs: clip_grad_norm_(vs, 1.0, norm_type="two"), TypeError),
    (lambda vs: clip_grad_norm_(vs + ["w"], 1.0), TypeError), (lambda vs: clip_grad_value_(vs, -0.5), ValueError),
])
def test_bad_arguments_are_refused_by_name_and_change_nothing(call, error):
    values, _ = _both(GRADS)
    with pytest.raises(error, match="clip_grad_"):
        call(values)
    assert [v.grad for v in values] == GRADS


def test_a_bad_grad_is_named_and_nothing_is_clipped():
    values, _ = _both([3.0, 4.0, 0.0])
    values[2].grad = "0.5"
    with pytest.raises(TypeError, match=r"parameters\[2\]\.grad"):
        clip_grad_norm_(values, 1.0)
    assert [v.grad for v in values[:2]] == [3.0, 4.0]
