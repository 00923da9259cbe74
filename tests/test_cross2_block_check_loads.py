"""A training block's check(loss) that loads a state_dict (a roll-back to a saved state): the
step's update applies to what it loaded, as on the Values (Python code), not a crash."""
import pytest

from autograd import compile
from nn import MLP, SGD, Adam, losses

np = pytest.importorskip("numpy")

X = [[0.5, -1.0], [-0.3, 0.8], [1.0, 0.2], [-0.9, -0.4]]
y = [0, 1, 1, 0]


def run(backend, make_optimizer):
    model = MLP(2, [3, 2], seed=0)
    step = compile(lambda xb, yb: losses.cross_entropy([model(list(x)) for x in xb], list(yb)),
                   model.parameters(), backend=backend)
    optimizer = make_optimizer(model.parameters())
    saved, seen = model.state_dict(), []

    def check(loss):
        seen.append(loss)
        if len(seen) == 2:
            model.load_state_dict(saved)  # back to the start before the second update

    with step.training(optimizer, check=check) as train:
        for _ in range(3):
            train(np.array(X), np.array(y))
    return seen, list(model.state_dict().values()), optimizer.steps


@pytest.mark.parametrize("make_optimizer", [lambda ps: SGD(ps, lr=0.5), lambda ps: Adam(ps, lr=0.1)])
def test_a_check_that_loads_a_state_dict_inside_a_block(make_optimizer):
    losses_np, params_np, steps_np = run("numpy", make_optimizer)
    losses_py, params_py, steps_py = run("python", make_optimizer)  # on the Values, one step at a time
    assert steps_np == steps_py == 3
    assert losses_np == pytest.approx(losses_py, rel=1e-12)
    assert params_np == pytest.approx(params_py, rel=1e-12, abs=1e-15)
