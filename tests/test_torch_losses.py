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
