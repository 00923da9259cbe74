"""Typical wrong answers to the exercises, each a small edit of a reference solution, and
words the checker's report must contain for it (tests/test_exercises.py runs them)."""
from collections import namedtuple

Mistake = namedtuple("Mistake", "number name old new status words")

_RECURSIVE_SORT = '''
def topological_order(root):
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in node.inputs:
                visit(parent)
            order.append(node)

    visit(root)
    return order
'''

_NO_SEEN_SORT = '''
def topological_order(root):
    order, stack = [], [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        else:
            stack.append((node, True))
            for parent in reversed(node.inputs):
                stack.append((parent, False))
    return order
'''

HANGING_SORT = '''
def topological_order(root):
    order, stack = [], [root]
    while stack:
        node = stack[-1]  # looks at the top, never takes it off
        if node not in order:
            order.append(node)
    return order
'''

# old=None: `new` replaces the whole file.
MISTAKES = [
    Mistake(1, "mul derivatives swapped", "return b, a", "return a, b", "failed",
            ["mul(", "swapped"]),
    Mistake(1, "sigmoid' off by a sign", "return s * (1.0 - s)", "return -s * (1.0 - s)", "failed",
            ["sigmoid(", "off by a sign"]),
    Mistake(1, "relu'(0) taken as 1", "return 1.0 if x > 0 else 0.0",
            "return 1.0 if x >= 0 else 0.0", "failed", ["relu(0.0)", "x > 0"]),
    Mistake(1, "sigmoid overflows", "s = _sigmoid(x)", "s = 1.0 / (1.0 + math.exp(-x))", "failed",
            ["OverflowError", "ex01_derivatives.py, line", "exp(x) / (1 + exp(x))"]),
    Mistake(1, "power rule without n", "return n * x ** (n - 1)", "return x ** (n - 1)", "failed",
            ["power(", "power rule"]),
    Mistake(1, "tanh' with x instead of tanh(x)", "return 1.0 - t * t", "return 1.0 - x * x",
            "failed", ["tanh(", "with tanh(x) itself"]),
    Mistake(1, "a derivative that returns nothing", "return 1.0 / x", "print(1.0 / x)", "failed",
            ["case: log(", "expected: log(3.73)'s result (d/dx) to be a number", "None"]),
    Mistake(1, "add returning one number", "return 1.0, 1.0", "return 1.0", "failed",
            ["'s result (d/da, d/db) to be 2 numbers (a tuple or list)", "got: 1.0 (a float)"]),
    Mistake(2, "mul's local derivatives in the wrong order", "(other.data, self.data)",
            "(self.data, other.data)", "failed", ["a * b", "local_grads", "d/da is b"]),
    Mistake(2, "inputs kept without repeats", "(self, other), (1.0, 1.0)",
            "tuple(dict.fromkeys((self, other))), (1.0, 1.0)", "failed",
            ["a + a", "a recorded twice", "not a set"]),
    Mistake(2, "a number not wrapped", "        other = other if isinstance(other, Value) else "
            "Value(other)\n        return Value(self.data + other.data",
            "        return Value(self.data + other.data", "failed",
            ["AttributeError", "ex02_value.py, line", "Wrap numbers"]),
    Mistake(2, "reflected multiply missing", "    def __rmul__(self, other):\n        return self * other\n", "",
            "failed", ["case: 2.5 * a", "expected: 2.5 * a to give a Value", "TypeError",
                       "write `__rmul__`: Python calls it for `2.5 * a`"]),
    Mistake(2, "inputs in a set", "(self, other), (1.0, 1.0)", "{self, other}, (1.0, 1.0)",
            "failed", ["case: c = a + a", "got: a set passed to Value(...)", "not a set",
                       "changes from run to run"]),
    Mistake(2, "local derivatives stored as Values", "(other.data, self.data)", "(other, self)",
            "failed", ["local_grads to hold numbers (floats), not Values", ".data of a Value"]),
    Mistake(2, "an operation that changes self", "return Value(self.data + other.data, "
            "(self, other), (1.0, 1.0))", "self.data += other.data\n        return self", "failed",
            ["expected: a unchanged", "your `__add__` changed a and returned it", "new Value"]),
    Mistake(2, "a - b computed as a + b", "return self + (-other)", "return self + other", "failed",
            ["case: a - b", "that is a + b", "self + (-other)"]),
    Mistake(2, "-a cutting the graph", "return self * -1", "return Value(-self.data)", "failed",
            ["d(-a)/da = -1.0", "got: 0.0", "cuts the graph", "self * -1"]),
    Mistake(3, "recursive sort", None, _RECURSIVE_SORT, "failed",
            ["5,000", "RecursionError", "ex03_topological_order.py, line", "visit",
             "recursion limit"]),
    Mistake(3, "recursion limit raised", None,
            "import sys\n\nsys.setrecursionlimit(20000)\n" + _RECURSIVE_SORT, "failed",
            ["recursion limit left at", "your code set it to 20000", "your own stack"]),
    Mistake(3, "no set of visited values", None, _NO_SEEN_SORT, "failed",
            ["a * b + b", "listed twice", "already visited"]),
    Mistake(3, "chainrule's own sort imported", None,
            "from autograd import topological_order  # noqa: F401\n", "failed",
            ["expected: your own `topological_order`", "imports chainrule's own",
             "write your own"]),
    Mistake(3, "root first", "    return order\n", "    return order[::-1]\n", "failed",
            ["after its inputs"]),
    Mistake(3, "leaves left out", "            order.append(node)",
            "            if node.inputs:\n                order.append(node)", "failed",
            ["value(s) for", "leaves"]),
    Mistake(4, "assigns instead of adding up", "u.grad += local * v.grad", "u.grad = local * v.grad", "failed",
            ["a * a", "a.grad = 6.0", "got:", "3.0", "+="]),
    Mistake(4, "interior values not reset", "    for v in order:\n        if v.inputs:\n"
            "            v.grad = 0.0\n", "", "failed", ["called twice", "after two calls", "reset"]),
    Mistake(4, "off by a sign", "u.grad += local * v.grad", "u.grad -= local * v.grad", "failed",
            ["a.grad = -3.0", "off by a sign"]),
    Mistake(4, "walks the order forwards", "for v in reversed(order):", "for v in order:", "failed",
            ["a * b + b", "a.grad = -3.0", "walks the order forwards", "reversed(order)"]),
    Mistake(5, "Xavier bound from the variance", "a = math.sqrt(6.0 / (fan_in + fan_out))",
            "a = math.sqrt(2.0 / (fan_in + fan_out))", "failed", ['"xavier"', "variance", "a**2 / 3"]),
    Mistake(5, "Xavier bound from fan_in alone", "a = math.sqrt(6.0 / (fan_in + fan_out))",
            "a = math.sqrt(3.0 / fan_in)", "failed", ['"xavier"', "a = sqrt(6 / (fan_in + fan_out))"]),
    Mistake(5, "He std taken as the variance", "std = math.sqrt(2.0 / fan_in)", "std = 2.0 / fan_in",
            "failed", ['"he"', "standard deviation"]),
    Mistake(5, "weights from the global random module", "lambda: rng.uniform(-1.0, 1.0)",
            'lambda: __import__("random").uniform(-1.0, 1.0)', "failed",
            ["same weights from the same rng seed"]),
    Mistake(5, "tanh on the last layer too", '"linear" if i == len(nouts) - 1 else "tanh"', '"tanh"',
            "failed", ["MLP(", "last layer must stay linear"]),
    Mistake(5, "forward on plain floats", "act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)",
            "act = Value(sum(wi.data * float(xi) for wi, xi in zip(self.w, x)) + self.b.data)",
            "failed", ["gradients", ".data cuts the graph"]),
    Mistake(6, "mse: the sum, not the mean", "return total / len(outputs)", "return total", "failed",
            ["mse(", "that is the sum"]),
    Mistake(6, "cross-entropy without the shift", "m = max(z.data for z in logits)", "m = 0.0",
            "failed", ["1000.0", "OverflowError", "ex06_losses.py, line", "log-sum-exp"]),
    Mistake(6, "cross-entropy off by a sign", "return total.log() + m - logits[target]",
            "return logits[target] - total.log() - m", "failed", ["cross_entropy(", "off by a sign"]),
    Mistake(6, "loss rebuilt from floats", "return total.log() + m - logits[target]",
            "return type(logits[0])((total.log() + m - logits[target]).data)", "failed",
            ["gradients", "no .data"]),
    Mistake(6, "cross-entropy of the first logit", "return total.log() + m - logits[target]",
            "return total.log() + m - logits[0]", "failed",
            ["cross_entropy([0.0, 0.0], 1)", "for target 0, not 1", "logits[target]"]),
    Mistake(7, "a step up the gradient", "p.data -= lr * p.grad", "p.data += lr * p.grad", "failed",
            ["sgd_step", "UP the gradient"]),
    Mistake(7, "gradients never zeroed", "        zero_grad(params)\n", "", "failed",
            ["train_epoch", "not zeroed"]),
    Mistake(7, "batches not shuffled", "    rng.shuffle(order)\n", "", "failed",
            ["shuffled", "rng.shuffle"]),
    Mistake(7, "the short last batch dropped", "range(0, n, batch_size)",
            "range(0, n - batch_size + 1, batch_size)", "failed", ["minibatches(10, 3", "sizes"]),
    Mistake(7, "a new rng every epoch", "train_epoch(model, X, y, lr, batch_size, rng) for _ in",
            "train_epoch(model, X, y, lr, batch_size, random.Random(seed)) for _ in", "failed",
            ["train(", "one random.Random(seed)", "same order"]),
    Mistake(8, "error sign flipped", "delta_out = (t - out) * out * (1.0 - out)",
            "delta_out = (out - t) * out * (1.0 - out)", "failed", ["hand_gradients", "off by a sign"]),
    Mistake(8, "only the last sample", 'g["b2"] -= delta_out', 'g["b2"] = -delta_out', "failed",
            ["dL/db2", "last sample"]),
    Mistake(8, "sigmoid' of the output's sigmoid", "delta_out = (t - out) * out * (1.0 - out)",
            "delta_out = (t - out) * sigmoid(out) * (1.0 - sigmoid(out))", "failed",
            ["dL/dw1[0][0]", "loss.backward()"]),
    Mistake(8, "accuracy as a count", "return right / len(X)", "return right", "failed",
            ["accuracy", "a fraction"]),
]
