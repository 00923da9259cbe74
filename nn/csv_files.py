"""`load_csv`: a CSV file of numbers read into (X, y); its errors name the file, line and column."""
from __future__ import annotations

import csv
import errno
import io
import math
import os
import stat
from typing import Any, Optional, Union

from ._check import short

MAX_CSV_BYTES = 1 << 30  # 1 GiB: far past what a scalar engine can train on


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
