"""`accuracy`/`evaluate` of a one-output model with a target that is no label (a str, None, a
row, NaN): a ValueError naming y[i] (it was Python's "'>' not supported", or NaN scored as the
negative class without a word)."""
import math

import pytest

from nn import MLP, accuracy, evaluate


@pytest.mark.parametrize("bad", ["a", None, [0, 1], math.nan])
@pytest.mark.parametrize("compile", [False, True])
def test_a_single_output_target_that_is_no_label_is_named(bad, compile):
    model = MLP(2, [3, 1], seed=0)
    X = [[1.0, 2.0], [0.5, -1.0]]
    with pytest.raises(ValueError, match=r"accuracy: y\[1\] = .* is no label"):
        accuracy(model, X, [1, bad], compile=compile)
    with pytest.raises(ValueError, match=r"evaluate: y\[1\] = .* is no label"):
        evaluate(model, X, [1, bad], threshold=0.0, compile=compile)


def test_labels_and_regression_targets_still_score():
    model = MLP(1, [1], activation="linear", init="zeros")  # outputs 0.0: class 0 / -1
    assert accuracy(model, [[1.0], [2.0], [3.0]], [-1, 0, True]) == 2 / 3
    assert evaluate(model, [[1.0]], [math.nan], loss="mse", threshold=None)["accuracy"] is None


@pytest.mark.parametrize("returned", [[1.0], None, "x"])
def test_evaluate_names_a_loss_that_returns_no_number(returned):
    # it was float()'s own error ("float() argument must be a string or a real number, not 'list'")
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(TypeError, match="evaluate: loss must return a Value, got"):
        evaluate(model, [[1.0, 2.0]], [1], loss=lambda outputs, targets: returned)


@pytest.mark.parametrize("compile", [False, True])
def test_evaluating_puts_back_each_modules_own_mode(compile):
    from nn import predict
    model = MLP(2, [3, 3, 1], seed=0)
    model.train()
    model.layers[0].eval()  # a part the user froze
    modes = [m.training for m in model.modules()]
    evaluate(model, [[1.0, 2.0]], [1], compile=compile)
    predict(model, [[1.0, 2.0]], compile=compile)
    assert [m.training for m in model.modules()] == modes
