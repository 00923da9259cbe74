"""Grad mode: whether operations record the graph (`no_grad` turns recording off), per thread."""
from __future__ import annotations

import contextlib
import functools
import inspect
import threading
from typing import Any, Callable, Generator, Literal, TypeVar, cast

_Mode = TypeVar("_Mode", bound="_GradMode")
_F = TypeVar("_F", bound=Callable[..., Any])


class _ThreadMode(threading.local):
    """Each thread's own grad mode; every thread starts with it on, as in PyTorch."""

    def __init__(self) -> None:
        self.enabled = True


_mode = _ThreadMode()
_lock = threading.Lock()
_threads_off = 0  # how many threads have grad mode off right now

# The fast path every operation in value.py reads: True while no thread has grad mode off,
# so the common case costs one module attribute, not a thread-local lookup (~4x slower).
# When False, an operation asks its own thread: `all_enabled or _mode.enabled`.
all_enabled = True


def is_grad_enabled() -> bool:
    """True when new operations in this thread record their inputs for backward.

    >>> is_grad_enabled()
    True
    """
    return _mode.enabled


def _set_enabled(mode: bool) -> None:
    """Set this thread's grad mode and keep `all_enabled` true to every thread's mode."""
    mode = bool(mode)
    if _mode.enabled == mode:  # (the thread's own: no other thread reads or writes it)
        return
    # Set the thread's own flag first: until `all_enabled` changes, this thread is the
    # only one whose answer could differ, and it does not run anything in between.
    _mode.enabled = mode
    if mode:
        del _mode.off  # counts the thread on again
    else:
        _mode.off = _ThreadOff()


class _ThreadOff:
    """Held in a thread's mode while grad mode is off there. A thread that ends with it off (a
    bare `set_grad_enabled(False)`) drops it with its thread-locals, and is counted on again:
    else `all_enabled` stayed False, and every operation in every thread slower, for good."""

    __slots__ = ()

    def __init__(self) -> None:
        _count_off(1)

    def __del__(self) -> None:
        _count_off(-1)


def _count_off(change: int) -> None:
    global all_enabled, _threads_off
    with _lock:
        _threads_off += change
        all_enabled = _threads_off == 0


class _GradMode(contextlib.ContextDecorator):
    """Set grad mode inside a `with` block or a decorated function, then restore it."""

    # As a decorator, ContextDecorator's hints keep the function's signature (its __call__
    # returns the type it is given), so `@no_grad()` hides nothing from a type checker.
    _enable = True

    def __init__(self) -> None:
        # Saved modes per thread (one instance may be entered by several threads at once,
        # e.g. a decorated function), and a stack: a decorated function may call itself.
        self._saved = threading.local()

    def __enter__(self: _Mode) -> _Mode:
        stack = self._saved.__dict__.setdefault("stack", [])
        stack.append(_mode.enabled)
        _set_enabled(self._enable)
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        stack = self._saved.__dict__.get("stack")
        if not stack:
            name = type(self).__name__
            raise RuntimeError(
                f"{name}: this block was entered in another thread (or not at all); grad mode belongs to "
                f"the thread that set it. A generator with `with {name}():` around a yield, resumed in "
                f"another thread? Decorate the generator with @{name}() instead: it sets the mode each "
                "time it resumes, in the thread that resumes it")
        _set_enabled(stack.pop())
        return False

    def __call__(self, func: _F) -> _F:
        """As a decorator. A generator function runs in this mode each time it resumes, and
        its caller in its own mode in between (as PyTorch): entered once around the call,
        the mode would be over before the generator's body ever ran."""
        if inspect.isgeneratorfunction(func):
            return cast(_F, self._generator(func))
        return super().__call__(func)

    def _generator(self, func: Callable[..., Generator[Any, Any, Any]]) -> Callable[..., Generator[Any, Any, Any]]:
        @functools.wraps(func)
        def resumed_in_mode(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
            inner = func(*args, **kwargs)
            try:
                with self:
                    item = next(inner)
                while True:
                    try:
                        sent = yield item
                    except GeneratorExit:
                        with self:
                            inner.close()
                        raise
                    except BaseException as e:  # thrown in by the caller: into the body, in mode
                        with self:
                            item = inner.throw(e)
                    else:
                        with self:
                            item = inner.send(sent)
            except StopIteration as stop:  # the body returned (a `return` value included)
                return stop.value
        return resumed_in_mode


class _NoArgument(_GradMode):
    """`no_grad` and `enable_grad`: written `@no_grad()` or, as PyTorch 2 allows, `@no_grad`."""

    def __new__(cls, orig_func: Any = None) -> Any:
        if orig_func is None:
            return super().__new__(cls)
        if not callable(orig_func):
            raise TypeError(f"{cls.__name__}() takes no arguments (or, as a decorator, a function), "
                            f"got {type(orig_func).__name__}: write `with {cls.__name__}():` or @{cls.__name__}()")
        return cls()(orig_func)  # @no_grad without parentheses: the decorated function itself

    def __init__(self, orig_func: Any = None) -> None:
        super().__init__()


class no_grad(_NoArgument):
    """Context manager and decorator: operations inside record no graph (in this thread).

    Use it for evaluation and for updating parameters in place. Other threads are not
    affected: grad mode belongs to the thread that sets it, as in PyTorch. As a decorator
    write `@no_grad()` or `@no_grad`, as in PyTorch 2.

    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * 3
    >>> y.is_leaf
    True
    """

    _enable = False


class enable_grad(_NoArgument):
    """Context manager and decorator: turn recording back on inside a `no_grad` block.

    >>> with no_grad():
    ...     with enable_grad():
    ...         print(is_grad_enabled())
    True
    """

    _enable = True


class set_grad_enabled(_GradMode):
    """Grad mode on or off, as torch.set_grad_enabled: as a call it takes effect at once;
    as a context manager (or decorator) it also restores the mode from before.

    >>> training = False
    >>> with set_grad_enabled(training):
    ...     print(is_grad_enabled())
    False
    >>> is_grad_enabled()
    True
    """

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(mode) takes a bool, got {type(mode).__name__}: {mode!r}")
        super().__init__()
        self._enable = mode
        # The mode before the call, which `with` restores (the call has already changed it).
        self._before: Any = (threading.get_ident(), _mode.enabled)
        _set_enabled(mode)

    def _undo_call(self) -> Any:
        """The mode before the call, once, in the thread that made it (else None)."""
        before, self._before = self._before, None
        return before[1] if before is not None and before[0] == threading.get_ident() else None

    def __enter__(self) -> set_grad_enabled:
        before = self._undo_call()
        super().__enter__()
        if before is not None:
            self._saved.stack[-1] = before
        return self

    def __call__(self, func: _F) -> _F:
        before = self._undo_call()
        if before is not None:  # as a decorator only the calls of `func` change the mode
            _set_enabled(before)
        return super().__call__(func)


class inference_mode(_GradMode):
    """As torch.inference_mode: here `no_grad()`, or with mode=False `enable_grad()`, as
    PyTorch's turns grad mode on. A scalar engine has no version counters for it to skip.

    >>> from autograd import Value
    >>> with inference_mode():
    ...     y = Value(2.0) * 3
    >>> y.is_leaf
    True
    """

    def __new__(cls, mode: Any = True) -> Any:
        if isinstance(mode, bool):
            return super().__new__(cls)
        if not callable(mode):
            raise TypeError(f"inference_mode(mode) takes a bool, got {type(mode).__name__}: {mode!r}")
        return cls()(mode)  # @inference_mode without parentheses

    def __init__(self, mode: Any = True) -> None:
        super().__init__()
        self._enable = not mode
