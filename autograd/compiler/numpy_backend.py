"""The NumPy backend: the same generated step, run on arrays holding every sample of a kind."""


def _numpy():
    try:
        import numpy
    except ImportError:
        raise ImportError("compile(backend='numpy') needs NumPy: pip install numpy "
                          "(or the 'fast' extra of this package)") from None
    return numpy


def namespace():
    """Array versions of the helpers the generated code calls (see codegen.HELPERS)."""
    np = _numpy()

    def sigmoid(x):
        e = np.exp(-np.abs(x))  # <= 1, never overflows
        return np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))

    def softplus(x):
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))

    def safe_power(x, e):
        with np.errstate(divide="ignore"):  # 0 ** negative is +inf here, as in the engine
            return np.power(x, e)

    def log_of_base(a):
        positive = a > 0.0
        return np.where(positive, np.log(np.where(positive, a, 1.0)), np.where(a == 0.0, 0.0, np.nan))

    def total(g):
        return float(np.sum(g))

    return {"exp": np.exp, "log": np.log, "tanh": np.tanh, "sigmoid": sigmoid, "softplus": softplus,
            "power": np.power, "safe_power": safe_power, "log_of_base": log_of_base, "where": np.where,
            "sign": np.sign, "total": total, "zeros": np.zeros, "asarray": np.asarray}


def arrays(groups, variants):
    """Each group's slots, rows and targets as arrays: rows (n, row length), list targets
    (n, length); shaped even when a kind of sample is absent from this batch (n = 0)."""
    np = _numpy()
    out = []
    for group, var in zip(groups, variants):
        n = len(group[0])
        arrays = [np.asarray(group[0], dtype=np.intp), np.asarray(group[1], dtype=float).reshape(n, var.row_len)]
        if len(group) > 2:
            shape = (n,) if var.target == "float" else (n, var.target)
            arrays.append(np.asarray(group[2], dtype=float).reshape(shape))
        out.append(tuple(arrays))
    return out


def errors_raise():
    """Overflow, division by zero and invalid operations raise FloatingPointError, as the
    Python backend raises for them, instead of producing inf or nan silently."""
    np = _numpy()
    return np.errstate(over="raise", divide="raise", invalid="raise")
