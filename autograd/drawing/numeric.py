"""`draw(numeric=True)`: each leaf's central-difference gradient, to set beside its `.grad`."""
from __future__ import annotations

import math

from ..gradcheck import numeric_grad
from ..value import Value


def _numeric(order: list[Value], leaves: list[Value]) -> dict[Value, float]:
    """d root/d leaf by central differences, replaying the recorded forward pass on floats."""
    result = {}
    for leaf in leaves:
        def replay(x: Value, leaf: Value = leaf) -> float:
            data = {leaf: float(x)}
            for v in order:
                if v._a is not None:  # computed, so it has an op
                    data[v] = v._op.forward(*(data.get(p, p.data) for p in v._prev))  # type: ignore[union-attr]
            return data.get(order[-1], order[-1].data)
        try:
            result[leaf] = numeric_grad(replay, [leaf])[0]
        except (ArithmeticError, ValueError):  # the nudged input left the op's domain
            result[leaf] = math.nan
    return result
