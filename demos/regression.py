"""Regression: fit y = sin(x) from noisy samples with a tanh MLP, MSE and Adam; plot the fit."""
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demos import _cli, _plot  # noqa: E402
from demos._progress import Progress  # noqa: E402
from nn import MLP, Adam, DataLoader, ExponentialLR, evaluate, make_curve, mse_loss, predict  # noqa: E402


def train(model, X, y, epochs, batch_size, lr, every, seed):
    """The mini-batch loop written out: zero_grad, forward, loss, backward, step; the lr
    shrinks by 3% an epoch, so the fit settles instead of jittering with each batch."""
    optimizer = Adam(model.parameters(), lr=lr)
    schedule = ExponentialLR(optimizer, gamma=0.97)
    batches = DataLoader(X, y, batch_size, shuffle=True, seed=seed)
    rows = []
    with Progress(epochs, every, "epoch") as progress:
        for epoch in range(1, epochs + 1):
            total = 0.0
            for xb, yb in batches:
                optimizer.zero_grad()
                loss = mse_loss([model(x) for x in xb], yb)
                loss.backward()
                optimizer.step()
                total += loss.data * len(xb)
            schedule.step()
            rows.append({"epoch": epoch, "loss": total / len(X)})
            progress.update(epoch, loss=rows[-1]["loss"])
    return rows


def main(argv=None):
    p = _cli.parser("regression", __doc__, every=10)
    p.add_argument("--samples", type=_cli.positive_int, default=80, help="noisy samples of sin(x) on [-pi, pi]")
    p.add_argument("--noise", type=_cli.nonnegative_float, default=0.1, help="std of the Gaussian noise on each target")
    p.add_argument("--hidden", type=_cli.positive_int, nargs="+", default=[16], metavar="N",
                   help="neurons per hidden layer: '--hidden 16 16' gives two layers")
    p.add_argument("--epochs", type=_cli.positive_int, default=100, help="passes over the samples")
    p.add_argument("--batch-size", type=_cli.positive_int, default=16, help="samples per mini-batch")
    p.add_argument("--lr", type=_cli.positive_float, default=0.05, help="Adam's initial learning rate")
    args = _cli.parse(p, argv)

    X, y = make_curve(args.samples, fn=math.sin, noise=args.noise, seed=args.seed)
    model = MLP(1, args.hidden + [1], activation="tanh", init="xavier", seed=args.seed)
    print(f"{model}\n{len(X)} samples of sin(x) + noise (std {args.noise}); MSE loss, Adam lr {args.lr}\n")
    rows = train(model, X, y, args.epochs, args.batch_size, args.lr, args.every, args.seed)

    xs = [-math.pi + 2 * math.pi * i / 200 for i in range(201)]
    truth = [math.sin(x) for x in xs]
    fitted = predict(model, [[x] for x in xs], threshold=None)
    error = evaluate(model, [[x] for x in xs], truth, loss="mse", threshold=None)["loss"]
    print(f"\nMSE on the training samples {rows[-1]['loss']:.4f} (the noise alone gives about "
          f"{args.noise ** 2:.4f}); MSE against sin(x) itself {error:.4f}\n")

    _cli.save_history(rows, args, "regression")
    curves = [(xs, truth, "sin(x), the truth"), (xs, fitted, "the network")]
    _cli.wrote(_plot.fit(([x[0] for x in X], y), curves, _cli.plot_path(args, "fit"),
                         f"regression: fit after {args.epochs} epochs, MSE vs sin {error:.4f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
