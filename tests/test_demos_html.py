"""The training demos' `--html` page, in a real headless browser: the slider moves the regions,
the curves and the sample's graph; the last epoch's graph is the one `draw` writes."""
import re
from pathlib import Path

import pytest

pytest.importorskip("graphviz")

from autograd.drawing import render  # noqa: E402
from browser import browser, console_errors  # noqa: E402,F401
from demos import _html, _plot, moons, spirals, xor  # noqa: E402
from test_draw_page import READ, static_texts  # noqa: E402

if not render.find_renderers():
    pytest.skip("no Graphviz renderer installed", allow_module_level=True)

STATE = """
var cells = Array.from(document.querySelectorAll('#regions rect.cell')).map(function (r) { return r.getAttribute('fill'); });
var curves = Array.from(document.querySelectorAll('#curves polyline')).map(function (p) { return p.getAttribute('points').split(' ').length; });
return [document.getElementById('status').textContent, cells, curves];"""


def small(monkeypatch):
    """Text plots instead of matplotlib's, and a coarse grid: the page's parts are what's tested."""
    monkeypatch.setattr(_plot, "pyplot", lambda: None)
    monkeypatch.setattr(_html, "GRID", 8)


def slide(d, position):
    d.execute_script("var s = document.getElementById('epoch'); s.value = arguments[0] === 'max' ? s.max : arguments[0];"
                     "s.dispatchEvent(new Event('input'));", position)


def test_xor_page_slider_moves_everything_and_ends_at_the_drawn_graph(browser, tmp_path, capsys, monkeypatch):  # noqa: F811
    small(monkeypatch)
    assert xor.main(["--epochs", "20", "--html", "--out", str(tmp_path), "--every", "100"]) == 0
    page = tmp_path / "training.html"
    assert f"wrote {page}" in capsys.readouterr().out
    text = page.read_text(encoding="utf-8")
    # Nothing to fetch, all inline: the only addresses are SVG's namespace names.
    assert "http" not in re.sub(r"http://www\.w3\.org/(2000/svg|1999/xlink)", "", text)
    browser.get(page.as_uri())
    status, cells, curves = browser.execute_script(STATE)
    assert status.startswith("epoch 1 of 20:") and len(cells) == 64 and curves == [1, 1]
    first_graph = browser.execute_script(READ, None)
    from selenium.webdriver.common.keys import Keys
    browser.find_element("id", "epoch").send_keys(Keys.ARROW_RIGHT)  # the keyboard moves it too
    assert browser.execute_script(STATE)[0].startswith("epoch 2 of 20:")
    slide(browser, "max")
    status, last_cells, curves = browser.execute_script(STATE)
    assert status.startswith("epoch 20 of 20:") and curves == [20, 20]
    assert last_cells != cells  # the boundary moved as it learned
    graph = browser.execute_script(READ, None)
    assert graph != first_graph
    # The last epoch's sample graph: the numbers of graph.svg, which xor draws after training.
    drawn = static_texts(tmp_path / "graph.svg")
    value_nodes = [n for n in graph if not n.endswith("op") and len(graph[n]) > 1]
    assert len(value_nodes) > 10
    for n in value_nodes:
        assert graph[n] == drawn[n], n
    assert console_errors(browser) == []


@pytest.mark.parametrize("demo, argv", [(moons, ["--samples", "20", "--steps", "3"]),
                                        (spirals, ["--samples", "40", "--epochs", "3", "--hidden", "4"])])
def test_moons_and_spirals_pages(browser, tmp_path, demo, argv, capsys, monkeypatch):  # noqa: F811
    small(monkeypatch)
    assert demo.main(argv + ["--html", "--out", str(tmp_path), "--every", "100"]) == 0
    browser.get((tmp_path / "training.html").as_uri())
    slide(browser, "max")
    status, cells, curves = browser.execute_script(STATE)
    assert status.startswith("epoch 3 of 3:") and len(cells) == 64 and all(c == 3 for c in curves)
    assert console_errors(browser) == []
