"""Losses and softmax as a PyTorch user calls them: same keywords, values and gradients."""
import pytest

from autograd import Value
from nn import log_softmax, softmax

torch = pytest.importorskip("torch")
F = torch.nn.functional

_LOGITS = [0.5, -1.25, 3.0, 0.0]


@pytest.mark.parametrize("ours, theirs", [(softmax, F.softmax), (log_softmax, F.log_softmax)])
@pytest.mark.parametrize("dim", [0, -1])
def test_softmax_takes_torchs_dim(ours, theirs, dim):
    values = [Value(x) for x in _LOGITS]
    tensor = torch.tensor(_LOGITS, dtype=torch.float64, requires_grad=True)
    out, expected = ours(values, dim=dim), theirs(tensor, dim=dim)
    assert [v.data for v in out] == pytest.approx(expected.tolist(), rel=1e-15, abs=1e-16)
    weights = [0.3, -1.0, 2.0, 0.7]  # a loss that reads every output
    sum(w * v for w, v in zip(weights, out)).backward()
    (expected * torch.tensor(weights, dtype=torch.float64)).sum().backward()
    assert [v.grad for v in values] == pytest.approx(tensor.grad.tolist(), rel=1e-13, abs=1e-15)


@pytest.mark.parametrize("ours, theirs", [(softmax, F.softmax), (log_softmax, F.log_softmax)])
@pytest.mark.parametrize("dim", [1, -2])
def test_a_dim_a_list_does_not_have_is_an_index_error_as_torchs(ours, theirs, dim):
    with pytest.raises(IndexError):
        theirs(torch.tensor(_LOGITS, dtype=torch.float64), dim=dim)
    with pytest.raises(IndexError, match=rf"{ours.__name__}: dim {dim} is out of range"):
        ours([Value(x) for x in _LOGITS], dim=dim)


_X1, _T1 = [-2.5, 0.3, 40.0, -800.0], [1.0, 0.0, 0.25, 1.0]
_X2, _T2 = [[0.5, -1.0, 2.0], [-0.3, 1.5, -2.2]], [[1.0, 0.0, 1.0], [0.0, 0.5, 1.0]]


@pytest.mark.parametrize("xs, ts, kwargs", [
    (_X1, _T1, {"pos_weight": 3.0}), (_X1, _T1, {"pos_weight": [0.5]}),
    (_X1, _T1, {"pos_weight": [2.0, 0.5, 1.0, 4.0]}), (_X1, _T1, {"weight": [1.0, 0.0, 2.5, 0.5]}),
    (_X1, _T1, {"weight": 0.5, "pos_weight": [3.0]}),
    (_X2, _T2, {"pos_weight": [1.0, 3.0, 0.25]}), (_X2, _T2, {"weight": [2.0, 1.0, 0.5], "pos_weight": 2.0}),
])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_with_logits_takes_torchs_weight_and_pos_weight(xs, ts, kwargs, reduction):
    from nn import binary_cross_entropy_with_logits as ours
    nested = isinstance(xs[0], list)
    values = [[Value(x) for x in row] for row in xs] if nested else [Value(x) for x in xs]
    targets = [[Value(t) for t in row] for row in ts] if nested else [Value(t) for t in ts]
    tx = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    tt = torch.tensor(ts, dtype=torch.float64, requires_grad=True)
    tkw = {k: torch.tensor(v, dtype=torch.float64) for k, v in kwargs.items()}
    loss = ours(values, targets, reduction=reduction, **kwargs)
    expected = F.binary_cross_entropy_with_logits(tx, tt, reduction=reduction, **tkw)
    flat = (lambda rows: [v for row in rows for v in row]) if nested else list
    if reduction == "none":
        assert [v.data for v in loss] == pytest.approx(expected.flatten().tolist(), rel=1e-14)
        loss = sum(loss[1:], loss[0])
        expected = expected.sum()
    assert loss.data == pytest.approx(expected.item(), rel=1e-14)
    loss.backward()
    expected.backward()
    assert [v.grad for v in flat(values)] == pytest.approx(tx.grad.flatten().tolist(), rel=1e-13, abs=1e-15)
    assert [t.grad for t in flat(targets)] == pytest.approx(tt.grad.flatten().tolist(), rel=1e-13, abs=1e-15)


@pytest.mark.parametrize("xs, ts, weights", [(_X1, _T1, [1.0, 2.0]), (_X2, _T2, [1.0, 2.0]), (_X2, _T2, [])])
def test_weights_that_do_not_broadcast_are_refused_as_torch_refuses_them(xs, ts, weights):
    from nn import binary_cross_entropy_with_logits as ours
    with pytest.raises(RuntimeError):
        F.binary_cross_entropy_with_logits(torch.tensor(xs), torch.tensor(ts), pos_weight=torch.tensor(weights))
    with pytest.raises(ValueError, match="binary_cross_entropy_with_logits: pos_weight has"):
        ours(xs, ts, pos_weight=weights)
    with pytest.raises(TypeError, match="binary_cross_entropy_with_logits: weight"):
        ours(xs, ts, weight="2")
