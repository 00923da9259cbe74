"""Targets shaped as a practitioner's arrays often are: a column (n, 1) for a model of one output."""
import pytest

from nn import MLP, fit, make_moons, mse_loss


@pytest.mark.parametrize("loss", ["mse", "bce_with_logits", "hinge"])
def test_a_column_of_targets_says_to_flatten_it(loss):
    X, y = make_moons(20, seed=0)
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(TypeError, match=r"got list: \[\d\]; y is a column of one-number rows: flatten it"):
        fit(model, X, [[t] for t in y], loss, epochs=1, verbose=False)
    assert model.state_dict() == before


def test_a_column_of_targets_from_numpy_says_the_same():
    np = pytest.importorskip("numpy")
    X, y = make_moons(20, seed=0)
    with pytest.raises(TypeError, match="flatten it"):
        fit(MLP(2, [3, 1], seed=0), X, np.asarray(y).reshape(-1, 1), "mse", epochs=1, verbose=False)


def test_other_bad_targets_get_no_such_hint():
    from autograd import Value
    with pytest.raises(TypeError, match=r"got str: 'a'$"):
        mse_loss([Value(0.0)], ["a"])


def test_cross_entropy_on_a_model_of_one_output_says_so():
    X, y = make_moons(20, seed=0)
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match=r"got one Value per sample: a model of one output has no classes"):
        fit(model, X, y, "cross_entropy", epochs=1, verbose=False)
