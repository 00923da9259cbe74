"""Tests for nn.optim: SGD and Adam updates against hand-computed values, state dicts, errors.

(The same rules are checked against torch.optim in test_nn_torch.py when PyTorch is installed.)
"""
import json
import math

import pytest

from autograd import Value
from nn import MLP, SGD, Adam, AdamW, mse_loss


def _param(data, grad):
    p = Value(data)
    p.grad = grad
    return p


def test_sgd_plain_step():
    p, q = _param(1.0, 0.5), _param(-2.0, -1.0)
    SGD([p, q], lr=0.1).step()
    assert (p.data, q.data) == (pytest.approx(0.95), pytest.approx(-1.9))


def test_sgd_weight_decay_adds_to_the_gradient():
    p = _param(2.0, 0.5)
    SGD([p], lr=0.1, weight_decay=0.01).step()
    assert p.data == pytest.approx(2.0 - 0.1 * (0.5 + 0.01 * 2.0))


def test_sgd_momentum_by_hand():
    p = _param(1.0, 1.0)
    opt = SGD([p], lr=0.1, momentum=0.9)
    opt.step()  # buf = g = 1
    assert p.data == pytest.approx(0.9)
    p.grad = 0.5
    opt.step()  # buf = 0.9 * 1 + 0.5 = 1.4
    assert p.data == pytest.approx(0.9 - 0.14)


def test_sgd_nesterov_and_dampening_by_hand():
    p = _param(1.0, 1.0)
    opt = SGD([p], lr=0.1, momentum=0.9, nesterov=True)
    opt.step()  # buf = 1; step g + 0.9 buf = 1.9
    assert p.data == pytest.approx(1.0 - 0.19)
    p.grad = 0.5
    opt.step()  # buf = 1.4; step 0.5 + 1.26 = 1.76
    assert p.data == pytest.approx(0.81 - 0.176)
    q = _param(0.0, 1.0)
    damp = SGD([q], lr=1.0, momentum=0.5, dampening=0.5)
    damp.step()  # first step: buf = g (no dampening), as PyTorch
    damp.step()  # buf = 0.5 * 1 + 0.5 * 1 = 1
    assert q.data == pytest.approx(-2.0)


def test_adam_two_steps_by_hand():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    p = _param(1.0, 0.5)
    opt = Adam([p], lr=lr)
    opt.step()
    m, v = (1 - b1) * 0.5, (1 - b2) * 0.25
    expected = 1.0 - lr / (1 - b1) * m / (math.sqrt(v) / math.sqrt(1 - b2) + eps)
    assert p.data == pytest.approx(expected, rel=1e-14)
    p.grad = -0.2
    opt.step()
    m, v = b1 * m + (1 - b1) * -0.2, b2 * v + (1 - b2) * 0.04
    expected -= lr / (1 - b1 ** 2) * m / (math.sqrt(v) / math.sqrt(1 - b2 ** 2) + eps)
    assert p.data == pytest.approx(expected, rel=1e-14)
    assert opt.steps == 2


def test_adam_weight_decay_is_l2_added_to_the_gradient():
    p = _param(2.0, 0.0)
    Adam([p], lr=0.1, weight_decay=0.5).step()  # g = 1.0: the first step moves by ~lr
    assert p.data == pytest.approx(1.9, rel=1e-6)


def test_zero_grad_and_training_reduces_the_loss():
    model = MLP(1, [4, 1], activation="tanh", seed=0)
    X, y = [[-1.0], [0.0], [1.0]], [1.0, 0.0, 1.0]
    for opt in (SGD(model.parameters(), lr=0.1, momentum=0.9), Adam(model.parameters(), lr=0.05)):
        losses = []
        for _ in range(30):
            opt.zero_grad()
            assert all(p.grad == 0.0 for p in model.parameters())
            loss = mse_loss([model(x) for x in X], y)
            loss.backward()
            opt.step()
            losses.append(loss.data)
        assert losses[-1] < 0.5 * losses[0]


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
                                  lambda ps: Adam(ps, lr=0.05, betas=(0.8, 0.99), weight_decay=0.01)])
def test_state_dict_round_trip_through_json_resumes_identically(make):
    a, b = [_param(1.0, 0.0), _param(-1.0, 0.0)], [_param(1.0, 0.0), _param(-1.0, 0.0)]
    opt_a, opt_b = make(a), make(b)
    for step in range(3):
        for p, q in zip(a, b):
            p.grad = q.grad = 0.3 * step - p.data
        opt_a.step()
        opt_b.step()
    saved = json.loads(json.dumps(opt_a.state_dict()))
    opt_c = make([_param(p.data, 0.0) for p in a])
    opt_c.lr = 123.0
    opt_c.load_state_dict(saved)
    assert opt_c.lr == opt_a.lr and opt_c.steps == 3
    for p, q in zip(opt_a.params, opt_c.params):
        p.grad = q.grad = 0.7
    opt_a.step()
    opt_c.step()
    assert [p.data for p in opt_a.params] == [q.data for q in opt_c.params]


def test_load_state_dict_rejects_bad_input_and_changes_nothing():
    opt = Adam([_param(1.0, 0.5)], lr=0.1)
    opt.step()
    good = opt.state_dict()
    for bad in [{**good, "type": "SGD"}, {**good, "lr": -1.0}, {**good, "state": {"exp_avg": [1.0]}},
                {**good, "state": {"exp_avg": [1.0, 2.0], "exp_avg_sq": [1.0, 2.0]}},
                {k: v for k, v in good.items() if k != "eps"}, {**good, "steps": -1}, [1, 2]]:
        with pytest.raises((ValueError, TypeError)):
            opt.load_state_dict(bad)
        assert opt.state_dict() == good


@pytest.mark.parametrize("make, error, match", [
    (lambda: SGD([], lr=0.1), ValueError, "empty parameter list"),
    (lambda: SGD(Value(1.0), lr=0.1), TypeError, "single Value"),
    (lambda: SGD([1.0], lr=0.1), TypeError, "not a Value"),
    (lambda: SGD([Value(1.0)] * 2, lr=0.1), ValueError, "more than once"),
    (lambda: SGD([Value(1.0)], lr=-0.1), ValueError, "lr must be >= 0"),
    (lambda: SGD([Value(1.0)], lr="0.1"), TypeError, "lr"),
    (lambda: SGD([Value(1.0)], lr=0.1, nesterov=True), ValueError, "nesterov"),
    (lambda: SGD([Value(1.0)], lr=0.1, momentum=-1), ValueError, "momentum"),
    (lambda: Adam([Value(1.0)], betas=(0.9, 1.0)), ValueError, "betas"),
    (lambda: Adam([Value(1.0)], betas=0.9), ValueError, "pair"),
    (lambda: Adam([Value(1.0)], eps=-1e-8), ValueError, "eps"),
    (lambda: Adam([Value(1.0)], lr=float("nan")), ValueError, "lr"),  # a float of the wrong value
])
def test_bad_hyperparameters(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_repr_lists_hyperparameters():
    assert repr(SGD([Value(1.0)], lr=0.5)) == (
        "SGD(1 parameters, lr=0.5, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False)")


def test_passing_the_model_instead_of_its_parameters_says_so():
    with pytest.raises(TypeError, match=r"MLP\.parameters\(\)"):
        SGD(MLP(2, [1], seed=0), lr=0.1)


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1), lambda ps: SGD(ps, lr=0.1, momentum=0.9),
                                  lambda ps: Adam(ps, lr=0.1)], ids=["sgd", "momentum", "adam"])
@pytest.mark.parametrize("bad", ["0.5", [0.5], Value(0.5), True], ids=["str", "list", "Value", "bool"])
def test_a_bad_grad_anywhere_fails_the_step_before_anything_moves(make, bad):
    ps = [Value(1.0), Value(2.0), Value(3.0)]
    opt = make(ps)
    ps[0].grad, ps[1].grad, ps[2].grad = 0.5, bad, 0.25
    before = json.dumps(opt.state_dict())
    with pytest.raises(TypeError, match=r"step: params\[1\]\.grad must be a number"):
        opt.step()
    assert [p.data for p in ps] == [1.0, 2.0, 3.0]
    assert json.dumps(opt.state_dict()) == before


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1), lambda ps: SGD(ps, lr=0.1, momentum=0.9),
                                  lambda ps: Adam(ps, lr=0.1), lambda ps: AdamW(ps, lr=0.1)],
                         ids=["sgd", "momentum", "adam", "adamw"])
@pytest.mark.parametrize("bad", ["x", None, Value(2.0), True], ids=["str", "None", "Value", "bool"])
def test_a_bad_data_anywhere_fails_the_step_before_anything_moves(make, bad):
    ps = [Value(1.0), Value(2.0), Value(3.0)]
    opt = make(ps)
    ps[0].grad, ps[1].grad, ps[2].grad = 0.5, 0.5, 0.25
    ps[1].data = bad
    before = json.dumps(opt.state_dict())
    with pytest.raises(TypeError, match=r"step: params\[1\]\.data must be a real number"):
        opt.step()
    assert (ps[0].data, ps[1].data, ps[2].data) == (1.0, bad, 3.0)
    assert json.dumps(opt.state_dict()) == before


def test_a_numpy_or_int_grad_steps_as_its_float():
    np = pytest.importorskip("numpy")
    a, b = Value(1.0), Value(1.0)
    a.grad, b.grad = np.float64(0.5), 1
    SGD([a, b], lr=0.1).step()
    assert (type(a.data), a.data, b.data) == (float, 1.0 - 0.1 * 0.5, 1.0 - 0.1 * 1.0)


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.1)],
                         ids=["momentum", "adam"])
@pytest.mark.parametrize("lr, error", [("0.1", TypeError), (None, TypeError), (Value(0.1), TypeError),
                                       (math.nan, ValueError), (-0.1, ValueError)])
def test_a_bad_lr_set_after_construction_fails_the_step_before_anything_moves(make, lr, error):
    p = Value(1.0)
    opt = make([p])
    p.grad, opt.lr = 0.5, lr
    before = json.dumps({k: v for k, v in opt.state_dict().items() if k != "lr"})
    with pytest.raises(error, match=r"step: lr must be"):
        opt.step()
    assert p.data == 1.0 and json.dumps({k: v for k, v in opt.state_dict().items() if k != "lr"}) == before
