"""`compile`'s flags are bools: check="no" ran every call twice to compare (it is truthy), and
backward=1.0 or 0 passed as True or False."""
import pytest

import autograd
from autograd import Value


@pytest.mark.parametrize("option, value", [("check", "no"), ("check", 1), ("check", None), ("backward", 1.0),
                                           ("backward", 0), ("backward", "yes")])
def test_compile_flags_must_be_bools(option, value):
    w = Value(0.5)
    with pytest.raises(TypeError, match=f"compile: {option} must be True or False"):
        autograd.compile(lambda xb, yb: sum(w * x[0] for x in xb), [w], **{option: value})


def test_bool_flags_still_work():
    w = Value(0.5)
    step = autograd.compile(lambda xb, yb: sum(w * x[0] for x in xb), [w], check=True, backward=True)
    assert step([[2.0]], [0.0]) == 1.0 and w.grad == 2.0
