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


def _modes(lib, mode):
    """(inside the block, after it, right after the call alone, after undoing it) for set_grad_enabled."""
    out = []
    with lib.set_grad_enabled(mode):
        out.append(lib.is_grad_enabled())
    out.append(lib.is_grad_enabled())
    lib.set_grad_enabled(mode)
    out.append(lib.is_grad_enabled())
    lib.set_grad_enabled(True)
    out.append(lib.is_grad_enabled())
    return out


@pytest.mark.parametrize("mode", [False, True])
@pytest.mark.parametrize("outer", [False, True])
def test_set_grad_enabled_as_torchs(mode, outer):
    with autograd.set_grad_enabled(outer), torch.set_grad_enabled(outer):
        assert _modes(autograd, mode)[:2] == _modes(torch, mode)[:2]
        assert _records(autograd) == _records(torch)
    assert _modes(autograd, mode) == _modes(torch, mode)


def test_set_grad_enabled_as_a_decorator_changes_nothing_until_called():
    @autograd.set_grad_enabled(False)
    def ours():
        return _records(autograd)

    @torch.set_grad_enabled(False)
    def theirs():
        return _records(torch)

    assert is_grad_enabled() and torch.is_grad_enabled()
    assert ours() == theirs() is False
    assert is_grad_enabled() and torch.is_grad_enabled()


def test_set_grad_enabled_takes_a_bool_only():
    for lib in (autograd, torch):
        with pytest.raises(TypeError):
            lib.set_grad_enabled(1)
    assert is_grad_enabled()


@pytest.mark.parametrize("mode", [True, False])
def test_inference_mode_records_as_torchs(mode):
    for outer in (True, False):
        with autograd.set_grad_enabled(outer), torch.set_grad_enabled(outer):
            with autograd.inference_mode(mode), torch.inference_mode(mode):
                assert _records(autograd) == _records(torch)

    @autograd.inference_mode
    def ours():
        return _records(autograd)

    @torch.inference_mode
    def theirs():
        return _records(torch)

    assert ours() == theirs() is False
    assert is_grad_enabled()


def test_a_backward_after_set_grad_enabled_false_is_refused_as_torch_refuses():
    x = Value(2.0)
    with autograd.set_grad_enabled(False):
        y = x * x
    with pytest.raises(RuntimeError):
        y.backward()
    t = torch.tensor(2.0, requires_grad=True)
    with torch.set_grad_enabled(False):
        u = t * t
    with pytest.raises(RuntimeError):
        u.backward()
