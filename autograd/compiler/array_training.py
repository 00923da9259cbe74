"""Training with the parameters kept as arrays: `step.training(optimizer)`, Values written back at the end.

Inside the block the parameters live in one array `P` (in the order of the step's
parameters; the generated code reads each layer's `W` and `b` as views of it), the
optimizer's per-parameter state in arrays beside it, and each `train(xb, yb)` runs the
generated code, then the optimizer's own update written for arrays (`_step_arrays`: the
same operations in the same order as its `step`, so the same numbers). Nothing reads or
writes a `Value` per step. The Values (`p.data`, `p.grad`) and the optimizer's state lists
are written back, all together, when the block ends (also on an exception: then as after
the last completed step), on `train.sync()`, and before anything that reads them inside
the block (a plain `step(xb, yb)` call, tracing a new kind of batch), and before nn's
functions that read or write parameters (`state_dict`, `save`, `evaluate`, `clip_grad_*`,
`load_state_dict`: see `sync_open`), so a checkpoint taken inside a block holds its latest step.
"""
import contextlib
import weakref

from . import other_data

_open = weakref.WeakSet()  # the blocks between their start and end, in any thread


def sync_open(release=False):
    """Write every open block's latest step back into its Values and optimizer, for code
    about to read them (nn's `state_dict`, `save`, `evaluate`, `clip_grad_*`); with `release`, also have the
    blocks load the Values again at their next step, for code about to write them
    (`load_state_dict`), whose numbers a block would otherwise overwrite at its end."""
    if not _open:
        return
    with other_data.lock:  # not between a block's steps' halves, in another thread
        for block in list(_open):
            block.sync()
            if release:
                block.release()


class Training:
    """The callable of a `with step.training(optimizer) as train:` block; see `CompiledStep.training`."""

    def __init__(self, step, optimizer, check=None):
        for method in ("zero_grad", "step"):
            if not callable(getattr(optimizer, method, None)):
                raise TypeError(f"training: optimizer must be an optimizer (with zero_grad() and step()), "
                                f"got {type(optimizer).__name__}")
        if check is not None and not callable(check):
            raise TypeError(f"training: check must be a function of the loss or None, got {type(check).__name__}")
        self.step, self.optimizer, self.check = step, optimizer, check
        # Arrays only for an optimizer that has an array form of its own update, over exactly
        # the step's parameters; anything else runs one ordinary step at a time.
        self.arrays = (step.backend != "python" and _array_form(optimizer) and not step.check
                       and len(optimizer.params) == len(step.params)
                       and all(a is b for a, b in zip(optimizer.params, step.params)))
        self.P = self.G = self.state = self.xp = None  # parameters, latest gradients, optimizer buffers, library
        self.dirty = False  # P holds steps the Values have not seen yet

    def __enter__(self):
        if self.step._training is not None:
            raise RuntimeError("training: this step is already inside a training block")
        self.step._training = self
        with other_data.lock:
            _open.add(self)
        return self

    def __exit__(self, *exc_info):
        with other_data.lock:  # not while another thread's `sync_open` writes this block back
            try:
                self.sync()
            finally:
                self.step._training = None
                self.P = self.G = self.state = None
                _open.discard(self)
        return False

    def __call__(self, xb, yb):
        """One whole step: zero_grad, forward, backward, the optimizer's update; returns the loss."""
        with other_data.lock:  # as a compiled call: no other thread's trace nudges the parameters meanwhile
            return self._step(xb, yb)

    def _step(self, xb, yb):
        if self.step._training is not self:
            raise RuntimeError("training: call train(xb, yb) inside its block: "
                               "with step.training(optimizer) as train: ...")
        if not self.arrays:
            return self._on_values(xb, yb)
        found = self.step._code(xb, yb)
        code, run = found[:2]
        if code.arrays is None:
            return self._on_values(xb, yb, found)  # Python code ("auto"): on the Values, with the code found
        if self.P is None and not self._load(code.arrays):
            return self._on_values(xb, yb, found)  # the parameters' optimizer states differ: on the Values
        loss, G = run(self.P)
        loss = float(loss)
        if self.check is not None:
            _checked(self.check, loss)  # may raise: then nothing has changed
            if self.P is None:  # the check loaded a state_dict, so the block let go of its arrays
                return self._update_values(G, loss)
        optimizer = self.optimizer
        # As on floats, an overflow in the update gives inf rather than raising.
        with self.xp.errstate(all="ignore") if hasattr(self.xp, "errstate") else contextlib.nullcontext():
            P, state = optimizer._step_arrays(self.P, G, self.state, self.xp)
        self.P, self.G, self.state, self.dirty = P, G, state, True  # the step, all at once
        optimizer.steps += 1
        return loss

    def sync(self):
        """Write the parameters, their latest gradients and the optimizer's state back into
        the Values and the optimizer (done by the block's end; cheap if nothing changed)."""
        with other_data.lock:  # (`sync_open` in another thread may write this block back too)
            if self.dirty:
                self._write(grads=True)

    def release(self):
        """Let the Values be the parameters again: a plain `step(xb, yb)` is about to read and
        change them. Their `.grad` is left to that step (and a `zero_grad()` just before it)."""
        if self.dirty:
            self._write(grads=False)
        self.P = self.G = self.state = None

    def _write(self, grads):
        data = self.P.tolist()
        grad = (self.G + 0.0).tolist() if grads else None  # 0.0 + g: what zero_grad, then a step leave
        for k, p in enumerate(self.step.params):
            p.data = data[k]
            if grads:
                p.grad = grad[k]
        self.optimizer._set_array_state(self.state)
        self.dirty = False

    def _load(self, backend):
        """The parameters and the optimizer's buffers as arrays of `backend`, from the Values;
        False if the optimizer's per-parameter states differ (see `Optimizer._array_state`)."""
        state = self.optimizer._array_state(backend.array)
        if state is None:
            return False
        self.xp = backend.library()
        self.P = backend.array([p.data for p in self.step.params])
        self.state, self.G, self.dirty = state, None, False
        return True

    def _update_values(self, G, loss):
        """This step's update applied on the Values, as `_on_values` would after its check: the
        arrays are loaded again from them at the next step."""
        self.optimizer.zero_grad()
        for p, g in zip(self.step.params, (G + 0.0).tolist()):
            p.grad = g
        self.optimizer.step()
        return loss

    def _on_values(self, xb, yb, found=None):
        """The ordinary step on the Values (Python code, another optimizer, `check=True`);
        `found`: what `step._code` found for this batch, if it was looked up already."""
        self.release()
        optimizer = self.optimizer
        optimizer.zero_grad()
        loss = self.step(xb, yb) if found is None else self.step._apply(*found)
        if self.check is not None:
            _checked(self.check, loss)
        optimizer.step()
        return loss


def _array_form(optimizer):
    """True if the class whose `step` the optimizer runs also wrote its array form `_step_arrays`."""
    if not hasattr(optimizer, "_array_state") or not hasattr(optimizer, "params"):
        return False
    for klass in type(optimizer).__mro__:
        own = vars(klass)
        if "step" in own or "_step_arrays" in own:
            return "step" in own and "_step_arrays" in own
    return False


def _checked(check, loss):
    """Run the block's `check(loss)`: it refuses the update by raising, or by returning a false
    value other than None (so `check=math.isfinite` and `numpy.isfinite` work as they read)."""
    verdict = check(loss)
    if verdict is not None and not verdict:
        raise ValueError(f"training: check({loss!r}) returned {verdict!r}; this step's update was not applied")
