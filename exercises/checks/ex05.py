"""Checks of exercise 5: init statistics, then outputs and gradients against chainrule's nn.MLP."""
import math
import random
import statistics

from autograd import Value

import nn

from ._tools import (Fail, case, expect_all_close, expect_close, expect_value, grad_of,
                     numbers_of, show)

TIMEOUT_HINT = ("a loop that never ends in init_weights or a forward pass? Each loops over a "
                "fixed range or list: fan_out rows of fan_in weights, one neuron after another.")

HINTS = {
    "AttributeError": "does every layer get what it needs? (e.g. `self.layers` set in "
                      "MLP.__init__, `.tanh()` called on a Value, not on a float)",
}

_VARIANCE = {
    "uniform": lambda fan_in, fan_out: 1.0 / 3.0,
    "xavier": lambda fan_in, fan_out: 2.0 / (fan_in + fan_out),
    "he": lambda fan_in, fan_out: 2.0 / fan_in,
}
_FORMULA = {"uniform": "1/3", "xavier": "2 / (fan_in + fan_out)", "he": "2 / fan_in"}


def _check_init(learner):
    fan_in, fan_out = 200, 100
    for scheme, variance in _VARIANCE.items():
        case(f'init_weights({fan_in}, {fan_out}, "{scheme}", random.Random(1))')
        rows = learner.init_weights(fan_in, fan_out, scheme, random.Random(1))
        if not isinstance(rows, list) or len(rows) != fan_out:
            raise Fail(f"a list of {fan_out} rows (one per neuron)", show(rows)[:80])
        flat = []
        for row in rows:
            flat += numbers_of(row, fan_in, "each row (one weight per input)")
        target = variance(fan_in, fan_out)
        var = statistics.pvariance(flat)
        if abs(var - target) > 0.05 * target:
            raise Fail(f"the weights' variance = {_FORMULA[scheme]} = {target:.5g}",
                       f"variance {var:.5g} (ratio {var / target:.3g} to the target)",
                       _init_hint(scheme, var / target))
        mean = statistics.fmean(flat)
        if abs(mean) > 5 * math.sqrt(target / len(flat)):
            raise Fail("weights centred on 0 (mean about 0)", f"mean {mean:.4g}")
        if scheme != "he":
            bound = 1.0 if scheme == "uniform" else math.sqrt(6.0 / (fan_in + fan_out))
            if max(abs(x) for x in flat) > bound:
                raise Fail(f"every weight within [-{bound:.4g}, {bound:.4g}]",
                           f"a weight of {max(flat, key=abs):.4g}")
        again = learner.init_weights(fan_in, fan_out, scheme, random.Random(1))
        if again != rows:
            raise Fail("the same weights from the same rng seed", "different weights",
                       "draw every number from `rng` (rng.uniform / rng.gauss), not from the "
                       "`random` module itself: a seed must reproduce the network")


def _init_hint(scheme, ratio):
    if scheme == "he" and abs(ratio - 2.0 / 3.0) < 0.1:
        return "He uses fan_in alone: std = sqrt(2 / fan_in)."
    if abs(ratio - 1.0 / 3.0) < 0.05:
        return "U(-a, a) has variance a**2 / 3: the bound a is sqrt(3 * variance), not sqrt(variance)."
    if scheme == "xavier":  # drawn with rng.uniform: the std hint below would not apply
        return "Xavier reads both fans: a = sqrt(6 / (fan_in + fan_out)), then rng.uniform(-a, a)."
    return "rng.gauss(mean, std) takes the standard deviation, the square root of the variance."


def _engine_neuron(weights, b, x, activation):
    """chainrule's neuron: (its weights and bias as Values, its output)."""
    w, b = [Value(v) for v in weights], Value(b)
    act = sum((wi * xi for wi, xi in zip(w, x)), b)
    return w + [b], act.tanh() if activation == "tanh" else act


def _check_neuron(learner):
    weights, x = [0.5, -1.0, 2.0], [1.0, 2.0, -0.5]
    for activation in ("tanh", "linear"):
        case(f'Neuron({weights}, "{activation}") with b = 0.3, called on x = {x}')
        n = learner.Neuron(weights, activation)
        n.b.data = 0.3
        params = n.parameters()
        if not isinstance(params, list) or len(params) != 4 or params[-1] is not n.b \
                or any(p is not w for p, w in zip(params, n.w)):
            raise Fail("parameters() == [w0, w1, w2, b]: the weights, then the bias",
                       show(params), "return the Values themselves, weights first")
        xs = [Value(v) for v in x]
        out = n(xs)
        expect_value(out, Value, "the neuron's output")
        ref_x = [Value(v) for v in x]
        ref_params, ref = _engine_neuron(weights, 0.3, ref_x, activation)
        hint = "tanh(w . x + b) with the bias added once" if activation == "tanh" \
            else "a linear neuron applies no activation: w . x + b"
        expect_close(out.data, ref.data, "the output", hint)
        out.backward()
        ref.backward()
        expect_all_close([grad_of(p) for p in params], [grad_of(p) for p in ref_params],
                         "the gradients of w0, w1, w2, b after out.backward()",
                         "compute with Values only: .data cuts the graph")
        expect_all_close([grad_of(v) for v in xs], [grad_of(v) for v in ref_x],
                         "the gradients of the inputs after out.backward()")


def _copy_from(model, ref):
    mine = model.parameters()
    theirs = ref.parameters()
    if not isinstance(mine, list) or len(mine) != len(theirs):
        raise Fail(f"{len(theirs)} parameters (as chainrule's nn.MLP)",
                   f"{len(mine) if isinstance(mine, list) else show(mine)}",
                   "every neuron has one weight per input and one bias")
    for p, q in zip(mine, theirs):
        expect_value(p, Value, "each parameter")
        p.data = q.data
    return mine, theirs


def _check_mlp(learner):
    case("Layer(3, 4, random.Random(0)) on x = [1.0, -2.0, 0.5]: 4 outputs")
    layer = learner.Layer(3, 4, random.Random(0))
    outs = layer([1.0, -2.0, 0.5])
    if not isinstance(outs, list) or len(outs) != 4:
        raise Fail("a list of 4 Values", show(outs))
    for out, neuron in zip(outs, layer.neurons):
        expect_close(out.data, neuron([1.0, -2.0, 0.5]).data, "each output = its neuron's output")
    if len(layer.parameters()) != 16:
        raise Fail("16 parameters (4 neurons x (3 weights + 1 bias))", str(len(layer.parameters())))
    rng = random.Random(5)
    for nin, nouts in ((3, [4, 4, 2]), (2, [8, 1]), (1, [3])):
        case(f"MLP({nin}, {nouts}) with chainrule's nn.MLP({nin}, {nouts}, activation='tanh') "
             "weights, on random inputs")
        model = learner.MLP(nin, nouts, random.Random(0))
        ref = nn.MLP(nin, nouts, activation="tanh", init="xavier", seed=rng.randrange(1000))
        mine, theirs = _copy_from(model, ref)
        for _ in range(3):
            x = [round(rng.uniform(-2, 2), 2) for _ in range(nin)]
            case(f"MLP({nin}, {nouts}) with nn.MLP's weights, on x = {x}")
            out = model(x)
            expected = ref(x)
            expected = expected if isinstance(expected, list) else [expected]
            if not isinstance(out, list) or len(out) != nouts[-1]:
                raise Fail(f"a list of {nouts[-1]} Values (the last layer's)", show(out))
            for o in out:
                expect_value(o, Value, "each output")
            wanted = [e.data for e in expected]
            hint = ""
            if all(abs(o.data - math.tanh(e)) < 1e-9 for o, e in zip(out, wanted)):
                hint = "the last layer must stay linear (no tanh): its outputs are raw scores"
            elif len(nouts) > 1 and all(abs(o.data - e) < 1e-9 for o, e in zip(out, _linear(ref, x))):
                hint = ("no layer applies tanh: every hidden layer must (only the last stays "
                        "linear), or the whole network is one linear function")
            expect_all_close([o.data for o in out], wanted, "the outputs", hint)
            for p in mine + theirs:
                p.grad = 0.0
            sum(out, Value(0.0)).backward()
            sum(expected, Value(0.0)).backward()
            expect_all_close([grad_of(p) for p in mine], [grad_of(q) for q in theirs],
                             "every parameter's gradient after sum(outputs).backward()",
                             "compute with Values only: .data cuts the graph")


def _linear(model, x):
    """`model`'s outputs with no activation anywhere: a learner's network of linear layers."""
    for layer in model.layers:
        x = [sum(w.data * xi for w, xi in zip(n.w, x)) + n.b.data for n in layer.neurons]
    return x


def run(learner):
    _check_init(learner)
    _check_neuron(learner)
    _check_mlp(learner)
