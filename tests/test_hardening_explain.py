"""`explain` on a graph whose leaf holds a `.grad` set by hand to something not a number: it
names the leaf, as `backward()` does (it failed on the str with Python's own message), and
writes nothing."""
import pytest

from autograd import Value, explain


@pytest.mark.parametrize("bad", ["oops", [1.0], Value(1.0)])
@pytest.mark.parametrize("apply", [False, True])
def test_explain_names_a_leaf_whose_grad_is_not_a_number(bad, apply):
    a, b, c = Value(1.0, "a"), Value(2.0, "b"), Value(3.0, "c")
    y = a * b + c * a
    c.grad = bad
    with pytest.raises(TypeError, match="the .grad of leaf 'c' must be a float or None"):
        explain(y, apply=apply)
    assert (a.grad, b.grad, c.grad) == (0.0, 0.0, bad)


def test_explain_zero_grad_ignores_what_the_leaves_hold():
    a, c = Value(1.0, "a"), Value(3.0, "c")
    y = a * c
    c.grad = "oops"
    assert explain(y, zero_grad=True).grads[c] == 1.0


@pytest.mark.parametrize("label", [5, None, b"x", ["a"]])
def test_a_label_set_to_something_not_a_str_is_named(label):
    # `.label` is a plain attribute; draw and explain failed on it in Python's own words
    # ("argument of type 'int' is not iterable", "'int' object has no attribute 'isprintable'").
    from autograd import draw
    x = Value(2.0, label="x")
    y = x * x
    y.label = label
    for call, name in ((lambda: str(explain(y)), "explain"), (lambda: draw(y).source, "draw")):
        with pytest.raises(TypeError, match=rf"{name}\(\): a value's label must be a str, got {type(label).__name__}"):
            call()
