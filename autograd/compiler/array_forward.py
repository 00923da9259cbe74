"""A forward pass on arrays (`compile(..., backward=False)`): each kind of sample as grouped array code.

The same grouping as a training step's (arrays.py, array_codegen.py), without the backward
lines and without a reduction: each sample's outputs go to its slots of `B`, which the
caller splits into rows. Values the parameters alone give (`q`) are computed once per
call by the scalar code of `Program`.
"""
import textwrap

from .array_codegen import BlockWriter
from .array_names import Names
from .array_program import AUTO_BATCH, AUTO_RATIO, FIXED, ArrayProgram, _target_width
from .arrays import flat, group
from .program import Program


class ForwardArrays(ArrayProgram):
    """Source parts of a forward pass on arrays for any batch of `size` output slots; `run`
    (ArrayProgram's) calls it on a batch and returns the outputs as one array."""

    def __init__(self, s, variants, backend, size):
        self.backend, self.s, self.size = backend, s, size
        self._bases = self._j = None
        self.scalar = Program(s, [], None, None)  # the parameter-only values, as scalar code
        self.nparams = len(s.params)
        self.q_names = [self.scalar.names.names[v] for v in s.param_nodes]
        self.seeds = None
        for v in variants:  # (kept on the variant: each batch size's code reuses it)
            if getattr(v, "block", None) is not None:
                continue
            v.block = group(s, v.sample, v.row_len, v.row_len + _target_width(v.target))
            if not _reads_targets(v.block):
                v.block.width = v.row_len  # (a forward pass is given no targets: they are zeros)
        self.variants = list(variants)
        # One kind of sample: the function returns its outputs as rows (n, outputs), in order.
        self.as_rows = len(variants) == 1
        self.blocks = [(v.row_len, v.block.width, False) for v in variants]
        self.block_of = [(b, 0) for b in range(len(variants))]
        self.clash = bool(set(FIXED) & set(self.scalar.names.names.values()))

    def pays(self, n):
        """True if arrays should beat Python code on n samples (as `ArrayProgram.pays`)."""
        per_sample = sum(len(self.s.samples[v.sample]) for v in self.variants) / len(self.variants)
        operations = sum(len(v.block.groups) for v in self.variants)
        return n >= AUTO_BATCH and per_sample * n >= AUTO_RATIO * operations

    def source(self, variants, title):
        """The whole function as text; sets `namespace`."""
        scalar, names = self.scalar, Names(self.scalar.names.taken | set(FIXED))
        sizes = {"p": self.nparams, "q": len(self.q_names)}
        samples, q_used = [], set()
        for b, v in enumerate(variants):
            writer = BlockWriter([v.block], names, sizes)
            width = len(v.block.outputs)
            whole = _whole(v.block.outputs) if self.as_rows else None
            store = [f"B[j + {o}] = {{}}" if o else "B[j] = {}" for o in range(width)]
            if self.as_rows:
                store = [] if whole is not None else [f"B[:, {o}] = {{}}" for o in range(width)]
            forward, _ = writer.lines(store, [])
            q_used |= writer.q_used
            data = "x, y" if v.block.width > v.row_len else "x"
            head = [f"# samples like sample {v.sample}, one row each", f"j, {data} = groups[{b}]", "n = len(j)"]
            head += ["xy = join(x, y)  # each row, then its target"] if writer.joined else []
            if self.as_rows and whole is None:
                head.append(f"B = zeros((n, {width}))  # each sample's outputs, a row each")
            samples += head + forward
            if whole is not None:
                samples.append(f"return {writer.gname[whole.gid]}  # each sample's outputs, a row each")
        body = [f'"""{title}', "", "params: the parameters' values; groups: (slots, rows as an array (n, inputs)) "
                "for each kind of sample.", 'Returns the samples\' outputs: an array."""',
                "P = asarray(params)  # the parameters as one array"]
        if q_used:
            body.append(f"{', '.join(scalar.params)}{',' if len(scalar.params) == 1 else ''} = params")
            body += ["# computed from the parameters alone, once per call"] + scalar.param_forward
            body.append(f"Q = asarray([{', '.join(self.q_names)}])")
        if not self.as_rows:
            body.append(f"B = zeros({self.size})  # each sample's outputs")
        body += samples + ([] if samples[-1].startswith("return ") else ["return B"])
        self.namespace = self._namespace(names)
        return "def step(params, groups):\n" + textwrap.indent("\n".join(body), "    ") + "\n"


def _reads_targets(block):
    """True if the block reads a sample's target (a position past the row in its inputs)."""
    sources = [o for g in block.groups for o in g.operands] + \
        [src for g in block.groups for family in g.families for src in family if src is not None]
    return any(src.kind == "x" and max(flat(src.table)) >= block.row_len for src in sources + block.outputs)


def _whole(outputs):
    """The group whose members are the outputs, all of them in order; else None."""
    first = outputs[0]
    if first.kind != "g" or first.group.size != len(outputs) or not first.group.batched:
        return None
    if all(o.kind == "g" and o.group is first.group and o.table == (k,) for k, o in enumerate(outputs)):
        return first.group
    return None
