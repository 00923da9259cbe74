"""Tracing: record the graph a batch function builds, then split it sample by sample.

A batch loss is usually a sum over samples of one small graph per sample, plus terms that
read only the parameters (an L2 penalty), joined by a short reduction (the mean). `split`
finds those parts in a traced graph so that code can be written once for a sample and
looped over the batch, instead of once per node of the whole batch.
"""
import numbers

from .. import grad_mode, tape
from ..graph import topological_order
from ..value import Value

MULTI = -1  # owner of a node that mixes several samples: the batch reduction


class CompileError(RuntimeError):
    """The traced function cannot be replayed: its graph depends on the data, or an op has no code."""


def placeholders(xb, yb, targets_as_data):
    """Rows of leaf Values standing for `xb` (and for `yb`'s float targets if `targets_as_data`).

    Returns (rows, targets, where) with `where[value] = (sample, position)`; a row's numbers
    come first, then its target's. Class indices (ints) always stay plain numbers.

    >>> rows, targets, where = placeholders([[1.0, 2.0]], [0.5], targets_as_data=True)
    >>> rows[0][1].data, targets[0].data, where[targets[0]]
    (2.0, 0.5, (0, 2))
    """
    rows, targets, where = [], [], {}
    for i, (row, y) in enumerate(zip(xb, yb)):
        row = [Value(float(x), f"x{k}") for k, x in enumerate(row)]
        if targets_as_data and is_data_target(y):
            if isinstance(y, numbers.Real):
                y = Value(float(y), "y")
                places = [y]
            else:
                y = [Value(float(t), f"y{k}") for k, t in enumerate(y)]
                places = y
        else:
            places = []
        for pos, v in enumerate(row + places):
            where[v] = (i, pos)
        rows.append(row)
        targets.append(y)
    return rows, targets, where


def is_data_target(y):
    """True for a target that is data (a float, or a list of numbers), False for a class index."""
    if isinstance(y, numbers.Real):
        return not isinstance(y, numbers.Integral)
    return isinstance(y, (list, tuple))


def structure(xb, yb, targets_as_data):
    """(xb, yb with every number a float, [structure key per sample], key of the batch).

    A sample's structure is its row length and its target's kind: "float" (data), the
    length of a list of numbers (data), or ("class", value) for a class index.
    """
    for name, seq, what in (("xb", xb, "rows"), ("yb", yb, "targets")):
        if not hasattr(seq, "__len__") or isinstance(seq, (str, bytes)):
            raise TypeError(f"compiled step: {name} must be a list of {what}, got {type(seq).__name__}")
    if len(xb) != len(yb):
        raise ValueError(f"compiled step: {len(xb)} rows in xb but {len(yb)} targets in yb")
    if not len(xb):
        raise ValueError("compiled step: the batch is empty")
    xb, yb, skeys = list(xb), list(yb), []
    for i, y in enumerate(yb):
        xb[i] = row = _floats(xb[i], f"xb[{i}]")
        if y.__class__ is float and targets_as_data:  # the common cases first: ABC checks are slow
            kind = "float"
        elif y.__class__ is int:
            kind = ("class", y)
        elif isinstance(y, numbers.Real) and not (targets_as_data and is_data_target(y)):
            kind = ("class", y)
        elif isinstance(y, numbers.Real):
            yb[i], kind = float(y), "float"
        else:
            yb[i] = y = _floats(y, f"yb[{i}]")
            kind = len(y) if targets_as_data else ("class", tuple(y))
        skeys.append((len(row), kind))
    return xb, yb, skeys, tuple(k if k[1].__class__ is not tuple else (k[0], "class") for k in skeys)


def _floats(seq, where):
    """`seq` itself if it holds floats only, else a list of its numbers as floats."""
    if not hasattr(seq, "__len__") or isinstance(seq, (str, bytes)):
        raise TypeError(f"compiled step: {where} must be a list of numbers, got {type(seq).__name__}")
    for x in seq:
        if x.__class__ is not float:
            return [_float(x, where, k) for k, x in enumerate(seq)]
    return seq


def _float(x, where, k):
    if not isinstance(x, numbers.Real):
        raise TypeError(f"compiled step: {where}[{k}] must be a number, got {type(x).__name__}: {x!r}")
    return float(x)


def trace(fn, params, xb, yb, targets_as_data, outputs=False):
    """Run `fn(rows, targets)` on placeholders and split the graph it returns (see `split`).

    With `outputs`, `fn` returns one Value (or list of Values) per row, and the split's
    outputs are those; `s.shapes[i]` is None for a Value, else the list's length."""
    out, where = run(fn, xb, yb, targets_as_data)
    return split_returned(out, params, where, len(xb), outputs)


def run(fn, xb, yb, targets_as_data):
    """(what `fn(rows, targets)` returns on placeholders of `xb, yb`, their `where`), unsplit."""
    rows, targets, where = placeholders(xb, yb, targets_as_data)
    with grad_mode.enable_grad():  # (the step pauses the garbage collector around tracing)
        out = fn(rows, targets)
    tape.forget()  # the traced graph is only read, here: the tape need not keep it alive
    return out, where


def split_returned(out, params, where, n, outputs):
    """`trace`'s split of what `run` returned for a batch of n rows."""
    if outputs:
        from .results import split_results  # (it builds on this module's split)
        return split_results(out, params, where, n)
    if not isinstance(out, Value):
        raise TypeError(f"compile: the function must return the loss as a Value, got {type(out).__name__}")
    return split(out, params, where, n)


class Split:
    """A traced graph cut into parts; every list is in topological order.

    - `params`: parameter leaves; `const`: {node: float} for leaves and nodes that read no
      parameter and no input (numbers baked into the code);
    - `param_nodes`: nodes computed from parameters only, once per batch;
    - `samples[i]`: the nodes of sample i alone; `outputs[i]`: those (or its inputs) the
      reduction reads, in the order it first reads them;
    - `reduce_nodes`: nodes that mix samples; `root`: the loss;
    - `requires`: nodes whose gradient reaches a parameter; `where`: {input: (sample, pos)};
      `index`: {parameter: position}, `qindex`: {parameter-only node: position};
      `owner[x]`: None, a sample, or MULTI; `uses[x]`: how many nodes of x's own sample read
      x; `position`: topological positions; for a forward pass alone (`trace(outputs=True)`),
      `shapes[i]`: None if row i's result is one Value, else its length.
    """

    def __init__(self, root, params, where, n):
        self.root, self.params, self.where = root, params, where
        self.index = {p: k for k, p in enumerate(params)}
        self.qindex = {}
        self.const, self.requires = {}, set()
        self.param_nodes, self.reduce_nodes = [], []
        self.samples = [[] for _ in range(n)]
        self.outputs = [[] for _ in range(n)]


def split(root, params, where, n):
    """Assign every node of `root`'s graph to the parameters, one sample, or the reduction.

    >>> from autograd import Value
    >>> w = Value(0.5)
    >>> rows, _, where = placeholders([[1.0], [2.0]], [None, None], targets_as_data=False)
    >>> s = split(w * rows[0][0] + (w * rows[1][0]).exp(), [w], where, 2)
    >>> [len(part) for part in s.samples], len(s.reduce_nodes), len(s.param_nodes)
    ([1, 2], 1, 0)
    """
    s = Split(root, params, where, n)
    index = s.index
    owner, const, requires = {}, s.const, s.requires
    marked, uses = set(), {}  # uses: how many nodes of the same sample read a node
    readers = {}  # parameter-only node -> the nodes that read it
    position = {}  # topological position of each computed node

    def output(x):  # a sample's value read by the reduction (or the loss itself)
        if x not in marked:
            marked.add(x)
            s.outputs[owner[x]].append(x)

    for k, v in enumerate(topological_order(root)):
        a, b = v._a, v._b
        position[v] = k
        if a is None:  # a leaf: parameter, input, or constant
            if v in index:
                owner[v] = None
                requires.add(v)
            elif v in where:
                owner[v] = where[v][0]
            else:
                owner[v] = None
                const[v] = v.data
            continue
        if a in const and (b is None or b in const):
            owner[v] = None
            const[v] = v.data
            continue
        for x in (a, b):
            if x in readers:
                readers[x].append(v)
        oa = owner[a]
        ob = None if b is None else owner[b]
        o = ob if oa is None else oa if ob is None or ob == oa else MULTI
        owner[v] = o
        if a in requires or b in requires:
            requires.add(v)
        if o is None:
            readers[v] = []
            s.param_nodes.append(v)
        elif o == MULTI:
            s.reduce_nodes.append(v)
            for x in (a, b):
                if x is not None and owner[x] is not None and owner[x] != MULTI:
                    output(x)
        else:
            s.samples[o].append(v)
            for x in (a, b):
                uses[x] = uses.get(x, 0) + 1
    if owner[root] is not None and owner[root] != MULTI:
        output(root)  # a batch of one: the sample's graph is the whole graph
    s.owner, s.uses, s.position = owner, uses, position
    _parameter_values_to_samples(s, readers)
    return s


def _parameter_values_to_samples(s, readers):
    """A parameter-only value read by one sample alone (`x - w` makes `-w` per sample) is
    computed with that sample, as the function did; shared ones are computed once."""
    owner, moved = s.owner, set()
    for v in reversed(s.param_nodes):
        if v is s.root or not readers[v]:
            continue
        sample = owner[readers[v][0]]
        if sample is not None and sample != MULTI and all(owner[r] == sample for r in readers[v]):
            owner[v] = sample
            s.uses[v] = len(readers[v])
            s.samples[sample].append(v)
            moved.add(sample)
    s.param_nodes = [v for v in s.param_nodes if owner[v] is None]
    s.qindex = {v: k for k, v in enumerate(s.param_nodes)}
    for i in moved:
        s.samples[i].sort(key=s.position.__getitem__)


def reduction_seeds(red):
    """d loss / d output for every sample output, when those do not depend on any value.

    `red` is the reduction (a `reduction.View`). That holds when it only adds and multiplies
    by constants (a sum or a mean): then the seeds are numbers fixed when the code is
    written. Returns {output: seed}, or None.
    """
    outputs = red.slots
    if red.root in outputs:
        return {red.root: 1.0}
    for v in red.reduce_nodes:
        if not (v._op.name == "+" or (v._op.name == "*" and (v._a in red.const or v._b in red.const))
                or (v._op.name == "/" and v._b in red.const)):
            return None
    reduce_set = set(red.reduce_nodes)
    grads = {red.root: 1.0}
    for v in reversed(red.reduce_nodes):
        g = grads.get(v, 0.0)
        for x, d in zip(v._prev, v._local):
            if x in reduce_set or x in outputs:
                grads[x] = grads.get(x, 0.0) + d * g
    return {x: grads.get(x, 0.0) for x in outputs}
