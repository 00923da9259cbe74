"""NumPy batches handed to a compiled step: the code that fits them, found without looking at each number."""


class _Batches:
    """How NumPy batches of one shape run, once their code is known: the samples' slots, and
    for class targets which merged kind each class is (so a batch needs no per-sample work)."""

    @classmethod
    def of(cls, plan, code, key):
        """A _Batches for `code`, or None where the code needs more than this (several blocks)."""
        program = code.program
        widths = {var.width for var in plan.variants} | set(code.widths)
        if len(program.blocks) != 1 or len(widths) != 1:
            return None
        import numpy as np
        self = cls()
        self.code, self.np, self.j = code, np, np.asarray(code.bases, dtype=int)
        self.row_len, self.width, self.merged = program.blocks[0]
        self.lookup = None
        if key[0][1] == "class":
            classes = {k[1][1]: v for k, v in plan.variant_of.items() if k[0] == self.row_len
                       and isinstance(k[1], tuple) and k[1][1].__class__ is int and k[1][1] >= 0}
            if not classes:
                return None
            self.lookup = np.full(max(classes) + 1, -1)
            for c, v in classes.items():
                self.lookup[c] = program.block_of[v][1]
        return self

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

    def run(self, P, groups):
        with self.code.arrays.errors():
            return self.code.function(P, groups)


def numpy_code(step, xb, yb):
    """`step._code` for rows given as a 2-D NumPy array and targets as a NumPy array: the
    code of a known plan, if it is NumPy code, with the arrays as they are; else None."""
    batch = _array_batch(xb, yb) if step._targets_as_data else None
    if batch is None:
        return None
    key, skeys = batch
    plan, kinds = step._find(skeys(), key)
    if plan is None:
        return None
    code = plan.code(len(kinds), kinds)
    if code.arrays is None or not code.arrays.__name__.endswith(".numpy"):
        return None
    step._last = code
    return code, xb, yb, kinds


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
