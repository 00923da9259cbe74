"""evaluate, accuracy and predict on rows with a missing value (NaN, inf): refused by row and
column, as fit refuses them, not scored as class 0."""
import math

import pytest

from nn import MLP, accuracy, evaluate, predict

ROWS = [[1.0, 2.0, 3.0]] * 5


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("nouts", [1, 3])
@pytest.mark.parametrize("compile", [False, True])
def test_a_missing_value_is_named_not_scored(bad, nouts, compile):
    model = MLP(3, [4, nouts], seed=0)
    X = ROWS[:3] + [[1.0, bad, 3.0]] + ROWS[3:]
    y = [0] * len(X)
    where = rf"row 3, column 1 is {bad}; the data must be finite numbers"
    with pytest.raises(ValueError, match=r"^evaluate: X: " + where):
        evaluate(model, X, y, compile=compile)
    with pytest.raises(ValueError, match=r"^accuracy: X: " + where):
        accuracy(model, X, y, compile=compile)
    with pytest.raises(ValueError, match=r"^predict: X: " + where):
        predict(model, X, compile=compile)


def test_finite_rows_still_measured():
    model = MLP(3, [4, 3], seed=0)
    assert predict(model, ROWS) == [predict(model, [r])[0] for r in ROWS]
    assert evaluate(model, ROWS, [0] * 5)["accuracy"] == accuracy(model, ROWS, [0] * 5)
