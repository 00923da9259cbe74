"""What a drawing writes: each value's box (label, data, grad, colour) and the notes above the graph."""
from __future__ import annotations

import html
import math
from typing import Optional

from ..explain_table import format_number as _fmt, printable
from ..value import Value

# Fill colours tell the kinds of value apart; the legend is in docs/drawing.md.
_FILL = {"output": "#c9ecc9", "param": "#cfe2f7", "input": "#fff1c2", "const": "#f4f4f4", "": "white"}
_MISMATCH = "#f6b3b3"


def _kind(v: Value, root: Optional[Value], params: Optional[set[Value]]) -> str:
    if v is root:
        return "output"
    if v._a is not None:
        return ""
    if (v in params) if params is not None else "." in v.label:
        return "param"
    return "input" if v.label else "const"


def _value_label(v: Value, kind: str, num: Optional[float], name: str, grad: Optional[float]) -> str:
    # Unlabelled values show, in grey, the name `explain` calls them by.
    cells = [f"<b>{html.escape(printable(v.label))}</b>" if v.label else f'<font color="#777777">{name}</font>']
    cells += [f"data {_fmt(v.data)}", f"grad {'None' if grad is None else _fmt(grad)}"]
    row = "".join(f"<td>{c}</td>" for c in cells)
    if num is not None:
        # gradcheck's tolerances; NaN beside NaN agrees (both say: no derivative here).
        bad = grad is not None and not (grad != grad and num != num) and not math.isclose(
            grad, num, rel_tol=1e-4, abs_tol=1e-5)
        colour = f' bgcolor="{_MISMATCH}"' if bad else ""
        row += f"<td{colour}>num {_fmt(num)}{' &#8800;' if bad else ''}</td>"
    border = ' border="2" color="#2e7d32"' if kind == "output" else ' border="0"'
    return (f'<<table{border} cellborder="1" cellspacing="0" cellpadding="3" '
            f'bgcolor="{_FILL[kind]}"><tr>{row}</tr></table>>')


def _notes(root: Value, root_grad: Optional[float], shown: set[Value], total: int, local_grads: bool,
           numeric: bool, max_nodes: Optional[int]) -> str:
    notes = []
    if root._a is None and root._op is not None:  # made by an op, but with no inputs kept
        notes.append("computed under no_grad(): no graph was recorded; compute it outside no_grad() to draw one")
    elif root_grad is None or root_grad == 0.0:
        notes.append("gradients not computed yet: call backward() first")
    if len(shown) < total:
        notes.append(f"capped view: the {len(shown)} values nearest the output, of {total} "
                     f"(max_nodes={max_nodes}); draw(..., max_nodes=None) draws all")
    if local_grads:
        notes.append("edge numbers: local derivative d out / d in")
    if numeric:
        notes.append("num: central-difference gradient of the output (red: differs from grad)")
    return "".join(note + "\\l" for note in notes)  # \l: left-justified lines
