"""The `autograd` package itself: its public names, its version, and the HIPS autograd clash check."""
import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import autograd
from autograd import _install_check

ROOT = Path(__file__).resolve().parent.parent


def test_star_import_does_not_shadow_builtin_compile():
    namespace = {}
    exec("from autograd import *", namespace)
    assert "compile" not in namespace and "Value" in namespace and "no_grad" in namespace
    assert set(autograd.__all__) <= set(dir(autograd))
    assert autograd.compile.__module__.startswith("autograd.compiler")


def test_version_matches_setup_cfg():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert autograd.__version__ == config["metadata"]["version"]


# ----- a directory shared with HIPS autograd ----------------------------------------------------
def _site(tmp_path, hips_file=None, dist_info=None, init=None):
    """A fake site-packages holding a copy of this package, plus what HIPS autograd would add."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "autograd", site / "autograd", ignore=shutil.ignore_patterns("__pycache__"))
    if hips_file:
        (site / "autograd" / hips_file).write_text("# HIPS autograd\n")
    if dist_info:
        info = site / dist_info
        info.mkdir()
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: autograd\nVersion: 1.6.2\n")
        (info / "RECORD").write_text("autograd/__init__.py,,\nautograd/tracer.py,,\n")
    if init is not None:  # HIPS autograd installed last: its __init__.py replaced ours
        (site / "autograd" / "__init__.py").write_text(init)
    return site


def _import(site, statement):
    return subprocess.run([sys.executable, "-c", statement], cwd=site.parent, capture_output=True,
                          text=True, env={"PYTHONPATH": str(site), "PATH": ""}, timeout=120)


def test_a_clean_install_imports(tmp_path):
    run = _import(_site(tmp_path), "import autograd; print(autograd.Value(2.0) / 4)")
    assert run.returncode == 0, run.stderr
    assert "data=0.5" in run.stdout


@pytest.mark.parametrize("hips_file, dist_info", [("tracer.py", None), (None, "autograd-1.6.2.dist-info")])
def test_a_mixed_install_is_refused_with_the_fix(tmp_path, hips_file, dist_info):
    run = _import(_site(tmp_path, hips_file, dist_info), "import autograd")
    assert run.returncode != 0
    message = run.stderr.strip().splitlines()[-1]
    assert message.startswith("ImportError:") and "HIPS autograd" in message
    assert "pip uninstall -y autograd chainrule" in message and "virtual environment" in message
    assert (hips_file or dist_info) in message


def test_the_check_also_runs_under_hips_autograds_init(tmp_path):
    # HIPS installed last: `import autograd` is HIPS's own; anything importing our modules
    # (as `nn` does) can still run the check and explain.
    site = _site(tmp_path, "tracer.py", init="'''HIPS autograd'''\n")
    assert _import(site, "import autograd").returncode == 0
    run = _import(site, "import autograd._install_check")
    assert run.returncode != 0 and "HIPS autograd" in run.stderr


def test_the_checkout_itself_is_not_a_mixed_install():
    assert _install_check._mixed_install(str(ROOT / "autograd")) == []
