"""nn.load_digits: the shipped UCI digits load whole, as published, and a damaged copy is refused."""
import collections
import gzip
import hashlib
from pathlib import Path

import pytest

import nn
from nn import digits, load_digits

ROOT = Path(__file__).resolve().parent.parent
# Facts about the UCI test set (and scikit-learn's copy), not taken from the loader:
# images per class, and the top row of the first image (a 0).
PER_CLASS = {0: 178, 1: 182, 2: 177, 3: 183, 4: 181, 5: 182, 6: 181, 7: 179, 8: 174, 9: 180}
FIRST_ROW = [0, 0, 5, 13, 9, 1, 0, 0]


@pytest.fixture(scope="module")
def raw():
    return load_digits()


def test_shape_types_and_labels(raw):
    X, y = raw
    assert len(X) == len(y) == 1797 and {len(row) for row in X} == {64}
    assert all(type(row) is list and all(type(p) is float for p in row) for row in X)
    assert all(type(t) is int for t in y)
    assert collections.Counter(y) == PER_CLASS
    assert y[0] == 0 and X[0][:8] == FIRST_ROW


def test_pixels_are_the_published_counts(raw):
    X, _ = raw
    pixels = {p for row in X for p in row}
    assert pixels == {float(k) for k in range(17)}  # whole counts 0..16, every one occurring


def test_normalize_divides_by_16(raw):
    X, y = raw
    Xn, yn = load_digits(normalize=True)
    assert yn == y
    assert all(a == b / 16 for rn, r in zip(Xn, X) for a, b in zip(rn, r))
    assert min(map(min, Xn)) == 0.0 and max(map(max, Xn)) == 1.0


def test_same_as_scikit_learn(raw):
    datasets = pytest.importorskip("sklearn.datasets")
    reference = datasets.load_digits()
    X, y = raw
    assert X == reference.data.tolist() and y == reference.target.tolist()


def test_exported_and_documented():
    assert nn.load_digits is load_digits and "load_digits" in nn.__all__
    doc = load_digits.__doc__
    assert "CC BY 4.0" in doc and "10.24432/C50P49" in doc and "normalize=False" in doc
    about = (ROOT / "nn" / "digits_LICENSE.txt").read_text(encoding="utf-8")
    assert "CC BY 4.0" in about and "Alpaydin" in about
    assert hashlib.sha256((ROOT / "nn" / "digits.csv.gz").read_bytes()).hexdigest() in about


def test_normalize_must_be_a_bool():
    with pytest.raises(TypeError, match=r"load_digits: normalize must be True or False"):
        load_digits(normalize="yes")


# ----- a damaged copy -----------------------------------------------------------------------
def original():
    return (ROOT / "nn" / "digits.csv.gz").read_bytes()


def use_copy(monkeypatch, tmp_path, data, trust=False):
    """Point load_digits at a copy holding `data`; `trust`: accept its checksum, so that the
    checks after the checksum are the ones tested."""
    path = tmp_path / "digits.csv.gz"
    path.write_bytes(data)
    monkeypatch.setattr(digits, "_FILE", path)
    if trust:
        monkeypatch.setattr(digits, "_SHA256", hashlib.sha256(data).hexdigest())
    return path


def rewritten(edit):
    """The original file with its CSV text changed by `edit(lines) -> lines`."""
    lines = gzip.decompress(original()).decode("ascii").splitlines()
    return gzip.compress(("\n".join(edit(lines)) + "\n").encode("ascii"), compresslevel=1)


@pytest.mark.parametrize("damage", [
    lambda data: data[:-100],                                       # cut short
    lambda data: data[:500] + bytes([data[500] ^ 1]) + data[501:],  # one bit flipped
    lambda data: rewritten(lambda lines: lines[:-1]),               # a sample left out
])
def test_a_changed_file_fails_the_checksum(damage, monkeypatch, tmp_path):
    path = use_copy(monkeypatch, tmp_path, damage(original()))
    with pytest.raises(ValueError, match=r"load_digits: .* is damaged or not the original \(sha256"):
        load_digits()
    assert str(path) in str(pytest.raises(ValueError, load_digits).value)


@pytest.mark.parametrize("edit, message", [
    (lambda lines: lines[:-1], r"1796 rows, expected 1797"),
    (lambda lines: lines[:5] + [lines[5] + ",0"] + lines[6:], r"row 6: 66 values, expected 65"),
    (lambda lines: lines[:-1] + [lines[-1][:-1] + "10"], r"row 1797: label 10 is not a digit 0-9"),
    (lambda lines: ["17" + lines[0][1:]] + lines[1:], r"row 1: a pixel is outside 0-16"),
    (lambda lines: ["x" + lines[0][1:]] + lines[1:], r"row 1: a value is not a whole number"),
])
def test_checks_after_the_checksum(edit, message, monkeypatch, tmp_path):
    use_copy(monkeypatch, tmp_path, rewritten(edit), trust=True)
    with pytest.raises(ValueError, match=message):
        load_digits()


def test_not_gzip_at_all(monkeypatch, tmp_path):
    use_copy(monkeypatch, tmp_path, b"0,1,2\n", trust=True)
    with pytest.raises(ValueError, match=r"not a readable gzipped CSV"):
        load_digits()


def test_a_missing_file_says_reinstall(monkeypatch, tmp_path):
    monkeypatch.setattr(digits, "_FILE", tmp_path / "gone.csv.gz")
    with pytest.raises(FileNotFoundError, match=r"load_digits: the data file .*gone.csv.gz is missing"):
        load_digits()


def test_a_faithful_copy_loads(raw, monkeypatch, tmp_path):
    use_copy(monkeypatch, tmp_path, original())
    assert load_digits() == raw
