"""A loss's `weight` or `pos_weight`, one number per prediction, spread as PyTorch broadcasts it."""
from __future__ import annotations

from typing import Any, Optional

from ._check import number
from ._loss_inputs import _listed


def per_prediction(weights: Any, input: Any, n: int, who: str) -> Optional[list[float]]:
    """None, or `weights` as n floats in the order the loss pairs its predictions: one number
    for all; for rows of outputs, one per output (a column, as a (C,) tensor broadcasts over
    (N, C)); for a flat list, one per prediction."""
    if weights is None:
        return None
    weights = _listed(weights)  # a NumPy or PyTorch array as a list
    what = who.rpartition(": ")[2]
    if not isinstance(weights, (list, tuple)):
        return [number(weights, who)] * n
    ws = [number(w, who) for w in weights]
    if len(ws) == 1:
        return ws * n
    rows = isinstance(input, (list, tuple)) and all(isinstance(row, (list, tuple)) for row in input)
    if rows and len(ws) * len(input) == n and all(len(row) == len(ws) for row in input):
        return ws * len(input)  # (row-major: the order of the pairs)
    if not rows and isinstance(input, (list, tuple)) and len(ws) == n:
        return ws
    raise ValueError(f"{who} has {len(ws)} numbers for {n} predictions: give one number, one per output "
                     f"of each row, or one per prediction ({what} broadcasts as in PyTorch)")
