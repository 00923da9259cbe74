"""nn.Module as a torch.nn.Module user writes it: a subclass with layers, train/eval, state."""
import pytest

from nn import Layer, Module

torch = pytest.importorskip("torch")


class _Net(Module):
    def __init__(self):
        super().__init__()  # as a PyTorch user writes it
        self.fc1 = Layer(2, 3, activation="tanh", seed=0)
        self.fc2 = Layer(3, 1, activation="linear", seed=1)

    def forward(self, x):
        return self.fc2(self.fc1(x))


@pytest.mark.parametrize("mode", [1, 0, "no", None])
def test_train_refuses_a_mode_that_is_no_bool_as_torch(mode):
    """PyTorch raises ValueError; so does chainrule, and nothing changes."""
    net, module = _Net().eval(), torch.nn.Linear(2, 1).eval()
    with pytest.raises(ValueError, match="expected to be boolean"):
        module.train(mode)
    with pytest.raises(ValueError, match=r"train\(mode\).*expected to be boolean"):
        net.train(mode)
    assert not any(m.training for m in net.modules())


def test_train_and_eval_set_every_submodule_and_return_it_as_torch():
    net, module = _Net(), torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh())
    assert net.eval() is net and module.eval() is module
    assert not any(m.training for m in net.modules()) and not any(m.training for m in module.modules())
    assert net.train() is net and all(m.training for m in net.modules())
    assert [name for name, _ in net.named_modules()][:3] == ["", "fc1", "fc1.neurons.0"]
