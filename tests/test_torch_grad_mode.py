"""Grad mode as PyTorch writes it: @no_grad without parentheses, set_grad_enabled, inference_mode."""
import pytest

import autograd
from autograd import Value, enable_grad, is_grad_enabled, no_grad

torch = pytest.importorskip("torch")


def _records(lib):
    """Whether an operation records its inputs, in chainrule (ours) or in torch."""
    if lib is torch:
        return (torch.ones((), requires_grad=True) * 2).requires_grad
    return not (Value(1.0) * 2).is_leaf


def test_no_grad_and_enable_grad_decorate_without_parentheses():
    @no_grad
    def ours():
        return _records(autograd)

    @torch.no_grad
    def theirs():
        return _records(torch)

    @enable_grad
    def ours_on():
        return _records(autograd)

    @torch.enable_grad
    def theirs_on():
        return _records(torch)

    assert ours() is theirs() is False
    assert ours.__name__ == "ours" and theirs.__name__ == "theirs"
    with no_grad(), torch.no_grad():
        assert ours_on() == theirs_on() is True
    assert is_grad_enabled() and torch.is_grad_enabled()
