"""A regression model measured as a practitioner measures it: no accuracy made up for real-valued targets."""
from nn import MLP, evaluate, fit, make_curve


def test_evaluate_without_a_loss_gives_no_accuracy_for_regression_targets():
    X, y = make_curve(40, noise=0.1, seed=0)            # targets sin(x) + noise: real numbers
    model = MLP(1, [8, 1], activation="tanh", seed=0)
    fit(model, X, y, "mse", epochs=2, batch_size=10, seed=0, verbose=False)
    # it was an 'accuracy' of sign(output) against sign(target), a number with no meaning
    assert evaluate(model, X, y) == {"loss": None, "accuracy": None}
    assert evaluate(model, X, y, loss="mse")["accuracy"] is None  # as with the loss named


def test_evaluate_without_a_loss_still_scores_labels():
    model = MLP(1, [1], activation="linear", init="zeros", seed=0)   # output 0.0: never positive
    assert evaluate(model, [[1.0], [2.0], [3.0], [4.0]], [0, 1, 0, 0]) == {"loss": None, "accuracy": 0.75}
    assert evaluate(model, [[1.0], [2.0]], [-1, 1]) == {"loss": None, "accuracy": 0.5}
