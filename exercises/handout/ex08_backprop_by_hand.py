"""Exercise 8: backpropagation by hand for the 2-2-1 sigmoid XOR network; validation accuracy.

WHAT TO DO
Before autograd, every network's gradients were derived on paper and typed in. Do it once
for the classic XOR network, in plain floats (no Value): 2 inputs, 2 sigmoid hidden
neurons, 1 sigmoid output. The parameters are a dict of floats:
    params = {"w1": [[w11, w12], [w21, w22]],  # w1[j][i]: input i -> hidden neuron j
              "b1": [b1, b2],                  # hidden biases
              "w2": [v1, v2],                  # hidden neuron j -> output
              "b2": c}                         # output bias
1. `forward(params, x)`: h_j = sigmoid(sum_i w1[j][i] x_i + b1[j]); out = sigmoid(w2 . h + b2);
   return (h, out).
2. `hand_gradients(params, X, y)`: the gradient of L = 1/2 sum over samples (t - out)**2
   with respect to every parameter, as a dict shaped like params.
3. `train_by_hand(params, X, y, epochs, lr)`: full-batch gradient descent with your
   gradients (change params in place; return it).
4. `accuracy(params, X, y)`: the fraction of samples whose class (1 where out > 0.5) is right.
   The checker measures it on *validation* points the network never trained on.

THE MATHS (derive the rest on paper; the chain rule, one sample at a time)
    z_j = w1[j] . x + b1[j],  h_j = sigmoid(z_j),  z = w2 . h + b2,  out = sigmoid(z)
    L = 1/2 (t - out)**2 for one sample; the total is the sum over the samples
    dL/dout = -(t - out)                      (minus the error)
    sigmoid'(z) = s (1 - s) with s = sigmoid(z): here out * (1 - out), from the output
    delta_out = (t - out) * out * (1 - out)   # error * sigmoid'(output): this is -dL/dz
    dL/dw2[j] = ?   dL/db2 = ?                (z depends on w2[j] through w2[j] * h_j)
    delta_h[j] = -dL/dz_j = ?                 (z_j reaches L through h_j, then z)
    dL/dw1[j][i] = ?   dL/db1[j] = ?

HINT
The minus signs: the classic code writes `w += lr * input * delta`, a step against the
gradient; the gradient itself is -input * delta. Add up (+=) over the samples. Compute all
the deltas with the old weights before changing any of them.

HOW IT IS CHECKED
`python -m exercises check 8` builds the same network with chainrule (`nn.MLP(2, [2, 1],
activation=["sigmoid", "sigmoid"])`), copies your parameters into it, calls
`loss.backward()` and compares every gradient with yours; then trains with your
`train_by_hand` and measures your `accuracy` on noisy validation points.

ПО-РУССКИ
Обратное распространение вручную для сети 2-2-1 с сигмоидами (XOR), как в классическом
учебнике: delta_out = ошибка * sigmoid'(выход), затем delta скрытых нейронов. Градиенты
суммируются по примерам и сравниваются с loss.backward() из chainrule. Точность
(accuracy) проверяется на валидационных точках, которых сеть не видела.
"""
import math


def sigmoid(z):
    """1 / (1 + e**-z), without overflow for any z (given)."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def forward(params, x):
    """(h, out): the two hidden outputs (a list) and the network's output, floats."""
    raise NotImplementedError


def hand_gradients(params, X, y):
    """dL/d(each parameter) of L = 1/2 sum (t - out)**2, as a dict shaped like params."""
    raise NotImplementedError


def train_by_hand(params, X, y, epochs, lr):
    """`epochs` full-batch steps p <- p - lr * dL/dp with your gradients; returns params."""
    raise NotImplementedError


def accuracy(params, X, y):
    """The fraction of samples (a float in [0, 1]) with (out > 0.5) == target."""
    raise NotImplementedError
