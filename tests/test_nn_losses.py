"""Tests for nn.losses: values against the formulas, gradients by gradcheck, stability, errors."""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, gradcheck
from nn import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, hinge_loss, l2_penalty,
                log_softmax, mse_loss, softmax)


def _vals(*xs):
    return [Value(x) for x in xs]


# ----- values ---------------------------------------------------------------------------
def test_mse_loss_values_and_reductions():
    preds, targets = _vals(1.0, 3.0, -2.0), [0.0, 1.0, 1.0]
    assert mse_loss(preds, targets).data == pytest.approx((1 + 4 + 9) / 3)
    assert mse_loss(preds, targets, reduction="sum").data == 14.0
    assert [v.data for v in mse_loss(preds, targets, reduction="none")] == [1.0, 4.0, 9.0]
    assert mse_loss(Value(2.0), 0.5).data == 2.25  # one prediction
    assert mse_loss([_vals(1.0, 2.0), _vals(0.0, 0.0)], [[0.0, 0.0], [1.0, 1.0]]).data == 1.75  # multi-output


def test_binary_cross_entropy_values():
    p, t = [0.9, 0.2, 0.6], [1.0, 0.0, 0.3]
    expected = [-(ti * math.log(pi) + (1 - ti) * math.log(1 - pi)) for pi, ti in zip(p, t)]
    assert binary_cross_entropy(_vals(*p), t).data == pytest.approx(sum(expected) / 3, rel=1e-12)


def test_binary_cross_entropy_clamps_logs_at_minus_100_like_torch():
    assert binary_cross_entropy(Value(0.0), 1.0).data == pytest.approx(100.0)
    assert binary_cross_entropy(Value(1.0), 0.0).data == pytest.approx(100.0)
    assert binary_cross_entropy(Value(1.0), 1.0).data == pytest.approx(0.0, abs=1e-12)
    p = Value(0.0)
    binary_cross_entropy(p, 1.0).backward()
    assert math.isfinite(p.grad)


def test_bce_with_logits_equals_bce_of_sigmoid_and_is_stable():
    xs, t = [-3.0, 0.5, 2.0], [0.0, 1.0, 0.25]
    probs = [Value(x).sigmoid() for x in xs]
    assert binary_cross_entropy_with_logits(_vals(*xs), t).data == pytest.approx(
        binary_cross_entropy(probs, t).data, rel=1e-12)
    for x, target, loss in [(1000.0, 0.0, 1000.0), (-1000.0, 1.0, 1000.0), (1000.0, 1.0, 0.0), (-1000.0, 0.0, 0.0)]:
        v = Value(x)
        out = binary_cross_entropy_with_logits(v, target)
        out.backward()
        assert out.data == pytest.approx(loss, abs=1e-12)
        assert v.grad == pytest.approx((1.0 if x > 0 else 0.0) - target)  # sigmoid(x) - t


def test_hinge_loss_is_micrograds_max_margin():
    scores, labels = _vals(2.0, 0.5, -0.3, -2.0), [1, 1, 1, -1]
    assert hinge_loss(scores, labels).data == pytest.approx((0 + 0.5 + 1.3 + 0) / 4)
    assert hinge_loss(scores, [1, 1, 1, 0]).data == hinge_loss(scores, labels).data  # 0 counts as -1
    y = [1.0, -1.0]
    s = _vals(0.2, 0.4)
    micrograd = sum((1 + -yi * si).relu() for yi, si in zip(y, s)) * (1.0 / 2)
    assert hinge_loss(s, y).data == micrograd.data


def test_hinge_loss_refuses_a_value_target_in_words():
    # the label picks the sign, so it must be a number (was: "Value == -1 is ambiguous")
    with pytest.raises(TypeError, match=r"hinge_loss: target must be labels .* as numbers, got Value"):
        hinge_loss(_vals(2.0, 0.5), [1, Value(-1.0)])


def test_cross_entropy_matches_the_formula():
    logits, target = [1.0, 2.0, 0.5], 1
    lse = math.log(sum(math.exp(z) for z in logits))
    assert cross_entropy(_vals(*logits), target).data == pytest.approx(lse - 2.0, rel=1e-12)
    batch = cross_entropy([_vals(*logits), _vals(0.0, 0.0, 0.0)], [1, 2])
    assert batch.data == pytest.approx((lse - 2.0 + math.log(3)) / 2, rel=1e-12)


def test_cross_entropy_and_softmax_never_overflow():
    assert cross_entropy(_vals(1000.0, 0.0), 1).data == pytest.approx(1000.0)
    assert cross_entropy(_vals(-1000.0, 1000.0), 1).data == pytest.approx(0.0, abs=1e-12)
    logits = _vals(1000.0, -1000.0, 999.0)
    loss = cross_entropy(logits, 0)
    loss.backward()
    assert all(math.isfinite(v.grad) for v in logits)
    probs = [p.data for p in softmax(_vals(1000.0, 999.0, -1000.0))]
    assert probs == pytest.approx([1 / (1 + math.exp(-1)), 1 / (1 + math.e), 0.0])
    assert [p.data for p in log_softmax(_vals(1000.0, 0.0))] == pytest.approx([0.0, -1000.0])


def test_cross_entropy_and_softmax_span_the_whole_float_range():
    # logits 2e308 apart: x - max(x) is finite, but x - m overflows in a running maximum
    # taken directly (it raised log(0.0) before). Expected values as in PyTorch.
    big = 1e308
    for target, loss, grads in [(0, math.inf, [-1.0, 1.0]), (1, 0.0, [0.0, 0.0])]:
        logits = _vals(-big, big)
        out = cross_entropy(logits, target)
        out.backward()
        assert out.data == loss and [v.grad for v in logits] == grads
    assert cross_entropy(_vals(big, 0.0, -big), 1).data == big
    assert [p.data for p in softmax(_vals(-big, big, big))] == [0.0, 0.5, 0.5]
    assert [p.data for p in log_softmax(_vals(-big, big))] == [-math.inf, 0.0]
    assert softmax(_vals(5e-324, 0.0))[0].data == 0.5  # subnormals: exp(5e-324 - 5e-324) and exp(-5e-324) are 1


def test_large_equal_logits_keep_their_log_of_the_class_count():
    # (log-sum-exp + m) - x rounded log(2) away at x = 1e16; (x - m) - log(sum) keeps it
    for big in (1e12, 1e16, -1e300, 1e300):
        for n in (2, 3):
            assert cross_entropy(_vals(*[big] * n), 0).data == math.log(n)
            assert [v.data for v in log_softmax(_vals(*[big] * n))] == [-math.log(n)] * n


def test_cross_entropy_over_the_whole_float_range_matches_torch():
    torch = pytest.importorskip("torch")
    rows = [[-1e308, 1e308], [1e308, 0.0, -1e308], [-1.7e308, 1.7e308, 3.0], [1e16, 1e16], [-1e300] * 3]
    for row in rows:
        for target in range(len(row)):
            logits = _vals(*row)
            out = cross_entropy(logits, target)
            out.backward()
            t = torch.tensor([row], dtype=torch.float64, requires_grad=True)
            ref = torch.nn.functional.cross_entropy(t, torch.tensor([target]))
            ref.backward()
            assert out.data == ref.item()
            assert [v.grad for v in logits] == pytest.approx(t.grad[0].tolist(), rel=1e-15)  # an ulp


@given(st.lists(st.floats(-50, 50), min_size=1, max_size=6), st.data())
@settings(max_examples=60, deadline=None)
def test_cross_entropy_is_minus_log_softmax(logits, data):
    target = data.draw(st.integers(0, len(logits) - 1))
    ce = cross_entropy(_vals(*logits), target).data
    assert ce == pytest.approx(-log_softmax(_vals(*logits))[target].data, rel=1e-9, abs=1e-9)
    assert sum(p.data for p in softmax(_vals(*logits))) == pytest.approx(1.0)
    assert ce >= -1e-12


def test_l2_penalty():
    params = _vals(1.0, -2.0, 3.0)
    assert l2_penalty(params, alpha=0.5).data == 7.0
    from nn import MLP
    model = MLP(2, [2, 1], seed=0)
    assert l2_penalty(model, 1e-4).data == pytest.approx(1e-4 * sum(p.data ** 2 for p in model.parameters()))


# ----- gradients ------------------------------------------------------------------------
@pytest.mark.parametrize("name, f, inputs", [
    ("mse", lambda a, b: mse_loss([a, b], [0.5, -1.0]), [0.3, 2.0]),
    ("bce", lambda a, b: binary_cross_entropy([a, b], [1.0, 0.3]), [0.3, 0.8]),
    ("bce_logits", lambda a, b: binary_cross_entropy_with_logits([a, b], [1.0, 0.25]), [-2.0, 3.0]),
    ("hinge", lambda a, b: hinge_loss([a, b], [1, -1]), [0.3, -0.2]),
    ("cross_entropy", lambda a, b, c: cross_entropy([a, b, c], 2), [0.5, -1.0, 2.0]),
    ("cross_entropy_batch", lambda a, b, c, d: cross_entropy([[a, b], [c, d]], [0, 1]), [0.5, -1.0, 2.0, 0.1]),
    ("softmax", lambda a, b, c: softmax([a, b, c])[0] * 2.0 + softmax([a, b, c])[2], [0.5, -1.0, 2.0]),
    ("log_softmax", lambda a, b: log_softmax([a, b])[1], [0.7, -0.4]),
    ("l2", lambda a, b: l2_penalty([a, b], 0.1), [0.7, -0.4]),
    ("sum", lambda a, b: mse_loss([a, b], [1.0, 1.0], reduction="sum"), [0.2, 0.9]),
])
def test_every_loss_gradient_matches_finite_differences(name, f, inputs):
    assert gradcheck(f, inputs)


# ----- bad input --------------------------------------------------------------------------
@pytest.mark.parametrize("call, error, match", [
    (lambda: mse_loss(_vals(1.0, 2.0), [1.0]), ValueError, "input has 2 predictions but target has 1 targets"),
    (lambda: mse_loss(_vals(1.0), 1.0), ValueError, "two lists"),
    # A model with several outputs where the loss wants one (fit checks each target this way).
    (lambda: hinge_loss([_vals(1.0, 2.0, 3.0)], [1]), ValueError,
     r"^hinge_loss: input has 3 predictions but target has one number \(1\): one output per target$"),
    (lambda: mse_loss([], []), ValueError, "empty"),
    (lambda: mse_loss(_vals(1.0), ["a"]), TypeError, "targets must be numbers"),
    (lambda: mse_loss(["a"], [1.0]), TypeError, "predictions must be"),
    (lambda: mse_loss(_vals(1.0), [1.0], reduction="avg"), ValueError, "reduction"),
    (lambda: binary_cross_entropy(Value(1.5), 1.0), ValueError, r"probabilities in \[0, 1\]"),
    (lambda: binary_cross_entropy(Value(0.5), -1.0), ValueError, r"target must hold targets in \[0, 1\]"),
    (lambda: binary_cross_entropy_with_logits(Value(0.5), 2.0), ValueError, r"targets in \[0, 1\]"),
    (lambda: hinge_loss(Value(0.5), 0.5), ValueError, "labels -1/\\+1"),
    (lambda: hinge_loss(Value(0.5), True), TypeError, "targets must be numbers"),
    (lambda: cross_entropy(_vals(1.0, 2.0), 2), ValueError, "out of range for 2 classes"),
    (lambda: cross_entropy(_vals(1.0, 2.0), -1), ValueError, "out of range"),
    (lambda: cross_entropy(_vals(1.0, 2.0), 0.5), TypeError, "target must be class indices"),
    (lambda: cross_entropy(_vals(1.0, 2.0), [0, 1]), ValueError, "batch"),
    (lambda: cross_entropy([], 0), ValueError, "non-empty list of logits"),
    (lambda: l2_penalty([]), ValueError, "no parameters"),
])
def test_bad_input_raises_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_targets_in_a_numpy_array_work_as_a_list():
    # cross_entropy([logits, logits], np.array([0, 1])) said "predictions must be Values or numbers"
    np = pytest.importorskip("numpy")
    logits = _vals(0.5, -0.2)
    assert cross_entropy([logits, logits], np.array([0, 1])).data == cross_entropy([logits, logits], [0, 1]).data
    assert cross_entropy(logits, np.int64(1)).data == cross_entropy(logits, 1).data
    preds = _vals(1.0, 2.0)
    assert mse_loss(preds, np.array([0.5, 1.0])).data == mse_loss(preds, [0.5, 1.0]).data
    assert binary_cross_entropy(_vals(0.25, 0.5), np.array([1.0, 0.0])).data == \
        binary_cross_entropy(_vals(0.25, 0.5), [1.0, 0.0]).data
    # rows of a 2-D array, as list(array) gives them (evaluate/fit with one-hot NumPy targets)
    batch = [_vals(1.0, 2.0), _vals(0.0, -1.0)]
    rows = list(np.array([[0.5, 1.0], [0.0, 1.0]]))
    assert mse_loss(batch, rows).data == mse_loss(batch, [[0.5, 1.0], [0.0, 1.0]]).data


@pytest.mark.parametrize("p, t", [(1.0, 1.0), (0.0, 0.0)])
def test_binary_cross_entropy_of_a_perfect_prediction_is_zero_not_minus_zero(p, t):
    for loss in (binary_cross_entropy(Value(p), t), binary_cross_entropy([Value(p), Value(p)], [t, t])):
        assert loss.data == 0.0 and math.copysign(1.0, loss.data) == 1.0  # PyTorch: tensor(0.)


def test_cross_entropy_refuses_a_batch_with_different_numbers_of_classes():
    batch = [[Value(1.0), Value(2.0)], [Value(1.0)], [Value(0.5), Value(0.2)]]
    with pytest.raises(ValueError, match="sample 0 has 2, sample 1 has 1"):
        cross_entropy(batch, [0, 0, 1])
    with pytest.raises(ValueError, match="sample 0 has 1, sample 1 has 2"):
        cross_entropy(batch[1:], [0, 1])
    assert cross_entropy([batch[0], batch[2]], [1, 0]).data > 0  # rectangular: fine


def test_binary_cross_entropy_with_logits_adds_up_as_pytorch_at_every_scale():
    assert binary_cross_entropy_with_logits(Value(math.inf), 0.0).data == math.inf  # certain and wrong
    assert binary_cross_entropy_with_logits(Value(1e308), 0.0).data == 1e308
    torch = pytest.importorskip("torch")
    f64 = torch.float64
    for x in (math.inf, -math.inf, 1e308, -1e308, 800.0, -800.0, 37.5, 3.5, 1e-300, 0.0, -0.0, -2.25):
        for t in (0.0, 1.0, 0.25, 0.5):
            ours = binary_cross_entropy_with_logits(Value(x), t).data
            want = torch.nn.functional.binary_cross_entropy_with_logits(
                torch.tensor(x, dtype=f64), torch.tensor(t, dtype=f64)).item()
            assert ours == want or (math.isnan(ours) and math.isnan(want)), (x, t, ours, want)
