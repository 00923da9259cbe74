"""Compiled replay against the dynamic engine, micrograd 0.1.0 and hand-written float code.

    python bench/bench_compile.py [--repeats 7] [--sizes 1000,10000,100000]

The step is micrograd's demo: 100 two-moons points, MLP(2, [16, 16, 1]) with ReLU, hinge
loss + 1e-4 L2, forward + backward + SGD. Every implementation starts from the same
parameters; each runs in processes of its own (so that none pays for collecting another's
garbage), in interleaved rounds so noise hits all alike; the table shows medians and ratios. Also measured: the one-time cost of trace + compile, whether 10 steps
repay it, and how CPython's compile time grows with the size of a straight-line function.
"""
import argparse
import builtins
import functools
import importlib.util
import json
import statistics
import subprocess
import sys
import time
from operator import mul
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_engine import demo_step, moons, plain_forward, plain_mlp  # noqa: E402

from autograd import Value, compile  # noqa: E402

SIZES, ALPHA, LR = [2, 16, 16, 1], 1e-4, 0.1


def demo_loss(layers, params):
    """The batch loss of bench_engine.demo_step as a function of (rows, targets)."""
    def loss(xb, yb):
        scores = [plain_forward(layers, x) for x in xb]
        losses = [(1 + -t * s).relu() for t, s in zip(yb, scores)]
        return sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in params)
    return loss


def compiled_step(step, params, X, y):
    """(c), (e): the generated code adds the gradients; then SGD."""
    for p in params:
        p.grad = 0.0
    loss = step(X, y)
    for p in params:
        p.data -= LR * p.grad
    return loss


def hand_step(layers, X, y):
    """(d): the same step on floats, with gradients derived by hand (layers updated in place)."""
    (W1, B1), (W2, B2), (W3, B3) = [([w for w, _ in layer], [b for _, b in layer]) for layer in layers]
    w3, b3, W2T, n = W3[0], B3[0], list(zip(*W2)), len(X)
    total, X0, H1, H2, D1, D2, DS = 0.0, [], [], [], [], [], []
    for x, t in zip(X, y):
        a1 = [sum(map(mul, w, x), b) for w, b in zip(W1, B1)]
        h1 = [a if a > 0.0 else 0.0 for a in a1]
        a2 = [sum(map(mul, w, h1), b) for w, b in zip(W2, B2)]
        h2 = [a if a > 0.0 else 0.0 for a in a2]
        margin = 1.0 - t * sum(map(mul, w3, h2), b3)
        if margin <= 0.0:
            continue  # relu'(margin) = 0: the sample adds nothing to the gradient
        total += margin
        ds = -t / n  # d mean / d score
        d2 = [ds * w if a > 0.0 else 0.0 for w, a in zip(w3, a2)]
        d1 = [sum(map(mul, col, d2)) if a > 0.0 else 0.0 for col, a in zip(W2T, a1)]
        for rows, v in zip((X0, H1, H2, D1, D2, DS), (x, h1, h2, d1, d2, ds)):
            rows.append(v)
    # Each weight's gradient is a dot product over the active samples.
    grads = [_outer(D1, X0, len(W1), 2), _outer(D2, H1, len(W2), len(W1)), _outer([[d] for d in DS], H2, 1, len(w3))]
    params = [p for W in (W1, W2, W3) for w in W for p in w] + B1 + B2 + B3
    loss = total / n + ALPHA * sum(p * p for p in params)
    for k, ((W, B), (gW, gB)) in enumerate(zip(((W1, B1), (W2, B2), (W3, B3)), grads)):
        layers[k] = [([p - LR * (g + 2 * ALPHA * p) for p, g in zip(w, gw)], b - LR * (gb + 2 * ALPHA * b))
                     for w, b, gw, gb in zip(W, B, gW, gB)]
    return loss


def _outer(D, H, nout, nin):
    """(sum_s D[s][i] * H[s][j] for each i, j; sum_s D[s][i] for each i)."""
    if not D:
        return [[0.0] * nin for _ in range(nout)], [0.0] * nout
    Dc, Hc = list(zip(*D)), list(zip(*H))
    return [[sum(map(mul, d, h)) for h in Hc] for d in Dc], [sum(d) for d in Dc]


NAMES = {"a": "(a) micrograd 0.1.0", "b": "(b) chainrule, dynamic graph", "c": "(c) chainrule, compiled",
         "d": "(d) hand-written floats", "e": "(e) chainrule, compiled, NumPy"}


def implementation(key, X, y):
    """A function doing one step of implementation `key` (see NAMES) on its own parameters."""
    if key == "a":
        from micrograd.engine import Value as MicroValue
        micro = plain_mlp(MicroValue, SIZES)
        return lambda: demo_step(MicroValue, micro, X, y)
    if key == "b":
        dynamic = plain_mlp(Value, SIZES)
        return lambda: demo_step(Value, dynamic, X, y)
    if key in "ce":
        layers = plain_mlp(Value, SIZES)
        params = [p for layer in layers for w, b in layer for p in (*w, b)]
        step = compile(demo_loss(layers, params), params, backend="python" if key == "c" else "numpy")
        return functools.partial(compiled_step, step, params, X, y)
    floats = [[([w.data for w in ws], b.data) for ws, b in layer] for layer in plain_mlp(Value, SIZES)]
    return lambda: hand_step(floats, X, y)


def time_alone(key, repeats):
    """Seconds of `repeats` steps of one implementation, measured in a process of its own so
    that no other implementation's garbage (micrograd's cyclic graphs) is collected on its time."""
    out = subprocess.run([sys.executable, __file__, "--alone", key, "--repeats", str(repeats)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def _alone(key, repeats):
    X, y = moons(100)
    run = implementation(key, X, y)
    run()  # warm-up (for the compiled steps: the trace and compile)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    print(json.dumps(times))


def first_steps(X, y):
    """The first step's loss, compiled and by hand, and how far the parameters after it are
    from the dynamic engine's (they must agree)."""
    a, b, c = plain_mlp(Value, SIZES), plain_mlp(Value, SIZES), plain_mlp(Value, SIZES)
    params = [p for layer in b for w, v in layer for p in (*w, v)]
    demo_step(Value, a, X, y)
    losses = [compiled_step(compile(demo_loss(b, params), params), params, X, y)]
    floats = [[([w.data for w in ws], v.data) for ws, v in layer] for layer in c]
    losses.append(hand_step(floats, X, y))
    return losses, [max(abs(p - q) for p, q in zip(_flat(a), _flat(other))) for other in (b, floats)]


def _flat(layers):
    return [float(p) for layer in layers for w, v in layer for p in (*w, v)]


def payback(X, y, repeats):
    """Medians of: (trace + compile + 1 step, its parts), 10 fresh compiled steps, 10 dynamic steps."""
    first, ten, parts = [], [], []
    for _ in range(repeats):
        layers = plain_mlp(Value, SIZES)
        params = [p for layer in layers for w, b in layer for p in (*w, b)]
        start = time.perf_counter()
        step = compile(demo_loss(layers, params), params)
        compiled_step(step, params, X, y)
        first.append(time.perf_counter() - start)
        for _ in range(9):
            compiled_step(step, params, X, y)
        ten.append(time.perf_counter() - start)
        loop = sum(1 for line in step.source.splitlines() if line.startswith(" " * 8))
        parts.append(dict(step.stats, loop=loop))
    dynamic = plain_mlp(Value, SIZES)
    tens = []
    for _ in range(max(1, repeats // 2)):
        start = time.perf_counter()
        for _ in range(10):
            demo_step(Value, dynamic, X, y)
        tens.append(time.perf_counter() - start)
    middle = {k: statistics.median(p[k] for p in parts) for k in parts[0]}
    return statistics.median(first), middle, statistics.median(ten), statistics.median(tens)


def compile_scaling(sizes, repeats=3):
    """Seconds for the builtin compile() of a straight-line function of n float operations."""
    out = []
    for n in sizes:
        body = "".join(f"    t{k} = t{k - 1} * x + {k % 7}.5\n" for k in range(1, n))
        source = f"def f(x):\n    t0 = x\n{body}    return t{n - 1}\n"
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            builtins.compile(source, "<straight-line>", "exec")
            times.append(time.perf_counter() - start)
        out.append((n, statistics.median(times)))
    return out


def fmt(seconds):
    return f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed steps per implementation (>= 5)")
    parser.add_argument("--sizes", default="1000,10000,100000", help="straight-line sizes to compile")
    parser.add_argument("--alone", help=argparse.SUPPRESS)  # internal: time one implementation
    args = parser.parse_args()
    if args.alone:
        return _alone(args.alone, args.repeats)
    if importlib.util.find_spec("micrograd") is None:
        sys.exit("the peer is missing: pip install micrograd==0.1.0")
    with_numpy = importlib.util.find_spec("numpy") is not None
    X, y = moons(100)
    losses, diffs = first_steps(X, y)
    print(f"first step's loss: compiled {losses[0]:.15g}, hand-written {losses[1]:.15g}; parameters "
          f"after it, max |difference| from the dynamic engine's: {diffs[0]:.1e}, {diffs[1]:.1e}\n")

    keys = "abcd" + ("e" if with_numpy else "")
    times = {NAMES[k]: [] for k in keys}
    rounds = 3  # each implementation in a fresh process per round, rounds interleaved
    for _ in range(rounds):
        for k in keys:
            times[NAMES[k]] += time_alone(k, max(2, args.repeats // rounds + 1))
    med = {name: statistics.median(t) for name, t in times.items()}
    mg, hand = med["(a) micrograd 0.1.0"], med["(d) hand-written floats"]
    print(f"demo step, median of {len(times[NAMES['a']])} (gc on; each implementation in processes of its own)")
    print(f"{'implementation':34} {'median':>10} {'vs micrograd':>13} {'/ hand-written':>15}")
    for name in sorted(med):
        print(f"{name:34} {fmt(med[name]):>10} {mg / med[name]:>12.1f}x {med[name] / hand:>14.2f}x")

    first, parts, ten, ten_dynamic = payback(X, y, max(5, args.repeats))
    print(f"\none-time trace + compile + first step: {fmt(first)} (trace {fmt(parts['trace'])}, "
          f"generate {fmt(parts['generate'])}, compile {fmt(parts['compile'])}; "
          f"{parts['lines']:.0f} lines of code)")
    print(f"trace + compile + 10 compiled steps: {fmt(ten)}; 10 dynamic steps: {fmt(ten_dynamic)} "
          f"(ratio {ten / ten_dynamic:.2f})")
    c = med["(c) chainrule, compiled"]
    print(f"targets: compiled / hand-written = {c / hand:.2f} (<= 2), micrograd / compiled = {mg / c:.0f} "
          f"(>= 50), repaid within 10 steps: {'yes' if ten < ten_dynamic else 'NO'}")

    sizes = [int(s) for s in args.sizes.split(",") if s]
    if sizes:
        print("\nCPython compile() of a straight-line function (median of 3)")
        print(f"{'lines':>8} {'compile':>10} {'per line':>10}")
        for n, seconds in compile_scaling(sizes):
            print(f"{n:>8} {fmt(seconds):>10} {seconds / n * 1e6:>8.1f} us")
        lines, loop = parts["lines"], parts["loop"]
        print(f"the compiled demo step: {lines:.0f} lines, {loop:.0f} of them one sample's code in a loop; "
              f"unrolled over 100 samples it would be {lines + 99 * loop:.0f} lines")


if __name__ == "__main__":
    main()
