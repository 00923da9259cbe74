"""`explain(y)` beside `y.backward()` on the same graphs: what explaining costs, as a ratio.

    python bench/bench_explain.py [--repeats 7]

Graphs: a deep chain (y = y * c + x, 100,000 times: 200,000 computed values, 400,000 steps)
and an MLP loss (micrograd's moons network, 100 samples). Each timing is the median of
`--repeats` runs with Python's default garbage collector; backward and explain interleave.
Reported: the medians and explain / backward (smaller is cheaper; both visit every node once).
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd import Value, explain  # noqa: E402
from nn import MLP, hinge_loss, make_moons  # noqa: E402


def chain(n=100_000):
    x = Value(0.5, label="x")
    y = x
    for _ in range(n):
        y = y * 0.999999 + x
    return y


def mlp_loss(samples=100):
    X, y = make_moons(samples, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    return hinge_loss([model(x) for x in X], [2 * t - 1 for t in y])


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="runs per cell (default 7)")
    args = parser.parse_args()
    print(f"{'graph':28} {'backward':>10} {'explain':>10} {'str(explain)':>13} {'explain/backward':>17}")
    for name, build in (("chain, 200,000 values", chain), ("moons MLP loss, 100 samples", mlp_loss)):
        y = build()
        back, expl, text = [], [], []
        for _ in range(args.repeats):
            back.append(timed(y.backward))
            e = None

            def run():
                nonlocal e
                e = explain(y)
            expl.append(timed(run))
            text.append(timed(lambda: str(e)))
        b, x, t = map(statistics.median, (back, expl, text))
        print(f"{name:28} {b:9.3f}s {x:9.3f}s {t:12.4f}s {x / b:16.2f}x")


if __name__ == "__main__":
    main()
