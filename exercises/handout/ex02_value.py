"""Exercise 2: a Value with + and * that records the inputs it was made from.

WHAT TO DO
An autograd engine computes as usual, and on the side writes down *how* each number was
made: which inputs went in, in argument order, and the local derivative of the result with
respect to each of them (exercise 1). That record is the computation graph; `backward()`
(exercise 4) walks it. Write `__add__` and `__mul__`, so that `c = a * b` gives a new Value
with `c.data == a.data * b.data`, `c.inputs == (a, b)` and `c.local_grads == (b.data,
a.data)`. Then the forms with a plain number (`a + 2`, `2 * a`) and two derived ones.

THE MATHS
    c = a + b:  c.local_grads = (dc/da, dc/db) = (1, 1)
    c = a * b:  c.local_grads = (b, a)          (the data of the *other* input)
    -a = a * (-1)   and   a - b = a + (-b)      (built from + and *: no derivatives to write)

HINT
Wrap a plain number into a Value first (`Value(2.0)`, a leaf with no inputs), then one
rule covers both cases. Never change `self` or `other`: an operation makes a *new* Value.
`a + a` must record `a` twice (inputs `(a, a)`), so keep the inputs in a tuple, not a set:
`backward` will then give `a` a gradient of 2.

HOW IT IS CHECKED
`python -m exercises check 2` builds random expressions (with reused values and numbers
on either side) with your Value and with chainrule's, and compares every result and the
gradients the recorded graph gives.

ПО-РУССКИ
Value вычисляет результат и запоминает, из чего он получен: входы (в порядке аргументов,
кортеж, а не множество: у a + a вход a записан дважды) и локальные производные по ним.
Допишите __add__ и __mul__ (и варианты с числом слева: 2 * a), затем -a и a - b через них.
"""


class Value:
    """A number that remembers how it was made."""

    def __init__(self, data, inputs=(), local_grads=()):
        self.data = float(data)
        self.grad = 0.0
        self.inputs = tuple(inputs)            # the Values this one was made from, in order
        self.local_grads = tuple(local_grads)  # d self / d input, one float per input

    def __repr__(self):
        return f"Value(data={self.data!r}, grad={self.grad!r})"

    def __add__(self, other):
        """self + other (other: a Value or a number) -> a new Value."""
        raise NotImplementedError

    def __mul__(self, other):
        """self * other (other: a Value or a number) -> a new Value."""
        raise NotImplementedError

    def __radd__(self, other):
        """other + self, where other is a number: Python calls this for `2 + a`."""
        raise NotImplementedError

    def __rmul__(self, other):
        """other * self, where other is a number: Python calls this for `2 * a`."""
        raise NotImplementedError

    def __neg__(self):
        """-self, built from *."""
        raise NotImplementedError

    def __sub__(self, other):
        """self - other, built from + and -."""
        raise NotImplementedError
