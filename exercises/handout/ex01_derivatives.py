"""Exercise 1: the local derivatives of the primitive operations.

WHAT TO DO
Every operation of an autograd engine knows, besides its result, its *local derivative*:
how much the output moves when one input moves a little. `backward()` does nothing but
multiply these along the paths of the graph. Fill in the table below: each function gets
the input(s) of one operation and returns the derivative(s) of its output.

THE MATHS
    a + b      d/da = 1,  d/db = 1
    a * b      d/da = ?,  d/db = ?          (treat the other input as a constant)
    x ** n     d/dx = ?                      (n is a constant number)
    exp(x)     d/dx = ?        log(x)   d/dx = ?   (x > 0)
    tanh(x)    d/dx = ?        (write it with tanh(x) itself)
    sigmoid(x) = 1 / (1 + exp(-x))           d/dx = ?   (write it with sigmoid(x) itself)
    relu(x) = max(x, 0)                      d/dx = ?   (at x = 0, take 0, as PyTorch does)

HINT
Work out each one on paper from the definition f'(x) = lim (f(x + h) - f(x)) / h, or the
rules you know (power rule, chain rule), then write it in Python with the `math` module.
sigmoid must not overflow for any x: `math.exp(800)` raises OverflowError, so compute
sigmoid(x) in a way that only ever calls exp of a negative number.

HOW IT IS CHECKED
`python -m exercises check 1` compares your numbers at random points with central
differences, (f(x + h) - f(x - h)) / 2h, and with chainrule's own `backward()`.

ПО-РУССКИ
Локальная производная операции: насколько меняется её результат при малом изменении
одного входа. Заполните таблицу: каждая функция получает входы операции и возвращает
производную(ые) результата по ним. sigmoid не должен переполняться ни при каком x;
relu'(0) считаем равной 0, как в PyTorch.
"""
import math  # noqa: F401  (you will need it)


def add(a, b):
    """a + b  ->  (d/da, d/db), a tuple of two floats."""
    raise NotImplementedError


def mul(a, b):
    """a * b  ->  (d/da, d/db), a tuple of two floats."""
    raise NotImplementedError


def power(x, n):
    """x ** n for a constant number n  ->  d/dx, a float."""
    raise NotImplementedError


def exp(x):
    """e ** x  ->  d/dx."""
    raise NotImplementedError


def log(x):
    """the natural logarithm of x > 0  ->  d/dx."""
    raise NotImplementedError


def tanh(x):
    """tanh(x)  ->  d/dx."""
    raise NotImplementedError


def sigmoid(x):
    """1 / (1 + e ** -x)  ->  d/dx, for any x without overflow."""
    raise NotImplementedError


def relu(x):
    """max(x, 0)  ->  d/dx (0 at x = 0)."""
    raise NotImplementedError
