"""The step-through page in a real headless browser: buttons and keys, every frame's numbers
against `explain` and `backward()`, no console errors, no network; SVG text fits its boxes."""
import math
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytest.importorskip("graphviz")

from autograd import Value, draw, explain, topological_order  # noqa: E402
from autograd.drawing import render  # noqa: E402
from autograd.explain import format_number as fmt  # noqa: E402
from browser import browser, console_errors, requests  # noqa: E402,F401

if not render.find_renderers():
    pytest.skip("no Graphviz renderer installed", allow_module_level=True)

SVG = "{http://www.w3.org/2000/svg}"
READ = """
var out = {}, root = arguments[0] ? document.getElementById(arguments[0]) : document;
root.querySelectorAll("g.node").forEach(function (g) {
  out[g.querySelector("title").textContent] = Array.from(g.querySelectorAll("text")).map(function (t) { return t.textContent; });
});
return out;"""
STATE = READ.replace("return out;", """
var titles = function (sel) { return Array.from(document.querySelectorAll(sel)).map(function (t) { return t.textContent; }); };
return {texts: out, nodes: titles("g.node.cr-hl > title"), edges: titles("g.edge.cr-hl > title"),
        count: document.querySelector(".cr-count").textContent, row: document.querySelector(".cr-row").textContent};""")


def neuron():
    """tanh(x * w + b) * b: b is used twice."""
    x = Value(0.5, label="x"); w = Value(-1.5, label="w"); b = Value(2.0, label="b")
    y = (x * w + b).tanh() * b
    y.label = "y"
    return x, w, b, y


def static_texts(svg_path):
    """{node name: its texts} of an SVG file, read with ElementTree (no browser)."""
    tree = ET.parse(svg_path)
    out = {}
    for g in tree.iter(SVG + "g"):
        if g.get("class") == "node":
            out[g.find(SVG + "title").text] = ["".join(t.itertext()) for t in g.iter(SVG + "text")]
    return out


def shown(d):
    return (d.find_element("css selector", ".cr-count").text, d.find_element("css selector", ".cr-row").text)


def button(d, name):
    return d.find_element("css selector", f'button[aria-label="{name}"]')


def press(d, key):
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(d).send_keys(key).perform()


def test_every_frame_of_the_page(browser, tmp_path):  # noqa: F811
    from selenium.webdriver.common.keys import Keys
    x, w, b, y = neuron()
    order = topological_order(y)
    name = {v: f"v{i}" for i, v in enumerate(order)}
    story = explain(y, zero_grad=True)
    page = draw(y, tmp_path / "graph.html")
    for v in order:  # drawing the page touched no gradient
        assert v.grad == 0.0
    y.backward()
    static = static_texts(draw(y, tmp_path / "static.svg"))

    requests(browser), console_errors(browser)  # drain what came before this page
    browser.get(Path(page).as_uri())
    texts = browser.execute_script(READ)
    for v in order:  # frame 0: leaves hold data, nothing else is known
        assert texts[name[v]][1:3] == [f"data {fmt(v.data) if v.is_leaf else '?'}", "grad ?"]
    assert button(browser, "Previous step").get_attribute("disabled")
    for v in (v for v in order if not v.is_leaf):  # forward, with the button
        button(browser, "Next step").click()
        now = browser.execute_script(STATE)
        assert now["texts"][name[v]][1] == f"data {fmt(v.data)}" and now["count"].endswith("forward")
        assert set(now["nodes"]) == {name[v], name[v] + "op"}
    press(browser, Keys.ARROW_RIGHT)  # backward starts: the seed
    now = browser.execute_script(STATE)
    assert now["row"] == "y.grad = 1.0000  (seed)"
    grads = {n: t[2] for n, t in now["texts"].items() if not n.endswith("op")}
    assert grads == {name[v]: "grad 1.0000" if v is y else "grad 0.0000" for v in order}
    for i, s in enumerate(story.steps):  # every backward step, buttons and keys in turn
        if i % 2:
            button(browser, "Next step").click()
        else:
            press(browser, Keys.ARROW_RIGHT)
        now = browser.execute_script(STATE)
        assert now["row"] == story.row(s) and now["count"].endswith("backward")
        assert now["row"].endswith(f"→ {story.name(s.input)}.grad = {fmt(s.total)}")
        assert now["texts"][name[s.input]][2] == f"grad {fmt(s.total)}"
        assert set(now["edges"]) == {f"{name[s.input]}->{name[s.node]}op"}
        if i == 3:
            shot = tmp_path / "mid_backward.png"
            browser.save_screenshot(str(shot))
            assert shot.stat().st_size > 10_000
            print(f"screenshot of a mid-backward frame: {shot}")
    press(browser, Keys.ARROW_RIGHT)
    now = browser.execute_script(STATE)
    t = math.tanh(0.5 * -1.5 + 2.0)  # b's two uses: d y/d b = tanh(...) directly, 2 (1 - tanh²) via +
    assert now["count"].endswith("done")
    assert f"b.grad = {fmt(t)} + {fmt(2 * (1 - t * t))} = {fmt(b.grad)}, 2 uses" in now["row"]
    assert button(browser, "Next step").get_attribute("disabled")
    # The last frame shows exactly the numbers of the static SVG after backward().
    assert now["texts"] == static
    assert b.grad == story.grads[b] and x.grad == story.grads[x]
    # Back, with the key and the button; then reset.
    press(browser, Keys.ARROW_LEFT)
    assert shown(browser)[1] == story.row(story.steps[-1])
    button(browser, "Previous step").click()
    assert shown(browser)[1] == story.row(story.steps[-2])
    button(browser, "Reset").click()
    now = browser.execute_script(STATE)
    assert now["count"].startswith("frame 0 /") and now["texts"][name[y]][1:3] == ["data ?", "grad ?"]
    # Play runs by itself; the button then reads Pause.
    button(browser, "Play").click()
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(browser, 5, poll_frequency=0.1).until(lambda d: shown(d)[0].startswith("frame 2 /"))
    button(browser, "Pause").click()
    assert button(browser, "Play")
    assert console_errors(browser) == []
    # Only the page itself (chrome: and data: URLs are the browser's own, never the network).
    assert [u for u in requests(browser) if u != Path(page).as_uri() and not u.startswith(("chrome:", "data:"))] == []


def test_a_capped_view_steps_through_the_drawn_part(browser, tmp_path):  # noqa: F811
    from selenium.webdriver.common.keys import Keys
    x = Value(0.3, label="x")
    y = x
    for i in range(30):
        y = (y * 0.9).tanh() + x if i % 3 else y * x
    y.label = "y"
    page = draw(y, tmp_path / "capped.html", max_nodes=25)
    y.backward()
    static = static_texts(draw(y, tmp_path / "capped.svg", max_nodes=25))
    browser.get(Path(page).as_uri())
    note = browser.find_element("css selector", ".cr-note").text
    assert note.startswith("Capped view: stepping through the ") and "max_nodes=None" in note
    frames = int(shown(browser)[0].split(" / ")[1].split()[0])
    assert frames < 2 * 25 + 3  # the drawn part only
    button(browser, "Next step").click()
    assert shown(browser)[0].startswith("frame 1 /")
    press(browser, Keys.ARROW_RIGHT * frames)  # one round trip: to the last frame, and one beyond
    assert shown(browser)[0] == f"frame {frames} / {frames} · done"
    assert browser.execute_script(READ) == static
    assert console_errors(browser) == []


def test_jupyter_display_works_twice_on_one_page_with_the_bundled_renderer(browser, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(render, "RENDERERS", ("graphviz-pure",))  # no system Graphviz needed
    if not render.find_renderers():
        pytest.skip("graphviz-pure is not installed")
    *_, y = neuron()
    first, second = draw(y, step=True), draw(y, step=True)
    assert repr(first).startswith("<StepThrough of y: ")
    html = [first._repr_html_(), second._repr_html_()]
    # Fragments, not documents; no address to fetch anything from (the xmlns are names only).
    assert all("<svg" in h and "<html" not in h and "http" not in re.sub(r'xmlns(:\w+)?="[^"]*"', "", h)
               for h in html)
    path = tmp_path / "notebook.html"
    path.write_text("<!DOCTYPE html><meta charset='utf-8'><body>" + "".join(html) + "</body>", encoding="utf-8")
    browser.get(path.as_uri())
    divs = browser.find_elements("css selector", "div.cr")
    assert len(divs) == 2 and divs[0].get_attribute("id") != divs[1].get_attribute("id")
    divs[0].find_element("css selector", 'button[aria-label="Next step"]').click()
    counts = [d.find_element("css selector", ".cr-count").text for d in divs]
    assert counts[0].startswith("frame 1 /") and counts[1].startswith("frame 0 /")
    assert console_errors(browser) == []


def test_the_page_file_without_a_browser(tmp_path):
    """Self-contained, named buttons, and frames: start, forward, seed, explain's steps, done."""
    *_, b, y = neuron()
    path = Path(draw(y, tmp_path / "graph.html"))
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.count("<svg") == 1
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import", text)
    for name in ("Previous step", "Next step", "Play", "Reset"):
        assert f'aria-label="{name}"' in text
    page, story = draw(y, step=True), explain(y, zero_grad=True)
    phases = [f["phase"] for f in page.frames]
    computed = [v for v in topological_order(y) if not v.is_leaf]
    assert phases == ["start"] + ["forward"] * len(computed) + ["backward"] * (1 + len(story.steps)) + ["done"]
    assert [f["text"] for f in page.frames[-len(story.steps) - 1:-1]] == [story.row(s) for s in story.steps]
    assert y.grad == 0.0 and b.grad == 0.0


# ----- issue: text overflowing its box where only DejaVu fonts exist -----------------------------
MEASURE = """
var out = [];
document.querySelectorAll("g.node").forEach(function (g) {
  var shapes = Array.from(g.querySelectorAll("polygon, ellipse")).map(function (s) { return s.getBBox(); });
  g.querySelectorAll("text").forEach(function (t) {
    var b = t.getBBox(), cx = b.x + b.width / 2, cy = b.y + b.height / 2;
    var cells = shapes.filter(function (s) { return s.x <= cx && cx <= s.x + s.width && s.y <= cy && cy <= s.y + s.height; });
    cells.sort(function (p, q) { return p.width * p.height - q.width * q.height; });
    var c = cells[0] || {x: NaN, y: NaN, width: NaN, height: NaN};
    out.push([t.textContent, getComputedStyle(t).fontFamily, b.x - c.x, c.x + c.width - (b.x + b.width)]);
  });
});
return out;"""


def fallback_fonts():
    """The font families to force: as drawn, plus the monospace fonts a minimal system has."""
    try:
        installed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    except OSError:
        installed = ""
    return [None, "monospace"] + [f for f in ("DejaVu Sans Mono", "Liberation Mono") if f in installed]


@pytest.mark.parametrize("renderer", [name for name, _ in render.find_renderers()])
def test_text_fits_its_box_with_every_fallback_font(browser, tmp_path, renderer, monkeypatch):  # noqa: F811
    monkeypatch.setattr(render, "RENDERERS", (renderer,))
    a = Value(-12345.678, label="layers.0.neurons.12.w.3"); b = Value(1.5e-7, label="b")
    y = ((a * b).tanh() + a.leaky_relu(0.1) - b ** 2).sigmoid()
    y.backward()
    svg = Path(draw(y, tmp_path / "fit.svg", numeric=True)).read_text(encoding="utf-8")
    assert 'font-family="Courier,monospace"' in svg
    for font in fallback_fonts():
        path = tmp_path / f"fit-{font}.svg"
        path.write_text(svg if font is None else svg.replace("Courier,monospace", font), encoding="utf-8")
        browser.get(path.as_uri())
        measured = browser.execute_script(MEASURE)
        assert len(measured) > 10
        for text, family, left, right in measured:
            assert left >= -0.5 and right >= -0.5, (font, family, text, left, right)


# ----- new-user trial: edge labels before the forward pass, a page wider than the window -------
EDGE_LABELS = """
var out = {};
document.querySelectorAll("g.edge").forEach(function (g) {
  var t = g.querySelector("text");
  if (t) out[g.querySelector("title").textContent] = getComputedStyle(t).visibility === "visible";
});
return out;"""


def test_edge_labels_appear_once_their_operation_is_computed(browser, tmp_path):  # noqa: F811
    *_, y = neuron()
    order = topological_order(y)
    name = {v: f"v{i}" for i, v in enumerate(order)}
    browser.get(Path(draw(y, tmp_path / "labels.html")).as_uri())
    labels = browser.execute_script(EDGE_LABELS)
    assert len(labels) == 7 and not any(labels.values())  # frame 0: no local derivative yet
    done = set()
    for v in (v for v in order if not v.is_leaf):
        button(browser, "Next step").click()
        done.add(name[v])
        labels = browser.execute_script(EDGE_LABELS)
        assert labels == {e: e.split("->")[1][:-2] in done for e in labels}, name[v]
    button(browser, "Next step").click()  # backward: all of them
    assert all(browser.execute_script(EDGE_LABELS).values())


def test_a_small_graph_fits_a_1280_window_and_a_big_one_scrolls(browser, tmp_path):  # noqa: F811
    browser.set_window_size(1280, 800)
    try:
        x, w, b, y = neuron()  # wider than the window at actual size
        order = topological_order(y)
        browser.get(Path(draw(y, tmp_path / "fit.html")).as_uri())
        where = """var r = document.querySelector('g.node > title').ownerDocument.evaluate(
            "//*[local-name()='g'][*[local-name()='title']='" + arguments[0] + "']", document, null, 9, null)
            .singleNodeValue.getBoundingClientRect(), g = document.querySelector('.cr-graph');
            return [r.left, r.right, r.bottom, window.innerWidth, g.scrollWidth, g.clientWidth,
                    document.querySelector('.cr-graph svg').width.baseVal.value];"""
        left, right, bottom, width, scroll, client, natural = browser.execute_script(where, f"v{len(order) - 1}")
        assert natural > client  # the point of the test: it would not fit unscaled
        assert 0 <= left and right <= width and scroll <= client + 1  # the output is in view
        shot = tmp_path / "fit.png"
        browser.save_screenshot(str(shot))
        print(f"screenshot of a fitted page: {shot}")
        button(browser, "Actual size").click()  # the toggle: actual size scrolls
        assert browser.execute_script(where, f"v{len(order) - 1}")[4] > client
        button(browser, "Fit width").click()
        # A graph that would shrink below 60% starts at actual size, scrolling to its node.
        z = x
        for i in range(12):
            z = z * w + b
        z.label = "z"
        browser.get(Path(draw(z, tmp_path / "wide.html")).as_uri())
        assert button(browser, "Fit width")
        *_, scroll, client, natural = browser.execute_script(where, "v0")
        assert scroll > client and client < 0.6 * natural
        assert console_errors(browser) == []
    finally:
        browser.set_window_size(1300, 800)
