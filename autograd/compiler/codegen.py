"""Code generation: one line of Python per traced operation, for the forward and backward pass.

The table `TEMPLATES` holds, for every op of the engine, its forward expression and its local
derivatives as source text; the backward pass is the chain rule written out, one line per
input: `g_a += <d out / d a> * g_out`.
"""
import keyword
import math
import re
from typing import NamedTuple, Optional

from .trace import CompileError

# Fields: {a}, {b} the inputs, {out} the result, {n} the op's constant, {n1} = n - 1, and
# {a_n1} = a ** (n - 1). Derivatives with a top-level + - or `if` are parenthesized, since a
# backward line multiplies them by the output's gradient. The NumPy columns, for the array
# code (array_codegen), replace the branches with `where` (None: the Python text works as is).
class Row(NamedTuple):
    """One op's source text: forward, d out/d a, d out/d b, and their NumPy forms."""

    forward: str
    da: str
    db: Optional[str] = None
    numpy_forward: Optional[str] = None
    numpy_da: Optional[str] = None
    numpy_db: Optional[str] = None


TEMPLATES = {
    "+": Row("{a} + {b}", "1.0", "1.0"),
    "*": Row("{a} * {b}", "{b}", "{a}"),
    "/": Row("{a} / {b}", "1.0 / {b}", "(-{out} / {b})"),
    # a ** b has slope 0 in a where b == 0 (a ** 0 is 1 everywhere), not b * a ** -1 = 0 * inf.
    "**": Row("power({a}, {b})", "power_base_derivative({a}, {b})", "{out} * log_of_base({a})"),
    "**0": Row("1.0", "0.0", None, "where({a} == {a}, 1.0, 1.0)"),  # arrays: 1.0 in the input's shape
    "**n": Row("{a} ** {n}", "{n} * {a_n1}"),  # n a whole number >= 1: nothing can fail
    "**x": Row("power({a}, {n})", "{n} * safe_power({a}, {n1})"),  # other constants: checked
    "exp": Row("exp({a})", "{out}"),
    "log": Row("log({a})", "1.0 / {a}"),
    "tanh": Row("tanh({a})", "(1.0 - {out} * {out})"),
    "sigmoid": Row("sigmoid({a})", "{out} * (1.0 - {out})"),
    "relu": Row("0.0 if {a} <= 0.0 else {a}", "(1.0 if {a} > 0.0 else 0.0 if {a} <= 0.0 else nan)", None,
                "where({a} <= 0.0, 0.0, {a})", "where({a} > 0.0, 1.0, where({a} <= 0.0, 0.0, nan))"),
    "abs": Row("abs({a})", "(1.0 if {a} > 0.0 else -1.0 if {a} < 0.0 else 0.0 if {a} == 0.0 else nan)",
               None, None, "sign({a})"),
    "softplus": Row("softplus({a})", "sigmoid({a})"),
    "bce": Row("bce({a}, {b})", "bce_dp({a}, {b})", "bce_dt({a})"),  # PyTorch's BCE and its gradient
    # the first input at a tie (it takes the gradient), nan if either is nan: both tests fail
    "max": Row("{a} if {a} >= {b} else {b} if {b} > {a} else nan",
               "(1.0 if {a} >= {b} else 0.0 if {b} > {a} else nan)",
               "(0.0 if {a} >= {b} else 1.0 if {b} > {a} else nan)",
               "maximum({a}, {b})",
               "where({a} >= {b}, 1.0, where({b} > {a}, 0.0, nan))",
               "where({a} >= {b}, 0.0, where({b} > {a}, 1.0, nan))"),
    "leaky_relu": Row("{a} if {a} > 0.0 else {n} * {a}", "(1.0 if {a} > 0.0 else {n} if {a} <= 0.0 else nan)",
                      None, "where({a} > 0.0, {a}, {n} * {a})", "where({a} > 0.0, 1.0, where({a} <= 0.0, {n}, nan))"),
}
# Names the generated code reads from its namespace (see compile.py), and its own names.
HELPERS = ("exp", "log", "tanh", "sigmoid", "softplus", "bce", "bce_dp", "bce_dt", "power", "safe_power", "log_of_base",
           "power_base_derivative", "maximum", "where", "sign", "total", "zeros", "asarray", "inf", "nan",
           "SEEDS", "zip", "abs", "sum", "map", "mul", "isfinite")
_RESERVED = set(HELPERS) | {"P", "groups", "B", "S", "j", "X", "Y", "y", "step", "x", "t", "g_t", "g_P",
                            "k", "i", "s", "g", "n", "u", "v", "g_u", "CLASSES", "Q", "g_Q"}


def row_key(op):
    """The `TEMPLATES` key for an op: its name, with constants folded into a kind.

    >>> from autograd import Value
    >>> [row_key((Value(2.0) ** n)._op) for n in (0, 2, 0.5, -1)]
    ['**0', '**n', '**x', '**x']
    """
    if op.name.startswith("leaky_relu"):
        return "leaky_relu"
    if op.name.startswith("**") and op.arg is not None:
        n = op.arg
        if n == 0.0:
            return "**0"
        return "**n" if math.isfinite(n) and n >= 1.0 and n.is_integer() else "**x"
    return op.name


def row_for(op):
    """The template row for an op; `CompileError` if the table has none."""
    row = TEMPLATES.get(row_key(op))
    if row is None:
        raise CompileError(f"compile: no code template for op {op.name!r}; add a row to "
                           "autograd.compiler.codegen.TEMPLATES")
    return row


def number(x):
    """A float as Python source: its repr, parenthesized when negative; `inf`, `nan` by name.

    >>> number(0.5), number(-2.0), number(float("-inf"))
    ('0.5', '(-2.0)', '(-inf)')
    """
    if math.isnan(x):
        return "nan"
    text = ("inf" if x > 0.0 else "-inf") if math.isinf(x) else repr(float(x))
    return f"({text})" if text.startswith("-") else text


def render(template, v, ref):
    """Fill a template for node `v`, naming its inputs and result with `ref`."""
    return fill(template, v._op.arg, ref(v._a), ref(v._b) if v._b is not None else "", ref(v))


def fill(template, arg, a, b, out):
    """Fill a template from the texts of the inputs `a`, `b` and the result `out`."""
    return template.format(**template_fields(arg, a, b, out))


def template_fields(arg, a, b, out):
    """The texts a template's fields stand for (see `TEMPLATES`), for an op's constant `arg`."""
    fields = {"a": a, "b": b, "out": out}
    if arg is not None:
        fields["n"], fields["n1"] = number(arg), number(arg - 1.0)
        fields["a_n1"] = a if arg == 2.0 else f"{a} ** {number(arg - 1.0)}"
    return fields


def describe_op(name, out, a, b):
    """`out = relu(a)`, `out = a * b`: an operation in words of code, for comments."""
    if b is not None and not name.startswith("**") or name == "**":
        return f"{out} = {a} {name} {b}" if len(name) <= 2 else f"{out} = {name}({a}, {b})"
    if name.startswith("**"):
        return f"{out} = {a} ** {name[2:]}"
    if "(" in name:  # leaky_relu(0.2)
        base, arg = name[:-1].split("(")
        return f"{out} = {base}({a}, {arg})"
    return f"{out} = {name}({a})"


def line(code, comment=""):
    return f"{code.ljust(38)}  # {comment}" if comment else code


class Namer:
    """Variable names for nodes: cleaned labels where given, else `prefix` + a counter."""

    def __init__(self, taken=()):
        self.taken = set(_RESERVED) | set(taken)
        self.names = {}
        self._count = 0

    def child(self):
        other = Namer(self.taken)
        other.names = dict(self.names)
        return other

    def add(self, node, prefix, label=None):
        """Name `node` after `label` (default: its own label), or `prefix` + a counter."""
        if node in self.names:
            return self.names[node]
        base = _clean(node.label if label is None else label)
        name, k = base, 2
        while name is None or name in self.taken:
            if base is None:
                name = f"{prefix}{self._count}"
                self._count += 1
            else:
                name = f"{base}_{k}"
                k += 1
        self.taken.add(name)
        self.names[node] = name
        return name


def _clean(label):
    """A label as an identifier (None if empty); never a keyword or a gradient's `g_` name."""
    name = re.sub(r"\W", "_", re.sub(r"\.(\d+)", r"\1", label))  # layers.0.w.1 -> layers0_w1
    if not name:
        return None
    # The loop's inputs are x0, x1, ..., y, y0, ...; gradients are g_<name>.
    if name[0].isdigit() or name.startswith("g_") or keyword.iskeyword(name) or re.fullmatch(r"[xy]\d*", name):
        name = "v_" + name
    return name


def forward_lines(nodes, ref, picks=None):
    """One assignment per node, in order. `picks[v] = {operand position: (name, candidates)}`:
    that operand of v is the value a class index `y` picks at run time, candidates[y] (a
    node, or None for a class not seen)."""
    out = []
    for v in nodes:
        template = row_for(v._op).forward
        comment = v._op.name.split("(")[0] if " if " in template else ""  # name what the branch computes
        picked = picks.get(v) if picks else None
        if picked:
            out += [line(f"{name} = {_tuple(['nan' if c is None else ref(c) for c in cands])}[y]",
                         "the value the class index y picks") for name, cands in picked.values()]
        a, b = _operand_texts(v, ref, picked)
        out.append(line(f"{ref(v)} = {fill(template, v._op.arg, a, b, ref(v))}", comment))
    return out


def _tuple(texts):
    return "(" + ", ".join(texts) + ("," if len(texts) == 1 else "") + ")"


def _operand_texts(v, ref, picked):
    texts = [ref(v._a), ref(v._b) if v._b is not None else ""]
    for pos, (name, _) in (picked or {}).items():
        texts[pos] = name
    return texts


def fused_forward_lines(nodes, ref, stored, depth_limit=40):
    """Forward lines where a value read once is written inside the expression that reads it:
    `t3 = (b + w0 * x0) + w1 * x1`. The same operations on the same floats, without storing
    each step (a forward pass alone needs no value twice). `stored(v)`: v must be named."""
    readers = {}
    for v in nodes:
        row = row_for(v._op)
        for x, field in zip(v._prev, ("{a}", "{b}")):
            readers[x] = row.forward.count(field) == 1  # a branch reads its input twice
    inline, depth, out = {}, {}, []

    def text(x):
        return f"({inline[x]})" if x in inline else ref(x)
    for v in nodes:
        d = 1 + max((depth.get(x, 0) for x in v._prev if x in inline), default=0)
        code = render(row_for(v._op).forward, v, text)
        if not stored(v) and readers.get(v) and d < depth_limit:
            inline[v], depth[v] = code, d
        else:
            out.append(f"{ref(v)} = {code}")
    return out


def backward_lines(nodes, ref, gref, wants, accumulates, assigned, picks=None):
    """The chain rule over `nodes`, last first: each wanted input gains d out/d input * g_out.

    `assigned` holds the nodes whose gradient variable exists already (and grows). An operand
    that a class index picks (`picks`, see `forward_lines`) sends its gradient to the value
    picked: `g_pick0` goes into one of the candidates' gradients, chosen by `y`.
    """
    out = []
    for v in reversed(nodes):
        if v not in assigned:
            continue  # no gradient reaches this node, or none is needed from it
        row = row_for(v._op)
        picked = picks.get(v) if picks else None
        a, b = _operand_texts(v, ref, picked)
        g, comment = gref(v), "from " + describe_op(v._op.name, ref(v), a, b if v._b is not None else None)
        for pos, (x, d) in enumerate(zip(v._prev, (row.da, row.db))):
            if not wants(x):
                continue
            term = g if d == "1.0" else f"{fill(d, v._op.arg, a, b, ref(v))} * {g}"
            if picked and pos in picked:
                name, cands = picked[pos]
                out.append(line(f"g_{name} = [0.0] * {len(cands)}", "only the value picked gets a gradient"))
                out.append(line(f"g_{name}[y] = {term}", comment))
                for c, node in enumerate(cands):
                    if node is not None:
                        out.append(accumulate(gref(node), f"g_{name}[{c}]", node, accumulates, assigned))
                continue
            out.append(line(accumulate(gref(x), term, x, accumulates, assigned), comment))
    return out


def accumulate(target, term, x, accumulates, assigned):
    """`g_x += term`, or `g_x = term` the first time x gets a gradient (x joins `assigned`)."""
    if accumulates(x) or x in assigned:
        return f"{target} += {term}"
    assigned.add(x)
    return f"{target} = {term}"
