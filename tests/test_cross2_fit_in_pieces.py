"""fit one epoch at a time with a shared random.Random (docs/nn.md's early stopping): the same
epochs as one call, bit for bit without compile, to 1e-12 with compile=True (each call
traces again, from the batches it meets first)."""
import random

import pytest

from nn import MLP, Adam, StepLR, fit, make_moons


def run(pieces, compile):
    X, y = make_moons(60, noise=0.1, seed=0)
    model = MLP(2, [8, 1], seed=0)
    optimizer = Adam(model.parameters(), lr=0.05)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.9)
    rng = random.Random(0)
    for epochs in pieces:
        fit(model, X, y, "hinge", optimizer, epochs=epochs, batch_size=10, scheduler=scheduler, seed=rng,
            verbose=False, compile=compile)
    moments = [x for s in optimizer.state_dict()["state"] for x in (s["exp_avg"], s["exp_avg_sq"])]
    return list(model.state_dict().values()), moments


def test_epoch_by_epoch_is_one_call_bit_for_bit_without_compile():
    assert run([1, 1, 1], compile=False) == run([3], compile=False)


def test_epoch_by_epoch_is_one_call_to_1e_12_with_compile():
    (params, moments), (params1, moments1) = run([1, 1, 1], compile=True), run([3], compile=True)
    assert params == pytest.approx(params1, rel=1e-12, abs=1e-15)
    assert moments == pytest.approx(moments1, rel=1e-12, abs=1e-15)
