"""Checks of exercise 6: values and gradients against nn.mse_loss and nn.cross_entropy."""
import random

from autograd import Value

import nn

from ._tools import Fail, case, expect_all_close, expect_value, grad_of, number, show

TIMEOUT_HINT = ("a loss that never returns? It loops once over the outputs (or logits): look "
                "for a `while` loop whose condition never changes.")

HINTS = {
    "OverflowError": "exp of a large logit overflows: subtract the largest logit from every "
                     "logit before exp (log-sum-exp), then add it back.",
    "ValueError": "log of 0? With the largest logit subtracted, the sum of exps is at least 1.",
}


def _compare(learner, name, data, target, reference, hint_of):
    mine_in, ref_in = [Value(x) for x in data], [Value(x) for x in data]
    call = f"{name}({show(data)}, {show(target)})"
    case(call + ": value and gradients, as chainrule's")
    out = getattr(learner, name)(mine_in, target)
    expect_value(out, Value, f"{call}'s result")
    expected = reference(ref_in, target)
    got = number(out.data, f"{call}.data")
    if not abs(got - expected.data) <= 1e-9 + 1e-9 * abs(expected.data):
        raise Fail(f"{call} = {show(expected.data)}", show(got), hint_of(got, expected.data, data))
    out.backward()
    expected.backward()
    got_grads, expected_grads = [grad_of(v) for v in mine_in], [grad_of(v) for v in ref_in]
    expect_all_close(got_grads, expected_grads, f"the gradients of the inputs after {name}(...).backward()",
                     _grad_hint(name, got_grads, expected_grads, target), rel=1e-7, abs_tol=1e-10)


def _grad_hint(name, got, expected, target):
    """Why the value can be right and the gradients not (a symmetric case hides a wrong index)."""
    if name == "cross_entropy" and all(isinstance(g, float) for g in got):
        # d/dz_i = softmax_i - [i == target]: another target k moves -1 from target to k.
        for k in range(len(got)):
            shift = [(i == target) - (i == k) for i in range(len(got))]
            if k != target and all(abs(g - e - d) < 1e-7 for g, e, d in zip(got, expected, shift)):
                return (f"these are the gradients of the loss for target {k}, not {target}: subtract "
                        f"logits[target], the target's own logit")
    return "build the loss from the Values (no .data), so that backward reaches them"


def _mse_hint(got, expected, data):
    n = len(data)
    if abs(got - expected * n) <= 1e-9 * max(1.0, abs(got)):
        return f"that is the sum: divide by the number of outputs ({n}) for the mean."
    return "square each difference: (output - target)**2."


def _ce_hint(got, expected, data):
    if abs(got + expected) <= 1e-9 * max(1.0, abs(got)):
        return "off by a sign: the loss is MINUS log of the probability (always >= 0)."
    m = max(data)
    if m != 0 and abs(got - (expected - m)) <= 1e-9 * max(1.0, abs(got)):
        return (f"the largest logit ({show(m)}) was subtracted inside the log but not added back: "
                "log(sum_j exp(z_j)) = m + log(sum_j exp(z_j - m)).")
    return "cross_entropy = log(sum_j exp(z_j)) - z_target."


def run(learner):
    rng = random.Random(6)
    mse_cases = [([2.5, 0.0], [3.0, 1.0]), ([1.0], [-2.0])]
    mse_cases += [([round(rng.uniform(-3, 3), 2) for _ in range(5)],
                   [round(rng.uniform(-3, 3), 2) for _ in range(5)]) for _ in range(3)]
    for outputs, targets in mse_cases:
        _compare(learner, "mse", outputs, targets, nn.mse_loss, _mse_hint)
    ce_cases = [([2.0, 0.5, -1.0], 0), ([0.0, 0.0], 1)]
    ce_cases += [([round(rng.uniform(-4, 4), 2) for _ in range(4)], rng.randrange(4)) for _ in range(3)]
    ce_cases += [([1000.0, 0.0], 1), ([1000.0, 0.0], 0), ([-1000.0, 5.0, 3.0], 0), ([800.0, 800.0], 1)]
    for logits, target in ce_cases:
        _compare(learner, "cross_entropy", logits, target, nn.cross_entropy, _ce_hint)
