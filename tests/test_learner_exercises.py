"""A learner's wrong answers beyond the catalogue: the checker's hint names the actual mistake."""
import pytest

from exercise_mistakes import Mistake
from exercises import report
from exercises.catalog import by_number
from test_exercises import _grade_here, _solved

_SLICE = "[order[i:i + batch_size] for i in range(0, n, batch_size)]"

MISTAKES = [
    Mistake(1, "tanh' as tanh(x) itself", "return 1.0 - t * t", "return t", "failed",
            ["case: tanh(", "that is tanh(x) itself, the operation's result, not its derivative"]),
    Mistake(1, "log' as log(x) itself", "return 1.0 / x", "return math.log(x)", "failed",
            ["case: log(", "that is log(x) itself"]),
    Mistake(2, "__radd__ as other + self", "    def __radd__(self, other):\n        return self + other",
            "    def __radd__(self, other):\n        return other + self", "failed",
            ["RecursionError", "a.__radd__(2.5)", "`self + other`"]),
    Mistake(4, "the root's grad never set to 1", "    root.grad += 1.0\n", "", "failed",
            ["expected: a.grad = -3.0", "got: 0.0", "root.grad = 1.0"]),
    Mistake(4, "the root's grad set to 1, then reset", "    root.grad += 1.0\n",
            "", "failed", ["root.grad = 1.0", "after resetting"]),
    Mistake(5, "every layer linear", '"linear" if i == len(nouts) - 1 else "tanh"', '"linear"',
            "failed", ["expected: the outputs =", "no layer applies tanh"]),
    Mistake(6, "the shift not added back", "return total.log() + m - logits[target]",
            "return total.log() - logits[target]", "failed",
            ["cross_entropy([2.0, 0.5, -1.0], 0)", "subtracted inside the log but not added back"]),
    Mistake(7, "slices one short", _SLICE,
            "[order[i:i + batch_size - 1] for i in range(0, n, batch_size)]", "failed",
            ["got: sizes [2, 2, 2, 1]", "order[i:j] stops before j"]),
    Mistake(7, "overlapping batches", _SLICE,
            "[order[i:i + batch_size + 1] for i in range(0, n, batch_size)]", "failed",
            ["got: sizes [4, 4, 4, 1]", "is in two batches: the batches overlap"]),
    Mistake(7, "the last batch's start left out", _SLICE,
            "[order[i:i + batch_size] for i in range(0, n - batch_size, batch_size)]", "failed",
            ["got: sizes [3, 3, 3]", "the short last batch (indices [", "was left out"]),
    Mistake(7, "rows cut into batches, not indices", _SLICE,
            "[[[float(i)] for i in order[i:i + batch_size + 1]] for i in range(0, n, batch_size)]",
            "failed", ["got: sizes [4, 4, 4, 1]", "cut the shuffled indices every batch_size"]),
    Mistake(7, "a batch's loss summed, not averaged",
            "loss = mse_loss([model(X[i]) for i in batch], [y[i] for i in batch])",
            "loss = sum((model(X[i]) - y[i]) ** 2 for i in batch)", "failed",
            ["the parameters after the epoch", "from the sum of the batch's squared errors",
             "(mse_loss)"]),
    Mistake(7, "the step rebinds p", "p.data -= lr * p.grad", "p = p - lr * p.grad", "failed",
            ["case: sgd_step", "no parameter moved", "p.data -= lr * p.grad", "rebinds the name p"]),
    Mistake(7, "gradients zeroed after backward()", "        zero_grad(params)\n        loss = mse_loss("
            "[model(X[i]) for i in batch], [y[i] for i in batch])\n        loss.backward()\n",
            "        loss = mse_loss([model(X[i]) for i in batch], [y[i] for i in batch])\n"
            "        loss.backward()\n        zero_grad(params)\n", "failed",
            ["case: train_epoch(", "no parameter moved during the epoch", "zeroed after backward()"]),
    Mistake(8, "gradients averaged over the samples", '        g["b2"] -= delta_out\n    return g',
            '        g["b2"] -= delta_out\n    n = len(X)\n    return {"w1": [[v / n for v in r] for r in '
            'g["w1"]], "b1": [v / n for v in g["b1"]], "w2": [v / n for v in g["w2"]], "b2": g["b2"] / n}',
            "failed", ["expected: dL/dw1[0][0]", "that is the mean over the 4 samples", "is a sum"]),
]


@pytest.mark.parametrize("mistake", MISTAKES, ids=[f"{m.number}-{m.name}" for m in MISTAKES])
def test_the_hint_names_the_mistake(tmp_path, mistake):
    folder = _solved(tmp_path / "work")
    path = folder / (by_number(mistake.number).module + ".py")
    text = path.read_text(encoding="utf-8")
    assert text.count(mistake.old) == 1, f"the edit does not apply: {mistake.old!r}"
    text = text.replace(mistake.old, mistake.new)
    if mistake.name == "the root's grad set to 1, then reset":  # seeded before the reset loop
        text = text.replace("    order = topological_order(root)\n",
                            "    order = topological_order(root)\n    root.grad = 1.0\n")
    path.write_text(text, encoding="utf-8")
    result = _grade_here(mistake.number, folder)
    words = " ".join("\n".join(report.detail(by_number(mistake.number), result)).split())
    assert result["status"] == mistake.status, words
    for word in mistake.words:
        assert word in words, f"{word!r} missing from:\n{words}"
