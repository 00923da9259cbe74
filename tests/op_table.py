"""The table of operations that drives the engine's value and gradient tests.

Each row: a name, the operation on Values, the same operation written with `math` (the
independent reference), and the input points to test it at. Adding an op to the engine =
one row here.
"""
import math

from autograd.ops import BCE, _sigmoid
from autograd.value import _binary


def _bce(p, t):
    """The BCE primitive on Values (test_torch_reference's stand-in runs torch's instead)."""
    return p.bce(t) if hasattr(p, "bce") else _binary(BCE, p, t)


def _softplus(x):
    return math.log1p(math.exp(-abs(x))) + max(x, 0.0)


# Points away from kinks (relu, abs at 0), so central differences are meaningful.
ANY = [-3.1, -1.2, -0.4, 0.3, 0.9, 2.7]
POSITIVE = [0.05, 0.4, 1.0, 2.5, 7.0]
PAIRS = [(a, b) for a in (-2.3, -0.7, 0.6, 1.9) for b in (-1.4, 0.8, 2.2)]
POSITIVE_PAIRS = [(a, b) for a in (0.3, 1.1, 2.6) for b in (-1.7, 0.4, 2.0)]
NONZERO_DIVISOR = [(a, b) for a, b in PAIRS if abs(b) > 0.5]

OPS = [
    # binary Value-Value
    ("add", lambda a, b: a + b, lambda a, b: a + b, PAIRS),
    ("sub", lambda a, b: a - b, lambda a, b: a - b, PAIRS),
    ("mul", lambda a, b: a * b, lambda a, b: a * b, PAIRS),
    ("div", lambda a, b: a / b, lambda a, b: a / b, NONZERO_DIVISOR),
    ("pow_value", lambda a, b: a ** b, lambda a, b: a ** b, POSITIVE_PAIRS),
    ("maximum", lambda a, b: a.maximum(b), max, PAIRS),  # no ties: a kink, where differences lie
    ("bce", lambda p, t: _bce(p, t), lambda p, t: -t * math.log(p) - (1 - t) * math.log1p(-p),
     [(p, t) for p in (0.1, 0.5, 0.9) for t in (0.2, 0.7)]),  # nn.binary_cross_entropy's term
    # mixed with numbers, both sides
    ("add_number", lambda a: a + 2.5, lambda a: a + 2.5, ANY),
    ("radd", lambda a: 2.5 + a, lambda a: 2.5 + a, ANY),
    ("sub_number", lambda a: a - 1.5, lambda a: a - 1.5, ANY),
    ("rsub", lambda a: 1 - a, lambda a: 1 - a, ANY),
    ("mul_number", lambda a: a * -3, lambda a: a * -3, ANY),
    ("rmul", lambda a: 0.5 * a, lambda a: 0.5 * a, ANY),
    ("div_number", lambda a: a / 4, lambda a: a / 4, ANY),
    ("rdiv", lambda a: 3 / a, lambda a: 3 / a, ANY),
    ("neg", lambda a: -a, lambda a: -a, ANY),
    ("pow2", lambda a: a ** 2, lambda a: a ** 2, ANY),
    ("pow3", lambda a: a ** 3, lambda a: a ** 3, ANY),
    ("pow_neg1", lambda a: a ** -1, lambda a: a ** -1, ANY),
    ("pow_half", lambda a: a ** 0.5, lambda a: a ** 0.5, POSITIVE),
    ("pow_neg_int_base", lambda a: a ** -2, lambda a: a ** -2, ANY),
    ("rpow", lambda a: 2 ** a, lambda a: 2 ** a, ANY),
    ("maximum_number", lambda a: a.maximum(0.5), lambda a: max(a, 0.5), ANY),
    ("rpow_fraction", lambda a: 0.3 ** a, lambda a: 0.3 ** a, ANY),
    # functions
    ("exp", lambda a: a.exp(), math.exp, ANY),
    ("log", lambda a: a.log(), math.log, POSITIVE),
    ("tanh", lambda a: a.tanh(), math.tanh, ANY),
    ("sigmoid", lambda a: a.sigmoid(), lambda a: 1 / (1 + math.exp(-a)), ANY),
    ("relu", lambda a: a.relu(), lambda a: max(a, 0.0), ANY),
    ("leaky_relu", lambda a: a.leaky_relu(), lambda a: a if a > 0 else 0.01 * a, ANY),
    ("leaky_relu_0.2", lambda a: a.leaky_relu(0.2), lambda a: a if a > 0 else 0.2 * a, ANY),
    ("softplus", lambda a: a.softplus(), lambda a: math.log(1 + math.exp(a)), ANY),
    ("abs", lambda a: a.abs(), abs, ANY),
    ("builtin_abs", lambda a: abs(a), abs, ANY),
    ("sqrt", lambda a: a.sqrt(), math.sqrt, POSITIVE),
    # a few compositions, to exercise the chain rule across ops
    ("tanh_of_product", lambda a, b: (a * b).tanh(), lambda a, b: math.tanh(a * b), PAIRS),
    ("log_sigmoid", lambda a: a.sigmoid().log(), lambda a: math.log(_sigmoid(a)), ANY),
    ("softplus_ref", lambda a: a.softplus() - a, lambda a: _softplus(a) - a, ANY),
]


def central_difference(f, xs, i, eps=1e-6):
    """d f / d xs[i] by central differences, on plain floats."""
    plus, minus = list(xs), list(xs)
    plus[i] += eps
    minus[i] -= eps
    return (f(*plus) - f(*minus)) / (2 * eps)


def cases():
    """(id, op on Values, reference, inputs) for every row and point."""
    for name, f, ref, points in OPS:
        for point in points:
            xs = point if isinstance(point, tuple) else (point,)
            yield name, f, ref, xs
