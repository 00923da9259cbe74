"""Tests for nn.serialize: JSON round trips, atomic writes, clear errors on bad files."""
import hashlib
import json
import os
import random
import struct

import pytest

import nn
from nn import MLP, Layer, Neuron


def test_round_trip_keeps_architecture_and_every_parameter(tmp_path):
    model = MLP(3, [5, 4, 2], activation=["tanh", "leaky_relu(0.2)", "sigmoid"], init="he", seed=0)
    path = tmp_path / "model.json"
    model.save(path)
    loaded = MLP.load(path)
    assert loaded.get_config() == model.get_config()
    assert loaded.state_dict() == model.state_dict()  # floats survive JSON exactly
    x = [0.1, -0.2, 0.3]
    assert [v.data for v in loaded(x)] == [v.data for v in model(x)]
    assert nn.load(str(path)).state_dict() == model.state_dict()
    assert [p.label for p in loaded.parameters()] == [name for name, _ in loaded.named_parameters()]


def test_file_is_human_readable_json(tmp_path):
    path = tmp_path / "m.json"
    nn.save(MLP(2, [2, 1], seed=0), path)
    text = path.read_text()
    doc = json.loads(text)
    assert doc["class"] == "nn.layers.MLP"
    assert doc["config"] == {"nin": 2, "nouts": [2, 1], "activation": ["relu", "linear"]}
    assert "layers.0.neurons.1.w.0" in doc["parameters"]
    assert text.count("\n") > 9  # one parameter per line, not one long line


def test_layer_and_neuron_save_too(tmp_path):
    for module in (Layer(3, 2, activation="tanh", seed=1), Neuron(4, activation="sigmoid", seed=2)):
        path = tmp_path / f"{type(module).__name__}.json"
        module.save(path)
        assert type(module).load(path).state_dict() == module.state_dict()


def test_loading_does_not_disturb_the_global_random_stream(tmp_path):
    path = tmp_path / "m.json"
    MLP(2, [8, 1], seed=0).save(path)
    random.seed(1)
    MLP.load(path)
    after_load = random.random()
    random.seed(1)
    assert random.random() == after_load


def test_save_is_atomic_and_replaces_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    MLP(2, [2, 1], seed=0).save(path)
    before = path.read_text()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        MLP(2, [2, 1], seed=1).save(path)
    monkeypatch.undo()
    assert path.read_text() == before  # the old file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]  # no temporary left behind
    MLP(2, [2, 1], seed=1).save(path)
    assert MLP.load(path).state_dict() == MLP(2, [2, 1], seed=1).state_dict()


def test_cannot_save_a_diverged_model(tmp_path):
    model = MLP(2, [2, 1], seed=0)
    model.layers[0].neurons[0].b.data = float("nan")
    with pytest.raises(ValueError, match="layers.0.neurons.0.b"):
        model.save(tmp_path / "m.json")
    with pytest.raises(TypeError, match="Module"):
        nn.save([1.0], tmp_path / "m.json")
    assert not list(tmp_path.iterdir())


def _signed(doc):
    """The document as JSON with its checksum recomputed, computed here from the spec."""
    return json.dumps({**doc, "checksum": spec_checksum(doc)})


def spec_checksum(doc):
    """docs/format.md's checksum, written out independently of nn._format."""
    header = json.dumps([doc["class"], doc["config"]], sort_keys=True, separators=(",", ":"))
    body = b"".join(name.encode() + b"\0" + struct.pack(">d", doc["parameters"][name])
                    for name in sorted(doc["parameters"]))
    return "sha256:" + hashlib.sha256(header.encode() + b"\n" + body).hexdigest()


def _good(tmp_path):
    path = tmp_path / "m.json"
    MLP(2, [3, 1], seed=0).save(path)
    return path, json.loads(path.read_text())


@pytest.mark.parametrize("corrupt, match", [
    (lambda text, doc: text[: len(text) // 2], "truncated/corrupt JSON"),
    (lambda text, doc: "", "truncated/corrupt JSON"),
    (lambda text, doc: "[1, 2]", "not a chainrule.nn model file"),
    (lambda text, doc: json.dumps({**doc, "format": "other"}), "not a chainrule.nn"),
    (lambda text, doc: json.dumps({**doc, "version": 99}), "version 99"),
    (lambda text, doc: json.dumps({k: v for k, v in doc.items() if k != "parameters"}), "missing"),
    (lambda text, doc: json.dumps({**doc, "class": "os.system"}), "checksum does not match"),
    # Re-signed (as a deliberate edit would be): the checks behind the checksum still hold.
    (lambda text, doc: _signed({**doc, "class": "os.system"}), "unknown model class"),
    (lambda text, doc: _signed({**doc, "class": "MLP"}), "unknown model class"),
    (lambda text, doc: _signed({**doc, "class": "nn.layers.Layer"}),
     "holds class nn.layers.Layer, not nn.layers.MLP"),
    (lambda text, doc: _signed({**doc, "config": {**doc["config"], "nouts": [4, 1]}}), "do not fit"),
    (lambda text, doc: _signed({**doc, "config": {"nin": 2}}), "cannot build nn.layers.MLP"),
    (lambda text, doc: _signed({**doc, "config": {**doc["config"], "nin": 10 ** 20}}), "at most 1,000,000"),
    (lambda text, doc: json.dumps({**doc, "config": [2]}), "config"),
    (lambda text, doc: json.dumps({**doc, "parameters": {**doc["parameters"], "layers.0.neurons.0.b": "x"}}),
     "finite number"),
])
def test_corrupt_truncated_or_mismatched_files_raise_clear_errors(tmp_path, corrupt, match):
    path, doc = _good(tmp_path)
    path.write_text(corrupt(path.read_text(), doc))
    with pytest.raises(ValueError, match=match) as info:
        MLP.load(path)
    assert str(path) in str(info.value)


def test_loading_into_an_existing_model_leaves_it_unchanged_on_failure(tmp_path):
    path, doc = _good(tmp_path)
    model = MLP(2, [3, 1], seed=5)
    before = model.state_dict()
    path.write_text(path.read_text()[:-20])
    with pytest.raises(ValueError):
        model.load_state_dict(nn.load(path).state_dict())
    assert model.state_dict() == before
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "missing.json")


def test_saving_into_a_missing_directory_names_the_users_path(tmp_path):
    target = tmp_path / "no-such-dir" / "model.json"
    with pytest.raises(FileNotFoundError, match="no-such-dir") as info:
        MLP(2, [1], seed=0).save(target)
    assert ".tmp-" not in str(info.value)
