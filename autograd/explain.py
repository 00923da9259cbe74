"""`explain`: the steps `backward()` takes, one chain-rule application a row, with the numbers."""
from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Sequence
from typing import Any, Iterator, NamedTuple, Optional, Union, overload

from .graph import _check_recorded, creation, topological_order
from .value import Value

__all__ = ["explain", "Explanation", "Step"]

_ROWS = 40     # rows printed before "... N more steps"
_TOTALS = 20   # leaves listed in the totals before "... N more"
_TERMS = 6     # contributions written out in a sum before "+ ..."
# Local derivatives that read better as a formula: op name -> text, {o} = output, {i} = input.
_FORMULAS = {"tanh": "1 - {o}²", "exp": "{o}", "sigmoid": "{o}·(1 - {o})", "log": "1/{i}"}


class Step(NamedTuple):
    """One chain-rule application: `input.grad += local * upstream`."""

    node: Value           # the value whose gradient flows back
    input: Value          # one input of `node`
    local: float          # d node / d input
    upstream: float       # d root / d node (node's grad)
    contribution: float   # local * upstream
    total: float          # input's grad after this step


def _edges(node: Value) -> tuple[tuple[Value, float], ...]:
    """(input, d node / d input) for each input of a computed `node`, in argument order.

    The one place that reads the engine's node internals: `backward` applies the same pairs.
    """
    a, b = node._a, node._b
    if a is None:  # a leaf: no inputs
        return ()
    if b is None:
        return ((a, node._da),)
    return ((a, node._da), (b, node._db))


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
    if isinstance(grad, (bool, Value)) or not isinstance(grad, numbers.Real):
        raise TypeError(f"explain(grad=...) must be a real number, got {type(grad).__name__}")
    for flag, name in ((apply, "apply"), (zero_grad, "zero_grad")):
        if not isinstance(flag, bool):
            raise TypeError(f"explain({name}=...) must be True or False, got {flag!r}")
    _check_recorded(root, "explain()")  # what backward() would say: there is no pass to explain
    seed, order = float(grad), topological_order(root)
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


def _same(a: float, b: float) -> bool:
    return a == b or (a != a and b != b)  # NaN left by backward() is the NaN explain computes


class _Steps(Sequence[Step]):
    """The steps, kept as columns; each item is made a `Step` when it is read."""

    __slots__ = ("_columns",)

    def __init__(self, columns: tuple[list[Any], ...]) -> None:
        self._columns = columns

    def __len__(self) -> int:
        return len(self._columns[0])

    @overload
    def __getitem__(self, i: int) -> Step: ...
    @overload
    def __getitem__(self, i: slice) -> list[Step]: ...

    def __getitem__(self, i: Union[int, slice]) -> Union[Step, list[Step]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return Step._make(column[i] for column in self._columns)

    def __iter__(self) -> Iterator[Step]:
        return map(Step._make, zip(*self._columns))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (list, _Steps)) and len(self) == len(other) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"<{len(self)} steps of backward(): index or iterate for Step records>"

    def _is(self, i: Optional[int], step: Step) -> bool:
        """Whether `step` is step `i` (the very objects: a value can flow back twice)."""
        return i is not None and all(column[i] is field for column, field in zip(self._columns, step))


class Explanation:
    """What `explain` returns: `.steps` (a sequence of `Step`), `.grads`, `.stale`; prints as a table."""

    def __init__(self, root: Value, seed: float, order: list[Value], zero_grad: bool = False) -> None:
        self.root, self.seed, self.order = root, seed, order
        # What backward() visits, in its order: creation order (see graph.backward).
        computed = sorted((v for v in order if not v.is_leaf), key=creation)
        grads = dict.fromkeys(computed, 0.0)  # backward() resets computed values first
        stale: dict[Value, float] = {}  # leaf -> the grad it held before this pass
        first_stale: dict[Value, int] = {}  # stale leaf -> its first step (the row that gets the warning)

        def start(leaf: Value) -> float:
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
        self._again: Optional[Explanation] = None
        self._first_stale = first_stale
        self._leaves = len(order) - len(computed) - (root.is_leaf)
        self._index: Optional[dict[Value, int]] = None

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

    def name(self, v: Value) -> str:
        """`v`'s label, or the name the drawing gives it: 'v' + its index in the topological order."""
        if v.label:
            return v.label
        if self._index is None:
            self._index = {u: i for i, u in enumerate(self.order)}
        i = self._index.get(v)
        return "?" if i is None else f"v{i}"

    def row(self, step: Step) -> str:
        """One step as text: 'w.grad += dy/dw × y.grad = x (0.5000) × 0.4199 = 0.2100   → w.grad = 0.2100'."""
        node, inp = self.name(step.node), self.name(step.input)
        line = (f"{inp}.grad += d{node}/d{inp} × {node}.grad = {self._local(step)} × "
                f"{format_number(step.upstream)} = {format_number(step.contribution)}   "
                f"→ {inp}.grad = {format_number(step.total)}")
        if self.steps._is(self._first_stale.get(step.input), step):
            line += f"  (!! {inp}.grad held {format_number(self.stale[step.input])} before: forgot zero_grad()?)"
        return line

    def seed_row(self) -> str:
        """The first row: the output's own gradient."""
        root, name = self.root, self.name(self.root)
        if root in self.stale:  # a leaf output accumulates like any leaf
            return (f"{name}.grad = {format_number(self.stale[root])} (earlier pass) + "
                    f"{format_number(self.seed)} = {format_number(self.grads[root])}  (seed)   "
                    f"!! .grad already held an earlier pass: forgot zero_grad()?")
        return f"{name}.grad = {format_number(self.grads[root])}  (seed)"

    def _title(self) -> str:
        name, n = self.name(self.root), len(self.steps)
        if self.root.is_leaf:
            done = " has already run: it" if self.after_backward else ""
            return (f"explain({name}): {name} is a leaf (no operation made it): backward() from "
                    f"{name}{done} only sets {name}.grad to the seed; there are no chain-rule steps")
        steps = f"{n} step{'s' * (n != 1)}"
        if self.after_backward:
            return (f"explain({name}): backward() has already run on {name}: these are the "
                    f"{steps} it took, in reverse topological order")
        return f"explain({name}): backward() from {name} takes {steps}, in reverse topological order"

    def _again_row(self, listed: list[Value]) -> str:
        """After backward(): what a second call would leave, for one value."""
        assert self._again is not None  # set together with after_backward
        again = self._again.grads
        v = next((v for v in listed if self.grads[v] != 0.0), self.root)
        return (f"calling {self.name(self.root)}.backward() again would add a second pass onto "
                f"these ({self.name(v)}.grad would become {format_number(again[v])}): "
                f"call zero_grad() first")

    def _local(self, step: Step) -> str:
        node, inp, d = step.node, step.input, step.local
        op = node.op
        if op == "+":
            return "1"
        if op == "*":  # d(a*b)/da = b: name the other input
            (a, _), (b, _) = _edges(node)
            return f"{self.name(b if inp is a else a)} ({format_number(d)})"
        formula = _FORMULAS.get(op)
        if formula is None:
            return format_number(d)
        text = formula.format(o=self.name(node), i=self.name(inp))
        return f"{text} ({format_number(d)})"

    def total_row(self, leaf: Value, contributions: list[float]) -> str:
        """'b.grad = -3.0000 + -1.0000 = -4.0000, 2 uses' (with the earlier pass, if any)."""
        name = self.name(leaf)
        terms = [format_number(c) for c in contributions[:_TERMS]]
        if len(contributions) > _TERMS:
            terms.append("...")
        if leaf in self.stale:
            terms.insert(0, f"{format_number(self.stale[leaf])} (earlier pass)")
        line = f"{name}.grad = "
        if len(terms) > 1:
            line += " + ".join(terms) + " = "
        line += format_number(self.grads[leaf])
        if len(contributions) > 1:
            line += f", {len(contributions)} uses"
        if leaf in self.stale:
            line += "   !! .grad already held an earlier pass: forgot zero_grad()?"
        return line

    def format(self, max_rows: Optional[int] = _ROWS) -> str:
        """The table as text, at most `max_rows` step rows (None: all of them)."""
        rows, steps = [], self.steps
        shown = list(steps) if max_rows is None else steps[:max_rows]
        width = len(str(len(shown)))
        rows.append(self._title() + (f" (seed {self.seed!r})" if self.seed != 1.0 else ""))
        rows.append(f"  {'#':>{width}}  step")
        rows.append(f"  {0:>{width}}  {self.seed_row()}")
        rows += [f"  {i:>{width}}  {self.row(s)}" for i, s in enumerate(shown, 1)]
        if len(shown) < len(steps):
            rows.append(f"  … {len(steps) - len(shown)} more steps "
                        f"(.format(max_rows=None) prints them all; .steps holds them as data)")
        leaves = (v for v in self.order if v.is_leaf and v is not self.root)
        listed = list(leaves if max_rows is None else itertools.islice(leaves, _TOTALS))
        contributions: dict[Value, list[float]] = {v: [] for v in listed}
        columns = steps._columns
        for inp, c in zip(columns[1], columns[4]):  # no Step records needed for the sums
            if inp in contributions:
                contributions[inp].append(c)
        if listed:
            rows.append("grads it left in the leaves (what .grad holds now):" if self.after_backward
                        else "grads backward() leaves in the leaves:")
        rows += [f"  {self.total_row(v, contributions[v])}" for v in listed]
        if len(listed) < self._leaves:
            rows.append(f"  … {self._leaves - len(listed)} more leaves")
        if self.after_backward:
            rows.append(self._again_row(listed))
        return "\n".join(rows)

    __str__ = format

    def __repr__(self) -> str:
        return self.format()


def format_number(x: float) -> str:
    """The drawing's number format: 4 decimals, scientific when tiny or huge.

    >>> format_number(0.25), format_number(-3.0), format_number(1.5e-7)
    ('0.2500', '-3.0000', '1.500e-07')
    """
    if x != x or x in (math.inf, -math.inf):
        return str(x)
    if x == 0.0 or 1e-3 <= abs(x) < 1e5:
        return f"{x + 0.0:.4f}"  # + 0.0 turns -0.0 into 0.0
    return f"{x:.3e}"
