"""Build a small expression, backpropagate, and print every gradient."""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd import Value, gradcheck  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m demos expression", description=__doc__)
    parser.add_argument("--a", type=float, default=2.0, help="value of a (default 2.0)")
    parser.add_argument("--b", type=float, default=-3.0, help="value of b (default -3.0)")
    args = parser.parse_args(argv)

    a = Value(args.a, label="a")
    b = Value(args.b, label="b")
    c = a * b + b ** 2
    c.label = "c"
    d = (c / 4).tanh() + a.exp().log() * b.sigmoid()
    d.label = "d"
    d.backward()

    print("c = a*b + b**2")
    print("d = tanh(c/4) + log(exp(a)) * sigmoid(b)\n")
    for v in (a, b, c, d):
        print(f"  {v}")
    print(f"\nThe gradient of d with respect to a (a.grad = {a.grad:.6g}) and to b (b.grad = {b.grad:.6g})\n"
          "comes from the chain rule applied backwards through the graph.")
    f = lambda a, b: ((a * b + b ** 2) / 4).tanh() + a.exp().log() * b.sigmoid()  # noqa: E731
    gradcheck(f, [args.a, args.b])
    print("gradcheck: autograd agrees with central finite differences.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
