"""Draw computation graphs as SVG: a neuron, the XOR network's loss, a capped view of a larger MLP."""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd import Value, draw, topological_order  # noqa: E402
from demos import _cli  # noqa: E402
from nn import MLP, mse_loss  # noqa: E402


def neuron():
    """tanh(x * w + b): a single neuron, with numeric gradients beside autograd's."""
    x = Value(0.5, label="x"); w = Value(-1.5, label="w"); b = Value(2.0, label="b")
    y = (x * w + b).tanh()
    y.label = "y"
    y.backward()
    return y, dict(numeric=True, params=[w, b])


def xor_sample(seed):
    """The XOR network (2-4-1, sigmoid) and its loss on the sample (1, 0) -> 1, by neuron."""
    model = MLP(2, [4, 1], activation="sigmoid", seed=seed)
    out = model([Value(1.0, label="x1"), Value(0.0, label="x2")])
    out.label = "out"
    loss = mse_loss(out, 1.0)
    loss.label = "loss"
    loss.backward()
    return loss, dict(cluster="neuron")


def larger_mlp(seed, sizes):
    """A bigger network's loss on one sample: too many nodes to lay out, so a capped view."""
    model = MLP(sizes[0], sizes[1:], activation="tanh", seed=seed)
    out = model([Value(0.1 * (i + 1), label=f"x{i + 1}") for i in range(sizes[0])])
    out.label = "out"
    loss = mse_loss(out, 0.5)
    loss.label = "loss"
    loss.backward()
    return loss, dict(cluster="layer")


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m demos graphs", description=__doc__,
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("out") / "graphs", metavar="DIR",
                   help="directory for the files written (made if missing)")
    p.add_argument("--format", choices=("svg", "png", "dot"), default="svg", help="file format")
    p.add_argument("--seed", type=int, default=0, help="seed of the networks' weights")
    p.add_argument("--rankdir", choices=("LR", "TB"), default="LR", help="left-to-right or top-to-bottom")
    p.add_argument("--max-nodes", type=_cli.positive_int, default=150, metavar="N",
                   help="drawn nodes above which the larger MLP is capped (draw() itself "
                        "defaults to 500; fewer stay legible on a screen)")
    p.add_argument("--sizes", type=_cli.positive_int, nargs="+", default=[4, 16, 16, 1], metavar="N",
                   help="layer sizes of the larger MLP, inputs first")
    args = _cli.parse(p, argv)
    if len(args.sizes) < 2 or args.sizes[-1] != 1:
        p.error("--sizes needs the inputs, then the layers, the last with 1 output (e.g. 4 16 16 1)")

    graphs = [("neuron", *neuron()), ("xor", *xor_sample(args.seed)),
              ("mlp_capped", *larger_mlp(args.seed, args.sizes))]
    explained = False
    for name, root, options in graphs:
        order = topological_order(root)
        nodes = len(order) + sum(not v.is_leaf for v in order)  # a value box, plus its op's
        path = args.out / f"{name}.{args.format}"
        try:
            _cli.wrote(draw(root, path, rankdir=args.rankdir, max_nodes=args.max_nodes, **options))
        except ImportError as e:
            print(f"cannot draw: {e}", file=sys.stderr)
            return 1
        except RuntimeError as e:  # no renderer: draw() saved the .dot; say how to go on, once
            _cli.wrote(path.with_suffix(".dot"))
            if not explained:
                print(f"{path} not rendered:\n{e}\n(or run this demo with --format dot)\n", file=sys.stderr)
                explained = True
        capped = (f"; drawn: a capped view, at most {args.max_nodes:,} nodes nearest the output "
                  "(--max-nodes)" if nodes > args.max_nodes else "")
        print(f"    the graph: {len(order):,} values, {nodes:,} nodes{capped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
