"""Tests for nn.train: fit, evaluate, accuracy, predict, and the seeded end-to-end runs."""
import gc

import pytest

from nn import (MLP, SGD, Adam, DataLoader, EpochStats, LinearLR, accuracy, batch_loss, cross_entropy, evaluate,
                fit, hinge_loss, l2_penalty, make_curve, make_moons, make_spirals, make_xor, mse_loss, predict,
                train_test_split)


def _moons(n=40, seed=0):
    return make_moons(n, noise=0.1, seed=seed)


# ----- the loop ---------------------------------------------------------------------------
def test_batch_loss_is_the_loss_of_the_outputs_plus_l2():
    model = MLP(2, [4, 1], seed=0)
    X, y = _moons(8)
    expected = hinge_loss([model(x) for x in X], y).data + l2_penalty(model, 1e-3).data
    assert batch_loss(model, hinge_loss, X, y, l2=1e-3).data == pytest.approx(expected, rel=1e-12)
    assert batch_loss(model, hinge_loss, X, y).data == pytest.approx(hinge_loss([model(x) for x in X], y).data)


def test_fit_is_the_explicit_loop():
    """zero_grad -> forward -> loss -> backward -> step, over the same shuffled batches."""
    X, y = _moons(20)
    by_hand, by_fit = MLP(2, [6, 1], seed=0), MLP(2, [6, 1], seed=0)
    opt = SGD(by_hand.parameters(), lr=0.1, momentum=0.9)
    loader = DataLoader(X, y, batch_size=8, seed=3)
    for epoch in range(3):
        for xb, yb in loader:
            opt.zero_grad()
            loss = hinge_loss([by_hand(x) for x in xb], yb) + l2_penalty(by_hand.parameters(), 1e-4)
            loss.backward()
            opt.step()
    fit(by_fit, X, y, loss="hinge", optimizer=SGD(by_fit.parameters(), lr=0.1, momentum=0.9), epochs=3,
        batch_size=8, seed=3, l2=1e-4, verbose=False)
    assert by_fit.state_dict() == by_hand.state_dict()


def test_history_records_and_progress_lines(capsys):
    X, y = _moons(40)
    X_train, X_val, y_train, y_val = train_test_split(X, y, seed=0)
    model = MLP(2, [8, 1], seed=0)
    history = fit(model, X_train, y_train, loss="hinge", optimizer=Adam(model.parameters(), lr=0.05),
                  epochs=4, batch_size=10, validation=(X_val, y_val), seed=0, verbose=True)
    assert [r.epoch for r in history] == [1, 2, 3, 4] and all(isinstance(r, EpochStats) for r in history)
    assert history[-1].loss < history[0].loss
    last = history[-1]
    assert last.accuracy == accuracy(model, X_train, y_train)
    scores = evaluate(model, X_val, y_val, loss="hinge")
    assert (last.val_loss, last.val_accuracy) == (pytest.approx(scores["loss"]), scores["accuracy"])
    assert last.lr == 0.05
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and lines[-1].startswith("epoch 4/4  loss ")
    assert "val_accuracy" in lines[-1] and str(last).startswith("epoch 4  loss")


def test_verbose_every_n_epochs_and_silent(capsys):
    X, y = _moons(10)
    fit(MLP(2, [2, 1], seed=0), X, y, loss="hinge", epochs=5, verbose=2, seed=0)
    assert [line.split()[1] for line in capsys.readouterr().out.splitlines()] == ["2/5", "4/5", "5/5"]
    history = fit(MLP(2, [2, 1], seed=0), X, y, loss="hinge", epochs=2, verbose=False, seed=0)
    assert capsys.readouterr().out == "" and history[0].val_loss is None


def test_same_seed_same_history():
    X, y = _moons(30)
    runs = [fit(MLP(2, [4, 1], seed=1), X, y, loss="hinge", epochs=3, batch_size=7, seed=2, verbose=False)
            for _ in range(2)]
    assert runs[0] == runs[1]


def test_scheduler_steps_once_per_epoch():
    X, y = _moons(10)
    model = MLP(2, [2, 1], seed=0)
    opt = SGD(model.parameters(), lr=1.0)
    history = fit(model, X, y, loss="hinge", optimizer=opt, scheduler=LinearLR(opt, 1.0, 0.5, total_iters=2),
                  epochs=3, verbose=False)
    assert [r.lr for r in history] == [1.0, 0.75, 0.5]


def test_regression_has_no_accuracy():
    X, y = make_curve(30, seed=0)
    model = MLP(1, [8, 1], activation="tanh", seed=0)
    history = fit(model, X, y, loss="mse", optimizer=Adam(model.parameters(), lr=0.05), epochs=5, verbose=False)
    assert history[-1].accuracy is None and history[-1].loss < history[0].loss
    assert len(predict(model, [0.5, 1.0], threshold=None)) == 2  # bare numbers are rows of one


def test_custom_loss_function_and_gc_untouched():
    X, y = _moons(10)
    seen = []

    def loss(outputs, targets):
        seen.append(gc.isenabled())
        return mse_loss(outputs, targets)

    assert gc.isenabled()
    fit(MLP(2, [2, 1], seed=0), X, y, loss=loss, epochs=1, verbose=False)
    assert seen and all(seen)  # the library never changes the garbage collector's settings


def test_diverging_training_stops_with_a_clear_error():
    model = MLP(1, [1], seed=0)
    with pytest.raises(FloatingPointError, match="epoch 1.*smaller learning rate"):
        fit(model, [[1e200]], [0.0], loss="mse", optimizer=SGD(model.parameters(), lr=1.0), verbose=False)
    assert gc.isenabled()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"loss": "l1"}, ValueError, "unknown loss 'l1'"),
    ({"loss": "mse", "validation": [[1.0, 2.0]]}, TypeError, "pair"),
    ({"loss": "mse", "epochs": -1}, ValueError, "epochs"),
    ({"loss": "mse", "batch_size": 0}, ValueError, "batch_size"),
])
def test_fit_bad_arguments(kwargs, error, match):
    X, y = _moons(10)
    model = MLP(2, [2, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(error, match=match):
        fit(model, X, y, verbose=False, **kwargs)
    assert model.state_dict() == before


def test_fit_bad_data():
    model = MLP(2, [2, 1], seed=0)
    with pytest.raises(ValueError, match="2 rows, 1 targets"):
        fit(model, [[1.0, 2.0], [3.0, 4.0]], [1], loss="mse")
    with pytest.raises(TypeError, match="row 1"):
        fit(model, [[1.0, 2.0], ["a", 4.0]], [1, 0], loss="mse")
    with pytest.raises(ValueError, match="rows have 3 values, but the model takes 2 inputs"):
        fit(model, [[1.0, 2.0, 3.0]], [1], loss="mse", verbose=False)


# ----- evaluate, accuracy, predict ------------------------------------------------------------
def _fixed(weight, bias=0.0, nout=1):
    model = MLP(1, [nout], init="zeros")
    for k, n in enumerate(model.layers[0].neurons):
        n.w[0].data, n.b.data = weight * (k + 1), bias
    return model


def test_binary_accuracy_with_either_label_convention():
    model = _fixed(1.0)  # output = x
    X = [[-2.0], [-0.5], [0.5], [2.0]]
    assert accuracy(model, X, [-1, -1, 1, 1]) == 1.0
    assert accuracy(model, X, [0, 0, 1, 1]) == 1.0
    assert accuracy(model, X, [0, 1, 1, 1]) == 0.75
    assert accuracy(model, X, [0, 0, 0, 1], threshold=1.0) == 1.0
    with pytest.raises(ValueError, match="threshold"):
        accuracy(model, X, [0, 0, 1, 1], threshold=None)


def test_predict_binary_multiclass_and_raw():
    X = [[-2.0], [0.5], [3.0]]
    assert predict(_fixed(1.0), X) == [0, 1, 1]
    assert predict(_fixed(1.0), X, labels=(-1, 1)) == [-1, 1, 1]
    assert predict(_fixed(1.0), X, threshold=None) == [-2.0, 0.5, 3.0]
    multi = _fixed(1.0, nout=3)  # outputs x, 2x, 3x
    assert predict(multi, X) == [0, 2, 2]
    assert accuracy(multi, X, [0, 2, 1]) == pytest.approx(2 / 3)


@pytest.mark.parametrize("compile", [False, True])
def test_several_outputs_score_one_hot_rows_as_their_class(compile):
    multi = _fixed(1.0, nout=3)  # outputs x, 2x, 3x: class 2 for x > 0, class 0 for x < 0
    X = [[-2.0], [0.5], [3.0]]
    one_hot = [[1, 0, 0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    assert accuracy(multi, X, one_hot, compile=compile) == accuracy(multi, X, [0, 2, 1]) == pytest.approx(2 / 3)
    assert evaluate(multi, X, one_hot, loss="mse", compile=compile)["accuracy"] == pytest.approx(2 / 3)


@pytest.mark.parametrize("bad", [3, -1, 1.5, float("nan"), True, "1", [0, 1]], ids=repr)
def test_targets_that_name_no_class_are_refused_not_scored_zero(bad):
    multi = _fixed(1.0, nout=3)
    X = [[-2.0], [0.5], [3.0]]
    y = [0, bad, 2]
    with pytest.raises(ValueError, match=r"accuracy: y\[1\] = .* is no class of a model with 3 outputs"):
        accuracy(multi, X, y)
    with pytest.raises(ValueError, match=r"evaluate: y\[1\]"):
        evaluate(multi, X, y, loss=lambda outs, ts: outs[0][0] * 0.0)
    before = [p.data for p in multi.parameters()]
    with pytest.raises(ValueError, match=r"^fit: "):  # before the first step, not after an epoch
        fit(multi, X, y, loss=lambda outs, ts: sum(o[0] * o[0] for o in outs), epochs=1, verbose=False)
    assert [p.data for p in multi.parameters()] == before


def test_evaluate_reports_loss_and_accuracy_and_restores_mode():
    model = _fixed(1.0, nout=2)
    model.train()
    scores = evaluate(model, [[1.0], [-1.0]], [1, 1], loss="cross_entropy")
    assert scores["accuracy"] == 0.5
    assert scores["loss"] == pytest.approx(cross_entropy([[1.0, 2.0], [-1.0, -2.0]], [1, 1]).data)
    assert model.training
    assert evaluate(_fixed(1.0), [[1.0]], [0.3], threshold=None) == {"loss": None, "accuracy": None}


# ----- seeded end-to-end runs (the accuracies quoted in the README) -------------------------------
@pytest.mark.parametrize("loss, lr", [("bce", 1.0), ("mse", 2.0)])
def test_xor_reaches_100_percent(loss, lr):
    X, y = make_xor()
    model = MLP(2, [4, 1], activation=["tanh", "sigmoid"], init="xavier_uniform", seed=0)
    history = fit(model, X, y, loss=loss, optimizer=SGD(model.parameters(), lr=lr), epochs=300,
                  batch_size=None, verbose=False)
    assert history[-1].accuracy == 1.0
    assert predict(model, X, threshold=0.5) == y


def test_micrograd_demo_setup_reaches_98_percent():
    """100 moons, MLP(2, [16, 16, 1]), hinge + 1e-4 L2, 100 full-batch SGD steps, lr 1.0 -> 0.1."""
    X, y = make_moons(100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    opt = SGD(model.parameters(), lr=1.0)
    history = fit(model, X, y, loss="hinge", l2=1e-4, optimizer=opt, epochs=100, batch_size=None,
                  scheduler=LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=100), verbose=False)
    assert history[-1].accuracy >= 0.98
    assert history[-1].lr == pytest.approx(0.1 + 0.9 / 100)


def test_three_class_spirals_reach_90_percent_validation_accuracy():
    X, y = make_spirals(150, classes=3, noise=0.1, seed=0)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, seed=0)
    model = MLP(2, [12, 12, 3], activation="tanh", init="xavier_uniform", seed=0)
    history = fit(model, X_train, y_train, loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.05),
                  epochs=30, batch_size=16, validation=(X_val, y_val), seed=0, verbose=False)
    assert history[-1].val_accuracy >= 0.9


# ----- compiled replay ------------------------------------------------------------------------
def test_compiled_fit_matches_the_dynamic_one():
    pytest.importorskip("autograd.compiler")
    X, y = _moons(24)
    runs = []
    for compiled in (False, True):
        model = MLP(2, [5, 1], seed=0)
        history = fit(model, X, y, loss="hinge", l2=1e-4, optimizer=SGD(model.parameters(), lr=0.2),
                      epochs=3, batch_size=8, seed=0, verbose=False, compile=compiled)
        runs.append((history, model.state_dict()))
    (h0, s0), (h1, s1) = runs
    assert [r.loss for r in h1] == pytest.approx([r.loss for r in h0], rel=1e-9)
    assert list(s1.values()) == pytest.approx(list(s0.values()), rel=1e-9, abs=1e-12)
