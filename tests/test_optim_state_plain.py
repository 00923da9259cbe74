"""An optimizer's state_dict is plain JSON-able data, whatever number types the parameters hold."""
import json

import pytest

import nn

np = pytest.importorskip("numpy")


@pytest.mark.parametrize("make", [lambda p: nn.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01),
                                  lambda p: nn.Adam(p, lr=0.01, weight_decay=0.1),
                                  lambda p: nn.AdamW(p, lr=0.01)], ids=["sgd", "adam", "adamw"])
def test_state_dict_of_parameters_holding_numpy_floats_is_json(make):
    model = nn.MLP(2, [2, 1], seed=0)
    for p in model.parameters():
        p.data = np.float32(p.data)
    opt = make(model.parameters())
    for _ in range(2):
        opt.zero_grad()
        nn.mse_loss([model(x) for x in [[1.0, 2.0], [0.5, -1.0]]], [1.0, 0.0]).backward()
        opt.step()
    state = opt.state_dict()
    again = json.loads(json.dumps(state))
    assert again["state"] == state["state"] and all(type(x) in (int, float) for s in state["state"] for x in s.values())
    assert [s for s in state["state"]] == [{k: float(x) if k != "step" else x for k, x in opt.state[p].items()}
                                           for p in opt.params]
    fresh = make(model.parameters())
    fresh.load_state_dict(again)  # and it loads back
    assert fresh.state_dict() == state


def test_a_grad_past_the_float_range_is_named_and_nothing_moves():
    from autograd import Value
    p, q = Value(1.0), Value(2.0)
    p.grad, q.grad = 1.0, 10 ** 400
    for call in (lambda: nn.SGD([p, q], lr=0.1).step(), lambda: nn.clip_grad_norm_([p, q], 1.0),
                 lambda: nn.clip_grad_value_([p, q], 1.0)):
        with pytest.raises(OverflowError, match=r"params?\w*\[1\]\.grad: 1000.* is too large for a float"):
            call()
        assert (p.data, q.data, p.grad, q.grad) == (1.0, 2.0, 1.0, 10 ** 400)
