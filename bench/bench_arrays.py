"""The array backends against the Python backend, hand-derived NumPy and PyTorch.

    python bench/bench_arrays.py [--repeats 15] [--cases demo,digits,mnist,xor,fit]

Each case is one training step (zero the gradients, forward, backward, SGD) done several
ways from the same parameters, interleaved so that noise hits all alike; the table shows
medians and ratios. Before timing, one step of every way is checked against the Python
backend (parameters after the step equal to 1e-12). The hand-derived NumPy versions are
what a person writes with the gradients derived on paper (see each `hand_*` function).

Cases: micrograd's demo step (100 moons points, MLP(2, [16, 16, 1]), hinge + 1e-4 L2);
digits-shaped MLP(64, [32, 10]) with cross-entropy over class indices, batch 128;
MLP(784, [64, 10]) cross-entropy, batch 128 (also against PyTorch, float64, CPU); the XOR
tutorial (MLP(2, [2, 1]) with sigmoids, half the summed squared error, 4 samples); and
`fit(compile=True)` on the digits set, backend="numpy" over backend="python" (whole fits).
NumPy's BLAS and PyTorch run on one thread. "compile, ..." rows are whole steps (zero_grad +
step + SGD over the model's Values), as a user runs them; "its array code alone" is the
generated function on a batch already made arrays (no Values, no update); "same step, NumPy
batch" is the "compile, numpy" step given the batch as NumPy arrays; "numpy, training
block" rows are whole steps as `train(xb, yb)` inside `with step.training(nn.SGD(...))`,
where the parameters and the SGD update stay arrays (the batch given as NumPy arrays, as the
hand-derived and PyTorch rows get it, or as lists of rows); "auto, training block" is the
same with backend="auto" (for XOR it runs the Python code, on the Values).
"""
import argparse
import contextlib
import importlib.util
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# One BLAS thread, as PyTorch below: on a shared 2-core machine more threads only fight each
# other (a 128x784 @ 784x64 product took 60 ms with two busy-waiting threads, 0.7 ms with one).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from bench_compile import LR, compiled_step as compiled  # noqa: E402  (zero_grad, step, SGD)

import nn  # noqa: E402
from autograd import compile  # noqa: E402


# ----- the cases: a model, a loss on lists, a batch ----------------------------------------
def case(name):
    rng = random.Random(1)
    if name == "demo":
        model = nn.MLP(2, [16, 16, 1], seed=0)
        X, y = nn.make_moons(100, noise=0.1, seed=0)
        y = [2.0 * t - 1.0 for t in y]
        params = model.parameters()

        def loss(xb, yb):
            scores = [model(x) for x in xb]
            losses = [(1 + -t * s).relu() for t, s in zip(yb, scores)]
            return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)
        return model, loss, X, y, hand_demo
    if name in ("digits", "mnist"):
        nin, hidden = (64, 32) if name == "digits" else (784, 64)
        model = nn.MLP(nin, [hidden, 10], seed=0)
        X = [[rng.random() for _ in range(nin)] for _ in range(128)]
        y = [rng.randrange(10) for _ in X]
        return model, (lambda xb, yb: nn.cross_entropy([model(x) for x in xb], yb)), X, y, hand_ce
    if name == "xor":
        model = nn.MLP(2, [2, 1], activation=["sigmoid", "sigmoid"], seed=0)
        X, y = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0]
        return model, (lambda xb, yb: 0.5 * nn.mse_loss([model(x) for x in xb], yb, reduction="sum")), X, y, hand_xor
    raise ValueError(name)


def layers_of(model):
    """[(W, b)] as float64 arrays, from an nn.MLP."""
    return [(np.array([[w.data for w in n.w] for n in layer.neurons]), np.array([n.b.data for n in layer.neurons]))
            for layer in model.layers]


# ----- hand-derived NumPy: forward, gradients derived on paper, SGD -----------------------
def hand_demo(layers, X, y):
    (W1, b1), (W2, b2), (W3, b3) = layers
    n = len(X)
    z1 = X @ W1.T + b1
    h1 = np.maximum(z1, 0.0)
    z2 = h1 @ W2.T + b2
    h2 = np.maximum(z2, 0.0)
    s = h2 @ W3[0] + b3[0]
    margin = 1.0 - y * s
    loss = np.maximum(margin, 0.0).mean() + 1e-4 * sum((p * p).sum() for pair in layers for p in pair)
    g_s = np.where(margin > 0.0, -y / n, 0.0)
    g_z2 = np.outer(g_s, W3[0]) * (z2 > 0.0)
    g_z1 = (g_z2 @ W2) * (z1 > 0.0)
    grads = [(g_z1.T @ X, g_z1.sum(0)), (g_z2.T @ h1, g_z2.sum(0)), (g_s[None, :] @ h2, g_s.sum(keepdims=True))]
    for (W, b), (gW, gb) in zip(layers, grads):
        W -= LR * (gW + 2e-4 * W)
        b -= LR * (gb + 2e-4 * b)
    return loss


def hand_ce(layers, X, y):
    (W1, b1), (W2, b2) = layers
    n = len(X)
    z1 = X @ W1.T + b1
    h1 = np.maximum(z1, 0.0)
    z2 = h1 @ W2.T + b2
    shifted = z2 - z2.max(1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(1, keepdims=True)
    rows = np.arange(n)
    loss = (np.log(total[:, 0]) - shifted[rows, y]).mean()
    g_z2 = e / total
    g_z2[rows, y] -= 1.0
    g_z2 /= n
    g_z1 = (g_z2 @ W2) * (z1 > 0.0)
    for (W, b), (gW, gb) in zip(layers, [(g_z1.T @ X, g_z1.sum(0)), (g_z2.T @ h1, g_z2.sum(0))]):
        W -= LR * gW
        b -= LR * gb
    return loss


def hand_xor(layers, X, y):
    (W1, b1), (W2, b2) = layers
    h = 1.0 / (1.0 + np.exp(-(X @ W1.T + b1)))
    out = 1.0 / (1.0 + np.exp(-(h @ W2[0] + b2[0])))
    err = out - y
    g_o = err * out * (1.0 - out)
    g_h = np.outer(g_o, W2[0]) * h * (1.0 - h)
    for (W, b), (gW, gb) in zip(layers, [(g_h.T @ X, g_h.sum(0)), (g_o[None, :] @ h, g_o.sum(keepdims=True))]):
        W -= LR * gW
        b -= LR * gb
    return 0.5 * (err * err).sum()


# ----- PyTorch, batched, float64 ----------------------------------------------------------
def torch_step(torch, tensors, X, y):
    (W1, b1), (W2, b2) = tensors
    for t in (W1, b1, W2, b2):
        t.grad = None
    logits = torch.relu(X @ W1.T + b1) @ W2.T + b2
    loss = torch.nn.functional.cross_entropy(logits, y)
    loss.backward()
    with torch.no_grad():
        for t in (W1, b1, W2, b2):
            t -= LR * t.grad
    return loss.item()


def ways(name, backends, stack):
    """name -> (a step function, a function giving its parameters as one flat list).
    `stack` (an ExitStack) keeps the training blocks open until the case is done."""
    model, loss, X, y, hand = case(name)
    out = {}
    for backend in backends:
        m, fn, _, _, _ = case(name)
        params = m.parameters()
        step = compile(fn, params, backend=backend)
        out[f"compile, {backend}"] = ((lambda s=step, p=params: compiled(s, p, X, y)),
                                      (lambda p=params: [q.data for q in p]))
        if backend == "numpy":  # the generated array code alone, on inputs already arrays
            out["  its array code alone"] = (_array_code(step, params, X, y), None)
            out["  same step, NumPy batch"] = ((lambda s=step, p=params, xb=np.array(X), yb=np.array(y):
                                                compiled(s, p, xb, yb)), None)  # same model: not checked
            # parameters kept as arrays: step.training; one model for both rows (a wide model's
            # trace is big), so only the first row's step is checked against the others
            train, flat = _training(name, stack)
            out["numpy, training block, NumPy arrays"] = ((lambda xb=np.array(X), yb=np.array(y): train(xb, yb)), flat)
            out["numpy, training block, lists"] = ((lambda: train(X, y)), None)
        if backend == "auto":  # Python code where arrays do not pay (XOR): the batch looked up once a step
            auto_train, auto_flat = _training(name, stack, "auto")
            out["auto, training block, NumPy arrays"] = ((lambda xb=np.array(X), yb=np.array(y): auto_train(xb, yb)),
                                                         auto_flat)
    layers = layers_of(model)
    Xa, ya = np.array(X), np.array(y)
    out["hand-derived NumPy"] = ((lambda: hand(layers, Xa, ya)), (lambda: _flat(layers)))
    if name in ("digits", "mnist") and importlib.util.find_spec("torch"):
        import torch
        torch.set_num_threads(1)  # on a shared 2-core machine more threads only fight each other
        tensors = [tuple(torch.tensor(a, requires_grad=True) for a in pair) for pair in layers_of(case(name)[0])]
        Xt, yt = torch.tensor(X, dtype=torch.float64), torch.tensor(y)
        out["PyTorch batched float64"] = ((lambda: torch_step(torch, tensors, Xt, yt)),
                                          (lambda: _flat([[t.detach().numpy() for t in pair] for pair in tensors])))
    return out


def _training(name, stack, backend="numpy"):
    """`train` (a whole step: zero_grad, step, SGD, as `train(xb, yb)` inside
    `step.training(SGD)`: the parameters and the update stay arrays), and a function giving
    the parameters (written back into the Values first: `sync`)."""
    model, fn, _, _, _ = case(name)
    params = model.parameters()
    train = stack.enter_context(compile(fn, params, backend=backend).training(nn.SGD(params, lr=LR)))

    def flat():
        train.sync()
        return [p.data for p in params]
    return train, flat


def _array_code(step, params, X, y):
    """A call of the generated function on a prepared batch (what `step` runs minus the
    checks of the batch and the traffic of the parameters' Values)."""
    from autograd.compiler.trace import structure
    step(X, y)
    plan, values = step._last, [p.data for p in params]
    xb, yb, skeys, _ = structure(X, y, True)
    kinds = plan.plan.assign(skeys)  # step._last is the Code; its Plan knows the kinds
    program, backend = plan.program, plan.program.backend
    row_len, width, merged = program.blocks[0]
    groups = [(program._j,) + backend.inputs(xb, yb, row_len, width)]
    if merged:
        groups[0] += (backend.index([program.block_of[v][1] for v in kinds]),)

    def run():
        with backend.errors():
            return plan.function(values, groups)[0]
    return run


def _flat(layers):
    """An MLP's parameters in nn's order (each neuron's weights, then its bias)."""
    out = []
    for W, b in layers:
        for w, c in zip(W, b):
            out += list(w) + [float(c)]
    return out


def check(found):
    """One step of each way from the same start: parameters must agree with the Python backend's."""
    ref = None
    for label, (step, flat) in found.items():
        step()
        if flat is None:
            continue
        got = flat()
        ref = got if ref is None else ref
        worst = max(abs(a - b) for a, b in zip(ref, got)) / max(1.0, max(map(abs, ref)))
        if worst > 1e-12:
            raise AssertionError(f"{label}: parameters differ by {worst:.3g} after one step")


def measure(found, repeats):
    times = {label: [] for label in found}
    for _ in range(repeats):
        for label, (step, _) in found.items():
            start = time.perf_counter()
            step()
            times[label].append(time.perf_counter() - start)
    return {label: statistics.median(t) for label, t in times.items()}


def fit_case(repeats, epochs=(4, 15)):
    """`fit(compile=True)` on the digits set (1,437 training rows, `MLP(64, [32, 10])`, CE,
    Adam, batch 32): backend="numpy" (each epoch a training block, the batches NumPy arrays
    taken by index) over backend="python", whole fits (compile, steps, accuracy after each
    epoch), the two interleaved; medians of `repeats`."""
    X, y = nn.load_digits(normalize=True)
    X, _, y, _ = nn.train_test_split(X, y, test_size=0.2, seed=0)
    print(f"\nfit on the digits set ({len(X)} rows): median seconds, numpy over python")
    for n in epochs:
        times = {"python": [], "numpy": []}
        for _ in range(repeats):
            for backend in times:
                model = nn.MLP(64, [32, 10], seed=0)
                start = time.perf_counter()
                nn.fit(model, X, y, "cross_entropy", optimizer=nn.Adam(model.parameters(), lr=0.01), epochs=n,
                       batch_size=32, seed=0, verbose=False, compile=True, backend=backend)
                times[backend].append(time.perf_counter() - start)
        python, numpy = (statistics.median(times[b]) for b in ("python", "numpy"))
        print(f"  {n:2} epochs   python {python:7.2f} s   numpy {numpy:7.2f} s   numpy / python {numpy / python:5.2f}x")
    # What fit's batching adds to a steady epoch: the epoch's steps (in a training block) on
    # the batches as fit makes them, over the same steps on those batches made beforehand.
    from nn.evaluation import _as_rows
    from nn.train import _ArrayBatches
    model = nn.MLP(64, [32, 10], seed=0)
    step = compile(lambda xb, yb: nn.cross_entropy([model(x) for x in xb], yb), model.parameters(), backend="numpy")
    loader = _ArrayBatches(_as_rows(X), y, 32, 0)
    with step.training(nn.Adam(model.parameters(), lr=0.01)) as train:
        made = list(loader)
        for xb, yb in made:  # traced here (both batch sizes)
            train(xb, yb)
        ratios = []
        for _ in range(3 * repeats):
            start = time.perf_counter()
            for xb, yb in loader:
                train(xb, yb)
            middle = time.perf_counter()
            for xb, yb in made:
                train(xb, yb)
            ratios.append((middle - start) / (time.perf_counter() - middle))
    print(f"  a steady epoch with fit's batching / the same steps on batches made beforehand: "
          f"{statistics.median(ratios):.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--cases", default="demo,digits,mnist,xor,fit",
                        help="comma-separated, from demo, digits, mnist, xor, fit (default: all)")
    args = parser.parse_args()
    backends = ["python", "numpy", "auto"]
    unknown = sorted(set(args.cases.split(",")) - {"demo", "digits", "mnist", "xor", "fit"})
    if unknown:
        parser.error(f"unknown case(s) {unknown}; choose from demo, digits, mnist, xor, fit")
    for name in args.cases.split(","):
        if name == "fit":
            fit_case(max(3, args.repeats // 5))
            continue
        with contextlib.ExitStack() as stack:
            found = ways(name, backends if name != "mnist" else ["numpy"], stack)
            check(found)
            medians = measure(found, args.repeats if name != "mnist" else max(5, args.repeats // 3))
        bases = [b for b in ("hand-derived NumPy", "PyTorch batched float64") if b in medians]
        print(f"\n{name}: median step, and its ratio to " + " and to ".join(bases))
        for label, t in medians.items():
            ratios = "".join(f"   {t / medians[b]:6.2f}x" for b in bases)
            print(f"  {label:36} {t * 1e3:9.3f} ms{ratios}")


if __name__ == "__main__":
    main()
