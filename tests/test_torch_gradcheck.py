"""gradcheck as torch.autograd.gradcheck: raise_exception, and a GradcheckError that is a RuntimeError."""
import pytest

from autograd import GradcheckError, Value, gradcheck

torch = pytest.importorskip("torch")
from torch.autograd.gradcheck import GradcheckError as TorchGradcheckError  # noqa: E402


class _Wrong(torch.autograd.Function):
    """x * 2 with the derivative 3: a wrong backward, as `_wrong` below."""

    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 3


def _wrong(x):
    out = x * 2
    out._da = 3.0  # the local derivative, overwritten: backward now disagrees with the values
    return out


def test_a_wrong_gradient_is_false_with_raise_exception_false_as_torchs():
    t = torch.tensor([0.5], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(_Wrong.apply, (t,), raise_exception=False) is False
    assert gradcheck(_wrong, [0.5], raise_exception=False) is False
    assert gradcheck(lambda x: x * 2, [0.5], raise_exception=False) is True


def test_the_error_is_caught_as_torchs_is_caught():
    t = torch.tensor([0.5], dtype=torch.float64, requires_grad=True)
    with pytest.raises(RuntimeError):
        torch.autograd.gradcheck(_Wrong.apply, (t,))
    with pytest.raises(RuntimeError, match="input 0"):
        gradcheck(_wrong, [0.5])
    assert issubclass(TorchGradcheckError, RuntimeError) and issubclass(GradcheckError, (RuntimeError, AssertionError))
    with pytest.raises(TypeError, match="raise_exception"):
        gradcheck(_wrong, [Value(0.5)], raise_exception="no")
