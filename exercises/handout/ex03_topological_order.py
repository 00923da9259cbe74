"""Exercise 3: topological order, without recursion.

WHAT TO DO
`backward()` must handle a value only after every value that was computed from it, so it
needs the graph's values in *topological order*: each value after all of its inputs, the
root (the final result) last, each value exactly once. Write `topological_order(root)`.
A value here is anything with `.inputs`, a tuple of the values it was made from (your
Value of exercise 2, or the checker's own): leaves have `inputs == ()`.

THE MATHS
A depth-first search: a value is placed once all of its inputs are placed. The graph is a
DAG (no cycles), values can be shared (`a * b + b` uses b twice), and it can be deep: a
network trained on long sequences builds chains of thousands of values.

HINT
The recursive version (micrograd's `build_topo`) is short, but Python stops a recursion
near depth 1,000 (RecursionError); the check uses a chain 5,000 values deep. Keep your own
stack of (value, done?) pairs: when a value comes off the stack the first time, push it back
marked "done", then push its unvisited inputs; when it comes off marked "done", all its
inputs are placed, so append it. A set of the values already seen keeps each one once
(values can go in a set: they hash by identity).

HOW IT IS CHECKED
`python -m exercises check 3` gives your function random expressions with shared values,
a 5,000-deep chain and 40 stacked diamonds (y = y + y, 40 times: 2**40 paths, 41 values),
and compares with chainrule's `autograd.topological_order`.

ПО-РУССКИ
Топологический порядок: каждое значение после всех своих входов, корень последним, каждое
ровно один раз. Без рекурсии: Python останавливает её около глубины 1000, а проверка
строит цепочку глубиной 5000. Используйте свой стек и множество уже посещённых значений.
"""


def topological_order(root):
    """Every value `root` depends on, each after all of its inputs; `root` last; no repeats."""
    raise NotImplementedError
