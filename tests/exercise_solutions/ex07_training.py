"""Reference solution of exercise 7 (for the test suite; never handed out)."""
import random

from nn import mse_loss


def zero_grad(parameters):
    for p in parameters:
        p.grad = 0.0


def sgd_step(parameters, lr):
    for p in parameters:
        p.data -= lr * p.grad


def minibatches(n, batch_size, rng):
    order = list(range(n))
    rng.shuffle(order)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def train_epoch(model, X, y, lr, batch_size, rng):
    params = model.parameters()
    losses = []
    for batch in minibatches(len(X), batch_size, rng):
        zero_grad(params)
        loss = mse_loss([model(X[i]) for i in batch], [y[i] for i in batch])
        loss.backward()
        sgd_step(params, lr)
        losses.append(loss.data)
    return sum(losses) / len(losses)


def train(model, X, y, epochs, lr, batch_size, seed):
    rng = random.Random(seed)
    return [train_epoch(model, X, y, lr, batch_size, rng) for _ in range(epochs)]
