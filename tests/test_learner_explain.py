"""A learner's trial of `explain` on typical mistakes: the table names the mistake."""
import math

import pytest

from autograd import Value, explain, no_grad


def test_a_value_computed_under_no_grad_and_used_in_a_graph_is_flagged():
    # Under no_grad() c = w * 2 records no graph, so w silently gets no gradient from loss:
    # c looks like any leaf unless the table says where it came from.
    w, x = Value(0.5, label="w"), Value(2.0, label="x")
    with no_grad():
        c = w * 2
    c.label = "c"
    loss = c * x
    loss.label = "loss"
    lines = str(explain(loss)).splitlines()
    (c_total,) = [line for line in lines if line.strip().startswith("c.grad = ")]
    assert "computed under no_grad()" in c_total and "no gradient" in c_total
    (x_total,) = [line for line in lines if line.strip().startswith("x.grad = ")]
    assert "no_grad" not in x_total  # a leaf made by the learner is fine
    assert "no_grad" not in str(explain(w.detach() * x))  # so is a detached one
    loss.backward()
    assert w.grad == 0.0 and c.grad == x.data  # what backward() did: nothing reached w


def test_backward_run_again_without_zero_grad_is_counted_in_the_title():
    x = Value(1.5, label="x")
    y = x * x
    y.label = "y"
    y.backward()
    y.backward()  # the learner's second call: .grad now holds two passes
    title = str(explain(y)).splitlines()[0]
    assert "already hold 2 passes" in title and "2 times without zero_grad()" in title
    y.backward()
    assert "already hold 3 passes" in str(explain(y)).splitlines()[0]
    x.zero_grad()
    assert "already hold" not in str(explain(y))  # a clean start: nothing to count


def test_a_training_loop_without_zero_grad_is_counted_and_unrelated_grads_are_not():
    w = Value(0.5, label="w")
    for _ in range(4):  # the same loss rebuilt each time, no zero_grad(), no step
        loss = (w * 2.0 - 3.0) ** 2
        loss.backward()
    assert "hold 4 passes" in str(explain(loss)).splitlines()[0]
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    (a * b).backward()  # another loss's pass: a holds 3, b holds 2, not k passes of a + b
    text = str(explain(a + b))
    assert "passes" not in text and "forgot zero_grad()?" in text


@pytest.mark.parametrize("held", [math.nan, math.inf, -math.inf])
def test_a_grad_of_nan_or_inf_held_is_flagged_not_counted(held):
    x = Value(2.0, label="x")
    y = x * x
    x.grad = held
    text = str(explain(y))  # counting the passes must not fail on it
    assert "forgot zero_grad()?" in text and "passes" not in text
