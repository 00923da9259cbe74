"""`fit` checks NumPy scalar targets (float32, float16) for NaN and inf before its first step,
as it does Python floats: a float32 NaN slipped through to a NaN loss in step 1."""
import math

import pytest

from nn import MLP, fit

np = pytest.importorskip("numpy")


@pytest.mark.parametrize("bad", [np.float32("nan"), np.float16("inf"), np.float32("-inf")])
def test_fit_names_a_numpy_target_that_is_not_finite(bad):
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match="target 1 is"):
        fit(model, [[1.0, 0.0], [0.0, 1.0]], [0.5, bad], "mse", epochs=1, verbose=False)
    assert model.state_dict() == before


def test_fit_still_takes_numpy_targets_that_are_finite():
    model = MLP(2, [3, 1], seed=0)
    history = fit(model, [[1.0, 0.0], [0.0, 1.0]], [np.float32(0.5), np.float16(1.0)], "mse",
                  epochs=1, verbose=False)
    assert math.isfinite(history[0].loss)
