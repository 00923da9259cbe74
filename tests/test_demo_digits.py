"""The digits demo end to end at reduced size: it learns, writes its pictures, or prints them as text."""
import csv
import doctest
import re
import sys

import pytest

from demos import __main__ as entry
from demos import _images
from demos._progress import Progress
# Reduced runs (SMALL["digits"]: 150 training digits, 3 epochs) learn well above chance (10%).
from test_demos import PNG, no_matplotlib, run  # noqa: F401 (a fixture)


def test_help_lists_its_own_options(capsys):
    with pytest.raises(SystemExit) as stop:
        entry.main(["digits", "--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert all(option in text for option in ("--epochs", "--hidden", "--samples", "--seed", "--out"))


def test_learns_and_draws(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = run("digits", tmp_path, capsys)
    with open(tmp_path / "history.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3]
    assert float(rows[-1]["loss"]) < 0.6 * float(rows[0]["loss"])
    assert len(re.findall(r"^epoch [123]/3  loss", out, flags=re.MULTILINE)) == 3  # a line per epoch
    right, total = map(int, re.search(r"\((\d+) of (\d+) test digits right\)", out).groups())
    assert total == 50 and right / total >= 0.5
    for name in ("digits.png", "confusion.png", "curves.png"):
        assert (tmp_path / name).read_bytes()[:8] == PNG, name


def test_without_matplotlib_prints_text_pictures(tmp_path, capsys, no_matplotlib):
    out = run("digits", tmp_path, capsys, "--samples", "100", "--epochs", "1", "--hidden", "4", "--batch-size", "20")
    assert out.count("matplotlib is not installed") == 1
    assert out.count("+--------+") >= 2 * 7  # the first training digit, and test digits, boxed
    assert "under each image: the class predicted" in out
    matrix = out[out.index("true \\ predicted"):].splitlines()
    assert matrix[1].split() == [str(k) for k in range(10)]
    counts = [[0 if c == "." else int(c) for c in line.split()[1:]] for line in matrix[2:12]]
    assert [line.split()[0] for line in matrix[2:12]] == [str(k) for k in range(10)]
    assert sum(map(sum, counts)) == 20  # every test digit counted once
    assert "* loss" in out  # the loss curve, as text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.csv"]


# ----- the pieces -----------------------------------------------------------------------------
def test_confusion_counts_each_pair():
    counts = _images.confusion([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)
    assert counts == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


def test_pick_shows_mistakes_first_then_the_rest_in_order():
    y_true, y_pred = [0, 1, 2, 3, 4, 5], [0, 9, 2, 9, 9, 5]
    assert _images.pick(y_true, y_pred, 4) == [1, 3, 0, 2]  # at most half are mistakes
    assert _images.pick(y_true, y_pred, 10) == [1, 3, 4, 0, 2, 5]


def test_a_digit_in_characters_is_the_image():
    row = [0.0] * 64
    row[0], row[9], row[63] = 1.0, 0.5, 0.25
    lines = _images.draw_digit(row).splitlines()
    assert lines[0] == lines[-1] == "+--------+" and len(lines) == 10
    assert lines[1] == "|#       |" and lines[2] == "| :      |" and lines[8] == "|       .|"


def test_progress_lines_go_above_the_bar(capsys, monkeypatch):
    pytest.importorskip("tqdm")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    with Progress(3, every=None) as progress, progress.lines_above():
        for step in range(1, 4):
            print(f"line {step}", end="\n" if step < 3 else "")
            progress.update(step)
        print(" done", end="")  # no newline: still written when the block ends
    captured = capsys.readouterr()
    assert captured.out == "line 1\nline 2\nline 3 done"
    assert "/3 [" in captured.err  # the bar itself, on stderr


def test_docstring_examples():
    result = doctest.testmod(_images, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted >= 3
