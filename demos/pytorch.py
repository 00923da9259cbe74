"""chainrule and PyTorch side by side: same network, loss, optimizer, data and start; same losses."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, List, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd import no_grad  # noqa: E402
from demos import _cli  # noqa: E402
from nn import MLP, SGD, DataLoader, binary_cross_entropy_with_logits, make_moons  # noqa: E402
from nn.pytorch import INSTALL  # noqa: E402

Batches = List[Tuple[List[List[float]], List[int]]]

MAPPING = """\
  chainrule                                   PyTorch
  Value(2.0)                                  torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
  MLP(2, [8, 8, 1], activation="tanh")        Sequential(Linear(2, 8), Tanh(), Linear(8, 8), Tanh(), Linear(8, 1))
  model(x): one sample -> a Value             module(X): a batch (N, 2) -> a tensor (N, 1)
  binary_cross_entropy_with_logits(...)       F.binary_cross_entropy_with_logits(...)
  SGD(model.parameters(), lr, momentum)       torch.optim.SGD(module.parameters(), lr, momentum)
  optimizer.zero_grad(); loss.backward(); optimizer.step()   (the same three calls)
  with no_grad():                             with torch.no_grad():
  model.state_dict(): {name: float}           module.state_dict(): {name: tensor}
  model.to_torch()  /  MLP.from_torch(module or state_dict)   (this library's bridge)
"""


# The two training loops, line for line: only the lines marked * differ.
def chainrule_epoch(model: MLP, optimizer: SGD, batches: Batches) -> float:
    total = 0.0
    for xb, yb in batches:
        optimizer.zero_grad()
        logits = [model(x) for x in xb]                                 # * one sample at a time
        loss = binary_cross_entropy_with_logits(logits, yb)
        loss.backward()
        optimizer.step()
        total += loss.data * len(xb)                                    # * .data
    return total / sum(len(yb) for _, yb in batches)


def torch_epoch(torch: Any, module: Any, optimizer: Any, batches: Batches) -> float:
    total = 0.0
    for xb, yb in batches:
        optimizer.zero_grad()
        logits = module(torch.tensor(xb, dtype=torch.float64))[:, 0]    # * the whole batch at once
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, torch.tensor(yb, dtype=torch.float64))
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)                                  # * .item()
    return total / sum(len(yb) for _, yb in batches)


def accuracies(torch: Any, model: MLP, module: Any, X: Sequence[List[float]], y: Sequence[int]) -> Tuple[float, float]:
    """Training accuracy of each, computed without recording a graph."""
    with no_grad():
        ours = sum((model(x).data > 0) == t for x, t in zip(X, y)) / len(y)
    with torch.no_grad():
        theirs = ((module(torch.tensor(X, dtype=torch.float64))[:, 0] > 0).long() == torch.tensor(y)).double().mean()
    return ours, theirs.item()


def main(argv: Sequence[str] | None = None) -> int:
    p = _cli.parser("pytorch", __doc__, every=5, plots=False)  # it prints its losses, draws nothing
    p.add_argument("--samples", type=_cli.positive_int, default=100, help="two-moons points")
    p.add_argument("--epochs", type=_cli.positive_int, default=30, help="passes over the data")
    p.add_argument("--batch-size", type=_cli.positive_int, default=20, help="samples per SGD step")
    args = _cli.parse(p, argv)
    try:
        import torch
    except ImportError:
        print(f"This demo runs every step in PyTorch too, which is not installed: {INSTALL}", file=sys.stderr)
        return 1

    X, y = make_moons(args.samples, noise=0.1, seed=args.seed)
    loader = DataLoader(X, y, batch_size=args.batch_size, shuffle=True, seed=args.seed)
    model = MLP(2, [8, 8, 1], activation="tanh", init="xavier_uniform", seed=args.seed)
    module = model.to_torch()  # the same initial weights, in float64
    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    torch_optimizer = torch.optim.SGD(module.parameters(), lr=0.1, momentum=0.9)
    print(MAPPING)
    print(f"{model}\n\n{module}\n")
    print(f"{len(X)} two-moons points, batches of {args.batch_size} (the same batches for both), "
          "binary cross-entropy on logits, SGD lr 0.1 momentum 0.9\n")
    print(f"{'epoch':>5}  {'chainrule loss':>20}  {'PyTorch loss':>20}  {'difference':>10}")
    worst = 0.0
    for epoch in range(1, args.epochs + 1):
        batches = list(loader)  # reshuffled each epoch; both see this very list
        ours = chainrule_epoch(model, optimizer, batches)
        theirs = torch_epoch(torch, module, torch_optimizer, batches)
        worst = max(worst, abs(ours - theirs))
        if epoch % args.every == 0 or epoch in (1, args.epochs):
            print(f"{epoch:>5}  {ours:>20.17f}  {theirs:>20.17f}  {abs(ours - theirs):>10.1e}")
    acc_ours, acc_theirs = accuracies(torch, model, module, X, y)
    print(f"\nlargest loss difference over {args.epochs} epochs: {worst:.1e}")
    print(f"training accuracy: chainrule {acc_ours:.0%}, PyTorch {acc_theirs:.0%}")

    # PyTorch's way to keep a model, read back into chainrule.
    path = args.out / "model.pt"
    torch.save(module.state_dict(), path)
    _cli.wrote(path)
    back = MLP.from_torch(torch.load(path, weights_only=True), activation="tanh")
    drift = max(abs(a - b) for a, b in zip(back.state_dict().values(), model.state_dict().values()))
    print(f"MLP.from_torch(torch.load('model.pt'), activation='tanh'): largest weight difference {drift:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
