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


def test_an_optimizer_of_another_make_is_not_read():
    X, y = make_moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)

    class Grouped(SGD):                      # parameter groups, as a PyTorch-style wrapper keeps them
        def __init__(self, params, lr):
            super().__init__(params, lr=lr)
            self.params_of_groups, self.params = self.params, [{"params": self.params}]

        def step(self):
            self.params, held = self.params_of_groups, self.params
            super().step()
            self.params = held

        def zero_grad(self, set_to_none=False):
            for p in self.params_of_groups:
                p.grad = 0.0

    before = model.state_dict()
    fit(model, X, y, "hinge", Grouped(model.parameters(), lr=0.1), epochs=1, verbose=False)
    assert model.state_dict() != before
