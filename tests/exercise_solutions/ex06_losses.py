"""Reference solution of exercise 6 (for the test suite; never handed out)."""


def mse(outputs, targets):
    total = sum(((o - t) ** 2 for o, t in zip(outputs, targets)), 0.0)
    return total / len(outputs)


def cross_entropy(logits, target):
    m = max(z.data for z in logits)
    total = sum(((z - m).exp() for z in logits), 0.0)
    return total.log() + m - logits[target]
