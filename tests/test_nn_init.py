"""Tests for nn.init: the schemes' ranges and spreads, seeding, and layer-level fans."""
import math
import random
import statistics

import pytest

from autograd import Value
from nn import MLP, Layer, Neuron, init


def _values(n):
    return [Value(0.0) for _ in range(n)]


def test_uniform_defaults_to_micrograds_range_and_is_seeded():
    a = [v.data for v in init.uniform_(_values(2000), seed=1)]
    assert all(-1.0 <= x <= 1.0 for x in a) and min(a) < -0.99 and max(a) > 0.99
    assert a == [v.data for v in init.uniform_(_values(2000), seed=1)]
    assert a != [v.data for v in init.uniform_(_values(2000), seed=2)]
    rng = random.Random(1)
    assert a == [rng.uniform(-1, 1) for _ in range(2000)]  # exactly random.Random's stream


def test_uniform_without_seed_uses_the_global_generator():
    random.seed(5)
    a = [v.data for v in init.uniform_(_values(5))]
    random.seed(5)
    assert a == [random.uniform(-1, 1) for _ in range(5)]


@pytest.mark.parametrize("fill, bound", [
    (lambda vs: init.xavier_uniform_(vs, 30, 10, seed=0), math.sqrt(6 / 40)),
    (lambda vs: init.xavier_uniform_(vs, 30, 10, gain=2.0, seed=0), 2 * math.sqrt(6 / 40)),
    (lambda vs: init.kaiming_uniform_(vs, 30, seed=0), math.sqrt(2) * math.sqrt(3 / 30)),
    (lambda vs: init.kaiming_uniform_(vs, 30, "tanh", seed=0), 5 / 3 * math.sqrt(3 / 30)),
])
def test_uniform_schemes_bounds(fill, bound):
    xs = [v.data for v in fill(_values(4000))]
    assert max(abs(x) for x in xs) <= bound
    assert max(abs(x) for x in xs) > 0.98 * bound  # the range is used, not a smaller one


@pytest.mark.parametrize("fill, std", [
    (lambda vs: init.xavier_normal_(vs, 30, 10, seed=0), math.sqrt(2 / 40)),
    (lambda vs: init.kaiming_normal_(vs, 30, seed=0), math.sqrt(2 / 30)),
    (lambda vs: init.kaiming_normal_(vs, 30, "linear", seed=0), math.sqrt(1 / 30)),
    (lambda vs: init.normal_(vs, mean=1.0, std=0.5, seed=0), 0.5),
])
def test_normal_schemes_spread(fill, std):
    xs = [v.data for v in fill(_values(4000))]
    assert statistics.stdev(xs) == pytest.approx(std, rel=0.05)


def test_constant_and_zeros():
    assert [v.data for v in init.constant_(_values(3), 0.5)] == [0.5] * 3
    vs = init.uniform_(_values(3), seed=0)
    assert [v.data for v in init.zeros_(vs)] == [0.0] * 3


def test_gains_follow_torch():
    assert init.calculate_gain("linear") == 1.0 and init.calculate_gain("sigmoid") == 1.0
    assert init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("leaky_relu(0.2)") == math.sqrt(2 / 1.04)


def test_layer_uses_its_own_fans():
    layer = Layer(30, 10, activation="linear", init="xavier_uniform", seed=0)
    weights = [w.data for n in layer.neurons for w in n.w]
    assert max(abs(w) for w in weights) <= math.sqrt(6 / 40)
    assert max(abs(w) for w in weights) > 0.95 * math.sqrt(6 / 40)
    lone = Neuron(30, activation="linear", init="xavier_uniform", seed=0)  # fan_out 1: a wider range
    assert max(abs(w.data) for w in lone.w) > math.sqrt(6 / 40)
    assert all(n.b.data == 0.0 for n in layer.neurons)


def test_he_follows_each_layers_activation():
    model = MLP(50, [50, 50], activation="relu", init="he", seed=0)
    hidden = [w.data for n in model.layers[0].neurons for w in n.w]
    last = [w.data for n in model.layers[1].neurons for w in n.w]
    assert statistics.stdev(hidden) == pytest.approx(math.sqrt(2 / 50), rel=0.1)
    assert statistics.stdev(last) == pytest.approx(math.sqrt(1 / 50), rel=0.1)  # linear output


@pytest.mark.parametrize("alias, name", [("he", "kaiming_normal"), ("kaiming", "kaiming_normal"),
                                         ("he_uniform", "kaiming_uniform"), ("glorot", "xavier_uniform"),
                                         ("xavier", "xavier_uniform"), ("glorot_normal", "xavier_normal"),
                                         ("micrograd", "uniform")])
def test_aliases(alias, name):
    assert init.scheme(alias) == name
    assert MLP(3, [4, 2], init=alias, seed=9).state_dict() == MLP(3, [4, 2], init=name, seed=9).state_dict()


def test_every_scheme_builds_a_reproducible_model():
    for name in init.SCHEMES:
        a = Neuron(4, init=name, seed=0).state_dict()
        assert a == Neuron(4, init=name, seed=0).state_dict()


@pytest.mark.parametrize("call, error", [
    (lambda: init.uniform_(_values(2), a=1.0, b=-1.0), ValueError),
    (lambda: init.normal_(_values(2), std=-1.0), ValueError),
    (lambda: init.xavier_uniform_(_values(2), 0, 3), ValueError),
    (lambda: init.kaiming_normal_(_values(2), 2.5), ValueError),
    (lambda: init.kaiming_normal_(_values(2), 2, "gelu"), ValueError),
    (lambda: init.uniform_(_values(2), seed=1.5), TypeError),
    (lambda: init.scheme(3), TypeError),
])
def test_bad_arguments(call, error):
    with pytest.raises(error):
        call()


def test_fans_may_be_numpy_ints_as_read_off_an_array_shape():
    np = pytest.importorskip("numpy")
    shape = np.zeros((3, 4)).shape  # plain ints; a NumPy int comes from arithmetic on them
    fan_in, fan_out = np.int64(shape[0]), np.int64(shape[1])
    got = [v.data for v in init.xavier_uniform_([Value(0.0) for _ in range(12)], fan_in, fan_out, seed=0)]
    assert got == [v.data for v in init.xavier_uniform_([Value(0.0) for _ in range(12)], 3, 4, seed=0)]
    assert [v.data for v in init.kaiming_normal_([Value(0.0)] * 2, fan_in, seed=1)] == \
        [v.data for v in init.kaiming_normal_([Value(0.0)] * 2, 3, seed=1)]
