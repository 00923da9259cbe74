"""Exercise 4: the backward loop, the chain rule applied to a whole graph.

WHAT TO DO
Write `backward(root)`: fill `.grad` of every value that `root` depends on with
d root / d value. Each value has `.inputs` and `.local_grads` (exercise 2), and your
`topological_order` (exercise 3) gives the order. Rules, as in PyTorch:
  * leaves (values with no inputs: inputs, parameters) *accumulate*: calling backward twice
    leaves twice the gradient in them, until someone sets `.grad = 0` (zero_grad);
  * values computed from others start again from 0 on every call.

THE MATHS
The chain rule: if `v` was made from input `u` with local derivative dv/du, then
    d root / d u  +=  (dv/du) * (d root / d v)
summed over every value v that uses u; and d root / d root = 1. Walk the order backwards
(root first), so that each value's gradient is complete before it is passed on.

HINT
`+=`, not `=`: a value used twice (`a * a`, or `b` in `a * b + b`) gets a share from each
use. Reset the values that have inputs to 0 first, then set the root's gradient.

TRY IT with your Value of exercise 2, in a Python started in this folder:
    >>> from ex02_value import Value
    >>> from ex04_backward import backward
    >>> a = Value(3.0); b = a * a + a; backward(b); a.grad      # d(a*a + a)/da = 2a + 1
    7.0

HOW IT IS CHECKED
`python -m exercises check 4` runs your backward on random expressions with reused values,
a 5,000-deep chain, and twice in a row, and compares every gradient with chainrule's
`loss.backward()`. It needs exercise 3 to pass first.

ПО-РУССКИ
Обратный проход: градиент корня по себе равен 1; идём по топологическому порядку с конца
и каждому входу добавляем (+=, не =) локальную производную, умноженную на градиент
значения. Листья накапливают градиент между вызовами (как в PyTorch), промежуточные
значения в начале каждого вызова обнуляются.
"""
from ex03_topological_order import topological_order  # noqa: F401  (your exercise 3)


def backward(root):
    """Fill `.grad` of every value `root` depends on with d root / d value."""
    raise NotImplementedError
