"""PyTorch habits at the REPL: grad = None, backward of a no_grad result, comparisons, item()."""
import random

import pytest

from autograd import Value, grad, no_grad


# ----- .grad = None means "no gradient yet" ------------------------------------------------
def test_backward_treats_a_grad_of_none_as_zero():
    a, b = Value(2.0), Value(-3.0)
    loss = a * b + b * b
    a.grad = None
    b.zero_grad(set_to_none=True)
    assert b.grad is None
    loss.backward()
    assert (a.grad, b.grad) == (-3.0, -4.0)
    loss.backward()  # and accumulates from there
    assert (a.grad, b.grad) == (-6.0, -8.0)


def test_none_grad_on_a_leaf_root_and_on_an_interior_value():
    x = Value(1.5)
    x.grad = None
    x.backward()
    assert x.grad == 1.0
    y = x * 2
    z = y * y
    y.grad = None  # interior values are reset by backward anyway
    z.backward()
    assert (y.grad, x.grad) == (6.0, 1.0 + 12.0)


def test_zero_grad_default_still_sets_zero():
    x = Value(1.0)
    (x * 3).backward()
    x.zero_grad()
    assert x.grad == 0.0


# ----- backward of a value computed under no_grad ---------------------------------------------
def test_backward_of_a_no_grad_result_raises_and_changes_nothing():
    x = Value(2.0)
    with no_grad():
        y = x * x
    with pytest.raises(RuntimeError, match=r"no_grad\(\)"):
        y.backward()
    with pytest.raises(RuntimeError, match=r"no_grad\(\)"):
        grad(y, [x])
    assert (x.grad, y.grad, y.is_leaf, y.op) == (0.0, 0.0, True, "")


def test_plain_and_detached_leaves_still_backpropagate():
    x = Value(3.0)
    x.backward()
    d = (x * 2).detach()
    d.backward()
    assert (x.grad, d.grad) == (1.0, 1.0)
    with no_grad():
        z = Value(4.0)  # made under no_grad, but not computed: a leaf like any other
    z.backward()
    assert z.grad == 1.0


# ----- comparisons and item() -----------------------------------------------------------------
def test_ordering_compares_data_with_numbers_and_values():
    a, b = Value(-2.0), Value(3.0)
    assert a < 0 and 0 > a and a <= -2 and b >= 3 and b > a and a < b and not a > b
    assert (a < b) is True and (a > 0.5) is False
    with pytest.raises(TypeError):
        a < "1"


def test_max_and_sorted_return_the_values_and_gradients_flow_through_the_chosen_one():
    rng = random.Random(0)
    xs = [Value(rng.uniform(-5, 5)) for _ in range(10)]
    top = max(xs)
    assert top is xs[max(range(10), key=lambda i: xs[i].data)]
    assert [v.data for v in sorted(xs)] == sorted(v.data for v in xs)
    (top * 3).backward()
    assert [v.grad for v in xs] == [3.0 if v is top else 0.0 for v in xs]
    low = min(xs, key=lambda v: v)
    assert low is sorted(xs)[0]


def test_eq_against_a_number_raises_with_a_hint_instead_of_answering_by_identity():
    v = Value(-2.0)
    for number in (-2.0, -2, 3):
        with pytest.raises(TypeError, match=r"v\.data =="):
            v == number
        with pytest.raises(TypeError, match=r"Value != .* v\.data !="):  # names the operator used
            number != v
    assert v.data == -2.0 and v.item() == -2.0 and type(v.item()) is float
    assert (v == None) is False and (v != "x") is True  # noqa: E711


def test_values_stay_hashable_by_identity_in_containers():
    a, b = Value(0.0), Value(0.0)
    assert a == a and a != b
    params = [a, b]
    assert params.index(b) == 1 and b in params and Value(0.0) not in params
    assert len({a, b}) == 2 and {a: 1, b: 2}[b] == 2


# ----- messages --------------------------------------------------------------------------------
def test_negative_numbers_are_parenthesized_in_messages():
    with pytest.raises(ValueError, match=r"\(-8\.0\) \*\* 0\.5 is not real"):
        Value(-8.0) ** 0.5
    with pytest.raises(ZeroDivisionError, match=r"0\.0 \*\* \(-1\.0\)"):
        Value(0.0) ** -1


# ----- gradcheck refuses tolerances that would pass anything -------------------------------
def test_gradcheck_validates_its_tolerances_by_name():
    from autograd import gradcheck
    for kwargs, error in [({"atol": float("inf")}, ValueError), ({"rtol": float("nan")}, ValueError),
                          ({"eps": 0}, ValueError), ({"eps": -1e-6}, ValueError), ({"atol": "1"}, TypeError)]:
        name = next(iter(kwargs))
        with pytest.raises(error, match=f"gradcheck: {name}"):
            gradcheck(lambda x: x * x, [1.0], **kwargs)
    with pytest.raises(TypeError, match="gradcheck: f"):
        gradcheck(None, [1.0])


def test_no_grad_given_no_function_says_how_to_write_it():
    from autograd import enable_grad, no_grad
    for mode in (no_grad, enable_grad):  # `@no_grad` (no parentheses) works, as in PyTorch 2
        with pytest.raises(TypeError, match=r"@%s\(\)" % mode.__name__):
            mode(False)


def test_a_format_spec_formats_the_data_as_a_torch_scalar_does():
    loss = Value(0.123456)
    assert f"loss {loss:.4f}, {loss:>8.2e}" == f"loss {0.123456:.4f}, {0.123456:>8.2e}"
    assert f"{loss}" == repr(loss) and format(loss) == repr(loss)
    with pytest.raises(ValueError):
        f"{loss:d}"  # as for a float
    torch = pytest.importorskip("torch")
    assert f"{loss:.4f}" == f"{torch.tensor(0.123456, dtype=torch.float64):.4f}"


# ----- PyTorch keywords: refused with what to do here -----------------------------------------
@pytest.mark.parametrize("call, words", [
    (lambda: Value(2.0, requires_grad=True), "'requires_grad': every Value records its graph"),
    (lambda: Value(2.0, dtype=float), "'dtype': every Value holds a Python float"),
    (lambda: Value(2.0, lable="x"), "'lable'$"),
    (lambda x: (x * 2).backward(gradient=1.0), r"'gradient': the seed is called grad here: backward\(grad=...\)"),
    (lambda x: (x * 2).backward(retain_graph=True), "'retain_graph': the graph is kept anyway"),
])
def test_pytorch_keywords_are_refused_with_a_hint(call, words):
    x = Value(1.5)
    with pytest.raises(TypeError, match=words):
        call(x) if call.__code__.co_argcount else call()
    assert x.grad == 0.0  # nothing ran
    (x * 2).backward(grad=3.0)
    assert x.grad == 6.0
