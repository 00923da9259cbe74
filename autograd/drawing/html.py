"""The step-through page: the forward pass, then `explain`'s backward steps, one frame each."""
from __future__ import annotations

import html
import json
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional, Union

from ..explain import Explanation
from ..explain_steps import _edges
from ..explain_table import format_number
from ..graph import topological_order
from .render import plural, render_bytes

if TYPE_CHECKING:
    from ..value import Value

# One frame of the page: {phase, text, set: [[node, 'data'|'grad', text]], hl: nodes, edges}.
Frame = dict[str, Any]


def step_through(root: Value, rankdir: str = "LR", local_grads: bool = True, numeric: bool = False,
                 params: Optional[set[Value]] = None, max_nodes: Optional[int] = 500,
                 cluster: Optional[str] = None) -> StepThrough:
    """The page for `root`'s graph: `draw(root, step=True)` and `draw(root, "graph.html")` call this.

    The backward frames replay one pass from zeroed gradients (`explain(root, zero_grad=True)`),
    so the last frame shows what `zero_grad()` then `backward()` leave; `.grad` is untouched.
    """
    from .dot import _build
    order = topological_order(root)
    story = Explanation(root, 1.0, order, zero_grad=True)
    graph = _build(root, rankdir, local_grads, numeric, params, max_nodes, cluster,
                   grads=story.grads, order=order)
    svg = render_bytes(graph.source, "svg").decode("utf-8")
    return StepThrough(svg, _frames(story, graph.shown, graph.names), graph.summary[3],
                       _capped_note(story, graph.shown))


class StepThrough:
    """A step-through page: `.save(path)` writes it; Jupyter shows it inline (`_repr_html_`)."""

    def __init__(self, svg: str, frames: list[Frame], title: str, note: str = "") -> None:
        self.svg = svg[svg.index("<svg"):]  # inline: no XML declaration, no DOCTYPE
        self.frames, self.title, self.note = frames, title, note

    def __repr__(self) -> str:
        forward = sum(f["phase"] == "forward" for f in self.frames)
        backward = sum(f["phase"] == "backward" for f in self.frames) - 1  # one frame is the seed
        return (f"<StepThrough of {self.title}: {plural(len(self.frames), 'frame')}: start, "
                f"{plural(forward, 'forward step')}, the seed, {plural(backward, 'backward step')}, done; "
                ".save('graph.html') writes it, Jupyter shows it inline>")

    def fragment(self, uid: Optional[str] = None, keys_on_page: bool = False) -> str:
        """The page's body: one <div> with its style, SVG, data and script, ids made unique."""
        uid = uid or "cr" + secrets.token_hex(4)
        data = json.dumps({"frames": self.frames, "page": keys_on_page}, separators=(",", ":"))
        data = data.replace("</", "<\\/")  # never ends the <script> element early
        note = f'<p class="cr-note">{html.escape(self.note)}</p>' if self.note else ""
        return (f'<div id="{uid}" class="cr" tabindex="0">\n<style>{_CSS.replace("#ID", "#" + uid)}</style>\n'
                f'<div class="cr-bar">'
                f'<button type="button" class="cr-prev" aria-label="Previous step">&#9664; Previous</button> '
                f'<button type="button" class="cr-next" aria-label="Next step">Next &#9654;</button> '
                f'<button type="button" class="cr-play" aria-label="Play">Play</button> '
                f'<button type="button" class="cr-reset" aria-label="Reset">Reset</button> '
                f'<button type="button" class="cr-zoom" aria-label="Actual size">Actual size</button> '
                f'<span class="cr-count" aria-live="polite"></span></div>\n{note}'
                f'<div class="cr-graph">{self.svg}</div>\n'
                f'<pre class="cr-row" aria-live="polite"></pre>\n'
                f'<p class="cr-help">Keys: &#8592; &#8594; step, Home resets. Forward: values appear in '
                f'topological order. Backward: each row is one chain-rule step of backward().</p>\n'
                f'<script type="application/json" class="cr-data">{data}</script>\n'
                f'<script>{_JS.replace("ID", uid)}</script>\n</div>')

    def page(self) -> str:
        """The whole self-contained HTML document (no network: everything is inline)."""
        title = html.escape(f"backward() step by step: {self.title}")
        return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
                f'<style>body {{ font-family: system-ui, sans-serif; }}</style>\n</head>\n<body>\n'
                f'<h1>{title}</h1>\n{self.fragment("cr", keys_on_page=True)}\n</body>\n</html>\n')

    def save(self, path: Union[str, os.PathLike[str]]) -> str:
        """Write the page to `path`; return the path as a str."""
        Path(path).write_text(self.page(), encoding="utf-8")
        return str(path)

    def _repr_html_(self) -> str:
        return self.fragment()


def _frames(story: Explanation, shown: set[Value], names: dict[Value, str]) -> list[Frame]:
    """One frame a step: {phase, text, set: [[node, 'data'|'grad', text]], hl: nodes, edges}."""
    name, fmt, root = story.name, format_number, story.root
    drawn = [v for v in story.order if v in shown]
    computed = [v for v in drawn if not v.is_leaf]
    start = [[names[v], "data", fmt(v.data) if v.is_leaf else "?"] for v in drawn]
    start += [[names[v], "grad", "?"] for v in drawn]
    frames = [_frame("start", f"Forward pass: the leaves hold their data; {len(computed)} values "
                              f"to compute, each after its inputs.", start)]
    for i, v in enumerate(computed, 1):
        ins = [p for p, _ in _edges(v)]
        frames.append(_frame("forward", f"forward {i}/{len(computed)}: {_forward_text(v, ins, name)}",
                             [[names[v], "data", fmt(v.data)]], [names[v], names[v] + "op"],
                             [f"{names[p]}->{names[v]}op" for p in ins] + [f"{names[v]}op->{names[v]}"]))
    zero = [[names[v], "grad", fmt(0.0)] for v in drawn if v is not root]
    frames.append(_frame("backward", story.seed_row(), zero + [[names[root], "grad", fmt(story.grads[root])]],
                         [names[root]]))
    for s in story.steps:
        if s.node in shown and s.input in shown:
            n, m = names[s.node], names[s.input]
            frames.append(_frame("backward", story.row(s), [[m, "grad", fmt(s.total)]],
                                 [n + "op", m], [f"{m}->{n}op"]))
    final = [[names[v], "grad", fmt(story.grads[v])] for v in drawn]
    uses: dict[Value, list[float]] = {}
    for s in story.steps:
        if s.input in shown and s.input.is_leaf:
            uses.setdefault(s.input, []).append(s.contribution)
    totals = [story.total_row(v, uses.get(v, [])) for v in drawn if v.is_leaf and v is not root]
    frames.append(_frame("done", "\n".join(["done: the grads backward() leaves in the leaves"] + totals), final))
    return frames


def _frame(phase: str, text: str, changes: list[list[str]], nodes: Iterable[str] = (),
           edges: Iterable[str] = ()) -> Frame:
    return {"phase": phase, "text": text, "set": changes, "hl": list(nodes), "edges": list(edges)}


def _forward_text(v: Value, ins: list[Value], name: Callable[[Value], str]) -> str:
    """'v2 = x * w = 0.5000 * -1.5000 = -0.7500' or 'y = tanh(v4) = tanh(1.2500) = 0.8483'."""
    op, fmt = v.op, format_number
    if len(ins) == 2 and not op[:1].isalpha():  # +, *, **, /, ...
        a, b = ins
        return f"{name(v)} = {name(a)} {op} {name(b)} = {fmt(a.data)} {op} {fmt(b.data)} = {fmt(v.data)}"
    if len(ins) == 1 and op.startswith("**"):
        (a,) = ins
        return f"{name(v)} = {name(a)}{op} = {fmt(a.data)}{op} = {fmt(v.data)}"
    names, values = ", ".join(map(name, ins)), ", ".join(fmt(p.data) for p in ins)
    return f"{name(v)} = {op}({names}) = {op}({values}) = {fmt(v.data)}"


def _capped_note(story: Explanation, shown: set[Value]) -> str:
    if len(shown) == len(story.order):
        return ""
    hidden = sum(1 for s in story.steps if s.node not in shown or s.input not in shown)
    return (f"Capped view: stepping through the {len(shown):,} drawn values of {len(story.order):,}; "
            f"{hidden:,} of {len(story.steps):,} backward steps are in the hidden part (their sums "
            f"are in the last frame). draw(..., max_nodes=None) draws everything.")


_CSS = """
#ID { font-family: system-ui, sans-serif; outline: none; }
#ID .cr-bar { margin: 0.4em 0; }
#ID .cr-bar button { font-size: 1em; padding: 0.2em 0.8em; }
#ID .cr-count { margin-left: 1em; font-weight: bold; }
#ID .cr-graph { overflow: auto; max-width: 100%; max-height: 75vh; border: 1px solid #ddd; }
#ID.cr-fit .cr-graph svg { max-width: 100%; height: auto; }
#ID .cr-row { background: #f6f6f6; padding: 0.5em; min-height: 1.3em; white-space: pre-wrap; }
#ID .cr-note { color: #a05a00; }
#ID .cr-help { color: #666; font-size: 0.85em; }
#ID g.node.cr-hl polygon, #ID g.node.cr-hl ellipse { stroke: #d62728; stroke-width: 2px; }
#ID g.edge.cr-hl path { stroke: #d62728; stroke-width: 2.5px; }
#ID g.edge.cr-hl polygon { fill: #d62728; stroke: #d62728; }
#ID g.edge.cr-hl text, #ID text.cr-new { fill: #d62728; font-weight: bold; }
"""

# Plain script, no library: state at frame k = every frame's changes up to k, replayed.
_JS = """(function () {
  var root = document.getElementById("ID");
  var data = JSON.parse(root.querySelector("script.cr-data").textContent);
  var frames = data.frames, k = 0, timer = null, texts = {}, nodes = {}, edges = {};
  var q = function (sel) { return root.querySelector(sel); };
  var row = q(".cr-row"), count = q(".cr-count"), play = q(".cr-play");
  root.querySelectorAll("g.node").forEach(function (g) {
    var name = g.querySelector("title").textContent;
    nodes[name] = g;
    g.querySelectorAll("text").forEach(function (t) {
      var m = /^(data|grad) /.exec(t.textContent);
      if (m && t.getAttribute("font-weight") !== "bold") texts[name + " " + m[1]] = t;
    });
  });
  root.querySelectorAll("g.edge").forEach(function (g) {
    var name = g.querySelector("title").textContent;
    (edges[name] = edges[name] || []).push(g);
  });
  // Fit the graph to the page's width unless its text would shrink below 60%: then scroll.
  var svg = q(".cr-graph svg"), zoom = q(".cr-zoom");
  function fit(on) {
    root.classList.toggle("cr-fit", on);
    zoom.textContent = on ? "Actual size" : "Fit width";
    zoom.setAttribute("aria-label", zoom.textContent);
  }
  fit(q(".cr-graph").clientWidth >= 0.6 * svg.width.baseVal.value);
  zoom.addEventListener("click", function () { fit(!root.classList.contains("cr-fit")); show(k); });
  function show(n) {
    k = Math.max(0, Math.min(frames.length - 1, n));
    var state = {}, f = frames[k], known = {};
    for (var i = 0; i <= k; i++) {
      frames[i].set.forEach(function (s) { state[s[0] + " " + s[1]] = s[1] + " " + s[2]; });
      if (frames[i].phase === "forward") frames[i].edges.forEach(function (e) { known[e] = true; });
    }
    for (var key in state) if (texts[key]) texts[key].textContent = state[key];
    // An edge's local derivative needs its operation's output: shown once that is computed.
    for (var e in edges) edges[e].forEach(function (g) {
      var on = known[e] || f.phase === "backward" || f.phase === "done";
      g.querySelectorAll("text").forEach(function (t) { t.style.visibility = on ? "" : "hidden"; });
    });
    root.querySelectorAll(".cr-hl, .cr-new").forEach(function (e) { e.classList.remove("cr-hl", "cr-new"); });
    f.hl.forEach(function (n) { if (nodes[n]) nodes[n].classList.add("cr-hl"); });
    // A wide graph scrolls inside its box: bring the step's node into view.
    if (f.hl.length && nodes[f.hl[0]]) nodes[f.hl[0]].scrollIntoView({block: "nearest", inline: "center"});
    f.edges.forEach(function (n) { (edges[n] || []).forEach(function (e) { e.classList.add("cr-hl"); }); });
    if (k > 0 && f.phase !== "done") f.set.forEach(function (s) {
      var t = texts[s[0] + " " + s[1]];
      if (t) t.classList.add("cr-new");
    });
    row.textContent = f.text;
    count.textContent = "frame " + k + " / " + (frames.length - 1) + " \\u00b7 " + f.phase;
    q(".cr-prev").disabled = k === 0;
    q(".cr-next").disabled = k === frames.length - 1;
    if (k === frames.length - 1) stop();
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.textContent = "Play"; play.setAttribute("aria-label", "Play");
  }
  function toggle() {
    if (timer !== null) { stop(); return; }
    if (k === frames.length - 1) show(0);
    timer = setInterval(function () { show(k + 1); }, 700);
    play.textContent = "Pause"; play.setAttribute("aria-label", "Pause");
  }
  q(".cr-prev").addEventListener("click", function () { show(k - 1); });
  q(".cr-next").addEventListener("click", function () { show(k + 1); });
  q(".cr-reset").addEventListener("click", function () { stop(); show(0); });
  play.addEventListener("click", toggle);
  (data.page ? document : root).addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight") show(k + 1);
    else if (e.key === "ArrowLeft") show(k - 1);
    else if (e.key === "Home") { stop(); show(0); }
    else return;
    e.preventDefault();
  });
  show(0);
})();
"""
