"""nn.init against torch.nn.init: the same arguments mean the same thing."""
import inspect

import pytest

from nn import init

torch = pytest.importorskip("torch")

_NAMES = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
          "sigmoid", "tanh", "relu", "leaky_relu", "selu"]


@pytest.mark.parametrize("name", _NAMES)
@pytest.mark.parametrize("param", [None, 0.2, 0, 1, 3, -0.5])
def test_calculate_gain_takes_torchs_param(name, param):
    """calculate_gain('leaky_relu', 0.2) is the gain of slope 0.2 (it gave slope 0.01's: the
    second argument was the name used in error messages); other names ignore param."""
    assert init.calculate_gain(name, param) == pytest.approx(torch.nn.init.calculate_gain(name, param), rel=1e-15)
    assert init.calculate_gain(name, param=param) == pytest.approx(torch.nn.init.calculate_gain(name, param=param),
                                                                   rel=1e-15)


@pytest.mark.parametrize("param", ["0.2", True, float("nan")])
def test_calculate_gain_refuses_a_slope_that_is_no_number(param):
    with pytest.raises(ValueError, match="calculate_gain: param"):
        init.calculate_gain("leaky_relu", param)
    if not isinstance(param, float):  # PyTorch takes nan; it refuses the others
        with pytest.raises(ValueError):
            torch.nn.init.calculate_gain("leaky_relu", param)


def test_calculate_gain_has_torchs_signature():
    mine = list(inspect.signature(init.calculate_gain).parameters)[:2]
    assert mine == list(inspect.signature(torch.nn.init.calculate_gain).parameters)


def test_kaiming_leaky_relu_is_slope_001_here_and_a_0_in_torch():
    """docs/pytorch.md: the gains differ by 5e-5; with the slope named they agree."""
    import math

    from autograd import Value
    values = [Value(0.0) for _ in range(4)]
    bound = max(abs(v.data) for v in init.kaiming_uniform_(values, 3, "leaky_relu(0.2)", seed=0))
    assert bound <= init.calculate_gain("leaky_relu", 0.2) * math.sqrt(3 / 3)
    assert init.calculate_gain("leaky_relu") == torch.nn.init.calculate_gain("leaky_relu")  # slope 0.01
    assert torch.nn.init.calculate_gain("leaky_relu", 0) == math.sqrt(2)  # what kaiming_* use, a=0
