"""Compiling nudges the parameters for a moment (to see whether the graph reads their values)
and puts them back: a parameter written meanwhile by another thread (an optimizer's step)
keeps that write. It was undone: the first compiled call in one thread lost another's update."""
import threading

import autograd
from autograd import Value


def test_a_parameter_written_during_a_trace_keeps_the_write():
    w = Value(0.5, label="w")
    nudged_seen, written = threading.Event(), threading.Event()

    def fn(xb, yb):
        if w.data != 0.5 and not nudged_seen.is_set():  # the trace on nudged parameters
            nudged_seen.set()
            assert written.wait(10)
        return sum((w * x[0] - y) ** 2 for x, y in zip(xb, yb))

    step = autograd.compile(fn, [w])
    worker = threading.Thread(target=step, args=([[1.0], [2.0]], [1.0, 2.0]))
    worker.start()
    assert nudged_seen.wait(10)
    w.data = 0.25  # another thread's update, while the trace runs on nudged parameters
    written.set()
    worker.join(10)
    assert not worker.is_alive()
    assert w.data == 0.25
