"""How an `Explanation` prints: the table of steps and totals, and the number format `draw` shares."""
from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Optional

from .explain_steps import Step, _edges, _Steps
from .value import Value

if TYPE_CHECKING:
    from .explain import Explanation

__all__ = ["format_number", "printable"]

_ROWS = 40     # rows printed before "... N more steps"
_TOTALS = 20   # leaves listed in the totals before "... N more"
_TERMS = 6     # contributions written out in a sum before "+ ..."
# Local derivatives that read better as a formula: op name -> text, {o} = output, {i} = input.
_FORMULAS = {"tanh": "1 - {o}²", "exp": "{o}", "sigmoid": "{o}·(1 - {o})", "log": "1/{i}"}


class _Table:
    """The printing half of `Explanation`: its rows as text (`explain.py` computes what they show)."""

    # Set by Explanation.__init__ (and explain()).
    root: Value
    seed: float
    order: list[Value]
    steps: _Steps
    grads: dict[Value, float]
    stale: dict[Value, float]
    after_backward: bool
    _again: Optional[Explanation]
    _first_stale: dict[Value, int]
    _leaves: int
    _index: Optional[dict[Value, int]]

    def name(self, v: Value) -> str:
        """`v`'s label, or the name the drawing gives it: 'v' + its index in the topological order."""
        if v.label:
            return printable(v.label)
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
        title = f"explain({name}): backward() from {name} takes {steps}, in reverse topological order"
        k = self._passes_held()
        if k:  # a learner's y.backward() run again (or in a loop) with no zero_grad() between
            title += (f"; the leaves' .grad already hold {k} pass{'es' * (k != 1)} of it "
                      f"(backward() run {k} time{'s' * (k != 1)} without zero_grad()?)")
        return title

    def _passes_held(self) -> int:
        """k when every named leaf holding a grad holds k whole passes of this backward, else 0.

        Named: parameters and inputs; the constants a loss wraps are new each time it is built
        (they hold 0), or hold the one pass of this very graph.
        """
        ks = set()
        for v in self.order:
            held = self.stale.get(v, 0.0)
            if v.is_leaf and v is not self.root and held != 0.0 and v.label:
                one = self.grads[v] - held
                if one == 0.0:
                    return 0  # this pass leaves it alone: what it holds came from elsewhere
                ratio = held / one
                if not math.isfinite(ratio):  # a NaN or an infinity held: no whole passes
                    return 0
                k = round(ratio)
                if k < 1 or abs(held - k * one) > 1e-9 * abs(held):
                    return 0
                ks.add(k)
        return ks.pop() if len(ks) == 1 else 0

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
        if leaf._op is not None:  # made by an op under no_grad(): its inputs were not kept
            line += (f"   !! {name} was computed under no_grad(): the graph stops at it, so what "
                     "it was made from gets no gradient")
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


def check_labels(order: list[Value], what: str) -> None:
    """TypeError naming a value whose `.label` (a plain attribute) was set to something not a
    str: the drawing and the table failed on it with Python's own words ('int' is not iterable)."""
    for v in order:
        if not isinstance(v.label, str):
            raise TypeError(f"{what}: a value's label must be a str, got {type(v.label).__name__}: "
                            f"{v.label!r:.40} ({v!r:.60}); set it as v.label = 'x'")


def printable(label: str) -> str:
    """`label` as a drawing or a table can show it: each unprintable character as its escape.

    A tab or a NUL broke Graphviz's parser, a lone surrogate broke UTF-8, and a newline broke
    a table row; each is shown as Python writes it in a string.

    >>> printable("x"), printable("tab\\there"), printable("∂y/∂x")
    ('x', 'tab\\\\there', '∂y/∂x')
    """
    return label if label.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in label)


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
