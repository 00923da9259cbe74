"""Tests for nn.module: parameter discovery, modes, state dicts, repr."""
import pytest

from autograd import Value
from nn import MLP, Layer, Module, Neuron


class Affine(Module):
    """A user module written without any parameters() method."""

    def __init__(self):
        self.scale = Value(2.0)
        self.shift = [Value(1.0), Value(-1.0)]
        self.inner = Neuron(2, init="zeros")
        self.note = "not a parameter"
        self._cache = Value(5.0)  # private: not a parameter

    def forward(self, x):
        return self.inner([self.scale * x[0] + self.shift[0], self.scale * x[1] + self.shift[1]])


def test_parameters_are_found_in_attribute_order_with_dotted_names():
    m = Affine()
    names = [name for name, _ in m.named_parameters()]
    assert names == ["scale", "shift.0", "shift.1", "inner.w.0", "inner.w.1", "inner.b"]
    assert m.parameters() == [p for _, p in m.named_parameters()]
    assert m._cache not in m.parameters()


def test_labels_are_the_outermost_dotted_names():
    m = Affine()
    assert [p.label for p in m.parameters()] == [name for name, _ in m.named_parameters()]
    model = MLP(2, [3, 1], seed=0)
    assert model.layers[0].neurons[2].w[1].label == "layers.0.neurons.2.w.1"
    assert model.layers[1].neurons[0].b.label == "layers.1.neurons.0.b"


def test_mlp_names_follow_the_shared_convention():
    names = [name for name, _ in MLP(2, [16, 16, 1], seed=0).named_parameters()]
    assert len(names) == 337
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert "layers.0.neurons.3.w.1" in names and names[-1] == "layers.2.neurons.0.b"


def test_shared_parameter_is_listed_once():
    class Tied(Module):
        def __init__(self):
            self.a = Value(1.0)
            self.b = self.a

    assert [name for name, _ in Tied().named_parameters()] == ["a"]


def test_forward_and_call():
    m = Affine()
    assert m([1.0, 2.0]).data == 0.0  # zero-initialized neuron

    class Empty(Module):
        pass

    with pytest.raises(NotImplementedError, match="forward"):
        Empty()(1.0)


def test_zero_grad_resets_every_parameter():
    m = Affine()
    for p in m.parameters():
        p.grad = 3.0
    m.zero_grad()
    assert all(p.grad == 0.0 for p in m.parameters())


def test_train_and_eval_reach_submodules():
    model = MLP(2, [3, 1], seed=0)
    assert model.training and model.layers[0].neurons[0].training
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    with pytest.raises(ValueError, match="boolean"):  # as PyTorch
        model.train("yes")


def test_named_modules():
    names = [name for name, _ in MLP(2, [2, 1], seed=0).named_modules()]
    assert names == ["", "layers.0", "layers.0.neurons.0", "layers.0.neurons.1", "layers.1", "layers.1.neurons.0"]


def test_state_dict_round_trip():
    a, b = MLP(2, [4, 1], seed=1), MLP(2, [4, 1], seed=2)
    state = a.state_dict()
    assert list(state) == [name for name, _ in a.named_parameters()]
    assert b.state_dict() != state
    result = b.load_state_dict(state)
    assert b.state_dict() == state
    assert result.missing_keys == [] and result.unexpected_keys == []


def test_load_state_dict_strict_reports_keys_and_changes_nothing():
    model = MLP(2, [2, 1], seed=0)
    before = model.state_dict()
    state = dict(before)
    del state["layers.0.neurons.0.b"]
    state["extra"] = 1.0
    state["layers.1.neurons.0.b"] = 42.0
    with pytest.raises(ValueError, match=r"missing keys \['layers.0.neurons.0.b'\].*unexpected keys \['extra'\]"):
        model.load_state_dict(state)
    assert model.state_dict() == before
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["layers.0.neurons.0.b"] and result.unexpected_keys == ["extra"]
    assert model.layers[1].neurons[0].b.data == 42.0


@pytest.mark.parametrize("bad", ["1.0", None, float("nan"), True])
def test_load_state_dict_rejects_non_numbers_without_partial_writes(bad):
    model = MLP(2, [2, 1], seed=0)
    before = model.state_dict()
    state = {name: 0.5 for name in before}
    state["layers.1.neurons.0.b"] = bad  # the last key: everything before it must stay untouched
    with pytest.raises(ValueError, match="layers.1.neurons.0.b"):
        model.load_state_dict(state)
    assert model.state_dict() == before
    with pytest.raises(TypeError, match="mapping"):
        model.load_state_dict([1.0, 2.0])


def test_repr_summarizes_layers_not_neurons():
    text = repr(MLP(2, [16, 16, 1], seed=0))
    assert text.splitlines() == [
        "MLP(2 -> [16, 16, 1], 337 parameters",
        "  (layers.0): Layer(2 -> 16, relu)",
        "  (layers.1): Layer(16 -> 16, relu)",
        "  (layers.2): Layer(16 -> 1, linear)",
        ")",
    ]


def test_repr_of_a_user_module_collapses_identical_children():
    class Bank(Module):
        def __init__(self):
            self.units = [Neuron(3, activation="tanh") for _ in range(10)]
            self.head = Layer(10, 2)

    lines = repr(Bank()).splitlines()
    assert lines == ["Bank(", "  (units.0..9): 10 x Neuron(3 -> 1, tanh)", "  (head): Layer(10 -> 2, relu)", ")"]


def test_get_config_is_required_to_save(tmp_path):
    with pytest.raises(NotImplementedError, match="get_config"):
        Affine().save(tmp_path / "m.json")
    assert not list(tmp_path.iterdir())


def test_a_reference_back_to_the_parent_does_not_recurse_forever():
    class Owner(Module):  # a child that keeps its owner, as PyTorch allows
        def __init__(self):
            self.child = Neuron(1, init="zeros")
            self.child.owner = self

    model = Owner()
    assert [name for name, _ in model.named_parameters()] == ["child.w.0", "child.b"]
    assert [name for name, _ in model.named_modules()] == ["", "child"]
    model.eval()
    assert not model.training and not model.child.training
    model.load_state_dict({"child.w.0": 1.0, "child.b": 2.0})
    assert model.state_dict() == {"child.w.0": 1.0, "child.b": 2.0}


def test_a_shared_module_is_listed_once_as_in_pytorch():
    class Twice(Module):
        def __init__(self):
            self.a = Neuron(2)
            self.b = self.a

    assert [name for name, _ in Twice().named_modules()] == ["", "a"]
    torch = pytest.importorskip("torch")

    class TorchTwice(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = torch.nn.Linear(2, 1)
            self.b = self.a

    assert [name for name, _ in TorchTwice().named_modules()] == ["", "a"]


def test_repr_of_a_module_holding_a_reference_back_to_itself_or_a_parent_ends():
    class Parent(Module):
        def __init__(self):
            self.child = Neuron(1, seed=0)
            self.child.parent = self  # a back-reference, as named_modules() allows
            self.me = self

    parent = Parent()
    text = repr(parent)  # was RecursionError
    assert "(parent): ..." in text and "(me): ..." in text and text.startswith("Parent(")
    assert [name for name, _ in parent.named_modules()] == ["", "child"]
