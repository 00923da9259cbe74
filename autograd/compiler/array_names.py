"""Names in the array code, and where values sit: slices, reshaped views or index tables.

A group's members read their inputs at positions (a table); `indexed` writes the cheapest
expression for them: the array itself, a slice, a reshaped view of the parameters, else an
index array kept as a constant of the generated code (`I3`).
"""


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



def shift(table, by):
    return tuple(shift(r, by) if isinstance(r, tuple) else r + by for r in table)


def single_positions(table):
    """A table of 1-tuples as a table of positions."""
    return tuple(r[0] for r in table) if isinstance(table[0], tuple) else table


def indexed(name, size, table, batched, names, exact=False):
    """`name` at the positions `table` (along the columns if batched), by slice if possible;
    one repeated position is one column (it broadcasts) unless `exact`."""
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
    if len(set(table)) == 1 and size == 1 and batched and not exact:
        return name  # one column: broadcasts as it is
    if len(set(table)) == 1 and not exact:
        k = table[0]
        return f"{name}[{lead}{k}:{k + 1}]"  # one column (one value), broadcast over the group
    step = table[1] - table[0]
    if step > 0 and all(b - a == step for a, b in zip(table, table[1:])):
        end = table[-1] + 1
        return f"{name}[{lead}{table[0]}:{end}{'' if step == 1 else f':{step}'}]"
    return f"{name}[{lead}{names.const('index', table)}]"


def simple(expr):
    return expr.replace("_", "a").isalnum() or expr.startswith("(") or "[" not in expr and "(" not in expr
