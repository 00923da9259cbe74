"""Fuzz the public `nn` API: each call gets one argument replaced by an odd value. A rejected call
must raise a clear TypeError/ValueError naming the function and the argument, and change nothing
(parameters, optimizer and schedule state); no internal AttributeError/IndexError/KeyError leaks,
and nothing hangs (every size is bounded)."""
import copy
import math
import re

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import nn  # noqa: E402
from autograd import Value  # noqa: E402
from nn import init  # noqa: E402


def _odd_values():
    """Made fresh for each example: some are mutable, and a call may keep what it is given."""
    nan, inf = math.nan, math.inf
    return [None, True, False, 0, -1, 3, 2.5, -0.5, nan, inf, -inf, 10 ** 30, -10 ** 30, 1j, "x", "", "relu",
            "leaky_relu(nan)", b"x", [], [0], [1.0, 2.0], [[1.0, 2.0], [1.0]], [[nan, 1.0]], [[1.0, 2.0]],
            {}, {0: 1.0, 1: 2.0}, {1.0}, (1.0, 2.0), (), object(), Value(1.0), [Value(1.0)], [1, "a"],
            lambda *args: 1.0, lambda *args: nan]


_SAVED = []


class World:
    """A small, valid setting for every call: a model, its optimizer and schedule, some data."""

    def __init__(self, tmp_path):
        self.model = nn.MLP(2, [3, 1], seed=0)
        self.optimizer = nn.SGD(self.model.parameters(), lr=0.1, momentum=0.5)
        self.scheduler = nn.StepLR(self.optimizer, step_size=1, gamma=0.5)
        self.X, self.y = nn.make_moons(8, noise=0.1, seed=0)
        self.values = [Value(0.5), Value(0.25)]  # probabilities, for binary_cross_entropy
        self.path = tmp_path / "m.json"
        if not _SAVED:  # save (with its fsync) once; later worlds copy the bytes
            self.model.save(self.path)
            _SAVED.append(self.path.read_bytes())
        self.path.write_bytes(_SAVED[0])
        self.csv = tmp_path / "d.csv"
        self.csv.write_text("a,b,c\n1,2,0\n3,4,1\n")

    def state(self):
        return (self.model.state_dict(), copy.deepcopy(self.optimizer.state_dict()),
                self.scheduler.state_dict(), self.optimizer.lr, [v.data for v in self.values],
                self.path.read_bytes())


# (names a message may use for the function, the call, its valid keyword arguments)
CASES = [
    (("MLP",), lambda w, **k: nn.MLP(**k), dict(nin=2, nouts=[3, 1], activation="relu", init="uniform", seed=0)),
    (("Layer",), lambda w, **k: nn.Layer(**k), dict(nin=2, nout=3, activation="tanh", init="he", seed=0)),
    (("Neuron",), lambda w, **k: nn.Neuron(**k), dict(nin=2, activation="relu", init="uniform", seed=0)),
    (("MLP",), lambda w, **k: w.model(**k), dict(x=[1.0, 2.0])),
    (("load_state_dict",), lambda w, **k: w.model.load_state_dict(**k),
     dict(state_dict=nn.MLP(2, [3, 1], seed=1).state_dict(), strict=True)),
    (("zero_grad",), lambda w, **k: w.model.zero_grad(**k), dict(set_to_none=False)),
    (("train",), lambda w, **k: w.model.train(**k), dict(mode=True)),
    (("uniform_",), lambda w, **k: init.uniform_(**k), dict(values=None, a=-1.0, b=1.0, seed=0)),
    (("normal_",), lambda w, **k: init.normal_(**k), dict(values=None, mean=0.0, std=1.0, seed=0)),
    (("constant_",), lambda w, **k: init.constant_(**k), dict(values=None, val=0.5)),
    (("xavier_uniform_",), lambda w, **k: init.xavier_uniform_(**k),
     dict(values=None, fan_in=2, fan_out=2, gain=1.0, seed=0)),
    (("kaiming_normal_",), lambda w, **k: init.kaiming_normal_(**k),
     dict(values=None, fan_in=2, nonlinearity="relu", seed=0)),
    (("SGD",), lambda w, **k: nn.SGD(**k),
     dict(params=None, lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=False)),
    (("Adam",), lambda w, **k: nn.Adam(**k), dict(params=None, lr=0.1, betas=(0.9, 0.999), eps=1e-8,
                                                 weight_decay=0.0)),
    (("SGD.load_state_dict",), lambda w, **k: w.optimizer.load_state_dict(**k), dict(state=None)),
    (("StepLR",), lambda w, **k: nn.StepLR(**k), dict(optimizer=None, step_size=2, gamma=0.5)),
    (("ExponentialLR",), lambda w, **k: nn.ExponentialLR(**k), dict(optimizer=None, gamma=0.5)),
    (("LinearLR",), lambda w, **k: nn.LinearLR(**k),
     dict(optimizer=None, start_factor=1.0, end_factor=0.1, total_iters=5)),
    (("LambdaLR",), lambda w, **k: nn.LambdaLR(**k), dict(optimizer=None, lr_lambda=lambda e: 0.5 ** e)),
    (("StepLR.load_state_dict",), lambda w, **k: w.scheduler.load_state_dict(**k), dict(state=None)),
    (("make_xor",), lambda w, **k: nn.make_xor(**k), dict(n=8, noise=0.1, seed=0)),
    (("make_moons",), lambda w, **k: nn.make_moons(**k), dict(n=8, noise=0.1, seed=0)),
    (("make_circles",), lambda w, **k: nn.make_circles(**k), dict(n=8, noise=0.1, factor=0.5, seed=0)),
    (("make_spirals",), lambda w, **k: nn.make_spirals(**k), dict(n=9, classes=3, noise=0.1, seed=0)),
    (("make_blobs",), lambda w, **k: nn.make_blobs(**k),
     dict(n=8, centers=2, std=1.0, box=(-1.0, 1.0), seed=0)),
    (("make_curve",), lambda w, **k: nn.make_curve(**k),
     dict(n=8, fn=math.sin, low=-1.0, high=1.0, noise=0.1, seed=0)),
    (("train_test_split",), lambda w, arrays, **k: nn.train_test_split(*arrays, **k),
     dict(arrays=None, test_size=0.25, seed=0, shuffle=True)),
    (("DataLoader",), lambda w, **k: list(nn.DataLoader(**k)),
     dict(X=None, y=None, batch_size=3, shuffle=True, seed=0, drop_last=False)),
    (("fit",), lambda w, **k: nn.fit(**k),
     dict(model=None, X=None, y=None, loss="hinge", optimizer=None, epochs=1, batch_size=4, validation=None,
          seed=0, verbose=False, compile=False, scheduler=None, l2=0.0, threshold="auto")),
    (("evaluate",), lambda w, **k: nn.evaluate(**k), dict(model=None, X=None, y=None, loss="mse", threshold="auto")),
    (("accuracy",), lambda w, **k: nn.accuracy(**k), dict(model=None, X=None, y=None, threshold=0.0)),
    (("predict",), lambda w, **k: nn.predict(**k), dict(model=None, X=None, threshold=0.0, labels=(0, 1))),
    (("save",), lambda w, **k: nn.save(**k), dict(model=None, path=None)),
    (("load",), lambda w, **k: nn.load(**k), dict(path=None)),
    (("load_csv",), lambda w, **k: nn.load_csv(**k), dict(path=None, target=-1, header=None, delimiter=",")),
    (("activation",), lambda w, **k: nn.activation(**k), dict(name="leaky_relu(0.2)")),
    (("mse_loss",), lambda w, **k: nn.mse_loss(**k), dict(input=None, target=[0.0, 1.0], reduction="mean")),
    (("binary_cross_entropy",), lambda w, **k: nn.binary_cross_entropy(**k),
     dict(input=None, target=[0.0, 1.0], reduction="sum")),
    (("binary_cross_entropy_with_logits",), lambda w, **k: nn.binary_cross_entropy_with_logits(**k),
     dict(input=None, target=[0.0, 1.0], reduction="none")),
    (("hinge_loss",), lambda w, **k: nn.hinge_loss(**k), dict(input=None, target=[1, -1], reduction="mean")),
    (("cross_entropy",), lambda w, **k: nn.cross_entropy(**k), dict(input=None, target=1, reduction="mean")),
    (("softmax",), lambda w, **k: nn.softmax(**k), dict(logits=None)),
    (("log_softmax",), lambda w, **k: nn.log_softmax(**k), dict(logits=None)),
    (("l2_penalty",), lambda w, **k: nn.l2_penalty(**k), dict(params=None, alpha=1e-4)),
    (("batch_loss", "mse_loss", "MLP"), lambda w, **k: nn.batch_loss(**k),  # it calls the model and the loss
     dict(model=None, loss=nn.mse_loss, xb=[[1.0, 2.0]], yb=[0.5], l2=0.0)),
]
# Arguments whose valid value comes from the world (None in the table above).
WORLD = {
    "values": lambda w: w.values, "params": lambda w: w.model.parameters(), "optimizer": lambda w: w.optimizer,
    "model": lambda w: w.model, "X": lambda w: w.X, "y": lambda w: w.y, "arrays": lambda w: (w.X, w.y),
    "path": lambda w: w.path, "state": lambda w: None,
    "input": lambda w: w.values, "logits": lambda w: w.values,
}
# Words a message may use for an argument instead of its name (a mismatch of input and target
# may name either; batch_loss passes xb and yb on to the model and the loss).
ALIASES = {"arrays": ("argument",), "name": ("activation",), "x": ("input", "inputs", "row"), "X": ("row",),
           "state": ("state_dict",), "params": ("param",), "path": ("file", "not a regular file"),
           "xb": ("input", "inputs", "row"), "yb": ("target",), "input": ("target",)}


def _valid(world, name, kwargs, key):
    value = kwargs[key]
    if value is None and key in WORLD:
        if key == "state":  # the object's own state_dict
            return (world.optimizer if name.startswith("SGD") else world.scheduler).state_dict()
        if key == "path":
            return world.csv if name == "load_csv" else world.path
        return WORLD[key](world)
    if key == "optimizer" and name in ("fit",):
        return None
    return value


@settings(max_examples=500, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_every_rejected_call_is_clear_and_changes_nothing(tmp_path, monkeypatch, data):
    monkeypatch.chdir(tmp_path)  # a path like "x" that is accepted is written here, not in the checkout
    names, call, kwargs = data.draw(st.sampled_from(CASES), label="call")
    key = data.draw(st.sampled_from(sorted(kwargs)), label="argument")
    world = World(tmp_path)
    args = {k: _valid(world, names[0], kwargs, k) for k in kwargs}
    args[key] = data.draw(st.sampled_from(_odd_values()), label="value")
    before = world.state()
    try:
        call(world, **args)
    except (TypeError, ValueError, FileNotFoundError, IsADirectoryError) as e:
        message = str(e)
        about_the_file = "path" in args and str(args["path"]) in message  # what the file holds, named
        assert about_the_file or any(n in message for n in names), message
        assert about_the_file or any(re.search(rf"\b{re.escape(word)}\b", message)
                                     for word in (key, *ALIASES.get(key, ()))), message
        assert world.state() == before, message
    # Anything else (AttributeError, IndexError, KeyError, ZeroDivisionError...) fails the test.


NUMBERS = {"lr", "momentum", "dampening", "weight_decay", "eps", "gamma", "start_factor", "end_factor", "noise",
           "std", "factor", "low", "high", "a", "b", "mean", "val", "gain", "alpha", "l2", "threshold", "test_size"}
SIZES = {"nin", "nout", "n", "classes", "step_size", "total_iters", "epochs", "batch_size", "fan_in", "fan_out"}
NONE_ALLOWED = {"threshold", "batch_size"}


def test_non_finite_or_non_numeric_numbers_and_absurd_sizes_are_never_accepted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    checked = 0
    for names, call, kwargs in CASES:
        for key in sorted(kwargs.keys() & (NUMBERS | SIZES)):
            bad = [math.nan, math.inf, -math.inf, "x", 1j, [], True]
            bad += [10 ** 30, -1, 2.5] if key in SIZES else []
            bad += [] if key in NONE_ALLOWED else [None]
            for value in bad:
                world = World(tmp_path)
                args = {k: _valid(world, names[0], kwargs, k) for k in kwargs}
                args[key] = value
                before = world.state()
                with pytest.raises((TypeError, ValueError)):
                    call(world, **args)
                assert world.state() == before, (names[0], key, value)
                checked += 1
    assert checked > 300
