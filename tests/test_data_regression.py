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


def test_compiled_fit_on_whole_number_regression_targets_compiles_once():
    import random
    import warnings
    rng = random.Random(0)
    X = [[rng.uniform(0, 1), rng.uniform(0, 1)] for _ in range(96)]
    y = [int(1000 + 3000 * a + 500 * b) for a, b in X]   # prices in whole units: load_csv makes them ints
    backends = ["python"] + (["numpy"] if _has_numpy() else [])
    reference = MLP(2, [4, 1], seed=0)
    fit(reference, X, y, "mse", epochs=2, batch_size=32, seed=0, verbose=False)
    for backend in backends:
        model = MLP(2, [4, 1], seed=0)
        with warnings.catch_warnings():
            # each target value was a kind of sample with code of its own: a RuntimeWarning
            # ("96 kinds of sample") and a trace for every batch
            warnings.simplefilter("error", RuntimeWarning)
            fit(model, X, y, "mse", epochs=2, batch_size=32, seed=0, verbose=False, compile=True, backend=backend)
        assert all(abs(p.data - q.data) <= 1e-12 * max(1.0, abs(q.data))
                   for p, q in zip(model.parameters(), reference.parameters()))


def _has_numpy():
    import importlib.util
    return importlib.util.find_spec("numpy") is not None
