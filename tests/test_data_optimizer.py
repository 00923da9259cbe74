"""fit with an optimizer made for another model: refused, not a run whose loss never moves."""
import pytest

from nn import MLP, SGD, Adam, fit, make_moons


def test_an_optimizer_of_another_model_is_refused():
    X, y = make_moons(20, seed=0)
    old = MLP(2, [4, 1], seed=0)
    optimizer = Adam(old.parameters(), lr=0.1)
    model = MLP(2, [4, 1], seed=1)           # built again after the optimizer: a common slip
    before = (model.state_dict(), old.state_dict())
    with pytest.raises(ValueError, match=r"^fit: the optimizer holds none of the model.s parameters"):
        fit(model, X, y, "hinge", optimizer, epochs=2, verbose=False)
    assert (model.state_dict(), old.state_dict()) == before


def test_an_optimizer_of_some_of_the_parameters_still_trains_them():
    X, y = make_moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    last = model.layers[-1].parameters()     # fine-tuning the last layer alone
    first = [p.data for p in model.layers[0].parameters()]
    fit(model, X, y, "hinge", SGD(last, lr=0.1), epochs=2, verbose=False)
    assert [p.data for p in model.layers[0].parameters()] == first
