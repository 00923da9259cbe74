"""Real data, shipped: the 1,797 8x8 handwritten digits (UCI optdigits test set), read with no network.

The file `digits.csv.gz` beside this module is the one scikit-learn ships (byte for byte): one
row per image, 64 pixel counts (0-16, row by row from the top left) then the label 0-9.
Source, licence (CC BY 4.0) and citation: `digits_LICENSE.txt` beside it, and `load_digits`.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
from pathlib import Path

from ._check import flag

_FILE = Path(__file__).with_name("digits.csv.gz")
_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
SAMPLES, SIDE, CLASSES, MAX_PIXEL = 1797, 8, 10, 16


def load_digits(normalize: bool = False) -> tuple[list[list[float]], list[int]]:
    """The 1,797 handwritten digits as (X, y): X rows of 64 floats (an 8x8 image, row by row
    from the top left), y their labels 0-9 (ints). The file is checked (checksum, shape,
    labels, pixel range) on every load; a damaged copy raises ValueError.

    `normalize=False` (the default) gives the pixel counts as published, 0.0 to 16.0 (each
    pixel counts the inked dots in a 4x4 block), the same numbers scikit-learn's
    `load_digits` returns, so nothing is hidden; `normalize=True` divides them by 16 into
    [0, 1], the scale a network trains well on.

    Data: E. Alpaydin and C. Kaynak (1998), Optical Recognition of Handwritten Digits, UCI
    Machine Learning Repository, https://doi.org/10.24432/C50P49, licence CC BY 4.0
    (https://creativecommons.org/licenses/by/4.0/); this is its test set of 1,797 images.

    >>> X, y = load_digits(normalize=True)
    >>> len(X), len(X[0]), sorted(set(y)) == list(range(10))
    (1797, 64, True)
    >>> y[0], [round(16 * p) for p in X[0][:8]]    # the top row of a 0
    (0, [0, 0, 5, 13, 9, 1, 0, 0])
    """
    flag(normalize, "load_digits: normalize")
    X, y = _read(_FILE)
    if normalize:
        X = [[p / MAX_PIXEL for p in row] for row in X]
    return X, y


def _read(path: Path) -> tuple[list[list[float]], list[int]]:
    """Rows of pixel floats and int labels from the gzipped CSV at `path`, checked."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(f"load_digits: the data file {path} is missing; reinstall chainrule") from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != _SHA256:
        raise ValueError(f"load_digits: {path} is damaged or not the original (sha256 {digest}, "
                         f"expected {_SHA256}); reinstall chainrule")
    try:
        text = gzip.decompress(raw).decode("ascii")
        rows = list(csv.reader(io.StringIO(text)))
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as e:
        raise ValueError(f"load_digits: {path} is not a readable gzipped CSV ({e})") from None
    return _check(rows, path)


def _check(rows: list[list[str]], path: Path) -> tuple[list[list[float]], list[int]]:
    """(X, y) from CSV rows, or ValueError saying which row breaks the expected layout."""
    if len(rows) != SAMPLES:
        raise ValueError(f"load_digits: {path} has {len(rows)} rows, expected {SAMPLES}")
    X, y = [], []
    for i, row in enumerate(rows, 1):
        if len(row) != SIDE * SIDE + 1:
            raise ValueError(f"load_digits: {path}, row {i}: {len(row)} values, expected {SIDE * SIDE + 1}")
        try:
            *pixels, label = [int(cell) for cell in row]
        except ValueError:
            raise ValueError(f"load_digits: {path}, row {i}: a value is not a whole number") from None
        if not 0 <= label < CLASSES:
            raise ValueError(f"load_digits: {path}, row {i}: label {label} is not a digit 0-9")
        if not all(0 <= p <= MAX_PIXEL for p in pixels):
            raise ValueError(f"load_digits: {path}, row {i}: a pixel is outside 0-{MAX_PIXEL}")
        X.append([float(p) for p in pixels])
        y.append(label)
    return X, y
