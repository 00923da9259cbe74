"""Exercise 7: an SGD step, mini-batches, and a training loop that learns XOR.

WHAT TO DO
Training repeats: zero the gradients, forward, loss, backward, step. Write the pieces:
1. `zero_grad(parameters)`: every parameter's `.grad` back to 0 (gradients accumulate).
2. `sgd_step(parameters, lr)`: move every parameter a step of size `lr` against its gradient.
3. `minibatches(n, batch_size, rng)`: the indices 0 .. n-1, shuffled with `rng.shuffle`, cut
   into lists of `batch_size` (the last one may be shorter).
4. `train_epoch(model, X, y, lr, batch_size, rng)`: one pass over the data, one SGD step
   per mini-batch of `minibatches(len(X), batch_size, rng)`; the loss of a batch is the MSE
   of `model(X[i])` against `y[i]` over its indices (`nn.mse_loss`, or your `mse` of
   exercise 6). Returns the mean of the batches' losses (a float).
5. `train(model, X, y, epochs, lr, batch_size, seed)`: `epochs` calls of train_epoch with one
   `random.Random(seed)`; returns the list of their losses.
`model` is a chainrule `nn.MLP`: `model(x)` gives one Value, `model.parameters()` a list.

THE MATHS
Gradient descent:  w  <-  w - lr * dL/dw   (the gradient points uphill: step against it).
A mini-batch's mean loss has, on average, the gradient of the whole set's mean loss: a
cheaper, slightly noisy estimate, and the noise helps leave flat regions.

HINT
Zero the gradients before each batch's `backward()`, not once per epoch: otherwise each
step also repeats the previous batches' gradients. Change `p.data`, never replace `p`.

HOW IT IS CHECKED
`python -m exercises check 7` compares your step and your epoch with the same computation
done by chainrule, and 3 epochs of your `train` with your epochs on one rng, then trains a 2-4-1 tanh network on XOR with your `train` (200 epochs,
lr 0.2, batches of 2) and asks for all four points right.

ПО-РУССКИ
Шаг SGD (против градиента), обнуление градиентов перед каждым мини-батчем, перемешанные
мини-батчи и цикл обучения, который выучивает XOR.
"""
import random  # noqa: F401  (train makes a random.Random)

from nn import mse_loss  # noqa: F401  (or your own mse from exercise 6)


def zero_grad(parameters):
    """Set `.grad` of every parameter to 0."""
    raise NotImplementedError


def sgd_step(parameters, lr):
    """w <- w - lr * w.grad for every parameter w (change .data in place)."""
    raise NotImplementedError


def minibatches(n, batch_size, rng):
    """The indices 0..n-1 shuffled by `rng`, cut into lists of `batch_size`."""
    raise NotImplementedError


def train_epoch(model, X, y, lr, batch_size, rng):
    """One SGD step per mini-batch of (X, y); the mean of the batches' losses."""
    raise NotImplementedError


def train(model, X, y, epochs, lr, batch_size, seed):
    """`epochs` epochs with random.Random(seed); the list of epoch losses."""
    raise NotImplementedError
