"""A learner's trial of `explain` on typical mistakes: the table names the mistake."""
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
