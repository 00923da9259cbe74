"""Adam/AdamW with eps=0 is refused when made: a zero (or underflowing) gradient then divides
0 by 0, and step() stopped with ZeroDivisionError halfway, some parameters and moments updated."""
import json

import pytest

from autograd import Value
from nn import Adam, AdamW


@pytest.mark.parametrize("cls", [Adam, AdamW])
def test_eps_zero_is_refused(cls):
    with pytest.raises(ValueError, match="eps must be > 0"):
        cls([Value(1.0)], lr=0.1, eps=0.0)


@pytest.mark.parametrize("cls", [Adam, AdamW])
def test_a_state_dict_with_eps_zero_is_refused_and_changes_nothing(cls):
    params = [Value(1.0), Value(2.0)]
    opt = cls(params, lr=0.1)
    for p in params:
        p.grad = 0.5
    opt.step()
    state = opt.state_dict()
    with pytest.raises(ValueError, match="eps must be > 0"):
        opt.load_state_dict(json.loads(json.dumps({**state, "eps": 0.0})))
    assert opt.state_dict() == state


def test_a_zero_gradient_with_a_small_eps_steps_every_parameter():
    params = [Value(1.0), Value(2.0), Value(3.0)]
    opt = Adam(params, lr=0.1, eps=1e-300)
    for p, g in zip(params, [0.5, 0.0, 1e-170]):  # 0.0 and 1e-170 ** 2 give v == 0
        p.grad = g
    opt.step()
    assert [opt.state[p]["step"] for p in params] == [1, 1, 1]
    assert params[1].data == 2.0
