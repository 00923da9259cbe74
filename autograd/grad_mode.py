"""Grad mode: whether operations record the graph (`no_grad` turns recording off)."""
import contextlib

# Read by every operation in value.py; change it only through the helpers below.
enabled = True


def is_grad_enabled():
    """True when new operations record their inputs for backward.

    >>> is_grad_enabled()
    True
    """
    return enabled


class _GradMode(contextlib.ContextDecorator):
    """Set grad mode inside a `with` block or a decorated function, then restore it."""

    _mode = True

    def __init__(self):
        # A stack, not one slot: a decorated function may call itself.
        self._saved = []

    def __enter__(self):
        global enabled
        self._saved.append(enabled)
        enabled = self._mode
        return self

    def __exit__(self, *exc):
        global enabled
        enabled = self._saved.pop()
        return False


class no_grad(_GradMode):
    """Context manager and decorator: operations inside record no graph.

    Use it for evaluation and for updating parameters in place.

    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * 3
    >>> y.is_leaf
    True
    """

    _mode = False


class enable_grad(_GradMode):
    """Context manager and decorator: turn recording back on inside a `no_grad` block.

    >>> with no_grad():
    ...     with enable_grad():
    ...         print(is_grad_enabled())
    True
    """

    _mode = True
