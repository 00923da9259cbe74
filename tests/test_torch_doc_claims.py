"""docs/pytorch.md's table, the claims its examples do not run: checked against PyTorch."""
import copy
import math

import pytest

from autograd import Value, grad
from nn import SGD, LambdaLR, MLP, binary_cross_entropy, cross_entropy, init

torch = pytest.importorskip("torch")
F = torch.nn.functional


def test_lambda_lr_with_the_cosine_formula_is_cosine_annealing():
    T = 10
    opt = SGD([Value(0.0)], lr=0.1)
    sched = LambdaLR(opt, lambda e: 0.5 * (1 + math.cos(math.pi * e / T)))
    topt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    tsched = torch.optim.lr_scheduler.CosineAnnealingLR(topt, T_max=T)
    for _ in range(T + 3):
        assert opt.lr == pytest.approx(topt.param_groups[0]["lr"], rel=1e-14, abs=1e-16)
        topt.step()
        sched.step()
        tsched.step()


def test_an_unused_input_gets_zero_where_torch_raises():
    x, unused = Value(2.0), Value(3.0)
    assert grad(x * x, [x, unused]) == (4.0, 0.0)
    t, u = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (2.0, 3.0))
    with pytest.raises(RuntimeError, match="allow_unused"):
        torch.autograd.grad(t * t, [t, u])
    assert torch.autograd.grad(t * t, [t, u], allow_unused=True)[1] is None


def test_a_state_dict_is_a_snapshot_here_and_the_parameters_themselves_in_torch():
    model = MLP(2, [1], seed=0)
    module = model.to_torch()
    ours, theirs, kept = model.state_dict(), module.state_dict(), copy.deepcopy(module.state_dict())
    with torch.no_grad():
        module[0].bias += 1.0
    for p in model.parameters():
        p.data += 1.0
    assert ours != model.state_dict()
    assert theirs["0.bias"].item() == module[0].bias.item() != kept["0.bias"].item()


def test_errors_named_in_the_table():
    with pytest.raises(ValueError):
        MLP(2, [1]).load_state_dict({"x": 1.0})
    with pytest.raises(RuntimeError):
        torch.nn.Linear(2, 1).load_state_dict({"x": torch.zeros(1)})
    with pytest.raises(ValueError):
        binary_cross_entropy(Value(1.5), 1.0)
    with pytest.raises(RuntimeError):
        F.binary_cross_entropy(torch.tensor(1.5, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64))
    with pytest.raises(ValueError):
        cross_entropy([Value(1.0), Value(2.0)], 2)
    with pytest.raises(IndexError):
        F.cross_entropy(torch.tensor([[1.0, 2.0]], dtype=torch.float64), torch.tensor([2]))


def test_softplus_differs_from_torchs_above_its_threshold_by_what_the_table_says():
    x, t = Value(25.0), torch.tensor(25.0, dtype=torch.float64, requires_grad=True)
    x.softplus().backward()
    F.softplus(t).backward()
    assert t.grad.item() == 1.0 and x.grad == pytest.approx(1 / (1 + math.exp(-25)), rel=1e-15)  # sigmoid(25)
    assert 1.3e-11 < t.grad.item() - x.grad < 1.5e-11


def test_torchs_linear_init_bounds_as_the_table_writes_them():
    with torch.random.fork_rng():  # other tests' torch draws stay as they were
        torch.manual_seed(0)
        layer = torch.nn.Linear(9, 200, dtype=torch.float64)
    bound = 9 ** -0.5
    weights = [Value(0.0) for _ in range(1800)]
    init.uniform_(weights, -9 ** -0.5, 9 ** -0.5, seed=0)
    for xs in (layer.weight.flatten().tolist(), layer.bias.tolist(), [w.data for w in weights]):
        assert max(map(abs, xs)) <= bound and max(map(abs, xs)) > 0.95 * bound


def test_optimizer_lr_is_the_lr_here_and_ignored_by_torch():
    p, t = Value(0.0), torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt, topt = SGD([p], lr=0.1), torch.optim.SGD([t], lr=0.1)
    opt.lr = topt.lr = 5.0
    p.grad, t.grad = 1.0, torch.ones((), dtype=torch.float64)
    opt.step()
    topt.step()
    assert p.data == -5.0 and t.item() == -0.1  # PyTorch reads param_groups[0]["lr"] only


@pytest.mark.parametrize("grad_mode", ["on", "no_grad"])
def test_an_augmented_assignment_makes_a_new_value_and_leaves_the_parameter_in_any_grad_mode(grad_mode):
    """`p -= lr * p.grad` rebinds the name, as for a float; `p.data -= ...` is the update."""
    from autograd import Value, no_grad
    import contextlib
    b = Value(0.5)
    p = b
    with no_grad() if grad_mode == "no_grad" else contextlib.nullcontext():
        p -= 0.25
        p += 1.0
        p *= 2.0
        p /= 4.0
    assert b.data == 0.5 and p is not b and p.data == (0.5 - 0.25 + 1.0) * 2.0 / 4.0
    b.data -= 0.25
    assert b.data == 0.25
