"""`explain`: the steps `backward()` takes, one chain-rule application a row, with the numbers."""
from __future__ import annotations

from typing import Any, Iterator, Optional, Union, overload

from .explain_steps import Step, _edges, _Steps  # Step: also imported from here
from .explain_table import _Table, check_labels
from .explain_table import format_number as format_number  # noqa: F401  (still imported from here)
from .graph import _check_recorded, creation, topological_order
from .value import Value
from .value_checks import _as_float, _bad_grad, _is_real

__all__ = ["explain", "Explanation", "Step"]


def explain(root: Value, grad: float = 1.0, *, apply: bool = False, zero_grad: bool = False) -> Explanation:
    """The steps `root.backward(grad)` takes, in its order, as an `Explanation`; `.grad` is untouched.

    Printed, it is a table: one row per chain-rule application with its numbers, then each
    leaf's total (a value used twice shows both contributions and their sum; a leaf whose
    `.grad` already held an earlier pass is flagged). Called after `root.backward(grad)`, when
    every `.grad` holds exactly that one pass, it says so and shows that pass (`.after_backward`
    is True): the steps backward() took and the grads it left, plus what a second call would
    make of one grad. The rows are `Step` records in `.steps`;
    `.grads` maps every value the pass reaches to the grad `backward()` would leave in it
    (after backward(): did leave). apply: also write the grads of a new pass, exactly as
    `backward()` would (it never takes the already-run view).  zero_grad: start every leaf
    from 0, as if `zero_grad()` had been called first (nothing is written unless `apply`).

    >>> from autograd import Value, explain
    >>> x = Value(0.5, label="x"); w = Value(2.0, label="w"); y = x * w; y.label = "y"
    >>> print(explain(y).steps[0].contribution, w.grad)
    2.0 0.0
    >>> print(explain(y))                                   # doctest: +NORMALIZE_WHITESPACE
    explain(y): backward() from y takes 2 steps, in reverse topological order
      #  step
      0  y.grad = 1.0000  (seed)
      1  x.grad += dy/dx × y.grad = w (2.0000) × 1.0000 = 2.0000   → x.grad = 2.0000
      2  w.grad += dy/dw × y.grad = x (0.5000) × 1.0000 = 0.5000   → w.grad = 0.5000
    grads backward() leaves in the leaves:
      x.grad = 2.0000
      w.grad = 0.5000
    """
    if not isinstance(root, Value):
        raise TypeError(f"explain() needs a Value, got {type(root).__name__}")
    if not _is_real(grad):
        raise TypeError(f"explain(grad=...) must be a real number, got {type(grad).__name__}")
    for flag, name in ((apply, "apply"), (zero_grad, "zero_grad")):
        if not isinstance(flag, bool):
            raise TypeError(f"explain({name}=...) must be True or False, got {flag!r}")
    _check_recorded(root, "explain()")  # what backward() would say: there is no pass to explain
    seed, order = _as_float(grad, "explain(grad=...)"), topological_order(root)
    check_labels(order, "explain()")
    result = Explanation(root, seed, order, zero_grad)
    if result.stale and not apply:
        # Called after backward() (a learner's natural order): if every .grad holds exactly
        # one fresh pass, explain that pass, as the page does, rather than a second one.
        fresh = Explanation(root, seed, order, zero_grad=True)
        if all(_same(v.grad, g) for v, g in fresh.grads.items()):
            fresh.after_backward, fresh._again = True, result
            result = fresh
    if apply:
        result.apply()
    return result


def _same(a: Optional[float], b: float) -> bool:
    return a == b or (a != a and b != b)  # NaN left by backward() is the NaN explain computes


class Explanation(_Table):
    """What `explain` returns: `.steps` (a sequence of `Step`), `.grads`, `.stale`; prints as a table."""

    def __init__(self, root: Value, seed: float, order: list[Value], zero_grad: bool = False) -> None:
        self.root, self.seed, self.order = root, seed, order
        # What backward() visits, in its order: creation order (see graph.backward).
        computed = sorted((v for v in order if not v.is_leaf), key=creation)
        grads = dict.fromkeys(computed, 0.0)  # backward() resets computed values first
        stale: dict[Value, float] = {}  # leaf -> the grad it held before this pass
        first_stale: dict[Value, int] = {}  # stale leaf -> its first step (the row that gets the warning)

        def start(leaf: Value) -> float:
            if not zero_grad:  # a .grad set by hand to a str or an array: named, as backward() does
                why = _bad_grad(leaf, f"explain(): the .grad of leaf {leaf.label!r}" if leaf.label
                                else "explain(): the .grad of a leaf")
                if why:
                    raise TypeError(why)
            held = 0.0 if zero_grad or leaf.grad is None else leaf.grad
            if held != 0.0:
                stale[leaf] = held
            return held

        grads[root] = (grads[root] if root in grads else start(root)) + seed
        # One column per Step field, not one tuple per step: floats and existing Values in
        # flat lists allocate nothing the cyclic garbage collector tracks, and a tuple per
        # step made it rescan the growing list again and again (measured: half the time).
        columns: tuple[list[Any], ...]
        totals: list[float]
        columns = nodes, inputs, locals_, upstreams, contributions, totals = [], [], [], [], [], []
        for node in reversed(computed):
            g = grads[node]
            for inp, d in _edges(node):
                c = d * g
                t = grads.get(inp)
                first = t is None
                t = (start(inp) if t is None else t) + c
                grads[inp] = t
                if first and inp in stale:
                    first_stale[inp] = len(totals)
                nodes.append(node); inputs.append(inp); locals_.append(d)  # noqa: E702
                upstreams.append(g); contributions.append(c); totals.append(t)  # noqa: E702
        self.steps, self.grads, self.stale = _Steps(columns), grads, stale
        self.after_backward = False  # explain() sets it, and _again, when .grad holds this pass
        self._again = None
        self._first_stale = first_stale
        self._leaves = len(order) - len(computed) - (root.is_leaf)
        self._index = None

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    @overload
    def __getitem__(self, i: int) -> Step: ...
    @overload
    def __getitem__(self, i: slice) -> list[Step]: ...

    def __getitem__(self, i: Union[int, slice]) -> Union[Step, list[Step]]:
        return self.steps[i]

    def apply(self) -> Explanation:
        """Write the grads into `.grad`, as `backward()` would; return self."""
        for v, g in self.grads.items():
            v.grad = g
        return self
