"""Optimizers: `SGD` (momentum, Nesterov, weight decay) and `Adam`, with PyTorch's update rules.

Use: `opt.zero_grad()`, forward, `loss.backward()`, `opt.step()`. Hyperparameters are
attributes (`opt.lr`, ...), which is what the learning-rate schedules change. Each update
is also written for arrays (`_step_arrays`, same numbers), which a compiled step's
`training` block runs while it keeps the parameters as arrays (docs/arrays.md).
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Iterable, Optional

from autograd import Value

from ._check import flag, is_number, nonnegative, number, positive_int, short


class Optimizer:
    """Base class: holds the parameters, their per-parameter state and the hyperparameters."""

    _hyper: tuple[str, ...] = ()     # names of the hyperparameters, in constructor order
    _buffers: tuple[str, ...] = ()   # names of the per-parameter state lists
    _state: dict[str, Optional[list[float]]]  # buffer name -> one float per parameter, or None
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
        self.steps = 0
        self._state = {name: None for name in self._buffers}  # lists are made on the first step

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
        for i, g in enumerate(grads):
            if g.__class__ is not float and g is not None:
                if isinstance(g, (bool, Value)) or not isinstance(g, numbers.Real):
                    raise TypeError(f"{type(self).__name__}.step: params[{i}].grad must be a number or None, "
                                    f"got {type(g).__name__}: {short(g)}; nothing was updated")
                grads[i] = float(g)
        return grads

    def state_dict(self) -> dict[str, Any]:
        """Hyperparameters, step count and per-parameter buffers, as plain JSON-able data."""
        return {"type": type(self).__name__, "steps": self.steps,
                **{name: getattr(self, name) for name in self._hyper},
                "state": {k: (None if v is None else list(v)) for k, v in self._state.items()}}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what `state_dict()` returned; checked in full first, so a bad dict changes nothing."""
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, dict):
            raise TypeError(f"{where}: state_dict must be a dict, got {type(state).__name__}")
        if state.get("type") != type(self).__name__:
            raise ValueError(f"{where}: not a {type(self).__name__} state_dict (found {state.get('type')!r})")
        missing = [k for k in ("steps", "state", *self._hyper) if k not in state]
        if missing:
            raise ValueError(f"{where}: state_dict is missing {missing}")
        buffers = state["state"]
        if not isinstance(buffers, dict) or set(buffers) != set(self._buffers):
            raise ValueError(f"{where}: state_dict['state'] must have the keys {list(self._buffers)}")
        for name, buf in buffers.items():
            if buf is not None and (not isinstance(buf, list) or len(buf) != len(self.params)
                                    or not all(is_number(x) for x in buf)):
                raise ValueError(f"{where}: state_dict['state'][{name!r}] must be None or a list of "
                                 f"{len(self.params)} finite numbers (one per parameter)")
        if len({buf is None for buf in buffers.values()}) > 1:
            # step() makes every buffer on its first call, or none: half a state cannot resume.
            raise ValueError(f"{where}: state_dict['state'] buffers must all be lists or all be None, got "
                             + ", ".join(f"{k}={'None' if v is None else 'a list'}" for k, v in buffers.items()))
        steps = positive_int(state["steps"], f"{where}: state_dict['steps']", minimum=0, maximum=2 ** 62)
        # Reuse the constructor's checks on the hyperparameters.
        checked = type(self)(self.params, **{name: state[name] for name in self._hyper})
        for name in self._hyper:
            setattr(self, name, getattr(checked, name))
        self.steps = steps
        self._state = {k: (None if v is None else [float(x) for x in v]) for k, v in buffers.items()}

    def __repr__(self) -> str:
        hyper = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._hyper)
        return f"{type(self).__name__}({len(self.params)} parameters, {hyper})"


class SGD(Optimizer):
    """Stochastic gradient descent, as torch.optim.SGD:

    g = grad + weight_decay * p;  with momentum: buf = momentum * buf + (1 - dampening) * g
    (buf = g on the first step), g = g + momentum * buf if nesterov else buf;  p -= lr * g.

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

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0, dampening: float = 0.0,
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
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        params, grads = self.params, self._grads()
        if mu == 0.0:
            for p, grad in zip(params, grads):
                if grad is not None:  # None: no gradient yet, so no update (as PyTorch)
                    p.data -= lr * (grad + wd * p.data)
        else:
            buf = self._state["momentum_buffer"]
            first = buf is None
            if first:
                buf = self._state["momentum_buffer"] = [0.0] * len(params)
            assert buf is not None  # made just above on the first step
            keep = 1.0 - self.dampening
            for i, p in enumerate(params):
                grad = grads[i]
                if grad is None:
                    continue
                g = grad + wd * p.data
                b = buf[i] = g if first else mu * buf[i] + keep * g
                p.data -= lr * (g + mu * b if self.nesterov else b)
        self.steps += 1

    def _step_arrays(self, p: Any, g: Any, state: dict[str, Any], xp: Any) -> tuple[Any, dict[str, Any]]:
        """`step` on arrays (a compiled step's `training` block): p and g hold every parameter
        and its gradient, state the buffers (None before the first step). Returns the new p
        and state; the same operations in the same order as `step`, so the same numbers."""
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        if mu == 0.0:
            return p - lr * (g + wd * p), state
        g = g + wd * p
        b = state["momentum_buffer"]
        b = g if b is None else mu * b + (1.0 - self.dampening) * g
        return p - lr * (g + mu * b if self.nesterov else b), {"momentum_buffer": b}


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), as torch.optim.Adam (weight decay is added to the gradient):

    m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g**2;
    p -= lr / (1 - b1**t) * m / (sqrt(v) / sqrt(1 - b2**t) + eps).

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

    def __init__(self, params: Iterable[Value], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        if not isinstance(betas, (list, tuple)) or len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2), got {betas!r}")
        b1, b2 = (number(b, "Adam: betas") for b in betas)
        if not (0.0 <= b1 < 1.0 and 0.0 <= b2 < 1.0):
            raise ValueError(f"Adam: betas must be in [0, 1), got {betas!r}")
        super().__init__(params, lr=nonnegative(lr, "Adam: lr"), betas=(b1, b2), eps=nonnegative(eps, "Adam: eps"),
                         weight_decay=nonnegative(weight_decay, "Adam: weight_decay"))

    def step(self) -> None:
        grads = self._grads()
        if self._state["exp_avg"] is None:
            self._state = {"exp_avg": [0.0] * len(self.params), "exp_avg_sq": [0.0] * len(self.params)}
        m, v = self._state["exp_avg"], self._state["exp_avg_sq"]
        assert m is not None and v is not None  # made just above on the first step
        (b1, b2), eps, wd = self.betas, self.eps, self.weight_decay
        self.steps += 1
        step_size = self.lr / (1.0 - b1 ** self.steps)
        correction2 = math.sqrt(1.0 - b2 ** self.steps)
        for i, p in enumerate(self.params):
            grad = grads[i]
            if grad is None:  # no gradient yet: neither the parameter nor its moments move
                continue
            g = grad + wd * p.data
            m[i] = b1 * m[i] + (1.0 - b1) * g
            v[i] = b2 * v[i] + (1.0 - b2) * g * g
            p.data -= step_size * m[i] / (math.sqrt(v[i]) / correction2 + eps)

    def _step_arrays(self, p: Any, g: Any, state: dict[str, Any], xp: Any) -> tuple[Any, dict[str, Any]]:
        """`step` on arrays, as `SGD._step_arrays` (xp: the array library, for sqrt)."""
        m, v = state["exp_avg"], state["exp_avg_sq"]
        if m is None or v is None:
            m = v = xp.zeros_like(p)
        (b1, b2), eps, wd = self.betas, self.eps, self.weight_decay
        t = self.steps + 1  # `step` counts this step before using it
        step_size = self.lr / (1.0 - b1 ** t)
        correction2 = math.sqrt(1.0 - b2 ** t)
        g = g + wd * p
        m = b1 * m + (1.0 - b1) * g
        v = b2 * v + (1.0 - b2) * g * g
        return p - step_size * m / (xp.sqrt(v) / correction2 + eps), {"exp_avg": m, "exp_avg_sq": v}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if isinstance(state, dict) and isinstance(state.get("betas"), list):
            state = {**state, "betas": tuple(state["betas"])}  # JSON turns the tuple into a list
        super().load_state_dict(state)
