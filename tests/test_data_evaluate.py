"""evaluate on labels its loss cannot take: the error names evaluate, y and the row, as fit's does."""
import pytest

from nn import MLP, evaluate, fit


def _rows(n):
    return [[0.1 * i, 1.0 - 0.1 * i] for i in range(n)]


@pytest.mark.parametrize("compile", [False, True])
@pytest.mark.parametrize("loss, nouts, last, bad, error", [
    ("cross_entropy", 3, "linear", 3, ValueError),      # a class the model does not have
    ("bce", 1, "sigmoid", 2, ValueError),               # outside [0, 1]
    ("hinge", 1, "linear", 0.5, ValueError),            # neither -1/+1 nor 0/1
    ("mse", 1, "linear", "a", TypeError),               # not a number
])
def test_evaluate_names_the_bad_target(loss, nouts, last, bad, error, compile):
    model = MLP(2, [3, nouts], activation=["relu", last], seed=0)
    y = [0, 1, 0, 1, 0, 1, bad, 0]
    with pytest.raises(error, match=r"^evaluate: y: the loss fails on target 6 "):
        evaluate(model, _rows(8), y, loss=loss, compile=compile)
    # fit says the same, about the same row
    with pytest.raises(error, match=r"^fit: y: the loss fails on target 6 "):
        fit(model, _rows(8), y, loss, epochs=1, verbose=False)


def test_evaluate_still_scores_good_labels():
    model = MLP(2, [3, 3], seed=0)
    scores = evaluate(model, _rows(6), [0, 1, 2, 0, 1, 2], loss="cross_entropy")
    assert scores["loss"] > 0 and 0.0 <= scores["accuracy"] <= 1.0
