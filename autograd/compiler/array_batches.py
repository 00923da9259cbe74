"""NumPy batches handed to a compiled step: the code that fits them, found without looking at each number."""
from .sizes import unchecked
from .trace import structure


def numpy_code(step, xb, yb):
    """`step._code` for rows given as a 2-D NumPy array and targets as a NumPy array, if a
    known plan fits them (else None): NumPy code gets the arrays as they are; other code
    (Python, where `backend="auto"` found that arrays do not pay) the batch as lists, as
    `trace.structure` would make them, so that the step looks the batch up only once. A
    batch of a shape seen before runs with no work per sample (`_Batches`)."""
    batch = _array_batch(xb, yb) if step._targets_as_data else None
    if batch is None:
        return None
    key, skeys = batch
    shape = (len(key), key[0])  # the key's every sample is alike: hashing all n of them is waste
    fast = step._batches.get(shape)
    run = fast and fast.run_for(step, xb, yb)
    if run:
        step._last = fast.code
        return fast.code, run, xb, yb
    plan, kinds = step._find(skeys(), key)
    if plan is None:
        return None
    if unchecked(plan, len(kinds)):  # a new size: its trace is compared with the code (sizes.py)
        rows, targets, keys, _ = structure(xb.tolist(), yb.tolist(), step._targets_as_data)
        if not step._same_for_size(plan, rows, targets, keys):
            return None
    step._last = code = plan.code(len(kinds), kinds)
    if code.arrays is None or not code.arrays.__name__.endswith(".numpy"):
        xb, yb = (xb if xb.dtype.kind == "f" else xb.astype(float)).tolist(), yb.tolist()
    elif not plan.forward_only and (fast is None or fast.code is not code):
        step._batches[shape] = _Batches(plan, code, key)
    return code, (lambda params: code.run(params, xb, yb, kinds)), xb, yb


class _Batches:
    """How NumPy batches of one shape run, once their code is known: the samples' slots, and
    for class targets which merged kind each class is (so a batch needs no per-sample work).
    `fits` is False where the code needs more than this (several blocks, several widths)."""

    def __init__(self, plan, code, key):
        import numpy as np
        program = code.program
        self.plan, self.code, self.fits, self.lookup = plan, code, False, None
        self.size = next(k for k, c in plan.codes.items() if c is code)  # its key among the plan's codes
        widths = {var.width for var in plan.variants} | set(code.widths)
        if len(program.blocks) != 1 or len(widths) != 1:
            return
        self.j = np.asarray(code.bases, dtype=int)
        self.row_len, self.width, self.merged = program.blocks[0]
        if key[0][1] == "class":
            classes = {k[1][1]: v for k, v in plan.variant_of.items() if k[0] == self.row_len
                       and isinstance(k[1], tuple) and k[1][1].__class__ is int and k[1][1] >= 0}
            if not classes:
                return
            self.lookup = np.full(max(classes) + 1, -1)
            for c, v in classes.items():
                self.lookup[c] = program.block_of[v][1]
        self.fits = True

    def run_for(self, step, xb, yb):
        """`run(params)` for this batch, as `step._find` and `plan.code` would find it, or None:
        if a class is new here, or the step would look at another plan first (each plan of the
        step is tried latest first), or the plan dropped this code."""
        plan = self.plan
        if not self.fits or next(reversed(step._plans.values()), None) is not plan \
                or plan.codes.get(self.size) is not self.code:
            return None
        groups = self.groups(xb, yb)
        if groups is None:
            return None
        plan.codes.move_to_end(self.size)  # used, as `plan.code` notes it
        code = self.code

        def run(params):
            with code.arrays.errors():
                return code.function(params, groups)
        return run

    def groups(self, xb, yb):
        """The generated function's `groups` for this batch, or None if a class is new here."""
        x = self.code.arrays.inputs(xb, yb, self.row_len, self.width)
        if self.lookup is None:
            return [(self.j,) + x]
        if yb.min() < 0 or yb.max() >= len(self.lookup):
            return None
        positions = self.lookup[yb]
        if (positions < 0).any():
            return None
        return [(self.j,) + x + ((positions,) if self.merged else ())]


def no_targets(xb):
    """Targets for a forward pass, which reads none: zeros (for float NumPy rows, a NumPy column)."""
    if getattr(xb, "ndim", 0) == 2 and getattr(getattr(xb, "dtype", None), "kind", "") == "f":
        return xb[:, 0] * 0.0
    return [0.0] * len(xb)


def _array_batch(xb, yb):
    """(batch key, a function giving the structure keys) of rows given as a 2-D NumPy array
    and targets as a NumPy array (ints: class indices, floats: data), as `trace.structure`
    gives them for lists; else None."""
    if not (hasattr(xb, "ndim") and hasattr(yb, "ndim") and hasattr(xb, "dtype") and hasattr(yb, "dtype")):
        return None
    x_kind, y_kind = getattr(xb.dtype, "kind", ""), getattr(yb.dtype, "kind", "")  # "": not NumPy's
    if xb.ndim != 2 or x_kind not in ("f", "i", "u") or len(xb) == 0 or len(yb) != len(xb):
        return None
    n, row_len = xb.shape
    if yb.ndim == 1 and y_kind in ("i", "u"):
        return ((row_len, "class"),) * n, lambda: [(row_len, ("class", c)) for c in yb.tolist()]
    if y_kind == "f" and yb.ndim in (1, 2):
        kind = "float" if yb.ndim == 1 else yb.shape[1]
        return ((row_len, kind),) * n, lambda: [(row_len, kind)] * n
    return None
