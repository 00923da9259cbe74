"""Data handling: train/validation/test splits, shuffled mini-batches, and rows checked as a dataset."""
from __future__ import annotations

import collections.abc
import math
import numbers
import random
from typing import TYPE_CHECKING, Any, Iterator, Optional, Sequence, TypeVar

from ._check import flag, positive_int, short
from ._seed import Seed, as_rng
# re-exported (`name as name`): load_csv and its size bound are imported from nn.data too
from .csv_files import MAX_CSV_BYTES as MAX_CSV_BYTES, load_csv as load_csv

if TYPE_CHECKING:
    from typing_extensions import TypeGuard

T = TypeVar("T")


def train_test_split(*arrays: Sequence[T], test_size: float = 0.25, seed: Seed = None,
                     shuffle: bool = True) -> list[list[T]]:
    """Split each of `arrays` (same length) into a train part and a test part, as sklearn:
    returns [a_train, a_test, b_train, b_test, ...].

    `test_size` is a fraction (0 < f < 1) or a count; `seed` makes the shuffle reproducible.

    >>> X_train, X_test, y_train, y_test = train_test_split([[1], [2], [3], [4]], [0, 1, 0, 1], seed=0)
    >>> len(X_train), len(X_test)
    (3, 1)
    """
    n = _common_length(arrays, "train_test_split")
    if isinstance(test_size, float) and 0.0 < test_size < 1.0:
        n_test = math.ceil(test_size * n)
    elif isinstance(test_size, numbers.Integral) and not isinstance(test_size, bool):
        n_test = int(test_size)
    else:
        raise ValueError(f"train_test_split: test_size must be a fraction in (0, 1) or a count, got {short(test_size)}")
    flag(shuffle, "train_test_split: shuffle")
    return _split(arrays, n, [n_test], as_rng(seed, "train_test_split: seed"), shuffle,
                  f"train_test_split (test_size={test_size!r})")


def train_val_test_split(*arrays: Sequence[T], val_size: float = 0.2, test_size: float = 0.2,
                         seed: Seed = None) -> list[list[T]]:
    """Three parts, for choosing settings on `val` and reporting on `test`:
    returns [a_train, a_val, a_test, b_train, ...]; sizes are fractions of the whole.

    >>> parts = train_val_test_split(list(range(10)), seed=0)
    >>> [len(p) for p in parts]
    [6, 2, 2]
    """
    for name, size in (("val_size", val_size), ("test_size", test_size)):
        if not (isinstance(size, float) and 0.0 < size < 1.0):
            raise ValueError(f"train_val_test_split: {name} must be a fraction in (0, 1), got {short(size)}")
    n = _common_length(arrays, "train_val_test_split")
    rng = as_rng(seed, "train_val_test_split: seed")
    return _split(arrays, n, [math.ceil(val_size * n), math.ceil(test_size * n)], rng, True,
                  f"train_val_test_split (val_size={val_size!r}, test_size={test_size!r})")


def _split(arrays: Sequence[Sequence[T]], n: int, held_out: list[int], rng: random.Random, shuffle: bool,
           function: str) -> list[list[T]]:
    """Parts [train, *held_out sizes] of each array: the held-out parts come first in the order."""
    if any(k < 1 for k in held_out) or n - sum(held_out) < 1:
        raise ValueError(f"{function}: cannot split {n} samples into {n - sum(held_out)} for training and "
                         f"{held_out} held out: every part needs at least one")
    order = list(range(n))
    if shuffle:
        rng.shuffle(order)
    bounds = [0]
    for k in held_out:
        bounds.append(bounds[-1] + k)
    parts = [order[bounds[-1]:]] + [order[a:b] for a, b in zip(bounds, bounds[1:])]
    return [[a[i] for i in part] for a in arrays for part in parts]


class DataLoader:
    """Mini-batches of (X, y): each pass (epoch) yields `(xb, yb)` lists of `batch_size` rows,
    reshuffled every pass when `shuffle` (reproducibly with `seed`). `batch_size=None`: one batch.

    >>> loader = DataLoader([[0.0], [1.0], [2.0]], [0, 1, 0], batch_size=2, shuffle=False)
    >>> [yb for xb, yb in loader], len(loader)
    ([[0, 1], [0]], 2)
    """

    def __init__(self, X: Sequence[Any], y: Sequence[Any], batch_size: Optional[int] = 32, shuffle: bool = True,
                 seed: Seed = None, drop_last: bool = False) -> None:
        n = _common_length([X, y], "DataLoader", names=("X", "y"))
        self.batch_size = n if batch_size is None else positive_int(batch_size, "DataLoader: batch_size")
        self.shuffle = flag(shuffle, "DataLoader: shuffle")
        self.drop_last = flag(drop_last, "DataLoader: drop_last")
        self._rng = as_rng(seed, "DataLoader: seed")
        self.X, self.y = X, y

    def __len__(self) -> int:
        n, b = len(self.X), self.batch_size
        return n // b if self.drop_last else -(-n // b)

    def __iter__(self) -> Iterator[tuple[list[Any], list[Any]]]:
        order = list(range(len(self.X)))
        if self.shuffle:
            self._rng.shuffle(order)
        X, y, b = self.X, self.y, self.batch_size
        for start in range(0, len(self) * b, b):
            part = order[start:start + b]
            yield [X[i] for i in part], [y[i] for i in part]


def as_dataset(X: object, y: object, what: str) -> tuple[list[list[float]], list[Any]]:
    """(rows, targets) checked: rows as lists of floats, as many targets as rows, at least one."""
    X = as_rows(X, what)
    if not _indexable(y):
        raise TypeError(f"{what}: y must be a list of targets, got {type(y).__name__}")
    y = list(y)
    if len(X) != len(y) or not X:
        raise ValueError(f"{what}: need as many targets as rows, and at least one; got {len(X)} rows, {len(y)} targets")
    return X, y


def as_rows(X: object, what: str) -> list[list[float]]:
    """Rows as lists of floats (a bare number is a row of one); TypeError names the bad row."""
    if not _indexable(X):
        raise TypeError(f"{what}: X must be a list of rows, got {type(X).__name__}")
    rows = []
    for i, row in enumerate(X):
        if isinstance(row, (str, bytes, collections.abc.Mapping, collections.abc.Set)) or isinstance(row, bool):
            raise TypeError(f"{what}: row {i} must be a list of numbers, got {type(row).__name__}: {short(row)}")
        try:
            rows.append([float(row)] if isinstance(row, numbers.Real) else [_float(c) for c in row])
        except (TypeError, ValueError):
            raise TypeError(f"{what}: row {i} must be a list of numbers, got {short(row)}") from None
        except OverflowError:  # an int past 1.8e308: a number, but no float holds it
            raise ValueError(f"{what}: row {i} holds a number too large for a float: {short(row)}") from None
    return rows


def _indexable(a: object) -> TypeGuard[Sequence[Any]]:
    """A list, tuple, array...: sized and indexed by position (not a str, dict or set)."""
    return (hasattr(a, "__len__") and hasattr(a, "__getitem__")
            and not isinstance(a, (str, bytes, collections.abc.Mapping)))


def _float(c: Any) -> float:
    """A cell as a float: numbers (and Values, via float()) only, never a str like '1.5'."""
    if isinstance(c, (str, bytes, bool, complex)) or c is None:
        raise TypeError
    if isinstance(c, numbers.Complex) and not isinstance(c, numbers.Real):  # NumPy's: float() drops .imag
        raise TypeError
    return float(c)


def _common_length(arrays: Sequence[Any], function: str, names: Optional[Sequence[str]] = None) -> int:
    if not arrays:
        raise ValueError(f"{function}: arrays: give at least one list to split")
    for i, a in enumerate(arrays):
        # Indexed by position: a dict would be read by key, a set has no order.
        if not _indexable(a):
            what = names[i] if names else f"argument {i}"
            raise TypeError(f"{function}: {what} must be a list (or tuple), got {type(a).__name__}")
    lengths = {len(a) for a in arrays}
    if len(lengths) != 1:
        what = " and ".join(names) if names else "arrays: all lists"
        raise ValueError(f"{function}: {what} must have the same length, got lengths {[len(a) for a in arrays]}")
    (n,) = lengths
    if n == 0:
        raise ValueError(f"{function}: cannot split or batch an empty dataset")
    return n
