"""Pictures for an image classifier: a grid of images with their labels, and a confusion matrix.

As in `_plot`: with matplotlib each function writes a file and returns its path; without
it, it prints a text version (images drawn in characters, the matrix as a table) and
returns None.
"""
from . import _plot

SIDE = 8                # the images are SIDE x SIDE pixels, given as rows of SIDE * SIDE values
MARKS = " .:=#"         # text shades, from no ink to full ink
WRONG = "#d62728"       # red: a mistake


def confusion(y_true, y_pred, classes):
    """counts[t][p]: how many samples of class t were predicted as p.

    >>> confusion([0, 1, 1], [0, 0, 1], 2)
    [[1, 0], [1, 1]]
    """
    counts = [[0] * classes for _ in range(classes)]
    for t, p in zip(y_true, y_pred):
        counts[t][p] += 1
    return counts


def pick(y_true, y_pred, count):
    """Indices of `count` samples to show: the mistakes first (up to half), then the rest in order.

    >>> pick([1, 2, 3, 4], [1, 0, 3, 0], 3)
    [1, 0, 2]
    """
    wrong = [i for i, (t, p) in enumerate(zip(y_true, y_pred)) if t != p][:count // 2]
    right = [i for i, (t, p) in enumerate(zip(y_true, y_pred)) if t == p]
    return (wrong + right)[:count]


def draw_digit(row):
    """One image in characters, in a box: SIDE lines of SIDE marks, darker for more ink
    (values in [0, 1]).

    >>> draw_digit([0.0] * 60 + [0.25, 0.5, 0.75, 1.0]).splitlines()[-2:]
    ['|    .:=#|', '+--------+']
    """
    chars = [MARKS[min(len(MARKS) - 1, max(0, round(v * (len(MARKS) - 1))))] for v in row]
    rule = "+" + "-" * SIDE + "+"
    return "\n".join([rule, *("|" + "".join(chars[r * SIDE:(r + 1) * SIDE]) + "|" for r in range(SIDE)), rule])


def grid(X, y_true, y_pred, path, title="", columns=8, text_count=12):
    """Images `X` (rows in [0, 1]) with the predicted label above each; a mistake is framed in
    red and says the true label too. As text: the first `text_count` images only."""
    plt = _plot.pyplot()
    if plt is None:
        _plot._show(_text_grid(X[:text_count], y_true, y_pred, title))
        return None
    rows = -(-len(X) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 0.9, rows * 1.05 + 0.7), squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, image, t, p in zip(axes.flat, X, y_true, y_pred):
        pixels = [image[r * SIDE:(r + 1) * SIDE] for r in range(SIDE)]
        ax.imshow(pixels, cmap="gray_r", vmin=0.0, vmax=1.0, interpolation="nearest")
        ax.set_axis_on()
        ax.set_xticks([])
        ax.set_yticks([])
        if p == t:
            ax.set_title(str(p), fontsize=10)
            for spine in ax.spines.values():
                spine.set_color("#bbbbbb")
        else:
            ax.set_title(f"{p} (true {t})", fontsize=9, color=WRONG, fontweight="bold")
            for spine in ax.spines.values():
                spine.set_color(WRONG)
                spine.set_linewidth(2.5)
    fig.suptitle(title, fontsize=11)
    return _plot._save(plt, fig, path)


def matrix(counts, path, title=""):
    """The confusion matrix `counts[true][predicted]` as a heat map with every count written in."""
    plt = _plot.pyplot()
    if plt is None:
        _plot._show(_text_matrix(counts, title))
        return None
    n = len(counts)
    fig, ax = plt.subplots(figsize=(5.4, 4.8))
    image = ax.imshow(counts, cmap="Blues")
    top = max(max(row) for row in counts)
    for t in range(n):
        for p in range(n):
            if counts[t][p]:
                dark = counts[t][p] > top / 2  # white on the dark cells, black on the light ones
                ax.text(p, t, str(counts[t][p]), ha="center", va="center", fontsize=8,
                        color="white" if dark else ("black" if t == p else WRONG))
    ax.set(xticks=range(n), yticks=range(n), xlabel="predicted class", ylabel="true class", title=title)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="test images")
    return _plot._save(plt, fig, path)


def _text_grid(X, y_true, y_pred, title, per_line=6):
    """Images side by side in characters, `per_line` to a band, each with its labels below."""
    out = [title] if title else []
    for start in range(0, len(X), per_line):
        band = list(range(start, min(start + per_line, len(X))))
        drawings = [draw_digit(X[i]).splitlines() for i in band]
        out += ["  ".join(d[r] for d in drawings) for r in range(SIDE + 2)]
        out.append("".join(_caption(y_true[i], y_pred[i]).ljust(SIDE + 4) for i in band).rstrip())
        out.append("")
    out.append("under each image: the class predicted (and the true class, for a mistake)")
    return "\n".join(out)


def _caption(t, p):
    return f" {p}" if t == p else f"{p} (true {t})"


def _text_matrix(counts, title):
    """A table: one row per true class, one column per predicted class, '.' for zero."""
    n = len(counts)
    width = max(3, len(str(max(max(row) for row in counts))) + 1)
    out = [title] if title else []
    out.append("true \\ predicted")
    out.append("     " + "".join(f"{p:>{width}}" for p in range(n)))
    for t, row in enumerate(counts):
        out.append(f"{t:>4} " + "".join(f"{c if c else '.':>{width}}" for c in row))
    return "\n".join(out)
