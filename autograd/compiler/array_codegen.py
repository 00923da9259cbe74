"""Array code for a Block of groups: one line per group forward, the chain rule backward.

Rows are samples (the leading axis), columns a group's members. Inputs are gathered from
their sources with slices where the positions allow (`P[0:32].reshape(16, 2)`), else with
index tables kept in the namespace (`I3`); gradients go back the same way (`g_P[...] +=`).
"""
import re

from .array_names import indexed, shift, simple, single_positions
from .array_sums import SumWriter
from .arrays import flat
from .codegen import line, number, row_for, row_key, template_fields

_ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "softplus")


class BlockWriter(SumWriter):
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
            return "y", self.first.width - row_len, [shift(t, -row_len) for t in tables]
        self.joined = True
        return "xy", self.first.width, tables

    def _bound(self, expr, prefix, force=False):
        """`expr`, or a new name bound to it in the forward lines if it is not a plain name."""
        if simple(expr) and not force:
            return expr
        name = self.names.new(prefix, numbered=not force)
        self.forward.append(f"{name} = {expr}")
        return name

    def _columns(self, values):
        """(array, its width, table) for the values of a family of terms."""
        if values.kind == "x":
            name, size, (table,) = self._inputs([values.table])
            return name, size, table
        return self._array(values) + (values.table,)

    def wide(self, path):
        """True if the source at `path` gives each member its own column (not one to broadcast)."""
        tables = self._tables(path)
        return any(t != tables[0] for t in tables) or len(set(flat(tables[0]))) > 1

    @staticmethod
    def _paths(k, g):
        """For each family of sum group k: the paths of its values and of its weights."""
        return ([lambda b, k=k, f=f: b.groups[k].families[f][0] for f in range(len(g.families))],
                [lambda b, k=k, f=f: b.groups[k].families[f][1] for f in range(len(g.families))])

    def _tables(self, path):
        """The table at `path` in every merged block (path: a function Block -> Source)."""
        return [path(b).table for b in self.blocks]

    def gather(self, src, path, single=False):
        """An expression for src's values at its table: (n, J) batched, (J,) if not.
        `single`: the table has one position per member, as 1-tuples (a sum's lone term)."""
        tables = [single_positions(t) if single else t for t in self._tables(path)]
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
        return indexed(name, size, tables[0], src.batched, self.names)

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
        tables = [single_positions(t) if single else t for t in self._tables(path)]
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
            place = indexed(target, size, table, batched, self.names)
            if place.endswith(")"):  # a reshaped slice: add through a view of all of it
                place += "[:]"
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
        fields = template_fields(g.op.arg, args[0], args[1] if len(args) > 1 else "", name)
        template = row.numpy_forward or row.forward
        if g.size > 1 and not any(self.wide(lambda b, k=k, m=m: b.groups[k].operands[m])
                                  for m in range(len(g.operands))):
            template = f"widen({template}, {g.size})"  # every input broadcasts: the group's width
        op = g.op.name.split("(")[0]
        what = f" {op} ".join(map(_member, args)) if op in ("+", "*", "**", "/") else \
            f"{_member(args[0])} ** {op[2:]}" if op.startswith("**") else f"{op}({', '.join(map(_member, args))})"
        self.forward.append(line(f"{name} = {template.format(**fields)}",
                                  f"{g.size} scalar ops {name}[k] = {what}"))

        def backward():
            if not g.requires:
                return
            derivs = (row.numpy_da or row.da, row.numpy_db or row.db)
            for m, (o, d) in enumerate(zip(g.operands, derivs)):
                term = f"g_{name}" if d == "1.0" else f"{d.format(**fields)} * g_{name}"
                self.send(o, lambda b, k=k, m=m: b.groups[k].operands[m], term, g.batched)
        self.backward_steps.append((g, backward, f"from {name} = {template.format(**fields)}"))

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
                self.backward[start] = line(self.backward[start], comment)
        return forward, self.backward

    def _store(self, o, code):
        src = self.first.outputs[o]
        expr = self.gather(src, lambda b: b.outputs[o])
        if src.batched:
            match = re.fullmatch(r"(\w+)\[:, (\d+):\d+\]", expr)
            expr = f"{match[1]}[:, {match[2]}]" if match else f"{expr}[:, 0]"
        elif expr.isidentifier():
            expr = f"{expr}[0]"  # the one value of a group of one
        elif src.kind != "c":  # one member of a bigger group: a slice of one (w ** 2 + b ** 2)
            match = re.fullmatch(r"(\w+)\[(\d+):\d+\]", expr)
            expr = f"{match[1]}[{match[2]}]" if match else f"{expr}[0]"
        return code.format(expr)


def _prefix(g):
    if g.kind == "sum":
        return "z" if any(w is not None and w.kind == "p" and len(v.table[0]) > 1 for v, w in g.families) else "s"
    if g.kind == "max":
        return "m"
    key = row_key(g.op)
    return "h" if key in _ACTIVATIONS else "e" if key == "exp" else "t"


def _member(expr):
    return f"{expr}[k]" if expr.replace("_", "a").isalnum() and not expr[0].isdigit() else expr
