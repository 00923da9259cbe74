"""bce_with_logits with PyTorch's weights, passed to fit/evaluate as functools.partial (its
weights are keywords): the accuracy splits the logits at 0, as for "bce_with_logits"."""
import functools

import pytest

from nn import MLP, accuracy, evaluate, fit
from nn.losses import binary_cross_entropy_with_logits


def logit_model():
    """One output equal to its input: logits 0.25, 0.75, -0.5."""
    model = MLP(1, [1], activation="linear", init="zeros")
    model.parameters()[0].data = 1.0
    return model, [[0.25], [0.75], [-0.5]], [1.0, 1.0, 0.0]


@pytest.mark.parametrize("keywords", [{"pos_weight": 2.0}, {"weight": 0.5, "pos_weight": [3.0]}])
def test_evaluate_with_a_weighted_logits_loss_splits_at_zero(keywords):
    model, X, y = logit_model()
    weighted = functools.partial(binary_cross_entropy_with_logits, **keywords)
    expected = accuracy(model, X, y, threshold=0.0)
    assert expected == 1.0  # every logit on its label's side of 0 (0.25 is below 0.5)
    assert evaluate(model, X, y, loss=weighted)["accuracy"] == expected
    assert evaluate(model, X, y, loss="bce_with_logits")["accuracy"] == expected


def test_fit_reports_the_accuracy_at_zero_for_a_weighted_logits_loss():
    model, X, y = logit_model()
    weighted = functools.partial(binary_cross_entropy_with_logits, pos_weight=2.0)
    history = fit(model, X, y, weighted, epochs=1, batch_size=None, verbose=False)
    assert history[-1].accuracy == accuracy(model, X, y, threshold=0.0)
    assert history[-1].accuracy != accuracy(model, X, y, threshold=0.5)  # the two splits differ here
