"""A model gone NaN and a loss that reaches no output: named, never scored or trained silently."""
import pytest

import nn
from autograd import Value


def nan_model(outputs):
    model = nn.MLP(2, [outputs], activation="linear", seed=0)
    for p in model.parameters():
        p.data = float("nan")
    return model


@pytest.mark.parametrize("outputs", [1, 3])
@pytest.mark.parametrize("compile", [False, True])
def test_nan_outputs_are_never_correct(outputs, compile):
    # NaN > threshold is False, so one NaN output scored as the negative class (right for every
    # target 0); with several, max() over a list holding NaN picked a class by where it was.
    X = [[1.0, 2.0]] * 4
    y = [0, 1, 0, 1] if outputs == 1 else [0, 1, 2, 0]
    model = nan_model(outputs)
    assert nn.accuracy(model, X, y, compile=compile) == 0.0
    assert nn.evaluate(model, X, y, compile=compile)["accuracy"] == 0.0


def test_predict_of_several_nan_outputs_is_the_first_nan_as_torch_argmax():
    torch = pytest.importorskip("torch")
    model = nn.MLP(2, [3], activation="linear", seed=0)
    model.layers[0].neurons[1].b.data = float("nan")
    X = [[1.0, 2.0], [-1.0, 0.5]]
    outputs = [[v.data for v in model(x)] for x in X]
    assert nn.predict(model, X) == torch.tensor(outputs, dtype=torch.float64).argmax(-1).tolist() == [1, 1]


@pytest.mark.parametrize("loss", [lambda out, y: Value(1.0), lambda out, y: Value(1.0) * 2.0 + 1.0,
                                  lambda out, y: Value(sum(o.data for o in out))],
                         ids=["leaf", "computed constant", "through .data"])
@pytest.mark.parametrize("compile", [False, True])
def test_fit_refuses_a_loss_that_depends_on_no_output(loss, compile):
    model = nn.MLP(2, [1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match="fit: the loss does not depend on the model's outputs"):
        nn.fit(model, [[0.0, 1.0], [1.0, 0.0]], [0.0, 1.0], loss, nn.SGD(model.parameters(), lr=0.1),
               epochs=1, verbose=False, compile=compile)
    assert model.state_dict() == before
