"""The pieces meeting in `fit`: the BCE op (saturated too), per-parameter optimizer state
(grads None at the start), schedules, save/load and JSON state dicts, compiled on each backend."""
import importlib.util
import json

import pytest

import nn

BACKENDS = ["python", "numpy", "auto"] + (["torch"] if importlib.util.find_spec("torch") else [])
X = [[-800.0], [-690.7755278982137], [40.0], [800.0], [0.3], [-0.2], [-745.0], [37.0]]
Y = [1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0]  # sigmoid(w x): 0.0, 1e-300, 1.0, 1.0, ..., 5e-324, 1.0
OPTIMIZERS = {
    "sgd nesterov decay": lambda p: nn.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "adamw": lambda p: nn.AdamW(p, lr=0.01, weight_decay=0.1),
}


def _saturated():
    model = nn.MLP(1, [2, 1], activation=["linear", "sigmoid"], seed=0)
    for neuron, w in zip(model.layers[0].neurons, (1.0, 0.5)):
        neuron.w[0].data, neuron.b.data = w, 0.0
    model.layers[1].neurons[0].w[0].data, model.layers[1].neurons[0].w[1].data = 1.0, 0.0
    model.layers[1].neurons[0].b.data = 0.0
    return model


def _train(make, compile, backend, resume=False, tmp_path=None):
    """Two fits of 2 epochs on one model (BCE on saturated sigmoids, StepLR), the optimizer
    having stepped first on two parameters only; with `resume`, through files and JSON between."""
    model = _saturated()
    opt = make(model.parameters())
    opt.zero_grad(set_to_none=True)
    for p in model.parameters()[:2]:
        p.grad = 0.25
    opt.step()
    opt.zero_grad(set_to_none=True)
    schedule = nn.StepLR(opt, 1, 0.5)
    history = []
    for seed in (1, 2):
        history += nn.fit(model, X, Y, "bce", opt, epochs=2, batch_size=3, seed=seed, verbose=False,
                          compile=compile, backend=backend, scheduler=schedule)
        if resume and seed == 1:
            nn.save(model, tmp_path / "model.json")
            state, sched = json.loads(json.dumps(opt.state_dict())), json.loads(json.dumps(schedule.state_dict()))
            model = nn.load(tmp_path / "model.json")
            opt = make(model.parameters())
            opt.load_state_dict(state)
            schedule = nn.StepLR(opt, 1, 0.5)
            schedule.load_state_dict(sched)
    return [p.data for p in model.parameters()], [(h.loss, h.accuracy, h.lr) for h in history], opt.state_dict()


def _close(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return abs(a - b) <= 1e-12 * max(1.0, abs(a))
    return a == b


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("backend", BACKENDS)
def test_compiled_fit_resumed_matches_plain_fit(name, backend, tmp_path):
    pytest.importorskip("numpy")
    assert _saturated()(X[0]).data == 0.0 and _saturated()(X[2]).data == 1.0  # saturated, exactly
    plain = _train(OPTIMIZERS[name], False, "python")
    assert _close(plain, _train(OPTIMIZERS[name], True, backend))
    assert repr(_train(OPTIMIZERS[name], True, backend, True, tmp_path)) == repr(_train(OPTIMIZERS[name], True, backend))


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b not in ("python", "auto")])
def test_fit_names_the_step_where_array_code_overflows(backend):
    pytest.importorskip("numpy")
    X2 = [[0.1 * i, -0.05 * i] for i in range(12)]
    y2 = [[1.0 if i % 3 == k else 0.0 for k in range(3)] for i in range(12)]  # one-hot rows

    def run(compile, backend):
        model = nn.MLP(2, [4, 3], activation="relu", seed=0)
        opt = nn.SGD(model.parameters(), lr=1e3)
        with pytest.raises(FloatingPointError) as error:
            nn.fit(model, X2, y2, "mse", opt, epochs=60, batch_size=4, seed=1, verbose=False,
                   compile=compile, backend=backend)
        return str(error.value), [p.data for p in model.parameters()]

    plain, got = run(False, "python"), run(True, backend)
    where = plain[0].split(":")[:2]  # "fit", " epoch E, step S"
    assert got[0].split(":")[:2] == where and "not updated" in got[0]
    assert _close(plain[1], got[1])


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b not in ("python", "auto")])
def test_compiled_bce_refuses_what_the_engine_refuses(backend):
    """Out of [0, 1] the array code gave nan (torch, so an optimizer step made the parameters
    nan) or numpy's FloatingPointError, where the engine raises ValueError; NaN still passes."""
    pytest.importorskip("numpy")
    from autograd import Value, compile

    w = Value(1.0)
    step = compile(lambda xb, yb: nn.binary_cross_entropy([w * x[0] for x in xb], yb), params=[w], backend=backend)
    assert step([[0.5], [0.2]], [1.0, 0.0]) == nn.binary_cross_entropy([0.5, 0.2], [1.0, 0.0]).data
    for bad in (-0.25, 1.5):
        w.grad = 0.0
        with pytest.raises(ValueError, match=rf"binary_cross_entropy\({bad!r}, 0.0\): the input and target must be in"):
            step([[0.5], [bad]], [1.0, 0.0])
        assert w.grad == 0.0 and w.data == 1.0
    assert step([[0.5], [float("nan")]], [1.0, 0.0]) != step([[0.5], [float("nan")]], [1.0, 0.0])  # nan
