"""Validate first, then change: every bad call named in issue 12 fails before it changes anything."""
import copy
import math

import pytest

from autograd import Value
from nn import (MLP, SGD, Adam, ExponentialLR, LambdaLR, LinearLR, StepLR, fit, init, load_csv, make_blobs,
                make_moons, make_spirals, make_xor, predict, train_test_split)
from nn.activation import activation


def _snapshot(model, optimizer=None, scheduler=None):
    return (model.state_dict(), None if optimizer is None else copy.deepcopy(optimizer.state_dict()),
            None if scheduler is None else (scheduler.state_dict(), optimizer.lr))


def _setup():
    X, y = make_moons(20, noise=0.1, seed=0)
    model = MLP(2, [3, 1], seed=0)
    optimizer = Adam(model.parameters(), lr=0.1)
    return X, y, model, optimizer


NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("change, error, match", [
    (lambda X, y, kw: (X[:-1] + [[0.5]], y, kw), ValueError, "row 19 has 1 values"),            # ragged last row
    (lambda X, y, kw: (X, y[:-1] + [7], kw), ValueError, "target 19"),                           # bad last label
    (lambda X, y, kw: (X, y, {**kw, "validation": (X[:3], [0, 1, 5])}), ValueError, "validation y: .*target 2"),
    (lambda X, y, kw: (X, y, {**kw, "validation": (X[:2] + [[1.0]], [0, 1, 0])}), ValueError, "validation"),
    (lambda X, y, kw: (X, y, {**kw, "validation": (X[:2] + [[INF, 0.0]], [0, 1, 0])}), ValueError,
     r"validation.*row 2, column 0 is inf"),
    (lambda X, y, kw: (X[:7] + [[NAN, 0.0]] + X[8:], y, kw), ValueError, r"row 7, column 0 is nan"),
    (lambda X, y, kw: (X, y, {**kw, "verbose": 0.5}), TypeError, "verbose"),
    (lambda X, y, kw: (X, y, {**kw, "scheduler": "step"}), TypeError, "scheduler"),
    (lambda X, y, kw: (X, y, {**kw, "threshold": "x"}), TypeError, "threshold"),
    (lambda X, y, kw: (X, y, {**kw, "l2": NAN}), ValueError, "l2"),  # the right type, a wrong value
    (lambda X, y, kw: (X, y, {**kw, "l2": -1.0}), ValueError, "l2"),
    (lambda X, y, kw: (X, y, {**kw, "optimizer": "sgd"}), TypeError, "optimizer"),
    (lambda X, y, kw: (X, y, {**kw, "compile": "yes"}), TypeError, "compile"),
    (lambda X, y, kw: (X, y, {**kw, "seed": 1.5}), TypeError, "seed"),
    (lambda X, y, kw: (X, y, {**kw, "epochs": 10 ** 30}), ValueError, "at most 1,000,000"),
    (lambda X, y, kw: (X, y, {**kw, "loss": "l1"}), ValueError, "loss"),
])
def test_fit_rejects_before_the_first_step(change, error, match):
    X, y, model, optimizer = _setup()
    scheduler = StepLR(optimizer, step_size=1, gamma=0.5)
    X, y, kwargs = change(X, y, {"loss": "bce_with_logits", "optimizer": optimizer, "scheduler": scheduler,
                                 "epochs": 2, "verbose": False})
    before = _snapshot(model, optimizer, scheduler)
    with pytest.raises(error, match=match) as info:
        fit(model, X, y, **kwargs)
    assert str(info.value).startswith("fit: ")
    assert _snapshot(model, optimizer, scheduler) == before


def test_fit_needs_a_model():
    X, y, _, _ = _setup()
    with pytest.raises(TypeError, match="fit: model must be a Module"):
        fit(None, X, y, "hinge")


def test_a_loss_that_turns_nan_mid_training_stops_naming_epoch_and_step():
    X, y, model, optimizer = _setup()
    calls = []

    def loss(outputs, targets):
        if len(outputs) == 4:  # a training batch (fit's label check passes one row at a time)
            calls.append(1)
        value = sum(((o - t) ** 2 for o, t in zip(outputs, targets)), Value(0.0))
        return value * NAN if len(calls) == 3 else value

    with pytest.raises(FloatingPointError, match=r"epoch 1, step 3: the training loss is nan") as info:
        fit(model, X, y, loss, optimizer=optimizer, batch_size=4, epochs=2, verbose=False, seed=0)
    assert "not updated" in str(info.value)
    assert all(math.isfinite(p.data) for p in model.parameters())


def test_a_row_is_a_list_not_a_dict_or_a_string():
    model = MLP(2, [1], seed=0)
    for row in ({0: 5.0, 1: 7.0}, "57", {5.0, 7.0}):
        with pytest.raises(TypeError, match="MLP takes a list of 2"):
            model(row)
    with pytest.raises(TypeError, match="MLP: input row"):
        model([1.0, "x"])


def test_predict_split_and_csv_argument_types(tmp_path):
    model = MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match="predict: labels"):
        predict(model, [[1.0, 2.0]], labels=())
    with pytest.raises(TypeError, match="train_test_split: argument 0"):
        train_test_split({0: [1.0], 1: [2.0]})
    for fd in (0, 123):          # an int is a file descriptor to open(): refused, stdin untouched
        with pytest.raises(TypeError, match="load_csv: path"):
            load_csv(fd)
    path = tmp_path / "data.bin"
    path.write_bytes(b"x,y\n1,2\n3,\x80\x81\n")
    with pytest.raises(ValueError, match=r"data.bin, line 3: not UTF-8"):
        load_csv(path)
    path.write_bytes(b"1,2\n3,4\x00\x00\n")
    with pytest.raises(ValueError, match=r"data.bin, line 2: a NUL byte"):
        load_csv(path)


def test_init_checks_the_whole_list_before_writing():
    values = [Value(1.0), Value(2.0), 3.0, Value(4.0)]
    for call in (lambda: init.uniform_(values, seed=0), lambda: init.normal_(values, seed=0),
                 lambda: init.constant_(values, 0.5), lambda: init.zeros_(values),
                 lambda: init.xavier_uniform_(values, 2, 2, seed=0), lambda: init.kaiming_normal_(values, 2, seed=0)):
        with pytest.raises(TypeError, match=r"values\[2\] is a float"):
            call()
        assert [values[0].data, values[1].data, values[3].data] == [1.0, 2.0, 4.0]
    v = [Value(0.0)]
    for call, match in [(lambda: init.constant_(v, "0.5"), "val"), (lambda: init.normal_(v, mean=1j), "mean"),
                        (lambda: init.uniform_(v, 0.0, NAN), "b"), (lambda: init.normal_(v, std=-1.0), "std")]:
        with pytest.raises((TypeError, ValueError), match=match):
            call()
        assert v[0].data == 0.0


def test_numpy_scalar_bounds_become_floats():
    np = pytest.importorskip("numpy")
    v = [Value(0.0), Value(0.0)]
    init.uniform_(v, np.float64(-1.0), np.float32(1.0), seed=0)
    init.constant_(v[:1], np.float64(0.25))
    assert [type(x.data) for x in v] == [float, float] and v[0].data == 0.25


def test_adam_load_state_dict_refuses_half_a_state():
    p = Value(1.0)
    opt = Adam([p], lr=0.1)
    p.grad = 0.5
    opt.step()
    state = opt.state_dict()
    before = copy.deepcopy(state)
    with pytest.raises(ValueError, match=r"state_dict\['state'\]\[0\] must be \{\}"):
        opt.load_state_dict({**state, "state": [{"step": 1, "exp_avg": 0.1}]})
    old_format = {**state, "state": {"exp_avg": [0.1], "exp_avg_sq": None}}  # before per-parameter state
    with pytest.raises(ValueError, match="all be lists or all be None"):
        opt.load_state_dict(old_format)
    assert opt.state_dict() == before
    opt.step()  # still works


@pytest.mark.parametrize("make, match", [
    (lambda opt: StepLR(opt, 1, gamma=-0.5), "gamma"),
    (lambda opt: ExponentialLR(opt, gamma=-1.0), "gamma"),
    (lambda opt: LinearLR(opt, start_factor=-1.0), "start_factor"),
    (lambda opt: LambdaLR(opt, lambda epoch: NAN), r"lr_lambda\(0\) is nan"),
    (lambda opt: LambdaLR(opt, lambda epoch: -1.0), r"lr_lambda\(0\) is -1.0"),
])
def test_schedules_refuse_negative_and_non_finite_factors(make, match):
    opt = SGD([Value(0.0)], lr=0.1)
    with pytest.raises(ValueError, match=match):
        make(opt)
    assert opt.lr == 0.1


def test_a_lambda_turning_inf_later_changes_nothing():
    opt = SGD([Value(0.0)], lr=0.1)
    sched = LambdaLR(opt, lambda epoch: 1.0 if epoch < 2 else INF)
    sched.step()
    with pytest.raises(ValueError, match=r"LambdaLR: lr_lambda\(2\) is inf"):
        sched.step()
    assert (opt.lr, sched.last_epoch) == (0.1, 1)


def test_leaky_relu_slope_must_be_finite_and_is_kept_exactly(tmp_path):
    for spec in ("leaky_relu(nan)", "leaky_relu(inf)", "leaky_relu(-inf)"):
        with pytest.raises(ValueError, match="finite"):
            activation(spec)
    model = MLP(2, [3, 1], activation="leaky_relu(0.123456789)", seed=0)
    model.save(tmp_path / "m.json")
    assert MLP.load(tmp_path / "m.json").layers[0].activation == "leaky_relu(0.123456789)"


@pytest.mark.parametrize("call, match", [
    (lambda: MLP(10 ** 30, [1]), "MLP: nin .* at most 1,000,000"),
    (lambda: MLP(2, [10 ** 30]), "MLP: each entry of nouts .* at most 1,000,000"),
    (lambda: MLP(5000, [5000]), "at most 10,000,000"),
    (lambda: make_xor(10 ** 30), "make_xor: n .* at most 1,000,000"),
    (lambda: make_spirals(30, classes=10 ** 30), "make_spirals: classes .* at most"),
    (lambda: make_blobs(30, centers=10 ** 30), "make_blobs: centers .* at most"),
])
def test_absurd_sizes_are_refused_up_front_stating_the_bound(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_zero_grad_set_to_none_and_optimizers_skip_missing_gradients():
    model = MLP(1, [1], seed=0)
    model.zero_grad(set_to_none=True)
    assert all(p.grad is None for p in model.parameters())
    with pytest.raises(TypeError, match="set_to_none"):
        model.zero_grad(set_to_none="yes")
    for make in (lambda ps: SGD(ps, lr=0.1), lambda ps: SGD(ps, lr=0.1, momentum=0.9),
                 lambda ps: Adam(ps, lr=0.1)):
        a, b = Value(1.0), Value(1.0)
        opt = make([a, b])
        for _ in range(2):
            a.grad, b.grad = None, 0.5
            opt.step()
        assert a.data == 1.0 and b.data < 1.0
        # b moved exactly as it does alone: a's missing gradient touched nothing of b's.
        alone = Value(1.0)
        opt_alone = make([alone])
        for _ in range(2):
            alone.grad = 0.5
            opt_alone.step()
        assert b.data == alone.data
    opt = SGD([a, b], lr=0.1)
    opt.zero_grad(set_to_none=True)
    assert a.grad is None and b.grad is None


@pytest.mark.parametrize("compile", [False, True])
def test_an_overflowing_loss_stops_before_the_step_compiled_or_not(compile):
    model = MLP(1, [1], seed=0)
    before = model.state_dict()
    with pytest.raises(FloatingPointError, match="fit: epoch 1, step 1: the training loss is inf"):
        fit(model, [[1e200]], [0.0], loss="mse", optimizer=SGD(model.parameters(), lr=1.0), verbose=False,
            compile=compile)
    assert model.state_dict() == before
