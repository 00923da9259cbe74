"""Type hints: mypy passes, strict, on the modules that setup.cfg's [mypy] section lists."""
import configparser
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def checked_files():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    return [name.strip() for name in config["mypy"]["files"].split(",")]


def test_the_listed_modules_exist_and_are_strict():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    files = checked_files()
    assert files and all((ROOT / name).is_file() for name in files)
    modules = {name[:-3].replace("/", ".").removesuffix(".__init__") for name in files}  # nn/__init__.py: nn
    strict = [section for section in config.sections() if section.startswith("mypy-")
              and config[section].get("disallow_untyped_defs") == "True"]
    assert any(modules <= set(section[5:].split(",")) for section in strict), strict


def test_mypy_passes():
    if os.environ.get("CI") != "true":  # in CI a missing mypy is a failure, not a skip
        pytest.importorskip("mypy")
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"in {len(checked_files())} source files" in done.stdout
