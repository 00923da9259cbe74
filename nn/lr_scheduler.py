"""Learning-rate schedules for any optimizer with an `lr` attribute, as torch.optim.lr_scheduler.

Call `scheduler.step()` once per epoch (after `optimizer.step()`); the optimizer's `lr`
becomes `base_lr * factor(epoch)`, computed in closed form.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Optional, Protocol

from ._check import is_number, nonnegative, positive_int, short


class SupportsLR(Protocol):
    """What a schedule drives: any object with a float attribute `lr` (every `Optimizer`)."""

    lr: float


class LRScheduler:
    """Base class: subclasses define `factor(epoch)`, the multiplier of the initial lr."""

    def __init__(self, optimizer: SupportsLR) -> None:
        name = type(self).__name__
        if not hasattr(optimizer, "lr"):
            raise TypeError(f"{name}: optimizer must have an `lr` attribute, got {type(optimizer).__name__}")
        if not is_number(optimizer.lr) or optimizer.lr < 0:
            raise ValueError(f"{name}: the optimizer's lr must be a finite number >= 0, got {short(optimizer.lr)}")
        self.optimizer = optimizer
        self.base_lr = float(optimizer.lr)
        self.last_epoch = 0
        optimizer.lr = self._lr(0)  # checked before the optimizer is touched

    def factor(self, epoch: int) -> float:
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and set the optimizer's lr."""
        lr = self._lr(self.last_epoch + 1)
        self.last_epoch += 1
        self.optimizer.lr = lr

    def _lr(self, epoch: int, base_lr: Optional[float] = None) -> float:
        """base_lr * factor(epoch), ValueError (changing nothing) unless a finite number >= 0."""
        try:
            factor = self.factor(epoch)
        except OverflowError:  # gamma ** epoch past the float range
            factor = math.inf
        if not is_number(factor) or factor < 0:
            source = f"lr_lambda({epoch})" if isinstance(self, LambdaLR) else f"the factor for epoch {epoch}"
            raise ValueError(f"{type(self).__name__}: {source} is {short(factor)}; it must be a finite number >= 0")
        lr = (self.base_lr if base_lr is None else base_lr) * float(factor)
        if not math.isfinite(lr):
            raise ValueError(f"{type(self).__name__}: the lr for epoch {epoch} overflows ({lr})")
        return lr

    def get_last_lr(self) -> list[float]:
        """The learning rate set by the latest step (a one-element list, as PyTorch)."""
        return [self.optimizer.lr]

    def state_dict(self) -> dict[str, Any]:
        return {"base_lr": self.base_lr, "last_epoch": self.last_epoch}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what `state_dict()` returned; checked first, so a bad dict changes nothing."""
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, dict) or set(state) != {"base_lr", "last_epoch"}:
            raise ValueError(f"{where}: not a schedule state_dict (need keys base_lr, last_epoch): {short(state)}")
        base_lr = nonnegative(state["base_lr"], f"{where}: state_dict['base_lr']")
        last_epoch = positive_int(state["last_epoch"], f"{where}: state_dict['last_epoch']", minimum=0, maximum=2 ** 62)
        lr = self._lr(last_epoch, base_lr)
        self.base_lr, self.last_epoch = base_lr, last_epoch
        self.optimizer.lr = lr


class StepLR(LRScheduler):
    """lr = base_lr * gamma ** (epoch // step_size): step decay.

    >>> from autograd import Value
    >>> from nn import SGD
    >>> opt = SGD([Value(0.0)], lr=1.0); sched = StepLR(opt, step_size=2, gamma=0.5)
    >>> for _ in range(4): sched.step()
    >>> opt.lr
    0.25
    """

    def __init__(self, optimizer: SupportsLR, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = positive_int(step_size, "StepLR: step_size", maximum=2 ** 62)
        self.gamma = nonnegative(gamma, "StepLR: gamma")
        super().__init__(optimizer)

    def factor(self, epoch: int) -> float:
        return self.gamma ** (epoch // self.step_size)


class ExponentialLR(LRScheduler):
    """lr = base_lr * gamma ** epoch.

    >>> from autograd import Value
    >>> from nn import SGD
    >>> opt = SGD([Value(0.0)], lr=1.0); sched = ExponentialLR(opt, gamma=0.5); sched.step()
    >>> opt.lr
    0.5
    """

    def __init__(self, optimizer: SupportsLR, gamma: float) -> None:
        self.gamma = nonnegative(gamma, "ExponentialLR: gamma")
        super().__init__(optimizer)

    def factor(self, epoch: int) -> float:
        return self.gamma ** epoch


class LinearLR(LRScheduler):
    """lr moves linearly from base_lr * start_factor to base_lr * end_factor over `total_iters`
    epochs, then stays. micrograd's demo schedule 1.0 - 0.9 * k / 100 is
    `LinearLR(SGD(params, lr=1.0), start_factor=1.0, end_factor=0.1, total_iters=100)`.

    >>> from autograd import Value
    >>> from nn import SGD
    >>> opt = SGD([Value(0.0)], lr=1.0); sched = LinearLR(opt, 1.0, 0.1, total_iters=100)
    >>> for _ in range(50): sched.step()
    >>> round(opt.lr, 12)
    0.55
    """

    def __init__(self, optimizer: SupportsLR, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5) -> None:
        self.start_factor = nonnegative(start_factor, "LinearLR: start_factor")
        self.end_factor = nonnegative(end_factor, "LinearLR: end_factor")
        self.total_iters = positive_int(total_iters, "LinearLR: total_iters", maximum=2 ** 62)
        super().__init__(optimizer)

    def factor(self, epoch: int) -> float:
        done = min(epoch, self.total_iters) / self.total_iters
        return self.start_factor + (self.end_factor - self.start_factor) * done


class LambdaLR(LRScheduler):
    """lr = base_lr * lr_lambda(epoch), for any schedule written as a function.

    >>> from autograd import Value
    >>> from nn import SGD
    >>> opt = SGD([Value(0.0)], lr=1.0); sched = LambdaLR(opt, lambda epoch: 1 / (1 + epoch))
    >>> sched.step(); opt.lr
    0.5
    """

    def __init__(self, optimizer: SupportsLR, lr_lambda: Callable[[int], float]) -> None:
        if not callable(lr_lambda):
            raise TypeError(f"LambdaLR: lr_lambda must be callable, got {type(lr_lambda).__name__}")
        self.lr_lambda = lr_lambda
        super().__init__(optimizer)

    def factor(self, epoch: int) -> float:
        return self.lr_lambda(epoch)  # checked by _lr: a NaN, inf or negative factor is refused
