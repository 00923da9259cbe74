"""nn's readers and writers of parameters inside a compiled training block: `state_dict`,
`save` and `evaluate` see its latest step; `load_state_dict` is what the block trains on next."""
import json

import pytest

import nn
from autograd import compile
from test_compile_training import problem, state, step_by_step

np = pytest.importorskip("numpy")


def adam(params):
    return nn.Adam(params, lr=0.05)


def setup():
    """A model, its optimizer, its compiled step (NumPy: parameters kept as arrays) and batches."""
    model, loss, batches = problem("class")
    opt = adam(model.parameters())
    step = compile(loss, model.parameters(), backend="numpy")
    return model, opt, step, batches


def test_checkpoints_inside_a_block_hold_its_latest_step(tmp_path):
    model, opt, step, batches = setup()
    with step.training(opt) as train:
        for xb, yb in batches[:2]:
            train(np.array(xb), np.array(yb))
        weights, opt_state = model.state_dict(), json.loads(json.dumps(opt.state_dict()))
        nn.save(model, tmp_path / "model.json")
        xb, yb = batches[2]
        scores = nn.evaluate(model, xb, yb, loss="cross_entropy")
        compiled = nn.evaluate(model, xb, yb, loss="cross_entropy", compile=True)
        train(np.array(xb), np.array(yb))  # the block goes on from where it was
    (values, expected_opt) = step_by_step("class", adam, steps=2)[1]
    assert list(weights.values()) == [d for d, _ in values]
    assert opt_state == json.loads(json.dumps(expected_opt))
    assert list(nn.load(tmp_path / "model.json").state_dict().values()) == [d for d, _ in values]
    assert scores == pytest.approx(compiled, rel=1e-12)
    assert state(model, opt) == step_by_step("class", adam, steps=3)[1]  # syncing changed no step

    # the scores are those of the model after two steps
    model2, _, _ = problem("class")
    model2.load_state_dict(weights)
    assert scores == nn.evaluate(model2, xb, yb, loss="cross_entropy")


def test_load_state_dict_inside_a_block_is_what_it_trains_on_next():
    model, opt, step, batches = setup()
    with step.training(opt) as train:
        train(np.array(batches[0][0]), np.array(batches[0][1]))
        checkpoint = model.state_dict(), opt.state_dict()
        for xb, yb in batches[1:3]:
            train(np.array(xb), np.array(yb))
        model.load_state_dict(checkpoint[0])  # back to the checkpoint: the block must not undo it
        opt.load_state_dict(checkpoint[1])
        for xb, yb in batches[1:3]:
            train(np.array(xb), np.array(yb))
    assert state(model, opt) == step_by_step("class", adam, steps=3)[1]
