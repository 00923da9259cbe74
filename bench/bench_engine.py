"""Side-by-side benchmark of the engine against micrograd 0.1.0 (pip install micrograd==0.1.0).

    python bench/bench_engine.py [--repeats 7]

Each measurement runs in a fresh subprocess (so no engine pays for another's garbage),
engines interleaved, with Python's default garbage collector (as users run it) and again with
it off. Reported: medians and ratios. The `threads` row times chainrule's demo step while
another thread sits inside `no_grad()` (grad mode is per thread) against the plain step.
The `floor` row runs the plain step on `FloorValue` below: the least a pure-Python tape
engine can do per operation, to show how far from that ceiling the engine is.
"""
import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TASKS = ("step", "nn", "chain", "bytes", "threads", "floor")
CHAIN_OPS = 1_000_000


def moons(n, noise=0.1, seed=0):
    """nn's two-moons data with labels -1/+1, as the hinge loss wants (same for both engines)."""
    sys.path.insert(0, str(ROOT))
    from nn import make_moons
    X, y = make_moons(n, noise=noise, seed=seed)
    return X, [2.0 * label - 1.0 for label in y]


def plain_mlp(Value, sizes, seed=0):
    """MLP parameters as nested lists of Values: layers -> neurons -> (weights, bias)."""
    rng = random.Random(seed)
    return [[([Value(rng.uniform(-1, 1)) for _ in range(nin)], Value(0.0)) for _ in range(nout)]
            for nin, nout in zip(sizes, sizes[1:])]


def plain_forward(layers, x):
    """micrograd's MLP, written with plain Value arithmetic: ReLU hidden, linear output."""
    for i, layer in enumerate(layers):
        last = i == len(layers) - 1
        out = []
        for w, b in layer:
            act = sum((wi * xi for wi, xi in zip(w, x)), b)
            out.append(act if last else act.relu())
        x = out
    return x[0]


def demo_step(Value, layers, X, y):
    """One micrograd-demo step: forward on all points, hinge loss + 1e-4 L2, backward, SGD."""
    params = [p for layer in layers for w, b in layer for p in (*w, b)]
    inputs = [[Value(a), Value(b)] for a, b in X]
    scores = [plain_forward(layers, x) for x in inputs]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg = 1e-4 * sum(p * p for p in params)
    total = data_loss + reg
    for p in params:
        p.grad = 0.0
    total.backward()
    for p in params:
        p.data -= 0.1 * p.grad


def nn_step(engine, model, X, y):
    """The same step written with each library's own nn.MLP."""
    Value = _value_class(engine)
    inputs = [[Value(a), Value(b)] for a, b in X]
    scores = [model(x) for x in inputs]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg = 1e-4 * sum(p * p for p in model.parameters())
    total = data_loss + reg
    model.zero_grad()
    total.backward()
    for p in model.parameters():
        p.data -= 0.1 * p.grad


class FloorValue:
    """A reference, not an engine: one 6-slot object per operation on a tape, backward a
    bare loop. No numbering, grad mode, threads, None grads, checks, or second passes —
    everything chainrule's `Value` does beyond this is what its correctness costs."""

    __slots__ = ("data", "grad", "_a", "_b", "_da", "_db")
    tape: list = []

    def __init__(self, data):
        self.data, self.grad, self._a, self._b = float(data), 0.0, None, None

    # Each op writes its node out in full: a helper call per op would cost a tenth more.
    def __add__(self, other):
        if other.__class__ is not FloorValue:
            other = FloorValue(other)
        node = _new(FloorValue)
        node.data = self.data + other.data
        node.grad = 0.0
        node._a = self
        node._b = other
        node._da = 1.0
        node._db = 1.0
        _record(node)
        return node

    def __mul__(self, other):
        if other.__class__ is not FloorValue:
            other = FloorValue(other)
        node = _new(FloorValue)
        node.data = self.data * other.data
        node.grad = 0.0
        node._a = self
        node._b = other
        node._da = other.data
        node._db = self.data
        _record(node)
        return node

    __radd__, __rmul__ = __add__, __mul__

    def relu(self):
        node = _new(FloorValue)
        positive = self.data > 0.0
        node.data = self.data if positive else 0.0
        node.grad = 0.0
        node._a = self
        node._b = None
        node._da = 1.0 if positive else 0.0
        node._db = 0.0
        _record(node)
        return node

    def backward(self):
        nodes = FloorValue.tape[:]
        FloorValue.tape.clear()
        self.grad = 1.0
        for node in reversed(nodes):
            node._a.grad += node._da * node.grad
            if node._b is not None:
                node._b.grad += node._db * node.grad


_new, _record = object.__new__, FloorValue.tape.append


def _value_class(engine):
    if engine == "floor":
        return FloorValue
    if engine == "micrograd":
        from micrograd.engine import Value
    else:
        sys.path.insert(0, str(ROOT))
        from autograd import Value
    return Value


def _nn_model(engine):
    if engine == "micrograd":
        from micrograd.nn import MLP
    else:
        from nn import MLP
    random.seed(0)
    return MLP(2, [16, 16, 1])


def chain(Value, n_ops):
    """`n_ops` operations in a row (n_ops / 2 multiply-adds), then backward (micrograd's
    recursive sort fails here)."""
    x = Value(0.5)
    y = x
    for _ in range(n_ops // 2):
        y = y * 0.999999 + 0.001
    y.backward()


def bytes_per_node(Value, n=20000):
    import tracemalloc
    xs = [Value(float(i)) for i in range(100)]
    tracemalloc.start()
    s = xs[0]
    for i in range(n // 2):
        s = s * xs[i % 100] + xs[(i * 7) % 100]
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return current / n


def child(engine, task, gc_on, steps):
    """Run one measurement in this process and print the result as JSON."""
    import gc
    Value = _value_class(engine)
    if task == "bytes":
        print(json.dumps(bytes_per_node(Value)))
        return
    if task == "chain":
        sys.setrecursionlimit(10 ** 4)
        start = time.perf_counter()
        try:
            chain(Value, CHAIN_OPS)
        except RecursionError:
            print(json.dumps(None))
            return
        print(json.dumps(time.perf_counter() - start))
        return
    X, y = moons(100)
    holder = None
    if task == "threads":  # another thread holds no_grad() open: every op asks its own thread
        import threading
        from autograd import no_grad
        inside, release = threading.Event(), threading.Event()

        def hold():
            with no_grad():
                inside.set()
                release.wait()
        holder = threading.Thread(target=hold, daemon=True)
        holder.start()
        inside.wait()
    if task in ("step", "threads"):
        layers = plain_mlp(Value, [2, 16, 16, 1])
        run = lambda: demo_step(Value, layers, X, y)  # noqa: E731
    else:
        model = _nn_model(engine)
        run = lambda: nn_step(engine, model, X, y)  # noqa: E731
    run()  # warm-up
    if not gc_on:
        gc.disable()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    if holder is not None:
        release.set()
        holder.join()
    print(json.dumps(statistics.median(times)))


def measure(engine, task, gc_on, steps=3):
    cmd = [sys.executable, __file__, "--child", engine, task, str(int(gc_on)), str(steps)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5,
                        help="fresh-process runs per cell; the medians are what's reported (default 5)")
    parser.add_argument("--tasks", default=",".join(TASKS), help=f"comma-separated subset of {','.join(TASKS)}")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine, task, gc_on, steps = args.child
        child(engine, task, gc_on == "1", int(steps))
        return
    try:
        import micrograd  # noqa: F401
    except ImportError:
        sys.exit("the peer is missing: pip install micrograd==0.1.0")
    tasks = args.tasks.split(",")
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown or args.repeats < 1:
        parser.error(f"unknown task(s) {unknown}; choose from {list(TASKS)}" if unknown else "--repeats must be >= 1")
    rows = []
    cells = [(t, g) for t in ("step", "nn") if t in tasks for g in (True, False)]
    cells += [(t, True) for t in ("chain", "bytes") if t in tasks]
    for task, gc_on in cells:
        results = {"micrograd": [], "chainrule": []}
        for _ in range(args.repeats):
            for engine in results:  # interleaved, so noise hits both alike
                results[engine].append(measure(engine, task, gc_on))
        mg, us = (statistics.median(r) if None not in r else None for r in results.values())
        rows.append((task, gc_on, mg, us))
    if "threads" in tasks:
        plain, other = [], []
        for _ in range(args.repeats):
            plain.append(measure("chainrule", "step", True))
            other.append(measure("chainrule", "threads", True))
        threads_row = (statistics.median(plain), statistics.median(other))
    if "floor" in tasks:  # the three side by side, interleaved
        floor = {"micrograd": [], "chainrule": [], "floor": []}
        for _ in range(args.repeats):
            for engine, times in floor.items():
                times.append(measure(engine, "step", True))
        floor = {engine: statistics.median(times) for engine, times in floor.items()}
    names = {"step": "demo step, plain Value code", "nn": "demo step, each library's nn.MLP",
             "chain": f"{CHAIN_OPS:,}-op chain fwd+bwd", "bytes": "bytes per graph node"}
    print(f"{'benchmark':36} {'gc':4} {'micrograd':>12} {'chainrule':>12} {'ratio':>8}")
    for task, gc_on, mg, us in rows:
        unit = "B" if task == "bytes" else "s"
        fmt = (lambda v: "fails" if v is None else f"{v:.4g} {unit}")  # noqa: E731
        if task == "bytes":
            ratio = f"{us / mg:.2f}x"  # smaller is better
        else:
            ratio = "n/a" if mg is None else f"{mg / us:.1f}x"
        print(f"{names[task]:36} {'on' if gc_on else 'off':4} {fmt(mg):>12} {fmt(us):>12} {ratio:>8}")
    print("ratio: micrograd time / chainrule time (higher is better); bytes: chainrule / micrograd")
    if "threads" in tasks:
        plain, other = threads_row
        print(f"chainrule demo step while another thread is inside no_grad(): {other:.4g} s vs "
              f"{plain:.4g} s alone ({other / plain:.2f}x the time)")
    if "floor" in tasks:
        mg, us, least = floor["micrograd"], floor["chainrule"], floor["floor"]
        print(f"plain demo step, gc on: the floor (a bare 6-slot tape engine, see FloorValue) runs "
              f"{mg / least:.1f}x micrograd, chainrule {mg / us:.1f}x: {least / us:.2f} of the floor's speed")


if __name__ == "__main__":
    main()
