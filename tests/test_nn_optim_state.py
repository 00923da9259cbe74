"""Per-parameter optimizer state, as torch.optim keeps it: a parameter whose `.grad` is None is
skipped (state untouched), so one that first gets a gradient late starts its own count.

The reference here is the update rule written out per parameter in float64, independently of
nn/optim.py; test_nn_torch.py checks the same cases against torch.optim.
"""
import json
import math

import pytest

from autograd import Value
from nn import SGD, Adam, AdamW

# Gradients per step for three parameters; None: left out of that step's loss.
GRADS = [[0.5, None, -1.0], [-0.25, None, 0.75], [1.5, 2.0, None], [0.1, -0.3, 0.2], [None, 0.4, -0.6]]
START = [1.0, -0.5, 2.0]


def reference_sgd(lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    p, buf = list(START), [None] * len(START)
    for grads in GRADS:
        for i, g in enumerate(grads):
            if g is None:
                continue
            g = g + weight_decay * p[i]
            if momentum:
                buf[i] = g if buf[i] is None else momentum * buf[i] + (1 - dampening) * g
                g = g + momentum * buf[i] if nesterov else buf[i]
            p[i] -= lr * g
    return p


def reference_adam(lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled=False):
    b1, b2 = betas
    p, m, v, t = list(START), [0.0] * 3, [0.0] * 3, [0] * 3
    for grads in GRADS:
        for i, g in enumerate(grads):
            if g is None:
                continue
            if decoupled:
                p[i] *= 1 - lr * weight_decay  # AdamW: p shrinks, the gradient is left alone
            else:
                g = g + weight_decay * p[i]
            t[i] += 1
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            m_hat, v_hat = m[i] / (1 - b1 ** t[i]), v[i] / (1 - b2 ** t[i])
            p[i] -= lr * m_hat / (math.sqrt(v_hat) + eps)
    return p, t


def run(opt, params, grads=GRADS):
    for step in grads:
        for p, g in zip(params, step):
            p.grad = g
        opt.step()
    return [p.data for p in params]


SGD_SETTINGS = [dict(lr=0.1), dict(lr=0.1, momentum=0.9), dict(lr=0.1, momentum=0.9, dampening=0.3),
                dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)]
ADAM_SETTINGS = [dict(lr=0.1), dict(lr=0.05, betas=(0.8, 0.95), eps=1e-3, weight_decay=0.1)]


@pytest.mark.parametrize("kwargs", SGD_SETTINGS)
def test_sgd_late_gradients_follow_the_per_parameter_rule(kwargs):
    params = [Value(x) for x in START]
    assert run(SGD(params, **kwargs), params) == pytest.approx(reference_sgd(**kwargs), rel=1e-14, abs=1e-15)


@pytest.mark.parametrize("decoupled", [False, True], ids=["Adam", "AdamW"])
@pytest.mark.parametrize("kwargs", ADAM_SETTINGS)
def test_adam_late_gradients_get_their_own_bias_correction(kwargs, decoupled):
    params = [Value(x) for x in START]
    opt = (AdamW if decoupled else Adam)(params, **kwargs)
    defaults = {"weight_decay": 1e-2} if decoupled else {}  # AdamW's default, as torch.optim.AdamW's
    expected, counts = reference_adam(**{**defaults, **kwargs}, decoupled=decoupled)
    assert run(opt, params) == pytest.approx(expected, rel=1e-14, abs=1e-15)
    assert [opt.state[p]["step"] for p in params] == counts == [4, 3, 4]
    assert opt.steps == len(GRADS)


def test_a_skipped_parameter_has_no_state_and_does_not_move():
    params = [Value(x) for x in START]
    for opt in (SGD(params, lr=0.1, momentum=0.9), Adam(params, lr=0.1)):
        run(opt, params, GRADS[:2])
        assert params[1] not in opt.state and params[1].data == START[1]
        assert opt.state_dict()["state"][1] == {}


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9, dampening=0.2),
                                  lambda ps: Adam(ps, lr=0.1, betas=(0.8, 0.99))], ids=["sgd", "adam"])
def test_state_dict_carries_per_parameter_state_through_json(make):
    a, b = [Value(x) for x in START], [Value(x) for x in START]
    opt_a = make(a)
    run(opt_a, a, GRADS[:3])  # parameter 1 has stepped once, the others twice
    opt_b = make(b)
    for p, q in zip(a, b):
        q.data = p.data
    opt_b.load_state_dict(json.loads(json.dumps(opt_a.state_dict())))
    assert run(opt_a, a, GRADS[3:]) == run(opt_b, b, GRADS[3:])


def test_an_old_format_state_dict_resumes_as_that_version_did():
    """Before per-parameter state: one list per buffer and the optimizer's count for all."""
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    old = {"type": "Adam", "steps": 3, "lr": lr, "betas": [b1, b2], "eps": eps, "weight_decay": 0.0,
           "state": {"exp_avg": [0.2, 0.0], "exp_avg_sq": [0.04, 0.0]}}
    params = [Value(1.0), Value(2.0)]
    opt = Adam(params, lr=1.0)
    opt.load_state_dict(old)
    assert opt.steps == 3 and [opt.state[p]["step"] for p in params] == [3, 3]
    run(opt, params, [[0.5, -1.0]])
    for p, start, m, v, g in zip(params, [1.0, 2.0], [0.2, 0.0], [0.04, 0.0], [0.5, -1.0]):
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        assert p.data == pytest.approx(start - lr * (m / (1 - b1 ** 4)) / (math.sqrt(v / (1 - b2 ** 4)) + eps),
                                       rel=1e-14)
    sgd = SGD([Value(1.0)], lr=0.1, momentum=0.5)
    sgd.load_state_dict({"type": "SGD", "steps": 1, "lr": 0.1, "momentum": 0.5, "dampening": 0.0,
                         "weight_decay": 0.0, "nesterov": False, "state": {"momentum_buffer": [2.0]}})
    assert sgd.state[sgd.params[0]] == {"momentum_buffer": 2.0}
    fresh = SGD([Value(1.0)], lr=0.1, momentum=0.5)
    fresh.load_state_dict({**sgd.state_dict(), "state": {"momentum_buffer": None}})
    assert fresh.state == {}


@pytest.mark.parametrize("state, match", [
    ([{}], r"list of 2 dicts"),
    ([{}, {"step": 1, "exp_avg": 0.1}], r"\['state'\]\[1\] must be \{\}"),
    ([{}, {"step": 0, "exp_avg": 0.1, "exp_avg_sq": 0.1}], r"\['state'\]\[1\]\['step'\] must be a positive int"),
    ([{}, {"step": 1, "exp_avg": math.nan, "exp_avg_sq": 0.1}], r"\['exp_avg'\] must be a finite number"),
    ({"exp_avg": None}, r"or the older form"),
])
def test_a_bad_per_parameter_state_is_refused_and_changes_nothing(state, match):
    params = [Value(1.0), Value(2.0)]
    opt = Adam(params, lr=0.1)
    run(opt, params, GRADS[:1])
    before = json.dumps(opt.state_dict())
    with pytest.raises(ValueError, match=match):
        opt.load_state_dict({**opt.state_dict(), "state": state})
    assert json.dumps(opt.state_dict()) == before


def test_state_reads_as_torchs_for_a_parameter_not_updated_yet():
    p, q = Value(1.0), Value(2.0)
    opt = Adam([p, q], lr=0.1)
    assert opt.state[q] == {}  # as torch.optim's defaultdict: no KeyError
    p.grad, q.grad = 0.5, None
    opt.step()
    assert opt.state[q] == {} and opt.state_dict()["state"][1] == {}
    assert opt.state[p] == {"step": 1, "exp_avg": pytest.approx(0.05), "exp_avg_sq": pytest.approx(0.00025)}
