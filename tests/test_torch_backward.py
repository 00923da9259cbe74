"""backward() called with PyTorch's keywords: each refused with what to write here."""
import pytest

from autograd import Value

torch = pytest.importorskip("torch")


def test_backward_with_torchs_inputs_keyword_says_what_to_write():
    x, y = Value(2.0), Value(3.0)
    t = torch.tensor(2.0, requires_grad=True)
    (t * t).backward(inputs=[t])  # PyTorch: accumulate into these only
    with pytest.raises(TypeError, match=r"'inputs': .*autograd.grad\(output, inputs\)"):
        (x * y).backward(inputs=[x])
    assert x.grad == y.grad == 0.0
