"""The model's outputs on every row, in evaluation mode: plainly, or as a compiled forward pass kept per model."""
from __future__ import annotations

import importlib.util
import numbers
import weakref
from typing import Any, Sequence

from autograd import Value, no_grad
from autograd.compiler.array_training import sync_open

from .module import Module


def _outputs(model: Module, X: Sequence[Any], compile: bool = False, rows: Any = None) -> list[Any]:
    """The model's outputs on every row, in evaluation mode, recording no graph; with
    `compile`, floats from a compiled forward pass (run over chunks of rows): with NumPy
    installed on X as an array (`rows`, made here if not given), as array code."""
    sync_open()  # inside a compiled training block: its latest step
    was_training = getattr(model, "training", None)
    # Each module's own mode, put back as it was: train(was_training) set every sub-module to
    # the model's mode (a part the user had put in eval mode came back in training mode).
    modes = [(m, m.training) for m in model.modules()] if isinstance(model, Module) else []
    if was_training is not None:
        model.eval()
    try:
        if compile:
            rows = _as_rows(X) if rows is None else rows
            forward = _forward_program(model, rows is not None)
            data, chunk = (X, _CHUNK) if rows is None else (rows, _ARRAY_CHUNK)
            return [out for k in range(0, len(X), chunk) for out in forward(data[k:k + chunk])]
        with no_grad():
            return [model(x) for x in X]
    finally:
        if modes:
            for m, mode in modes:
                m.training = mode
        elif was_training is not None:
            model.train(was_training)


def _as_value(out: Any) -> Any:
    """A compiled output (a float, or a list of floats) as the model gives it: Values."""
    return [Value(v) for v in out] if isinstance(out, (list, tuple)) else Value(out)


def _as_rows(X: Sequence[Any]) -> Any:
    """X as a 2-D NumPy array of floats; None without NumPy (then compiled code is Python) or
    for rows that are not one table of numbers (rows of several lengths)."""
    if importlib.util.find_spec("numpy") is None:
        return None
    import numpy
    try:
        rows = numpy.asarray(X, dtype=float)
    except (TypeError, ValueError):
        return None
    return rows if rows.ndim == 2 else None


_CHUNK = 256  # rows per call of a compiled forward pass: one batch size reused, short lists
_ARRAY_CHUNK = 8192  # the same as arrays: large, yet a bounded memory
_FORWARD: weakref.WeakKeyDictionary[Module, Any] = weakref.WeakKeyDictionary()  # model -> (forward pass, settings)


def _forward_program(model: Module, arrays: bool = False) -> Any:
    """The model's compiled forward pass, made once and kept as long as the model lives, and
    made again if its parameters or its modules' settings changed (see `_settings`); with
    `arrays`, as array code where it pays (backend "auto")."""
    from autograd.compiler import compile_step  # optional, and heavy to import
    params, settings = model.parameters(), _settings(model)
    try:
        found, known = _FORWARD.get(model, (None, None))
    except TypeError:  # a model that cannot be a weak dictionary key: compile each time
        found, known = None, None
    backend = "auto" if arrays else "python"
    if found is None or found.backend != backend or known != settings or len(found.params) != len(params) or \
            any(a is not b for a, b in zip(found.params, params)):
        # The pass reaches the model through a weak reference: the cache's value must not keep its
        # key alive (every model evaluated with compile=True stayed in memory for good).
        try:
            alive = weakref.ref(model)
        except TypeError:  # (an object without weak references: never cached either)
            alive = (lambda: model)  # type: ignore[assignment]

        def forward(xb: Any, yb: Any) -> list[Any]:
            return [alive()(x) for x in xb]  # type: ignore[misc]  # alive: it is called while cached
        found = compile_step(forward, params, backward=False, backend=backend)
        try:
            _FORWARD[model] = (found, settings)
        except TypeError:
            pass
    return found


def _settings(model: Module) -> tuple[Any, ...]:
    """What a compiled forward pass bakes in besides the parameters, by value: each module's
    plain attributes (numbers, strings, flags, None, functions), such as an activation's name
    or a custom module's `self.scale`; Values that are not parameters (a private `self._t`, or
    in a dict) by their numbers; lists, tuples, dicts and NumPy arrays of these."""
    out: list[Any] = []
    for k, module in enumerate(model.modules()):
        for name, v in vars(module).items():
            if not name.startswith("_") and _holds_members(v):
                continue  # parameters (read at every call) and modules (walked on their own)
            out.append((k, name, _baked(v)))
    return tuple(out)


def _holds_members(v: Any) -> bool:
    """True for a Value or Module, or lists of them: in a public attribute, parameters and modules."""
    if isinstance(v, (list, tuple)):
        return any(_holds_members(x) for x in v)
    return isinstance(v, (Value, Module))


_OTHER = object()  # an attribute a compiled pass does not read as a number (a module, an object)


def _baked(v: Any, depth: int = 0) -> Any:
    """`v` as a compiled pass would bake it in, comparable with ==; `_OTHER` for anything else."""
    if isinstance(v, Value):
        return ("Value", v.data)
    if v is None or isinstance(v, (numbers.Number, str)):
        return v
    if isinstance(v, (list, tuple)) and depth < 3:
        return tuple(_baked(x, depth + 1) for x in v)
    if isinstance(v, dict) and depth < 3:
        return tuple((key, _baked(x, depth + 1)) for key, x in v.items())
    if hasattr(v, "tolist") and hasattr(v, "ndim") and depth < 3:  # a NumPy array
        return _baked(v.tolist(), depth + 1)
    return v if callable(v) and not isinstance(v, Module) else _OTHER
