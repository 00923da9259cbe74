"""Toy datasets in pure Python, seeded: XOR, moons, circles, spirals, blobs, 1-D curves.

Each `make_*` returns `(X, y)`: X a list of rows (lists of floats), y a list of class
indices 0, 1, ... (or floats for `make_curve`). `seed`: None uses the global `random`
module, an int gives the same data on every run.
"""
from __future__ import annotations

import math
import random
from typing import Callable, List, Sequence, Tuple, Union

from ._check import MAX_SIZE, is_number, nonnegative, number, positive_int, short
from ._seed import Seed, as_rng

# (X, y): rows of features and their int class labels.
Dataset = Tuple[List[List[float]], List[int]]


def make_xor(n: int = 4, noise: float = 0.0, seed: Seed = None) -> Dataset:
    """XOR: the corners (0,0), (0,1), (1,0), (1,1) with labels 0, 1, 1, 0, cycled to n points,
    each moved by Gaussian noise of std `noise`. The defaults give the truth table.

    >>> make_xor()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    n, noise = positive_int(n, "make_xor: n"), nonnegative(noise, "make_xor: noise")
    rng = as_rng(seed, "make_xor: seed")
    corners = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
    X, y = [], []
    for i in range(n):
        a, b = corners[i % 4]
        X.append([a + _noise(rng, noise), b + _noise(rng, noise)])
        y.append(int(a != b))
    return X, y


def make_moons(n: int = 100, noise: float = 0.0, seed: Seed = None) -> Dataset:
    """Two interleaving half circles (as sklearn.datasets.make_moons), shuffled.

    >>> X, y = make_moons(10, noise=0.1, seed=0)
    >>> len(X), sorted(set(y))
    (10, [0, 1])
    """
    n, noise = positive_int(n, "make_moons: n"), nonnegative(noise, "make_moons: noise")
    outer = [([math.cos(t), math.sin(t)], 0) for t in _linspace(0.0, math.pi, n // 2)]
    inner = [([1.0 - math.cos(t), 0.5 - math.sin(t)], 1) for t in _linspace(0.0, math.pi, n - n // 2)]
    return _finish(outer + inner, noise, as_rng(seed, "make_moons: seed"))


def make_circles(n: int = 100, noise: float = 0.0, factor: float = 0.8, seed: Seed = None) -> Dataset:
    """A circle of radius `factor` (class 1) inside one of radius 1 (class 0), shuffled.

    >>> X, y = make_circles(8, factor=0.5, seed=0)
    >>> sorted(round(math.hypot(*x), 6) for x in X)
    [0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0]
    """
    n, noise = positive_int(n, "make_circles: n"), nonnegative(noise, "make_circles: noise")
    if not 0.0 < number(factor, "make_circles: factor") < 1.0:
        raise ValueError(f"make_circles: factor must be in (0, 1), got {factor!r}")
    points = []
    for label, (count, radius) in enumerate([(n // 2, 1.0), (n - n // 2, factor)]):
        for i in range(count):
            t = 2.0 * math.pi * i / count
            points.append(([radius * math.cos(t), radius * math.sin(t)], label))
    return _finish(points, noise, as_rng(seed, "make_circles: seed"))


def make_spirals(n: int = 300, classes: int = 3, noise: float = 0.2, seed: Seed = None) -> Dataset:
    """`classes` interleaved spiral arms (the CS231n spiral), `n` points in all, shuffled.

    The noise is added to each point's angle.

    >>> X, y = make_spirals(30, classes=3, seed=0)
    >>> len(X), [y.count(k) for k in range(3)]
    (30, [10, 10, 10])
    """
    n, classes = positive_int(n, "make_spirals: n"), positive_int(classes, "make_spirals: classes")
    noise, rng = nonnegative(noise, "make_spirals: noise"), as_rng(seed, "make_spirals: seed")
    points = []
    for k, count in enumerate(_split(n, classes)):
        for r in _linspace(0.0, 1.0, count):
            t = 4.0 * (k + r) + _noise(rng, noise)
            points.append(([r * math.sin(t), r * math.cos(t)], k))
    return _finish(points, 0.0, rng)


def make_blobs(n: int = 100, centers: Union[int, Sequence[Sequence[float]]] = 3, std: float = 1.0,
               box: Sequence[float] = (-10.0, 10.0), seed: Seed = None) -> Dataset:
    """Gaussian blobs: `centers` (a count, drawn uniformly in `box` squared, or a list of
    points) with `n` points shared among them, std `std`; labels are center indices, shuffled.

    >>> X, y = make_blobs(6, centers=[[0.0, 0.0], [5.0, 5.0]], std=0.0, seed=0)
    >>> sorted(zip(y, X))[0]
    (0, [0.0, 0.0])
    """
    n, std = positive_int(n, "make_blobs: n"), nonnegative(std, "make_blobs: std")
    rng = as_rng(seed, "make_blobs: seed")
    if not isinstance(box, (list, tuple)) or len(box) != 2:
        raise ValueError(f"make_blobs: box must be a pair (low, high), got {short(box)}")
    low, high = number(box[0], "make_blobs: box"), number(box[1], "make_blobs: box")
    if isinstance(centers, int) and not isinstance(centers, bool):
        count = positive_int(centers, "make_blobs: centers")
        centers = [[rng.uniform(low, high), rng.uniform(low, high)] for _ in range(count)]
    elif not isinstance(centers, (list, tuple)) or not 0 < len(centers) <= MAX_SIZE:
        raise ValueError(f"make_blobs: centers must be a count or a non-empty list of points, got {short(centers)}")
    else:
        centers = [_point(c) for c in centers]
    if len({len(c) for c in centers}) != 1 or not centers[0]:
        raise ValueError(f"make_blobs: centers must be points of one size, got {short(centers)}")
    points = []
    for k, count in enumerate(_split(n, len(centers))):
        points += [(list(centers[k]), k) for _ in range(count)]
    return _finish(points, std, rng)


def make_curve(n: int = 100, fn: Callable[[float], float] = math.sin, low: float = -math.pi, high: float = math.pi,
               noise: float = 0.0, seed: Seed = None) -> tuple[list[list[float]], list[float]]:
    """1-D regression data: x uniform in [low, high], target fn(x) + Gaussian noise.

    X rows are one-element lists [x]; y are floats.

    >>> X, y = make_curve(3, fn=lambda x: 2 * x, seed=0)
    >>> all(t == 2 * x[0] for x, t in zip(X, y))
    True
    """
    n, noise = positive_int(n, "make_curve: n"), nonnegative(noise, "make_curve: noise")
    rng = as_rng(seed, "make_curve: seed")
    if not callable(fn):
        raise TypeError(f"make_curve: fn must be a function of one float, got {type(fn).__name__}")
    low, high = number(low, "make_curve: low"), number(high, "make_curve: high")
    X = [[rng.uniform(low, high)] for _ in range(n)]
    return X, [_target(fn, x) + _noise(rng, noise) for (x,) in X]


def _target(fn: Callable[[float], float], x: float) -> float:
    """fn(x) as a float: a number (or a Value), never a str that float() would read."""
    t = fn(x)
    if isinstance(t, (str, bytes, bool, complex)) or t is None or not hasattr(t, "__float__"):
        raise TypeError(f"make_curve: fn({x!r}) must return a number, got {type(t).__name__}: {short(t)}")
    return float(t)


def _point(c: object) -> list[float]:
    """A center as a list of finite floats."""
    if not isinstance(c, (list, tuple)) or not all(map(is_number, c)):
        raise ValueError(f"make_blobs: centers: each must be a list of finite numbers, got {short(c)}")
    return [float(x) for x in c]


def _noise(rng: random.Random, std: float) -> float:
    return rng.gauss(0.0, std) if std else 0.0


def _linspace(a: float, b: float, count: int) -> list[float]:
    if count == 1:
        return [a]
    return [a + (b - a) * i / (count - 1) for i in range(count)]


def _split(n: int, k: int) -> list[int]:
    """n items over k groups as evenly as possible, the first groups taking the remainder."""
    return [n // k + (i < n % k) for i in range(k)]


def _finish(points: list[tuple[list[float], int]], noise: float, rng: random.Random) -> Dataset:
    """Shuffle (point, label) pairs, add noise to every coordinate, return (X, y)."""
    rng.shuffle(points)
    X = [[c + _noise(rng, noise) for c in x] for x, _ in points]
    return X, [label for _, label in points]
