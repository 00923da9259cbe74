"""Tests for nn.data: splits, mini-batches, CSV loading and its errors."""
import pytest

from nn import DataLoader, load_csv, train_test_split, train_val_test_split


def test_train_test_split_partitions_and_keeps_pairs_together():
    X, y = [[float(i)] for i in range(20)], list(range(20))
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
    assert (len(X_train), len(X_test)) == (15, 5)
    assert sorted(y_train + y_test) == y
    assert all(x[0] == t for x, t in zip(X_train + X_test, y_train + y_test))
    assert train_test_split(X, y, test_size=0.25, seed=0) == [X_train, X_test, y_train, y_test]
    assert train_test_split(X, y, test_size=0.25, seed=1)[3] != y_test
    assert train_test_split(X, y, test_size=3, shuffle=False)[3] == [0, 1, 2]


def test_train_val_test_split():
    data = list(range(10))
    train, val, test = train_val_test_split(data, val_size=0.2, test_size=0.3, seed=0)
    assert (len(train), len(val), len(test)) == (5, 2, 3)
    assert sorted(train + val + test) == data


@pytest.mark.parametrize("call", [
    lambda: train_test_split([1, 2, 3], [1, 2]),
    lambda: train_test_split([1, 2, 3], test_size=1.5),
    lambda: train_test_split([1, 2, 3], test_size=3),
    lambda: train_test_split([1], test_size=0.5),
    lambda: train_test_split([]),
    lambda: train_test_split(),
    lambda: train_val_test_split([1, 2, 3], val_size=0.5, test_size=0.5),
    lambda: train_val_test_split([1, 2, 3], val_size=2),
])
def test_bad_splits(call):
    with pytest.raises(ValueError):
        call()


def test_data_loader_batches_and_reshuffles_each_epoch():
    X, y = [[float(i)] for i in range(10)], list(range(10))
    loader = DataLoader(X, y, batch_size=4, seed=0)
    assert len(loader) == 3
    epochs = [[yb for _, yb in loader] for _ in range(2)]
    for batches in epochs:
        assert [len(b) for b in batches] == [4, 4, 2]
        assert sorted(t for b in batches for t in b) == y
    assert epochs[0] != epochs[1]
    assert [[yb for _, yb in DataLoader(X, y, batch_size=4, seed=0)] for _ in range(1)][0] == epochs[0]
    assert [yb for _, yb in DataLoader(X, y, batch_size=4, shuffle=False)][0] == [0, 1, 2, 3]
    assert [len(yb) for _, yb in DataLoader(X, y, batch_size=4, drop_last=True)] == [4, 4]
    assert [len(yb) for _, yb in DataLoader(X, y, batch_size=None)] == [10]
    with pytest.raises(ValueError):
        DataLoader(X, y, batch_size=0)
    with pytest.raises(ValueError):
        DataLoader(X, y[:3])


def _write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_load_csv_with_header_and_named_target(tmp_path):
    path = _write(tmp_path, "x1,label,x2\n1.0,0,2.5\n-3,1,4e-1\n\n")
    X, y = load_csv(path, target="label")
    assert X == [[1.0, 2.5], [-3.0, 0.4]] and y == [0, 1]
    assert all(type(t) is int for t in y)


def test_load_csv_without_header_last_column_default(tmp_path):
    path = _write(tmp_path, "1,2,0.5\n3,4,1.5\n")
    assert load_csv(path) == ([[1.0, 2.0], [3.0, 4.0]], [0.5, 1.5])
    assert load_csv(path, target=0) == ([[2.0, 0.5], [4.0, 1.5]], [1, 3])
    assert load_csv(path, header=True) == ([[3.0, 4.0]], [1.5])


def test_load_csv_other_delimiter_and_bom(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_bytes("\ufeffa;b\n1;2\n".encode("utf-8"))
    assert load_csv(path, delimiter=";", target="b") == ([[1.0]], [2])


@pytest.mark.parametrize("text, kwargs, match", [
    ("a,b\n1,2\n3\n", {}, r"line 3: 1 cells, but the first row has 2"),
    ("a,b\n1,2\n3,x\n", {}, r"line 3, column 'b': 'x' is not a number"),
    ("1,2\n3,\n", {}, r"line 2, column 1: '' is not a number"),
    ("1,2\nnan,3\n", {}, "'nan' is not a number"),
    ("1,nan\n2,3\n", {}, r"line 1, column 1: 'nan' is not a number"),  # data, not a header row to drop
    ("inf,1\n2,3\n", {}, r"line 1, column 0: 'inf' is not a number"),
    ("a,a\n1,2\n", {"target": "a"}, "2 columns are named 'a'"),
    ('"1,2\n3,4\n', {}, r"not a CSV file of numbers \(unexpected end of data\)"),  # was "no data rows"
    ("", {}, "no rows"),
    ("a,b\n", {}, "no data rows"),
    ("1\n2\n", {}, "at least two columns"),
    ("a,b\n1,2\n", {"target": "c"}, "no column named 'c'"),
    ("1,2\n", {"target": "b"}, "no header row"),
    ("1,2\n", {"target": 5}, "index"),
])
def test_load_csv_errors_name_file_line_and_column(tmp_path, text, kwargs, match):
    path = _write(tmp_path, text)
    with pytest.raises(ValueError, match=match):
        load_csv(path, **kwargs)


def test_load_csv_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_csv(tmp_path / "nope.csv")


def test_complex_rows_are_refused_not_cut_to_their_real_part():
    from nn import MLP, evaluate, predict
    model = MLP(2, [1], seed=0)
    with pytest.raises(TypeError, match=r"predict: X: row 1 must be a list of numbers"):
        predict(model, [[0.0, 1.0], [1j, 0.0]])
    np = pytest.importorskip("numpy")
    X = np.array([[0.5, 1.0], [1.0, 2.0]], dtype=np.complex64)  # .imag all 0: float() would warn and drop it
    with pytest.raises(TypeError, match=r"evaluate: X, y: row 0 must be a list of numbers"):
        evaluate(model, X, [1.0, -1.0], loss="mse")
