"""binary_cross_entropy as PyTorch computes it, without PyTorch: the clamped loss, and the
gradient (p - t) / max(p (1 - p), 1e-12) that is PyTorch's (test_nn_torch.py checks torch itself).

The references are the formulas written out here in float64; in the interior, where the two
agree, central differences of the reference loss check the gradient independently.
"""
import math
import struct

import pytest
from compile_helpers import BACKENDS, compiled, dynamic

from autograd import Value, compile
from nn import MLP, binary_cross_entropy

P = [0.0, 1e-300, 1e-100, 1e-50, 1e-40, 1e-20, 1e-13, 1e-12, 1e-6, 0.3, 0.5, 1 - 1e-6, 1 - 1e-12, 1 - 1e-16, 1.0]
T = [0.0, 0.3, 1.0]
EPS = struct.unpack("f", struct.pack("f", 1e-12))[0]  # PyTorch's kernel holds 1e-12 as a float32


def reference_loss(p, t):
    log_p = max(math.log(p), -100.0) if p > 0 else -100.0
    log_q = max(math.log1p(-p), -100.0) if p < 1 else -100.0
    return -(t * log_p + (1 - t) * log_q)


@pytest.mark.parametrize("t", T)
def test_values_and_gradients_follow_pytorchs_formulas(t):
    for p in P:
        v, tv = Value(p), Value(t)
        loss = binary_cross_entropy(v, tv)
        loss.backward()
        assert loss.data == pytest.approx(reference_loss(p, t), rel=1e-15, abs=0.0), p
        assert v.grad == pytest.approx((p - t) / max(p * (1 - p), EPS), rel=1e-15), p
        logit = math.inf if p == 1 else -math.inf if p == 0 else math.log(p / (1 - p))
        assert tv.grad == pytest.approx(-logit, rel=1e-15), p


@pytest.mark.parametrize("p", [1e-3, 0.2, 0.5, 0.9, 1 - 1e-3])
@pytest.mark.parametrize("t", [0.1, 0.5, 0.95])
def test_in_the_interior_the_gradient_is_the_slope_of_the_loss(p, t):
    v, tv = Value(p), Value(t)
    binary_cross_entropy(v, tv).backward()
    h = 1e-7 * min(p, 1 - p)
    assert v.grad == pytest.approx((reference_loss(p + h, t) - reference_loss(p - h, t)) / (2 * h), rel=1e-6)
    slope_t = (reference_loss(p, t + 1e-6) - reference_loss(p, t - 1e-6)) / 2e-6
    assert tv.grad == pytest.approx(slope_t, rel=1e-6, abs=1e-9)


def test_below_e_to_the_minus_100_the_gradient_is_not_zero():
    """The loss is flat there (log clamped at -100), but PyTorch's gradient still pushes p up."""
    v = Value(1e-60)
    binary_cross_entropy(v, 1.0).backward()
    assert v.grad == pytest.approx(-1.0 / EPS, rel=1e-12)


@pytest.mark.parametrize("p, t", [(math.nan, 0.3), (0.4, math.nan), (math.nan, math.nan)])
def test_nan_goes_through_the_loss_and_its_gradient(p, t):
    v, tv = Value(p), Value(t)
    loss = binary_cross_entropy([v, Value(0.5)], [tv, 1.0])
    loss.backward()
    assert math.isnan(loss.data)
    assert math.isnan(v.grad) and math.isnan(tv.grad) == (p != p)  # d/dt = -logit(p): nan with p


@pytest.mark.parametrize("bad", [-0.1, 1.5, math.inf])
def test_a_probability_outside_0_1_is_refused(bad):
    with pytest.raises(ValueError, match="binary_cross_entropy: input must be probabilities"):
        binary_cross_entropy(Value(bad), 1.0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_compiled_matches_the_engine_at_saturated_probabilities(backend):
    """Logits of +-40 and +-800 make sigmoid give 1e-18, 0.0 and 1.0 exactly."""
    model = MLP(1, [1], activation=["sigmoid"], seed=0)

    def fn(xb, yb):
        return binary_cross_entropy([model(x) for x in xb], yb)
    params = model.parameters()
    params[0].data, params[1].data = 1.0, 0.0
    xb, yb = [[-800.0], [-40.0], [-2.0], [0.5], [40.0], [800.0]], [1.0, 0.3, 0.0, 1.0, 0.0, 0.7]
    step = compile(fn, params, backend=backend)
    assert compiled(step, params, xb, yb) == dynamic(fn, params, xb, yb)
