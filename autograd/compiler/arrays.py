"""Grouping: one sample's scalar operations gathered into array operations.

A layer of 16 neurons makes, for every sample, 16 sums `b + w0*x0 + w1*x1` and 16 relus.
The sums are alike (same operation, inputs from the same places) and independent, so they
are one array operation: `z = x @ W.T + b`; the relus are another: `h = relu(z)`. `group`
finds such groups in a traced sample's graph: chains of `+` are flattened into sums of
terms, terms `weight * value` become matrix products, and operations are grouped by what
they compute and which groups their inputs come from. What does not group stays a group
of one: correct, only slower. Pure Python; the index tables are tuples.
"""
import collections

BATCHED = ("g", "x")  # sources with one row per sample: a group's values, the inputs
WEIGHTS = ("p", "q", "c")  # sources the same for every sample: parameters, their values, constants


class Source:
    """Where one input of a group's members comes from: `kind` ("g" a group, "x" the sample's
    inputs, "p" a parameter, "q" a value of the parameters alone, "c" a constant), the group
    (for "g") and `table`: each member's position in it (for "c": the numbers themselves);
    a tuple of tuples when each member reads several (the terms of a sum)."""

    __slots__ = ("kind", "group", "table")

    def __init__(self, kind, group, table):
        self.kind, self.group, self.table = kind, group, table

    @property
    def batched(self):
        return self.kind == "x" or self.kind == "g" and self.group.batched


class Group:
    """Alike scalar operations of one sample, side by side: one array operation.

    `kind` "op": an elementwise op on `operands` (Sources); "sum": sums of terms, as
    `families` of (values, weights or None): each member adds `c` terms weight * value
    from each family (a matrix product when the weights are parameters)."""

    def __init__(self, gid, kind, key):
        self.gid, self.kind, self.key = gid, kind, key
        self.members = []
        self.operands, self.families = [], []
        self.batched = self.requires = False
        self.name = None

    @property
    def size(self):
        return len(self.members)

    @property
    def op(self):
        return self.members[0]._op


class Block:
    """The groups of one kind of sample in order, and where its outputs sit (Sources)."""

    def __init__(self, groups, outputs, row_len, width):
        self.groups, self.outputs = groups, outputs
        self.row_len, self.width = row_len, width  # width: numbers per sample (row + target)


def group(s, i, row_len, width):
    """The Block of sample i of split `s` (see trace.split): its nodes grouped.

    >>> from autograd import Value
    >>> from autograd.compiler.trace import placeholders, split
    >>> W = [[Value(0.1 * (j + k)) for k in range(3)] for j in range(4)]
    >>> rows, _, where = placeholders([[1.0, 2.0, 3.0]], [None], targets_as_data=False)
    >>> out = sum(sum((w * x for w, x in zip(ws, rows[0])), Value(0.0)).tanh() for ws in W)
    >>> block = group(split(out, [p for ws in W for p in ws], where, 1), 0, 3, 3)
    >>> [(g.kind, g.size) for g in block.groups]    # 4 dot products, 4 tanh, their sum
    [('sum', 4), ('op', 4), ('sum', 1)]
    """
    return group_nodes(s, s.samples[i], s.outputs[i], s.uses, row_len, width)


def group_nodes(s, nodes, outputs, uses, row_len=0, width=0):
    """The Block of `nodes` (topological order) whose `outputs` are read elsewhere; `uses`:
    how many of `nodes` read each node. Without inputs, a block of the parameters alone."""
    out_set, where = set(outputs), s.where
    reader = {}
    for v in nodes:
        for x in v._prev:
            reader[x] = v

    def single_plus_reader(v):  # read once, by an addition, and by nothing else
        return uses.get(v, 0) == 1 and v not in out_set and reader.get(v) is not None \
            and reader[v]._op.name == "+"

    inner = {v for v in nodes if v._op.name == "+" and single_plus_reader(v)}
    chains = _max_chains(s, nodes, out_set, uses)
    groups, member_of, terms_of = _build(s, nodes, inner, single_plus_reader, {})
    if chains:  # keep the chains whose elements all come from one place
        keep = {}
        for top, (elements, eaten) in chains.items():
            places = {member_of[e][0].gid if e in member_of and member_of[e][0].batched else
                      "x" if e in where else None for e in elements}
            if len(places) == 1 and None not in places:
                keep[top] = (elements, eaten)
        chains = keep
        try:
            groups, member_of, terms_of = _build(s, nodes, inner, single_plus_reader, chains)
        except _Uneven:
            groups, member_of, terms_of = _build(s, nodes, inner, single_plus_reader, {})

    def kind(x):
        return "g" if x in member_of else "x" if x in where else "p" if x in s.index else \
            "q" if x in s.qindex else "c"

    def source(xs):
        """A Source for one input of every member (xs), or several (xs: lists)."""
        first = xs[0][0] if isinstance(xs[0], list) else xs[0]
        k = kind(first)
        g = member_of[first][0] if k == "g" else None
        return Source(k, g, tuple(_table(xs, k, member_of, where, s)))

    for g in groups:
        if g.kind == "op":
            g.operands = [source([v._a for v in g.members])]
            if g.members[0]._b is not None:
                g.operands.append(source([v._b for v in g.members]))
        else:
            per_member = [terms_of[v] for v in g.members]
            for f in range(len(per_member[0])):
                values = [[t[0] for t in fams[f]] for fams in per_member]
                weights = [[t[1] for t in fams[f]] for fams in per_member]
                g.families.append((source(values), None if weights[0][0] is None else source(weights)))
        g.requires = any(v in s.requires for v in g.members)
    outs = [source([x]) for x in outputs]
    return Block(groups, outs, row_len, width)


class _Uneven(Exception):
    """A running maximum over values from several places: group it as scalar operations."""


def _build(s, nodes, inner, single_plus_reader, chains):  # noqa: C901 (one pass, in order)
    """(groups, {node: (group, position)}, {sum or max node: its families of terms})."""
    where = s.where
    member_of = {}
    consumed = {x for _, eaten in chains.values() for x in eaten}

    def desc(x):
        if x in member_of:
            return ("g", member_of[x][0].gid)
        return ("x",) if x in where else ("p",) if x in s.index else ("q",) if x in s.qindex else ("c",)

    def product(v):  # weight * value, the weight the same for every sample
        if v._op.name != "*" or not single_plus_reader(v):
            return None
        a, b = v._a, v._b
        ka, kb = _value_kind(a, member_of, where), _value_kind(b, member_of, where)
        if ka and not kb:
            return a, b
        if kb and not ka:
            return b, a
        return None

    groups, by_key, terms_of, absorbed = [], {}, {}, {}
    for v in nodes:
        if v in inner or v in consumed:
            continue
        if v in chains:
            elements = chains[v][0]
            descs = {desc(e) for e in elements}
            if len(descs) != 1:
                raise _Uneven
            key = ("max", (((desc(elements[0]), None), len(elements)),))
            terms_of[v] = [[(e, None) for e in elements]]
        elif product(v) is not None:  # a term of the sum that reads it
            absorbed[v] = product(v)
            continue
        elif v._op.name == "+":
            terms = [absorbed.get(t, (t, None)) for t in _terms(v, inner)]
            families = collections.OrderedDict()
            for value, weight in terms:
                fk = (desc(value), None if weight is None else desc(weight))
                families.setdefault(fk, []).append((value, weight))
            key = ("sum", tuple((fk, len(ts)) for fk, ts in families.items()))
            terms_of[v] = list(families.values())
        else:
            key = ("op", v._op.name, v._op.arg, desc(v._a), None if v._b is None else desc(v._b))
        g = by_key.get(key)
        if g is None:
            g = by_key[key] = Group(len(groups), key[0], key)
            inputs = [d for d in key[3:] if d] if key[0] == "op" else [fk[0] for fk, _ in key[1]]
            g.batched = any(d[0] == "x" or d[0] == "g" and groups[d[1]].batched for d in inputs)
            groups.append(g)
        member_of[v] = (g, g.size)
        g.members.append(v)
    return groups, member_of, terms_of


def _max_chains(s, nodes, out_set, uses):
    """{top: (elements, nodes it replaces)} for each running maximum, `m = max(m, x)` (how nn
    shifts logits before exp) or `m = m + relu(x - m)` (the same, built from relu): the
    maximum of its elements, in array form."""
    const = s.const

    def link(m):  # (previous m, x, the nodes between, how many of them read previous m)
        if m._op is None or m._a is None:
            return None
        if m._op.name == "max":
            return m._a, m._b, (), 1
        if m._op.name != "+":
            return None
        r = m._b
        if r._op is None or r._op.name != "relu" or uses.get(r) != 1:
            return None
        d = r._a
        if d._op is None or d._op.name != "+" or uses.get(d) != 1 or d._b._op is None:
            return None
        neg = d._b
        if neg._op.name != "*" or neg._a is not m._a or const.get(neg._b) != -1.0 or uses.get(neg) != 1:
            return None
        return m._a, d._a, (r, d, neg), 2

    chains, seen = {}, set()
    for v in reversed(nodes):
        if v in seen or link(v) is None:
            continue
        elements, eaten, m = [], [], v
        while True:
            previous, x, between, readers = link(m)
            elements.append(x)
            eaten += between
            if uses.get(previous) == readers and previous not in out_set and previous in s.owner \
                    and link(previous) is not None:
                eaten.append(previous)
                m = previous
            else:
                elements.append(previous)
                break
        seen.update(eaten)
        chains[v] = (elements[::-1], eaten)
    return chains


def _value_kind(x, member_of, where):
    """True for a value that differs from sample to sample (a group member or an input)."""
    return x in where or x in member_of and member_of[x][0].batched


def _terms(root, inner):
    """The terms of the sum that `root` ends, left to right (chains of + flattened)."""
    out, stack = [], [root._b, root._a]
    while stack:
        x = stack.pop()
        if x in inner:
            stack.append(x._b)
            stack.append(x._a)
        else:
            out.append(x)
    return out


def _table(xs, k, member_of, where, s):
    def pos(x):
        if k == "g":
            return member_of[x][1]
        if k == "x":
            return where[x][1]
        if k == "p":
            return s.index[x]
        if k == "q":
            return s.qindex[x]
        return s.const[x]
    return [tuple(pos(x) for x in x_) if isinstance(x_, list) else pos(x_) for x_ in xs]


def shape_key(block, static_only):
    """What must be equal for two kinds of samples to share one block of array code.

    Tables of batched inputs of elementwise ops, of single terms and of outputs may differ
    (each sample then gathers with its own index: a class index picking a logit); with
    `static_only`, or anywhere else, they must be equal."""
    key = []
    for g in block.groups:
        parts = [g.key, g.size]
        for o in g.operands:
            parts.append(_flex(o, static_only))
        for values, weights in g.families:
            single = isinstance(values.table[0], tuple) and len(values.table[0]) == 1
            parts.append(_flex(values, static_only or not single or weights is not None and weights.kind != "c"))
            parts.append(None if weights is None else weights.table)
        key.append(tuple(parts))
    key.append(tuple(_flex(o, static_only) for o in block.outputs))
    return tuple(key)


def _flex(src, static_only):
    if src.batched and not static_only and len(set(flat(src.table))) == len(flat(src.table)):
        return (src.kind, src.group and src.group.gid, "per sample")
    return (src.kind, src.group and src.group.gid, src.table)


def flat(table):
    """A table's positions as one tuple."""
    return tuple(p for row in table for p in row) if isinstance(table[0], tuple) else table
