"""Spirals: n-class softmax cross-entropy with Adam, a validation split, and decision regions."""
import argparse
import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd import Value  # noqa: E402
from demos import _cli, _html, _plot  # noqa: E402
from nn import MLP, Adam, cross_entropy, fit, make_spirals, train_test_split  # noqa: E402


def one_sample_loss(model, x, target):
    """The cross-entropy of one sample, its inputs labelled for drawing."""
    loss = cross_entropy(model([Value(xi, label=f"x{i + 1}") for i, xi in enumerate(x)]), target)
    loss.label = "loss"
    return loss


def _classes(text):
    """--classes: 2 to 10, one colour and one digit (in the text plots) per class."""
    k = _cli.at_least(int, 2)(text)
    if k > len(_plot.COLORS):
        raise argparse.ArgumentTypeError(f"expected at most {len(_plot.COLORS)} (one colour and one "
                                         f"digit per class), got {text}")
    return k


_classes.__name__ = "int"


def main(argv=None):
    p = _cli.parser("spirals", __doc__, every=5)
    p.add_argument("--classes", type=_classes, default=3, help="spiral arms (classes), 2 to 10")
    p.add_argument("--samples", type=_cli.at_least(int, 5), default=300,
                   help="points in all; 20%% are held out for validation")
    p.add_argument("--noise", type=_cli.nonnegative_float, default=0.2, help="std of the noise on each point's angle")
    p.add_argument("--hidden", type=_cli.positive_int, nargs="+", default=[16, 16], metavar="N",
                   help="neurons per hidden layer: '--hidden 32' gives one layer")
    p.add_argument("--epochs", type=_cli.positive_int, default=40, help="passes over the training points")
    p.add_argument("--batch-size", type=_cli.positive_int, default=16, help="points per mini-batch")
    p.add_argument("--lr", type=_cli.positive_float, default=0.05, help="Adam's learning rate")
    p.add_argument("--html", action="store_true",
                   help="also write DIR/training.html: a slider over the epochs (regions, curves, "
                        "one sample's graph) (fit() then runs one epoch a call)")
    args = _cli.parse(p, argv)

    X, y = make_spirals(args.samples, classes=args.classes, noise=args.noise, seed=args.seed)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, seed=args.seed)
    model = MLP(2, args.hidden + [args.classes], activation="relu", init="he", seed=args.seed)
    print(f"{model}\n{len(X_train)} training points, {len(X_val)} held out for validation; "
          f"softmax cross-entropy, Adam lr {args.lr}, mini-batches of {args.batch_size}\n")
    optimizer = Adam(model.parameters(), lr=args.lr)
    options = dict(batch_size=args.batch_size, validation=(X_val, y_val))
    if args.html:  # one fit() call per epoch, so that each epoch can be recorded
        recorder = _html.Recorder(X_train, y_train, args.epochs,
                                  lambda m: one_sample_loss(m, X_train[0], y_train[0]))
        history = []
        for epoch in range(1, args.epochs + 1):
            (record,) = fit(model, X_train, y_train, "cross_entropy", optimizer, epochs=1,
                            seed=args.seed + epoch, verbose=False, **options)
            record.epoch = epoch
            history.append(record)
            recorder(epoch, model, dataclasses.asdict(record))
            if epoch % args.every == 0 or epoch == args.epochs:
                print(f"epoch {epoch}/{args.epochs}: loss {record.loss:.4f}, accuracy {record.accuracy:.0%}")
    else:
        history = fit(model, X_train, y_train, "cross_entropy", optimizer, epochs=args.epochs,
                      seed=args.seed, verbose=args.every, **options)
    last = history[-1]
    print(f"\ntraining accuracy {last.accuracy:.0%}, validation accuracy {last.val_accuracy:.0%}\n")

    rows = [dataclasses.asdict(record) for record in history]
    _cli.save_history(rows, args, "spirals")
    _cli.wrote(_plot.regions(model, X_train, y_train, _cli.plot_path(args, "regions"),
                             f"spirals: training points, validation accuracy {last.val_accuracy:.0%}"))
    if args.html:
        _cli.wrote(recorder.save(args.out / "training.html", "spirals"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
