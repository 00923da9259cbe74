"""model.to_torch() inside a compiled training block (NumPy: parameters kept as arrays) exports
the block's latest step, as state_dict() does there."""
import pytest

from autograd import compile
from nn import MLP, SGD, losses

np = pytest.importorskip("numpy")
torch = pytest.importorskip("torch")


def test_to_torch_inside_a_block_holds_its_latest_step():
    X = np.array([[0.5, -1.0], [-0.3, 0.8], [1.0, 0.2], [-0.9, -0.4]])
    y = np.array([0, 1, 1, 0])
    model = MLP(2, [3, 2], seed=0)
    step = compile(lambda xb, yb: losses.cross_entropy([model(list(x)) for x in xb], list(yb)),
                   model.parameters(), backend="numpy")
    start = [p.data for p in model.parameters()]
    with step.training(SGD(model.parameters(), lr=0.5)) as train:
        train(X, y)
        exported = model.to_torch()
        weights = model.state_dict()
    first = exported[0]
    assert first.weight[0, 0].item() == weights["layers.0.neurons.0.w.0"] != start[0]
    assert first.bias[0].item() == weights["layers.0.neurons.0.b"]
