"""Array code for sums and maxima inside a sample: matrix products, row sums, row maxima.

A group of sums adds families of terms (see arrays.Group); each family becomes one array
expression — `x @ W.T` when the weights are parameters and every member reads a whole group,
`row_sum(e)` for plain terms, a gathered product summed over its last axis otherwise — and
its backward the matching lines (`g_W = g_z.T @ x`, `g_x = g_z @ W`).
"""
from .array_names import indexed
from .codegen import line, number


class SumWriter:
    """The sum and max groups of BlockWriter (which provides gather, send, _own, _bound)."""

    def _sum(self, k, g):
        name = self.gname[g.gid]
        number_of = name[1:] if name[0] in "zs" else ""
        parts, steps = [], []
        for f, (values, weights) in enumerate(g.families):
            vpath = (lambda b, k=k, f=f: b.groups[k].families[f][0])
            wpath = (lambda b, k=k, f=f: b.groups[k].families[f][1])
            c = len(values.table[0])
            if c == 1:
                expr, step = self._single_term(values, weights, vpath, wpath, number_of, name, g)
            elif weights is None:
                expr, step = self._plain(values, vpath, name, g)
            else:
                expr, step = self._dot(values, weights, vpath, wpath, number_of, name, g)
            parts.append(expr)
            steps.append(step)
        terms = sum(len(v.table[0]) for v, _ in g.families)
        wide = any(len(v.table[0]) > 1 or self.wide(vp) or w is not None and self.wide(wp)
                   for (v, w), vp, wp in zip(g.families, *self._paths(k, g)))
        code = f"{name} = {' + '.join(parts)}"
        if not wide and g.size > 1:  # every term broadcasts: give the group its width
            code = f"{name} = widen({' + '.join(parts)}, {g.size})"
        self.forward.append(line(code, f"{g.size} scalar sums of {terms} terms: "
                                  f"{g.size * (terms - 1)} + and {_products(g)} *"))

        def backward():
            if g.requires:
                for step in steps:
                    step()
        self.backward_steps.append((g, backward, f"from {code}"))

    def _max(self, k, g):
        name, (values, _) = self.gname[g.gid], g.families[0]
        array, size, table = self._columns(values)
        c = len(table[0])
        target = f"g_{array}"
        if g.size == 1 and table[0] == tuple(range(size)):
            code, grad = f"{name} = row_max({array})", f"add_to_max({target}, {array}, g_{name})"
        else:
            index = self.names.const("index", table)
            code = f"{name} = last_max({array}[:, {index}])"
            grad = f"add_to_max_at({target}, {array}, {index}, g_{name})"
        k = (c - 1) * g.size
        replaced = f"max(m, x) over {c} values: {k} max" if g.members[0]._op.name == "max" else \
            f"m + relu(x - m) over {c} values: {k} relu, {2 * k} + and {k} *"
        self.forward.append(line(code, f"{g.size} running maxima m = {replaced}"))

        def backward():
            if g.requires and values.kind == "g" and values.group.requires:
                self._own(target, size, True)
                self.backward.append(grad)  # the first largest value takes the gradient, as in the engine
        self.backward_steps.append((g, backward, f"from {code}"))

    def _single_term(self, values, weights, vpath, wpath, number_of, name, g):
        if weights is None:
            v = self.gather(values, vpath, single=True)
            if values.kind == "p" and name[0] == "z":  # a bias
                v = self._bound(self.gather(values, vpath, single=True), f"b{number_of}", force=True)
            v = self._bound(v, f"{name}_in")
            return v, lambda: self.send(values, vpath, f"g_{name}", g.batched, single=True)
        v = self._bound(self.gather(values, vpath, single=True), f"{name}_in")
        w = self._bound(self.gather(weights, wpath, single=True), f"{name}_w")

        def step():
            self.send(values, vpath, f"{w} * g_{name}", g.batched, single=True)
            self.send(weights, wpath, f"{v} * g_{name}", g.batched, single=True)
        return f"{w} * {v}", step

    def _plain(self, values, vpath, name, g):
        table = values.table
        if values.kind == "c":
            sums = tuple(sum(r) for r in table)  # constants added in another order: same to an ulp
            return (number(sums[0]) if len(set(sums)) == 1 else self.names.const("array", sums)), lambda: None
        array, size, table = self._columns(values)
        # all of a group's values (or a row's inputs) summed in order: one row_sum; parameters
        # summed so take the general path below, which sends them their gradient
        if g.size == 1 and table[0] == tuple(range(size)) and values.kind in ("g", "x"):
            def step():
                if values.kind == "g" and values.group.requires:
                    self._own(f"g_{array}", size, values.batched)
                    # terms shared by every sample (read from parameters only) gain the sum of
                    # the samples' gradients, as `send` adds them
                    g_sum = f"g_{name}" if values.batched or not g.batched else f"batch_sum(g_{name})"
                    self.backward.append(f"g_{array} += {g_sum}")
            return f"row_sum({array})", step
        v = indexed(array, size, table, values.batched, self.names)
        # every term gets the sum's gradient: spelled out in full, so that repeated positions add up
        term = f"widen(g_{name}[..., None], {len(table[0])})"
        return f"last_sum({v})", lambda: self.send(values, vpath, term, g.batched)

    def _dot(self, values, weights, vpath, wpath, number_of, name, g):
        array, size, table = self._columns(values)
        w = self._bound(self.gather(weights, wpath), f"W{number_of}", force=True)
        rows = set(table)
        if len(rows) == 1 and values.batched and len(set(table[0])) == len(table[0]):
            (row,) = rows
            v = self._bound(indexed(array, size, row, True, self.names, exact=True), f"{name}_in")

            def step():
                g_w = f"g_{w}"
                self.backward.append(f"{g_w} = g_{name}.T @ {v}")
                self.send(weights, wpath, g_w, False)
                if values.kind == "g" and values.group.requires:
                    self._send_row(values, row, f"g_{name} @ {w}", size)
            return f"{v} @ {w}.T", step
        v = indexed(array, size, table, values.batched, self.names)

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
        self.backward.append(f"{indexed(target, size, row, True, self.names)} += {term}")


def _products(g):
    return sum(len(v.table[0]) for v, w in g.families if w is not None) * g.size
