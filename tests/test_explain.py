"""`explain`: the same steps and totals as `backward()`, reuse, stale grads, capped output."""
import math

import pytest
from hypothesis import given, settings, strategies as st

from autograd import Value, explain, topological_order
from autograd.explain import _edges, format_number as fmt
from autograd.graph import creation
from test_properties import inputs, programs, run


def fresh(program, a, b, c):
    xs = [Value(a, label="a"), Value(b, label="b"), Value(c)]
    return xs, run(program, *xs)


def every_grad(out):
    return [v.grad for v in topological_order(out)]


@settings(max_examples=100, deadline=None)
@given(programs(), inputs, inputs, inputs, st.sampled_from([1.0, -0.5, 3.0]))
def test_totals_equal_backward_exactly_and_grad_is_untouched(program, a, b, c, seed):
    xs, out = fresh(program, a, b, c)
    before = every_grad(out)
    e = explain(out, seed)
    assert every_grad(out) == before  # explain wrote nothing
    out.backward(seed)
    for v in topological_order(out):
        assert e.grads[v] == v.grad or (math.isnan(v.grad) and math.isnan(e.grads[v]))


@settings(max_examples=100, deadline=None)
@given(programs(), inputs, inputs, inputs)
def test_steps_follow_backward_order_and_chain_rule(program, a, b, c):
    xs, out = fresh(program, a, b, c)
    e = explain(out)
    # One step per (computed node, input), nodes newest first (backward's order: reverse
    # creation order, a reverse topological order), inputs in argument order.
    computed = topological_order(out, leaves=False)
    newest_first = sorted(computed, key=creation, reverse=True)
    assert all(set(n._prev).isdisjoint(newest_first[:k]) for k, n in enumerate(newest_first))
    expected = [(n, i, d) for n in newest_first for i, d in _edges(n)]
    assert [(s.node, s.input, s.local) for s in e.steps] == expected
    assert e.steps[-2:] == list(e.steps)[-2:] and e.steps[0] == next(iter(e.steps))
    running = {}
    for s in e.steps:
        assert s.upstream == e.grads[s.node]  # a node's grad is final before it flows back
        assert s.contribution == s.local * s.upstream
        assert s.total == running.get(s.input, 0.0) + s.contribution
        running[s.input] = s.total
    assert [e.grads.get(x, 0.0) for x in xs] == [running.get(x, 0.0) for x in xs]


@settings(max_examples=60, deadline=None)
@given(programs(), inputs, inputs, inputs)
def test_apply_is_backward(program, a, b, c):
    xs, out = fresh(program, a, b, c)
    xs2, out2 = fresh(program, a, b, c)
    for x, x2 in zip(xs, xs2):  # an earlier pass held in the leaves: both accumulate onto it
        x.grad = x2.grad = 0.25
    assert explain(out, apply=True).grads[out] == 1.0
    out2.backward()
    assert every_grad(out) == every_grad(out2)


def test_the_printed_row_shows_the_chain_rule_with_numbers():
    x = Value(0.5, label="x"); w = Value(0.7, label="w")
    y = x * w; y.label = "y"
    rows = str(explain(y, 0.42)).splitlines()
    assert "w.grad += dy/dw × y.grad = x (0.5000) × 0.4200 = 0.2100   → w.grad = 0.2100" in rows[4]
    assert "y.grad = 0.4200  (seed)" in rows[2]


def test_a_value_used_twice_shows_both_contributions_and_the_sum():
    a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    c = a * b + b ** 2
    text = str(explain(c))
    assert "b.grad = -6.0000 + 2.0000 = -4.0000, 2 uses" in text
    assert "a.grad = -3.0000\n" in text + "\n" and "a.grad = -3.0000," not in text
    e = explain(a * a)
    assert [s.input for s in e.steps] == [a, a] and e.grads[a] == 4.0


def test_a_leaf_holding_an_earlier_pass_is_flagged():
    x = Value(3.0, label="x"); w = Value(2.0, label="w")
    y = x * w
    y.backward(); y.backward()  # two passes: not what one backward() leaves
    e = explain(y)
    assert e.stale == {x: 4.0, w: 6.0} and not e.after_backward
    text = str(e)
    assert "w.grad held 6.0000 before: forgot zero_grad()?" in text
    assert "w.grad = 6.0000 (earlier pass) + 3.0000 = 9.0000" in text
    clean = explain(y, zero_grad=True)
    assert clean.stale == {} and "zero_grad" not in str(clean)
    assert clean.grads[w] == 3.0 and w.grad == 6.0  # zero_grad=True wrote nothing either


def test_names_are_labels_else_the_drawing_names():
    x = Value(1.0, label="x")
    y = (x * 2.0).tanh()
    e = explain(y)
    order = topological_order(y)
    assert [e.name(v) for v in order] == ["x", "v1", "v2", "v3"]
    assert str(e).startswith("explain(v3): backward() from v3 takes 3 steps")


def test_a_leaf_output_and_bad_arguments():
    x = Value(2.0, label="x")
    e = explain(x)
    assert len(e.steps) == 0 and e.steps == [] and e.grads == {x: 1.0}
    with pytest.raises(TypeError, match=r"explain\(\) needs a Value"):
        explain(2.0)
    with pytest.raises(TypeError, match=r"explain\(grad=...\)"):
        explain(x, "1")
    with pytest.raises(TypeError, match=r"explain\(apply=...\)"):
        explain(x, apply=1)
    assert x.grad == 0.0


def test_a_huge_graph_prints_a_capped_view():
    x = Value(0.5, label="x")
    y = x
    for _ in range(60_000):  # 180,000 nodes in a deep chain: no recursion anywhere
        y = y * 0.999999 + x
    e = explain(y)
    assert len(e.steps) == 240_000
    text = str(e)
    assert len(text.splitlines()) < 80 and f"… {60_001 - 20} more leaves" in text
    assert f"… {240_000 - 40} more steps" in text
    y.backward()
    assert e.grads[x] == x.grad


def neuron():
    x = Value(0.5, label="x"); w = Value(-1.5, label="w"); b = Value(2.0, label="b")
    y = (x * w + b).tanh() * b
    y.label = "y"
    return x, w, b, y


def test_explain_after_backward_shows_the_pass_that_ran_and_says_so():
    x, w, b, y = neuron()
    before = explain(y)
    y.backward()
    left = [v.grad for v in (x, w, b)]
    e = explain(y)
    assert e.after_backward and e.stale == {} and not before.after_backward
    assert [v.grad for v in (x, w, b)] == left  # still nothing written
    assert e.grads == before.grads and [e.grads[v] for v in (x, w, b)] == left  # what .grad holds
    assert list(e.steps) == list(before.steps)
    text = str(e)
    assert text.startswith("explain(y): backward() has already run on y: these are the 7 steps it took")
    assert "forgot zero_grad" not in text and "grads it left in the leaves (what .grad holds now):" in text
    # What a second call would leave: computed, not guessed, and then checked against backward().
    again = explain(y, apply=False, zero_grad=False)._again.grads[x]
    assert text.endswith(f"(x.grad would become {fmt(again)}): call zero_grad() first")
    y.backward()
    assert x.grad == again
    # Now .grad holds two passes: not one pass, so the stale flags are back.
    twice = explain(y)
    assert not twice.after_backward and "forgot zero_grad()?" in str(twice)


def test_after_backward_view_agrees_with_the_page(tmp_path):
    pytest.importorskip("graphviz")
    from autograd.drawing import render
    if not render.find_renderers():
        pytest.skip("no Graphviz renderer installed")
    from autograd import draw
    *_, y = neuron()
    y.backward()
    page, e = draw(y, step=True), explain(y)
    assert [f["text"] for f in page.frames[-len(e.steps) - 1:-1]] == [e.row(s) for s in e.steps]
    lines = str(e).splitlines()
    totals = lines[lines.index("grads it left in the leaves (what .grad holds now):") + 1:-1]
    assert len(totals) == 3 and page.frames[-1]["text"].splitlines()[1:] == [t.strip() for t in totals]


def test_apply_after_backward_is_a_second_backward():
    x, w, b, y = neuron()
    y.backward()
    e = explain(y, apply=True)
    assert not e.after_backward and x in e.stale
    x2, w2, b2, y2 = neuron()
    y2.backward(); y2.backward()
    assert [x.grad, w.grad, b.grad] == [x2.grad, w2.grad, b2.grad]


def test_explain_of_a_leaf_says_what_backward_does():
    x = Value(2.0, label="x")
    text = str(explain(x))
    assert text.startswith("explain(x): x is a leaf (no operation made it): backward() from x only "
                           "sets x.grad to the seed; there are no chain-rule steps")
    assert "0 steps" not in text and "grads backward() leaves" not in text
    assert "x.grad = 1.0000  (seed)" in text
    x.backward()
    after = explain(x)
    assert after.after_backward and "has already run: it only sets x.grad" in str(after)
    assert str(after).endswith("(x.grad would become 2.0000): call zero_grad() first")
    x.grad = 0.5  # something else: flagged
    assert "x.grad = 0.5000 (earlier pass) + 1.0000 = 1.5000  (seed)" in str(explain(x))


def test_explain_of_a_value_computed_under_no_grad_says_what_backward_says():
    from autograd import no_grad
    x = Value(2.0)
    with no_grad():
        z = x * 3
    for call in (z.backward, lambda: explain(z)):
        with pytest.raises(RuntimeError, match=r"computed under no_grad\(\)"):
            call()
    assert x.grad == 0.0
