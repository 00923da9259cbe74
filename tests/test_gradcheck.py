"""gradcheck and numeric_grad: agree on correct gradients, name the input on a wrong one."""
import pytest

from autograd import GradcheckError, Value, gradcheck
from autograd.gradcheck import numeric_grad
from autograd.value import Op, _unary


def test_passes_on_correct_gradients_and_leaves_grads_alone():
    x = Value(0.4, label="x")
    assert gradcheck(lambda a, b: (a * b).tanh() + a ** 2 / b, [x, 1.3]) is True
    assert x.grad == 0.0


def test_numeric_grad_is_central_differences():
    assert numeric_grad(lambda a: a ** 3, [2.0]) == pytest.approx([12.0], rel=1e-8)


def test_catches_a_wrong_derivative_and_names_the_input():
    # An op whose declared derivative is deliberately wrong (2x instead of 3x**2).
    cube = Op("cube", lambda x: x ** 3, lambda x, out: (2 * x,))
    with pytest.raises(GradcheckError, match=r"input 1 \('y'\)"):
        gradcheck(lambda a, b: a * 2 + _unary(cube, b), [1.0, Value(1.5, label="y")])


def test_rejects_bad_inputs():
    with pytest.raises(TypeError, match="return a Value"):
        gradcheck(lambda a: 3.0, [1.0])
    with pytest.raises(TypeError, match="str"):
        gradcheck(lambda a: a, ["1"])
    for inputs in (None, 2.0, Value(2.0)):  # not a list: the message names gradcheck's inputs
        with pytest.raises(TypeError, match="gradcheck: inputs must be a list"):
            gradcheck(lambda a: a, inputs)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_a_non_finite_input_is_named_not_reported_as_a_wrong_gradient(bad):
    with pytest.raises(ValueError, match=r"gradcheck: input 1 is .*; central differences need finite inputs"):
        gradcheck(lambda a, b: a * b, [1.0, Value(bad)])


def test_numpy_scalars_are_inputs_like_floats():
    np = pytest.importorskip("numpy")
    assert gradcheck(lambda a, b: (a * b).tanh(), np.array([0.5, -1.2], dtype=np.float32)) is True
    assert gradcheck(lambda a: a ** 3, [np.int64(2)]) is True
