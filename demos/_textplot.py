"""Compact text plots for the terminal (used when matplotlib is not installed)."""

# Regions are light marks, points are the digits of their class, so both read at once.
REGION_MARKS = ".-:~'"
WIDTH, HEIGHT = 60, 20


def regions(classes, X, y, xlim, ylim, title=""):
    """A decision-region map: `classes[row][col]` (row 0 at the bottom) predicted per cell,
    each region drawn with its mark, each point (x1, x2) of `X` as the digit of its label.

    >>> print(regions([[0, 1], [0, 1]], [[0.9, 0.1]], [1], (0, 1), (0, 1)))  # doctest: +NORMALIZE_WHITESPACE
    x2
    1 +--+
      |.-|
      |.1|
    0 +--+
      0  1
        x1
    regions: class 0 '.'  class 1 '-'   points: the digit of their class
    """
    cells = [[REGION_MARKS[c % len(REGION_MARKS)] for c in row] for row in classes]
    for (a, b), label in zip(X, y):
        _put(cells, a, b, xlim, ylim, str(label)[-1])
    used = sorted({c for row in classes for c in row})
    legend = "regions: " + "  ".join(f"class {c} {REGION_MARKS[c % len(REGION_MARKS)]!r}" for c in used)
    return _frame(cells, xlim, ylim, "x1", "x2", title, legend + "   points: the digit of their class")


def lines(series, xlabel="x", ylabel="y", title="", height=HEIGHT):
    """Curves and points on one text canvas: `series` is [(xs, ys, mark, name), ...];
    later series are drawn over earlier ones.

    >>> print(lines([([0, 1, 2], [0, 1, 4], "*", "data")], title="y = x**2").splitlines()[0])
    y = x**2
    """
    xs = [x for s in series for x in s[0]]
    ys = [y for s in series for y in s[1]]
    xlim, ylim = _span(xs), _span(ys)
    cells = [[" "] * WIDTH for _ in range(height)]
    for sx, sy, mark, _ in series:
        for a, b in zip(sx, sy):
            _put(cells, a, b, xlim, ylim, mark)
    legend = "   ".join(f"{mark} {name}" for _, _, mark, name in series)
    return _frame(cells, xlim, ylim, xlabel, ylabel, title, legend)


def _span(values):
    low, high = min(values), max(values)
    return (low, high) if high > low else (low - 1.0, high + 1.0)


def _put(cells, a, b, xlim, ylim, mark):
    """Write `mark` in the cell holding point (a, b); row 0 is the bottom row."""
    col, row = _index(a, xlim, len(cells[0])), _index(b, ylim, len(cells))
    if col is not None and row is not None:
        cells[row][col] = mark


def _index(v, lim, n):
    low, high = lim
    if not low <= v <= high:
        return None
    return min(int((v - low) / (high - low) * n), n - 1)


def _frame(rows, xlim, ylim, xlabel, ylabel, title, legend):
    """Rows (bottom first) inside a box, with the axis ranges and labels written around it."""
    width = len(rows[0])
    top, bottom = f"{ylim[1]:.3g}", f"{ylim[0]:.3g}"
    pad = max(len(top), len(bottom))
    rule = "+" + "-" * width + "+"
    out = [title] if title else []
    out.append(ylabel)
    out.append(f"{top:>{pad}} {rule}")
    out += [" " * pad + " |" + "".join(row) + "|" for row in reversed(rows)]
    out.append(f"{bottom:>{pad}} {rule}")
    left, right = f"{xlim[0]:.3g}", f"{xlim[1]:.3g}"
    out.append(" " * (pad + 1) + left + right.rjust(width + 2 - len(left)))
    out.append(" " * (pad + 1) + xlabel.center(width + 2).rstrip())
    out.append(legend)
    return "\n".join(out)
