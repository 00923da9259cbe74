"""Plans: the traced samples of a batch structure, and the compiled code for each batch size.

A `Plan` holds what tracing found (kinds of samples, their loops, how the reduction depends
on the batch size); its `code(n, kinds)` writes and compiles the step function for a batch
of n samples once, and keeps it (`Code`).
"""
import builtins
import collections
import itertools
import linecache
import time

from . import dots, reduction
from .array_forward import ForwardArrays
from .array_program import ArrayProgram, choose
from .loops import lower_variant
from .program import Program, Variant
from .samples import group, merge_classes
from .trace import reduction_seeds

_MAX_SIZES = 256  # compiled batch sizes kept per plan (each a small function)
STRAIGHT = 6000  # nodes of all kinds of sample up to which code is written one line per node
_counter = itertools.count()


class Unmerged(Exception):
    """Kinds traced apart did not merge into the first trace's kinds."""


def probe_samples(xb, yb, skeys, known):
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


class Plan:
    """The traced samples of a batch structure: kinds of samples and how to write their code.

    `exact` is the batch's structure key when the reduction was traced for that batch only;
    else `template` (see `reduction.same_fold`) writes it for any batch size, each size's
    code compiled once and kept."""

    def __init__(self, step, s, skeys, exact, start, probe, numbers, extra=(), shared=None):
        self.step, self.s, self.exact, self.template = step, s, exact, None
        self.classes = tuple(skeys) if exact is not None and any(k[1].__class__ is tuple for k in skeys) else None
        self.forward_only = not step.backward
        # An array library for the code (None: Python). Array code is written from the kinds
        # of samples traced (for any batch size), or from a trace of the whole batch when its
        # reduction is not a sum over the samples (see docs/arrays.md).
        self.arrays = None if exact is not None and self.forward_only else choose(step.backend)
        self.probe = probe
        self.trace_seconds = time.perf_counter() - start
        generating = time.perf_counter()
        self.traced = len(skeys)
        kinds, kind_of = group(s, skeys, numbers, shared, peel=not self.forward_only)
        self.first = kinds[0][1]  # sample 0's signature: compared with another batch size's (step.py)
        for kinds_e, kind_of_e in extra:  # kinds traced apart: only their graphs' signatures
            for key, v in kind_of_e.items():
                kind_of.setdefault(key, len(kinds) + v)
            kinds += [(None, sig) for _, sig in kinds_e]
        # Kinds that differ by a class index are merged into one (Python code). Code of a few
        # thousand lines runs fastest written out with named values; beyond that, repeats
        # become loops.
        if self.arrays is None:
            kinds, kind_of = merge_classes(kinds, kind_of)
        straight = self.arrays is not None and exact is not None or sum(len(k[1]) for k in kinds) <= STRAIGHT
        if any(k[0] is None for k in kinds):
            raise Unmerged
        self.variants, self.variant_of = [], kind_of
        for i, sig, selects, tables in (k if len(k) == 4 else (*k, {}, []) for k in kinds):
            row_len, target = skeys[i] if i is not None else (None, None)
            target = "class" if isinstance(target, tuple) else target
            var = Variant(i, sig, row_len, target, len(s.outputs[i]))
            var.selects, var.tables = selects, tables
            var.shape = s.shapes[i] if self.forward_only else None
            self.variants.append(var)
        self.array, self.lowered = False, straight
        if self.arrays is None:
            self.lower()  # (array code lowers only if it falls back to Python code)
        self.kinds = frozenset(k if not isinstance(k[1], tuple) else (k[0], "class") for k in skeys)
        self.widths = [len(out) for out in s.outputs]
        self.generate_seconds = time.perf_counter() - generating
        self.codes = collections.OrderedDict()

    def lower(self):
        """Find the loops of each kind's code, once, if it is too long to write out."""
        if not self.lowered:
            for var in self.variants:
                lower_variant(self.s, var)
            self.array = any(var.lowered.repeats for var in self.variants)
            self.lowered = True

    def prune(self):
        """Let go of what code for other batch sizes does not need: the graphs of the samples
        that no kind's code is written from (a wide model's graph is big)."""
        s, keep = self.s, {var.sample for var in self.variants}
        self.needs = any(out[0] in s.requires for out in s.outputs)
        if self.arrays is not None:
            return  # array code groups the nodes of each kind: it needs them all (a few samples)
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

    def forget(self):
        """Drop the generated sources kept for tracebacks (the plan is no longer used)."""
        for code in self.codes.values():
            linecache.cache.pop(code.filename, None)

    def assign(self, skeys):
        """Each sample's variant index, or None if a sample is of an unknown kind or the
        samples' outputs would not sit where the reduction's code reads them."""
        variant_of, variants = self.variant_of, self.variants
        try:
            kinds = [variant_of[k] for k in skeys]
        except KeyError:
            return None
        if self.exact is not None:
            # Traced as a whole batch, the classes may be baked in anywhere (a parameter-only
            # term that reads a class's constant): only the same classes in the same places.
            if self.classes is not None and tuple(skeys) != self.classes:
                return None
            return kinds if [variants[v].width for v in kinds] == self.widths else None
        # One row is traced as it is: fn may treat a batch of one apart (`if len(xb) == 1`),
        # which no trace of two or three samples can see.
        if self.forward_only:
            return kinds if len(kinds) >= 2 else None
        return kinds if len(kinds) >= 2 and all(variants[v].width == 1 for v in kinds) else None

    def code(self, n, kinds):
        """The compiled code for a batch of n samples (written and compiled on first use)."""
        key = n if self.exact is None else None
        if self.forward_only:
            key = tuple(kinds)
        code = self.codes.get(key)
        if code is None:
            code = self.codes[key] = Code(self, n, kinds)
            while len(self.codes) > _MAX_SIZES:
                old = self.codes.popitem(last=False)[1]
                linecache.cache.pop(old.filename, None)
        else:
            self.codes.move_to_end(key)
        return code


class Code:
    """One compiled function of a plan: for its batch size, or for any size (exact plans)."""

    def __init__(self, plan, n, kinds):
        start = time.perf_counter()
        step, s = plan.step, plan.s
        self.plan = plan
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
        program, self.arrays = None, plan.arrays
        if self.arrays is not None and plan.forward_only:
            program = ForwardArrays(s, plan.variants, self.arrays, sum(self.widths))
            if program.clash or step.backend == "auto" and not program.pays(len(kinds)):
                program, self.arrays = None, None
        elif self.arrays is not None:
            program = ArrayProgram(s, plan.variants, red, seeds, self.arrays)
            if program.clash or step.backend == "auto" and not program.pays():
                program, self.arrays = None, None  # a label took one of its names, or arrays don't pay
        if program is None:
            plan.lower()
            program = Program(s, plan.variants, red, seeds, plan.array, sum(self.widths))
        self.program = program
        name = getattr(step.fn, "__qualname__", type(step.fn).__name__)
        what = "Forward pass" if plan.forward_only else "Forward and backward"
        title = f"{what} of {name} on {n} sample{'' if n == 1 else 's'}, generated from a trace."
        self.source = program.source(plan.variants, title)
        self.filename = filename = f"<compiled step {next(_counter)}>"
        # Registered with linecache, a traceback through the generated code shows its lines.
        linecache.cache[filename] = (len(self.source), None, self.source.splitlines(True), filename)
        namespace = dict(step.namespace, **dots.NAMESPACE)
        if self.arrays is not None:
            namespace.update(program.namespace)
        else:
            if seeds is not None:
                namespace["SEEDS"] = [seeds[x] for x in sorted(red.slots, key=red.slots.__getitem__)]
            namespace["CLASSES"] = program.classes
        generated = time.perf_counter()
        exec(builtins.compile(self.source, filename, "exec"), namespace)  # our own code, just written
        self.function = namespace["step"]
        self.stats = {"trace": plan.trace_seconds, "generate": plan.generate_seconds + generated - start,
                      "compile": time.perf_counter() - generated, "lines": self.source.count("\n"),
                      "kinds": len(plan.variants),
                      "backend": "python" if self.arrays is None else self.arrays.__name__.rsplit(".", 1)[-1]}
        self.shapes = None if not plan.forward_only else plan.s.shapes

    def run(self, params, xb, yb, kinds):
        variants = self.plan.variants
        if self.arrays is not None:
            result = self.program.run(self.function, params, xb, yb, kinds, self.bases)
            if not self.plan.forward_only:
                return result
            if self.program.as_rows:  # one kind of sample: (n, outputs), a row each
                rows = result.tolist()
                return rows if variants[0].shape is not None else [row[0] for row in rows]
            return self._rows(result, kinds)
        if len(variants) == 1:
            groups = [(self.bases, xb, yb)]
        else:
            groups = [([], [], []) for _ in variants]
            for base, row, y, v in zip(self.bases, xb, yb, kinds):
                j, x, t = groups[v]
                j.append(base)
                x.append(row)
                t.append(y)
        groups = [g if var.target != "class" or var.tables else g[:2]
                  for g, var in zip(groups, variants)]
        result = self.function(params, groups)
        return self._rows(result, kinds) if self.plan.forward_only else result

    def _rows(self, result, kinds):
        """Each sample's output (a float) or outputs (a list), from their slots in `result`."""
        variants = self.plan.variants
        values = result.tolist() if hasattr(result, "tolist") else result
        out = []
        for base, v in zip(self.bases, kinds):
            shape = variants[v].shape
            out.append(values[base] if shape is None else list(values[base:base + shape]))
        return out
