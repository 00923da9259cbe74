"""Graphs for the checks of exercises 2-4: random expressions built twice, once with
chainrule's `Value` and once with `Node`s shaped like the learner's Value."""
import math

from autograd import Value


class Node:
    """A value as exercises 2-4 define it: data, grad, inputs, local_grads (d self / d input)."""

    __slots__ = ("data", "grad", "inputs", "local_grads", "name")

    def __init__(self, data, inputs=(), local_grads=(), name=""):
        self.data, self.grad = float(data), 0.0
        self.inputs, self.local_grads, self.name = tuple(inputs), tuple(local_grads), name

    def __repr__(self):  # what a failed check calls this value
        return self.name or f"the value {self.data!r}"


class Twin:
    """The same expression as a chainrule `Value` (`.v`) and as a `Node` (`.n`)."""

    def __init__(self, v, n):
        self.v, self.n = v, n

    @classmethod
    def leaf(cls, x, name):
        return cls(Value(x, label=name), Node(x, name=name))

    def __add__(self, other):
        return Twin(self.v + other.v, Node(self.n.data + other.n.data, (self.n, other.n), (1.0, 1.0)))

    def __mul__(self, other):
        a, b = self.n, other.n
        return Twin(self.v * other.v, Node(a.data * b.data, (a, b), (b.data, a.data)))

    def tanh(self):
        t = math.tanh(self.n.data)
        return Twin(self.v.tanh(), Node(t, (self.n,), (1.0 - t * t,)))


def random_expression(rng, n_leaves=4, n_ops=12):
    """(leaves, root, every value made) of a random expression where values are reused."""
    leaves = [Twin.leaf(round(rng.uniform(-2, 2), 2), "abcdefgh"[i]) for i in range(n_leaves)]
    made = list(leaves)
    for _ in range(n_ops):
        kind = rng.random()
        a, b = rng.choice(made), rng.choice(made)
        made.append(a + b if kind < 0.4 else a * b if kind < 0.8 else a.tanh())
    root = made[-1]
    for t in made[:-1]:  # every value made feeds the root: no dead ends
        root = root + t * Twin.leaf(0.5, "")
    return leaves, root, made


def chain(depth, x=0.5):
    """x, then x * c + 0.001 repeated `depth` times: a graph `2 * depth` values deep."""
    leaf = Twin.leaf(x, "x")
    c, d = Twin.leaf(0.999, "c"), Twin.leaf(0.001, "d")
    out = leaf
    for _ in range(depth):
        out = out * c + d
    return leaf, out


def diamonds(k):
    """x, then y = y + y repeated k times: k + 1 values, but 2**k paths from the top to x."""
    leaf = Twin.leaf(1.0, "x")
    out = leaf
    for _ in range(k):
        out = out + out
    return leaf, out


def reachable(root, inputs_of):
    """Every value `root` depends on (itself included), found without recursion."""
    seen, stack = {id(root): root}, [root]
    while stack:
        for p in inputs_of(stack.pop()):
            if id(p) not in seen:
                seen[id(p)] = p
                stack.append(p)
    return seen


def forward_walk(root, inputs_of, local_of):
    """{id(value): grad} that a backward loop walking the order *forwards* leaves behind."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack += [(p, False) for p in reversed(inputs_of(node))]
    grads = {id(node): 0.0 for node in order}
    grads[id(root)] = 1.0
    for node in order:
        for p, d in zip(inputs_of(node), local_of(node)):
            grads[id(p)] += d * grads[id(node)]
    return grads


def gradients(root, inputs_of, local_of):
    """{id(value): d root / d value} over any graph, by the chain rule (a reference)."""
    nodes = reachable(root, inputs_of)
    waiting = {i: 0 for i in nodes}  # how many consumers have not passed their gradient yet
    for node in nodes.values():
        for p in inputs_of(node):
            waiting[id(p)] += 1
    grads = {i: 0.0 for i in nodes}
    grads[id(root)] = 1.0
    ready = [root]
    while ready:
        node = ready.pop()
        for p, d in zip(inputs_of(node), local_of(node)):
            grads[id(p)] += d * grads[id(node)]
            waiting[id(p)] -= 1
            if waiting[id(p)] == 0:
                ready.append(p)
    return grads
