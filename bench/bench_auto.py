"""Where arrays start to pay: the Python and NumPy backends over model and batch sizes.

    python bench/bench_auto.py

For each case it prints the samples' scalar operations, the array operations they group
into, their ratio (what `backend="auto"` compares with AUTO_RATIO), and the Python
backend's step time over the NumPy backend's (> 1: arrays are faster). Medians of 7.
"""
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nn  # noqa: E402
from autograd import compile  # noqa: E402
from autograd.compiler.array_program import AUTO_BATCH, AUTO_RATIO  # noqa: E402
from autograd.compiler.arrays import shape_key  # noqa: E402


def timed(step, X, y, repeats=7, number=5):
    step(X, y)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            step(X, y)
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def main():
    rng = random.Random(0)
    print(f"auto takes arrays from AUTO_BATCH = {AUTO_BATCH} samples when the ratio >= AUTO_RATIO = {AUTO_RATIO}")
    print(f"{'model':22} {'batch':>5} {'scalar ops':>10} {'array ops':>9} {'ratio':>7} {'python / numpy':>15}")
    for sizes, act in (([2, 1], "sigmoid"), ([8, 1], "tanh"), ([16, 16, 1], "relu"), ([32, 10], "relu")):
        nin = 2 if sizes[-1] == 1 else 64
        for batch in (1, 4, 16, 64):
            model = nn.MLP(nin, sizes, activation=act, seed=0)
            X = [[rng.uniform(-1, 1) for _ in range(nin)] for _ in range(batch)]
            if sizes[-1] == 1:
                y = [rng.choice([0.0, 1.0]) for _ in X]

                def fn(xb, yb, model=model):
                    return nn.mse_loss([model(x) for x in xb], yb)
            else:
                y = [rng.randrange(10) for _ in X]

                def fn(xb, yb, model=model):
                    return nn.cross_entropy([model(x) for x in xb], yb)
            steps = {b: compile(fn, model.parameters(), backend=b) for b in ("python", "numpy")}
            t = {b: timed(step, X, y) for b, step in steps.items()}
            program = steps["numpy"]._last.program
            scalar = sum(map(len, program.s.samples)) + len(program.s.param_nodes)
            arrays = sum({shape_key(v.block, False): len(v.block.groups) for v in program.variants}.values())
            assert (batch >= AUTO_BATCH and scalar >= AUTO_RATIO * arrays) == program.pays()
            print(f"{nin}->{sizes} {act:8} {batch:5} {scalar:10} {arrays:9} {scalar / arrays:7.1f} "
                  f"{t['python'] / t['numpy']:15.2f}")


if __name__ == "__main__":
    main()
