"""Tests for nn.layers: Neuron, Layer, MLP (micrograd's meaning, activations, inputs)."""
import math
import random

import pytest

from autograd import Value, gradcheck
from nn import MLP, Layer, Neuron

try:
    import numpy as np
except ImportError:  # optional: the NumPy case is skipped
    np = None


def _set(neuron, w, b):
    for p, x in zip(neuron.w, w):
        p.data = x
    neuron.b.data = b


@pytest.mark.parametrize("name, f", [
    ("relu", lambda s: max(s, 0.0)), ("tanh", math.tanh), ("sigmoid", lambda s: 1 / (1 + math.exp(-s))),
    ("linear", lambda s: s), ("leaky_relu", lambda s: s if s > 0 else 0.01 * s),
    ("leaky_relu(0.2)", lambda s: s if s > 0 else 0.2 * s),
])
@pytest.mark.parametrize("x", [[1.0, 2.0], [-3.0, 0.5]])
def test_neuron_computes_activation_of_weighted_sum(name, f, x):
    n = Neuron(2, activation=name, init="zeros")
    _set(n, [0.5, -1.5], 0.25)
    s = 0.5 * x[0] - 1.5 * x[1] + 0.25
    assert n(x).data == pytest.approx(f(s), rel=1e-12, abs=1e-15)
    assert n.activation == name


def test_neuron_gradient_matches_finite_differences():
    def f(w0, w1, b, x0, x1):
        n = Neuron(2, activation="tanh", init="zeros")
        n.w, n.b = [w0, w1], b
        return n([x0, x1])

    assert gradcheck(f, [0.3, -0.7, 0.1, 1.5, -0.4])


def test_layer_returns_a_list_or_a_single_value_like_micrograd():
    layer = Layer(3, 4, seed=0)
    out = layer([1.0, 2.0, 3.0])
    assert isinstance(out, list) and len(out) == 4
    assert isinstance(Layer(3, 1, seed=0)([1.0, 2.0, 3.0]), Value)


def test_mlp_output_is_a_value_for_one_output_else_a_list():
    assert isinstance(MLP(2, [3, 1], seed=0)([1.0, 2.0]), Value)
    out = MLP(2, [3, 2], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2


def test_mlp_hidden_layers_nonlinear_last_linear():
    model = MLP(2, [4, 4, 3], seed=0)
    assert [layer.activation for layer in model.layers] == ["relu", "relu", "linear"]
    model = MLP(2, [4, 1], activation=["tanh", "sigmoid"], seed=0)
    assert [layer.activation for layer in model.layers] == ["tanh", "sigmoid"]
    assert 0.0 < model([1.0, 1.0]).data < 1.0


def test_a_layer_of_one_neuron_works_anywhere_in_the_stack():
    model = MLP(2, [1, 3, 1, 2], activation="tanh", seed=0)
    out = model([0.5, -0.5])
    assert len(out) == 2
    sum(out).backward()
    assert any(p.grad != 0.0 for p in model.layers[0].parameters())
    # and with layers chained by hand, as micrograd users do
    first, second = Layer(2, 1, seed=0), Layer(1, 2, seed=0)
    assert len(second(first([1.0, 2.0]))) == 2


def test_mlp_forward_matches_hand_computation():
    model = MLP(2, [2, 1], activation="tanh", init="zeros")
    _set(model.layers[0].neurons[0], [1.0, 2.0], 0.5)
    _set(model.layers[0].neurons[1], [-1.0, 0.5], 0.0)
    _set(model.layers[1].neurons[0], [2.0, -3.0], 1.0)
    x = [0.3, -0.2]
    h = [math.tanh(0.3 - 0.4 + 0.5), math.tanh(-0.3 - 0.1)]
    assert model(x).data == pytest.approx(2 * h[0] - 3 * h[1] + 1.0, rel=1e-12)


def test_mlp_gradient_matches_finite_differences():
    model = MLP(2, [3, 2], activation="tanh", seed=0)

    def f():
        out = model([0.4, -0.9])
        return out[0] * out[1] + out[0]

    f().backward()
    eps = 1e-6
    for p in model.parameters():
        x = p.data
        p.data = x + eps
        up = f().data
        p.data = x - eps
        down = f().data
        p.data = x
        assert p.grad == pytest.approx((up - down) / (2 * eps), rel=1e-5, abs=1e-8), p.label


def test_inputs_may_be_floats_ints_values_or_tuples():
    model = MLP(2, [3, 1], seed=0)
    expected = model([1.0, 2.0]).data
    assert model([1, 2]).data == expected
    assert model((1.0, 2.0)).data == expected
    a, b = Value(1.0), Value(2.0)
    out = model([a, b])
    assert out.data == expected
    out.backward()
    assert a.grad != 0.0 or b.grad != 0.0  # gradients reach Value inputs
    assert MLP(1, [2, 1], seed=0)(0.5).data == MLP(1, [2, 1], seed=0)([0.5]).data


@pytest.mark.parametrize("module", [MLP(3, [2, 1], seed=0), Layer(3, 2, seed=0), Neuron(3, seed=0)])
def test_wrong_number_of_inputs_raises_value_error_naming_the_size(module):
    with pytest.raises(ValueError, match="expects 3 inputs, got 2$"):
        module([1.0, 2.0])
    # A whole batch at once, as a PyTorch model takes it: say how to call it instead.
    with pytest.raises(ValueError, match=r"expects 3 inputs, got 4 rows: it takes one row at a time, "
                                         r"\[model\(x\) for x in X\]"):
        module([[1.0, 2.0, 3.0]] * 4)
    if np is not None:  # a NumPy batch too
        with pytest.raises(ValueError, match=r"got 4 rows: it takes one row at a time"):
            module(np.ones((4, 3)))
    # A batch of exactly as many rows as the model has inputs: the same advice.
    with pytest.raises(TypeError, match=r"got list: \[1\.0, 2\.0, 3\.0\]; got 3 rows: it takes one row at a time"):
        module([[1.0, 2.0, 3.0]] * 3)
    with pytest.raises(TypeError, match="list of 3"):
        module(1.0)
    with pytest.raises(TypeError):
        module(["a", "b", "c"])


@pytest.mark.parametrize("kwargs, error, match", [
    ({"nin": 0, "nouts": [1]}, ValueError, "nin"),
    ({"nin": 2, "nouts": []}, ValueError, "at least one layer"),
    ({"nin": 2, "nouts": [3, 0]}, ValueError, "nouts"),
    ({"nin": 2.5, "nouts": [1]}, ValueError, "nin"),
    ({"nin": 2, "nouts": [3, 1], "activation": "swish"}, ValueError, "unknown activation 'swish'"),
    ({"nin": 2, "nouts": [3, 1], "activation": ["relu"]}, ValueError, "1 names for 2 layers"),
    ({"nin": 2, "nouts": [3, 1], "activation": "leaky_relu(x)"}, ValueError, "slope"),
    ({"nin": 2, "nouts": [3, 1], "init": "orthogonal"}, ValueError, "unknown init 'orthogonal'"),
    ({"nin": 2, "nouts": [3, 1], "seed": "zero"}, TypeError, "seed"),
])
def test_bad_constructor_arguments(kwargs, error, match):
    state = random.getstate()
    with pytest.raises(error, match=match):
        MLP(**kwargs)
    assert random.getstate() == state  # nothing was drawn from the global generator


def test_same_seed_same_model_and_global_seed_reproduces():
    assert MLP(2, [4, 1], seed=3).state_dict() == MLP(2, [4, 1], seed=3).state_dict()
    assert MLP(2, [4, 1], seed=3).state_dict() != MLP(2, [4, 1], seed=4).state_dict()
    random.seed(7)
    a = MLP(2, [4, 1]).state_dict()
    random.seed(7)
    assert MLP(2, [4, 1]).state_dict() == a


def test_default_init_is_micrograd_uniform_with_zero_biases():
    model = MLP(2, [16, 16, 1], seed=0)
    weights = [w for layer in model.layers for n in layer.neurons for w in n.w]
    assert all(-1.0 <= w.data <= 1.0 for w in weights)
    assert len({w.data for w in weights}) == len(weights)
    assert all(n.b.data == 0.0 for layer in model.layers for n in layer.neurons)


def test_same_weights_and_outputs_as_micrograd_for_the_same_global_seed():
    mg = pytest.importorskip("micrograd.nn")
    random.seed(1337)
    theirs = mg.MLP(2, [16, 16, 1])
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    for x in ([0.5, -1.0], [2.0, 0.25]):
        assert ours(x).data == theirs(x).data


def test_micrograd_demo_code_runs_with_only_its_imports_changed():
    """micrograd's demo.ipynb training loop, verbatim but for the imports (sklearn's moons and
    numpy's permutation replaced), for a few steps: the loss must fall."""
    from autograd import Value  # noqa: F811  (the demo's import, changed)
    from nn import MLP, make_moons  # noqa: F811

    random.seed(1337)
    X, y = make_moons(100, noise=0.1, seed=1337)
    y = [yi * 2 - 1 for yi in y]
    model = MLP(2, [16, 16, 1])  # 2-layer neural network
    assert "337 parameters" in repr(model)
    assert len(model.parameters()) == 337

    def loss(batch_size=None):
        if batch_size is None:
            Xb, yb = X, y
        else:
            ri = random.sample(range(len(X)), batch_size)
            Xb, yb = [X[i] for i in ri], [y[i] for i in ri]
        inputs = [list(map(Value, xrow)) for xrow in Xb]
        scores = list(map(model, inputs))
        losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(yb, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum((p*p for p in model.parameters()))
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    losses = []
    for k in range(4):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9*k/100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        losses.append(total_loss.data)
    assert losses[-1] < losses[0]
    assert loss(batch_size=10)[0].data > 0.0
