"""Reference solution of exercise 1 (for the test suite; never handed out)."""
import math


def add(a, b):
    return 1.0, 1.0


def mul(a, b):
    return b, a


def power(x, n):
    return n * x ** (n - 1)


def exp(x):
    return math.exp(x)


def log(x):
    return 1.0 / x


def tanh(x):
    t = math.tanh(x)
    return 1.0 - t * t


def _sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def sigmoid(x):
    s = _sigmoid(x)
    return s * (1.0 - s)


def relu(x):
    return 1.0 if x > 0 else 0.0
