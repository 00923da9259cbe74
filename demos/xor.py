"""XOR with a small sigmoid network: backward() vs hand-derived gradients, training, the graph."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd import Value, draw  # noqa: E402
from demos import _cli, _html, _plot  # noqa: E402
from demos._progress import Progress  # noqa: E402
from nn import MLP, SGD, evaluate, make_xor, mse_loss, predict  # noqa: E402

TOLERANCE = 1e-12


def half_squared_error(model, X, y):
    """The classic tutorial's loss: 1/2 * sum of (target - output)**2 over the samples."""
    return 0.5 * mse_loss([model(x) for x in X], y, reduction="sum")


def hand_gradients(model, X, y):
    """d loss / d parameter as the classic numpy tutorial derives it, in plain floats:

        delta_out = (target - out) * out * (1 - out)           # error * sigmoid'(out)
        delta_h   = delta_out * w_out[j] * h[j] * (1 - h[j])   # propagated back one layer

    and the tutorial's update `w += input * delta` is a step along -gradient, so the
    gradient is -input * delta. Returns {parameter name: gradient}.

    >>> X, y = make_xor()
    >>> model = MLP(2, [2, 1], activation=["sigmoid", "sigmoid"], seed=0)
    >>> half_squared_error(model, X, y).backward()
    >>> by_hand = hand_gradients(model, X, y)
    >>> max(abs(p.grad - by_hand[name]) for name, p in model.named_parameters()) <= 1e-12
    True
    """
    hidden, (out_neuron,) = model.layers[0].neurons, model.layers[1].neurons
    w_out, b_out = [w.data for w in out_neuron.w], out_neuron.b.data
    grads = {name: 0.0 for name, _ in model.named_parameters()}
    for x, target in zip(X, y):
        h = [_sigmoid(sum(w.data * xi for w, xi in zip(n.w, x)) + n.b.data) for n in hidden]
        out = _sigmoid(sum(w * hj for w, hj in zip(w_out, h)) + b_out)
        delta_out = (target - out) * out * (1.0 - out)
        for j, hj in enumerate(h):
            grads[f"layers.1.neurons.0.w.{j}"] -= delta_out * hj
            delta_h = delta_out * w_out[j] * hj * (1.0 - hj)
            for i, xi in enumerate(x):
                grads[f"layers.0.neurons.{j}.w.{i}"] -= delta_h * xi
            grads[f"layers.0.neurons.{j}.b"] -= delta_h
        grads["layers.1.neurons.0.b"] -= delta_out
    return grads


def _sigmoid(z):
    return Value(z).sigmoid().data  # the engine's overflow-free sigmoid, on a float


def check_gradients(model, X, y):
    """Print backward()'s gradients beside the hand-derived ones; return the largest difference."""
    model.zero_grad()
    half_squared_error(model, X, y).backward()
    by_hand = hand_gradients(model, X, y)
    print(f"{'parameter':24} {'loss.backward()':>17} {'by hand':>17}")
    worst = 0.0
    for name, p in model.named_parameters():
        print(f"{name:24} {p.grad:17.12f} {by_hand[name]:17.12f}")
        worst = max(worst, abs(p.grad - by_hand[name]))
    model.zero_grad()
    return worst


def train(model, X, y, epochs, lr, every, on_epoch=None):
    """Full-batch gradient descent; returns one dict of metrics per epoch.

    `on_epoch(epoch, model, metrics)`, when given, is called after each epoch (--html uses it).
    """
    optimizer = SGD(model.parameters(), lr=lr)
    rows = []
    with Progress(epochs, every, "epoch") as progress:
        for epoch in range(1, epochs + 1):
            optimizer.zero_grad()
            loss = half_squared_error(model, X, y)
            loss.backward()
            optimizer.step()
            acc = evaluate(model, X, y, threshold=0.5)["accuracy"]
            rows.append({"epoch": epoch, "loss": loss.data, "accuracy": acc})
            if on_epoch is not None:
                on_epoch(epoch, model, rows[-1])
            progress.update(epoch, loss=loss.data, accuracy=acc)
    return rows


def one_sample_loss(model, x, target):
    """1/2 (out - target)**2 for one sample, its inputs and output labelled for drawing."""
    inputs = [Value(xi, label=f"x{i + 1}") for i, xi in enumerate(x)]
    out = model(inputs)
    out.label = "out"
    loss = 0.5 * (out - Value(target, label="target")) ** 2
    loss.label = "loss"
    return loss


def draw_one_sample(model, x, target, path):
    """Draw the graph of one sample's loss, 1/2 (out - target)**2, after backward(): every
    value with its data and grad, every edge with its local derivative."""
    loss = one_sample_loss(model, x, target)
    model.zero_grad()
    loss.backward()
    try:
        return draw(loss, path, cluster="neuron")  # a dashed box around each neuron's nodes
    except ImportError as e:  # the graphviz package is missing; the message says what to install
        print(f"graph not drawn: {e}")
    except RuntimeError as e:  # no renderer: draw() wrote the .dot file and says how to render it
        print(f"graph not rendered: {e}")
        dot = Path(path).with_suffix(".dot")
        return dot if dot.exists() else None
    finally:
        model.zero_grad()
    return None


def main(argv=None):
    p = _cli.parser("xor", __doc__, every=250)
    p.add_argument("--hidden", type=_cli.positive_int, default=4, help="hidden neurons (the classic: 2 or 4)")
    p.add_argument("--epochs", type=_cli.positive_int, default=1500, help="full-batch training epochs")
    p.add_argument("--lr", type=_cli.positive_float, default=2.0, help="learning rate of gradient descent")
    p.add_argument("--html", action="store_true",
                   help="also write DIR/training.html: a slider over the epochs (regions, curves, "
                        "one sample's graph)")
    args = _cli.parse(p, argv)

    X, y = make_xor()
    model = MLP(2, [args.hidden, 1], activation=["sigmoid", "sigmoid"], init="uniform", seed=args.seed)
    print(f"{model}\n\n1. Gradients of L = 1/2 sum (target - out)**2 over the 4 samples, before training:\n")
    worst = check_gradients(model, X, y)
    print(f"\nmax |backward() - by hand| = {worst:.2e}  (must be <= {TOLERANCE:g})")
    if worst > TOLERANCE:
        print("gradient check FAILED", file=sys.stderr)
        return 1

    print(f"\n2. Training: gradient descent, lr {args.lr}, {args.epochs} epochs\n")
    recorder = _html.Recorder(X, y, args.epochs, lambda m: one_sample_loss(m, X[2], y[2]), 0.5) if args.html else None
    rows = train(model, X, y, args.epochs, args.lr, args.every, recorder)

    print("\n3. The trained network:\n\n   x1   x2  target  output  predicted")
    outputs = predict(model, X, threshold=None)
    for x, target, o in zip(X, y, outputs):
        print(f"  {x[0]:3.0f}  {x[1]:3.0f}  {target:6d}  {o:6.3f}  {int(o > 0.5):9d}")
    print(f"\naccuracy {rows[-1]['accuracy']:.0%}, final loss {rows[-1]['loss']:.4f}\n")

    _cli.save_history(rows, args, "XOR")
    _cli.wrote(_plot.regions(model, X, y, _cli.plot_path(args, "regions"), "XOR: decision regions after training", 0.5))
    _cli.wrote(draw_one_sample(model, X[2], y[2], args.out / "graph.svg"))
    if recorder is not None:
        _cli.wrote(recorder.save(args.out / "training.html", "XOR"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
