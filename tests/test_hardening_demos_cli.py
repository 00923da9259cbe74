"""The demos' number options refuse inf and sizes past nn's bound with a usage error, not a
traceback from deep inside nn (`--lr inf`, `--steps 99999999999999999999`)."""
import argparse

import pytest

from demos import _cli, xor


@pytest.mark.parametrize("kind, low, text", [(float, 0.0, "inf"), (float, 0.0, "1e400"), (int, 1, "10000001"),
                                             (int, 1, "99999999999999999999")])
def test_a_number_option_out_of_range_is_a_usage_error(kind, low, text):
    with pytest.raises(argparse.ArgumentTypeError, match="expected"):
        _cli.at_least(kind, low)(text)


def test_demo_lr_inf_exits_with_a_usage_message(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        xor.main(["--lr", "inf", "--out", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "argument --lr: expected a finite number, got inf" in capsys.readouterr().err


def test_numbers_in_range_still_parse():
    assert _cli.at_least(int, 1)("1000000") == 1000000
    assert _cli.at_least(float, 0.0, strict=True)("1e300") == 1e300
