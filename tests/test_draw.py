"""Drawing graphs: the DOT text (structure, labels, determinism, capping, clusters), real
rendering with each renderer installed, and the errors when none is."""
import doctest
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings

pytest.importorskip("graphviz")

from autograd import Value, draw, explain, topological_order  # noqa: E402
from autograd.drawing import labels, render  # noqa: E402
from test_properties import inputs, programs, run  # noqa: E402
from autograd.drawing.render import RenderError, RendererNotFoundError  # noqa: E402

draw_module = sys.modules["autograd.drawing.dot"]  # `autograd.draw` is the function, not the module
NODE = re.compile(r"^\s+(v\d+(?:op)?) \[(.*)\]$", re.MULTILINE)
EDGE = re.compile(r"^\s+(v\w+) -> (v\w+)(?: \[label=\"?([^\]\"]*)\"?\])?$", re.MULTILINE)


def neuron(backward=True):
    x = Value(0.5, label="x"); w = Value(-1.5, label="w"); b = Value(2.0, label="b")
    y = (x * w + b).tanh(); y.label = "y"
    if backward:
        y.backward()
    return x, w, b, y


def parse(source):
    """{node name: attributes text} and [(tail, head, label or None)] of a DOT source."""
    return dict(NODE.findall(source)), EDGE.findall(source)


def cells(attrs):
    """The text cells of a value node's HTML label, e.g. ['x', 'data 0.5000', 'grad -0.4206']."""
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", attrs)]


def chain(n):
    x = Value(0.3, label="x")
    y = x
    for i in range(n):
        y = (y * 0.9 + 0.1).tanh() if i % 2 else y + x
    y.label = "y"
    y.backward()
    return x, y


# ----- structure ------------------------------------------------------------------------------
def test_every_value_and_operation_is_a_node_with_its_edges():
    x, w, b, y = neuron()
    nodes, edges = parse(draw(y).source)
    order = topological_order(y)
    values = [n for n in nodes if not n.endswith("op")]
    ops = [n for n in nodes if n.endswith("op")]
    assert values == [f"v{i}" for i in range(len(order))]  # names from the traversal order
    assert ops == [f"v{i}op" for i, v in enumerate(order) if not v.is_leaf]
    assert [re.search(r"label=\"?([^ \"]+)", nodes[o]).group(1) for o in ops] == ["*", "+", "tanh"]
    assert cells(nodes["v0"]) == ["x", "data 0.5000", "grad -0.4206"]
    assert cells(nodes["v5"]) == ["y", "data 0.8483", "grad 1.0000"]
    assert cells(nodes["v2"]) == ["v2", "data -0.7500", "grad 0.2804"]  # unlabelled: its name, grey
    # inputs -> op in argument order, op -> its value
    assert [(t, h) for t, h, _ in edges] == [("v2op", "v2"), ("v0", "v2op"), ("v1", "v2op"),
                                             ("v4op", "v4"), ("v2", "v4op"), ("v3", "v4op"),
                                             ("v5op", "v5"), ("v4", "v5op")]


def test_edge_labels_are_the_local_derivatives_and_give_back_the_gradients():
    a, b = Value(1.5, label="a"), Value(-0.7, label="b")
    out = ((a * b).exp() + a ** 2 - b / a).sigmoid() * b.relu().abs() + (a * a).log()
    out.backward()
    order = topological_order(out)
    nodes, edges = parse(draw(out).source)
    local = {(f"v{order.index(p)}", f"v{i}op"): [] for i, v in enumerate(order) for p in v._prev}
    for i, v in enumerate(order):
        for p, d in zip(v._prev, v._local):
            local[(f"v{order.index(p)}", f"v{i}op")].append(d)
    labelled = [(t, h, float(lab)) for t, h, lab in edges if lab]
    assert len(labelled) == sum(len(v._prev) for v in order)  # a * a: two edges, one per input
    for t, h, lab in labelled:
        assert any(lab == float(draw_module._fmt(d)) for d in local[(t, h)])
    # The chain rule read off the picture: grad(in) = sum over edges of label * grad(out).
    grad = {n: float(cells(attrs)[-1].split()[1]) for n, attrs in nodes.items() if not n.endswith("op")}
    for leaf in ("v0", "v1"):
        total = sum(lab * grad[h[:-2]] for t, h, lab in labelled if t == leaf)
        assert total == pytest.approx(grad[leaf], abs=1e-3)


def test_numbers_have_one_format():
    fmt = draw_module._fmt
    assert [fmt(x) for x in (0.0, -0.0, 1.0, -0.28037, 12345.678)] == [
        "0.0000", "0.0000", "1.0000", "-0.2804", "12345.6780"]
    assert [fmt(x) for x in (1.5e-7, -2.5e6)] == ["1.500e-07", "-2.500e+06"]
    assert [fmt(x) for x in (math.inf, -math.inf, math.nan)] == ["inf", "-inf", "nan"]


def test_same_graph_gives_byte_identical_dot():
    first = draw(neuron()[3], numeric=True).source
    for _ in range(3):
        assert draw(neuron()[3], numeric=True).source == first
    assert not re.search(r"\d{8,}", first)  # no id()-like numbers anywhere


def test_layout_is_left_to_right_unless_asked():
    y = neuron()[3]
    assert "rankdir=LR" in draw(y).source
    assert "rankdir=TB" in draw(y, rankdir="TB").source
    assert not any(lab for _, _, lab in parse(draw(y, local_grads=False).source)[1])


def test_kinds_are_told_apart_by_colour():
    x, w, b, y = neuron()
    z = y * 2.0
    z.backward()
    nodes, _ = parse(draw(z, params=[w, b]).source)
    fill = {n: re.search(r'bgcolor="([^"]+)"', a).group(1) for n, a in nodes.items() if not n.endswith("op")}
    colours = labels._FILL
    order = topological_order(z)
    name = {v: f"v{i}" for i, v in enumerate(order)}
    assert fill[name[x]] == colours["input"]
    assert fill[name[w]] == fill[name[b]] == colours["param"]
    assert fill[name[z]] == colours["output"] and 'border="2"' in nodes[name[z]]
    assert fill[name[order[-2]]] == colours["const"]  # the unlabelled 2.0
    assert fill[name[y]] == colours[""]
    # Without params=, dotted nn names mark parameters.
    p = Value(1.0, label="layers.0.neurons.0.w.0")
    q = p * x
    q.backward()
    nodes, _ = parse(draw(q).source)
    assert f'bgcolor="{colours["param"]}"' in nodes["v0"]


def test_drawing_before_backward_says_so():
    y = neuron(backward=False)[3]
    assert "gradients not computed yet" in draw(y).source
    y.backward()
    assert "not computed" not in draw(y).source


# ----- numeric gradients ----------------------------------------------------------------------
def test_numeric_gradients_sit_next_to_autograd_ones():
    x, w, b, y = neuron()
    nodes, _ = parse(draw(y, numeric=True).source)
    for name, v in (("v0", x), ("v1", w), ("v3", b)):
        num = cells(nodes[name])[-1]
        assert num.startswith("num ") and float(num.split()[1]) == pytest.approx(v.grad, abs=1e-4)
        assert labels._MISMATCH not in nodes[name]
    assert "num" not in "".join(cells(nodes["v2"]))  # only leaves get one


def test_a_wrong_gradient_is_highlighted():
    x, w, b, y = neuron()
    x.grad += 1.0  # as after a forgotten zero_grad()
    nodes, _ = parse(draw(y, numeric=True).source)
    assert labels._MISMATCH in nodes["v0"] and "&#8800;" in nodes["v0"]
    assert labels._MISMATCH not in nodes["v1"]


def test_numeric_gradient_outside_the_domain_is_nan():
    x = Value(1e-7, label="x")
    y = x.log()
    y.backward()
    nodes, _ = parse(draw(y, numeric=True).source)
    assert cells(nodes["v0"])[-1].startswith("num nan")


def test_nan_beside_nan_is_no_mismatch():
    # NaN in, NaN out: backward's nan and the differences' nan agree; red said "wrong gradient".
    x, w = Value(0.5, label="x"), Value(math.nan, label="w")
    y = (x * w).tanh()
    y.backward()
    nodes, _ = parse(draw(y, numeric=True).source)
    for name in ("v0", "v1"):
        assert cells(nodes[name])[2:] == ["grad nan", "num nan"]
        assert labels._MISMATCH not in nodes[name]


# ----- large graphs ---------------------------------------------------------------------------
def test_large_graph_is_capped_near_the_output():
    x, y = chain(600)
    order = topological_order(y)
    source = draw(y, max_nodes=100).source
    nodes, edges = parse(source)
    assert len(nodes) <= 100
    assert f"v{len(order) - 1}" in nodes  # the output is always drawn
    assert "capped view" in source and f"of {len(order)}" in source and "max_nodes=None" in source
    shown = [n for n in nodes if not n.endswith("op") and "more" not in nodes[n]]
    hidden = [int(re.search(r"\.\.\. (\d+) more", a).group(1)) for a in nodes.values() if "more" in a]
    assert hidden and len(shown) + sum(hidden) == len(order)
    # Shown values are the ones nearest the output: indices at the end of the order.
    computed = sorted(int(n[1:]) for n in shown if order[int(n[1:])]._a is not None)
    assert computed == [i for i, v in enumerate(order) if v._a is not None][-len(computed):]
    assert all(t in nodes and h in nodes for t, h, _ in edges)


def test_max_nodes_none_draws_everything_and_small_graphs_are_whole():
    x, y = chain(600)
    n = len(topological_order(y))
    nodes, _ = parse(draw(y, max_nodes=None).source)
    assert len([k for k in nodes if not k.endswith("op")]) == n
    assert "capped" not in draw(neuron()[3], max_nodes=9).source
    assert "capped" in draw(neuron()[3], max_nodes=8).source


# ----- nn clusters ----------------------------------------------------------------------------
def xor_loss():
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    out = model([Value(1.0, label="x1"), Value(0.0, label="x2")])
    loss = (out - 1.0) ** 2
    loss.label = "loss"
    loss.backward()
    return model, loss


def cluster_members(source, name):
    """Node names defined directly inside `subgraph "cluster_NAME" { ... }` (nested ones included)."""
    start = source.index(f'subgraph "cluster_{name}" {{')
    depth, i = 0, source.index("{", start)
    for j in range(i, len(source)):
        depth += {"{": 1, "}": -1}.get(source[j], 0)
        if depth == 0:
            return set(dict(NODE.findall(source[i:j])))


def test_neuron_clusters_nest_in_layer_clusters():
    model, loss = xor_loss()
    order = topological_order(loss)
    name = {v: f"v{i}" for i, v in enumerate(order)}
    source = draw(loss, cluster="neuron").source
    for layer in model.layers:
        for neuron_ in layer.neurons:
            key = neuron_.b.label.rsplit(".", 1)[0]  # 'layers.0.neurons.1'
            members = cluster_members(source, key)
            assert {name[w] for w in neuron_.w} | {name[neuron_.b]} <= members
    layer0 = cluster_members(source, "layers.0")
    assert cluster_members(source, "layers.0.neurons.2") <= layer0
    assert name[loss] not in layer0 | cluster_members(source, "layers.1")
    assert name[order[0]] not in layer0  # the input x1


def test_layer_clusters_hold_their_operations():
    model, loss = xor_loss()
    name = {v: f"v{i}" for i, v in enumerate(topological_order(loss))}
    source = draw(loss, cluster="layer").source
    assert "cluster_layers.0.neurons" not in source
    members = cluster_members(source, "layers.0")
    ops = [n for n in members if n.endswith("op")]
    assert len(ops) >= 3 * (2 * 2 + 1)  # per neuron: 2 products, 2 sums, 1 activation
    assert {name[p] for p in model.layers[0].parameters()} <= members


# ----- files and renderers --------------------------------------------------------------------
RENDERERS = dict(render.find_renderers())


@pytest.mark.parametrize("which", render.RENDERERS)
@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_renders_for_real(which, fmt, tmp_path, monkeypatch):
    if which not in RENDERERS:
        pytest.skip(f"{which} is not installed")
    monkeypatch.setattr(render, "find_renderers", lambda: [(which, RENDERERS[which])])
    y = neuron()[3]
    path = draw(y, tmp_path / f"neuron.{fmt}", numeric=True)
    assert path == str(tmp_path / f"neuron.{fmt}")
    data = (tmp_path / f"neuron.{fmt}").read_bytes()
    if fmt == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    else:
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")
        text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
        assert "tanh" in text and "data 0.8483" in text and "grad -0.4206" in text
    assert not (tmp_path / "neuron.dot").exists()


def test_notebook_display_uses_the_renderer_found(monkeypatch):
    if not RENDERERS:
        pytest.skip("no renderer installed")
    bundle = draw(neuron()[3])._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")


def test_dot_file_and_suffixes(tmp_path):
    y = neuron()[3]
    assert draw(y, tmp_path / "g.dot") == str(tmp_path / "g.dot")
    assert (tmp_path / "g.dot").read_text(encoding="utf-8") == draw(y).source
    assert draw(y, tmp_path / "h", fmt="dot") == str(tmp_path / "h.dot")
    assert draw(y, str(tmp_path / "k.gv")) == str(tmp_path / "k.gv")


@pytest.fixture
def no_renderer(monkeypatch, tmp_path):
    """Hide every renderer: an empty PATH and no scripts folder to search."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(render, "_script_dirs", lambda: [str(empty)])
    assert render.find_renderers() == []


def test_without_a_renderer_the_dot_is_written_and_the_error_says_what_to_do(tmp_path, no_renderer):
    y = neuron()[3]
    target = tmp_path / "out" / "neuron.svg"
    target.parent.mkdir()
    with pytest.raises(RendererNotFoundError) as info:
        draw(y, target)
    assert isinstance(info.value, RuntimeError)
    message = str(info.value)
    dot_path = target.with_suffix(".dot")
    assert dot_path.read_text(encoding="utf-8") == draw(y).source and not target.exists()
    assert str(dot_path) in message
    for command in (f"dot -Tsvg {dot_path} -o {target}", "pip install graphviz-pure",
                    "apt-get install graphviz", "brew install graphviz", '".[viz]"'):
        assert command in message, command
    assert "image/svg+xml" not in draw(y)._repr_mimebundle_()  # the notebook shows the advice


def test_a_failing_renderer_gives_its_message_and_keeps_the_dot(tmp_path, monkeypatch):
    if os.name == "nt":
        pytest.skip("the fake renderer is a shell script")
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\necho 'Error: something broke' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(render, "find_renderers", lambda: [("dot", str(fake))])
    with pytest.raises(RenderError, match="something broke") as info:
        draw(neuron()[3], tmp_path / "n.png")
    assert "exit code 3" in str(info.value) and (tmp_path / "n.dot").exists()
    assert not (tmp_path / "n.png").exists()


def test_the_bundled_renderer_is_found_outside_path(monkeypatch, tmp_path):
    exe = "graphviz-pure.exe" if os.name == "nt" else "graphviz-pure"
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / exe).write_text("")
    (scripts / exe).chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    monkeypatch.setattr(render, "_script_dirs", lambda: [str(scripts)])
    assert render.find_renderers() == [("graphviz-pure", str(scripts / exe))]


def test_scripts_folder_is_searched():
    assert render.sysconfig.get_path("scripts") in render._script_dirs()


# ----- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, error, words", [
    ({"rankdir": "sideways"}, ValueError, "rankdir"),
    ({"cluster": "module"}, ValueError, "cluster"),
    ({"max_nodes": 0}, ValueError, "max_nodes"),
    ({"max_nodes": 2.5}, ValueError, "max_nodes"),
    ({"params": [1.0]}, TypeError, "params"),
    ({"fmt": "jpg"}, ValueError, "fmt"),
])
def test_bad_options(kwargs, error, words, tmp_path):
    with pytest.raises(error, match=words):
        draw(neuron()[3], tmp_path / "g.svg", **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_bad_roots_and_paths(tmp_path):
    x, w, b, y = neuron()
    grads = [v.grad for v in (x, w, b, y)]
    with pytest.raises(TypeError, match="Value"):
        draw(0.5)
    with pytest.raises(ValueError, match=r"\.jpg"):
        draw(y, tmp_path / "g.jpg")
    with pytest.raises(ValueError, match="contradicts"):
        draw(y, tmp_path / "g.svg", fmt="png")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        draw(y, tmp_path / "missing" / "g.svg")
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError):
        draw(y, tmp_path / "file" / "g.svg")
    (tmp_path / "d.svg").mkdir()
    with pytest.raises(IsADirectoryError):
        draw(y, tmp_path / "d.svg")
    with pytest.raises(TypeError, match="filename"):
        draw(y, 42)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.svg", "file"]
    assert [v.grad for v in (x, w, b, y)] == grads


def test_importing_autograd_does_not_need_graphviz():
    code = ("import sys; sys.modules['graphviz'] = None\n"
            "import autograd\n"
            "from autograd import Value, draw\n"
            "try:\n    draw(Value(1.0) * 2)\n"
            "except ImportError as e:\n    print('ImportError:', e)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert done.returncode == 0, done.stderr
    assert "pip install graphviz" in done.stdout


@pytest.mark.parametrize("module", [draw_module, render])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


# ----- the demo -------------------------------------------------------------------------------
def run_demo(tmp_path, capsys, *argv):
    graphs = pytest.importorskip("demos.graphs")
    code = graphs.main(["--out", str(tmp_path), "--max-nodes", "150", *argv])
    out, err = capsys.readouterr()
    return code, re.findall(r"^wrote (.+)$", out, flags=re.MULTILINE), out + err


def test_demo_draws_a_neuron_the_xor_loss_and_a_capped_mlp(tmp_path, capsys):
    code, paths, out = run_demo(tmp_path, capsys, "--format", "dot")
    assert code == 0, out
    assert paths == [str(tmp_path / f"{name}.dot") for name in ("neuron", "xor", "mlp_capped")]
    neuron_, xor, mlp = (open(p, encoding="utf-8").read() for p in paths)
    assert "num " in neuron_ and "capped" not in xor and "cluster_layers.1.neurons.0" in xor
    assert "capped view" in mlp and "... " in mlp and len(parse(mlp)[0]) <= 150


def test_demo_renders_svg(tmp_path, capsys):
    if not RENDERERS:
        pytest.skip("no renderer installed")
    code, paths, out = run_demo(tmp_path, capsys)
    assert code == 0, out
    for path in paths:
        assert path.endswith(".svg") and ET.parse(path).getroot().tag.endswith("svg")


def test_demo_without_a_renderer_writes_every_dot_and_says_how_to_go_on(tmp_path, capsys, no_renderer):
    code, paths, out = run_demo(tmp_path, capsys)
    assert code == 0
    assert paths == [str(tmp_path / f"{name}.dot") for name in ("neuron", "xor", "mlp_capped")]
    assert all(os.path.exists(p) for p in paths)
    assert out.count("pip install graphviz-pure") == 1 and "--format dot" in out


def test_capped_view_always_shows_the_output():
    x = Value(1.0, label="x")
    y = x
    for _ in range(20):
        y = (y * 1.5).tanh()
    y.label = "y"
    nodes, _ = parse(draw(y, max_nodes=1).source)
    assert any(cells(attrs)[:1] == ["y"] for attrs in nodes.values())


def test_docs_examples_run():
    from test_docs import run_markdown_examples
    result = run_markdown_examples(Path(__file__).resolve().parent.parent / "docs" / "drawing.md")
    assert result.failed == 0 and result.attempted > 5


# ----- the REPL view and the step-through page's arguments -------------------------------------
def test_a_drawing_prints_a_short_summary():
    *_, y = neuron()
    text = repr(draw(y))
    assert text == ("<Drawing of y: 6 values, 3 operations, 8 edges; save with draw(y, 'graph.svg') "
                    "(.png, .html, .dot); .source holds the DOT>")
    _, capped = chain(200)
    text = repr(draw(capped, max_nodes=20))
    assert text.startswith("<Drawing of y: ") and f" of {len(topological_order(capped))} values, " in text


def test_the_summary_counts_in_words():
    a = Value(2.0, label="a")
    assert repr(draw(a)).startswith("<Drawing of a: 1 value, 0 operations, 0 edges; ")
    assert repr(draw(a * 3)).startswith("<Drawing of v2: 3 values, 1 operation, 3 edges; ")


def test_the_step_through_summary_counts_what_explain_lists():
    *_, y = neuron()
    steps = len(explain(y).steps)
    try:
        page = draw(y, step=True)
    except RendererNotFoundError:
        pytest.skip("no Graphviz renderer installed")
    assert repr(page).startswith(f"<StepThrough of y: {len(page.frames)} frames: start, 3 forward steps, "
                                 f"the seed, {steps} backward steps, done; ")


def test_a_list_of_outputs_is_refused_with_what_to_draw_instead():
    outputs = [Value(1.0) * 2, Value(3.0) * 4]
    with pytest.raises(TypeError, match=r"got list: draw one of them \(the loss, or an output such as out\[0\]\)"):
        draw(outputs)
    with pytest.raises(TypeError, match=r"draw\(\) needs a Value to draw, got float$"):
        draw(1.0)


@pytest.mark.parametrize("option", ["local_grads", "numeric", "step"])
def test_on_off_options_take_only_true_or_false(option, tmp_path):
    *_, y = neuron()
    with pytest.raises(TypeError, match=rf"draw\({option}=...\) must be True or False, got 'yes'"):
        draw(y, tmp_path / "g.svg", **{option: "yes"})
    assert list(tmp_path.iterdir()) == []


def test_params_that_are_not_a_list_of_values_say_what_to_pass():
    *_, y = neuron()
    for wrong, name in ((y.backward, "method"), (3, "int")):
        with pytest.raises(TypeError, match=rf"^draw\(params=...\) must be an iterable of Values such as "
                                            rf"model.parameters\(\), got {name}$"):
            draw(y, params=wrong)


def test_a_value_computed_under_no_grad_says_why_it_has_no_graph():
    from autograd import no_grad
    x = Value(0.5, label="x")
    with no_grad():
        y = (x * 2).tanh()
    source = draw(y).source
    assert "computed under no_grad(): no graph was recorded" in source and "not computed yet" not in source
    assert "computed under no_grad()" not in draw((x * 2).tanh()).source


def test_step_arguments_are_checked_before_anything_is_written(tmp_path):
    *_, y = neuron()
    with pytest.raises(TypeError, match=r"draw\(step=...\) must be True or False"):
        draw(y, step="yes")
    with pytest.raises(ValueError, match=r"draw\(step=True\) writes an \.html page"):
        draw(y, tmp_path / "g.svg", step=True)
    with pytest.raises(ValueError, match=r"use \.svg, \.png, \.dot or \.html"):
        draw(y, tmp_path / "g.jpg")
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=40, deadline=None)
@given(programs(), inputs, inputs, inputs)
def test_the_pages_frames_end_at_the_static_drawing_after_backward(program, a, b, c):
    from autograd.drawing.html import _frames
    xs = [Value(a, label="a"), Value(b, label="b"), Value(c)]
    out = run(program, *xs)
    order = topological_order(out)
    names = {v: f"v{i}" for i, v in enumerate(order)}
    frames = _frames(explain(out, zero_grad=True), set(order), names)
    state = {}
    for frame in frames:  # what the page's script does: replay every frame's changes
        for node, field, text in frame["set"]:
            state[node, field] = f"{field} {text}"
    out.backward()
    nodes, _ = parse(draw(out, max_nodes=None).source)
    for v in order:
        assert cells(nodes[names[v]])[1:3] == [state[names[v], "data"], state[names[v], "grad"]]


def test_a_grad_of_none_is_drawn_as_none():
    # zero_grad(set_to_none=True) leaves .grad None ("no gradient yet"): drawing must not fail.
    x, w, b, y = neuron()
    x.zero_grad(set_to_none=True)
    for numeric in (False, True):
        nodes, _ = parse(draw(y, numeric=numeric).source)
        shown = cells(nodes[next(n for n in nodes if "<b>x</b>" in nodes[n])])
        assert shown[:3] == ["x", "data 0.5000", "grad None"]
        assert "&#8800;" not in nodes[next(n for n in nodes if "<b>x</b>" in nodes[n])]


ODD_LABELS = ['say "hi"', "a<b & c>d", "ünï ∂x 🙂", "</td>", "tab\there", "bell\x07", "nul\x00", "cr\r", "lone \udcff"]


@pytest.mark.parametrize("which", render.RENDERERS)
def test_labels_with_odd_characters_render_and_read_back(which, tmp_path, monkeypatch):
    # Control characters (a tab, a NUL) broke Graphviz's parser and a lone surrogate broke
    # UTF-8: each shows as its Python escape, in the drawing and in explain alike.
    if which not in RENDERERS:
        pytest.skip(f"{which} is not installed")
    monkeypatch.setattr(render, "find_renderers", lambda: [(which, RENDERERS[which])])
    for label in ODD_LABELS:
        x = Value(2.0, label=label)
        y = x * 3.0
        y.label = label + "!"
        y.backward()
        shown = label.encode("unicode_escape").decode("ascii") if not label.isprintable() else label
        root = ET.fromstring((Path(draw(y, tmp_path / "odd.svg"))).read_bytes())
        text = [t.text or "" for t in root.iter() if t.tag.endswith("text")]
        assert shown in text and shown + "!" in text, (label, text)
        assert f"{shown}.grad = 3.0000" in str(explain(y))


def test_an_uncapped_drawing_too_big_to_lay_out_soon_warns_first(monkeypatch, tmp_path):
    # A whole MLP step drawn with max_nodes=None kept Graphviz busy for many minutes, silently.
    x, y = chain(1000)
    order = topological_order(y)
    nodes = len(order) + sum(not v.is_leaf for v in order)  # a box per value, a node per operation
    rendered = []
    monkeypatch.setattr(draw_module, "write", lambda source, path, fmt: rendered.append(fmt) or str(path))
    with pytest.warns(RuntimeWarning, match=rf"{nodes:,} nodes.*max_nodes=500"):
        draw(y, tmp_path / "all.svg", max_nodes=None)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draw(y, tmp_path / "capped.svg")  # the default cap: quick, no warning
        draw(y, tmp_path / "all.dot", max_nodes=None)  # no layout to wait for
        draw(y, max_nodes=None)
    assert rendered == ["svg", "svg", "dot"]


def test_the_capped_pages_note_counts_with_thousands_separators():
    x, y = chain(600)
    order = topological_order(y)
    note = draw(y, step=True, max_nodes=30).note
    assert f" drawn values of {len(order):,}; " in note and len(order) > 1000
    assert re.search(r"; \d{1,3}(,\d{3})+ of \d{1,3}(,\d{3})+ backward steps", note), note


def loop(steps):
    """A recurrence: one weight and one input used at every step, as in an RNN."""
    w, x, h = Value(0.9, label="w"), Value(0.1, label="x"), Value(0.0, label="h0")
    for _ in range(steps):
        h = (h * w + x).tanh()
    h.backward()
    return h


def test_long_edges_from_a_leaf_used_all_along_a_loop_are_merged_and_kept_quick():
    # w and x feed every step: their edges crossed thousands of ranks, and Graphviz took
    # 21 s for 25 steps, over 10 minutes for chain(600) capped at 500 nodes.
    def layout(root):
        return " ".join(line for line in draw(root).source.splitlines() if "=" in line and "->" not in line
                        and "label=<" not in line)
    assert "concentrate" not in layout(neuron()[3]) and "concentrate" not in layout(loop(5))
    assert "concentrate=true" in layout(loop(25)) and "splines" not in layout(loop(25))
    assert {"concentrate=true", "splines=line", "nslimit=1"} <= set(layout(chain(600)[1]).split())
    nodes, edges = parse(draw(loop(25)).source)  # every edge still drawn, each with its label
    order = topological_order(loop(25))
    assert len(edges) == sum(len(v._prev) + 1 for v in order if not v.is_leaf)
