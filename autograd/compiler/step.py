"""`compile`: trace a batch loss once, then run generated straight-line Python instead of the graph.

The generated code is what a person would derive by hand: one line per operation for one
sample, looped over the batch, then the chain rule line by line (`step.source` shows it).
"""
import builtins
import collections
import gc
import itertools
import linecache
import math
import time
import warnings

from .. import ops as _ops
from .. import value as _value
from ..grad_mode import enable_grad
from ..graph import grad
from . import reduction
from .program import Program, Variant, lower_variant
from .samples import group, merge_classes
from .trace import CompileError, reduction_seeds, structure, trace

_MAX_PLANS = 64  # traced batch structures kept per step, least recently used dropped first
_CHUNK = 3  # samples traced at once when probing many classes (bounds the memory)
_MAX_SIZES = 256  # compiled batch sizes kept per traced structure (each a small function)
_MANY_KINDS = 16  # more kinds of sample than this in a batch: warn, it is slow to compile
_counter = itertools.count()


def compile_step(fn, params, check=False, backend="python", backward=True):
    """Compile `fn(xb, yb) -> loss` into a step that runs generated Python code.

    `step(xb, yb)` returns the loss as a float and adds d loss / d p into `p.grad` for every
    p in `params`, exactly as `loss.backward()` would. `xb` is a list of rows of numbers,
    `yb` a list of targets (floats are data; ints are class indices). The step traces a
    few samples of each new kind (row length, kind of target); other batch sizes and class
    indices reuse the code. `check=True` compares every call with the dynamic engine;
    `backend="numpy"` runs each kind of sample as one array operation. `backward=False`
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

    def __init__(self, fn, params, check=False, backend="python", backward=True):
        if not callable(fn):
            raise TypeError(f"compile: fn must be callable, got {type(fn).__name__}")
        if backend not in ("python", "numpy"):
            raise ValueError(f"compile: backend must be 'python' or 'numpy', got {backend!r}")
        if backward not in (True, False):
            raise TypeError(f"compile: backward must be True or False, got {backward!r}")
        self.fn, self.check, self.backend, self.backward = fn, bool(check), backend, backward
        self.params = _parameters(params)
        self.namespace = _python_namespace()
        if backend == "numpy":
            from .numpy_backend import namespace
            self.namespace.update(namespace())  # ImportError here if NumPy is missing
        self.trace_count = 0
        self._plans = collections.OrderedDict()  # least recently used first
        self._targets_as_data = True
        self._last = None

    @property
    def source(self):
        """The generated code of the latest call (one `def step(P, groups)`)."""
        return self._latest().source

    @property
    def stats(self):
        """Seconds spent tracing, grouping + generating, and compiling the latest code; its lines."""
        return dict(self._latest().stats)

    def _latest(self):
        if self._last is None:
            raise RuntimeError("compile: nothing traced yet; call the step once to generate code")
        return self._last

    def __call__(self, xb, yb=None):
        if yb is None and not self.backward and hasattr(xb, "__len__"):
            yb = [0.0] * len(xb)  # a forward pass needs no targets
        xb, yb, skeys, key = structure(xb, yb, self._targets_as_data)
        plan, kinds = self._find(skeys, key)
        if plan is None:
            plan, xb, yb, skeys = self._trace_and_generate(xb, yb, skeys, key)
            kinds = plan.assign(skeys)
            if kinds is None:
                raise CompileError("compile: the code just generated does not fit its own batch "
                                   "(please report this)")
        code = plan.code(len(skeys), kinds)
        result = code.run([p.data for p in self.params], xb, yb, kinds)
        self._last = code
        if not self.backward:
            return result
        loss, grads = result
        loss = float(loss)
        if self.check:
            self._verify(xb, yb, loss, grads)
        for p, g in zip(self.params, grads):
            p.grad += g
        return loss

    def _find(self, skeys, key):
        """The plan for this batch (most recently used first), and each sample's kind."""
        for plan_key in reversed(self._plans):
            plan = self._plans[plan_key]
            if plan.exact is not None and plan_key != key:
                continue
            kinds = plan.assign(skeys)
            if kinds is not None:
                self._plans.move_to_end(plan_key)
                return plan, kinds
        return None, None

    def _trace_and_generate(self, xb, yb, skeys, key):
        gc_was_on = gc.isenabled()
        gc.disable()  # traced graphs hold no cycles: scanning their nodes again and again is waste
        try:
            return self._trace_and_generate_now(xb, yb, skeys, key)
        finally:
            if gc_was_on:
                gc.enable()

    def _trace_and_generate_now(self, xb, yb, skeys, key):
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
        plan_key = key if plan.exact is not None else ("any size", plan.kinds)
        self._plans.pop(plan_key, None)
        self._plans[plan_key] = plan
        while len(self._plans) > _MAX_PLANS:
            self._plans.popitem(last=False)
        return plan, xb, yb, skeys

    def _plan(self, xb, yb, skeys, key, switching=False):
        """Trace a few samples: one of each kind (with the kinds an older plan knew), in two
        batch sizes so that the reduction can be written for any size; or, if its shape is
        not a sum over the samples, the whole batch."""
        start = time.perf_counter()
        data = self._targets_as_data and not switching
        probe, spare = _probe(xb, yb, skeys, [] if switching else self._known_samples(key))
        if len(xb) >= 2:
            try:
                plan = self._probe_plan(probe, data, start, chunk=_CHUNK if self.backend == "python" else None)
            except _Unmerged:
                plan = self._probe_plan(probe, data, start, chunk=None)
            if not self.backward:
                return plan
            # The same reduction in another batch size: which constants depend on the size?
            second = [probe[0], spare] + ([probe[0]] if plan.traced == 2 else [])
            rows2, targets2, pkeys2, numbers2 = (list(column) for column in zip(*second))
            s2 = trace(self.fn, self.params, rows2, targets2, data)
            group(s2, pkeys2, numbers2)  # moves a sum's first additions into the reduction
            template = reduction.same_fold(reduction.fold(plan.s), plan.traced, reduction.fold(s2), len(rows2))
            if template is not None:
                plan.template = template
                plan.prune()
                return plan
        s = trace(self.fn, self.params, xb, yb, data, outputs=not self.backward)
        return _Plan(self, s, skeys, key, start, [], range(len(skeys)))

    def _probe_plan(self, probe, data, start, chunk):
        """A plan from tracing the probe's samples: all at once, or (to save memory on wide
        models with many classes) `chunk` at a time, keeping only the first trace's graph."""
        main = probe if chunk is None or len(probe) <= chunk else probe[:chunk]
        rows, targets, pkeys, numbers = (list(column) for column in zip(*main))
        s = trace(self.fn, self.params, rows, targets, data, outputs=not self.backward)
        extra = []
        for k in range(len(main), len(probe), chunk or 1):
            part = probe[k:k + chunk]
            part = part if len(part) >= 2 else part + probe[:1]
            rows_e, targets_e, pkeys_e, numbers_e = (list(column) for column in zip(*part))
            s_e = trace(self.fn, self.params, rows_e, targets_e, data, outputs=not self.backward)
            extra.append(group(s_e, pkeys_e, numbers_e))
            del s_e
        return _Plan(self, s, pkeys, None, start, probe, numbers, extra)

    def _known_samples(self, key):
        """Rows and targets of the kinds the plans so far were traced from (to keep them)."""
        out = []
        for plan in self._plans.values():
            if plan.exact is None:
                out += [(row, y, k, None) for row, y, k, _ in plan.probe]
        return out

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


class _Unmerged(Exception):
    """Kinds traced apart did not merge into the first trace's kinds."""


def _probe(xb, yb, skeys, known):
    """Samples to trace: one of each structure key (class indices apart), the `known` ones
    first, as (row, target, key, index in the batch or None); and a spare: another sample
    of the first key's kind from the batch, so that two samples of one kind are compared."""
    seen, out = set(), []
    for row, y, k, i in known + [(row, y, k, i) for i, (row, y, k) in enumerate(zip(xb, yb, skeys))]:
        if k not in seen:
            seen.add(k)
            out.append((row, y, k, i))
    first = out[0]
    spare = next(((row, y, k, i) for i, (row, y, k) in enumerate(zip(xb, yb, skeys))
                  if k == first[2] and i != first[3]), first)
    return (out if len(out) >= 2 else out + [spare]), spare


class _Plan:
    """The traced samples of a batch structure: kinds of samples and how to write their code.

    `exact` is the batch's structure key when the reduction was traced for that batch only;
    else `template` (see `reduction.same_fold`) writes it for any batch size, each size's
    code compiled once and kept."""

    def __init__(self, step, s, skeys, exact, start, probe, numbers, extra=()):
        self.step, self.s, self.exact, self.template = step, s, exact, None
        self.numpy = step.backend == "numpy"
        self.forward_only = not step.backward
        self.probe = probe
        self.trace_seconds = time.perf_counter() - start
        generating = time.perf_counter()
        self.traced = len(skeys)
        kinds, kind_of = group(s, skeys, numbers)
        for kinds_e, kind_of_e in extra:  # kinds traced apart: only their graphs' signatures
            for key, v in kind_of_e.items():
                kind_of.setdefault(key, len(kinds) + v)
            kinds += [(None, sig) for _, sig in kinds_e]
        if not self.numpy:
            kinds, kind_of = merge_classes(kinds, kind_of)
        if any(k[0] is None for k in kinds):
            raise _Unmerged
        self.variants, self.variant_of = [], kind_of
        for i, sig, selects, tables in (k if len(k) == 4 else (*k, {}, []) for k in kinds):
            row_len, target = skeys[i] if i is not None else (None, None)
            target = "class" if isinstance(target, tuple) else target
            var = Variant(i, sig, row_len, target, len(s.outputs[i]))
            var.selects, var.tables = selects, tables
            var.shape = s.shapes[i] if self.forward_only else None
            self.variants.append(var)
        self.array = False
        if not self.numpy:
            for var in self.variants:
                lower_variant(s, var)
            self.array = any(var.lowered.repeats or var.tables for var in self.variants)
        self.kinds = frozenset(k if not isinstance(k[1], tuple) else (k[0], "class") for k in skeys)
        self.widths = [len(out) for out in s.outputs]
        self.generate_seconds = time.perf_counter() - generating
        self.codes = collections.OrderedDict()

    def prune(self):
        """Let go of what code for other batch sizes does not need: the graphs of the samples
        that no kind's code is written from (a wide model's graph is big)."""
        s, keep = self.s, {var.sample for var in self.variants}
        self.needs = any(out[0] in s.requires for out in s.outputs)
        kept = set(s.param_nodes) | set(s.params)
        for i in range(len(s.samples)):
            if i in keep:
                kept.update(s.samples[i])
                kept.update(s.outputs[i])
            else:
                s.samples[i], s.outputs[i] = [], []
        s.requires = {x for x in s.requires if x in kept}
        s.root, s.reduce_nodes = None, []
        for name in ("owner", "uses", "position"):
            setattr(s, name, None)

    def assign(self, skeys):
        """Each sample's variant index, or None if a sample is of an unknown kind or the
        samples' outputs would not sit where the reduction's code reads them."""
        variant_of, variants = self.variant_of, self.variants
        try:
            kinds = [variant_of[k] for k in skeys]
        except KeyError:
            return None
        if self.exact is not None:
            return kinds if [variants[v].width for v in kinds] == self.widths else None
        if self.forward_only:
            return kinds
        return kinds if len(kinds) >= 2 and all(variants[v].width == 1 for v in kinds) else None

    def code(self, n, kinds):
        """The compiled code for a batch of n samples (written and compiled on first use)."""
        key = n if self.exact is None else None
        if self.forward_only:
            key = tuple(kinds)
        code = self.codes.get(key)
        if code is None:
            code = self.codes[key] = _Code(self, n, kinds)
            while len(self.codes) > _MAX_SIZES:
                old = self.codes.popitem(last=False)[1]
                linecache.cache.pop(old.filename, None)
        else:
            self.codes.move_to_end(key)
        return code


class _Code:
    """One compiled function of a plan: for its batch size, or for any size (exact plans)."""

    def __init__(self, plan, n, kinds):
        start = time.perf_counter()
        step, s = plan.step, plan.s
        self.plan, self.numpy = plan, plan.numpy
        if plan.forward_only:
            red, seeds = None, None
            self.widths = [plan.variants[v].width for v in kinds]
        elif plan.exact is not None:
            red = reduction.exact_view(s)
            seeds = reduction_seeds(red)
            self.widths = plan.widths
        else:
            red = reduction.build(plan.template, s, n, plan.needs)
            seeds = reduction_seeds(red)
            self.widths = [1] * n
        self.bases = list(itertools.accumulate([0] + self.widths[:-1]))
        program = Program(s, plan.variants, red, seeds, self.numpy, plan.array, sum(self.widths))
        name = getattr(step.fn, "__qualname__", type(step.fn).__name__)
        what = "Forward pass" if plan.forward_only else "Forward and backward"
        title = f"{what} of {name} on {n} samples, generated from a trace."
        self.source = program.source(plan.variants, title)
        self.filename = filename = f"<compiled step {next(_counter)}>"
        # Registered with linecache, a traceback through the generated code shows its lines.
        linecache.cache[filename] = (len(self.source), None, self.source.splitlines(True), filename)
        namespace = dict(step.namespace)
        if seeds is not None:
            seeds_list = [seeds[x] for x in sorted(red.slots, key=red.slots.__getitem__)]
            namespace["SEEDS"] = namespace["asarray"](seeds_list) if self.numpy else seeds_list
        namespace["CLASSES"] = program.classes
        generated = time.perf_counter()
        exec(builtins.compile(self.source, filename, "exec"), namespace)  # our own code, just written
        self.function = namespace["step"]
        self.stats = {"trace": plan.trace_seconds, "generate": plan.generate_seconds + generated - start,
                      "compile": time.perf_counter() - generated, "lines": self.source.count("\n"),
                      "kinds": len(plan.variants)}
        self.shapes = None if not plan.forward_only else plan.s.shapes

    def run(self, params, xb, yb, kinds):
        variants = self.plan.variants
        if len(variants) == 1:
            groups = [(self.bases, xb, yb)]
        else:
            groups = [([], [], []) for _ in variants]
            for base, row, y, v in zip(self.bases, xb, yb, kinds):
                j, x, t = groups[v]
                j.append(base)
                x.append(row)
                t.append(y)
        array = self.plan.array
        groups = [g if var.target != "class" or (array and var.tables) else g[:2]
                  for g, var in zip(groups, variants)]
        if self.numpy:
            from .numpy_backend import arrays, errors_raise
            with errors_raise():
                result = self.function(params, arrays(groups, variants))
        else:
            result = self.function(params, groups)
        if not self.plan.forward_only:
            return result
        values = result.tolist() if hasattr(result, "tolist") else result
        out = []
        for base, v in zip(self.bases, kinds):
            shape = variants[v].shape
            out.append(values[base] if shape is None else list(values[base:base + shape]))
        return out


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
