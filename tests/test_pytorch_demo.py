"""`python -m demos pytorch`: chainrule and PyTorch trained side by side reach the same losses."""
import re
import sys

import pytest

from demos import __main__ as entry
from demos import pytorch as demo


def test_same_losses_side_by_side(tmp_path, capsys):
    pytest.importorskip("torch")
    assert demo.main(["--samples", "40", "--epochs", "6", "--every", "1", "--batch-size", "8",
                      "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    rows = [tuple(map(float, r)) for r in re.findall(r"^\s+\d+\s+(\S+)\s+(\S+)\s+\S+$", out, flags=re.MULTILINE)]
    assert len(rows) == 6
    for ours, theirs in rows:
        assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-15)
    assert rows[-1][0] < rows[0][0]  # and it learns
    for word in ("Value(2.0)", "Sequential", "no_grad", "state_dict", "loss.backward()", "optimizer.step()"):
        assert word in out
    assert (tmp_path / "model.pt").is_file()
    drift = float(re.search(r"largest weight difference (\S+)", out).group(1))
    assert drift <= 1e-12


def test_without_torch_it_says_how_to_install_and_fails(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    assert demo.main(["--epochs", "1", "--out", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert 'pip install "chainrule[torch]"' in captured.err and captured.out == ""


def test_listed_by_the_entry_point(capsys):
    assert entry.main([]) == 0
    assert re.search(r"^\s+pytorch\s+chainrule and PyTorch side by side", capsys.readouterr().out, flags=re.MULTILINE)
