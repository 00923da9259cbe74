"""fit's progress lines reach a log file as each epoch ends, not when the run is over."""
import io
import sys

from nn import MLP, evaluate, fit, make_moons


class _Log(io.StringIO):
    """stdout redirected to a file: what was flushed is what `tail -f` shows."""

    def __init__(self):
        super().__init__()
        self.shown = []

    def flush(self):
        self.shown.append(self.getvalue())


def test_each_epoch_line_is_flushed_and_agrees_with_evaluate(monkeypatch):
    X, y = make_moons(40, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)
    log = _Log()
    monkeypatch.setattr(sys, "stdout", log)
    history = fit(model, X, y, "hinge", epochs=3, batch_size=10, seed=0, validation=(X[:10], y[:10]))
    monkeypatch.undo()
    lines = [v.count("\n") for v in log.shown]
    for epoch in (1, 2, 3):
        assert epoch in lines, f"epoch {epoch}'s line was not flushed when printed: {log.shown}"
    # the last line's numbers are those of a separate evaluate after training
    scores = evaluate(model, X[:10], y[:10], loss="hinge")
    last = log.getvalue().splitlines()[-1]
    assert f"val_loss {scores['loss']:.4f}" in last and f"val_accuracy {scores['accuracy']:.4f}" in last
    assert history[-1].val_loss == scores["loss"]
