"""`compile`: trace a batch loss once, then run generated straight-line Python instead of the graph.

The generated code is what a person would derive by hand: one line per operation for one
sample, looped over the batch, then the chain rule line by line (`step.source` shows it).
"""
import builtins
import itertools
import linecache
import math
import time
import warnings

from .. import ops as _ops
from .. import value as _value
from ..grad_mode import enable_grad
from ..graph import grad
from . import backends
from .array_program import ArrayProgram, choose
from .program import Program, Variant
from .samples import group
from .trace import CompileError, reduction_seeds, structure, trace

_MAX_PLANS = 16  # traced batch structures kept per step (e.g. full batches + the last one)
_MANY_KINDS = 16  # more kinds of sample than this in a batch: warn, it is slow to compile
_counter = itertools.count()


def compile_step(fn, params, check=False, backend="python"):
    """Compile `fn(xb, yb) -> loss` into a step that runs generated Python code.

    `step(xb, yb)` returns the loss as a float and adds d loss / d p into `p.grad` for every
    p in `params`, exactly as `loss.backward()` would. `xb` is a list of rows of numbers,
    `yb` a list of targets (floats are data; ints are class indices). The step is traced
    again when the batch's structure changes. `check=True` compares every call with the
    dynamic engine; `backend="numpy"` ("torch", "auto") runs it as array code.

    >>> from autograd import Value, compile
    >>> w = Value(0.5, label="w")
    >>> step = compile(lambda xb, yb: sum((w * x[0] - y) ** 2 for x, y in zip(xb, yb)), [w])
    >>> step([[1.0], [2.0]], [1.0, 2.0]), w.grad      # (w - 1)^2 + (2w - 2)^2 at w = 0.5
    (1.25, -5.0)
    >>> "g_w += x0 * g_t0" in step.source      # the chain rule, one line per operation
    True
    """
    return CompiledStep(fn, params, check, backend)


class CompiledStep:
    """A compiled training step; see `compile_step`. `source` is the generated code."""

    def __init__(self, fn, params, check=False, backend="python"):
        if not callable(fn):
            raise TypeError(f"compile: fn must be callable, got {type(fn).__name__}")
        if backend not in ("python", "auto") + backends.NAMES:
            raise ValueError(f"compile: backend must be one of 'python', 'auto', "
                             f"{', '.join(map(repr, backends.NAMES))}; got {backend!r}")
        if backend != "python" and backend != "auto":
            backends.load(backend)  # ImportError here if the library is missing
        self.fn, self.check, self.backend = fn, bool(check), backend
        self.params = _parameters(params)
        self.namespace = _python_namespace()
        self.trace_count = 0
        self._plans = {}
        self._targets_as_data = True
        self._last = None

    @property
    def source(self):
        """The generated code of the latest call (one `def step(P, groups)`)."""
        if self._last is None:
            raise RuntimeError("compile: nothing traced yet; call the step once to generate code")
        return self._last.source

    @property
    def stats(self):
        """Seconds spent tracing, grouping + generating, and compiling the latest code; its lines."""
        if self._last is None:
            raise RuntimeError("compile: nothing traced yet; call the step once to generate code")
        return dict(self._last.stats)

    def __call__(self, xb, yb):
        xb, yb, skeys, key = structure(xb, yb, self._targets_as_data)
        plan = self._plans.get(key)
        kinds = None if plan is None else plan.assign(skeys)
        if kinds is None:
            plan, xb, yb, skeys = self._trace_and_generate(xb, yb, skeys, key, plan)
            kinds = plan.assign(skeys)
        loss, grads = plan.run([p.data for p in self.params], xb, yb, kinds)
        loss = float(loss)
        if self.check:
            self._verify(xb, yb, loss, grads)
        for p, g in zip(self.params, grads):
            p.grad += g
        self._last = plan
        return loss

    def _trace_and_generate(self, xb, yb, skeys, key, old):
        start = time.perf_counter()
        try:
            s = trace(self.fn, self.params, xb, yb, self._targets_as_data)
        except (TypeError, ValueError) as error:
            # Maybe the function needs its targets as plain numbers (it compares or validates
            # them): try them as structure, one kind of sample per target value. Switch only
            # if that works; any other error (a log of a negative number, a typo) is the user's.
            if not self._targets_as_data or not any(k[1] != "class" for k in key):
                raise
            xb2, yb2, skeys2, key2 = structure(xb, yb, False)
            try:
                s = trace(self.fn, self.params, xb2, yb2, False)
            except Exception:
                raise error from None
            self._targets_as_data = False
            xb, yb, skeys, key = xb2, yb2, skeys2, key2
            old = self._plans.get(key)
        plan = _Plan(self, s, skeys, old, time.perf_counter() - start)
        self.trace_count += 1
        if len(plan.variants) > _MANY_KINDS:
            warnings.warn(f"compile: {len(plan.variants)} kinds of sample, each with code of its own (targets "
                          "used as plain numbers, or rows of many lengths); this is slow to compile",
                          RuntimeWarning, stacklevel=3)
        if key not in self._plans and len(self._plans) >= _MAX_PLANS:
            key_out = next(iter(self._plans))
        else:
            key_out = key
        dropped = self._plans.pop(key_out, None)
        if dropped is not None:
            linecache.cache.pop(dropped.filename, None)  # its source, kept for tracebacks
        self._plans[key] = plan
        return plan, xb, yb, skeys

    def _verify(self, xb, yb, loss, grads):
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


class _Plan:
    """Generated code for one batch structure: its kinds of samples, and the compiled function."""

    def __init__(self, step, s, skeys, old, trace_seconds):
        start = time.perf_counter()
        self.numpy = False  # the array backends have a program of their own
        self.variants, self.variant_of = _variants(s, skeys)
        seeds = reduction_seeds(s)
        self.arrays = choose(step.backend)
        if self.arrays is not None:
            self.program = ArrayProgram(s, self.variants, seeds, self.arrays)
            if self.program.clash or step.backend == "auto" and not self.program.pays():
                self.arrays = None  # Python code: a label took one of its names, or arrays don't pay
        if self.arrays is None:
            self.program = Program(s, self.variants, seeds, self.numpy)
        self.widths = [len(out) for out in s.outputs]
        if old is not None and type(old.program) is type(self.program) \
                and old.program.param_forward == self.program.param_forward \
                and old.program.params == self.program.params and old.widths == self.widths:
            # Keep the kinds of samples seen before (class indices absent from this batch).
            for k, v in old.variant_of.items():
                if k not in self.variant_of:
                    self.variant_of[k] = len(self.variants)
                    self.variants.append(old.variants[v])
        self.bases = list(itertools.accumulate([0] + self.widths[:-1]))
        seeds_list = [seeds[x] for out in s.outputs for x in out] if seeds is not None else None
        name = getattr(step.fn, "__qualname__", type(step.fn).__name__)
        title = f"Forward and backward of {name} on {len(skeys)} samples, generated from a trace."
        self.source = self.program.source(self.variants, title)
        self.filename = filename = f"<compiled step {next(_counter)}>"
        # Registered with linecache, a traceback through the generated code shows its lines.
        linecache.cache[filename] = (len(self.source), None, self.source.splitlines(True), filename)
        namespace = dict(step.namespace)
        if self.arrays is not None:
            namespace.update(self.program.namespace)
        elif seeds_list is not None:
            namespace["SEEDS"] = namespace["asarray"](seeds_list) if self.numpy else seeds_list
        generated = time.perf_counter()
        exec(builtins.compile(self.source, filename, "exec"), namespace)  # our own code, just written
        self.function = namespace["step"]
        self.stats = {"trace": trace_seconds, "generate": generated - start,
                      "compile": time.perf_counter() - generated, "lines": self.source.count("\n"),
                      "kinds": len(self.variants), "backend": "python" if self.arrays is None else
                      self.arrays.__name__.rsplit(".", 1)[-1]}

    def assign(self, skeys):
        """Each sample's variant index, or None if a sample is of an unknown kind or the
        samples' outputs would not sit where the reduction's code reads them."""
        variant_of, variants = self.variant_of, self.variants
        try:
            kinds = [variant_of[k] for k in skeys]
        except KeyError:
            return None
        return kinds if [variants[v].width for v in kinds] == self.widths else None

    def run(self, params, xb, yb, kinds):
        if self.arrays is not None:
            return self.program.run(self.function, params, xb, yb, kinds, self.bases)
        if len(self.variants) == 1:
            groups = [(self.bases, xb, yb)]
        else:
            groups = [([], [], []) for _ in self.variants]
            for base, row, y, v in zip(self.bases, xb, yb, kinds):
                j, x, t = groups[v]
                j.append(base)
                x.append(row)
                t.append(y)
        groups = [g if var.target != "class" else g[:2] for g, var in zip(groups, self.variants)]
        return self.function(params, groups)


def _variants(s, skeys):
    """[Variant] for each kind of sample, {structure key: variant index}."""
    kinds, kind_of = group(s, skeys)
    variants = []
    for i, sig in kinds:
        row_len, target = skeys[i]
        target = "class" if isinstance(target, tuple) else target
        variants.append(Variant(i, sig, row_len, target, len(s.outputs[i])))
    return variants, kind_of


def _parameters(params):
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


def _python_namespace():
    """What the generated code calls: the engine's own forward functions, so errors match."""
    return {"exp": _ops.EXP.forward, "log": _ops.LOG.forward, "tanh": _ops.TANH.forward,
            "sigmoid": _ops.SIGMOID.forward, "softplus": _ops.SOFTPLUS.forward, "power": _ops.POW.forward,
            "safe_power": _ops._safe_power, "log_of_base": _ops._log_of_base, "inf": math.inf, "nan": math.nan}


# The public name, as `torch.compile`; this module calls the builtin as `builtins.compile`.
compile = compile_step  # noqa: A001
