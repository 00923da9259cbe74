"""Learning-rate schedules for any optimizer with an `lr` attribute, as torch.optim.lr_scheduler.

Call `scheduler.step()` once per epoch (after `optimizer.step()`); the optimizer's `lr`
becomes `base_lr * factor(epoch)`, computed in closed form.
"""
from ._check import number, positive_int


class LRScheduler:
    """Base class: subclasses define `factor(epoch)`, the multiplier of the initial lr."""

    def __init__(self, optimizer):
        if not hasattr(optimizer, "lr"):
            raise TypeError(f"a schedule needs an optimizer with an `lr` attribute, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.last_epoch = 0
        optimizer.lr = self.base_lr * self.factor(0)

    def factor(self, epoch):
        raise NotImplementedError

    def step(self):
        """Advance one epoch and set the optimizer's lr."""
        self.last_epoch += 1
        self.optimizer.lr = self.base_lr * self.factor(self.last_epoch)

    def get_last_lr(self):
        """The learning rate set by the latest step (a one-element list, as PyTorch)."""
        return [self.optimizer.lr]

    def state_dict(self):
        return {"base_lr": self.base_lr, "last_epoch": self.last_epoch}

    def load_state_dict(self, state):
        """Restore what `state_dict()` returned."""
        if not isinstance(state, dict) or set(state) != {"base_lr", "last_epoch"}:
            raise ValueError(f"not a schedule state_dict (need keys base_lr, last_epoch): {state!r}")
        base_lr = number(state["base_lr"], "state_dict['base_lr']")
        last_epoch = state["last_epoch"]
        if isinstance(last_epoch, bool) or not isinstance(last_epoch, int) or last_epoch < 0:
            raise ValueError(f"state_dict['last_epoch'] must be an int >= 0, got {last_epoch!r}")
        self.base_lr, self.last_epoch = base_lr, last_epoch
        self.optimizer.lr = self.base_lr * self.factor(last_epoch)


class StepLR(LRScheduler):
    """lr = base_lr * gamma ** (epoch // step_size): step decay.

    >>> from autograd import Value
    >>> from nn import SGD
    >>> opt = SGD([Value(0.0)], lr=1.0); sched = StepLR(opt, step_size=2, gamma=0.5)
    >>> for _ in range(4): sched.step()
    >>> opt.lr
    0.25
    """

    def __init__(self, optimizer, step_size, gamma=0.1):
        self.step_size, self.gamma = positive_int(step_size, "step_size"), number(gamma, "gamma")
        super().__init__(optimizer)

    def factor(self, epoch):
        return self.gamma ** (epoch // self.step_size)


class ExponentialLR(LRScheduler):
    """lr = base_lr * gamma ** epoch.

    >>> from autograd import Value
    >>> from nn import SGD
    >>> opt = SGD([Value(0.0)], lr=1.0); sched = ExponentialLR(opt, gamma=0.5); sched.step()
    >>> opt.lr
    0.5
    """

    def __init__(self, optimizer, gamma):
        self.gamma = number(gamma, "gamma")
        super().__init__(optimizer)

    def factor(self, epoch):
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

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5):
        self.start_factor = number(start_factor, "start_factor")
        self.end_factor = number(end_factor, "end_factor")
        self.total_iters = positive_int(total_iters, "total_iters")
        super().__init__(optimizer)

    def factor(self, epoch):
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

    def __init__(self, optimizer, lr_lambda):
        if not callable(lr_lambda):
            raise TypeError(f"lr_lambda must be callable, got {type(lr_lambda).__name__}")
        self.lr_lambda = lr_lambda
        super().__init__(optimizer)

    def factor(self, epoch):
        return self.lr_lambda(epoch)
