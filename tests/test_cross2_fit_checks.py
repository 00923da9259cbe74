"""fit's up-front check that the loss reaches the model's outputs, against a valid loss that
skips some samples by their value (a perceptron's loss counts only the misclassified ones)."""
import pytest

from autograd import Value
from nn import MLP, fit


def perceptron(outputs, targets):
    """The perceptron's loss: -t * o summed over the samples it gets wrong (t * o <= 0)."""
    return sum((-t * o for o, t in zip(outputs, targets) if (t * o).data <= 0), Value(0.0))


def data():
    X = [[0.5, -1.0], [-0.3, 0.8], [1.0, 0.2], [-0.9, -0.4], [0.1, 0.7], [-0.6, 0.3]]
    y = [1.0, -1.0, 1.0, -1.0, -1.0, 1.0]  # the first target +1: right on fit's probe output (0.5)
    return X, y


def test_a_loss_that_skips_the_first_target_on_the_probe_output_still_trains():
    X, y = data()
    model = MLP(2, [4, 1], seed=0)
    before = [p.data for p in model.parameters()]
    fit(model, X, y, perceptron, epochs=3, batch_size=None, verbose=False)
    assert [p.data for p in model.parameters()] != before


def test_a_loss_that_never_reaches_the_outputs_is_still_refused():
    X, y = data()
    model = MLP(2, [4, 1], seed=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match="fit: the loss does not depend on the model's outputs"):
        fit(model, X, y, lambda outputs, targets: Value(sum(o.data for o in outputs)), verbose=False)
    assert [p.data for p in model.parameters()] == before
