"""nn.pytorch: chainrule models to torch.nn and back, same outputs and gradients; refusals."""
import doctest
import random
import re
import sys

import pytest

from autograd import Value
from nn import MLP, Layer, Module, Neuron
from nn import pytorch as interop

ACTIVATIONS = ["relu", "tanh", "sigmoid", "linear", "leaky_relu", "leaky_relu(0.2)"]


def random_mlp(rng):
    nin = rng.randint(1, 5)
    nouts = [rng.randint(1, 6) for _ in range(rng.randint(1, 4))]
    acts = [rng.choice(ACTIVATIONS) for _ in nouts]
    return MLP(nin, nouts, activation=acts, init=rng.choice(["uniform", "xavier_normal"]), seed=rng.randrange(10**6))


def chainrule_run(model, X, C):
    """Outputs for every sample, then backward of sum(c * out): parameter and input grads."""
    model.zero_grad()
    xs = [[Value(x) for x in row] for row in X]
    outs = []
    for row in xs:
        out = model(row)
        outs.append(out if isinstance(out, list) else [out])
    loss = sum(c * o for cs, os in zip(C, outs) for c, o in zip(cs, os))
    loss.backward()
    grads = {name: p.grad for name, p in model.named_parameters()}
    return [[o.data for o in os] for os in outs], grads, [[x.grad for x in row] for row in xs]


def torch_run(torch, module, X, C):
    module.zero_grad()
    x = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    out = module(x)
    (out * torch.tensor(C, dtype=torch.float64)).sum().backward()
    return out.tolist(), x.grad.tolist()


def torch_grad(module, name):
    """The gradient in the torch Sequential of chainrule's parameter `name`, e.g. layers.1.neurons.2.w.0."""
    layer, i, j = re.fullmatch(r"(?:layers\.(\d+)\.)?(?:neurons\.(\d+)\.)?(?:w\.(\d+)|b)", name).groups()
    linear = [m for m in module if type(m).__name__ == "Linear"][int(layer or 0)]
    i = int(i or 0)
    return (linear.bias.grad[i] if j is None else linear.weight.grad[i, int(j)]).item()


def assert_same(torch, model, module, rng, samples=3):
    nin, nout = (len(model.w), 1) if isinstance(model, Neuron) else (model.nin, len([m for m in model.modules() if isinstance(m, Layer)][-1].neurons))
    X = [[rng.uniform(-2, 2) for _ in range(nin)] for _ in range(samples)]
    C = [[rng.uniform(-1, 1) for _ in range(nout)] for _ in range(samples)]
    outs, grads, xgrads = chainrule_run(model, X, C)
    touts, txgrads = torch_run(torch, module, X, C)
    for ours, theirs in zip(outs + xgrads, touts + txgrads):
        assert ours == pytest.approx(theirs, abs=1e-12, rel=1e-12)
    for name, g in grads.items():
        assert g == pytest.approx(torch_grad(module, name), abs=1e-12, rel=1e-12), name


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


# ----- round trips --------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(12))
def test_round_trip_keeps_outputs_and_gradients(torch, seed):
    rng = random.Random(seed)
    model = random_mlp(rng)
    module = model.to_torch()
    assert all(p.dtype == torch.float64 for p in module.parameters())
    assert_same(torch, model, module, rng)
    back = MLP.from_torch(module)
    assert back.get_config() == model.get_config()
    assert back.state_dict() == model.state_dict()  # float64 both ways: bit for bit
    assert_same(torch, back, module, rng)
    saved = MLP.from_torch(module.state_dict(), activation=model.get_config()["activation"])
    assert saved.state_dict() == model.state_dict()


@pytest.mark.parametrize("make", [lambda: Neuron(3, activation="tanh", seed=1), lambda: Layer(4, 3, "sigmoid", seed=2),
                                  lambda: Layer(2, 1, "leaky_relu(0.3)", seed=3)])
def test_neurons_and_layers_export(torch, make):
    model = make()
    assert_same(torch, model, model.to_torch(), random.Random(0))
    back = MLP.from_torch(model.to_torch())
    assert back.layers[0].get_config() == {**model.get_config(), "nout": len(back.layers[0].neurons)}


def test_training_in_torch_comes_back(torch):
    model = MLP(2, [5, 1], activation="tanh", seed=0)
    module = model.to_torch()
    opt = torch.optim.SGD(module.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        module(torch.tensor([[1.0, -1.0]], dtype=torch.float64)).pow(2).sum().backward()
        opt.step()
    back = MLP.from_torch(module)
    assert back([1.0, -1.0]).data == pytest.approx(module(torch.tensor([1.0, -1.0], dtype=torch.float64)).item(),
                                                   abs=1e-15)
    assert back.state_dict() != model.state_dict()  # a copy: the original did not move


def test_torch_save_and_load_come_back(torch, tmp_path):
    model = MLP(3, [4, 2], activation="sigmoid", seed=5)
    torch.save(model.to_torch().state_dict(), tmp_path / "model.pt")
    state = torch.load(tmp_path / "model.pt", weights_only=True)
    assert MLP.from_torch(state, activation="sigmoid").state_dict() == model.state_dict()
    rebuilt = MLP(3, [4, 2], activation="sigmoid", init="zeros").to_torch()  # or: same shape, then load
    rebuilt.load_state_dict(state)
    assert MLP.from_torch(rebuilt).state_dict() == model.state_dict()


def test_export_leaves_torchs_random_stream_alone(torch):
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    MLP(8, [16, 16, 1], seed=0).to_torch()
    assert torch.equal(torch.rand(3), expected)


def test_float32_modules_are_read_exactly(torch):
    linear = torch.nn.Linear(3, 2)
    model = MLP.from_torch(torch.nn.Sequential(linear, torch.nn.Identity()))
    assert [n.w[0].data for n in model.layers[0].neurons] == linear.weight[:, 0].double().tolist()


# ----- refusals -----------------------------------------------------------------------------
@pytest.mark.parametrize("build, error, words", [
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.5)), TypeError, ["'1' (Dropout)", "not supported"]),
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.GELU(), nn.Linear(3, 1)), TypeError, ["GELU"]),
    (lambda nn: nn.Sequential(nn.Conv2d(1, 1, 3)), TypeError, ["Conv2d"]),
    (lambda nn: nn.Sequential(nn.Linear(2, 3, bias=False)), ValueError, ["no bias"]),
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.Linear(4, 1)), ValueError, ["takes 4 inputs", "gives 3"]),
    (lambda nn: nn.Sequential(nn.ReLU(), nn.Linear(2, 1)), ValueError, ["ReLU", "does not follow a Linear"]),
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.ReLU()), ValueError, ["'2' (ReLU)"]),
    (lambda nn: nn.Sequential(), ValueError, ["empty"]),
    (lambda nn: nn.LSTM(2, 3), TypeError, ["LSTM"]),
    (lambda nn: {"0.weight": __import__("torch").ones(3, 2)}, ValueError, ["'0.bias'"]),
    (lambda nn: {"0.running_mean": __import__("torch").ones(3)}, ValueError, ["running_mean"]),
    (lambda nn: [1.0, 2.0], TypeError, ["Sequential or its state_dict", "list"]),
])
def test_unsupported_torch_modules_are_refused_by_name(torch, build, error, words):
    with pytest.raises(error) as caught:
        MLP.from_torch(build(torch.nn))
    assert "MLP.from_torch()" in str(caught.value)
    for word in words:
        assert word in str(caught.value)


def test_non_finite_weights_are_refused(torch):
    linear = torch.nn.Linear(2, 1)
    with torch.no_grad():
        linear.weight[0, 1] = float("nan")
    with pytest.raises(ValueError, match="non-finite"):
        MLP.from_torch(linear)


def test_activation_is_for_state_dicts_only(torch):
    with pytest.raises(ValueError, match="activation is read from the module"):
        MLP.from_torch(MLP(2, [1]).to_torch(), activation="tanh")


class Custom(Module):
    def __init__(self):
        self.a = Value(1.0)

    def forward(self, x):
        return self.a * x


class Doubled(MLP):
    def __call__(self, x):
        return super().__call__(x) * 2


@pytest.mark.parametrize("model, words", [(Custom(), "cannot convert Custom"),
                                          (Doubled(2, [1]), "Doubled overrides MLP's forward")])
def test_models_torch_cannot_express_are_refused(model, words):
    # no torch needed: refused before importing it
    with pytest.raises(TypeError, match=words):
        model.to_torch()


def test_without_torch_the_error_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    for call in (MLP(2, [1]).to_torch, lambda: MLP.from_torch({})):
        with pytest.raises(ImportError, match=r'pip install "chainrule\[torch\]"'):
            call()


def test_docstring_examples_run_with_torch(torch):
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(interop):
        for example in test.examples:
            example.options.pop(doctest.SKIP, None)  # skipped where torch may be absent
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0 and runner.tries > 0


def test_a_state_dict_with_hidden_layers_needs_its_activations_named(torch):
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    state = model.to_torch().state_dict()
    with pytest.raises(ValueError, match="activation='tanh'"):
        MLP.from_torch(state)  # guessing relu would build a different network
    back = MLP.from_torch(state, activation="tanh")
    assert back.state_dict() == model.state_dict() and back(([0.3, -0.7])).data == model([0.3, -0.7]).data
    single = MLP(2, [1], seed=0)  # one layer: linear, nothing to name
    assert MLP.from_torch(single.to_torch().state_dict()).state_dict() == single.state_dict()
