"""Forward-only compiled programs (`compile(..., backward=False)`): each row's results as the
dynamic engine computes them, whatever those results are made of."""
import random

import pytest

import nn
from autograd import Value, compile
from autograd.compiler.trace import CompileError
from compile_helpers import BACKENDS


def dynamic(fn, xb, yb):
    """fn run by the engine itself on Values: each row's result as floats."""
    out = fn([[Value(float(a)) for a in row] for row in xb], list(yb))
    return [[v.data for v in item] if isinstance(item, list) else item.data for item in out]


def test_class_index_picks_each_rows_own_class():
    """A per-row cross-entropy over class indices: every row picks its own class, in every
    call, also for classes the first call did not have."""
    rng = random.Random(3)
    model = nn.MLP(5, [6, 4], seed=1)
    fn = lambda xb, yb: nn.cross_entropy([model(x) for x in xb], yb, reduction="none")  # noqa: E731
    forward = compile(fn, model.parameters(), backward=False)
    for n, classes in [(3, [0, 1, 2]), (3, [3, 3, 3]), (5, [2, 0, 3, 1, 0]), (2, [1, 3])]:
        xb = [[rng.uniform(-2, 2) for _ in range(5)] for _ in range(n)]
        assert forward(xb, classes) == pytest.approx(dynamic(fn, xb, classes), rel=1e-12, abs=1e-12)


w = Value(0.5, label="w")
c = w * 3.0  # made once, outside: the same Value in every row's result


@pytest.mark.parametrize("fn", [
    lambda xb, yb: [[w * x[0]] * 2 for x in xb],                        # the same Value twice in a row
    lambda xb, yb: [w * 2.0 for x in xb],                               # from the parameters alone
    lambda xb, yb: [Value(3.0) for x in xb],                            # a constant
    lambda xb, yb: [x[0] for x in xb],                                  # the row's own input
    lambda xb, yb: [c + w for x in xb],                                 # one parameter value shared by all rows
    lambda xb, yb: [[c, (w * 2.0).exp(), Value(1.5), w * x[0], x[0]] for x in xb],   # all of them
    lambda xb, yb: [[w * x[0], w * 2.0][t] for x, t in zip(xb, yb)],   # a class picks one of them
], ids=["twice", "parameters", "constant", "input", "shared", "mixed", "picked"])
def test_results_of_any_kind(fn):
    forward = compile(fn, [w], backward=False)
    for xb, yb in [([[1.0], [3.0]], [0, 1]), ([[1.0], [3.0], [4.0]], [1, 0, 1]), ([[-2.0]], [0])]:
        assert forward(xb, yb) == dynamic(fn, xb, yb)


def test_a_result_that_reads_other_rows_is_refused():
    forward = compile(lambda xb, yb: [xb[0][0] * w for x in xb], [w], backward=False)
    with pytest.raises(CompileError, match="row 1's result depends on other rows"):
        forward([[1.0], [3.0]])


@pytest.mark.parametrize("backend", BACKENDS)
def test_outputs_that_depend_on_the_batch_are_never_replayed_wrong(backend):
    # Found by a trial: every row got row 0's code from a two-sample trace, so an output
    # scaled by len(xb), by the row's position, or special-cased for one row was wrong.
    w = Value(2.0)
    cases = {"per size": lambda xb, yb: [w * x[0] / len(xb) for x in xb],
             "one row apart": lambda xb, yb: [w * x[0] + (100.0 if len(xb) == 1 else 0.0) for x in xb]}
    for fn in cases.values():
        forward = compile(fn, [w], backward=False, backend=backend)
        for n in (3, 1, 2, 4, 1):
            xb = [[1.0 + k] for k in range(n)]
            assert forward(xb) == pytest.approx([v.data for v in fn([[Value(x[0])] for x in xb], None)], rel=1e-12)
    by_position = compile(lambda xb, yb: [w * x[0] * (i + 1) for i, x in enumerate(xb)], [w], backward=False,
                          backend=backend)
    with pytest.raises(CompileError, match="different graphs"):
        by_position([[1.0], [2.0], [3.0]])


class _Scaled(nn.Module):
    """A model whose forward reads a plain attribute: the compiled pass bakes it in."""

    def __init__(self):
        self.body = nn.MLP(2, [3, 1], seed=1)
        self.scale = 2.0

    def forward(self, x):
        return self.body(x) * self.scale


def test_compiled_predict_follows_a_modules_settings_changed_after_it_ran():
    X = [[0.5, -1.0], [1.5, 0.25], [-0.3, 0.8]]
    model = _Scaled()
    for change in (lambda: setattr(model, "scale", -3.0),
                   lambda: setattr(model.body.layers[0], "activation", "tanh") or
                   [setattr(n, "_act", Value.tanh) for n in model.body.layers[0].neurons]):
        first = nn.predict(model, X, threshold=None, compile=True)
        assert first == nn.predict(model, X, threshold=None)
        change()
        again = nn.predict(model, X, threshold=None, compile=True)
        assert again == nn.predict(model, X, threshold=None) and again != first


class _Tempered(nn.Module):
    """Logits divided by a temperature the user keeps outside the parameters."""

    def __init__(self):
        self.body = nn.MLP(2, [3, 2], seed=1)
        self._temperature = Value(1.0)  # private: not a parameter, a constant to a compiled pass
        self.config = {"shift": [0.0, 0.0]}

    def forward(self, x):
        return [o / self._temperature + s for o, s in zip(self.body(x), self.config["shift"])]


def test_compiled_evaluate_follows_a_private_value_and_a_dict_changed_after_it_ran():
    # Found by a user: evaluate(compile=True) kept giving the loss at the first temperature,
    # and at the first shift in a dict of settings: only plain attributes were looked at.
    X, y = [[0.5, -1.0], [1.5, 0.25], [-0.3, 0.8]], [0, 1, 1]
    model = _Tempered()
    for change in (lambda: setattr(model._temperature, "data", 3.0),
                   lambda: model.config.update(shift=[0.0, 5.0])):
        first = nn.evaluate(model, X, y, loss="cross_entropy", compile=True)
        assert first == pytest.approx(nn.evaluate(model, X, y, loss="cross_entropy"), rel=1e-12)
        change()
        again = nn.evaluate(model, X, y, loss="cross_entropy", compile=True)
        assert again == pytest.approx(nn.evaluate(model, X, y, loss="cross_entropy"), rel=1e-12)
        assert again["loss"] != pytest.approx(first["loss"])
