"""A compiled training block ending in one thread while another thread's state_dict writes
open blocks back (sync_open): the two write-backs never overlap, and no error comes of it."""
import threading

import pytest

from autograd import compile
from autograd.compiler import array_training
from nn import MLP, SGD, losses

np = pytest.importorskip("numpy")


def test_a_block_ending_while_another_thread_takes_a_state_dict(monkeypatch):
    X = np.array([[0.5, -1.0], [-0.3, 0.8], [1.0, 0.2], [-0.9, -0.4]])
    y = np.array([0, 1, 1, 0])
    model = MLP(2, [3, 2], seed=0)
    step = compile(lambda xb, yb: losses.cross_entropy([model(list(x)) for x in xb], list(yb)),
                   model.parameters(), backend="numpy")
    reader_in, block_over = threading.Event(), threading.Event()
    original = array_training.Training._write
    trainer = threading.current_thread()

    def write(self, grads):
        # the block's own write-back at its end waits for the reader to start one; the reader's
        # waits for the block to be over: what the two threads can do when both write unlocked
        if threading.current_thread() is trainer:
            reader_in.wait(1.0)
        else:
            reader_in.set()
            block_over.wait(1.0)
        original(self, grads)
    monkeypatch.setattr(array_training.Training, "_write", write)

    seen, errors = [], []

    def reader():
        entered.wait(10)
        try:
            seen.append(model.state_dict())
        except Exception as e:  # (reported below, in the test's thread)
            errors.append(e)

    entered = threading.Event()
    thread = threading.Thread(target=reader)
    thread.start()
    with step.training(SGD(model.parameters(), lr=0.1)) as train:
        train(X, y)
        entered.set()
    block_over.set()
    thread.join()
    assert errors == []
    assert seen == [model.state_dict()]  # the state after the step, written back once
