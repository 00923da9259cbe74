"""Data handling: train/validation/test splits, shuffled mini-batches, and CSV loading."""
from __future__ import annotations

import collections.abc
import csv
import errno
import io
import math
import numbers
import os
import random
import stat
from typing import TYPE_CHECKING, Any, Iterator, Optional, Sequence, TypeVar, Union

from ._check import flag, positive_int, short
from ._seed import Seed, as_rng

if TYPE_CHECKING:
    from typing_extensions import TypeGuard

T = TypeVar("T")

MAX_CSV_BYTES = 1 << 30  # 1 GiB: far past what a scalar engine can train on


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


def load_csv(path: Union[str, os.PathLike[str]], target: Union[int, str] = -1, header: Optional[bool] = None,
             delimiter: str = ",") -> tuple[list[list[float]], list[Any]]:
    """Read a CSV file of numbers into (X, y): `target` is the label column (an index, or a
    name from the header row); every other column is a feature.

    `header=None` detects a header row (a first row holding no number). Labels are
    ints when every label is a whole number. Ragged rows, non-numeric cells and missing
    files raise errors that name the file, line and column.
    """
    text = _read_text(path, delimiter, header)
    try:
        # strict: an unclosed quote is an error, not one cell holding the rest of the file
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        rows = [(i, row) for i, row in enumerate(reader, 1)
                if any(cell.strip() for cell in row)]
    except csv.Error as e:
        raise ValueError(f"{path}: not a CSV file of numbers ({e})") from None
    if not rows:
        raise ValueError(f"{path}: the file has no rows")
    guessed = header is None
    if guessed:  # a row holding a number is data, nan and inf included (refused below, by line): a first
        # row with a missing value or a category ("1,,0", "1.5,2,cat") is not a header to drop silently
        header = not any(_parses(cell) for cell in rows[0][1])
    names = [cell.strip() for cell in rows[0][1]] if header else None
    width = len(rows[0][1])
    if header:
        rows = rows[1:]
    if not rows:
        raise ValueError(f"{path}: the file has a header but no data rows")
    if width < 2:
        raise ValueError(f"{path}: need at least two columns (features and a target), found {width}"
                         + _hint(rows[0][1][0], delimiter))
    column = _target_column(target, names, width, path)
    X, y = [], []
    for line, row in rows:
        if len(row) != width:
            raise ValueError(f"{path}, line {line}: {len(row)} cells, but the first row has {width}")
        try:
            values = [_cell(cell, path, line, j, names, delimiter) for j, cell in enumerate(row)]
        except ValueError as e:
            if guessed and not header and line == rows[0][0]:
                raise ValueError(f"{e}; if line {line} is a header row, pass header=True") from None
            raise
        y.append(values.pop(column))
        X.append(values)
    if all(t.is_integer() for t in y):
        y = [int(t) for t in y]
    return X, y


def _read_text(path: object, delimiter: object, header: object) -> str:
    """The file's text, after checking the arguments; binary or non-UTF-8 files are refused."""
    # An int is a file descriptor to open(): load_csv(0) would read and close stdin.
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"load_csv: path must be a file name (str or path), got {type(path).__name__}: {short(path)}")
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n':
        raise ValueError(f"load_csv: delimiter must be one character (not a quote or newline), got {short(delimiter)}")
    if header not in (None, True, False):
        raise TypeError(f"load_csv: header must be None (detect), True or False, got {short(header)}")
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            raise ValueError(f"load_csv: {path} is not a regular file")
        if info.st_size > MAX_CSV_BYTES:
            raise ValueError(f"load_csv: {path} is {info.st_size:,} bytes; at most {MAX_CSV_BYTES:,} are read")
        with open(path, "rb") as f:
            data = f.read(MAX_CSV_BYTES + 1)
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, "load_csv: no such file", os.fspath(path)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ValueError(f"{path}, line {line}: not UTF-8 text (byte {data[e.start]:#04x}); "
                         "load_csv reads CSV files of numbers") from None
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise ValueError(f"{path}, line {line}: a NUL byte; this looks like a binary file, not a CSV file")
    return text


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


def _target_column(target: object, names: Optional[list[str]], width: int, path: object) -> int:
    if isinstance(target, str):
        if names is None:
            raise ValueError(f"{path}: target={target!r} is a column name, but the file has no header row")
        if target not in names:
            raise ValueError(f"{path}: target: no column named {target!r}; columns are {names}")
        if names.count(target) > 1:
            raise ValueError(f"{path}: target: {names.count(target)} columns are named {target!r}; "
                             "give the target's index instead")
        return names.index(target)
    if isinstance(target, bool) or not isinstance(target, int) or not -width <= target < width:
        raise ValueError(f"{path}: target must be a column name or an index in [-{width}, {width}), got {target!r}")
    return target % width


def _is_float(cell: str) -> bool:
    return _parses(cell) and math.isfinite(float(cell))


def _parses(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def _cell(cell: str, path: object, line: int, j: int, names: Optional[list[str]], delimiter: str) -> float:
    if _is_float(cell):
        return float(cell)
    column = repr(names[j]) if names else j
    raise ValueError(f"{path}, line {line}, column {column}: {short(cell.strip())} is not a number"
                     + _hint(cell, delimiter))


def _hint(cell: str, delimiter: str) -> str:
    """What a cell that is no number most likely is: a missing value, a number written another way
    (another delimiter, a decimal comma, a thousands separator), or a category."""
    if not cell.strip() or cell.strip().lower() in ("na", "n/a", "null", "none", "?", "-"):
        return " (a missing value? load_csv reads numbers only: fill or drop it first)"
    if _parses(cell):
        return " (the data must be finite numbers: fill or drop it first)"
    for other in ";\t|":
        if other != delimiter and other in cell:
            return f" (cells hold {other!r}: is the file separated by it? pass delimiter={other!r})"
    if delimiter != "," and _is_float(cell.replace(",", ".", 1)):
        return " (a decimal comma? load_csv reads numbers written with a point: 3.5)"
    if _is_float(cell.replace(",", "")):
        return " (a thousands separator? load_csv reads numbers written without one: 1234.5)"
    if any(c.isalpha() for c in cell):
        return " (a category? load_csv reads numbers only: encode it as numbers first, or drop the column)"
    return ""
