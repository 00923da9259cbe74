"""Reference solution of exercise 8 (for the test suite; never handed out)."""
import math


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def forward(params, x):
    h = [sigmoid(sum(w * xi for w, xi in zip(params["w1"][j], x)) + params["b1"][j])
         for j in range(2)]
    out = sigmoid(sum(v * hj for v, hj in zip(params["w2"], h)) + params["b2"])
    return h, out


def hand_gradients(params, X, y):
    g = {"w1": [[0.0, 0.0], [0.0, 0.0]], "b1": [0.0, 0.0], "w2": [0.0, 0.0], "b2": 0.0}
    for x, t in zip(X, y):
        h, out = forward(params, x)
        delta_out = (t - out) * out * (1.0 - out)
        for j in range(2):
            g["w2"][j] -= delta_out * h[j]
            delta_h = delta_out * params["w2"][j] * h[j] * (1.0 - h[j])
            for i in range(2):
                g["w1"][j][i] -= delta_h * x[i]
            g["b1"][j] -= delta_h
        g["b2"] -= delta_out
    return g


def train_by_hand(params, X, y, epochs, lr):
    for _ in range(epochs):
        g = hand_gradients(params, X, y)
        for j in range(2):
            params["w2"][j] -= lr * g["w2"][j]
            params["b1"][j] -= lr * g["b1"][j]
            for i in range(2):
                params["w1"][j][i] -= lr * g["w1"][j][i]
        params["b2"] -= lr * g["b2"]
    return params


def accuracy(params, X, y):
    right = sum((forward(params, x)[1] > 0.5) == bool(t) for x, t in zip(X, y))
    return right / len(X)
