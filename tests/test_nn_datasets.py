"""Tests for nn.datasets: shapes, labels, geometry, seeding."""
import math
import random

import pytest

from nn import make_blobs, make_circles, make_curve, make_moons, make_spirals, make_xor

MAKERS = [
    lambda seed: make_xor(10, noise=0.1, seed=seed),
    lambda seed: make_moons(50, noise=0.1, seed=seed),
    lambda seed: make_circles(50, noise=0.05, seed=seed),
    lambda seed: make_spirals(60, classes=3, seed=seed),
    lambda seed: make_blobs(50, centers=3, seed=seed),
    lambda seed: make_curve(20, noise=0.1, seed=seed),
]


@pytest.mark.parametrize("make", MAKERS)
def test_seeded_reproducible_and_plain_python(make):
    X, y = make(0)
    assert (X, y) == make(0)
    assert X != make(1)[0]
    assert all(type(row) is list and all(type(c) is float for c in row) for row in X)
    assert len(X) == len(y)


@pytest.mark.parametrize("make", MAKERS)
def test_without_seed_the_global_generator_decides(make):
    random.seed(3)
    first = make(None)
    random.seed(3)
    assert make(None) == first


def test_xor_truth_table_and_noise():
    assert make_xor() == ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    X, y = make_xor(40, noise=0.1, seed=0)
    assert y == [0, 1, 1, 0] * 10
    assert all(round(x[0]) != round(x[1]) for x, label in zip(X, y) if label == 1)


def test_moons_geometry_without_noise():
    X, y = make_moons(100, seed=0)
    assert y.count(0) == y.count(1) == 50
    for (a, b), label in zip(X, y):
        if label == 0:
            assert math.hypot(a, b) == pytest.approx(1.0) and b >= -1e-12
        else:
            assert math.hypot(a - 1.0, b - 0.5) == pytest.approx(1.0) and b <= 0.5 + 1e-12


def test_circles_radii():
    X, y = make_circles(20, factor=0.3, seed=0)
    for x, label in zip(X, y):
        assert math.hypot(*x) == pytest.approx(1.0 if label == 0 else 0.3)
    with pytest.raises(ValueError, match="factor"):
        make_circles(10, factor=1.5)


def test_spirals_classes_and_radius():
    X, y = make_spirals(100, classes=4, seed=0)
    assert [y.count(k) for k in range(4)] == [25, 25, 25, 25]
    assert all(math.hypot(*x) <= 1.0 + 1e-12 for x in X)


def test_blobs_centers_and_spread():
    X, y = make_blobs(300, centers=[[0.0, 0.0], [10.0, 10.0]], std=0.5, seed=0)
    assert y.count(0) == y.count(1) == 150
    for k, center in enumerate([[0.0, 0.0], [10.0, 10.0]]):
        points = [x for x, label in zip(X, y) if label == k]
        mean = [sum(c) / len(points) for c in zip(*points)]
        assert mean == pytest.approx(center, abs=0.15)
    X, y = make_blobs(30, centers=3, box=(-1.0, 1.0), std=0.0, seed=0)
    assert len(set(map(tuple, X))) == 3 and all(-1 <= c <= 1 for x in X for c in x)
    X, y = make_blobs(9, centers=[[0.0, 0.0, 1.0]], std=0.0, seed=0)
    assert X == [[0.0, 0.0, 1.0]] * 9


def test_curve_targets():
    X, y = make_curve(50, fn=math.sin, low=-1.0, high=1.0, seed=0)
    assert all(len(x) == 1 and -1.0 <= x[0] <= 1.0 for x in X)
    assert y == [math.sin(x[0]) for x in X]


@pytest.mark.parametrize("call, error", [
    (lambda: make_moons(0), ValueError), (lambda: make_moons(10, noise=-0.1), ValueError),
    (lambda: make_spirals(10, classes=0), ValueError), (lambda: make_blobs(10, centers=[]), ValueError),
    (lambda: make_blobs(10, centers=[[0.0], [1.0, 2.0]]), ValueError), (lambda: make_curve(5, fn=3), TypeError),
    (lambda: make_xor(4, seed="a"), TypeError), (lambda: make_moons(2.5), ValueError),
])
def test_bad_arguments(call, error):
    with pytest.raises(error):
        call()


@pytest.mark.parametrize("bad", ["0.5", None, True, 1j])
def test_make_curve_refuses_a_fn_that_returns_no_number(bad):
    with pytest.raises(TypeError, match=r"make_curve: fn\(.*\) must return a number, got " + type(bad).__name__):
        make_curve(3, fn=lambda x: bad, seed=0)


def test_make_curve_takes_a_fn_that_returns_a_value():
    from autograd import Value
    X, y = make_curve(4, fn=lambda x: Value(x).tanh(), seed=0)
    assert y == [math.tanh(x) for (x,) in X] and all(type(t) is float for t in y)


def test_a_numpy_int_seed_is_the_same_seed_as_the_int():
    np = pytest.importorskip("numpy")
    from nn import MLP, DataLoader
    assert make_moons(20, noise=0.1, seed=np.int64(3)) == make_moons(20, noise=0.1, seed=3)
    assert MLP(2, [3, 1], seed=np.int32(3)).state_dict() == MLP(2, [3, 1], seed=3).state_dict()
    X = [[float(i)] for i in range(10)]
    assert list(DataLoader(X, X, batch_size=3, seed=np.uint8(7))) == list(DataLoader(X, X, batch_size=3, seed=7))
    with pytest.raises(TypeError, match="seed must be None, an int or a random.Random, got float"):
        make_moons(20, seed=np.float64(3.0))
