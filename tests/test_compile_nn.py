"""compile on nn models and losses: the compiled step agrees with backward(), also in `fit`."""
import random

import pytest
from compile_helpers import BACKENDS, assert_close, compiled, dynamic

from autograd import Value, compile

nn = pytest.importorskip("nn")


def batch(n, nin, targets, seed=0):
    rng = random.Random(seed)
    return [[rng.uniform(-2, 2) for _ in range(nin)] for _ in range(n)], [targets(rng) for _ in range(n)]


def check_agrees(model, loss, xb, yb, backend, l2=1e-3):
    params = model.parameters()

    def fn(rows, targets):
        return nn.batch_loss(model, loss, rows, targets, l2)
    step = compile(fn, params, backend=backend)
    assert_close(compiled(step, params, xb, yb), dynamic(fn, params, xb, yb))
    return step


MODELS = {
    "relu": lambda: nn.MLP(3, [5, 4, 1], seed=0),
    "tanh": lambda: nn.MLP(3, [5, 1], activation="tanh", seed=1),
    "sigmoid": lambda: nn.MLP(3, [5, 1], activation="sigmoid", init="xavier_uniform", seed=2),
    "leaky_relu(0.2)": lambda: nn.MLP(3, [5, 1], activation="leaky_relu(0.2)", init="kaiming_normal", seed=3),
    "leaky_relu": lambda: nn.MLP(3, [4, 1], activation="leaky_relu", seed=4),
    "neuron": lambda: nn.Neuron(3, activation="tanh", seed=5),
    "layer": lambda: nn.Layer(3, 1, activation="linear", seed=6),
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_model_agrees_with_backward(name, backend):
    xb, yb = batch(7, 3, lambda rng: rng.uniform(-1, 1))
    check_agrees(MODELS[name](), nn.mse_loss, xb, yb, backend)


LOSSES = {  # loss, the model's output activation, a target
    "mse": (nn.mse_loss, "linear", lambda rng: rng.uniform(-1, 1)),
    "hinge, int labels": (nn.hinge_loss, "linear", lambda rng: rng.choice([-1, 1])),
    "hinge, float labels": (nn.hinge_loss, "linear", lambda rng: rng.choice([-1.0, 1.0])),
    "bce": (nn.binary_cross_entropy, "sigmoid", lambda rng: rng.choice([0.0, 1.0])),
    "bce, soft targets": (nn.binary_cross_entropy, "sigmoid", lambda rng: rng.uniform(0, 1)),
    "bce_with_logits": (nn.binary_cross_entropy_with_logits, "linear", lambda rng: rng.choice([0, 1])),
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_every_loss_agrees_with_backward(name, backend):
    loss, last, target = LOSSES[name]
    model = nn.MLP(2, [6, 1], activation=["tanh", last], seed=0)
    xb, yb = batch(9, 2, target, seed=1)
    step = check_agrees(model, loss, xb, yb, backend)
    xb2, yb2 = batch(9, 2, target, seed=2)  # new data, same code
    check_agrees(model, loss, xb2, yb2, backend)
    assert step.trace_count == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_multi_output_mse_agrees_with_backward(backend):
    xb, yb = batch(5, 2, lambda rng: [rng.uniform(-1, 1), rng.uniform(-1, 1)])
    check_agrees(nn.MLP(2, [4, 2], seed=0), nn.mse_loss, xb, yb, backend)


def test_cross_entropy_agrees_with_backward():
    xb, yb = batch(8, 2, lambda rng: rng.randrange(3))
    check_agrees(nn.MLP(2, [5, 3], seed=0), nn.cross_entropy, xb, yb, "python")


@pytest.mark.parametrize("backend", BACKENDS)
def test_cross_entropy_of_logits_across_the_whole_float_range_compiled(backend):
    # the logits are the inputs plus a bias: 2e308 apart, where a running maximum taken
    # directly overflows; compiled code must find the same maximum and gradients
    bias = [Value(0.0), Value(0.0), Value(0.0)]

    def fn(rows, targets):
        return nn.cross_entropy([[x + b for x, b in zip(row, bias)] for row in rows], targets)
    xb = [[-1e308, 1e308, 0.0], [1e308, 0.0, -1e308], [1.0, -1.7e308, 1.7e308], [0.5, 0.25, -0.5]]
    yb = [1, 1, 2, 0]
    step = compile(fn, bias, backend=backend)
    want = dynamic(fn, bias, xb, yb)
    assert 1e307 < want[0] < 1e308
    if backend == "numpy":  # NumPy's policy: x - m overflowing to -inf raises; nothing changes
        for b in bias:
            b.grad = 0.5
        with pytest.raises(FloatingPointError, match="overflow"):
            step(xb, yb)
        assert [b.grad for b in bias] == [0.5] * 3
        xb = [[x * 1e-300 for x in row] for row in xb]  # 1e8 apart: no overflow anywhere
        want = dynamic(fn, bias, xb, yb)
    got = compiled(step, bias, xb, yb)
    assert_close(got, want)
    assert backend == "numpy" or got == want  # the Python code adds in the engine's order
    assert step.stats["backend"] == backend


def test_fit_with_compile_trains_like_backward():
    X, y = nn.make_moons(40, seed=0)
    histories, weights = [], []
    for flag in (False, True):
        model = nn.MLP(2, [8, 1], seed=0)
        histories.append([h.loss for h in nn.fit(model, X, y, "hinge", nn.SGD(model.parameters(), lr=0.1),
                                                  epochs=3, batch_size=16, seed=0, verbose=False,
                                                  compile=flag, l2=1e-4)])
        weights.append([p.data for p in model.parameters()])
    assert histories[1] == pytest.approx(histories[0], rel=1e-9)
    assert weights[1] == pytest.approx(weights[0], rel=1e-9, abs=1e-12)


def test_the_micrograd_demo_step_agrees_with_pytorch():
    torch = pytest.importorskip("torch")
    model = nn.MLP(2, [16, 16, 1], seed=0)
    X, y = nn.make_moons(30, seed=1)
    yb = [1.0 if t == 1 else -1.0 for t in y]
    params = model.parameters()

    def fn(rows, targets):
        scores = [model(x) for x in rows]
        losses = [(1 + -t * s).relu() for t, s in zip(targets, scores)]
        return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)
    for p in params:
        p.grad = 0.0
    loss = compile(fn, params)(X, yb)
    tensors = [torch.tensor(p.data, dtype=torch.float64, requires_grad=True) for p in params]
    k, h = 0, torch.tensor(X, dtype=torch.float64)
    for i, layer in enumerate(model.layers):
        nin, nout = layer.nin, len(layer.neurons)
        w = torch.stack([torch.stack(tensors[k + j * (nin + 1):k + j * (nin + 1) + nin]) for j in range(nout)])
        b = torch.stack([tensors[k + j * (nin + 1) + nin] for j in range(nout)])
        k += nout * (nin + 1)
        h = h @ w.T + b
        h = h if i == len(model.layers) - 1 else torch.relu(h)
    t = torch.tensor(yb, dtype=torch.float64)
    total = torch.relu(1 - t * h[:, 0]).mean() + 1e-4 * sum(p * p for p in tensors)
    total.backward()
    assert loss == pytest.approx(total.item(), rel=1e-12)
    assert [p.grad for p in params] == pytest.approx([p.grad.item() for p in tensors], rel=1e-9, abs=1e-12)


def test_model_values_not_in_params_are_frozen_at_trace_time():
    model = nn.MLP(2, [3, 1], seed=0)
    params = model.parameters()
    step = compile(lambda rows, ys: nn.mse_loss([model(x) for x in rows], ys), params[:-1])
    xb, yb = batch(4, 2, lambda rng: 0.0)
    before = step(xb, yb)
    params[-1].data += 1.0  # the output bias: not a parameter of the step, so a constant
    assert step(xb, yb) == before


def test_fit_with_compile_and_cross_entropy_trains_like_backward():
    X, y = nn.make_blobs(30, centers=3, seed=0)
    weights = []
    for flag in (False, True):
        model = nn.MLP(2, [6, 3], seed=0)
        nn.fit(model, X, y, "cross_entropy", nn.Adam(model.parameters(), lr=0.05), epochs=2,
               batch_size=10, seed=0, verbose=False, compile=flag)
        weights.append([p.data for p in model.parameters()])
    assert weights[1] == pytest.approx(weights[0], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("validation", [False, True])
def test_a_loss_of_ones_own_calling_value_methods_is_measured_on_compiled_outputs(validation):
    # Found by a new user: fit(compile=True, validation=...) with a loss calling o.exp()
    # raised AttributeError ('float' object has no attribute 'exp') after the first epoch:
    # the compiled forward pass gave the loss floats where the model gives Values.
    def softplus_loss(outputs, targets):
        return sum((o.exp() + 1.0).log() * (1.0 - 2.0 * t) for o, t in zip(outputs, targets)) / len(targets)
    X, y = nn.make_moons(30, seed=1)
    y = [float(t) for t in y]
    results = []
    for flag in (False, True):
        model = nn.MLP(2, [6, 1], seed=3)
        if validation:
            history = nn.fit(model, X, y, softplus_loss, epochs=2, batch_size=8, seed=0, verbose=False,
                             compile=flag, validation=(X[:11], y[:11]))
            results.append([h.val_loss for h in history])
        else:
            results.append(nn.evaluate(model, X, y, softplus_loss, compile=flag)["loss"])
    assert results[1] == pytest.approx(results[0], rel=1e-9)
