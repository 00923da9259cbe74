"""NumPy: the array program on NumPy arrays (float64); errors raise as in the engine."""
import importlib
import itertools
import math

from ...ops import _BCE_EPS
from . import add_to_max, check_bce

MODULE = "numpy"  # cupy.py reuses this file with "cupy"


def library(module=MODULE):
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"compile(backend={module!r}) needs {module}: pip install {module}"
                          + (" (or the 'fast' extra of this package)" if module == "numpy" else "")) from None


def namespace(module=MODULE):
    """The functions the generated array code calls (see array_codegen)."""
    np = library(module)

    def sigmoid(x):
        e = np.exp(-np.abs(x))  # <= 1, never overflows
        return np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))

    def softplus(x):
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))

    def bce(p, t):  # PyTorch's binary cross-entropy, as the engine's (autograd/ops.py)
        check_bce(p, t, lambda *a: np.broadcast_arrays(*map(np.asarray, a)))
        with np.errstate(divide="ignore"):  # log(0) = -inf, clamped at -100
            return -(t * np.maximum(np.log(p), -100.0)) - (1.0 - t) * np.maximum(np.log1p(-p), -100.0)

    def bce_dt(p):  # -logit(p): +-inf at 0 and 1
        with np.errstate(divide="ignore"):
            return -np.log(p / (1.0 - p))

    def safe_power(x, e):
        with np.errstate(divide="ignore"):  # 0 ** negative is +inf here, as in the engine
            return np.power(x, e)

    def power_base_derivative(a, b):  # b * a ** (b - 1), 0 where b == 0 (as the engine)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(b == 0.0, 0.0, b * np.power(a, b - 1.0))

    def log_of_base(a):
        positive = a > 0.0
        return np.where(positive, np.log(np.where(positive, a, 1.0)), np.where(a == 0.0, 0.0, np.nan))

    def add_at_columns(target, index, values):
        np.add.at(target, (slice(None), index), values)

    # d max / d a at the chosen column of each row (see add_to_max in backends/__init__.py)
    def add_to_max_at(g, a, index, g_max):
        rows = np.arange(len(a))[:, None]
        columns = index[np.arange(index.shape[0]), a[:, index].argmax(-1)]
        np.add.at(g, (rows, columns), g_max)
        nan = np.isnan(a[rows, columns])
        if nan.any():  # (-0.0: x + -0.0 is x)
            np.add.at(g, (rows[:, :, None], index), np.broadcast_to(np.where(nan, np.nan, -0.0)[..., None], a[:, index].shape))

    return {"row_max": lambda a: a.max(1, keepdims=True), "last_max": lambda a: a.max(-1),
            "add_to_max": add_to_max(np), "add_to_max_at": add_to_max_at, "exp": np.exp, "log": np.log, "tanh": np.tanh, "sigmoid": sigmoid, "softplus": softplus,
            "bce": bce, "bce_dp": lambda p, t: (p - t) / np.maximum((1.0 - p) * p, _BCE_EPS), "bce_dt": bce_dt,
            "power": np.power, "maximum": np.maximum, "safe_power": safe_power,
            "power_base_derivative": power_base_derivative, "log_of_base": log_of_base, "where": np.where,
            "sign": np.sign, "zeros": np.zeros, "copy": np.copy, "arange": np.arange,
            "asarray": lambda x: np.asarray(x, dtype=float), "join": lambda x, y: np.concatenate([x, y], 1),
            "widen": lambda a, k: a * np.ones(k),
            "batch_sum": lambda a: a.sum(0), "row_sum": lambda a: a.sum(-1, keepdims=True),
            "last_sum": lambda a: a.sum(-1), "total": lambda a: a.sum(),
            "rows_total": lambda a: a.reshape(len(a), math.prod(a.shape[1:])).sum(1), "add_at": np.add.at, "add_at_columns": add_at_columns}


def index(table, module=MODULE):
    return library(module).asarray(table, dtype=int)


def array(numbers, module=MODULE):
    return library(module).asarray(numbers, dtype=float)


def inputs(rows, targets, row_len, width, module=MODULE):
    """(x,) or (x, y): the rows as an (n, row_len) array, the targets' numbers (n, width - row_len)."""
    import numpy as np
    xp = library(module)
    n = len(rows)
    if isinstance(rows, np.ndarray):  # already an array (see array_batches): as it is
        x = xp.asarray(rows, dtype=float).reshape(n, row_len)
        return (x,) if width == row_len else (x, xp.asarray(np.asarray(targets, dtype=float).reshape(n, width - row_len)))
    # fromiter over the chained rows: a third of the time asarray takes on nested lists
    x = xp.asarray(np.fromiter(itertools.chain.from_iterable(rows), float, n * row_len).reshape(n, row_len))
    if width == row_len:
        return (x,)
    return x, xp.asarray(np.asarray(targets, dtype=float).reshape(n, width - row_len))


def errors(module=MODULE):
    """Overflow, division by zero and invalid operations raise FloatingPointError, as the
    Python backend raises for them, instead of producing inf or nan silently."""
    return library(module).errstate(over="raise", divide="raise", invalid="raise")
