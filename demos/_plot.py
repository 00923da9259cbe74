"""Pictures for the demos: decision regions, a fitted curve, and loss/accuracy curves.

With matplotlib (the `plot` extra) each function writes a PNG or SVG file and returns its
path; without it, it prints a compact text plot instead and returns None, so every demo
still runs.
"""
from autograd import Value, no_grad

from . import _textplot

# matplotlib's tab10 colours, and a shape per class too, for readers who can't tell colours apart.
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
MARKERS = "os^Dv<>ph*"
RESOLUTION = 70    # grid cells per side of a decision-region picture
DPI = 90           # modest: keeps the PNGs small


def pyplot():
    """matplotlib.pyplot drawing to files only, or None when matplotlib is not installed.

    >>> plt = pyplot()
    >>> plt is None or hasattr(plt, "subplots")
    True
    """
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")  # no window: works in a terminal, over ssh and in CI
    import matplotlib.pyplot as plt
    return plt


def regions(model, X, y, path, title="", threshold=0.0):
    """Colour the plane by the class `model` gives each point, and draw the data on top.

    `model` maps a point [x1, x2] to one score per class (the largest wins), or to a single
    score for two classes (class 1 above `threshold`). `X`, `y`: the points and their classes.
    """
    plt = pyplot()
    cols, rows = (RESOLUTION, RESOLUTION) if plt else (_textplot.WIDTH, _textplot.HEIGHT)
    xlim, ylim = _limits([x[0] for x in X]), _limits([x[1] for x in X])
    xs, ys = _centres(xlim, cols), _centres(ylim, rows)
    scores = class_scores(model, [[a, b] for b in ys for a in xs], threshold)
    n = len(scores[0])
    if plt is None:
        flat = [s.index(max(s)) for s in scores]
        classes = [flat[r * cols:(r + 1) * cols] for r in range(rows)]  # row 0 at the bottom
        _show(_textplot.regions(classes, X, y, xlim, ylim, title))
        return None
    fig, ax = plt.subplots(figsize=(6.2, 4.6))
    for k in range(n):
        # How far class k wins by: continuous, so its zero line is a smooth boundary.
        margin = [s[k] - max(s[:k] + s[k + 1:]) for s in scores]
        grid = [margin[r * cols:(r + 1) * cols] for r in range(rows)]
        if max(margin) > 0:
            ax.contourf(xs, ys, grid, levels=[0, float("inf")], colors=[_tint(_colour(k))])
            ax.contour(xs, ys, grid, levels=[0], colors="#444444", linewidths=0.8)
    from matplotlib.patches import Patch
    size = 26 if len(X) > 40 else 70
    handles = []
    for k in range(n):
        points = [x for x, label in zip(X, y) if label == k]
        if points:
            handles.append(ax.scatter([p[0] for p in points], [p[1] for p in points], s=size, c=_colour(k),
                                      marker=MARKERS[k % len(MARKERS)], edgecolors="black", linewidths=0.5,
                                      label=f"class {k} point"))
    handles += [Patch(facecolor=_tint(_colour(k)), edgecolor="#444444", label=f"predicted {k}") for k in range(n)]
    ax.set(xlim=xlim, ylim=ylim, xlabel="x1 (first input)", ylabel="x2 (second input)", title=title)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return _save(plt, fig, path)


def class_scores(model, points, threshold=0.0):
    """The model's scores for each point, one per class: a single output s becomes
    [threshold - s, s - threshold] (class 1 wins above the threshold). Records no graph.

    >>> from nn import MLP
    >>> class_scores(MLP(2, [1], init="zeros"), [[1.0, 2.0]], threshold=0.5)
    [[0.5, -0.5]]
    """
    with no_grad():
        outputs = [model(p) for p in points]
    if isinstance(outputs[0], Value):
        return [[threshold - o.data, o.data - threshold] for o in outputs]
    return [[o.data for o in out] for out in outputs]


def fit(data, curves, path, title=""):
    """Data points `data = (xs, ys)` and curves [(xs, ys, name), ...] on one pair of axes."""
    plt = pyplot()
    if plt is None:
        marks = "-*o+"
        series = [(xs, ys, marks[i % len(marks)], name) for i, (xs, ys, name) in enumerate(curves)]
        series.append((data[0], data[1], ".", "data"))  # last, so no point hides under a curve
        _show(_textplot.lines(series, "x", "y", title))
        return None
    fig, ax = plt.subplots(figsize=(5.6, 4))
    ax.scatter(*data, s=14, c="#555555", alpha=0.7, label="data (training points)")
    styles = [dict(color="#2ca02c", linestyle="--", linewidth=1.5), dict(color="#d62728", linewidth=2.2)]
    for i, (xs, ys, name) in enumerate(curves):
        ax.plot(xs, ys, label=name, **styles[i % len(styles)])
    ax.set(xlabel="x (input)", ylabel="y (target / prediction)", title=title)
    ax.legend(fontsize=8, framealpha=0.9)
    return _save(plt, fig, path)


def history(rows, path, title=""):
    """Loss (and accuracy, when recorded) per epoch or step from `rows`, a list of dicts whose
    first key is the x axis ('epoch' or 'step'), with 'loss' and optionally 'accuracy',
    'val_loss', 'val_accuracy'."""
    plt = pyplot()
    xlabel = next(iter(rows[0]))
    epochs = [r[xlabel] for r in rows]
    present = [k for k in ("loss", "val_loss", "accuracy", "val_accuracy") if rows[0].get(k) is not None]
    if plt is None:
        losses = [(epochs, [r[k] for r in rows], m, k) for k, m in zip(present, "*o") if "loss" in k]
        _show(_textplot.lines(losses, xlabel, "loss", title, height=12))
        return None
    panels = [k for k in ("loss", "accuracy") if k in present]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.4), squeeze=False)
    for ax, metric in zip(axes[0], panels):
        for key, name, style in ((metric, "training", "-"), (f"val_{metric}", "validation", "--")):
            if key in present:
                ax.plot(epochs, [r[key] for r in rows], style, linewidth=1.8, label=name)
        ax.set(xlabel=xlabel, ylabel=metric, title=f"{title}: {metric}" if title else metric)
        if metric == "accuracy":
            ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
        # Curves fall (loss) or rise (accuracy): the opposite corner stays clear of them.
        ax.legend(fontsize=8, loc="lower right" if metric == "accuracy" else "upper right")
    return _save(plt, fig, path)


_told = []


def _show(text):
    """Print a text plot, saying once why it is not a picture."""
    if not _told:
        _told.append(True)
        print('(matplotlib is not installed, so plots are printed as text; pip install "chainrule[plot]", or -e ".[plot]" in a clone, for PNG/SVG)')
    print(text)


def _limits(values, margin=0.15):
    low, high = min(values), max(values)
    pad = margin * (high - low or 1.0)
    return low - pad, high + pad


def _centres(lim, n):
    step = (lim[1] - lim[0]) / n
    return [lim[0] + (i + 0.5) * step for i in range(n)]


def _colour(k):
    return COLORS[k % len(COLORS)]


def _tint(colour, amount=0.72):
    """`colour` mixed with white: light enough for the points on top to stand out."""
    from matplotlib.colors import to_rgb
    return tuple(c + (1.0 - c) * amount for c in to_rgb(colour))


def _save(plt, fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path
