"""A new batch size: compare the code written for any size with a trace of that size.

The samples' code and the batch reduction are written for any batch size from traces of two
small sizes, whose constants tell how they depend on the size (k / n, k * n). A Python branch
on the size (`s / len(xb) if len(xb) >= 4 else s`, an L2 term only for big batches) is not
among what two small sizes show. So the first batch of each new size is traced whole, when its
graph is small enough (`BUDGET`: at most 0.1-0.3 s of tracing, once per size), and compared; if
it differs, the step traces whole batches from then on, one per size (as for any reduction of
another shape).
"""
from . import reduction
from .samples import group, param_signature
from .trace import trace

BUDGET = 50_000  # operations of a batch (samples × operations of one) up to which a new size is checked


def remember(plan, s2, n2):
    """Note what a new size is compared with: the sizes traced, the second one's reduction
    (`s2`, of `n2` samples) and the values of the parameters alone (before `plan.prune()`)."""
    plan.sizes_seen = {plan.traced, n2}
    plan.second = (reduction.fold(s2) if plan.template is not None else None, n2)
    plan.param_values = hash(param_signature(plan.s))  # (an L2 penalty at MNIST width: 50 k entries)


def unchecked(plan, n):
    """True if a batch of n samples is a new size for `plan` that `same_for_size` must see first."""
    seen = getattr(plan, "sizes_seen", None)
    return seen is not None and n not in seen and n * len(plan.first) <= BUDGET


def same_for_size(step, plan, xb, yb, skeys, data):
    """False if the whole batch `xb, yb` (a new size), traced, builds a graph that the plan's
    code for its size does not compute; True if it is the same (the size is then known)."""
    n = len(skeys)
    s = trace(step.fn, step.params, xb, yb, data, outputs=not step.backward)
    kinds, kind_of = group(s, skeys, None, peel=step.backward)
    key = plan.probe[0][2]  # the kind of the plan's first traced sample
    if key in kind_of and kinds[kind_of[key]][1] != plan.first or hash(param_signature(s)) != plan.param_values:
        return False
    if plan.template is not None:
        fold2, n2 = plan.second
        if _shape(reduction.same_fold(fold2, n2, reduction.fold(s), n)) != _shape(plan.template):
            return False
    plan.sizes_seen.add(n)
    return True


def _shape(fold):
    """A fold or template with each op as (name, constant): comparable across traces."""
    if fold is None:
        return None
    start, tail = fold
    return start, [((op.name, op.arg), refs) for op, refs in tail]
