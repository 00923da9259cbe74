"""Array libraries the array program can run on: one small module each, the same namespace.

A backend module has `namespace()` (the functions the generated code calls, see
`numpy.namespace`), `index(table)` and `array(numbers)` (constants for that library),
`inputs(rows, targets, width)` (a kind of sample's rows and targets as one array) and
`errors()` (a context in which the step runs).
"""
import importlib
import math

NAMES = ("numpy", "torch", "cupy")


def load(name):
    """The backend module `name`; ImportError naming the package to install if it is missing."""
    if name not in NAMES:
        raise ValueError(f"compile: no array backend {name!r}; choose one of {', '.join(NAMES)}")
    module = importlib.import_module(f"{__name__}.{name}")
    module.library()  # ImportError here, with a hint, if the library is not installed
    return module


def available(name):
    """True if backend `name` can run here."""
    try:
        load(name)
    except ImportError:
        return False
    return True


def add_to_max(xp):
    """The array code's `add_to_max(g, a, g_max)` for the array library `xp` (numpy, torch):
    d max / d a is 1 at the first largest of each row, as the engine's max. A NaN makes every
    input's gradient NaN there; argmax finds a row's NaN first, so only the chosen values are checked."""
    def add(g, a, g_max):
        rows, top = xp.arange(len(a)), a.argmax(1)
        g[rows, top] += g_max[:, 0]
        nan = xp.isnan(a[rows, top])
        if nan.any():
            g[nan] += math.nan
    return add


def check_bce(p, t, broadcast):
    """Raise the engine's ValueError (autograd/ops.py `_bce`) if an input p or target t of
    the array code's `bce` is outside [0, 1]: the arrays would give nan (NumPy: raise
    FloatingPointError) where the engine refuses. NaN passes, as there (comparisons are False)."""
    bad = (p < 0.0) | (p > 1.0) | (t < 0.0) | (t > 1.0)
    if bad is False or (bad is not True and not bad.any()):
        return
    from ...ops import _bce
    for a, b, wrong in zip(*(x.reshape(-1).tolist() for x in broadcast(p, t, bad))):
        if wrong:
            _bce(a, b)  # raises the engine's ValueError for this pair
