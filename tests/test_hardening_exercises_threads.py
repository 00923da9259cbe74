"""`python -m exercises check` grades in threads, and CPython 3.11's ast.parse is not thread-safe
(its depth count is per interpreter: now and then "SystemError: AST constructor recursion depth
mismatch", seen in this suite): the grader parses one file at a time."""
import ast
import concurrent.futures
import glob
import os
import threading
import time

from exercises import grading


def test_stub_functions_never_parses_in_two_threads_at_once(monkeypatch):
    inside, most, lock = 0, 0, threading.Lock()
    parse = ast.parse

    def watched(*args, **kwargs):
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(0.01)  # long enough for the other threads to come in, were they let in
        try:
            return parse(*args, **kwargs)
        finally:
            with lock:
                inside -= 1

    monkeypatch.setattr(ast, "parse", watched)
    paths = sorted(glob.glob(os.path.join(grading.HANDOUT, "*.py")))
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        stubs = list(pool.map(grading.stub_functions, paths * 2))
    assert most == 1
    assert stubs[:len(paths)] == stubs[len(paths):] and any(stubs)  # the same answers, twice
