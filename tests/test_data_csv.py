"""load_csv on real-world files: each common mistake's error says what the cell most likely is."""
import pytest

from nn import load_csv

# Windows line endings, a UTF-8 byte-order mark, quoted fields: a spreadsheet's export.
_SPREADSHEET = '\ufeff"x1","x2 (km)","price"\r\n"1.5","2","3.25"\r\n"-0.5","1e3","4"\r\n'


def _write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_spreadsheet_export_reads_by_column_name(tmp_path):
    X, y = load_csv(_write(tmp_path, _SPREADSHEET), target="price")
    assert X == [[1.5, 2.0], [-0.5, 1000.0]] and y == [3.25, 4]


@pytest.mark.parametrize("text, kwargs, match", [
    # the whole row one cell: the file is split by another delimiter, which the error names
    ("a;b;y\n1;2;0\n", {}, r"found 1 \(cells hold ';': is the file separated by it\? pass delimiter=';'\)"),
    ("a\tb\ty\n1\t2\t0\n", {}, r"found 1 \(cells hold '\\t'.*pass delimiter='\\t'\)"),
    ("1,5;2\n3,5;4\n", {}, r"line 1, column 1: '5;2' is not a number \(cells hold ';'"),
    ("x;y\n1,5;2\n", {"delimiter": ";"}, r"'1,5' is not a number \(a decimal comma\?"),
    ('a,y\n"1,234.5",0\n', {}, r"'1,234.5' is not a number \(a thousands separator\? "),
    # a missing value, written as nothing, NA or nan
    ("a,b,y\n1,2,0\n3,,1\n", {}, r"line 3, column 'b': '' is not a number \(a missing value\? "),
    ("a,b,y\n1,2,0\n3,NA,1\n", {}, r"line 3, column 'b': 'NA' is not a number \(a missing value\? "),
    ("a,b,y\n1,2,0\n3,nan,1\n", {}, r"'nan' is not a number \(the data must be finite numbers"),
    # a category (a text column, or class names as labels)
    ("a,region,y\n1,south,0\n", {}, r"column 'region': 'south' is not a number \(a category\? "),
    ("a,b,species\n1,2,setosa\n", {"target": "species"}, r"'setosa' is not a number \(a category\? "),
])
def test_errors_say_what_the_cell_likely_is(tmp_path, text, kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_csv(_write(tmp_path, text), **kwargs)


def test_a_plain_bad_cell_gets_no_guess(tmp_path):
    with pytest.raises(ValueError, match=r"column 'a': '1\.2\.3' is not a number$"):
        load_csv(_write(tmp_path, "a,y\n1.2.3,0\n"))


@pytest.mark.parametrize("first", ["1,,0", "1,NA,0", "1.5,2,cat"])
def test_a_first_row_with_a_bad_cell_is_data_not_a_header_to_drop(tmp_path, first):
    # Headerless data whose first row has a missing value or a category: it was taken for a
    # header and dropped without a word, and the rest loaded.
    path = _write(tmp_path, first + "\n2,3,1\n4,5,0\n")
    with pytest.raises(ValueError, match=r"line 1, column \d: .* is not a number .*; if line 1 is a header row, "
                                         r"pass header=True$"):
        load_csv(path)
    assert load_csv(path, header=True) == ([[2.0, 3.0], [4.0, 5.0]], [1, 0])


def test_a_header_of_names_is_still_found(tmp_path):
    # pandas' to_csv names its index column '': a header of names (and an empty one)
    path = _write(tmp_path, ",x1,y\n0,1.5,0\n1,3,1\n")
    assert load_csv(path, target="y") == ([[0.0, 1.5], [1.0, 3.0]], [0, 1])
