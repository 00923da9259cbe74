"""Checks of exercise 8: hand-derived gradients vs loss.backward() on the same 2-2-1 network."""
import copy
import random

from autograd import Value

import nn

from ._tools import (Fail, case, expect_all_close, expect_close, grad_of, number, numbers_of,
                     show, show_pair)

# (name in the learner's dict, path into it, name of the same parameter in nn.MLP(2, [2, 1]))
_NAMES = [(f"w1[{j}][{i}]", ("w1", j, i), f"layers.0.neurons.{j}.w.{i}") for j in range(2)
          for i in range(2)] + [(f"b1[{j}]", ("b1", j), f"layers.0.neurons.{j}.b") for j in range(2)] \
    + [(f"w2[{j}]", ("w2", j), f"layers.1.neurons.0.w.{j}") for j in range(2)] \
    + [("b2", ("b2",), "layers.1.neurons.0.b")]

TIMEOUT_HINT = ("does train_by_hand end? It runs a fixed number of epochs over the four XOR "
                "samples; look for a loop whose counter never moves.")


def _get(d, path, what):
    try:
        for key in path:
            d = d[key]
    except (KeyError, IndexError, TypeError):
        raise Fail(f"{what}: a dict shaped like params, with {'['.join(map(str, path))}",
                   f"no {path[0]}{''.join(f'[{k}]' for k in path[1:])} in {show(d)}") from None
    return number(d, f"{what} {path[0]}{''.join(f'[{k}]' for k in path[1:])}")


def _random_params(rng, scale):
    u = lambda: round(rng.uniform(-scale, scale), 3)  # noqa: E731
    return {"w1": [[u(), u()], [u(), u()]], "b1": [u(), u()], "w2": [u(), u()], "b2": u()}


def _network(params):
    model = nn.MLP(2, [2, 1], activation=["sigmoid", "sigmoid"], init="zeros")
    named = dict(model.named_parameters())
    for _, path, name in _NAMES:
        named[name].data = _get(params, path, "params")
    return model, named


def _engine_loss(model, X, y):
    return 0.5 * sum(((model(x) - t) ** 2 for x, t in zip(X, y)), Value(0.0))


def _check_forward(learner, params, x):
    case(f"forward(params, x = {show(x)}) with params = {show(params)}")
    model, _ = _network(params)
    got = learner.forward(copy.deepcopy(params), x)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise Fail("a pair (h, out)", show(got))
    h = numbers_of(got[0], 2, "h, the two hidden outputs,")
    expect_all_close(h, [v.data for v in model.layers[0](x)], "h",
                     "h_j = sigmoid(w1[j][0] * x0 + w1[j][1] * x1 + b1[j])")
    expect_close(got[1], model(x).data, "out", "out = sigmoid(w2[0] * h0 + w2[1] * h1 + b2)")


def _check_gradients(learner, params, X, y, what):
    case(f"hand_gradients(params, X, y) on {what}, params = {show(params)}; "
         "L = 1/2 sum (t - out)**2")
    model, named = _network(params)
    _engine_loss(model, X, y).backward()
    got = learner.hand_gradients(copy.deepcopy(params), X, y)
    last_model, last_named = _network(params)
    _engine_loss(last_model, X[-1:], y[-1:]).backward()
    for label, path, name in _NAMES:
        g, expected = _get(got, path, "the gradients"), grad_of(named[name])
        if abs(g - expected) <= 1e-9 + 1e-7 * abs(expected):
            continue
        hint = "delta_out = (t - out) * out * (1 - out); delta_h[j] = delta_out * w2[j] * h[j] * (1 - h[j])"
        if abs(g + expected) <= 1e-9 + 1e-7 * abs(expected):
            hint = ("off by a sign: the classic update w += lr * x * delta steps downhill, so "
                    "the gradient is -x * delta.")
        elif abs(g - grad_of(last_named[name])) <= 1e-12:
            hint = "that is the last sample's gradient alone: add up (+=) over all the samples."
        elif len(X) > 1 and abs(g * len(X) - expected) <= 1e-9 + 1e-7 * abs(expected):
            hint = (f"that is the mean over the {len(X)} samples: L = 1/2 sum (t - out)**2 is a "
                    "sum, so add the samples' gradients up without dividing by their number.")
        shown_expected, shown_got = show_pair(expected, g)
        raise Fail(f"dL/d{label} = {shown_expected} (from loss.backward())", shown_got, hint)


def _check_training(learner, X, y):
    start = _random_params(random.Random(0), 1.0)
    case("train_by_hand(params, XOR, epochs=3, lr=2.0) vs 3 steps of gradient descent with "
         "chainrule's loss.backward()")
    got = learner.train_by_hand(copy.deepcopy(start), X, y, 3, 2.0)
    model, named = _network(start)
    for _ in range(3):
        model.zero_grad()
        _engine_loss(model, X, y).backward()
        for p in named.values():
            p.data -= 2.0 * grad_of(p)
    expect_all_close([_get(got, path, "the returned params") for _, path, _ in _NAMES],
                     [named[name].data for _, _, name in _NAMES],
                     "the parameters after 3 steps (w1, b1, w2, b2, flattened)",
                     "every step: all gradients first (old weights), then p -= lr * gradient")
    return start


def _check_accuracy(learner, start, X, y):
    Xv, yv = nn.make_xor(40, noise=0.15, seed=1)
    case("accuracy(random params, 40 noisy XOR points): the fraction classified right")
    params = _random_params(random.Random(3), 4.0)
    model, _ = _network(params)
    expected = sum((model(x).data > 0.5) == bool(t) for x, t in zip(Xv, yv)) / len(Xv)
    got = learner.accuracy(copy.deepcopy(params), Xv, yv)
    expect_close(got, expected, "the accuracy",
                 "a fraction: the number right divided by the number of samples"
                 if abs(number(got, "the accuracy") - expected * len(Xv)) < 1e-9 else "")
    case("train_by_hand(params, XOR, epochs=2000, lr=2.0), then accuracy on 40 noisy XOR "
         "validation points the network never saw")
    trained = learner.train_by_hand(copy.deepcopy(start), X, y, 2000, 2.0)
    model, _ = _network(trained)
    expected = sum((model(x).data > 0.5) == bool(t) for x, t in zip(Xv, yv)) / len(Xv)
    got = learner.accuracy(trained, Xv, yv)
    expect_close(got, expected, "the validation accuracy")
    if expected < 0.9:
        raise Fail("a validation accuracy of at least 0.9 after training", repr(expected))


def run(learner):
    rng = random.Random(9)
    X, y = nn.make_xor()
    for scale in (1.0, 4.0):
        params = _random_params(rng, scale)
        for x in X + [[0.3, -1.7]]:
            _check_forward(learner, params, x)
    noisy_X, noisy_y = nn.make_xor(12, noise=0.3, seed=2)
    for scale in (1.0, 1.0, 4.0):
        _check_gradients(learner, _random_params(rng, scale), X, y, "the 4 XOR points")
    _check_gradients(learner, _random_params(rng, 2.0), noisy_X, noisy_y, "12 noisy XOR points")
    start = _check_training(learner, X, y)
    _check_accuracy(learner, start, X, y)
