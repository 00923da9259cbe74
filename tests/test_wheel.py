"""The package as published: `python -m build` makes an sdist and a wheel that `twine check`
accepts, and the wheel installed into a fresh venv works with no source tree in sight."""
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"  # there a missing tool is a failure, not a skip
SKIP_IN_COPY = shutil.ignore_patterns(".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", "*.pyc",
                                      ".mypy_cache", ".pytest_cache", ".hypothesis", "out")

SMOKE = """
import math, os, sys
import autograd, nn
assert "site-packages" in autograd.__file__ and "site-packages" in nn.__file__, autograd.__file__
from autograd import Value, draw
x = Value(2.0, label="x")
y = (x * x + x).tanh()
y.backward()
assert abs(x.grad - (1 - math.tanh(6.0) ** 2) * 5.0) < 1e-15, x.grad
model = nn.MLP(2, [3, 1], seed=0)
loss = nn.mse_loss([model([1.0, -1.0])], [0.5])
loss.backward()
assert all(p.grad == p.grad for p in model.parameters())
if sys.argv[1] == "svg":
    path = draw(loss, "graph.svg")
    assert open(path, encoding="utf-8").read().lstrip().startswith(("<?xml", "<svg")), path
print("smoke ok")
"""


def run(*argv, cwd=None, timeout=300):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{argv}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    for tool in ("build", "twine"):
        if not IN_CI:
            pytest.importorskip(tool)
    source = tmp_path_factory.mktemp("source") / "chainrule"
    shutil.copytree(ROOT, source, ignore=SKIP_IN_COPY)  # build leaves files behind: not in the checkout
    out = source.parent / "dist"
    run(sys.executable, "-m", "build", "--outdir", out, source)  # the sdist, then the wheel from the sdist
    return out, source


def test_twine_accepts_the_sdist_and_the_wheel(dist):
    out, _ = dist
    files = sorted(out.iterdir())
    assert sorted(f.name.rsplit(".", 1)[-1] for f in files) == ["gz", "whl"]
    report = run(sys.executable, "-m", "twine", "check", "--strict", *files)
    assert report.count("PASSED") == 2


def test_the_wheel_holds_the_packages_their_data_and_no_tests(dist):
    out, source = dist
    with zipfile.ZipFile(next(out.glob("*.whl"))) as wheel:
        names = set(wheel.namelist())
        entry_points = wheel.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    tops = {name.split("/")[0] for name in names if "/" in name and ".dist-info" not in name}
    assert {"autograd", "nn", "demos"} <= tops and "tests" not in tops and "bench" not in tops
    assert {"autograd/py.typed", "nn/py.typed", "nn/pytorch.py", "demos/__main__.py"} <= names
    data = {p.relative_to(source).as_posix() for top in tops for p in (source / top).rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc")}
    assert data <= names, data - names  # every data file beside the modules ships (nn.load_digits reads one)
    assert "chainrule-demos = demos.__main__:main" in entry_points


def test_the_sdist_builds_everything_again(dist):
    out, _ = dist
    with tarfile.open(next(out.glob("*.tar.gz"))) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"pyproject.toml", "setup.cfg", "README.md", "CHANGELOG.md", "docs/pytorch.md", "nn/py.typed"} <= names


def test_the_installed_wheel_works_from_anywhere(dist, tmp_path):
    out, _ = dist
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)  # this pip installs into it: seconds faster
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "-q"]
    wheel = next(out.glob("*.whl"))
    try:  # the viz extra, for draw() to SVG
        run(*pip, f"{wheel}[viz]")
        svg = "svg"
    except AssertionError:
        if IN_CI:
            raise
        run(*pip, "--no-deps", wheel)  # offline: the core needs nothing
        svg = "no-svg"  # the package index is out of reach: check all the rest
    work = tmp_path / "elsewhere"
    work.mkdir()
    assert run(python, "-I", "-c", SMOKE, svg, cwd=work).strip() == "smoke ok"
    if svg == "svg":
        assert (work / "graph.svg").is_file()
    listing = run(bin_dir / "chainrule-demos", cwd=work)
    assert "pytorch" in listing and "xor" in listing
    assert "gradcheck: autograd agrees" in run(bin_dir / "chainrule-demos", "expression", cwd=work)
    no_torch = subprocess.run([str(python), "-I", "-m", "demos", "pytorch"], cwd=work, capture_output=True, text=True)
    assert no_torch.returncode == 1 and 'pip install "chainrule[torch]"' in no_torch.stderr  # a venv without torch
    run(python, "-I", "-m", "demos", "moons", "--steps", "2", "--samples", "20", "--out", work / "moons", cwd=work)
    assert (work / "moons" / "history.csv").is_file()
