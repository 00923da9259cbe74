"""Array libraries the array program can run on: one small module each, the same namespace.

A backend module has `namespace()` (the functions the generated code calls, see
`numpy.namespace`), `index(table)` and `array(numbers)` (constants for that library),
`inputs(rows, targets, width)` (a kind of sample's rows and targets as one array) and
`errors()` (a context in which the step runs).
"""
import importlib

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
