"""The generated step function: parameter code, one loop per kind of sample, the reduction."""
import textwrap

from . import arraycode, dots, paramcode, samples
from .codegen import Namer, backward_lines, forward_lines, fused_forward_lines, line, number


class Variant:
    """Samples whose graphs are identical: one loop of generated code serves them all."""

    def __init__(self, sample, sig, row_len, target, width):
        self.sample, self.sig = sample, sig    # the traced sample the code is written from
        self.row_len, self.target = row_len, target  # target: "class", "float" or its length
        self.width = width  # how many of its values the reduction reads
        self.header = self.forward = self.store = self.backward = None
        self.lowered = self.out_refs = None  # array form (see loops.lower)
        self.tables = []  # per selected value: the node it is for each class index
        self.selects = {}  # (node, operand) -> table number

    def input_names(self):
        xs = [f"x{k}" for k in range(self.row_len)]
        ys = [] if self.target == "class" else ["y"] if self.target == "float" else \
            [f"y{k}" for k in range(self.target)]
        return xs, ys


class Program:
    """Source parts for one traced batch; `source(variants)` assembles the function.

    `red` is the batch reduction (`reduction_view`): its nodes, root, constants and the slot
    in B of each sample output it reads. With `array`, each sample's code is in array form
    (`arraycode`): values in `t`, parameters as `P[k]`, loops where the graph repeats.
    """

    def __init__(self, s, variants, red, seeds, array=False, nout=None):
        self.linear, self.array = seeds is not None, array
        self.forward_only = red is None
        self.slots = {} if red is None else red.slots
        self.nout = len(self.slots) if nout is None else nout
        accum = set(s.params) | set(s.param_nodes)
        self.names = names = Namer()
        if red is not None and (red.root in s.qindex or red.root in red.reduce_nodes):
            names.add(red.root, "r", red.root.label or "loss")
        if array:
            self.fixed = {p: f"P[{k}]" for k, p in enumerate(s.params)}
            self.gfixed = {p: f"g_P[{k}]" for k, p in enumerate(s.params)}
            self.params = []
        else:
            self.fixed, self.gfixed = {}, {}
            self.params = [names.add(p, "p") for p in s.params]
        for v in s.param_nodes:
            names.add(v, "q")
        ref = self._ref(s, names.names, {})
        gref = self._gref(names.names, {})
        self.param_forward = forward_lines(s.param_nodes, ref)
        self.accumulators = [gref(x) for x in (s.param_nodes if array else s.params + s.param_nodes)
                             if x in s.requires]
        lowered = None
        if array and s.param_nodes:  # an L2 penalty over a wide model: a dot product, not a line per node
            lowered = paramcode.lowered(s, names.names, paramcode.read_outside(s, variants, red))
            if lowered is not None:
                self.param_forward, self.accumulators, lowered_backward = lowered
        self.nparams = len(s.params)
        self.tsize = 0
        self.classes = []  # per class-selected value: its slot in t for each class index
        for v in variants:
            if array:
                self._array_variant(s, v, names)
            else:
                self._variant(s, v, names.child())
        if self.forward_only:
            return
        self._reduction(s, red, names.child(), accum)
        prelude = []
        if red.root in accum and red.root in s.requires:  # the loss reads parameters only
            prelude.append(f"{gref(red.root)} += 1.0")
        self.param_backward = prelude + (lowered_backward if lowered is not None else backward_lines(
            s.param_nodes, ref, gref, s.requires.__contains__, accum.__contains__, set(accum)))
        outs = {x: f"B[{k}]" for x, k in self.slots.items()}
        self.loss = outs[red.root] if red.root in outs else self._ref(red, names.names, outs)(red.root)
        self.grads = [gref(p) if p in s.requires else "0.0" for p in s.params]

    def _ref(self, s, names, inputs):
        const, fixed = s.const, self.fixed

        def ref(x):
            if x in const:
                return number(const[x])
            name = names.get(x) or fixed.get(x)
            return name if name is not None else inputs[x]
        return ref

    def _gref(self, names, slots):
        fixed = self.gfixed

        def gref(x):
            name = names.get(x)
            return f"g_{name}" if name is not None else fixed.get(x) or slots[x]
        return gref

    def _array_variant(self, s, var, names):
        """Array form of a kind of sample (see arraycode): its items were found by `lower`."""
        low = var.lowered
        self.tsize = max(self.tsize, low.slots)
        qnames = [names.names[q] for q in s.param_nodes]
        tables = [[None if k is None else low.slot_of[k] for k in table] for table in var.tables]
        texts = arraycode.Texts(qnames, var.target == "float", tables, len(self.classes), var.row_len)
        self.classes += tables
        var.forward = arraycode.forward_lines(low.items, texts)
        offsets = ["j"] + [f"j + {k}" for k in range(1, len(var.out_refs))]
        var.store = [f"B[{o}] = {texts.value(r)}" for o, r in zip(offsets, var.out_refs)]
        seeds = [line(f"{texts.grad(r)} += S[{o}]", "d loss / d this output, from the reduction")
                 for o, r, x in zip(offsets, var.out_refs, s.outputs[var.sample])
                 if r.kind == "n" and x in s.requires]
        var.backward = [f"g_t = [0.0] * {low.slots}  # d loss / d each value of this sample"] + seeds
        var.backward += arraycode.backward_lines(low.items, texts)
        target = ", y" if var.target != "class" or var.tables else ""
        var.header = [f"for j, x{target} in zip(*groups[{{v}}]):"]

    def _variant(self, s, var, names):
        i = var.sample
        xs, ys = var.input_names()
        inputs = {x: (xs + ys)[pos] for x, (k, pos) in s.where.items() if k == i}
        names.taken.update(xs + ys)
        for v in s.samples[i]:
            names.add(v, "t")
        ref, gref = self._ref(s, names.names, inputs), self._gref(names.names, {})
        picks = samples.picks(s.samples[i], var, names.taken)
        keep, chains = set(s.outputs[i]), {}
        if self.forward_only and not picks:
            var.forward = fused_forward_lines(s.samples[i], ref, lambda v: s.uses.get(v, 0) != 1 or v in keep)
        else:  # (a class index picking at run time needs its candidates by name, forward-only too)
            keep.update(x for cands in picks.values() for _, c in cands.values() for x in c)
            chains = dots.find_chains(s.samples[i], keep | set(picks))
            var.forward = dots.named_forward(s.samples[i], ref, picks, chains)
        outputs = s.outputs[i]
        offsets = ["j"] + [f"j + {k}" for k in range(1, len(outputs))]
        var.store = [f"B[{o}] = {ref(x)}" for o, x in zip(offsets, outputs)]
        seeded = [x for x in outputs if x in s.requires and x._a is not None]
        var.backward = [line(f"{gref(x)} = S[{o}]", "d loss / d this output, from the reduction")
                        for o, x in zip(offsets, outputs) if x in seeded]
        accum = set(s.params) | set(s.param_nodes)
        var.backward += dots.named_backward(s.samples[i], ref, gref, s.requires.__contains__,
                                            accum.__contains__, set(seeded), picks, chains)
        target = ", y" if var.target == "float" or var.tables else f", {_unpack(ys)}" if ys else ""
        var.header = [f"for j, {_unpack(xs)}{target} in zip(*groups[{{v}}]):"]

    def _reduction(self, s, red, names, accum):
        linear, nodes = self.linear, red.reduce_nodes
        for v in nodes:
            names.add(v, "r")
        outs = {x: f"B[{k}]" for x, k in self.slots.items()}
        ref = self._ref(red, names.names, outs)
        seeds = {x: f"S[{k}]" for x, k in self.slots.items()}
        gref = self._gref(names.names, seeds)
        wanted = {x for x in accum if x in s.requires}
        if not linear:
            wanted.update(x for x in self.slots if x in red.requires)
        for v in nodes:
            if v._a in wanted or v._b in wanted:
                wanted.add(v)
        self.reduce_forward = forward_lines(nodes, ref)
        self.reduce_backward = []
        assigned = set()
        if red.root in wanted and red.root in nodes:
            self.reduce_backward.append(f"{gref(red.root)} = 1.0")
            assigned.add(red.root)
        grows = accum if linear else accum | set(self.slots)
        self.reduce_backward += backward_lines(nodes, ref, gref, wanted.__contains__,
                                               grows.__contains__, assigned)

    def source(self, variants, title):
        """The whole step function as text, one loop per variant in `variants`' order."""
        n = self.nout
        returns = ("Returns B, each sample's outputs." if self.forward_only else
                   "Returns the loss and d loss / d parameter for every parameter.")
        body = [f'"""{title}', "",
                "P: the parameters' values; groups: (slot, rows[, targets]) for each kind of sample.",
                returns + '"""']
        if self.params:
            body += _wrap("(", self.params, ") = P")
        if self.param_forward:
            body += ["# computed from the parameters alone, once per batch"] + self.param_forward
        if self.forward_only:
            body.append(f"B = [0.0] * {n}  # each sample's outputs")
            if self.array:
                body.append(f"t = [0.0] * {self.tsize}  # one sample's values")
            for v, var in enumerate(variants):
                body += _loop(var, v, var.forward + var.store, "forward")
            return "def step(P, groups):\n" + textwrap.indent("\n".join(body + ["return B"]), "    ") + "\n"
        if self.array or self.accumulators:
            body += ["# gradients of the parameters, summed over the batch"]
        if self.array:
            body.append(f"g_P = [0.0] * {self.nparams}")
        body += [" = ".join(names) + " = 0.0" for names in _chunks(self.accumulators, 84) if names]
        body.append(f"B = [0.0] * {n}  # each sample's outputs")
        if self.array:
            body.append(f"t = [0.0] * {self.tsize}  # one sample's values")
        if self.linear:
            body.append("S = SEEDS  # d loss / d each output: constants of the reduction")
        for v, var in enumerate(variants):
            parts = var.forward + var.store + (var.backward if self.linear else [])
            body += _loop(var, v, parts, "forward, then backward" if self.linear else "forward")
        if self.reduce_forward:
            body += ["# the batch reduction: each sample's outputs B into the loss"] + self.reduce_forward
        if not self.linear:
            body.append(f"S = [0.0] * {n}")
        body += self.reduce_backward
        if not self.linear:
            for v, var in enumerate(variants):
                body += _loop(var, v, var.forward + var.backward, "again, with the reduction's gradients")
        if self.param_backward:
            body += ["# backward through the parameter-only values"] + self.param_backward
        if self.array:
            body.append(f"return {self.loss}, g_P")
        else:
            body += _wrap(f"return {self.loss}, (", self.grads, ")")
        return "def step(P, groups):\n" + textwrap.indent("\n".join(body), "    ") + "\n"


def _unpack(names):
    """'(a, b)' as an assignment target; '(a,)' for one name."""
    return "(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")"


def _loop(var, v, parts, what):
    head = [h.format(v=v) for h in var.header]
    comment = f"# samples like sample {var.sample}: {what}"
    return [comment] + head + [("    " + p) for p in parts or ["pass"]]


def _chunks(names, width):
    """Consecutive runs of `names` whose ' = '-joined text fits in `width`."""
    runs = [[]]
    for name in names:
        if runs[-1] and len(" = ".join(runs[-1] + [name])) > width:
            runs.append([])
        runs[-1].append(name)
    return runs


def _wrap(opening, items, closing, width=92):
    """`opening item, item, ... closing` on one line, or one indented block of items if long."""
    text = ", ".join(items) + ("," if len(items) == 1 else "")
    if len(opening + text + closing) <= width:
        return [opening + text + closing]
    return [opening] + ["    " + x for x in textwrap.wrap(text, width - 4, break_long_words=False,
                                                            break_on_hyphens=False)] + [closing]

