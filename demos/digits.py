"""Digits: real 8x8 handwritten digits, a compiled MLP, test accuracy, mistakes and confusions."""
import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demos import _cli, _images  # noqa: E402
from demos._progress import Progress  # noqa: E402
from nn import MLP, Adam, ExponentialLR, DataLoader, fit, load_digits, predict  # noqa: E402
from nn import train_test_split, train_val_test_split  # noqa: E402

CLASSES = 10
SHOWN = 32  # test images in the picture (4 rows of 8)


class _AdamWithBar(Adam):
    """Adam that also moves a progress bar: `fit` calls `step()` once per mini-batch."""

    progress = None

    def step(self):
        super().step()
        self.progress.update(self.steps)


def main(argv=None):
    p = _cli.parser("digits", __doc__, every=1)
    p.add_argument("--samples", type=_cli.at_least(int, 50), default=1797,
                   help="digits used (a seeded subset when fewer than all 1797): 60%% train, 20%% validation, "
                        "20%% test")
    p.add_argument("--hidden", type=_cli.positive_int, nargs="+", default=[24], metavar="N",
                   help="neurons per hidden layer: '--hidden 32 16' gives two layers")
    p.add_argument("--epochs", type=_cli.positive_int, default=8, help="passes over the training digits")
    p.add_argument("--batch-size", type=_cli.positive_int, default=16, help="digits per mini-batch")
    p.add_argument("--lr", type=_cli.positive_float, default=0.02, help="Adam's learning rate at the start")
    p.add_argument("--decay", type=_cli.at_least(float, 0.0, strict=True), default=0.75,
                   help="the learning rate is multiplied by this after every epoch")
    args = _cli.parse(p, argv)

    X, y = load_digits(normalize=True)
    X_train, X_val, X_test, y_train, y_val, y_test = train_val_test_split(
        *_subset(X, y, args.samples, args.seed), val_size=0.2, test_size=0.2, seed=args.seed)
    model = MLP(64, args.hidden + [CLASSES], activation="relu", init="he", seed=args.seed)
    print(f"{model}\n{len(X_train)} training digits, {len(X_val)} for validation, {len(X_test)} for the test; "
          f"softmax cross-entropy, Adam lr {args.lr} x {args.decay} per epoch, mini-batches of {args.batch_size}, "
          "compiled\n")
    print(f"each digit is 8x8 pixels, 64 inputs in [0, 1]; the first training digit, a {y_train[0]}:")
    print(_images.draw_digit(X_train[0]) + "\n")

    history, seconds = train(model, X_train, y_train, (X_val, y_val), args)
    rows = [dataclasses.asdict(record) for record in history]
    predicted = predict(model, X_test)
    right = sum(p == t for p, t in zip(predicted, y_test))
    print(f"\ntrained in {seconds:.1f} s; training accuracy {history[-1].accuracy:.1%}, "
          f"validation {history[-1].val_accuracy:.1%}")
    # The defaults were chosen by the validation accuracy; the test digits are used once, here.
    print(f"test accuracy {right / len(y_test):.1%} ({right} of {len(y_test)} test digits right)\n")

    _cli.save_history(rows, args, "digits")
    shown = _images.pick(y_test, predicted, SHOWN)
    wrong = len(y_test) - right
    _cli.wrote(_images.grid([X_test[i] for i in shown], [y_test[i] for i in shown], [predicted[i] for i in shown],
                            _cli.plot_path(args, "digits"),
                            f"test digits and the class predicted for each\n{wrong} of {len(y_test)} wrong "
                            "(shown with the true class)"))
    _cli.wrote(_images.matrix(_images.confusion(y_test, predicted, CLASSES), _cli.plot_path(args, "confusion"),
                              f"confusion matrix: {len(y_test)} test digits"))
    return 0


def train(model, X, y, validation, args):
    """`fit` with the compiled step, a progress bar over the mini-batches and a line per epoch.
    Returns (history, seconds)."""
    optimizer = _AdamWithBar(model.parameters(), lr=args.lr)
    schedule = ExponentialLR(optimizer, gamma=args.decay)
    batches = len(DataLoader(X, y, args.batch_size))
    start = time.perf_counter()
    with Progress(args.epochs * batches, every=None, name="batch") as progress, progress.lines_above():
        optimizer.progress = progress
        history = fit(model, X, y, "cross_entropy", optimizer, epochs=args.epochs, batch_size=args.batch_size,
                      validation=validation, seed=args.seed, verbose=args.every, compile=True, scheduler=schedule)
    return history, time.perf_counter() - start


def _subset(X, y, n, seed):
    """`n` of the samples, chosen with `seed` (all of them, in order, when n covers them)."""
    if n >= len(X):
        return X, y
    X_kept, _, y_kept, _ = train_test_split(X, y, test_size=len(X) - n, seed=seed)
    return X_kept, y_kept


if __name__ == "__main__":
    sys.exit(main())
