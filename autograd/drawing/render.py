"""Turn DOT source into SVG/PNG: Graphviz's `dot` when installed, else the bundled `graphviz-pure`.

`graphviz-pure` (the `viz` extra) is one self-contained program with `dot`'s flags, shipped as
wheels for Linux, macOS and Windows; see docs/drawing.md for how it was chosen.
"""
from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any, Optional, Union

FORMATS = ("svg", "png", "dot", "html")  # html: the step-through page (html.py)
# In order of preference: a system Graphviz first (the reference build), then the pip bundle.
RENDERERS = ("dot", "graphviz-pure")


class RendererNotFoundError(RuntimeError):
    """No program that turns DOT into SVG/PNG is installed; the message says how to get one."""


class RenderError(RuntimeError):
    """The renderer ran and failed; the message holds its output and where the DOT was saved."""


def find_renderers() -> list[tuple[str, str]]:
    """(name, executable path) of each renderer found, in order of preference.

    >>> all(name in RENDERERS for name, path in find_renderers())
    True
    """
    found = []
    for name in RENDERERS:
        path = shutil.which(name) or _in_scripts(name)
        if path:
            found.append((name, path))
    return found


def _in_scripts(name: str) -> Optional[str]:
    for d in _script_dirs():
        path = shutil.which(name, path=d)
        if path:
            return path
    return None


def _script_dirs() -> list[str]:
    # `.venv/bin/python` run without activating the venv: the venv's programs are not on PATH.
    return list(dict.fromkeys([sysconfig.get_path("scripts"), os.path.dirname(sys.executable)]))


def render_bytes(source: str, fmt: str = "svg", renderer: Optional[str] = None) -> bytes:
    """Render DOT `source` as `fmt` ('svg' or 'png') with `renderer` (a path) or the first found.

    >>> svg = render_bytes("digraph { a -> b }")        # doctest: +SKIP
    >>> svg.startswith(b"<?xml")                         # doctest: +SKIP
    True
    """
    if fmt not in ("svg", "png"):
        raise ValueError(f"render_bytes: fmt must be 'svg' or 'png', got {fmt!r}")
    if renderer is None:
        found = find_renderers()
        if not found:
            raise RendererNotFoundError(_no_renderer_message(fmt))
        renderer = found[0][1]
    done = subprocess.run([renderer, f"-T{fmt}"], input=source.encode("utf-8"),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if done.returncode != 0 or not done.stdout:
        err = done.stderr.decode("utf-8", "replace").strip()[-2000:]
        raise RenderError(f"{renderer} -T{fmt} failed (exit code {done.returncode}):\n{err}")
    return done.stdout


def check_target(filename: Union[str, os.PathLike[str]], fmt: Optional[str] = None) -> tuple[Path, str]:
    """(path, format) for writing `filename`; bad names and directories fail here, early.

    >>> path, fmt = check_target("neuron"); str(path), fmt
    ('neuron.svg', 'svg')
    """
    if not isinstance(filename, (str, os.PathLike)):
        raise TypeError(f"draw(filename=...) must be a str or path, got {type(filename).__name__}")
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"draw(fmt=...) must be one of {', '.join(FORMATS)}, got {fmt!r}")
    path = Path(filename)
    suffix = path.suffix.lower()[1:]
    suffix = "dot" if suffix == "gv" else suffix
    if not suffix:
        fmt = fmt or "svg"
        path = path.with_name(f"{path.name}.{fmt}")
    elif suffix not in FORMATS:
        raise ValueError(f"draw: unknown file format {path.suffix!r} in {str(path)!r}; "
                         f"use .svg, .png, .dot or .html")
    elif fmt is not None and fmt != suffix:
        raise ValueError(f"draw: fmt={fmt!r} contradicts the file name {str(path)!r}")
    parent = path.parent
    if not parent.exists():
        raise FileNotFoundError(f"draw: cannot write {str(path)!r}: directory {str(parent)!r} does not exist")
    if not parent.is_dir():
        raise NotADirectoryError(f"draw: cannot write {str(path)!r}: {str(parent)!r} is not a directory")
    if path.is_dir():
        raise IsADirectoryError(f"draw: cannot write {str(path)!r}: it is a directory")
    if not os.access(parent, os.W_OK):
        raise PermissionError(f"draw: cannot write {str(path)!r}: directory {str(parent)!r} is not writable")
    return path, fmt or suffix


def write(source: str, path: Path, fmt: str) -> str:
    """Write DOT `source` to `path` as `fmt`; return the path. Without a renderer, save the DOT
    next to it and raise `RendererNotFoundError` with the commands to finish the job."""
    if fmt == "dot":
        path.write_text(source, encoding="utf-8")
        return str(path)
    try:
        data = render_bytes(source, fmt)
    except RendererNotFoundError:
        dot_path = _save_dot(source, path)
        raise RendererNotFoundError(_no_renderer_message(fmt, dot_path, path)) from None
    except RenderError as e:
        dot_path = _save_dot(source, path)
        raise RenderError(f"{e}\nThe graph's DOT source is in {str(dot_path)!r}.") from None
    path.write_bytes(data)
    return str(path)


def _save_dot(source: str, path: Path) -> Path:
    dot_path = path.with_suffix(".dot")
    dot_path.write_text(source, encoding="utf-8")
    return dot_path


def _no_renderer_message(fmt: str, dot_path: Optional[Path] = None, path: Optional[Path] = None) -> str:
    lines = ["no Graphviz renderer found (looked for: " + ", ".join(RENDERERS) + ")."]
    if dot_path is not None:
        lines[0] = f"{str(path)!r} was not written: " + lines[0]
        lines += [f"The graph's DOT source is in {str(dot_path)!r}; once a renderer is installed,",
                  "call draw() again or run one of",
                  "    " + _shell("dot", f"-T{fmt}", str(dot_path), "-o", str(path)),
                  "    " + _shell("graphviz-pure", f"-T{fmt}", str(dot_path), "-o", str(path))]
    lines += ["Install a renderer, any one of:",
              "    pip install graphviz-pure     (the 'viz' extra: pip install \"chainrule[viz]\", or -e \".[viz]\" in a clone)",
              "    apt-get install graphviz      (Debian, Ubuntu)",
              "    brew install graphviz         (macOS)",
              "    winget install graphviz       (Windows; then add its bin folder to PATH)"]
    return "\n".join(lines)


def plural(count: int, word: str) -> str:
    """'1 value', '2 values'.

    >>> plural(1, "value"), plural(0, "edge")
    ('1 value', '0 edges')
    """
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _shell(*args: str) -> str:
    return subprocess.list2cmdline(args) if os.name == "nt" else shlex.join(args)


def digraph(name: Optional[str] = None) -> Any:
    """A new, empty `graphviz.Digraph` that Jupyter shows with the renderer found here."""
    return _drawing_class()(name)


@functools.lru_cache(maxsize=None)
def _drawing_class() -> Any:
    try:
        import graphviz
    except ImportError:
        raise ImportError("drawing graphs needs the graphviz Python package: "
                          "pip install graphviz (the 'viz' extra: pip install \"chainrule[viz]\", or -e \".[viz]\" in a clone)") from None

    class Drawing(graphviz.Digraph):
        """A `graphviz.Digraph` whose notebook display does not need a system `dot`."""

        summary = None  # (values, operations, edges, output's name), set by draw()

        def __repr__(self) -> str:
            if self.summary is None:
                return f"<Drawing: {len(self.body)} DOT statements; .source holds the DOT>"
            values, ops, edges, root = self.summary
            return (f"<Drawing of {root}: {values}, {plural(ops, 'operation')}, {plural(edges, 'edge')}; "
                    f"save with draw({root}, 'graph.svg') (.png, .html, .dot); .source holds the DOT>")

        def _repr_mimebundle_(self, include: object = None, exclude: object = None, **_: object) -> dict[str, str]:
            try:
                return {"image/svg+xml": render_bytes(self.source, "svg").decode("utf-8")}
            except RuntimeError as e:  # no renderer, or it failed: show why instead
                return {"text/plain": str(e)}

    return Drawing
