"""What every check uses: the current case, `Fail`, and comparisons that explain themselves."""
import json
import math
import numbers

_state = {"case": "", "log": None}


class Fail(Exception):
    """A check that did not hold: which case, what was expected, what came back, a hint."""

    def __init__(self, expected, got, hint=""):
        super().__init__(expected)
        self.case, self.expected, self.got, self.hint = _state["case"], expected, got, hint


def grad_of(value):
    """`value.grad` as a float: 0.0 where a backward pass never reached it (None, as PyTorch)."""
    return 0.0 if value.grad is None else value.grad


def start_log(path):
    """Append each case's description to `path` as it starts (read back after a timeout)."""
    _state["log"] = path


def case(description):
    """Name the case about to run, in words a learner understands."""
    _state["case"] = description
    if _state["log"]:
        with open(_state["log"], "a", encoding="utf-8") as f:
            f.write(json.dumps({"case": description}) + "\n")


def current_case():
    """The description of the case running now."""
    return _state["case"]


def show(x):
    """A short text for a number (12 digits), a list of numbers or anything else.

    >>> show([0.1 + 0.2, 3, (2.5,)])
    '[0.3, 3, (2.5,)]'
    """
    if isinstance(x, bool) or x is None:
        return repr(x)
    if isinstance(x, numbers.Integral):
        return repr(int(x))
    if isinstance(x, numbers.Real):  # 12 digits: 0.632, not 0.6319999999999999
        return repr(float(f"{float(x):.12g}"))
    if isinstance(x, (list, tuple)):
        inner = ", ".join(show(v) for v in x)
        return f"[{inner}]" if isinstance(x, list) else f"({inner}{',' if len(x) == 1 else ''})"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {show(v)}" for k, v in x.items()) + "}"
    text = repr(x)
    return text if len(text) <= 120 else text[:117] + "..."


def close(got, expected, rel=1e-7, abs_tol=1e-9):
    """True if two floats agree (NaN equals NaN, infinities must match exactly).

    >>> close(1.0 + 1e-12, 1.0), close(float("nan"), float("nan")), close(1.1, 1.0)
    (True, True, False)
    """
    if math.isnan(expected):
        return math.isnan(got)
    if math.isinf(expected) or math.isinf(got):
        return got == expected
    return abs(got - expected) <= abs_tol + rel * abs(expected)


def show_pair(expected, got):
    """Two numbers as texts of the same precision: 6 digits, more where 6 do not tell them apart.

    >>> show_pair(0.35862656691134, -0.21220100000000008)
    ('0.358627', '-0.212201')
    >>> show_pair(1.0000001234, 1.0000002234)
    ('1.0000001', '1.0000002')
    """
    digits = precision(expected, got)
    return rounded(expected, digits), rounded(got, digits)


def precision(expected, got):
    """The significant digits that tell two numbers apart: 6, up to 12."""
    for digits in range(6, 12):
        if f"{expected:.{digits}g}" != f"{got:.{digits}g}":
            return digits
    return 12


def rounded(x, digits):
    """`x` rounded to `digits` significant digits, without trailing zeros."""
    return repr(float(f"{x:.{digits}g}"))


def _not_a_number(got, what, plural=False):
    value = hasattr(got, "data") and not isinstance(got, (list, tuple))
    expected = f"{what} to hold numbers (floats)" if plural else f"{what} to be a number (a float)"
    if value:
        return Fail(f"{expected}, not Values", f"{show(got)} (a {type(got).__name__})",
                    "store plain numbers: the .data of a Value, not the Value itself")
    return Fail(expected, f"{show(got)} (a {type(got).__name__})")


def _is_number(x):
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def number(got, what):
    """`got` as a float, or Fail saying that `what` should have been a number."""
    if not _is_number(got):
        raise _not_a_number(got, what)
    return float(got)


def numbers_of(got, n, what):
    """`got` as a list of `n` floats (a tuple or list), or Fail."""
    if not isinstance(got, (list, tuple)) or len(got) != n:
        raise Fail(f"{what} to be {n} numbers (a tuple or list)",
                   show(got) if isinstance(got, (list, tuple)) else
                   f"{show(got)} (a {type(got).__name__})")
    for g in got:
        if not _is_number(g):
            raise _not_a_number(g, what, plural=True)
    return [float(g) for g in got]


def expect_close(got, expected, what, hint="", rel=1e-7, abs_tol=1e-9):
    """Fail unless the number `got` is close to `expected`."""
    got = number(got, what)
    if not close(got, expected, rel, abs_tol):
        if math.isfinite(got) and math.isfinite(expected):
            shown_expected, shown_got = show_pair(expected, got)
        else:
            shown_expected, shown_got = show(expected), show(got)
        raise Fail(f"{what} = {shown_expected}", shown_got, hint)


def expect_all_close(got, expected, what, hint="", rel=1e-7, abs_tol=1e-9):
    """Fail unless each of the numbers `got` is close to the one of `expected` at its place."""
    got = numbers_of(got, len(expected), what)
    wrong = [i for i, (g, e) in enumerate(zip(got, expected)) if not close(g, e, rel, abs_tol)]
    if wrong and len(expected) > 4:  # a long list: name the first number that differs
        i = wrong[0]
        raise Fail(f"{what}: number {i} (counting from 0) of {len(expected)} = {show(expected[i])}",
                   f"{show(got[i])} ({len(wrong)} of the {len(expected)} differ)", hint)
    if wrong:
        raise Fail(f"{what} = {show(list(expected))}", show(got), hint)


def expect_value(got, value_class, what):
    """Fail unless `got` is an instance of `value_class` (e.g. a Value, not a float)."""
    if not isinstance(got, value_class):
        raise Fail(f"{what} to be a {value_class.__name__}",
                   f"{show(got)} (a {type(got).__name__})",
                   f"return a {value_class.__name__}, so that backward() can reach it")
