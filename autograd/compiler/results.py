"""A forward pass alone (`compile(..., backward=False)`): each row's results, split as a loss is.

`split_results` joins every row's results into one made-up reduction, so that `split`
can cut the graph as it cuts a loss's; then puts back what that reduction took.
"""
from .. import grad_mode
from ..value import Value
from .trace import CompileError, split


def split_results(out, params, where, n):
    """Split a forward-only function's per-row results: each one read by a made-up reduction."""
    if not isinstance(out, (list, tuple)) or len(out) != n:
        raise TypeError("compile(backward=False): the function must return one Value (or list of Values) "
                        f"per row, {n} in all; got {type(out).__name__}")
    mark = Value(1.0)
    where = dict(where)
    where[mark] = (n, 0)  # a sample of its own, so that `value * mark` mixes samples
    shapes, rows, terms, root = [], [], set(), None
    with grad_mode.enable_grad():
        for i, item in enumerate(out):
            values = list(item) if isinstance(item, (list, tuple)) else [item]
            shapes.append(len(values) if isinstance(item, (list, tuple)) else None)
            rows.append(values)
            for v in values:
                if not isinstance(v, Value):
                    raise TypeError(f"compile(backward=False): row {i}'s result holds a "
                                    f"{type(v).__name__}, not a Value")
                term = v * mark
                terms.add(term)
                root = term if root is None else root + term
    s = split(root, params, where, n + 1)
    _results_of_parameters(s, rows, terms, n)
    del s.samples[n], s.outputs[n]
    for i, values in enumerate(rows):
        for v in values:
            if s.owner[v] not in (None, i):
                raise CompileError(f"compile(backward=False): row {i}'s result depends on other rows; "
                                   "each row's result must be computed from that row (and the parameters) alone")
        s.outputs[i] = values  # as returned: in order, a Value twice if it is there twice
    s.shapes = shapes
    return s


def _results_of_parameters(s, rows, terms, n):
    """A row's result computed from the parameters alone went to the made-up sample `n` (its
    only reader). Give it back, with the parameter-only values it reads: to its row when one
    row alone reaches it (so every row has the same graph), else to the values computed once."""
    moved = {v for v in s.samples[n] if v not in terms}
    if not moved:
        return
    reached = {}  # moved value -> the rows whose results reach it
    for i, values in enumerate(rows):
        stack = [v for v in values if v in moved]
        seen = set()
        while stack:
            v = stack.pop()
            if v not in seen:
                seen.add(v)
                reached.setdefault(v, set()).add(i)
                stack += [x for x in (v._a, v._b) if x in moved]
    shared = []  # (the made-up sample's own sums are reached by no row: they go with it)
    for v in sorted(reached, key=s.position.__getitem__):
        (row,) = reached[v] if len(reached[v]) == 1 else (None,)
        s.owner[v] = row
        if row is None:
            shared.append(v)
        else:
            s.samples[row].append(v)
            for x in (v._a, v._b):
                if x in reached:
                    s.uses[x] = s.uses.get(x, 0) + 1
    for row in {r for rows_of in reached.values() for r in rows_of}:
        s.samples[row].sort(key=s.position.__getitem__)
    if shared:
        s.param_nodes = sorted(s.param_nodes + shared, key=s.position.__getitem__)
        s.qindex = {v: k for k, v in enumerate(s.param_nodes)}
