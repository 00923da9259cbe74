"""evaluate with a loss, on a model that fails on a row: the error names evaluate, not fit
(evaluate looks for a bad label with fit's checks when scoring fails)."""
import pytest

from nn import MLP, evaluate


class Picky(MLP):
    def __call__(self, x):
        raise ValueError("this model needs normalised rows")


def test_evaluate_names_itself_when_the_model_fails():
    model = Picky(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match=r"^evaluate: .*this model needs normalised rows"):
        evaluate(model, [[0.1, 0.2]], [1.0], loss="mse")
