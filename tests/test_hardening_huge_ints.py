"""An int past the float range (10**400) given where a number is expected: a clear error that
names the argument, never Python's bare "int too large to convert to float", and no state changed."""
import numpy as np
import pytest

from autograd import Value, explain, gradcheck
from nn import MLP, SGD, Adam, accuracy, evaluate, fit, l2_penalty, predict

HUGE = 10 ** 400


def _model():
    return MLP(2, [3, 1], seed=0)


@pytest.mark.parametrize("make", [
    lambda ps: SGD(ps, lr=HUGE),
    lambda ps: Adam(ps, lr=HUGE),
    lambda ps: Adam(ps, betas=(HUGE, 0.999)),
    lambda ps: SGD(ps, lr=0.1, momentum=HUGE),
    lambda ps: l2_penalty(ps, HUGE),
])
def test_hyperparameter_past_the_float_range_is_a_value_error(make):
    with pytest.raises(ValueError, match="finite"):
        make(_model().parameters())


def test_load_state_dict_with_a_huge_int_names_the_key_and_changes_nothing():
    model = _model()
    before = model.state_dict()
    bad = dict(before, **{"layers.1.neurons.0.b": HUGE})
    with pytest.raises(ValueError, match="layers.1.neurons.0.b"):
        model.load_state_dict(bad)
    assert model.state_dict() == before


def test_optimizer_state_with_a_huge_int_is_refused_and_changes_nothing():
    model = _model()
    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    model([1.0, 2.0]).backward()
    opt.step()
    state = opt.state_dict()
    bad = {**state, "lr": HUGE}
    with pytest.raises(ValueError):
        opt.load_state_dict(bad)
    assert opt.state_dict() == state


@pytest.mark.parametrize("call, named", [
    (lambda m: accuracy(m, [[HUGE, 0.0]], [1]), "row 0"),
    (lambda m: evaluate(m, [[HUGE, 0.0]], [1.0], loss="mse"), "row 0"),
    (lambda m: fit(m, [[HUGE, 0.0]], [1.0], "mse", epochs=1, verbose=False), "row 0"),
    (lambda m: fit(m, np.array([[1.0, 0.0]]), [1.0], "mse", epochs=1, verbose=False,
                   validation=([[0.0, HUGE]], [1.0])), "row 0"),
    (lambda m: fit(m, [[1.0, 0.0]], [HUGE], "mse", epochs=1, verbose=False), "the loss fails on target 0"),
    (lambda m: fit(m, [[1.0, 0.0]], [1.0], "mse", epochs=1, verbose=False, validation=([[1.0, 0.0]], [HUGE])),
     "the loss fails on target 0"),
])
def test_data_past_the_float_range_is_named_and_changes_nothing(call, named):
    model = _model()
    before = model.state_dict()
    with pytest.raises(ValueError, match=named):
        call(model)
    assert model.state_dict() == before


@pytest.mark.parametrize("call", [lambda m: accuracy(m, [[1.0, 0.0]], [1], threshold=HUGE),
                                  lambda m: predict(m, [[1.0, 0.0]], threshold=HUGE)])
def test_a_huge_threshold_names_it(call):
    with pytest.raises(TypeError, match="threshold"):
        call(_model())


@pytest.mark.parametrize("option", ["eps", "atol", "rtol"])
def test_gradcheck_tolerance_past_the_float_range(option):
    with pytest.raises(ValueError, match=option):
        gradcheck(lambda x: x * x, [1.0], **{option: HUGE})


def test_gradcheck_input_and_explain_seed_past_the_float_range_name_themselves():
    with pytest.raises(OverflowError, match="gradcheck: an input"):
        gradcheck(lambda x: x * x, [HUGE])
    x = Value(1.0)
    with pytest.raises(OverflowError, match=r"explain\(grad=...\)"):
        explain(x * 2.0, grad=HUGE)
    assert x.grad == 0.0


def test_backward_seed_past_the_float_range_names_itself():
    x = Value(1.0)
    with pytest.raises(OverflowError, match=r"backward\(grad=...\)"):
        (x * 2.0).backward(HUGE)
    assert x.grad == 0.0
