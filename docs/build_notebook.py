"""Make `docs/tutorial.ipynb` from `docs/tutorial.md`: the Markdown stays the one source of truth.

Prose becomes Markdown cells; each ```python block becomes code cells with the `>>> ` and
`... ` prompts taken off and the expected output left to the kernel. A block is cut after
every example that shows output, so that each output appears under the line that made it.
An HTML comment `<!-- notebook: CODE -->` (invisible on a rendered page) adds a code cell
that only the notebook runs, e.g. one that displays a drawing inline. Outputs are stripped.

    python docs/build_notebook.py            # rewrite docs/tutorial.ipynb
    python docs/build_notebook.py --check    # exit 1 if it is out of date
"""
import argparse
import doctest
import json
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
FENCE = re.compile(r"^```python\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
NOTEBOOK_ONLY = re.compile(r"^<!-- notebook: (.*?) -->\n", re.MULTILINE)
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def cells_of(markdown):
    """The notebook's cells for a Markdown text, as (kind, source, expected output) triples.

    >>> cells_of("Hi.\\n```python\\n>>> 1 + 1\\n2\\n>>> x = 3\\n```\\n")
    [('markdown', 'Hi.', ''), ('code', '1 + 1', '2\\n'), ('code', 'x = 3', '')]
    """
    cells, pos = [], 0
    pieces = sorted([(m.start(), m.end(), "code", m.group(1)) for m in FENCE.finditer(markdown)]
                    + [(m.start(), m.end(), "extra", m.group(1)) for m in NOTEBOOK_ONLY.finditer(markdown)])
    for start, end, kind, body in pieces:
        _add_markdown(cells, markdown[pos:start])
        if kind == "extra":
            cells.append(("code", body.strip(), ""))
        else:
            cells.extend(_code_cells(body))
        pos = end
    _add_markdown(cells, markdown[pos:])
    return cells


def _add_markdown(cells, text):
    if text.strip():
        cells.append(("markdown", text.strip(), ""))


def _code_cells(block):
    """One cell per run of examples that ends with one showing output."""
    cells, source = [], []
    for example in doctest.DocTestParser().get_examples(block):
        source.append(example.source)
        if example.want:
            cells.append(("code", "".join(source).rstrip("\n"), example.want))
            source = []
    if source:
        cells.append(("code", "".join(source).rstrip("\n"), ""))
    return cells


def notebook(markdown):
    """The notebook (nbformat 4, outputs stripped) as a dict ready for `json.dump`."""
    def lines(text):
        return text.splitlines(keepends=True)
    cells = []
    for kind, source, _ in cells_of(markdown):
        cell = {"cell_type": kind, "metadata": {}, "source": lines(source)}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        cells.append(cell)
    return {"cells": cells, "metadata": {"kernelspec": KERNEL, "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 4}


def render(markdown):
    """The notebook's file text: stable JSON, so the file changes only when the tutorial does."""
    return json.dumps(notebook(markdown), indent=1, ensure_ascii=False) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description="Make docs/tutorial.ipynb from docs/tutorial.md.")
    parser.add_argument("--check", action="store_true", help="only say whether the notebook is up to date")
    args = parser.parse_args(argv)
    source, target = DOCS / "tutorial.md", DOCS / "tutorial.ipynb"
    text = render(source.read_text(encoding="utf-8"))
    if args.check:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            print(f"{target.name} is out of date: run python docs/build_notebook.py")
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
