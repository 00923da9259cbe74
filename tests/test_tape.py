"""The tape: backward runs down the values in creation order, and searches the graph for
values made before the last pass. Both routes must give the same numbers, bit for bit."""
import collections
import math
import random
import sys
import threading

import pytest
from hypothesis import assume, given, settings

from autograd import Value, grad, no_grad, tape, topological_order
from test_properties import inputs, programs, run


def every_grad(out):
    return [v.grad for v in topological_order(out)]


def same(xs, ys):
    """Equal bit for bit (the sign of a zero included), NaN where NaN."""
    def bits(v):
        return "nan" if math.isnan(v) else v.hex()
    return [bits(x) for x in xs] == [bits(y) for y in ys]


@settings(max_examples=150, deadline=None)
@given(programs(), inputs, inputs, inputs)
def test_down_the_tape_and_by_search_give_the_same_bits(program, a, b, c):
    fresh = run(program, Value(a), Value(b), Value(c))
    fresh.backward()  # made since the last pass: runs down the tape
    older = run(program, Value(a), Value(b), Value(c))
    (Value(1.0) * 2.0).backward()  # another graph's pass takes the tape: `older` is from before it
    older.backward()  # searches
    assert same(every_grad(fresh), every_grad(older))


@settings(max_examples=100, deadline=None)
@given(programs(), inputs, inputs, inputs)
def test_a_graph_grown_from_an_earlier_pass_gets_the_gradient_of_the_whole(program, a, b, c):
    xs = [Value(a), Value(b), Value(c)]
    half = run(program, *xs)
    half.backward()  # its values leave the tape
    try:
        whole = run(program, half, xs[1], half * xs[0])  # half the values are new, half earlier
    except (ArithmeticError, ValueError):  # the program run twice over: exp(exp(...)) may overflow
        assume(False)
    for x in xs:
        x.grad = 0.0
    whole.backward()
    ys = [Value(a), Value(b), Value(c)]
    half_again = run(program, *ys)
    half_again.backward()
    reference = run(program, half_again, ys[1], half_again * ys[0])
    for y in ys:
        y.grad = 0.0
    tape.take()  # the reference is found by searching alone: an independent route
    reference.backward()
    assert same([x.grad for x in xs], [y.grad for y in ys])
    assert same([half.grad], [half_again.grad])  # an earlier value shows this pass only


def test_another_graphs_values_keep_their_grads():
    x = Value(2.0)
    other = x * 3.0
    other.grad = 5.0  # as explain(..., apply=True) or a user may set it
    loss = x * x
    loss.backward()  # the tape holds `other` too; this pass must not reset it
    assert other.grad == 5.0 and x.grad == 4.0


def test_backward_twice_accumulates_into_leaves_and_resets_interior_values():
    x = Value(1.5)
    h = x.tanh()
    y = h * h
    y.backward()
    first = (x.grad, h.grad)
    y.backward()  # now from before the last pass: found by searching
    assert x.grad == 2 * first[0] and h.grad == first[1]


def test_a_leaf_with_no_gradient_yet_starts_from_zero():
    w = Value(3.0)
    w.zero_grad(set_to_none=True)
    (w * w + w).backward()
    assert w.grad == 7.0


def test_no_grad_results_are_not_recorded():
    tape.take()
    x = Value(1.0)
    with no_grad():
        for _ in range(10):
            x = x * 2.0
    assert tape.take() == []


def test_backward_leaves_the_tape_empty_so_nothing_keeps_a_graph_alive():
    x = Value(1.0)
    y = x * 2.0 + 1.0
    before = sys.getrefcount(y)
    y.backward()
    assert len(tape._recorded) == 0
    assert sys.getrefcount(y) == before - 1  # the tape's reference is gone


def test_the_tape_holds_at_most_its_limit():
    x = Value(1.0)
    tape.take()
    with_limit = tape._recorded.maxlen
    for _ in range(with_limit // 2 + 10):
        x = x * 1.0 + 0.0
    assert len(tape._recorded) == with_limit
    tape.take()


def test_a_graph_longer_than_the_tape_is_searched_for(monkeypatch):
    small = collections.deque(maxlen=50)
    monkeypatch.setattr(tape, "_recorded", small)
    monkeypatch.setattr("autograd.value.record", small.append)
    x = Value(0.3)
    y = x
    for _ in range(200):  # 400 values: the oldest 350 fall off the tape
        y = (y * 0.9).tanh()
    y.backward()
    monkeypatch.undo()
    x2 = Value(0.3)
    y2 = x2
    for _ in range(200):
        y2 = (y2 * 0.9).tanh()
    y2.backward()
    assert x.grad == x2.grad != 0.0


def test_threads_each_differentiate_their_own_graphs():
    def step(seed):
        w = [Value(seed + k / 10) for k in range(5)]
        s = w[0]
        for wk in w[1:]:
            s = (s * wk).tanh() + wk
        s.backward()
        return [wk.grad for wk in w]

    expected = {seed: step(seed) for seed in range(4)}
    results, errors = collections.defaultdict(list), []
    start = threading.Barrier(4)

    def worker(seed):
        try:
            start.wait(10)
            for _ in range(300):
                results[seed].append(step(seed))
        except BaseException as error:  # noqa: B902 (reported in the main thread)
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(4)]
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: interleave the graphs
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        sys.setswitchinterval(old)
    assert not errors and not any(t.is_alive() for t in threads)
    for seed, runs in results.items():
        assert len(runs) == 300 and all(r == expected[seed] for r in runs)


@pytest.mark.parametrize("depth", [10, 100_000])
def test_a_deep_chain_runs_down_the_tape_without_recursion(depth):
    x = Value(0.5)
    y = x
    for _ in range(depth):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_the_compilers_trace_is_not_kept_on_the_tape():
    from autograd import compile
    w = Value(0.5)
    step = compile(lambda xb, yb: sum(((w * x[0] - y) ** 2 for x, y in zip(xb, yb)), Value(0.0)), params=[w])
    tape.take()
    step([[1.0], [2.0]], [1.0, 3.0])  # traces: a graph built only to be read
    held = list(tape._recorded)  # (the reduction's template: a value per sample, no more)
    assert len(held) <= 2 and not any(v.op == "**" for v in held)


def test_grad_takes_the_tape_as_backward_does():
    from autograd import grad
    x = Value(0.5)
    y = (x * x).tanh()
    assert len(tape._recorded) > 0
    (dy,) = grad(y, [x])
    assert len(tape._recorded) == 0  # code that only calls grad() keeps no graph alive
    y.backward()  # now found by searching: the same number
    assert x.grad == dy


@pytest.mark.parametrize("seed", [True, False])
def test_a_bool_seed_is_refused_by_name(seed):
    y = Value(2.0) * 3.0
    with pytest.raises(TypeError, match="got bool"):
        y.backward(seed)
    y.backward()  # nothing was taken or changed by the refused call
    assert y.grad == 1.0


def test_a_graph_built_by_several_threads_adds_up_as_explain_and_the_search_do():
    import nn
    from autograd import explain
    rows = [[(i * 7 % 11) / 11 - 0.5, (i * 3 % 7) / 7 - 0.5, i / 64, -i / 64] for i in range(64)]
    labels = [i % 3 for i in range(64)]
    model = nn.MLP(4, [16, 16, 3], seed=0)
    params = model.parameters()
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns mid-forward: their values interleave
    try:
        for _ in range(5):
            outputs = [None] * len(rows)

            def forward(k):
                for i in range(k, len(rows), 4):
                    outputs[i] = model(rows[i])
            threads = [threading.Thread(target=forward, args=(k,)) for k in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            loss = nn.cross_entropy(outputs, labels)
            model.zero_grad()
            before = explain(loss)
            loss.backward()  # down the tape
            on_tape = [p.grad for p in params]
            model.zero_grad()
            loss.backward()  # again: by searching
            assert same(on_tape, [p.grad for p in params])
            assert same(on_tape, [before.grads[p] for p in params])
    finally:
        sys.setswitchinterval(old)


def test_explain_matches_backward_after_grad_took_the_tape():
    from autograd import explain, grad
    x, w = Value(0.3), Value(-1.2)
    h = x * 1.0
    grad(x * 2.0, [x])  # takes the tape: h is from before it
    terms = [(h * w + k).tanh() * 1e16 for k in range(3)] + [h * -1e16, h * 1.0]
    y = terms[0] + (terms[1] + (terms[2] + (terms[3] + terms[4])))  # sums that cancel: order shows
    e = explain(y)
    y.backward()
    assert same([x.grad, w.grad], [e.grads[x], e.grads[w]])
    assert explain(y).after_backward


def test_grad_adds_up_as_backward_does():
    # Found by a trial: grad() summed in its search's order, so two graphs in three differed
    # from backward() (and explain, and PyTorch) in the last bit
    mismatches = 0
    for seed in range(100):
        rng = random.Random(seed)
        xs = [Value(rng.uniform(-1, 1)) for _ in range(3)]
        pool = list(xs)
        for _ in range(12):
            a, b = rng.choice(pool), rng.choice(pool)
            pool.append(a * b if rng.random() < 0.5 else a + b)
        by_grad = list(grad(pool[-1], xs))
        pool[-1].backward()
        mismatches += by_grad != [x.grad for x in xs]
    assert mismatches == 0
