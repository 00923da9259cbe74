"""`--html`: training frame by frame, one self-contained page with a slider over the epochs."""
import html
import json
import re

from autograd import explain
from autograd.drawing.render import RenderError, RendererNotFoundError, render_bytes
from autograd.explain import format_number

from . import _plot

GRID = 20          # cells per side of the decision-region picture
SNAPSHOTS = 20     # epochs kept (evenly spread, always the first and the last)
MAX_NODES = 80     # the sample's graph: the part nearest the loss


class Recorder:
    """Collects, at some epochs, the model's regions and one sample's graph with data and grads.

    Call it once per epoch with the epoch's metrics (a dict); it never touches `.grad`.
    """

    def __init__(self, X, y, epochs, sample_loss, threshold=0.0):
        self.X, self.y, self.epochs = X, y, epochs
        self.sample_loss, self.threshold = sample_loss, threshold  # model -> a Value (one sample's loss)
        self.every = max(1, epochs // SNAPSHOTS)
        self.xlim, self.ylim = _plot._limits([x[0] for x in X]), _plot._limits([x[1] for x in X])
        self.rows, self.snapshots, self.graph = [], [], None

    def __call__(self, epoch, model, row):
        self.rows.append(row)
        if epoch == 1 or epoch % self.every == 0 or epoch == self.epochs:
            self.snapshots.append(self._snapshot(epoch, model))

    def _snapshot(self, epoch, model):
        xs, ys = _plot._centres(self.xlim, GRID), _plot._centres(self.ylim, GRID)
        scores = _plot.class_scores(model, [[a, b] for b in ys for a in xs], self.threshold)
        classes = "".join(str(min(9, s.index(max(s)))) for s in scores)
        loss = self.sample_loss(model)
        story = explain(loss, zero_grad=True)  # the grads of this one sample, .grad untouched
        order = story.order
        self.graph = (loss, story.grads, order)  # the last one is drawn
        values = [[format_number(v.data), format_number(story.grads[v])] for v in order]
        return {"epoch": epoch, "classes": classes, "values": values}

    def save(self, path, title):
        """Write the page; return its path (None, with a message, when the graph can't be drawn)."""
        from autograd.drawing.dot import _build
        loss, grads, order = self.graph
        try:
            # No local derivatives on the edges: they are the last epoch's, and the slider
            # changes only the boxes' data and grads.
            g = _build(loss, "LR", False, False, None, MAX_NODES, None, grads=grads, order=order)
            svg = render_bytes(_widen(g.source, self.snapshots), "svg").decode("utf-8")
        except (ImportError, RendererNotFoundError, RenderError) as e:
            print(f"--html: page not written: {e}")
            return None
        svg = svg[svg.index("<svg"):]
        shown = [i for i, v in enumerate(order) if v in g.shown]
        first = self.rows[0]
        keys = [k for k in first if k not in ("epoch", "step", "lr") and first[k] is not None]
        data = {"rows": self.rows, "keys": keys,
                "grid": GRID, "xlim": self.xlim, "ylim": self.ylim,
                "points": [[x[0], x[1], int(t)] for x, t in zip(self.X, self.y)],
                "snapshots": [{"epoch": s["epoch"], "classes": s["classes"],
                               "values": [[f"v{i}"] + s["values"][i] for i in shown]} for s in self.snapshots]}
        text = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
        path.write_text(_PAGE.format(title=html.escape(title), svg=svg, data=text,
                                     colours=json.dumps(list(_plot.COLORS)), script=_JS), encoding="utf-8")
        return path


def _widen(source, snapshots):
    """Pad each box's data and grad to their widest text over the snapshots: the boxes are laid
    out once, and a wider number at another epoch ("-5.239e-04") would spill over the next cell."""
    def widest(i, k):
        return max(len(s["values"][i][k]) for s in snapshots)

    def pad_line(match):
        i = int(match.group(1))

        def pad(cell):
            kind, text = cell.group(1), cell.group(2)
            room = widest(i, 0 if kind == "data" else 1) - len(text)
            return f"<td>{kind} {text}{'&#160;' * max(0, room)}</td>"
        return re.sub(r"<td>(data|grad) ([^<]*)</td>", pad, match.group(0))
    return re.sub(r"(?m)^\tv(\d+) \[label=<.*$", pad_line, source)


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}: training, epoch by epoch</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1em; }}
.row {{ display: flex; gap: 1.5em; flex-wrap: wrap; align-items: flex-start; }}
#graph {{ overflow: auto; max-width: 100%; border: 1px solid #ddd; }}
label {{ font-weight: bold; }}
figcaption {{ max-width: 420px; font-size: 0.9em; }}
</style></head><body>
<h1>{title}: training, epoch by epoch</h1>
<p><label for="epoch">Epoch</label>
<input type="range" id="epoch" min="0" value="0" aria-label="Epoch" style="width: 60%">
<span id="status" aria-live="polite"></span></p>
<div class="row">
<figure><svg id="regions" width="300" height="300" viewBox="0 0 300 300" role="img" aria-label="decision regions"></svg>
<figcaption>decision regions and the data</figcaption></figure>
<figure><svg id="curves" width="420" height="300" viewBox="0 0 420 300" role="img" aria-label="loss and accuracy"></svg>
<figcaption id="legend"></figcaption></figure>
</div>
<h2>One sample's graph at this epoch: data, and the grads of its loss</h2>
<div id="graph">{svg}</div>
<script type="application/json" id="data">{data}</script>
<script>var COLOURS = {colours};
{script}</script>
</body></html>
"""

_JS = """(function () {
  var D = JSON.parse(document.getElementById("data").textContent), NS = "http://www.w3.org/2000/svg";
  var slider = document.getElementById("epoch"), status = document.getElementById("status");
  var regions = document.getElementById("regions"), curves = document.getElementById("curves");
  function el(parent, tag, attrs) {
    var e = document.createElementNS(NS, tag);
    for (var a in attrs) e.setAttribute(a, attrs[a]);
    parent.appendChild(e);
    return e;
  }
  var cell = 300 / D.grid, cells = [];
  for (var r = 0; r < D.grid; r++) for (var c = 0; c < D.grid; c++)  // row 0 at the bottom
    cells.push(el(regions, "rect", {x: c * cell, y: 300 - (r + 1) * cell,
                                    width: cell + 0.5, height: cell + 0.5, "class": "cell"}));
  D.points.forEach(function (p) {
    el(regions, "circle", {cx: (p[0] - D.xlim[0]) / (D.xlim[1] - D.xlim[0]) * 300,
      cy: 300 - (p[1] - D.ylim[0]) / (D.ylim[1] - D.ylim[0]) * 300, r: 3.5,
      fill: COLOURS[p[2] % 10], stroke: "#222", "stroke-width": 0.7});
  });
  var texts = {};
  document.querySelectorAll("#graph g.node").forEach(function (g) {
    var name = g.querySelector("title").textContent;
    g.querySelectorAll("text").forEach(function (t) {
      var m = /^(data|grad) /.exec(t.textContent);
      if (m && t.getAttribute("font-weight") !== "bold") texts[name + " " + m[1]] = t;
    });
  });
  var n = D.rows.length, keys = D.keys, dash = ["", "5,3", "2,2", "8,3,2,3"];
  var ranges = keys.map(function (k) {
    var v = D.rows.map(function (row) { return row[k]; }).filter(function (x) { return x !== null; });
    return [Math.min.apply(null, v), Math.max.apply(null, v)];
  });
  var lines = keys.map(function (k, i) {
    return el(curves, "polyline", {fill: "none", stroke: COLOURS[i], "stroke-width": 2,
                                   "stroke-dasharray": dash[i % 4], "class": "curve"});
  });
  var marker = el(curves, "line", {y1: 10, y2: 290, stroke: "#999"});
  var legend = document.getElementById("legend");
  keys.forEach(function (k, i) {  // a coloured, dashed swatch per curve, then its name and range
    var swatch = el(legend.appendChild(document.createElementNS(NS, "svg")), "line", {x1: 0, y1: 6, x2: 24,
                    y2: 6, stroke: COLOURS[i], "stroke-width": 2, "stroke-dasharray": dash[i % 4]});
    swatch.parentNode.setAttribute("width", 26); swatch.parentNode.setAttribute("height", 10);
    legend.appendChild(document.createTextNode(" " + k + " (" + ranges[i][0].toPrecision(3) + " to " +
                                               ranges[i][1].toPrecision(3) + ")  "));
  });
  legend.appendChild(document.createTextNode("each scaled to the height"));
  function x(e) { return 10 + (n > 1 ? (e - 1) / (n - 1) : 0) * 400; }
  function tint(hex) {
    var v = [1, 3, 5].map(function (i) { return Math.round(parseInt(hex.substr(i, 2), 16) * 0.3 + 255 * 0.7); });
    return "rgb(" + v.join(",") + ")";
  }
  slider.max = D.snapshots.length - 1;
  function show(i) {
    var s = D.snapshots[i], row = D.rows[s.epoch - 1];
    for (var j = 0; j < cells.length; j++) cells[j].setAttribute("fill", tint(COLOURS[+s.classes[j]]));
    keys.forEach(function (k, m) {
      var lo = ranges[m][0], span = (ranges[m][1] - lo) || 1, pts = [];
      for (var e = 1; e <= s.epoch; e++) if (D.rows[e - 1][k] !== null)
        pts.push(x(e).toFixed(1) + "," + (290 - (D.rows[e - 1][k] - lo) / span * 280).toFixed(1));
      lines[m].setAttribute("points", pts.join(" "));
    });
    marker.setAttribute("x1", x(s.epoch)); marker.setAttribute("x2", x(s.epoch));
    s.values.forEach(function (v) {
      if (texts[v[0] + " data"]) texts[v[0] + " data"].textContent = "data " + v[1];
      if (texts[v[0] + " grad"]) texts[v[0] + " grad"].textContent = "grad " + v[2];
    });
    status.textContent = "epoch " + s.epoch + " of " + n + ": " + keys.map(function (k) {
      return k + " " + (row[k] === null ? "-" : (+row[k]).toFixed(4)); }).join(", ");
  }
  slider.addEventListener("input", function () { show(+slider.value); });
  show(0);
})();
"""
