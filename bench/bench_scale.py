"""The compiled path at the size of real data: a digits-shaped epoch, MNIST width, many batch sizes.

    python bench/bench_scale.py [--repeats 3] [--skip-mnist] [--no-numpy]

Every case runs in processes of its own (fresh heap, default GC), and ratios are medians
over `--repeats` processes. Data are synthetic with the shapes of the real sets:
- digits: 1,437 rows of 64 inputs, 10 classes, MLP(64, [32, 10]), cross-entropy, Adam, batch 32.
  (1) a steady epoch of fit(compile=True) (its steps, then the accuracy after it) vs the
  sum of its compiled steps (each with its zero_grad and Adam step, as fit runs them), both
  timed in the same run; (2) the first epoch of fit(compile=False) vs a steady and the first
  epoch of fit(compile=True). The accuracy pass after each epoch is a compiled forward
  pass: array code with NumPy installed, Python code with `--no-numpy` (NumPy hidden);
- (3) 20 batch sizes (13..32) cycling: a compiled step vs a dynamic one, same model;
- mnist-width: MLP(784, [64, 10]), cross-entropy, batch 32 with all 10 classes:
  (4) the first compiled call (trace + generate + compile + run) vs one dynamic step
  (forward + backward), and (5) the peak RSS of the process making that first call.
"""
import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if "--no-numpy" in sys.argv:
    sys.modules["numpy"] = None  # as if not installed: every compiled pass is Python code

import nn  # noqa: E402
from autograd import compile  # noqa: E402


def digits_like(n=1437, nin=64, classes=10, seed=0):
    rng = random.Random(seed)
    centers = [[rng.uniform(0, 16) for _ in range(nin)] for _ in range(classes)]
    y = [rng.randrange(classes) for _ in range(n)]
    X = [[min(16.0, max(0.0, c + rng.gauss(0, 4))) / 16 for c in centers[t]] for t in y]
    return X, y


class _TimedAdam(nn.Adam):
    """Adam that adds up the seconds from each zero_grad() to the end of its step(): the
    compiled step (or forward + backward) with the optimizer's work, as fit runs them."""

    def zero_grad(self):
        self.started = time.perf_counter()
        super().zero_grad()

    def step(self):
        super().step()
        self.busy += time.perf_counter() - self.started


class _Clock(nn.StepLR):
    """A scheduler that changes nothing and notes when fit ends each epoch's steps."""

    def step(self):
        self.ticks.append((time.perf_counter(), self.optimizer.busy))
        super().step()


def case_fit(compiled, epochs=4):
    """Per steady epoch of fit(...): its seconds (its steps, then the accuracy after it) and
    the seconds of its steps alone, from the same run; and the seconds of the first epoch."""
    X, y = digits_like()
    model = nn.MLP(64, [32, 10], seed=0)
    optimizer = _TimedAdam(model.parameters(), lr=0.01)
    optimizer.busy = 0.0
    clock = _Clock(optimizer, step_size=10 ** 6, gamma=1.0)
    clock.ticks = []
    start = time.perf_counter()
    nn.fit(model, X, y, "cross_entropy", optimizer, epochs=epochs, batch_size=32, seed=0, verbose=False,
           compile=compiled, scheduler=clock)
    (t0, s0), rest = clock.ticks[0], clock.ticks[1:]
    epochs_, steps = [], []
    for t, s in rest:
        epochs_.append(t - t0)
        steps.append(s - s0)
        t0, s0 = t, s
    from nn.evaluation import _FORWARD
    return {"first": clock.ticks[0][0] - start, "epoch": statistics.median(epochs_),
            "steps": statistics.median(steps), "forward": _FORWARD[model][0].stats["backend"] if compiled else None}


def case_cycling(compiled):
    """Median seconds of a step over 20 batch sizes cycling (after one cycle of warm-up)."""
    X, y = digits_like(33 * 33)
    model = nn.MLP(64, [32, 10], seed=0)
    params = model.parameters()

    def fn(xb, yb):
        return nn.batch_loss(model, nn.cross_entropy, xb, yb)
    step = compile(fn, params) if compiled else None
    times = []
    for cycle in range(3 if compiled else 2):
        for n in range(13, 33):
            xb, yb = X[n * 33:n * 33 + n], y[n * 33:n * 33 + n]
            start = time.perf_counter()
            if compiled:
                step(xb, yb)
            else:
                fn(xb, yb).backward()
            if cycle:
                times.append(time.perf_counter() - start)
    return {"step": statistics.median(times), "traces": step.trace_count if compiled else None}


def case_mnist(compiled):
    """Seconds of the first compiled call, or of one dynamic step, at MNIST width; peak RSS."""
    rng = random.Random(0)
    model = nn.MLP(784, [64, 10], seed=0)
    X = [[rng.random() for _ in range(784)] for _ in range(32)]
    y = [k % 10 for k in range(32)]
    rng.shuffle(y)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if compiled:
        step = compile(lambda xb, yb: nn.batch_loss(model, nn.cross_entropy, xb, yb), model.parameters())
        step(X, y)
    else:
        nn.batch_loss(model, nn.cross_entropy, X, y).backward()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {"seconds": seconds, "peak_mb": peak, "start_mb": before / 1024}
    if compiled:
        out["stats"] = step.stats
    return out


CASES = {"fit-compiled": lambda: case_fit(True), "fit-dynamic": lambda: case_fit(False, 2),
         "cycle-compiled": lambda: case_cycling(True), "cycle-dynamic": lambda: case_cycling(False),
         "mnist-compiled": lambda: case_mnist(True), "mnist-dynamic": lambda: case_mnist(False)}


def alone(name, no_numpy=False):
    flags = ["--no-numpy"] if no_numpy else []
    out = subprocess.run([sys.executable, __file__, "--alone", name] + flags, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="processes per case (the median is reported)")
    parser.add_argument("--skip-mnist", action="store_true", help="leave out the MNIST-width cases (slow)")
    parser.add_argument("--no-numpy", action="store_true", help="hide NumPy (compiled passes as Python code)")
    parser.add_argument("--alone", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.alone:
        print(json.dumps(CASES[args.alone]()))
        return
    names = [n for n in CASES if not (args.skip_mnist and n.startswith("mnist"))]
    runs = {n: [] for n in names}
    for _ in range(max(1, args.repeats)):
        for n in names:  # interleaved rounds: noise hits every case alike
            runs[n].append(alone(n, args.no_numpy))
    def med(name, field):
        return statistics.median(r[field] for r in runs[name])
    epoch, steps, first = med("fit-compiled", "epoch"), med("fit-compiled", "steps"), med("fit-compiled", "first")
    dynamic = statistics.median(r["first"] for r in runs["fit-dynamic"])
    forward = runs["fit-compiled"][0]["forward"]
    print(f"digits-shaped, 1,437 rows, batch 32 (medians of {args.repeats} processes each; "
          f"the accuracy pass: {forward} code)")
    print(f"  steady fit(compile=True) epoch {epoch:.3g} s; its compiled steps (with Adam) add up to {steps:.3g} s: "
          f"ratio {epoch / steps:.2f} (target <= 1.5)")
    print(f"  fit(compile=False) epoch {dynamic:.3g} s: {dynamic / epoch:.1f}x the steady compiled epoch "
          f"(target >= 20), {dynamic / first:.1f}x the first compiled epoch ({first:.3g} s, with its traces)")
    cyc = statistics.median(r["step"] for r in runs["cycle-compiled"])
    dyn = statistics.median(r["step"] for r in runs["cycle-dynamic"])
    traces = max(r["traces"] for r in runs["cycle-compiled"])
    print(f"20 batch sizes cycling: compiled step {cyc * 1e3:.3g} ms, dynamic {dyn * 1e3:.3g} ms: "
          f"{dyn / cyc:.1f}x faster (target >= 10); traces: {traces}")
    if "mnist-compiled" in runs:
        first = statistics.median(r["seconds"] for r in runs["mnist-compiled"])
        dstep = statistics.median(r["seconds"] for r in runs["mnist-dynamic"])
        peak = statistics.median(r["peak_mb"] for r in runs["mnist-compiled"])
        dpeak = statistics.median(r["peak_mb"] for r in runs["mnist-dynamic"])
        stats = runs["mnist-compiled"][0]["stats"]
        print(f"mnist-width MLP(784, [64, 10]), CE, batch 32, 10 classes: first compiled call {first:.3g} s, "
              f"one dynamic step {dstep:.3g} s: ratio {first / dstep:.2f} (target <= 1)")
        print(f"  peak RSS of the first call's process {peak:.0f} MB (target <= 500; a dynamic step's: "
              f"{dpeak:.0f} MB); code: {stats['lines']} lines, {stats['kinds']} kind(s); trace "
              f"{stats['trace']:.3g} s, generate {stats['generate']:.3g} s, compile {stats['compile']:.3g} s")


if __name__ == "__main__":
    main()
