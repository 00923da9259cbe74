"""The examples in docstrings and in the README run as shown."""
import doctest
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import autograd

ROOT = Path(__file__).resolve().parent.parent
# Modules whose examples need optional packages are checked in their own test files.
OPTIONAL = {"autograd.drawing", "autograd.drawing.dot", "autograd.drawing.render"}
MODULES = sorted(
    m.name for m in pkgutil.walk_packages(autograd.__path__, "autograd.")
    if m.name not in OPTIONAL
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def run_markdown_examples(path):
    """Run the `>>>` examples of a Markdown file; code fences end an example's output."""
    text = re.sub(r"^\s*```.*$", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    test = doctest.DocTestParser().get_doctest(text, {}, path.name, str(path), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    return runner.summarize(verbose=False)


def test_readme_examples():
    result = run_markdown_examples(ROOT / "README.md")
    assert result.failed == 0 and result.attempted > 5


def fenced(path, lang):
    """The bodies of a Markdown file's ```lang blocks, in order."""
    return re.findall(rf"^```{lang}\n(.*?)^```", path.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)


def test_readme_drawing_script_and_the_explain_rows_it_quotes(tmp_path, monkeypatch):
    pytest.importorskip("graphviz")
    from autograd import explain
    from autograd.drawing.render import RendererNotFoundError
    monkeypatch.chdir(tmp_path)
    script = next(b for b in fenced(ROOT / "README.md", "python") if "draw(y, " in b)
    quoted = next(b for b in fenced(ROOT / "README.md", "text") if b.startswith("explain(y)"))
    before = {}  # the text quotes explain(y) before y.backward()
    exec(script.split("g = draw(y)")[0].replace("; y.backward()", ""), before)
    shown = str(explain(before["y"])).splitlines()
    rows = [line for line in quoted.splitlines() if line.strip() != "..."]
    assert rows == shown[:len(rows)] and len(rows) > 3
    try:
        exec(script, {})
    except RendererNotFoundError:
        pytest.skip("no Graphviz renderer installed")
    assert (tmp_path / "neuron.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_readme_fit_script_prints_the_epoch_line_it_quotes(tmp_path, monkeypatch, capsys):
    from nn import MLP
    monkeypatch.chdir(tmp_path)
    script = next(b for b in fenced(ROOT / "README.md", "python") if "history = fit(" in b)
    quoted = re.search(r"^# (epoch .*)$", script, flags=re.MULTILINE).group(1)
    # Compiled: the same numbers as written (tests/test_compile_nn.py), in a tenth of the 8 s.
    assert script.count("epochs=50,") == 1
    exec(script.replace("epochs=50,", "epochs=50, compile=True,"), {})
    assert capsys.readouterr().out.splitlines()[-1] == quoted
    assert MLP.load(tmp_path / "moons.json").state_dict()


@pytest.mark.parametrize("doc, function", [("drawing.md", "autograd.draw"), ("nn.md", "nn.fit")])
def test_signatures_quoted_in_the_docs_are_current(doc, function):
    module, name = function.rsplit(".", 1)
    signature = inspect.signature(getattr(importlib.import_module(module), name))
    text = " ".join((ROOT / "docs" / doc).read_text(encoding="utf-8").split())
    first = next(iter(signature.parameters))
    quoted = re.search(rf"{name}\(({first}, [^`]*?)\)\s*`", text).group(1)
    expected = []
    for p in signature.parameters.values():
        if p.kind is p.KEYWORD_ONLY and "*" not in expected and "*, " in quoted:
            expected.append("*")
        expected.append(p.name if p.default is p.empty else f"{p.name}={p.default!r}")
    assert [part.replace('"', "'") for part in quoted.split(", ")] == expected


def _anchor(heading):
    """GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to '-'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _prose(path):
    return re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("path", [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))], ids=lambda p: p.name)
def test_every_relative_link_and_anchor_resolves(path):
    prose = _prose(path)
    targets = re.findall(r"\]\(([^)\s]+)\)", prose) + re.findall(r'src="([^"]+)"', prose)
    for target in (t for t in targets if not t.startswith(("http://", "https://", "mailto:"))):
        file, _, anchor = target.partition("#")
        linked = path.parent / file if file else path
        assert linked.exists(), f"{path.name}: {target}"
        if anchor and linked.suffix == ".md":
            headings = re.findall(r"^#+ (.*)$", _prose(linked), flags=re.MULTILINE)
            assert anchor in map(_anchor, headings), f"{path.name}: {target}"


def test_the_arrays_guide_runs_as_shown():
    pytest.importorskip("numpy")
    result = run_markdown_examples(ROOT / "docs" / "arrays.md")
    assert result.failed == 0 and result.attempted >= 5


def _session(block):
    """The names a block of `>>>` examples leaves behind (its outputs are not compared here)."""
    session = {}
    for example in doctest.DocTestParser().get_examples(block):
        exec(example.source, session)
    return session


def test_the_arrays_guides_training_block_runs_after_its_first_example():
    pytest.importorskip("numpy")
    blocks = fenced(ROOT / "docs" / "arrays.md", "python")
    session = _session(blocks[0])
    before = [p.data for p in session["model"].parameters()]
    exec(next(b for b in blocks if "step.training(opt)" in b), session)
    after = [p.data for p in session["model"].parameters()]
    assert session["opt"].steps == len(session["X"]) and after != before  # written back: the Values moved


def test_the_compile_guide_quotes_the_source_its_example_generates():
    use, quoted = fenced(ROOT / "docs" / "compile.md", "python")[:2]
    assert quoted.startswith("def step(") and _session(use)["step"].source.rstrip() == quoted.rstrip()


@pytest.mark.parametrize("package, doc", [("autograd", "README.md"), ("nn", "docs/nn.md")])
def test_the_layout_tables_name_every_module(package, doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    modules = [p for p in sorted((ROOT / package).rglob("*.py")) if p.name != "__init__.py"]

    def named(p):  # by name, by path, or (for a package's folder of backends) by its folder
        return f"`{p.name}`", f"{p.relative_to(ROOT).as_posix()}`", f"`{p.parent.name}/`"
    assert [p.relative_to(ROOT).as_posix() for p in modules if not any(n in text for n in named(p))] == []
