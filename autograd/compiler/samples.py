"""Kinds of samples: which samples of a traced batch build the same graph, so share one code.

Samples with the same structure (row length, target kind) must build the same graph;
otherwise the function reads the data while it builds the graph, and cannot be replayed.
Sums over the batch blur the border between a sample and the reduction: `sum(losses)`
starts with `0 + loss_0`, and a loss that sums its terms starts with `term_0 + term_1` of
the first sample. `group` moves such additions into the reduction before comparing.
"""
from .trace import MULTI, CompileError


def group(s, skeys, numbers=None, shared=None, peel=True):
    """([(sample, signature)] for each kind of sample, {structure key: kind index}).

    Raises CompileError if two samples of the same structure build different graphs
    (`numbers`: the samples' numbers in the user's batch, for the message). Signatures
    made with one `shared` dict share their equal entries (see `signature`). `peel=False`
    (a forward pass alone) moves nothing into a reduction.

    >>> from autograd import Value
    >>> from autograd.compiler.trace import placeholders, split
    >>> w = Value(0.5)
    >>> rows, _, where = placeholders([[1.0], [2.0]], [None, None], targets_as_data=False)
    >>> s = split(sum(w * r[0] for r in rows), [w], where, 2)   # sum() adds 0 + the first
    >>> kinds, kind_of = group(s, [(1, "x"), (1, "x")])
    >>> len(kinds), [len(part) for part in s.samples], len(s.reduce_nodes)
    (1, [1, 1], 2)
    """
    members = {}
    for i, k in enumerate(skeys):
        members.setdefault(k, []).append(i)
    sigs, moved = [None] * len(skeys), []
    for i in range(len(skeys) if peel else 0):  # (a forward pass alone has no reduction to move into)
        while _peel(s, i, moved, identities_only=True):
            pass
    for k, same in members.items():
        for i in same:
            sigs[i] = signature(s, i, shared)
        first = {i: sigs[i] for i in same}  # (what the message compares: before moving anything)
        ref = min((sigs[i] for i in same), key=len)  # the one with nothing to move
        for i in same:
            while sigs[i] != ref and peel and _peel(s, i, moved):
                sigs[i] = signature(s, i, shared)
            if sigs[i] != ref:
                j = next(j for j in same if sigs[j] == ref)
                raise CompileError(_different(j, i, first[j], first[i], numbers))
    if moved:
        s.reduce_nodes = sorted(s.reduce_nodes + moved, key=s.position.__getitem__)
    kinds, index, kind_of = [], {}, {}
    for i, k in enumerate(skeys):
        # One kind: the same graph on rows of one length and targets of one kind (the classes
        # apart); `w * x[0]` on rows of 1 and 2 numbers is one graph, but not one code.
        like = (k[0], "class" if k[1].__class__ is tuple else k[1], sigs[i])
        v = index.get(like)
        if v is None:
            v = index[like] = len(kinds)
            kinds.append((i, sigs[i]))
        kind_of[k] = v
    return kinds, kind_of


def merge_classes(kinds, kind_of):
    """Merge kinds that differ only in the class index of their target into one kind.

    Such samples build the same graph except where the loss reads `logits[y]`: there the
    merged kind reads a value chosen at run time. Returns [(sample, signature, selects,
    tables)] and the new {structure key: kind index}; `selects[(node, operand)]` is a
    table number, `tables[n][c]` the node read for class c (None for a class not seen).
    """
    out = [(i, sig, {}, []) for i, sig in kinds]
    classes = {}  # (row length, first kind) -> {class: kind}
    for key, v in kind_of.items():
        target = key[1]
        if isinstance(target, tuple) and type(target[1]) is int and target[1] >= 0:
            classes.setdefault(key[0], {})[target[1]] = v
    new_of = dict(kind_of)
    for row_len, by_class in classes.items():
        merged = _merge(kinds, by_class)
        if merged is None:
            continue
        first, selects, tables = merged
        out[first] = (kinds[first][0], kinds[first][1], selects, tables)
        for c in by_class:
            new_of[(row_len, ("class", c))] = first
    used = sorted(set(new_of.values()))
    renumber = {v: k for k, v in enumerate(used)}
    return [out[v] for v in used], {key: renumber[v] for key, v in new_of.items()}


def picks(nodes, var, taken):
    """{node: {operand position: (name, candidate nodes)}} for the operands a class index
    picks at run time (a kind merged over classes by `merge_classes`): each gets a name not in `taken`."""
    out = {}
    for (k, pos), number in sorted(var.selects.items()):
        name, n = f"pick{number}", number
        while name in taken:
            n += 1
            name = f"pick{n}"
        taken.add(name)
        cands = [None if c is None else nodes[c] for c in var.tables[number]]
        out.setdefault(nodes[k], {})[pos] = (name, cands)
    return out


def _merge(kinds, by_class):
    """(first kind, selects, tables) if the kinds of `by_class` differ only in local refs."""
    order = sorted(by_class)
    traced = [c for c in order if kinds[by_class[c]][0] is not None]  # graphs at hand
    first = by_class[(traced or order)[0]]
    ref = kinds[first][1]
    places = {}
    for c in order:
        sig = kinds[by_class[c]][1]
        if len(sig) != len(ref) or sig[-1] != ref[-1]:
            return None
        for k, (x, y) in enumerate(zip(ref[:-1], sig[:-1])):
            if x == y:
                continue
            if x[:2] != y[:2]:
                return None
            for pos in (0, 1):
                if x[2 + pos] != y[2 + pos]:
                    if not (isinstance(x[2 + pos], int) and isinstance(y[2 + pos], int)):
                        return None
                    places[(k, pos)] = None
    if not places or len({by_class[c] for c in order}) < 2:
        return None
    selects, tables = {}, []
    for number, (k, pos) in enumerate(sorted(places)):
        selects[(k, pos)] = number
        table = [None] * (order[-1] + 1)
        for c in order:
            table[c] = kinds[by_class[c]][1][k][2 + pos]
        tables.append(table)
    return first, selects, tables


def _peel(s, i, moved, identities_only=False):
    """Move one operation that only the reduction reads from sample i into the reduction
    (an addition of a sum, or the `-m` of a running maximum that starts from sample 0);
    the sample's values it reads become the sample's outputs. False if there is none."""
    out, const = s.outputs[i], s.const
    for k, v in enumerate(out):
        if v is s.root or s.uses.get(v) or v._a is None:
            continue
        a, b, name = v._a, v._b, v._op.name
        c = const.get(b, const.get(a))
        identity = (a in const) != (b in const) and (name, c) in (("+", 0.0), ("*", 1.0)) \
            or name == "/" and b in const and a not in const and const[b] == 1.0  # loss_k / (k + 1)
        if not (identity or not identities_only):
            continue
        mine = [x for x in (a, b) if s.owner.get(x) == i]
        for x in mine:
            s.uses[x] -= 1
        out[k:k + 1] = [x for x in dict.fromkeys(mine) if x not in out]
        s.samples[i].remove(v)
        s.owner[v] = MULTI
        moved.append(v)
        return True
    return False


def signature(s, i, shared=None):
    """Sample i's graph as a hashable tuple, equal for samples that need the same code.

    With a `shared` dict, an entry equal to one seen before is that same tuple: the kinds of
    a model with many classes differ in a node or two, and keep one copy of the rest
    (at MNIST width an entry per node, 100 k of them, for each class)."""
    local = {v: k for k, v in enumerate(s.samples[i])}
    const, index, qindex, where = s.const, s.index, s.qindex, s.where

    def ref(x):
        if x in local:
            return local[x]
        if x in const:
            return ("c", const[x])
        if x in index:
            return ("p", index[x])
        if x in where:
            return ("x", where[x][1])
        return ("q", qindex[x])

    entries = _entries(s.samples[i], ref)
    ops = tuple(entries if shared is None else (shared.setdefault(e, e) for e in entries))
    return ops + (tuple(ref(x) for x in s.outputs[i]),)


def _entries(nodes, ref):
    """(op, its constant, where input a comes from, where input b does) for each node."""
    return ((v._op.name, v._op.arg, ref(v._a), None if v._b is None else ref(v._b)) for v in nodes)


def param_signature(s):
    """The values computed from the parameters alone, as a hashable tuple: equal for two
    traces of one function exactly when that part does not change with the batch."""
    local = {v: k for k, v in enumerate(s.param_nodes)}
    const, index = s.const, s.index

    def ref(x):
        return local[x] if x in local else ("c", const[x]) if x in const else ("p", index[x])
    return tuple(_entries(s.param_nodes, ref))


def _different(j, i, sig_j, sig_i, numbers):
    """The message for samples j and i of one shape that built different graphs."""
    what = describe_difference(sig_j, sig_i)
    j, i = (j, i) if numbers is None else (numbers[j], numbers[i])  # the user's batch numbers
    who = (f"sample {i}, traced twice (in batches of two sizes), built different graphs" if i == j else
           f"samples {j} and {i} have inputs of the same shape, but the function built different graphs for them")
    unused = " (a sample with no operations does not reach the loss: max() or a branch picked others)" \
        if min(len(sig_j), len(sig_i)) == 1 else ""
    return (f"compile: {who}: {what}{unused}. The graph depends on the data (a branch on .data, "
            "float(x), max(values) or max(x.data ...), random numbers) or on the sample's place in the "
            "batch (a term for xb[0] alone, a weight by position inside the sample's term rather than "
            "on its whole loss), so it cannot be compiled; run the function without compile")


def describe_difference(sig_a, sig_b):
    """Where two sample signatures first differ, in words (for error messages)."""
    *ops_a, out_a = sig_a
    *ops_b, out_b = sig_b
    for k, (x, y) in enumerate(zip(ops_a, ops_b)):
        if x != y:
            return f"operation {k} is {_describe(x)} in one and {_describe(y)} in the other"
    if len(ops_a) != len(ops_b):
        return f"one has {len(ops_a)} operations, the other {len(ops_b)}"
    return f"the reduction reads {_words(out_a) or 'nothing'} from one and {_words(out_b) or 'nothing'} from the other"


def _describe(entry):
    name, _, a, b = entry
    return f"{name!r} of ({_words(r for r in (a, b) if r is not None)})"


def _words(refs):
    return ", ".join(_ref_words(r) for r in refs)


def _ref_words(r):
    if isinstance(r, int):
        return f"node {r}"
    kind, x = r
    return {"c": "constant", "p": "parameter", "x": "input", "q": "parameter-only node"}[kind] + f" {x!r}"
