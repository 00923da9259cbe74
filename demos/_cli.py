"""What every demo shares: its command line (--seed, --out, --format, --every) and its files."""
import argparse
import csv
import math
from pathlib import Path

from nn._check import MAX_SIZE

from . import _plot


def at_least(kind, low, strict=False):
    """An argparse type: a `kind` (int or float) >= low, or > low when `strict`.

    >>> at_least(float, 0.0, strict=True)("0.5")
    0.5
    """
    def parse(text):
        try:
            x = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {'a whole number' if kind is int else 'a number'}, "
                                             f"got {text!r}") from None
        if not (x > low or (x == low and not strict)):  # also refuses nan
            raise argparse.ArgumentTypeError(f"expected a number {'>' if strict else '>='} {low}, got {text}")
        if not (math.isfinite(x) if kind is float else x <= MAX_SIZE):  # nn refuses them later, with a traceback
            bound = "a finite number" if kind is float else f"at most {MAX_SIZE:,}"
            raise argparse.ArgumentTypeError(f"expected {bound}, got {text}")
        return x
    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


positive_int = at_least(int, 1)
positive_float = at_least(float, 0.0, strict=True)
nonnegative_float = at_least(float, 0.0)


def parser(name, doc, every, unit="epochs", plots=True):
    """An argument parser for `python -m demos NAME` with --seed, --out, --format and --every
    (progress every N `unit`: epochs, or steps for a demo that counts steps); a demo that
    draws no plots (`plots=False`) has no --format.

    >>> args = parser("xor", "XOR.", every=10).parse_args(["--seed", "3"])
    >>> args.seed, args.out.name, args.format, args.every
    (3, 'xor', 'png', 10)
    """
    p = argparse.ArgumentParser(prog=f"python -m demos {name}", description=doc,
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--seed", type=int, default=0, help="seed for the data, the weights and the shuffling")
    p.add_argument("--out", type=Path, default=Path("out") / name, metavar="DIR",
                   help="directory for the files written (made if missing)")
    if plots:
        p.add_argument("--format", choices=("png", "svg"), default="png",
                       help="file format of the plots (when matplotlib is installed)")
    p.add_argument("--every", type=positive_int, default=every, metavar="N", help=f"print progress every N {unit}")
    return p


def parse(p, argv):
    """Parse `argv` and make the --out directory (a file in the way is a usage error)."""
    args = p.parse_args(argv)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        p.error(f"--out {args.out}: cannot make this directory ({e.strerror or e})")
    return args


def plot_path(args, stem):
    """Where a plot goes: DIR/stem.png (or .svg)."""
    return args.out / f"{stem}.{args.format}"


def wrote(path):
    """Announce a file the demo wrote (every path is printed, so it can be opened)."""
    if path is not None:
        print(f"wrote {path}")
    return path


def save_history(rows, args, title):
    """Write per-epoch metrics (dicts with the same keys, the first being the x axis) as
    DIR/history.csv and plot them as DIR/curves.png; columns None in every row are left out."""
    fields = [k for k in rows[0] if any(r[k] is not None for r in rows)]
    path = args.out / "history.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    wrote(path)
    wrote(_plot.history(rows, plot_path(args, "curves"), title))
