"""Refuse to run from a package directory shared with HIPS autograd (importing this checks).

chainrule installs a top-level package named `autograd`, and so does HIPS autograd (PyPI
name `autograd`). Installed into one environment, the second overwrites the first's
`autograd/__init__.py`, and uninstalling either then breaks the other. This is found from
files alone (HIPS autograd's own modules beside ours, or its `autograd-*.dist-info` beside
our package directory), so the check costs a directory listing, not `importlib.metadata`.
"""
from __future__ import annotations

import os
from typing import Optional

# Modules that HIPS autograd has had since 2017 and chainrule never has.
_HIPS_FILES = ("core.py", "tracer.py", "wrap_util.py", "differential_operators.py", "extend.py")


def _mixed_install(package_dir: str) -> list[str]:
    """The evidence that HIPS autograd shares `package_dir`, as a list of names (empty: none)."""
    found = [name for name in _HIPS_FILES if os.path.exists(os.path.join(package_dir, name))]
    parent = os.path.dirname(package_dir)
    try:
        found += sorted(name for name in os.listdir(parent)
                        if name.startswith("autograd-") and name.endswith((".dist-info", ".egg-info")))
    except OSError:  # a zip file or an unreadable directory: nothing to list
        pass
    return found


def check(package_dir: Optional[str] = None) -> None:
    """Raise ImportError if HIPS autograd's files share this package's directory."""
    package_dir = package_dir or os.path.dirname(os.path.abspath(__file__))
    found = _mixed_install(package_dir)
    if found:
        raise ImportError(
            f"The package directory {package_dir} holds two different packages named "
            f"'autograd': chainrule's and HIPS autograd's (found {', '.join(found)}). "
            "Installed into one environment, each overwrites the other's files, so neither "
            "works. Fix: `pip uninstall -y autograd chainrule`, then reinstall chainrule "
            "(`pip install -e .` from its checkout). To use both, give each its own "
            "virtual environment (`python -m venv`).")


check()
