"""Checks of exercise 7: step, batches and epoch against chainrule doing the same; XOR learnt."""
import random

from autograd import Value

import nn

from ._tools import Fail, case, expect_all_close, expect_close, grad_of, show

TIMEOUT_HINT = ("does training end? Each loop has a fixed length: `epochs` epochs, each over the "
                "batches of minibatches, which covers the indices 0..n-1 once.")


def _params(rng, n=4):
    ps = [Value(round(rng.uniform(-2, 2), 2)) for _ in range(n)]
    for p in ps:
        p.grad = round(rng.uniform(-1, 1), 2)
    return ps


def _check_zero_and_step(learner, rng):
    ps = _params(rng)
    data = [p.data for p in ps]
    case(f"zero_grad on parameters with data {show(data)} and grads {show([p.grad for p in ps])}")
    learner.zero_grad(ps)
    expect_all_close([p.grad for p in ps], [0.0] * len(ps), "every .grad after zero_grad")
    expect_all_close([p.data for p in ps], data, "every .data after zero_grad (unchanged)")
    ps = _params(rng)
    data, grads, lr = [p.data for p in ps], [p.grad for p in ps], 0.1
    case(f"sgd_step with lr = {lr} on parameters with data {show(data)} and grads {show(grads)}")
    learner.sgd_step(ps, lr)
    expected = [d - lr * g for d, g in zip(data, grads)]
    got = [p.data for p in ps]
    hint = ""
    if all(abs(x - (d + lr * g)) < 1e-12 for x, d, g in zip(got, data, grads)):
        hint = "that is a step UP the gradient: subtract lr * grad to go downhill."
    elif all(abs(x - (d - g)) < 1e-12 for x, d, g in zip(got, data, grads)):
        hint = "the step ignores lr: multiply the gradient by the learning rate."
    elif got == data:
        hint = ("no parameter moved: change each parameter itself, p.data -= lr * p.grad "
                "(`p = p - lr * p.grad` makes a new Value and rebinds the name p alone).")
    expect_all_close(got, expected, "every .data after the step, data - lr * grad", hint)


def _check_batches(learner):
    for n, size in ((10, 3), (4, 4), (7, 2)):
        case(f"minibatches({n}, {size}, random.Random(0))")
        batches = learner.minibatches(n, size, random.Random(0))
        sizes = [size] * (n // size) + ([n % size] if n % size else [])
        got = [len(b) if isinstance(b, (list, tuple)) else None for b in batches] \
            if isinstance(batches, list) else None
        if got != sizes:
            shown = show(batches) if got is None or None in got else f"sizes {got}: {show(batches)}"
            raise Fail(f"batches of sizes {sizes}", shown, _batches_hint(batches, got, n, size))
        flat = [i for b in batches for i in b]
        if sorted(flat) != list(range(n)):
            raise Fail(f"each of the indices 0..{n - 1} exactly once", show(batches))
    case("minibatches(20, 5, rng) twice with one rng: two epochs, two different orders")
    rng = random.Random(1)
    first, second = learner.minibatches(20, 5, rng), learner.minibatches(20, 5, rng)
    flat = [i for b in first for i in b]
    if flat == list(range(20)) or first == second:
        raise Fail("shuffled indices, a new order each epoch", f"{show(first)} then {show(second)}",
                   "shuffle the indices with rng.shuffle(indices) before cutting them")


def _batches_hint(batches, sizes, n, size):
    """Name an off-by-one in the cutting: slices one short, overlapping, or indices left out."""
    hint = "cut the shuffled indices every batch_size; keep the shorter last one"
    if sizes is None or None in sizes:
        return hint
    flat = [i for b in batches for i in b]
    if not all(isinstance(i, int) for i in flat):  # not indices (rows of X?): nothing to count
        return hint
    if sizes and all(k == size - 1 for k in sizes[:-1]):
        return ("each batch holds batch_size - 1 indices: a slice order[i:j] stops before j, "
                "so order[i:i + batch_size] holds batch_size of them")
    seen, twice = set(), None
    for i in flat:
        if i in seen:
            twice = i
            break
        seen.add(i)
    cut = "start a batch every batch_size indices, range(0, n, batch_size), and cut order[i:i + batch_size]"
    if twice is not None:
        return f"index {twice} is in two batches: the batches overlap. {cut[0].upper()}{cut[1:]}"
    missing = sorted(set(range(n)) - seen)
    if missing and sizes == [size] * (n // size):
        return (f"the short last batch (indices {missing}) was left out: range(0, n, batch_size) "
                "starts it too, and order[i:i + batch_size] cuts it short")
    if missing:
        return f"the indices {missing} are in no batch: {cut}"
    return hint


def _reference_epoch(learner, model, X, y, lr, size, seed, zero=True, mean=True):
    params = model.parameters()
    losses = []
    for batch in learner.minibatches(len(X), size, random.Random(seed)):
        if zero:
            for p in params:
                p.grad = 0.0
        loss = nn.mse_loss([model(X[i]) for i in batch], [y[i] for i in batch])
        if not mean:  # a learner's sum of squares
            loss = loss * len(batch)
        loss.backward()
        for p in params:
            p.data -= lr * grad_of(p)
        losses.append(loss.data)
    return sum(losses) / len(losses)


def _points(rng, n):
    """n random 2-d points in [-1, 1] and their random targets."""
    X = [[round(rng.uniform(-1, 1), 2), round(rng.uniform(-1, 1), 2)] for _ in range(n)]
    return X, [round(rng.uniform(-1, 1), 2) for _ in range(n)]


def _same(model, other):
    return all(abs(a.data - b.data) < 1e-9 for a, b in zip(model.parameters(), other.parameters()))


def _check_epoch(learner, rng):
    X, y = _points(rng, 10)
    case("train_epoch(nn.MLP(2, [3, 1]), 10 random points, lr=0.1, batch_size=4, random.Random(2)) "
         "vs the same epoch done by chainrule")
    mine = nn.MLP(2, [3, 1], activation="tanh", seed=1)
    ref = nn.MLP(2, [3, 1], activation="tanh", seed=1)
    loss = learner.train_epoch(mine, X, y, 0.1, 4, random.Random(2))
    expected = _reference_epoch(learner, ref, X, y, 0.1, 4, 2)
    got = [p.data for p in mine.parameters()]
    hint = ""
    if not _same(mine, ref):
        other = nn.MLP(2, [3, 1], activation="tanh", seed=1)
        _reference_epoch(learner, other, X, y, 0.1, 4, 2, zero=False)
        summed = nn.MLP(2, [3, 1], activation="tanh", seed=1)
        _reference_epoch(learner, summed, X, y, 0.1, 4, 2, mean=False)
        if _same(mine, other):
            hint = ("these are the parameters you get when the gradients are not zeroed before "
                    "each batch: call zero_grad before each backward()")
        elif _same(mine, nn.MLP(2, [3, 1], activation="tanh", seed=1)):
            hint = ("no parameter moved during the epoch: is each gradient zeroed after backward() "
                    "and before the step? Zero, forward, loss, backward, then step.")
        elif _same(mine, summed):
            hint = ("these are the parameters you get from the sum of the batch's squared "
                    "errors: the loss is their mean (mse_loss); the sum steps batch_size times too far")
        else:
            hint = ("for each batch of minibatches(len(X), batch_size, rng): zero_grad, forward, "
                    "mse loss over the batch, backward, sgd_step")
    expect_all_close(got, [p.data for p in ref.parameters()],
                     "the parameters after the epoch", hint, rel=1e-9, abs_tol=1e-12)
    expect_close(loss, expected, "the returned loss (the mean of the 3 batches' losses)", rel=1e-9)


def _train(learner, model, X, y, epochs, lr, batch_size, seed):
    """The learner's `train`, its result checked to be a list of `epochs` losses."""
    losses = learner.train(model, X, y, epochs, lr, batch_size, seed)
    if not isinstance(losses, list) or len(losses) != epochs:
        raise Fail(f"a list of {epochs} epoch losses", show(losses)[:80])
    return losses


def _check_train(learner, rng):
    X, y = _points(rng, 6)
    case("train(nn.MLP(2, [3, 1]), 6 random points, epochs=3, lr=0.1, batch_size=2, seed=4) vs "
         "3 calls of your train_epoch with one random.Random(4)")
    mine = nn.MLP(2, [3, 1], activation="tanh", seed=1)
    losses = _train(learner, mine, X, y, 3, 0.1, 2, 4)

    def epochs(new_rng_each_epoch):
        model, rng = nn.MLP(2, [3, 1], activation="tanh", seed=1), random.Random(4)
        return model, [learner.train_epoch(model, X, y, 0.1, 2, random.Random(4) if new_rng_each_epoch else rng)
                       for _ in range(3)]
    ref, expected = epochs(False)
    hint = ""
    if not _same(mine, ref):
        if _same(mine, epochs(True)[0]):
            hint = ("make one random.Random(seed) before the loop and pass it to every epoch: a new "
                    "one each epoch shuffles every epoch in the same order")
        else:
            hint = "call train_epoch(model, X, y, lr, batch_size, rng) `epochs` times, rng = random.Random(seed)"
    expect_all_close([p.data for p in mine.parameters()], [p.data for p in ref.parameters()],
                     "the parameters after 3 epochs", hint, rel=1e-9, abs_tol=1e-12)
    expect_all_close(losses, expected, "the 3 epoch losses", rel=1e-9, abs_tol=1e-12)


def _check_xor(learner):
    X, y = nn.make_xor()
    case("train(nn.MLP(2, [4, 1], activation='tanh', seed=0), XOR, epochs=200, lr=0.2, "
         "batch_size=2, seed=0), then the four XOR points")
    model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
    losses = _train(learner, model, X, y, 200, 0.2, 2, 0)
    outputs = [model(x).data for x in X]
    right = sum((o > 0.5) == bool(t) for o, t in zip(outputs, y))
    if right != 4:
        raise Fail("all 4 XOR points right (output > 0.5 for class 1)",
                   f"{right} of 4; outputs {show([round(o, 3) for o in outputs])}, "
                   f"last loss {losses[-1]:.4g}")
    if not losses[-1] < 0.01 < losses[0]:
        raise Fail("the loss to fall below 0.01", f"from {losses[0]:.4g} to {losses[-1]:.4g}")


def run(learner):
    rng = random.Random(8)
    _check_zero_and_step(learner, rng)
    _check_batches(learner)
    _check_epoch(learner, rng)
    _check_train(learner, rng)
    _check_xor(learner)
