"""`compile`: trace a batch loss once, then run generated straight-line Python instead of the graph.

The generated code is what a person would derive by hand: one line per operation for one
sample, looped over the batch, then the chain rule line by line (`step.source` shows it).
"""
from __future__ import annotations

import collections
import gc
import math
import time
import warnings
from typing import Any, Callable, Iterable, Optional, Sequence, Union

from .. import ops as _ops
from .. import value as _value
from ..grad_mode import enable_grad
from ..value_checks import _bad_grad, _leaf_start
from ..graph import grad
from . import backends
from . import reduction
from . import sizes
from .array_batches import no_targets, numpy_code
from .array_training import Training
from . import other_data
from .other_data import check_other_data
from . import plan as _plan
from .plan import Plan, Unmerged, probe_samples
from .samples import group, param_signature
from .trace import CompileError, run, split_returned, structure, trace

_MAX_PLANS = 64  # traced batch structures kept per step, least recently used dropped first
_CHUNK = 3  # samples traced at once when probing many classes (bounds the memory)
_MANY_KINDS = 16  # more kinds of sample than this in a batch: warn, it is slow to compile


def compile_step(fn: Callable[..., Any], params: Iterable[_value.Value], check: bool = False,
                 backend: str = "python", backward: bool = True) -> CompiledStep:
    """Compile `fn(xb, yb) -> loss` into a step that runs generated Python code.

    `step(xb, yb)` returns the loss as a float and adds d loss / d p into `p.grad` for every
    p in `params`, as `loss.backward()` would (to the last bit or so: the generated code may
    add a gradient's terms in another order; docs/compile.md says where). `xb` is a list of rows of numbers,
    `yb` a list of targets (floats are data; ints are class indices). The step traces a
    few samples of each new kind (row length, kind of target); other batch sizes and class
    indices reuse the code. `check=True` compares every call with the dynamic engine;
    `backend="numpy"` ("torch", "cupy") runs the step as array code, matrix products for
    the layers (see docs/arrays.md); `backend="auto"` picks arrays where they pay, else
    Python. `backward=False`
    compiles the forward pass only: `fn(xb, yb)` returns one Value or list of Values per
    row, and `step(xb)` returns their values.

    >>> from autograd import Value, compile
    >>> w = Value(0.5, label="w")
    >>> step = compile(lambda xb, yb: sum((w * x[0] - y) ** 2 for x, y in zip(xb, yb)), [w])
    >>> step([[1.0], [2.0]], [1.0, 2.0]), w.grad      # (w - 1)^2 + (2w - 2)^2 at w = 0.5
    (1.25, -5.0)
    >>> "g_w += x0 * g_t0" in step.source      # the chain rule, one line per operation
    True
    >>> forward = compile(lambda xb, yb: [w * x[0] for x in xb], [w], backward=False)
    >>> forward([[1.0], [4.0], [6.0]])
    [0.5, 2.0, 3.0]
    """
    return CompiledStep(fn, params, check, backend, backward)


class CompiledStep:
    """A compiled training step; see `compile_step`. `source` is the generated code."""

    def __init__(self, fn: Callable[..., Any], params: Iterable[_value.Value], check: bool = False,
                 backend: str = "python", backward: bool = True) -> None:
        if not callable(fn):
            raise TypeError(f"compile: fn must be callable, got {type(fn).__name__}")
        if backend not in ("python", "auto") + backends.NAMES:
            raise ValueError(f"compile: backend must be one of 'python', 'auto', "
                             f"{', '.join(map(repr, backends.NAMES))}; got {backend!r}")
        if backend != "python" and backend != "auto":
            backends.load(backend)  # ImportError here if the library is missing
        for name, flag in (("backward", backward), ("check", check)):  # check="no" would be truthy
            if not isinstance(flag, bool):
                raise TypeError(f"compile: {name} must be True or False, got {flag!r}")
        self.fn, self.check, self.backend, self.backward = fn, check, backend, backward
        self.params = _parameters(params)
        self.namespace = _python_namespace()
        self.trace_count = 0
        self._plans: collections.OrderedDict[Any, Plan] = collections.OrderedDict()  # least recently used first
        self._targets_as_data = True
        self._sums = True  # the reduction has been a sum over the samples (any batch size)
        self._last = None
        self._batches: dict[Any, Any] = {}  # NumPy batches' size and kind of sample -> how they run (array_batches.py)
        self._training: Any = None  # the open `training` block, if any

    @property
    def source(self) -> str:
        """The generated code of the latest call (one `def step(P, groups)`)."""
        return str(self._latest().source)

    @property
    def stats(self) -> dict[str, Any]:
        """Seconds spent tracing, grouping + generating, and compiling the latest code; its lines."""
        return dict(self._latest().stats)

    def _latest(self) -> Any:
        if self._last is None:
            raise RuntimeError("compile: nothing traced yet; call the step once to generate code")
        return self._last

    def __call__(self, xb: Sequence[Sequence[float]], yb: Optional[Sequence[Any]] = None) -> Union[float, list[Any]]:
        if yb is None and not self.backward and hasattr(xb, "__len__"):
            yb = no_targets(xb)  # a forward pass needs none
        with other_data.lock:  # no other thread's trace has the parameters nudged meanwhile
            if self._training is not None:
                self._training.release()  # this call reads and writes the Values: bring them up to date first
            return self._apply(*self._code(xb, yb))

    def _apply(self, code: Any, run: Callable[[Any], Any], xb: Any, yb: Any) -> Union[float, list[Any]]:
        """Run what `_code` found on the Values' numbers: add the gradients into `.grad` and
        return the loss (a forward pass: return the outputs)."""
        result = run([p.data for p in self.params])
        if not self.backward:
            outputs: list[Any] = result  # each row's value, or list of values
            return outputs
        loss, grads = result
        loss = float(loss)
        if hasattr(grads, "tolist"):
            grads = grads.tolist()  # array code returns an array
        if self.check:
            self._verify(xb, yb, loss, grads)
        _add_grads(self.params, grads)
        return loss

    def training(self, optimizer: Any, check: Optional[Callable[[float], None]] = None) -> Any:
        """A block in which the parameters stay arrays: `train(xb, yb)` is one whole step.

        `with step.training(opt) as train: loss = train(xb, yb)` does what `opt.zero_grad();
        loss = step(xb, yb); opt.step()` does, with the same numbers; with array code the
        parameters and the optimizer's state stay arrays until the block ends (or
        `train.sync()`), then are written back into the Values, also on an exception.
        `check(loss)` runs before each update (raise to skip it). See array_training.py.

        >>> from autograd import Value, compile
        >>> from nn import SGD
        >>> w = Value(0.5)
        >>> step = compile(lambda xb, yb: sum((w * x[0] - y) ** 2 for x, y in zip(xb, yb)), [w])
        >>> with step.training(SGD([w], lr=0.1)) as train:
        ...     train([[1.0], [2.0]], [1.0, 2.0])
        1.25
        >>> w.data, w.grad                        # 0.5 - 0.1 * (-5.0), written back at the end
        (1.0, -5.0)
        """
        if not self.backward:
            raise ValueError("training: this step was compiled with backward=False; it has no gradients to train with")
        if self._training is not None:
            raise RuntimeError("training: this step is already inside a training block")
        held = getattr(optimizer, "params", None)  # an optimizer made for another model trains nothing
        if isinstance(held, list) and held and not {id(p) for p in held} & {id(p) for p in self.params}:
            raise ValueError("training: the optimizer holds none of this step's parameters (was it made for "
                             "another model?)")
        return Training(self, optimizer, check)

    def _code(self, xb: Any, yb: Any) -> Any:
        """(code, run, rows, targets): the compiled code that fits this batch (traced if none
        does yet), `run(params)` running it on this batch (params: a list of floats or an
        array), and the batch as checked floats. The batch is looked up once per call. NumPy
        arrays go to NumPy code as they are, without looking at each number."""
        if hasattr(xb, "ndim") and hasattr(xb, "tolist"):
            found = numpy_code(self, xb, yb)
            if found is not None:
                return found
            xb = xb.tolist()  # as lists, checked as usual
            yb = yb.tolist() if hasattr(yb, "tolist") else yb
        xb, yb, skeys, key = structure(xb, yb, self._targets_as_data)
        plan, kinds = self._find(skeys, key)
        if plan is not None and sizes.unchecked(plan, len(skeys)) and not self._same_for_size(plan, xb, yb, skeys):
            plan = None  # the code for any size is wrong for this one: trace whole batches from now on
        if plan is None:
            if self._training is not None:
                self._training.sync()  # a trace reads the Values
            plan, xb, yb, skeys = self._trace_and_generate(xb, yb, skeys, key)
            if sizes.unchecked(plan, len(skeys)) and not self._same_for_size(plan, xb, yb, skeys):
                plan, xb, yb, skeys = self._trace_and_generate(xb, yb, skeys, key)
            kinds = plan.assign(skeys)
            if kinds is None:
                raise CompileError("compile: the code just generated does not fit its own batch "
                                   "(please report this)")
        self._last = code = plan.code(len(skeys), kinds)
        return code, (lambda params: code.run(params, xb, yb, kinds)), xb, yb

    def _same_for_size(self, plan: Plan, xb: Sequence[Any], yb: Sequence[Any], skeys: list[Any]) -> bool:
        """Check the code for any size on a trace of this batch (a new size); if it differs,
        drop the plan and trace whole batches from now on (see sizes.py)."""
        if self._training is not None:
            self._training.sync()  # a trace reads the Values
        if sizes.same_for_size(self, plan, xb, yb, skeys, self._targets_as_data):
            return True
        self._sums = False
        for plan_key in [k for k, p in self._plans.items() if p is plan]:
            self._plans.pop(plan_key).forget()
        return False

    def _find(self, skeys: list[Any], key: Any) -> tuple[Any, Any]:
        """The plan for this batch (most recently used first), and each sample's kind."""
        full = tuple(skeys)  # with each sample's class: a whole batch's trace may have baked them in
        for plan_key in reversed(self._plans):
            plan = self._plans[plan_key]
            if plan.exact is not None and plan_key != full and plan.arrays is None:
                continue  # array code fits any batch of its size whose kinds it knows
            kinds = plan.assign(skeys)
            if kinds is not None:
                self._plans.move_to_end(plan_key)
                return plan, kinds
        return None, None

    def _trace_and_generate(self, xb: Sequence[Any], yb: Sequence[Any], skeys: list[Any], key: Any) -> Any:
        gc_was_on = gc.isenabled()
        gc.disable()  # traced graphs hold no cycles: scanning their nodes again and again is waste
        try:
            return self._trace_and_generate_now(xb, yb, skeys, key)
        finally:
            if gc_was_on:
                gc.enable()

    def _trace_and_generate_now(self, xb: Sequence[Any], yb: Sequence[Any], skeys: list[Any], key: Any) -> Any:
        try:
            plan = self._plan(xb, yb, skeys, key)
        except (TypeError, ValueError) as error:
            # Maybe the function needs its targets as plain numbers (it compares or validates
            # them): try them as structure, one kind of sample per target value. Switch only
            # if that works; any other error (a log of a negative number, a typo) is the user's.
            if not self._targets_as_data or not any(k[1] != "class" for k in key):
                raise
            xb2, yb2, skeys2, key2 = structure(xb, yb, False)
            try:
                plan = self._plan(xb2, yb2, skeys2, key2, switching=True)
            except Exception:
                raise error from None
            self._targets_as_data = False
            self._plans.clear()
            xb, yb, skeys, key = xb2, yb2, skeys2, key2
        self.trace_count += 1
        if len(plan.variants) > _MANY_KINDS:
            warnings.warn(f"compile: {len(plan.variants)} kinds of sample, each with code of its own (targets "
                          "used as plain numbers, or rows of many lengths); this is slow to compile",
                          RuntimeWarning, stacklevel=3)
        plan_key = tuple(skeys) if plan.exact is not None else ("any size", plan.kinds)
        replaced = self._plans.pop(plan_key, None)
        if replaced is not None:
            replaced.forget()
        self._plans[plan_key] = plan
        while len(self._plans) > _MAX_PLANS:
            self._plans.popitem(last=False)[1].forget()
        self._batches.clear()  # they name plans that may be gone, or no longer looked at first
        return plan, xb, yb, skeys

    def _plan(self, xb: Sequence[Any], yb: Sequence[Any], skeys: list[Any], key: Any, switching: bool = False) -> Plan:
        """Trace a few samples: one of each kind (with the kinds an older plan knew), in two
        batch sizes so that the reduction can be written for any size; or, if its shape is
        not a sum over the samples, the whole batch."""
        start = time.perf_counter()
        data = self._targets_as_data and not switching
        probe, spare = probe_samples(xb, yb, skeys, [] if switching else self._known_samples())
        if len(xb) >= 2 and self._sums:
            try:
                plan = self._probe_plan(probe, data, start, chunk=_CHUNK if self.backend == "python" else None)
            except Unmerged:
                plan = self._probe_plan(probe, data, start, chunk=None)
            # The same samples in another batch size: which constants depend on the size?
            second = [probe[0], spare] + ([probe[0]] if plan.traced == 2 else [])
            rows2, targets2, pkeys2, numbers2 = (list(column) for column in zip(*second))
            s2 = trace(self.fn, self.params, rows2, targets2, data, outputs=not self.backward)
            kinds2, _ = group(s2, pkeys2, numbers2, peel=self.backward)  # moves a sum's first additions into the reduction
            # The first sample's own code and the parameters' own values must not change with
            # the batch size (a loss weighted by 1 / len(xb) inside each sample's term, an L2
            # penalty scaled by it, a row's output divided by it): else trace whole batches.
            same = kinds2[0][1] == plan.first and param_signature(s2) == param_signature(plan.s)
            template = same and self.backward and reduction.same_fold(
                reduction.fold(plan.s), plan.traced, reduction.fold(s2), len(rows2))
            if template:
                plan.template = template
            if (same and not self.backward) or template:
                sizes.remember(plan, s2, len(rows2))  # (after the template: it keeps s2's fold for it)
            del s2, kinds2  # before the traces on other data: at MNIST width each is 100 MB
            if (same and not self.backward) or template:
                traced = probe[:len(plan.s.samples)]  # (of a wide model, the first few)
                check_other_data(self.fn, self.params, plan.s, [p[0] for p in traced], [p[1] for p in traced],
                                 data, not self.backward)
                if template:
                    plan.prune()
                return plan
            self._sums = False  # not a sum over the samples: from now on, trace whole batches
        s = trace(self.fn, self.params, xb, yb, data, outputs=not self.backward)
        plan = Plan(self, s, skeys, key, start, [], range(len(skeys)))
        check_other_data(self.fn, self.params, s, xb, yb, data, not self.backward)
        return plan

    def _probe_plan(self, probe: list[Any], data: bool, start: float, chunk: Optional[int]) -> Plan:
        """A plan from tracing the probe's samples: all at once, or (to save memory on wide
        models with many classes) `chunk` at a time, keeping only the first trace's graph."""
        main = probe if chunk is None or len(probe) <= chunk else probe[:chunk]
        rows, targets, pkeys, numbers = (list(column) for column in zip(*main))
        s = trace(self.fn, self.params, rows, targets, data, outputs=not self.backward)
        if len(main) < len(probe) and len(s.samples[0]) * len(probe) <= _plan.STRAIGHT:
            return self._probe_plan(probe, data, start, None)  # small: all at once, named code
        extra: list[Any] = []
        shared: dict[Any, Any] = {}  # kinds' signatures share their equal entries (samples.signature)
        for k in range(len(main), len(probe), chunk or 1):
            part = probe[k:k + (chunk or 1)]
            part = part if len(part) >= 2 else part + probe[:1]
            rows_e, targets_e, pkeys_e, numbers_e = (list(column) for column in zip(*part))
            # Only the first trace is checked on other data later (in _plan): check this one
            # here, before it is split (at MNIST width a split's tables add 100 MB).
            returned = run(self.fn, rows_e, targets_e, data)
            check_other_data(self.fn, self.params, returned, rows_e, targets_e, data, not self.backward)
            s_e = split_returned(returned[0], self.params, returned[1], len(rows_e), not self.backward)
            del returned
            extra.append(group(s_e, pkeys_e, numbers_e, shared))
            del s_e
        return Plan(self, s, pkeys, None, start, probe, numbers, extra, shared)

    def _known_samples(self) -> list[Any]:
        """Rows and targets of the kinds the plans so far were traced from (to keep them)."""
        out = []
        for plan in self._plans.values():
            if plan.exact is None:
                out += [(row, y, k, None) for row, y, k, _ in plan.probe]
        return out

    def _verify(self, xb: Sequence[Any], yb: Sequence[Any], loss: float, grads: list[float]) -> None:
        rows = [[_value.Value(float(x)) for x in row] for row in xb]
        with enable_grad():
            out = self.fn(rows, list(yb))
        expected = [out.data, *grad(out, self.params)]
        scale = max(1.0, *map(abs, expected))
        for k, (a, b) in enumerate(zip([loss, *grads], expected)):
            if not (math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12 * scale) or math.isnan(a) and math.isnan(b)):
                what = "the loss" if k == 0 else f"the gradient of parameter {k - 1}"
                raise CompileError(
                    f"compile(check=True): {what} is {a!r} replayed but {b!r} in the dynamic "
                    "engine; the function's graph depends on the data (a branch on .data, "
                    "float(x), max(x.data ...)), so it cannot be compiled")


def _parameters(params: Iterable[_value.Value]) -> list[_value.Value]:
    if isinstance(params, _value.Value) or not hasattr(params, "__iter__"):
        raise TypeError(f"compile: params must be an iterable of Values, got {type(params).__name__}")
    out, seen = [], set()
    for i, p in enumerate(params):
        if not isinstance(p, _value.Value):
            raise TypeError(f"compile: params[{i}] is a {type(p).__name__}, not a Value")
        if not p.is_leaf:
            raise ValueError(f"compile: params[{i}] was computed by {p.op!r}; parameters must be leaves")
        if p not in seen:  # a shared parameter gets its gradient once, as with backward()
            seen.add(p)
            out.append(p)
    return out


def _python_namespace() -> dict[str, Any]:
    """What the generated code calls: the engine's own forward functions, so errors match."""
    return {"exp": _ops.EXP.forward, "log": _ops.LOG.forward, "tanh": _ops.TANH.forward,
            "sigmoid": _ops.SIGMOID.forward, "softplus": _ops.SOFTPLUS.forward, "power": _ops.POW.forward,
            "safe_power": _ops._safe_power, "log_of_base": _ops._log_of_base,
            "power_base_derivative": _ops._power_base_derivative, "inf": math.inf, "nan": math.nan,
            "bce": _ops.BCE.forward, "bce_dp": _ops._bce_dp, "bce_dt": _ops._bce_dt}


# The public name, as `torch.compile` (plan.py calls the builtin as `builtins.compile`).
compile = compile_step  # noqa: A001


def _add_grads(params: list[Any], grads: Sequence[float]) -> None:
    """Add this call's gradients into the parameters' `.grad` (None: no gradient yet, as after
    zero_grad(set_to_none=True)), as backward adds into leaves; a `.grad` that is no number
    (a Value there would silently become a graph) is named, as backward names it."""
    try:
        for p, g in zip(params, grads):
            held = p.grad
            p.grad = held + g if held.__class__ is float else _leaf_start(held) + g
    except (TypeError, OverflowError):
        for k, p in enumerate(params):  # the first one that is no number: the one that failed
            why = _bad_grad(p, f"compile: the .grad of parameter {k}" + (f" ({p.label!r})" if p.label else ""))
            if why:
                done = "no gradient was added" if k == 0 else f"the gradients of parameters 0 to {k - 1} were added"
                raise TypeError(f"{why}. {done}: zero them before the next step") from None
        raise
