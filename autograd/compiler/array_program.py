"""The generated step on arrays: one block of array code per kind of sample, rows = samples.

The parameters' own values (an L2 penalty) and the batch reduction (the mean) stay the
scalar code of `Program`; each kind of sample becomes a Block of grouped array operations
(see arrays.py), and kinds whose blocks differ only in which element they pick (the class
of a cross-entropy target) share one block, each sample gathering with its own index.
"""
import textwrap

from .array_codegen import BlockWriter
from .array_names import Names
from .arrays import group, group_nodes, shape_key
from .program import Program

# The generated code's own names (besides the scalar code's and those of array_codegen).
FIXED = ("params", "P", "g_P", "Q", "g_Q", "gq", "x", "y", "xy", "join", "widen", "n", "j", "R", "V", "B", "S",
         "exp", "log", "tanh", "sigmoid", "softplus", "power", "safe_power", "power_base_derivative",
         "bce", "bce_dp", "bce_dt",
         "log_of_base", "where", "sign", "zeros", "copy", "arange", "asarray", "batch_sum", "row_sum", "last_sum", "add_at",
         "add_at_columns", "total", "rows_total", "row_max", "last_max", "add_to_max", "add_to_max_at", "SEEDS", "abs", "len")


class ArrayProgram:
    """Source parts for one traced batch on arrays; `source(variants)` assembles the function,
    `namespace` holds its constants, `run` calls it on a batch."""

    def __init__(self, s, variants, red, seeds, backend):
        self.backend = backend
        self._bases = self._j = None  # the latest slots, as an index array
        self.scalar = scalar = Program(s, [], red, seeds)
        self.linear = scalar.linear
        self.nparams, self.nslots = len(s.params), len(scalar.slots)
        self.q_names = [scalar.names.names[v] for v in s.param_nodes]
        # d loss / d each output slot (the reduction: of the traced batch, or written for n samples)
        self.seeds = [seeds[x] for x in sorted(red.slots, key=red.slots.__getitem__)] if seeds is not None else None
        self.s, self.red = s, red
        by_reduction = {x for v in red.reduce_nodes for x in v._prev if x in s.index}
        if red.root in s.index:
            by_reduction.add(red.root)
        used = by_reduction | {x for v in s.param_nodes for x in v._prev if x in s.index}
        self.used = sorted(s.index[p] for p in used)
        self.used_by_reduction = sorted(s.index[p] for p in by_reduction)
        for v in variants:  # (kept on the variant: each batch size's code reuses it)
            if getattr(v, "block", None) is None:
                v.block = group(s, v.sample, v.row_len, v.row_len + _target_width(v.target))
        self.variants = list(variants)
        self.clash = bool(set(FIXED) & set(scalar.names.names.values()))

    def pays(self):
        """True if arrays should beat Python code: many more scalar operations than array ones."""
        s, n = self.s, len(self.red.slots)  # (samples of one output each, if not the traced batch)
        traced = sum(map(len, s.outputs))
        if not traced:  # no sample reaches the loss on its own (all parameters and constants)
            return False
        scalar = sum(map(len, s.samples)) * n / traced + len(s.param_nodes)
        shapes = {}
        for v in self.variants:
            shapes[shape_key(v.block, False)] = len(v.block.groups)
        return n * len(s.samples) / traced >= AUTO_BATCH and scalar >= AUTO_RATIO * sum(shapes.values())

    def source(self, variants, title):
        """The whole step function as text; sets `namespace` and which block runs each kind."""
        scalar, names = self.scalar, Names(self.scalar.names.taken | set(FIXED))
        merged, self.block_of = {}, []
        for v in variants:
            key = (v.row_len, v.block.width, shape_key(v.block, False))
            members = merged.setdefault(key, [])
            self.block_of.append((list(merged).index(key), len(members)))
            members.append(v)
        self.blocks = [(m[0].row_len, m[0].block.width, len(m) > 1) for m in merged.values()]
        sizes = {"p": self.nparams, "q": len(self.q_names)}
        samples, later, q_used = [], [], set()
        for b, members in enumerate(merged.values()):
            writer = BlockWriter([v.block for v in members], names, sizes)
            slots = range(len(members[0].block.outputs))
            forward, backward = writer.lines([f"B[j + {o}] = {{}}" if o else "B[j] = {}" for o in slots],
                                             [f"S[j + {o}][:, None]" if o else "S[j][:, None]" for o in slots])
            q_used |= writer.q_used
            block = members[0].block
            data = "x, y" if block.width > block.row_len else "x"
            head = [f"j, {data}{', V' if len(members) > 1 else ''} = groups[{b}]", "n = len(j)"]
            head += ["R = arange(n)[:, None]"] if writer.per_sample else []
            head += ["xy = join(x, y)  # each row, then its target"] if writer.joined else []
            kinds = ", ".join(str(v.sample) for v in members)
            what = f"# samples like sample{'s' if len(members) > 1 else ''} {kinds}, one row each: "
            if self.linear:
                samples += [what + "forward, then backward"] + head + forward + backward
            else:
                samples += [what + "forward"] + head + forward
                later += [what + "backward, with the reduction's gradients"] + head + backward
        params_block = None if q_used else self._params_block(names, sizes)
        body = [f'"""{title}', "", "params: the parameters' values; groups: (slots, rows as an array (n, inputs)"
                "[, kinds]) for each kind of sample.", 'Returns the loss and d loss / d each parameter, an array."""',
                "P = asarray(params)  # the parameters as one array"]
        used = self.used if params_block is None else self.used_by_reduction
        p_names = [scalar.params[k] for k in used]
        if p_names:  # the parameters the scalar code reads, by name
            body.append(f"{', '.join(p_names)} = {', '.join(f'params[{k}]' for k in used)}")
        body.append(f"g_P = zeros({self.nparams})  # d loss / d each parameter")
        if params_block is not None:
            body += ["# computed from the parameters alone, once per batch"] + params_block[0]
        elif scalar.param_forward:
            body += ["# computed from the parameters alone, once per batch"] + scalar.param_forward
        keep = set(p_names) | set(self.q_names if params_block is None else params_block[2])
        accumulators = [a for a in scalar.accumulators if a[2:] in keep]
        if accumulators:
            body.append(" = ".join(accumulators) + " = 0.0")
        if q_used:
            body += [f"Q = asarray([{', '.join(self.q_names)}])", f"g_Q = zeros({len(self.q_names)})"]
        body.append(f"B = zeros({self.nslots})  # each sample's outputs")
        if self.linear:
            body.append("S = SEEDS  # d loss / d each output: constants of the reduction")
        body += samples + ["B = B.tolist()"]
        if scalar.reduce_forward:
            body += ["# the batch reduction: each sample's outputs B into the loss"] + scalar.reduce_forward
        if not self.linear:
            body.append(f"S = [0.0] * {self.nslots}")
        body += scalar.reduce_backward
        if not self.linear:
            body += ["S = asarray(S)"] + later
        if q_used:
            body.append("gq = g_Q.tolist()")
            body += [f"g_{self.q_names[k]} += gq[{k}]" for k in sorted(q_used)]
        if params_block is not None:
            body += ["# backward through the parameter-only values"] + params_block[1]
        elif scalar.param_backward:
            body += ["# backward through the parameter-only values"] + scalar.param_backward
        body += [f"g_P[{k}] += g_{scalar.params[k]}" for k in used]
        body.append(f"return {scalar.loss}, g_P")
        self.namespace = self._namespace(names)
        return "def step(params, groups):\n" + textwrap.indent("\n".join(body), "    ") + "\n"

    def _params_block(self, names, sizes):
        """(forward, backward, names of outputs) of the parameter-only values as arrays, or None."""
        s = self.s
        if not s.param_nodes or self.red.root in s.qindex:
            return None
        uses, outputs = {}, {}
        for v in s.param_nodes:
            for x in v._prev:
                uses[x] = uses.get(x, 0) + 1
        for v in self.red.reduce_nodes:
            for x in v._prev:
                if x in s.qindex:
                    outputs[x] = None
        block = group_nodes(s, s.param_nodes, list(outputs), uses)
        writer = BlockWriter([block], names, sizes)
        out_names = [self.scalar.names.names[q] for q in outputs]
        forward, backward = writer.lines([f"{q} = {{}}" for q in out_names],
                                         [f"asarray([g_{q}])" if x in s.requires else None
                                          for q, x in zip(out_names, outputs)])
        return forward, backward, out_names

    def _namespace(self, names):
        from .step import _python_namespace  # (step imports this module)
        backend = self.backend
        out = backend.namespace()
        for name, scalar in _python_namespace().items():  # the scalar code (the reduction) calls
            if callable(scalar) and name in out:          # the same names on floats
                out[name] = _on_floats(scalar, out[name])
        for name, (kind, data) in names.consts.items():
            out[name] = backend.index(data) if kind == "index" else backend.array(data)
        if self.seeds is not None:
            out["SEEDS"] = backend.array(self.seeds)
        return out

    def run(self, function, params, xb, yb, kinds, bases):
        """Call the generated `function` on a batch: each block's slots, rows (and kinds)."""
        backend, block_of = self.backend, self.block_of
        if len(self.blocks) == 1:  # every sample in one block: no sorting
            if self._bases is not bases:
                self._bases, self._j = bases, backend.index(bases)
            row_len, width, merged = self.blocks[0]
            groups = [(self._j,) + backend.inputs(xb, yb, row_len, width)]
            if merged:
                groups[0] += (backend.index([block_of[v][1] for v in kinds]),)
        else:
            parts = [([], [], [], []) for _ in self.blocks]
            for base, row, y, v in zip(bases, xb, yb, kinds):
                b, position = block_of[v]
                j, x, t, k = parts[b]
                j.append(base)
                x.append(row)
                t.append(y)
                k.append(position)
            groups = []
            for (j, x, t, k), (row_len, width, merged) in zip(parts, self.blocks):
                group = (backend.index(j),) + backend.inputs(x, t, row_len, width)
                groups.append(group + (backend.index(k),) if merged else group)
        with backend.errors():
            return function(params, groups)


def choose(backend):
    """The array backend module for `backend`, or None for Python code ("auto": NumPy if
    installed; the plan then asks `ArrayProgram.pays` whether arrays are worth it)."""
    from . import backends
    if backend == "python" or backend == "auto" and not backends.available("numpy"):
        return None
    return backends.load("numpy" if backend == "auto" else backend)


# "auto" takes arrays for batches of AUTO_BATCH samples or more whose scalar operations
# outnumber the array operations AUTO_RATIO times (measured: bench/bench_auto.py, docs/arrays.md).
AUTO_RATIO, AUTO_BATCH = 400, 4


def _on_floats(scalar, array):
    """`scalar` (the engine's function) for floats, `array` for arrays: errors as in the engine."""
    def either(*args):
        return scalar(*args) if args[0].__class__ is float else array(*args)
    return either


def _target_width(target):
    return 0 if target == "class" else 1 if target == "float" else target

