"""Array code for a Block of groups: one line per group forward, the chain rule backward.

Rows are samples (the leading axis), columns a group's members. Inputs are gathered from
their sources with slices where the positions allow (`P[0:32].reshape(16, 2)`), else with
index tables kept in the namespace (`I3`); gradients go back the same way (`g_P[...] +=`).
"""
import re

from .arrays import flat
from .codegen import number, row_for, row_key

_ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "softplus")


class Names:
    """Unique names for the generated code, and its constants (index tables, numbers)."""

    def __init__(self, taken):
        self.taken = set(taken)
        self.counts = {}
        self.consts = {}  # name -> ("index" | "array", nested tuples)

    def new(self, prefix, numbered=True):
        while True:
            k = self.counts.get(prefix, 0) + 1
            self.counts[prefix] = k
            name = f"{prefix}{k}" if numbered or k > 1 else prefix
            if name not in self.taken:
                self.taken.add(name)
                return name

    def const(self, kind, data):
        for name, value in self.consts.items():
            if value == (kind, data):
                return name
        name = self.new("I" if kind == "index" else "C")
        self.consts[name] = (kind, data)
        return name


class BlockWriter:
    """Forward and backward lines of one block; `blocks` has one Block per merged kind of
    sample (same shapes, index tables that may differ: then each sample gathers with `V`)."""

    def __init__(self, blocks, names, sizes):
        self.blocks, self.names, self.sizes = blocks, names, sizes  # sizes: {"p": n, "q": n}
        self.first = blocks[0]
        self.forward, self.backward = [], []
        self.gname, self.state = {}, {}  # group -> name; gradient array -> None/"alias"/"owned"
        self.per_sample = self.joined = False
        self.q_used = set()
        for g in self.first.groups:
            self.gname[g.gid] = names.new(_prefix(g))

    # ----- where inputs come from ------------------------------------------------------
    def _array(self, src):
        if src.kind == "g":
            return self.gname[src.group.gid], src.group.size
        if src.kind == "x":
            return "x", self.first.width
        if src.kind == "q":
            self.q_used.update(flat(src.table))
        return src.kind.upper(), self.sizes[src.kind]

    def _inputs(self, tables):
        """(name, width, tables) of the input columns: `x` the row, `y` the target, `xy` both."""
        row_len, positions = self.first.row_len, [p for t in tables for p in flat(t)]
        if all(p < row_len for p in positions):
            return "x", row_len, tables
        if all(p >= row_len for p in positions):
            return "y", self.first.width - row_len, [_shift(t, -row_len) for t in tables]
        self.joined = True
        return "xy", self.first.width, tables

    def _columns(self, values):
        """(array, its width, table) for the values of a family of terms."""
        if values.kind == "x":
            name, size, (table,) = self._inputs([values.table])
            return name, size, table
        return self._array(values) + (values.table,)

    def _tables(self, path):
        """The table at `path` in every merged block (path: a function Block -> Source)."""
        return [path(b).table for b in self.blocks]

    def gather(self, src, path, single=False):
        """An expression for src's values at its table: (n, J) batched, (J,) if not.
        `single`: the table has one position per member, as 1-tuples (a sum's lone term)."""
        tables = [_single(t) if single else t for t in self._tables(path)]
        if src.kind == "c":
            values = flat(tables[0])
            if len(set(values)) == 1 and not isinstance(tables[0][0], tuple):
                return number(values[0])
            return self.names.const("array", tables[0])
        name, size = self._array(src)
        if src.kind == "x":
            name, size, tables = self._inputs(tables)
        if any(t != tables[0] for t in tables):
            self.per_sample = True
            return f"{name}[R, {self.names.const('index', tuple(tables))}[V]]"
        return _indexed(name, size, tables[0], src.batched, self.names)

    # ----- where gradients go --------------------------------------------------------------
    def send(self, src, path, term, term_batched, single=False):
        """Lines adding `term` (d loss / d each member's input) into src's gradient."""
        if src.kind in ("x", "c"):
            return
        if src.kind == "g" and not src.group.requires:
            return
        name, size = self._array(src)
        target, batched = f"g_{name}", src.batched
        if term_batched and not batched:
            term = f"batch_sum({term})"
        tables = [_single(t) if single else t for t in self._tables(path)]
        table = tables[0]
        if src.kind == "g" and any(t != table for t in tables):
            self._own(target, size, batched)
            self.per_sample = True
            self.backward.append(f"{target}[R, {self.names.const('index', tuple(tables))}[V]] += {term}")
            return
        if src.kind == "g" and table == tuple(range(size)):
            if self.state.get(target) is None:
                self.backward.append(f"{target} = {term}")
                self.state[target] = "alias" if term.isidentifier() else "owned"
            else:
                self.backward.append(f"{target} = {target} + {term}")
                self.state[target] = "owned"
            return
        if src.kind == "g":
            self._own(target, size, batched)
        positions = flat(table)
        if len(set(positions)) == 1:  # every member reads the same one
            self.backward.append(f"{target}[{':, ' if batched else ''}{positions[0]}] += "
                                 f"{'rows_total' if batched else 'total'}({term})")
        elif len(set(positions)) < len(positions):
            index = self.names.const("index", table)
            self.backward.append(f"add_at({target}, {index}, {term})" if not batched
                                 else f"add_at_columns({target}, {index}, {term})")
        else:
            place = _indexed(target, size, table, batched, self.names)
            if place.endswith(")"):  # a whole reshaped slice: add to the slice itself
                place, term = place[:place.index(".reshape")], f"({term}).reshape(-1)"
            self.backward.append(f"{place} += {term}")

    def _own(self, target, size, batched):
        state = self.state.get(target)
        if state is None:
            shape = f"(n, {size})" if batched else f"({size},)"
            self.backward.append(f"{target} = zeros({shape})")
        elif state == "alias":
            self.backward.append(f"{target} = copy({target})")
        self.state[target] = "owned"

    # ----- the groups --------------------------------------------------------------------
    def write(self):
        for k, g in enumerate(self.first.groups):
            {"op": self._op, "sum": self._sum, "max": self._max}[g.kind](k, g)
        return self

    def _op(self, k, g):
        name, row = self.gname[g.gid], row_for(g.op)
        args = []
        for m, o in enumerate(g.operands):
            args.append(self._bound(self.gather(o, lambda b, k=k, m=m: b.groups[k].operands[m]), f"{name}_in"))
        fields = _fields(g.op, args, name)
        template = row.numpy_forward or row.forward
        op = g.op.name.split("(")[0]
        what = f" {op} ".join(map(_member, args)) if op in ("+", "*", "**") else \
            f"{_member(args[0])} ** {op[2:]}" if op.startswith("**") else f"{op}({', '.join(map(_member, args))})"
        self.forward.append(_line(f"{name} = {template.format(**fields)}",
                                  f"{g.size} scalar ops {name}[k] = {what}"))
        g.forward_args = args

        def backward():
            if not g.requires:
                return
            derivs = (row.numpy_da or row.da, row.db)
            for m, (o, d) in enumerate(zip(g.operands, derivs)):
                term = f"g_{name}" if d == "1.0" else f"{d.format(**fields)} * g_{name}"
                self.send(o, lambda b, k=k, m=m: b.groups[k].operands[m], term, g.batched)
        self.backward_steps.append((g, backward, f"from {name} = {template.format(**fields)}"))

    def _sum(self, k, g):
        name = self.gname[g.gid]
        number_of = name[1:] if name[0] in "zs" else ""
        parts, steps = [], []
        for f, (values, weights) in enumerate(g.families):
            vpath = (lambda b, k=k, f=f: b.groups[k].families[f][0])
            wpath = (lambda b, k=k, f=f: b.groups[k].families[f][1])
            c = len(values.table[0])
            if c == 1:
                expr, step = self._single(values, weights, vpath, wpath, number_of, name, g)
            elif weights is None:
                expr, step = self._plain(values, vpath, name, g)
            else:
                expr, step = self._dot(values, weights, vpath, wpath, number_of, name, g)
            parts.append(expr)
            steps.append(step)
        terms = sum(len(v.table[0]) for v, _ in g.families)
        code = f"{name} = {' + '.join(parts)}"
        self.forward.append(_line(code, f"{g.size} scalar sums of {terms} terms: "
                                  f"{g.size * (terms - 1)} + and {_products(g)} *"))

        def backward():
            if g.requires:
                for step in steps:
                    step()
        self.backward_steps.append((g, backward, f"from {code}"))

    def _max(self, k, g):
        name, (values, _) = self.gname[g.gid], g.families[0]
        array, size = self._array(values)
        c = len(values.table[0])
        target = f"g_{array}"
        if g.size == 1 and values.table[0] == tuple(range(size)):
            code, grad = f"{name} = row_max({array})", f"add_to_max({target}, {array}, g_{name})"
        else:
            index = self.names.const("index", values.table)
            code = f"{name} = last_max({array}[:, {index}])"
            grad = f"add_to_max_at({target}, {array}, {index}, g_{name})"
        self.forward.append(_line(code, f"{g.size} running maxima m = m + relu(x - m) over {c} values: "
                                        f"{(c - 1) * g.size} relu, {2 * (c - 1) * g.size} + and {(c - 1) * g.size} *"))

        def backward():
            if g.requires and values.kind == "g" and values.group.requires:
                self._own(target, size, True)
                self.backward.append(grad)  # the first largest value takes the gradient, as in the engine
        self.backward_steps.append((g, backward, f"from {code}"))

    def _single(self, values, weights, vpath, wpath, number_of, name, g):
        if weights is None:
            v = self.gather(values, vpath, single=True)
            if values.kind == "p" and g.size > 1 and name[0] == "z":
                v = self._bound(self.gather(values, vpath, single=True), f"b{number_of}", force=True)
            v = self._bound(v, f"{name}_in")
            return v, lambda: self.send(values, vpath, f"g_{name}", g.batched, single=True)
        v = self._bound(self.gather(values, vpath, single=True), f"{name}_in")
        w = self._bound(self.gather(weights, wpath, single=True), f"{name}_w")

        def step():
            self.send(values, vpath, f"{w} * g_{name}", g.batched, single=True)
            self.send(weights, wpath, f"{v} * g_{name}", g.batched, single=True)
        return f"{w} * {v}", step

    def _bound(self, expr, prefix, force=False):
        """`expr`, or a new name bound to it in the forward lines if it is not a plain name."""
        if _simple(expr) and not force:
            return expr
        name = self.names.new(prefix, numbered=not force)
        self.forward.append(f"{name} = {expr}")
        return name

    def _plain(self, values, vpath, name, g):
        table = values.table
        if values.kind == "c":
            sums = tuple(sum(r) for r in table)  # constants added in another order: same to an ulp
            return (number(sums[0]) if len(set(sums)) == 1 else self.names.const("array", sums)), lambda: None
        array, size, table = self._columns(values)
        if g.size == 1 and table[0] == tuple(range(size)):
            def step():
                if values.kind == "g" and values.group.requires:
                    self._own(f"g_{array}", size, values.batched)
                    self.backward.append(f"g_{array} += g_{name}")
            return f"row_sum({array})", step
        v = _indexed(array, size, table, values.batched, self.names)
        return f"last_sum({v})", lambda: self.send(values, vpath, f"g_{name}[..., None]", g.batched)

    def _dot(self, values, weights, vpath, wpath, number_of, name, g):
        array, size, table = self._columns(values)
        w = self._bound(self.gather(weights, wpath), f"W{number_of}", force=True)
        rows = set(table)
        if len(rows) == 1 and values.batched:
            (row,) = rows
            v = self._bound(_indexed(array, size, row, True, self.names), f"{name}_in")

            def step():
                g_w = f"g_{w}"
                self.backward.append(f"{g_w} = g_{name}.T @ {v}")
                self.send(weights, wpath, g_w, False)
                if values.kind == "g" and values.group.requires:
                    self._send_row(values, row, f"g_{name} @ {w}", size)
            return f"{v} @ {w}.T", step
        v = _indexed(array, size, table, values.batched, self.names)

        def step():
            axis = "batch_sum(" if values.batched else "("
            self.send(weights, wpath, f"{axis}{v} * g_{name}[..., None])", False)
            self.send(values, vpath, f"{w} * g_{name}[..., None]", g.batched)
        return f"last_sum({v} * {w})", step

    def _send_row(self, values, row, term, size):
        target = f"g_{self.gname[values.group.gid]}"
        if row == tuple(range(size)):
            if self.state.get(target) is None:
                self.backward.append(f"{target} = {term}")
                self.state[target] = "owned"
            else:
                self.backward.append(f"{target} = {target} + {term}")
            return
        self._own(target, size, True)
        self.backward.append(f"{_indexed(target, size, row, True, self.names)} += {term}")

    backward_steps = None

    def lines(self, store, seeds):
        """(forward lines + stores of the outputs, backward lines from the seeds).

        store: "B[j] = {}" for each output; seeds: d loss / d each output (None: none)."""
        self.backward_steps = []
        self.write()
        forward = self.forward + [self._store(o, code) for o, code in enumerate(store)]
        for o, term in enumerate(seeds):
            if term is not None:
                src = self.first.outputs[o]
                self.send(src, lambda b, o=o: b.outputs[o], term, src.batched)
        for g, step, comment in reversed(self.backward_steps):
            if self.state.get(f"g_{self.gname[g.gid]}") is None:
                continue
            start = len(self.backward)
            step()
            if len(self.backward) > start:
                self.backward[start] = _line(self.backward[start], comment)
        return forward, self.backward

    def _store(self, o, code):
        src = self.first.outputs[o]
        expr = self.gather(src, lambda b: b.outputs[o])
        if src.batched:
            match = re.fullmatch(r"(\w+)\[:, (\d+):\d+\]", expr)
            expr = f"{match[1]}[:, {match[2]}]" if match else f"{expr}[:, 0]"
        elif expr.isidentifier():
            expr = f"{expr}[0]"  # the one value of a group of one
        return code.format(expr)


class _Const:
    """A Source of constants built here (sums of constant terms)."""
    kind, group, batched = "c", None, False

    def __init__(self, table):
        self.table = table


def _shift(table, by):
    return tuple(_shift(r, by) if isinstance(r, tuple) else r + by for r in table)


def _single(table):
    """A table of 1-tuples as a table of positions."""
    return tuple(r[0] for r in table) if isinstance(table[0], tuple) else table


def _indexed(name, size, table, batched, names):
    """`name` at the positions `table` (along the columns if batched), by slice if possible."""
    lead = ":, " if batched else ""
    if isinstance(table[0], tuple):
        rows, width = len(table), len(table[0])
        starts = [r[0] for r in table]
        if all(r == tuple(range(r[0], r[0] + width)) for r in table) and not batched:
            stride = starts[1] - starts[0] if rows > 1 else width
            if all(b - a == stride for a, b in zip(starts, starts[1:])) and stride >= width \
                    and starts[0] + rows * stride <= size:
                end = starts[0] + rows * stride
                view = f"{name}[{starts[0]}:{end}].reshape({rows}, {stride})"
                return view if stride == width else f"{view}[:, :{width}]"
        return f"{name}[{lead}{names.const('index', table)}]"
    if table == tuple(range(size)):
        return name
    if len(set(table)) == 1 and size == 1 and batched:
        return name  # one column: broadcasts as it is
    if len(set(table)) == 1:
        k = table[0]
        return f"{name}[{lead}{k}:{k + 1}]"  # one column (one value), broadcast over the group
    step = table[1] - table[0]
    if step > 0 and all(b - a == step for a, b in zip(table, table[1:])):
        end = table[-1] + 1
        return f"{name}[{lead}{table[0]}:{end}{'' if step == 1 else f':{step}'}]"
    return f"{name}[{lead}{names.const('index', table)}]"


def _fields(op, args, out):
    fields = {"a": args[0], "b": args[1] if len(args) > 1 else "", "out": out}
    if op.arg is not None:
        fields["n"], fields["n1"] = number(op.arg), number(op.arg - 1.0)
        fields["a_n1"] = args[0] if op.arg == 2.0 else f"{args[0]} ** {number(op.arg - 1.0)}"
    return fields


def _prefix(g):
    if g.kind == "sum":
        return "z" if any(w is not None and w.kind == "p" and len(v.table[0]) > 1 for v, w in g.families) else "s"
    if g.kind == "max":
        return "m"
    key = row_key(g.op)
    return "h" if key in _ACTIVATIONS else "e" if key == "exp" else "t"


def _products(g):
    return sum(len(v.table[0]) for v, w in g.families if w is not None) * g.size


def _simple(expr):
    return expr.replace("_", "a").isalnum() or expr.startswith("(") or "[" not in expr and "(" not in expr


def _member(expr):
    return f"{expr}[k]" if expr.replace("_", "a").isalnum() and not expr[0].isdigit() else expr


def _line(code, comment):
    return f"{code.ljust(38)}  # {comment}" if comment else code
