"""Optimizers: `SGD` (momentum, Nesterov, weight decay), `Adam` and `AdamW`, with PyTorch's update rules.

Use: `opt.zero_grad()`, forward, `loss.backward()`, `opt.step()`. Hyperparameters are
attributes (`opt.lr`, ...), which is what the learning-rate schedules change. State is kept
per parameter, as PyTorch's `opt.state[p]` (Adam's step count too): a parameter whose `.grad`
is None is skipped, its state untouched. Each update is also written for arrays
(`_step_arrays`, same numbers), which a compiled step's `training` block runs while it keeps
the parameters as arrays (docs/arrays.md).
"""
from __future__ import annotations

import collections
import math
from typing import Any, Iterable, Optional

from autograd import Value
from autograd.compiler.array_training import sync_open
from autograd.value_checks import _as_float, _is_real

from ._check import flag, nonnegative, number, positive_int, short
from ._optim_state import array_state, parameter_states, set_array_state


class Optimizer:
    """Base class: holds the parameters, their per-parameter state and the hyperparameters."""

    _hyper: tuple[str, ...] = ()     # names of the hyperparameters, in constructor order
    _buffers: tuple[str, ...] = ()   # names of the per-parameter buffers (one float each)
    _counted = False                 # True: each parameter's state also counts its own steps ("step")
    state: collections.defaultdict[Value, dict[str, Any]]  # parameter -> its state ({} before its first update)
    lr: float  # every optimizer has a learning rate (the schedules change it); set in __init__

    def __init__(self, params: Iterable[Value], **hyper: Any) -> None:
        name = type(self).__name__
        if isinstance(params, Value):
            raise TypeError(f"{name}: params must be an iterable of Values (e.g. model.parameters()), "
                            "got a single Value")
        if hasattr(params, "parameters") and not hasattr(params, "__iter__"):
            raise TypeError(f"{name}: params must be an iterable of Values: pass "
                            f"{type(params).__name__}.parameters(), not the model itself")
        if isinstance(params, (str, bytes, dict)) or not hasattr(params, "__iter__"):
            raise TypeError(f"{name}: params must be an iterable of Values, got {type(params).__name__}")
        params = list(params)
        if not params:
            raise ValueError(f"{name}: params is an empty parameter list")
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(f"{name}: params[{i}] is a {type(p).__name__}, not a Value")
        if len(set(map(id, params))) != len(params):
            raise ValueError(f"{name}: some parameters appear more than once in params")
        self.params = params
        for name, value in hyper.items():
            setattr(self, name, value)
        self.steps = 0   # calls of step(), for the user (each parameter's own count is in its state)
        self.state = collections.defaultdict(dict)  # filled on each parameter's first update, as torch.optim's

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Set every parameter's `.grad` to 0 (gradients accumulate otherwise), or to None
        with `set_to_none=True` ("no gradient yet": `step()` then leaves that parameter alone)."""
        grad = None if flag(set_to_none, "zero_grad: set_to_none") else 0.0
        for p in self.params:
            p.grad = grad

    def step(self) -> None:
        """Update every parameter from its `.grad`."""
        raise NotImplementedError

    def _grads(self) -> list[Optional[float]]:
        """Every parameter's `.grad` as a float (None: no gradient yet), all checked before
        `step` uses any: a bad one raises with no parameter or buffer changed. The lr too (a
        schedule or the user may have set it), as the constructor checks it."""
        nonnegative(self.lr, f"{type(self).__name__}.step: lr")
        grads: list[Any] = [p.grad for p in self.params]
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if g.__class__ is not float and g is not None:
                if not _is_real(g):
                    raise TypeError(f"{type(self).__name__}.step: params[{i}].grad must be a number or None, "
                                    f"got {type(g).__name__}: {short(g)}; nothing was updated")
                grads[i] = _as_float(g, f"{type(self).__name__}.step: params[{i}].grad")  # (10**400 named)
            d = p.data  # set by hand, it could be anything: `p.data -= ...` would fail halfway
            if d.__class__ is not float and not _is_real(d):
                raise TypeError(f"{type(self).__name__}.step: params[{i}].data must be a real number, "
                                f"got {type(d).__name__}: {short(d)}; nothing was updated")
        return grads

    def state_dict(self) -> dict[str, Any]:
        """Hyperparameters, step count and each parameter's state ({} before its first
        update), in the order of `params`, as plain JSON-able data."""
        sync_open()  # a compiled training block's latest step, not the state it started from
        return {"type": type(self).__name__, "steps": self.steps,
                **{name: getattr(self, name) for name in self._hyper},
                "state": [_plain(self.state.get(p) or {}) for p in self.params]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what `state_dict()` returned; checked in full first, so a bad dict changes
        nothing. A state dict from before per-parameter state (one list per buffer) loads too."""
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, dict):
            raise TypeError(f"{where}: state_dict must be a dict, got {type(state).__name__}")
        if state.get("type") != type(self).__name__:
            raise ValueError(f"{where}: not a {type(self).__name__} state_dict (found {state.get('type')!r})")
        missing = [k for k in ("steps", "state", *self._hyper) if k not in state]
        if missing:
            raise ValueError(f"{where}: state_dict is missing {missing}")
        steps = positive_int(state["steps"], f"{where}: state_dict['steps']", minimum=0, maximum=2 ** 62)
        states = parameter_states(where, state["state"], self._buffers, self._counted, len(self.params), steps)
        # Reuse the constructor's checks on the hyperparameters.
        checked = type(self)(self.params, **{name: state[name] for name in self._hyper})
        sync_open(release=True)  # an open training block reloads this state, not overwrites it
        for name in self._hyper:
            setattr(self, name, getattr(checked, name))
        self.steps = steps
        self.state = collections.defaultdict(dict, {p: s for p, s in zip(self.params, states) if s})

    def _array_state(self, array: Any) -> Optional[dict[str, Any]]:
        """The state as a compiled step's `training` block keeps it (see `array_state`)."""
        return array_state(self, array)

    def _set_array_state(self, arrays: dict[str, Any]) -> None:
        """Write back what `_array_state` gave, as updated by `_step_arrays`."""
        set_array_state(self, arrays)

    def __repr__(self) -> str:
        hyper = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._hyper)
        return f"{type(self).__name__}({len(self.params)} parameters, {hyper})"


def _plain(state: dict[str, Any]) -> dict[str, Any]:
    """A parameter's state in plain floats and ints, as JSON takes them: a `.data` set to a
    NumPy float makes the moments NumPy floats (float32 stays float32 under NumPy 2)."""
    return {name: x if x.__class__ in (int, float) else float(x) for name, x in state.items()}


class SGD(Optimizer):
    """Stochastic gradient descent, as torch.optim.SGD:

    g = grad + weight_decay * p;  with momentum: buf = momentum * buf + (1 - dampening) * g
    (buf = g on the parameter's first update), g = g + momentum * buf if nesterov else buf;
    p -= lr * g.

    >>> from autograd import Value
    >>> p = Value(1.0); p.grad = 0.5
    >>> SGD([p], lr=0.1).step(); p.data
    0.95
    """

    _hyper = ("lr", "momentum", "dampening", "weight_decay", "nesterov")
    momentum: float
    dampening: float
    weight_decay: float
    nesterov: bool
    _buffers = ("momentum_buffer",)

    def __init__(self, params: Iterable[Value], lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False) -> None:
        lr = nonnegative(lr, "SGD: lr")
        momentum = nonnegative(momentum, "SGD: momentum")
        dampening = number(dampening, "SGD: dampening")
        weight_decay = nonnegative(weight_decay, "SGD: weight_decay")
        if flag(nesterov, "SGD: nesterov") and (momentum <= 0.0 or dampening != 0.0):
            raise ValueError("SGD: nesterov momentum needs momentum > 0 and dampening = 0")
        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening,
                         weight_decay=weight_decay, nesterov=nesterov)

    def step(self) -> None:
        lr, mu, wd, nesterov = self.lr, self.momentum, self.weight_decay, self.nesterov
        grads, keep = self._grads(), 1.0 - self.dampening
        for p, grad in zip(self.params, grads):
            if grad is None:  # no gradient yet: no update, state untouched (as PyTorch)
                continue
            g = grad + wd * p.data if wd != 0.0 else grad  # (0 * inf would be nan)
            if mu != 0.0:
                state = self.state[p]
                b = state.get("momentum_buffer")
                b = state["momentum_buffer"] = g if b is None else mu * b + keep * g  # first: a copy of g
                g = g + mu * b if nesterov else b
            p.data -= lr * g
        self.steps += 1

    def _step_arrays(self, p: Any, g: Any, state: dict[str, Any], xp: Any) -> tuple[Any, dict[str, Any]]:
        """`step` on arrays (a compiled step's `training` block): p and g hold every parameter
        and its gradient, state the buffers (None before the first step). Returns the new p
        and state; the same operations in the same order as `step`, so the same numbers."""
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        if wd != 0.0:
            g = g + wd * p
        if mu == 0.0:
            return p - lr * g, state
        b = state["momentum_buffer"]
        b = g if b is None else mu * b + (1.0 - self.dampening) * g
        return p - lr * (g + mu * b if self.nesterov else b), {"momentum_buffer": b}


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), as torch.optim.Adam (weight decay is added to the gradient):

    m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g**2;
    p -= lr / (1 - b1**t) * m / (sqrt(v) / sqrt(1 - b2**t) + eps), t: the parameter's own update count.

    >>> from autograd import Value
    >>> p = Value(1.0); p.grad = 0.5
    >>> Adam([p], lr=0.1).step(); round(p.data, 6)  # the first step moves by about lr
    0.9
    """

    _hyper = ("lr", "betas", "eps", "weight_decay")
    betas: tuple[float, float]
    eps: float
    weight_decay: float
    _buffers = ("exp_avg", "exp_avg_sq")
    _counted = True
    _decoupled = False  # AdamW: the weight decay shrinks p itself instead of adding to the gradient

    def __init__(self, params: Iterable[Value], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        name = type(self).__name__
        if not isinstance(betas, (list, tuple)) or len(betas) != 2:
            raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}")
        b1, b2 = (number(b, f"{name}: betas") for b in betas)
        if not (0.0 <= b1 < 1.0 and 0.0 <= b2 < 1.0):
            raise ValueError(f"{name}: betas must be in [0, 1), got {betas!r}")
        lr, eps = nonnegative(lr, f"{name}: lr"), nonnegative(eps, f"{name}: eps")
        if eps == 0.0:  # a zero gradient's update would be 0 / 0: ZeroDivisionError halfway through step()
            raise ValueError(f"{name}: eps must be > 0 (it keeps m / (sqrt(v) + eps) finite), got 0.0")
        super().__init__(params, lr=lr, betas=(b1, b2), eps=eps,
                         weight_decay=nonnegative(weight_decay, f"{name}: weight_decay"))

    def step(self) -> None:
        grads = self._grads()
        lr, (b1, b2), eps, wd = self.lr, self.betas, self.eps, self.weight_decay
        states, keep1, keep2, sqrt = self.state, 1.0 - b1, 1.0 - b2, math.sqrt
        t, step_size, correction2 = 0, 0.0, 0.0
        shrink, wd = (1.0 - lr * wd, 0.0) if self._decoupled and wd != 0.0 else (1.0, wd)
        for p, grad in zip(self.params, grads):
            if grad is None:  # no gradient yet: no update, state (step count too) untouched
                continue
            state = states[p]
            if not state:  # its first update
                state.update(step=0, exp_avg=0.0, exp_avg_sq=0.0)
            n = state["step"] + 1
            if n != t:  # the bias corrections of this parameter's own step count
                t, step_size, correction2 = n, lr / (1.0 - b1 ** n), sqrt(1.0 - b2 ** n)
            if shrink != 1.0:
                p.data *= shrink
            g = grad + wd * p.data if wd != 0.0 else grad
            m = b1 * state["exp_avg"] + keep1 * g
            v = b2 * state["exp_avg_sq"] + keep2 * g * g
            state["step"], state["exp_avg"], state["exp_avg_sq"] = t, m, v
            p.data -= step_size * m / (sqrt(v) / correction2 + eps)
        self.steps += 1

    def _step_arrays(self, p: Any, g: Any, state: dict[str, Any], xp: Any) -> tuple[Any, dict[str, Any]]:
        """`step` on arrays, as `SGD._step_arrays` (xp: the array library, for sqrt); every
        parameter has the same step count here (see `Optimizer._array_state`)."""
        m, v = state["exp_avg"], state["exp_avg_sq"]
        if m is None or v is None:
            m = v = xp.zeros_like(p)
        (b1, b2), eps, wd = self.betas, self.eps, self.weight_decay
        t = state["step"] + 1
        step_size = self.lr / (1.0 - b1 ** t)
        correction2 = math.sqrt(1.0 - b2 ** t)
        if wd != 0.0 and self._decoupled:
            p = p * (1.0 - self.lr * wd)
        elif wd != 0.0:
            g = g + wd * p
        m = b1 * m + (1.0 - b1) * g
        v = b2 * v + (1.0 - b2) * g * g
        return p - step_size * m / (xp.sqrt(v) / correction2 + eps), {"step": t, "exp_avg": m, "exp_avg_sq": v}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if isinstance(state, dict) and isinstance(state.get("betas"), list):
            state = {**state, "betas": tuple(state["betas"])}  # JSON turns the tuple into a list
        super().load_state_dict(state)


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter, 2019), as torch.optim.AdamW: Adam with the weight decay
    decoupled from the gradient, p *= 1 - lr * weight_decay before each update.

    >>> from autograd import Value
    >>> p = Value(1.0); p.grad = 0.0
    >>> AdamW([p], lr=0.1).step(); p.data  # no gradient: only the decay, 1 - 0.1 * 0.01
    0.999
    """

    _decoupled = True

    def __init__(self, params: Iterable[Value], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)
