"""Tests for nn.activation: names, canonical forms, functions."""
import pytest

from autograd import Value
from nn import activation


@pytest.mark.parametrize("name, canonical", [
    ("relu", "relu"), ("tanh", "tanh"), ("sigmoid", "sigmoid"), ("linear", "linear"), (None, "linear"),
    ("leaky_relu", "leaky_relu"), ("leaky_relu(0.01)", "leaky_relu"), ("leaky_relu(0.2)", "leaky_relu(0.2)"),
    ("leaky_relu( 0.5 )", "leaky_relu(0.5)"),
])
def test_canonical_names(name, canonical):
    assert activation(name)[0] == canonical


def test_functions_apply_the_engine_op():
    x = Value(-2.0)
    assert activation("linear")[1] is None
    assert activation("relu")[1](x).op == "relu"
    assert activation("leaky_relu(0.2)")[1](x).data == pytest.approx(-0.4)
    assert activation("leaky_relu(0.2)")[1](x).op == "leaky_relu(0.2)"


@pytest.mark.parametrize("name, error", [("gelu", ValueError), ("leaky_relu(a)", ValueError),
                                         ("leaky_relu(0.1", ValueError), (3, TypeError)])
def test_unknown_names(name, error):
    with pytest.raises(error):
        activation(name)
