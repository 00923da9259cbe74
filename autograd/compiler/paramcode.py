"""The values of the parameters alone (an L2 penalty) in array form: a list `Q` and loops.

`alpha * sum(p * p for p in params)` is a product and a sum per parameter: written one line
per node, 100,000 lines at MNIST width. Lowered as a sample's graph is (`loops.lower`), it
is one dot product of the parameter list with itself, `Q[1] = sum(map(mul, P[1:n], P[1:n]),
Q[0])`, with values in `Q` and their gradients in `g_Q`. The values that other code reads
(the samples, the reduction) keep their names (`q7`): copied out of `Q` after the forward
pass, their gradients copied into `g_Q` before the backward pass.
"""
from . import arraycode
from .loops import Ref, lower


def read_outside(s, variants, red):
    """The parameter-only values that the samples' code or the reduction reads."""
    out = set()
    nodes = [v for var in variants for v in s.samples[var.sample]]
    if red is not None:
        nodes += red.reduce_nodes
        out.add(red.root)
    for v in nodes:
        out.update(x for x in (v._a, v._b) if x in s.qindex)
    return {x for x in out if x in s.qindex}


def lowered(s, names, outside):
    """(forward lines, gradient names to start at 0, backward lines) of the parameter-only
    values in array form; None if their graph does not repeat (then one line per node is
    as short). `names[x]`: the name of a value read outside."""
    nodes = s.param_nodes
    local = {v: k for k, v in enumerate(nodes)}
    const, index = s.const, s.index

    def ref_of(k, pos, x):
        if x in local:
            return local[x]
        return Ref("c", const[x]) if x in const else Ref("p", index[x])
    low = lower(nodes, ref_of, s.requires.__contains__, {local[x] for x in outside})
    if not low.repeats:
        return None
    texts = arraycode.Texts([], False, [], values="Q")
    kept = [x for x in nodes if x in outside]
    slot = {x: low.slot_of[local[x]] for x in kept}
    forward = [f"Q = [0.0] * {low.slots}  # the values of the parameters alone"]
    forward += arraycode.forward_lines(low.items, texts)
    forward += [f"{names[x]} = Q[{slot[x]}]" for x in kept]
    wanted = [x for x in kept if x in s.requires]
    backward = [f"g_Q = [0.0] * {low.slots}"] + [f"g_Q[{slot[x]}] += g_{names[x]}" for x in wanted]
    backward += arraycode.backward_lines(low.items, texts)
    return forward, [f"g_{names[x]}" for x in wanted], backward
