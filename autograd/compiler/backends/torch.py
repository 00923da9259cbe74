"""PyTorch: the array program on float64 tensors, on torch's default device.

Tensors do not raise on overflow: where the NumPy backend raises FloatingPointError, this
one gives inf or nan, as PyTorch does.
"""
import contextlib
import importlib
import math

from ...ops import _BCE_EPS
from . import add_to_max, check_bce


def library():
    try:
        return importlib.import_module("torch")
    except ImportError:
        raise ImportError("compile(backend='torch') needs PyTorch: pip install torch") from None


def namespace():
    """The functions the generated array code calls (see array_codegen)."""
    torch = library()
    f64 = torch.float64

    def where(condition, a, b):
        return torch.where(condition, torch.as_tensor(a, dtype=f64), torch.as_tensor(b, dtype=f64))

    def maximum(a, b):  # either may be a number (a constant of the graph)
        return torch.maximum(torch.as_tensor(a, dtype=f64), torch.as_tensor(b, dtype=f64))

    def softplus(x):
        return torch.clamp(x, min=0.0) + torch.log1p(torch.exp(-x.abs()))

    def bce(p, t):  # PyTorch's binary cross-entropy, as the engine's (autograd/ops.py)
        check_bce(p, t, lambda *a: torch.broadcast_tensors(*(torch.as_tensor(x) for x in a)))
        return -(t * torch.clamp(torch.log(p), min=-100.0)) - (1.0 - t) * torch.clamp(torch.log1p(-p), min=-100.0)

    def power_base_derivative(a, b):  # b * a ** (b - 1), 0 where b == 0 (as the engine)
        return where(torch.as_tensor(b) == 0.0, 0.0, b * torch.pow(torch.as_tensor(a, dtype=f64), b - 1.0))

    def log_of_base(a):
        positive = a > 0.0
        return where(positive, torch.log(where(positive, a, 1.0)), where(a == 0.0, 0.0, float("nan")))

    def add_at(target, index, values):
        target.index_put_((index,), torch.as_tensor(values, dtype=f64).expand(index.shape), accumulate=True)

    def add_at_columns(target, index, values):
        rows = torch.arange(target.shape[0]).view(-1, *([1] * index.dim()))
        shape = (target.shape[0],) + tuple(index.shape)
        target.index_put_((rows, index), torch.as_tensor(values, dtype=f64).expand(shape), accumulate=True)

    # d max / d a at the chosen column of each row (see add_to_max in backends/__init__.py)
    def add_to_max_at(g, a, index, g_max):
        columns = index[torch.arange(index.shape[0]), a[:, index].argmax(-1)]
        rows = torch.arange(len(a))[:, None].expand(columns.shape)
        g.index_put_((rows, columns), g_max, accumulate=True)
        nan = torch.isnan(a[rows, columns])
        if nan.any():  # (-0.0: x + -0.0 is x)
            picked = a[:, index]
            extra = torch.full_like(picked, -0.0).masked_fill(nan[..., None].expand(picked.shape), math.nan)
            g.index_put_((torch.arange(len(a))[:, None, None].expand(picked.shape), index.expand(picked.shape)),
                         extra, accumulate=True)

    return {"row_max": lambda a: a.max(1, keepdim=True).values, "last_max": lambda a: a.max(-1).values,
            "add_to_max": add_to_max(torch), "add_to_max_at": add_to_max_at, "exp": torch.exp, "log": torch.log, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
            "softplus": softplus, "power": torch.pow, "maximum": maximum, "safe_power": torch.pow,
            "bce": bce, "bce_dt": lambda p: -torch.log(p / (1.0 - p)),
            "bce_dp": lambda p, t: (p - t) / torch.clamp((1.0 - p) * p, min=_BCE_EPS),
            "power_base_derivative": power_base_derivative, "log_of_base": log_of_base,
            "where": where, "sign": torch.sign, "zeros": lambda shape: torch.zeros(shape, dtype=f64),
            "copy": torch.clone, "arange": torch.arange,
            "asarray": lambda x: torch.as_tensor(x, dtype=f64), "join": lambda x, y: torch.cat([x, y], 1),
            "widen": lambda a, k: a * torch.ones(k, dtype=f64),
            "batch_sum": lambda a: a.sum(0), "row_sum": lambda a: a.sum(-1, keepdim=True),
            "last_sum": lambda a: a.sum(-1), "total": lambda a: a.sum(),
            "rows_total": lambda a: a.reshape(len(a), math.prod(a.shape[1:])).sum(1), "add_at": add_at, "add_at_columns": add_at_columns}


def index(table):
    return library().as_tensor(table, dtype=library().int64)


def array(numbers):
    return library().as_tensor(numbers, dtype=library().float64)


def inputs(rows, targets, row_len, width):
    """(x,) or (x, y): the rows as an (n, row_len) tensor, the targets' numbers (n, width - row_len)."""
    torch = library()
    n = len(rows)
    x = torch.as_tensor(rows, dtype=torch.float64).reshape(n, row_len)
    if width == row_len:
        return (x,)
    return x, torch.as_tensor(targets, dtype=torch.float64).reshape(n, width - row_len)


def errors():
    return contextlib.nullcontext()
