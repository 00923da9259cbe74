"""`fit` with an optimizer made for another model, or a schedule bound to another optimizer:
a ValueError before anything changes (it trained nothing, or never applied the schedule)."""
import json

import pytest

from nn import SGD, MLP, Adam, StepLR, fit, make_xor

X, Y = make_xor(8, seed=0)


def _state(model, *optimizers):
    return model.state_dict(), [json.dumps(o.state_dict()) for o in optimizers]


def test_an_optimizer_of_another_model_is_refused():
    model, other = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=1)
    opt = SGD(other.parameters(), lr=0.1)
    before = _state(model, opt)
    with pytest.raises(ValueError, match="none of the model's parameters"):
        fit(model, X, Y, "mse", optimizer=opt, epochs=1, verbose=False)
    assert _state(model, opt) == before


@pytest.mark.parametrize("given", [True, False])
def test_a_schedule_of_another_optimizer_is_refused(given):
    model = MLP(2, [3, 1], seed=0)
    opt, elsewhere = SGD(model.parameters(), lr=0.1), SGD(model.parameters(), lr=0.1)
    scheduler = StepLR(elsewhere, step_size=1, gamma=0.5)
    before = _state(model, opt, elsewhere)
    with pytest.raises(ValueError, match="scheduler changes the lr of another optimizer"):
        fit(model, X, Y, "mse", optimizer=opt if given else None, scheduler=scheduler, epochs=1, verbose=False)
    assert _state(model, opt, elsewhere) == before


def test_part_of_the_model_and_its_own_schedule_still_train():
    model = MLP(2, [3, 1], seed=0)
    opt = Adam(model.layers[1].parameters(), lr=0.1)  # only the last layer: fine-tuning
    history = fit(model, X, Y, "mse", optimizer=opt, scheduler=StepLR(opt, 1, 0.5), epochs=2, verbose=False)
    assert [h.lr for h in history] == [0.1, 0.05] and opt.lr == 0.025


@pytest.mark.parametrize("backend", ["python", pytest.param("numpy", marks=pytest.mark.skipif(
    __import__("importlib").util.find_spec("numpy") is None, reason="needs NumPy"))])
def test_a_training_block_with_an_optimizer_of_another_model_is_refused(backend):
    import autograd
    from nn import mse_loss
    model, other = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=1)
    step = autograd.compile(lambda xb, yb: mse_loss([model(x) for x in xb], yb), model.parameters(),
                            backend=backend)
    opt = SGD(other.parameters(), lr=0.1)
    before = _state(model, opt)
    with pytest.raises(ValueError, match="none of this step's parameters"):
        step.training(opt)
    assert _state(model, opt) == before
