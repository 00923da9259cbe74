"""set_grad_enabled(False) as a bare call in a thread that then ends: the process's fast path
(`all_enabled`) comes back once that thread is gone, and a live thread's mode still counts."""
import gc
import threading

from autograd import Value, grad_mode, is_grad_enabled, set_grad_enabled


def test_a_thread_ending_with_grad_mode_off_is_counted_on_again():
    off, finish = threading.Event(), threading.Event()
    seen = []

    def worker():
        set_grad_enabled(False)  # as a call, never undone: the thread ends in this mode
        off.set()
        finish.wait(10)
        seen.append((is_grad_enabled(), (Value(2.0) * 3).is_leaf))

    thread = threading.Thread(target=worker)
    thread.start()
    assert off.wait(10)
    assert not grad_mode.all_enabled  # a live thread with grad mode off: the slow path
    assert not (Value(2.0) * 3).is_leaf  # and this thread still records
    finish.set()
    thread.join()
    gc.collect()
    assert seen == [(False, True)]
    assert grad_mode.all_enabled and grad_mode._threads_off == 0
    assert is_grad_enabled() and not (Value(2.0) * 3).is_leaf


def test_the_count_is_exact_over_calls_and_blocks():
    with set_grad_enabled(False):
        set_grad_enabled(False)
        assert grad_mode._threads_off == 1
        set_grad_enabled(True)
        assert grad_mode.all_enabled
        set_grad_enabled(False)
    assert grad_mode.all_enabled and grad_mode._threads_off == 0 and is_grad_enabled()
