"""Code for one sample in array form: values in a list `t`, loops where the graph repeats.

What `loops.lower` found becomes Python: a `Dot` is `s = init` and `for i in range(n): s +=
u[i] * v[i]`, a `Loop` is `for k in range(n):` around its body. Backward is the same chain
rule as in straight-line code (`g_t[a] += d t[out] / d t[a] * g_t[out]`), with the loops run
in reverse: gradients of values live in `g_t`, of parameters in `g_P`.
"""
from . import dots
from .codegen import describe_op, fill, line, number, row_for
from .loops import Dot, Loop


class Texts:
    """How a sample's references read as code: `t[...]`, `P[...]`, `x[...]`, `y`, a name."""

    def __init__(self, qnames, float_target, tables, first_table=0, row_len=None, values="t"):
        self.qnames, self.float_target, self.tables = qnames, float_target, tables
        self.values = values  # the list of values: `t` for a sample's, `Q` for the parameters' own
        self.row_len = row_len
        self.first_table = first_table  # number of this sample's first table in CLASSES

    def value(self, r):
        kind = r.kind
        if kind == "c":
            return number(r.base)
        if kind == "q":
            return self.qnames[r.base]
        if kind == "s":
            return f"t[{self.select(r.base)}]"
        if kind == "y" and self.float_target:
            return "y"
        return f"{self.values if kind == 'n' else _ARRAYS[kind]}[{index(r)}]"

    def grad(self, r):
        kind = r.kind
        if kind == "q":
            return f"g_{self.qnames[r.base]}"
        if kind == "s":
            return f"g_t[{self.select(r.base)}]"
        return f"{'g_' + self.values if kind == 'n' else 'g_P'}[{index(r)}]"

    def vector(self, r, n, grad=False):
        """`P[3:67]`: the n values (or gradients) r reads over i, as a slice; None if it cannot."""
        if r.si <= 0 or r.kind not in "npxy" or (r.kind == "y" and self.float_target):
            return None
        if grad and r.kind not in "np":
            return None
        name = self.values if r.kind == "n" else _ARRAYS[r.kind]
        name = ("g_" + name if r.kind == "n" else "g_P") if grad else name
        start = index_text(r.base, ((r.sk, "k"),))
        stop = index_text(r.base + r.si * n, ((r.sk, "k"),))
        step = "" if r.si == 1 else f":{r.si}"
        if start == "0" and step == "":
            if r.kind == "x" and not grad and stop == str(self.row_len):
                return "x"  # the whole row
            start = ""
        return f"{name}[{start}:{stop}{step}]"

    def select(self, number):
        """The slot of the value the class index `y` selects: `base + step * y`, or a table."""
        slots = self.tables[number]
        if None not in slots:
            step = slots[1] - slots[0] if len(slots) > 1 else 0
            if all(s == slots[0] + c * step for c, s in enumerate(slots)):
                return index_text(slots[0], ((step, "y"),))
        return f"CLASSES[{self.first_table + number}][y]"


_ARRAYS = {"n": "t", "p": "P", "x": "x", "y": "y"}


def index(r):
    return index_text(r.base, ((r.sk, "k"), (r.si, "i")))


def index_text(base, terms):
    """`3 + 2 * k + i`: an affine index as short code."""
    parts = [str(base)] if base else []
    for coef, var in terms:
        if coef:
            parts.append(var if coef == 1 else f"{coef} * {var}")
    return " + ".join(parts) or "0"


def forward_lines(items, texts):
    """The forward pass of one sample: one line per op, a loop per Loop or Dot."""
    out = []
    for item in items:
        if isinstance(item, Loop):
            out.append(f"for k in range({item.n}):")
            out += ["    " + x for x in forward_lines(item.body, texts)]
        elif isinstance(item, Dot):
            out += dots.forward_lines(item, texts)
        else:
            row = row_for(item.op)
            a, b, t = _operands(item, texts)
            code = f"{t} = {fill(row.forward, item.op.arg, a, b or '', t)}"
            out.append(line(code, item.op.name.split("(")[0] if " if " in row.forward else ""))
    return out


def backward_lines(items, texts):
    """The chain rule through one sample's items, last first, loops reversed."""
    out = []
    for item in reversed(items):
        if isinstance(item, Loop):
            body = backward_lines(item.body, texts)
            if body:
                out.append(f"for k in reversed(range({item.n})):")
                out += ["    " + x for x in body]
        elif isinstance(item, Dot):
            out += dots.backward_lines(item, texts)
        elif item.needs[0]:
            out += _op_backward(item, texts)
    return out


def _operands(item, texts):
    return (texts.value(item.a), None if item.b is None else texts.value(item.b), texts.value(item.out))


def _op_backward(item, texts):
    row = row_for(item.op)
    a, b, t = _operands(item, texts)
    g = texts.grad(item.out)
    comment = "from " + describe_op(item.op.name, t, a, b)
    lines = []
    for r, d, wanted in ((item.a, row.da, item.needs[1]), (item.b, row.db, item.needs[2])):
        if r is None or not wanted:
            continue
        term = g if d == "1.0" else f"{fill(d, item.op.arg, a, b or '', t)} * {g}"
        lines.append(line(f"{texts.grad(r)} += {term}", comment))
    return lines

