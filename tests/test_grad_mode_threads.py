"""Grad mode belongs to a thread (as in PyTorch): no_grad in one thread never affects another."""
import threading

from autograd import Value, enable_grad, is_grad_enabled, no_grad


def _run(*targets):
    """Start every target in its own thread, wait for all, re-raise the first failure."""
    errors = []

    def guarded(target):
        def run():
            try:
                target()
            except BaseException as error:  # noqa: B902 (reported in the main thread)
                errors.append(error)
        return run

    threads = [threading.Thread(target=guarded(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0]


def test_no_grad_in_another_thread_leaves_this_thread_recording():
    inside, done = threading.Event(), threading.Event()
    seen = {}

    def evaluator():
        with no_grad():
            inside.set()
            done.wait(30)
            seen["evaluator"] = is_grad_enabled()

    def trainer():
        inside.wait(30)
        x = Value(3.0)
        y = x * x + x
        seen["trainer"] = (is_grad_enabled(), y.is_leaf)
        y.backward()
        seen["grad"] = x.grad
        done.set()

    _run(evaluator, trainer)
    assert seen == {"evaluator": False, "trainer": (True, False), "grad": 7.0}


def test_interleaved_enter_and_exit_never_leave_grad_mode_off():
    # A enters, B enters, A exits, B exits: with one process-wide flag, B's exit would
    # restore the "off" that A had set, and grad mode would stay off for everybody.
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def a():
        with no_grad():
            a_in.set()
            b_in.wait(30)
        a_out.set()

    def b():
        a_in.wait(30)
        with no_grad():
            b_in.set()
            a_out.wait(30)
            assert not is_grad_enabled()

    _run(a, b)
    assert is_grad_enabled()
    x = Value(2.0)
    assert not (x * x).is_leaf
    _run(lambda: None)
    assert is_grad_enabled()


def test_a_new_thread_starts_with_grad_mode_on_even_inside_no_grad():
    seen = []
    with no_grad():
        _run(lambda: seen.append((is_grad_enabled(), (Value(1.0) * 2).is_leaf)))
        assert not is_grad_enabled()
    assert seen == [(True, False)]


def test_one_decorated_function_in_several_threads_at_once():
    barrier = threading.Barrier(4)
    results = []

    @no_grad()
    def evaluate(x):
        barrier.wait(30)  # all four are inside the same no_grad instance now
        y = Value(x) * 2
        barrier.wait(30)
        return y.is_leaf, is_grad_enabled()

    _run(*[lambda x=x: results.append(evaluate(float(x))) for x in range(4)])
    assert results == [(True, False)] * 4
    assert is_grad_enabled()


def test_training_threads_get_full_graphs_while_another_toggles_no_grad():
    stop = threading.Event()
    bad = []

    def toggler():
        while not stop.is_set():
            with no_grad():
                with enable_grad():
                    pass

    def trainer(seed):
        for k in range(300):
            w = Value(0.5 + seed)
            x = float(k % 7) - 3.0
            loss = (w * x - 1.0) ** 2
            if loss.is_leaf:
                bad.append("leaf")
                continue
            loss.backward()
            want = 2.0 * (w.data * x - 1.0) * x
            if w.grad != want:
                bad.append((w.grad, want))

    def trainers():
        try:
            _run(lambda: trainer(0), lambda: trainer(1))
        finally:
            stop.set()

    _run(toggler, trainers)
    assert bad == []
    assert is_grad_enabled()


def test_a_with_block_left_in_another_thread_says_what_to_do_instead():
    from autograd import grad_mode

    def batches():
        with no_grad():  # suspended inside the block: the starting thread's mode stays off
            yield 1
            yield 2

    errors, seen = [], []

    def starter():
        it = batches()
        next(it)
        finisher = threading.Thread(target=lambda: _finish(it, errors))
        finisher.start()
        finisher.join()
        grad_mode._set_enabled(True)  # this thread's mode, left off by the block it never left

    @no_grad()
    def decorated():
        yield is_grad_enabled()

    def resume(it):
        seen.append((next(it), is_grad_enabled()))

    t = threading.Thread(target=starter)
    t.start()
    t.join()
    assert len(errors) == 1 and isinstance(errors[0], RuntimeError)
    assert "entered in another thread" in str(errors[0]) and "@no_grad()" in str(errors[0])
    # What the message advises works: a decorated generator resumed in another thread.
    it = decorated()
    t = threading.Thread(target=resume, args=(it,))
    t.start()
    t.join()
    assert seen == [(False, True)] and is_grad_enabled() and grad_mode.all_enabled


def _finish(it, errors):
    try:
        list(it)
    except Exception as e:  # noqa: BLE001 (the test inspects it)
        errors.append(e)
