"""Loops: where one sample's graph repeats itself, describe it as a loop instead of a line per node.

A neuron is a dot product, `b + w0*x0 + w1*x1 + ...`: 2 nodes per input. A layer is the
same neuron again with the next row of weights. `lower` turns a sample's traced nodes into
items: single ops, dot products (`Dot`: one item for a whole chain of `*` and `+`) and runs of
items that differ only by regular steps in which parameter, input or earlier value they read
(`Loop`). Every value of the sample gets a slot in one list, `t`; a reference is an affine
index: `base + sk * k` over a loop's counter k, `+ si * i` over a dot product's counter i.
"""
import collections

MIN_TERMS = 4   # shorter dot products stay as single ops
MIN_REPEATS = 3  # a loop needs at least this many iterations
MAX_PERIOD = 12  # the longest loop body looked for, in items

# kind: 'n' a slot of t, 'p' a parameter, 'x' an input, 'y' a target number, 'q' a
# parameter-only value (base: its index), 'c' a constant (base: its value), 's' the value a
# class index selects (base: the table's number).
Ref = collections.namedtuple("Ref", "kind base sk si", defaults=(0, 0))
Op = collections.namedtuple("Op", "op out a b needs")    # needs: (out, a, b) reach a parameter
Dot = collections.namedtuple("Dot", "out init u v n needs")  # t[out] = init + sum_i u[i] * v[i]
Loop = collections.namedtuple("Loop", "n body")


class Lowered:
    """A sample's items, how many slots they use, and the slot of each traced node."""

    def __init__(self, items, slots, slot_of):
        self.items, self.slots, self.slot_of = items, slots, slot_of

    @property
    def repeats(self):
        """True if any loop or dot product was found."""
        return any(not isinstance(item, Op) for item in self.items)


def lower(nodes, ref_of, needs, keep):
    """Items for `nodes` (one sample, in order). `ref_of(k, pos, x)` is the Ref of operand
    x (number pos) of node k, or an int for a node of the sample; `needs(x)` says if x's
    gradient is wanted; `keep` holds the positions of nodes read from outside (outputs,
    values a class index selects)."""
    raw, uses = [], collections.Counter()
    for k, v in enumerate(nodes):
        refs = []
        for pos, x in enumerate((v._a, v._b)):
            if x is None:
                refs.append(None)
                continue
            r = ref_of(k, pos, x)
            if isinstance(r, int):
                uses[r] += 1
                r = Ref("n", r)
            refs.append(r)
        flags = (needs(v), *(x is not None and needs(x) for x in (v._a, v._b)))
        raw.append(Op(v._op, Ref("n", k), refs[0], refs[1], flags))
    try:
        items, slot_of = _numbered(_dots(raw, uses, keep))
    except _Irregular:  # a dot product over values that do not sit at regular slots
        items, slot_of = _numbered(raw)
    return Lowered(_loops(items), len(items), slot_of)


class _Irregular(Exception):
    pass


def _numbered(items):
    """Items with their values in consecutive slots, references renumbered to match."""
    slot_of = {item.out.base: s for s, item in enumerate(items)}
    return [_renumber(item, s, slot_of) for s, item in enumerate(items)], slot_of


def _dots(raw, uses, keep):
    """Replace chains `m_k = u_k * v_k; a_k = a_(k-1) + m_k` by one Dot item."""
    out, k, n = [], 0, len(raw)
    while k < n:
        terms = _chain(raw, k, uses, keep)
        if terms >= MIN_TERMS:
            first, last = raw[k], raw[k + 2 * terms - 1]
            u, v = _vector(raw, k, terms, "a"), _vector(raw, k, terms, "b")
            if u is not None and v is not None:
                needs = (last.needs[0], raw[k + 1].needs[1], first.needs[1], first.needs[2])
                out.append(Dot(last.out, raw[k + 1].a, u, v, terms, needs))
                k += 2 * terms
                continue
        out.append(raw[k])
        k += 1
    return out


def _chain(raw, k, uses, keep):
    """How many terms a dot-product chain starting at node k has (0 if none)."""
    terms, prev, flags = 0, None, raw[k].needs[1:]
    while k + 1 < len(raw):
        m, a = raw[k], raw[k + 1]
        if m.op.name != "*" or a.op.name != "+" or a.b != Ref("n", k) or uses[k] != 1 or k in keep:
            break
        if prev is not None and (a.a != Ref("n", prev) or uses[prev] != 1 or prev in keep):
            break
        if m.needs[1:] != flags:
            break
        terms, prev, k = terms + 1, k + 1, k + 2
    return terms


def _vector(raw, k, terms, side):
    """Operand `side` of the chain's products as one strided Ref, or None if irregular."""
    refs = [getattr(raw[k + 2 * t], side) for t in range(terms)]
    first = refs[0]
    if first.kind in ("c", "q", "s"):
        return first if all(r == first for r in refs) else None
    step = refs[1].base - first.base
    if all(r.kind == first.kind and r.base == first.base + t * step for t, r in enumerate(refs)):
        return Ref(first.kind, first.base, 0, step)
    return None


def _renumber(item, s, slot_of):
    def ref(r, n=1):
        if r is None or r.kind != "n":
            return r
        slots = [slot_of.get(r.base + t * r.si) for t in range(n)]
        step = slots[1] - slots[0] if n > 1 and None not in slots[:2] else 0
        if None in slots or any(x != slots[0] + t * step for t, x in enumerate(slots)):
            raise _Irregular
        return r._replace(base=slots[0], si=step)
    if isinstance(item, Dot):
        return Dot(Ref("n", s), ref(item.init), ref(item.u, item.n), ref(item.v, item.n), item.n, item.needs)
    return Op(item.op, Ref("n", s), ref(item.a), ref(item.b), item.needs)


def _refs(item):
    return (item.init, item.u, item.v) if isinstance(item, Dot) else (item.a, item.b)


def _shape(item):
    """What must be equal for two items to be iterations of one loop (all but the bases)."""
    refs = tuple(None if r is None else (r.kind, r.si) + ((r.base,) if r.kind in "cqs" else ())
                 for r in _refs(item))
    head = ("dot", item.n) if isinstance(item, Dot) else (item.op.name, item.op.arg)
    return head + refs + (item.needs,)


def _bases(item):
    return tuple(r.base for r in _refs(item) if r is not None and r.kind not in "cqs")


def _loops(items):
    """Runs of items that repeat with a regular step in every index, as Loop items."""
    shapes = [_shape(item) for item in items]
    bases = [_bases(item) for item in items]
    out, k, n = [], 0, len(items)
    while k < n:
        best = (0, 0)
        for period in range(1, min(MAX_PERIOD, (n - k) // MIN_REPEATS) + 1):
            if shapes[k + period] != shapes[k]:
                continue
            count = _repeats(shapes, bases, k, period)
            if count >= MIN_REPEATS and count * period > best[0] * best[1]:
                best = (count, period)
        count, period = best
        if not count:
            out.append(items[k])
            k += 1
            continue
        steps = [tuple(b - a for a, b in zip(bases[k + j], bases[k + period + j])) for j in range(period)]
        out.append(Loop(count, [_strided(items[k + j], period, steps[j]) for j in range(period)]))
        k += count * period
    return out


def _repeats(shapes, bases, k, period):
    """How many times items[k : k + period] repeat from k with constant steps."""
    n, count = len(shapes), 1
    steps = None
    while k + (count + 1) * period <= n:
        new = []
        for j in range(period):
            a, b = k + (count - 1) * period + j, k + count * period + j
            if shapes[b] != shapes[a]:
                return count
            new.append(tuple(y - x for x, y in zip(bases[a], bases[b])))
        if steps is None:
            steps = new
        elif new != steps:
            return count
        count += 1
    return count


def _strided(item, period, step):
    """The first iteration's item with each reference's step per iteration filled in."""
    steps = iter(step)

    def ref(r):
        if r is None or r.kind in "cqs":
            return r
        return r._replace(sk=next(steps))
    if isinstance(item, Dot):
        init, u, v = ref(item.init), ref(item.u), ref(item.v)
        return Dot(item.out._replace(sk=period), init, u, v, item.n, item.needs)
    a, b = ref(item.a), ref(item.b)
    return Op(item.op, item.out._replace(sk=period), a, b, item.needs)


def lower_variant(s, var):
    """Find the loops of a kind of sample (`loops.lower`); sets `var.lowered`, `var.out_refs`."""
    i, row_len = var.sample, var.row_len
    nodes = s.samples[i]
    local = {v: k for k, v in enumerate(nodes)}
    const, index, qindex, where, selects = s.const, s.index, s.qindex, s.where, var.selects

    def ref_of(k, pos, x):
        number = selects.get((k, pos))
        if number is not None:
            return Ref("s", number)
        if x in local:
            return local[x]
        if x in const:
            return Ref("c", const[x])
        if x in index:
            return Ref("p", index[x])
        if x in where:
            p = where[x][1]
            return Ref("x", p) if p < row_len else Ref("y", p - row_len)
        return Ref("q", qindex[x])

    keep = {local[x] for x in s.outputs[i] if x in local}
    keep.update(k for table in var.tables for k in table if k is not None)
    low = lower(nodes, ref_of, s.requires.__contains__, keep)
    var.lowered = low
    var.out_refs = [Ref("n", low.slot_of[local[x]]) if x in local else ref_of(-1, -1, x) for x in s.outputs[i]]
