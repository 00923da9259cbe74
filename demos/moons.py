"""micrograd's demo: two moons, MLP(2, [16, 16, 1]), hinge loss + L2, SGD with a decaying lr."""
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd import Value  # noqa: E402
from demos import _cli, _html, _plot  # noqa: E402
from demos._progress import Progress  # noqa: E402
from nn import MLP, SGD, LinearLR, accuracy, hinge_loss, l2_penalty, make_moons  # noqa: E402


def train(model, X, y, steps, every, alpha=1e-4, on_epoch=None):
    """micrograd's loop: full batch, loss = hinge + alpha * sum(p**2), lr 1.0 -> 0.1.

    Returns one dict per step: the loss and the accuracy of the scores that made it.
    `on_epoch(step, model, metrics)`, when given, is called after each step (--html uses it).
    """
    optimizer = SGD(model.parameters(), lr=1.0)
    schedule = LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=steps)
    rows = []
    with Progress(steps, every, "step") as progress:
        for step in range(1, steps + 1):
            scores = [model(x) for x in X]
            loss = hinge_loss(scores, y) + l2_penalty(model, alpha)
            acc = sum((s.data > 0) == (t > 0) for s, t in zip(scores, y)) / len(y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            rows.append({"step": step, "loss": loss.data, "accuracy": acc})
            if on_epoch is not None:
                on_epoch(step, model, rows[-1])
            progress.update(step, loss=loss.data, accuracy=acc)
    return rows


def one_sample_loss(model, x, target):
    """The hinge loss of one sample, its inputs and score labelled for drawing."""
    score = model([Value(xi, label=f"x{i + 1}") for i, xi in enumerate(x)])
    score.label = "score"
    loss = hinge_loss([score], [target])
    loss.label = "loss"
    return loss


def hardest_sample(X, y):
    """The index of the point nearest a point of the other class.

    Its hinge loss stays above 0 longest: a point beyond the margin has loss 0, and every grad
    of its graph is 0 (X[0] is such a point from the first steps on).
    """
    def gap(i):
        return min((math.dist(X[i], X[j]) for j in range(len(X)) if y[j] != y[i]), default=0.0)
    return min(range(len(X)), key=gap)


def main(argv=None):
    p = _cli.parser("moons", __doc__, every=1, unit="steps")  # full-batch: one step is one epoch
    p.add_argument("--samples", type=_cli.positive_int, default=100, help="points in the data set")
    p.add_argument("--noise", type=_cli.nonnegative_float, default=0.1, help="std of the Gaussian noise on the points")
    p.add_argument("--steps", type=_cli.positive_int, default=100, help="full-batch SGD steps")
    p.add_argument("--html", action="store_true",
                   help="also write DIR/training.html: a slider over the steps (regions, curves, "
                        "one sample's graph)")
    args = _cli.parse(p, argv)

    X, y = make_moons(args.samples, noise=args.noise, seed=args.seed)
    y = [2 * label - 1 for label in y]  # classes -1 / +1, as the hinge loss wants
    model = MLP(2, [16, 16, 1], seed=args.seed)
    print(f"{model}\n{len(X)} points; loss = hinge + 1e-4 * sum(p**2); SGD, lr 1.0 -> 0.1\n")
    labels = [(t + 1) // 2 for t in y]  # back to classes 0 / 1 for the pictures
    k = hardest_sample(X, y)  # the page draws one sample's graph: one whose grads are not all 0
    recorder = _html.Recorder(X, labels, args.steps, lambda m: one_sample_loss(m, X[k], y[k])) if args.html else None
    rows = train(model, X, y, args.steps, args.every, on_epoch=recorder)
    final = accuracy(model, X, y)
    print(f"\ntraining accuracy after {args.steps} steps: {final:.0%}\n")

    _cli.save_history(rows, args, "moons")
    _cli.wrote(_plot.regions(model, X, labels, _cli.plot_path(args, "regions"),
                             f"moons: decision boundary, training accuracy {final:.0%}"))
    if recorder is not None:
        _cli.wrote(recorder.save(args.out / "training.html", "moons"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
