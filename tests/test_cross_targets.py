"""One-hot target rows that name no class (NaN in them, or no largest entry) are refused by
accuracy, evaluate and fit, as a class index out of range is, instead of scored as class 0."""
import pytest

import nn

X = [[0.1, 0.2], [0.3, -0.1]]


@pytest.mark.parametrize("row", [[float("nan"), 0.0, 1.0], [0.0, float("nan"), 1.0], [0.0, 0.0, 0.0], [0.5, 0.5, 0.5]])
@pytest.mark.parametrize("compile", [False, True])
def test_a_row_naming_no_class_is_refused(row, compile):
    model = nn.MLP(2, [3], seed=0)
    y = [row, [1.0, 0.0, 0.0]]
    for who, score in (("accuracy", nn.accuracy), ("evaluate", nn.evaluate)):
        with pytest.raises(ValueError, match=rf"{who}: y\[0\] = .* is no class of a model with 3 outputs"):
            score(model, X, y, compile=compile)
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match=r"fit: y\[0\]"):
        nn.fit(model, X, y, "mse", epochs=1, verbose=False, compile=compile)
    assert [p.data for p in model.parameters()] == before


def test_a_row_with_a_largest_entry_is_its_class():
    model = nn.MLP(2, [3], seed=0)
    predicted = [out.index(max(out)) for out in ([v.data for v in model(x)] for x in X)]
    rows = [[0.2 if k == c else 0.1 for k in range(3)] for c in predicted]  # a probability row, largest at c
    assert nn.accuracy(model, X, rows) == 1.0
    ties = [[0.4, 0.4, 0.2] for _ in X]  # first largest, as argmax
    assert nn.accuracy(model, X, ties) == sum(c == 0 for c in predicted) / len(X)
