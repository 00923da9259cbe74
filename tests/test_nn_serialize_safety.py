"""Loading untrusted or damaged model files: bounded, never hangs, never loads a changed model;
the checksum follows docs/format.md; killed saves leave old-or-new and their temporaries go."""
import json
import math
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import nn
from nn import MLP, Neuron
from nn import _format
from test_nn_serialize import spec_checksum


def _saved(tmp_path, model=None, name="m.json"):
    path = tmp_path / name
    (model or MLP(2, [3, 1], activation="tanh", seed=0)).save(path)
    return path


def _load_rejected(path, match):
    with pytest.raises(ValueError, match=match) as info:
        MLP.load(path)
    assert str(path) in str(info.value)


def test_the_checksum_is_the_documented_one_and_old_files_still_load(tmp_path):
    path = _saved(tmp_path)
    doc = json.loads(path.read_text())
    assert doc["version"] == 2 and doc["checksum"] == spec_checksum(doc)
    old = {k: v for k, v in doc.items() if k != "checksum"}
    path.write_text(json.dumps({**old, "version": 1}))                  # a file from before the checksum
    assert MLP.load(path).state_dict() == doc["parameters"]
    path.write_text(json.dumps({**doc, "version": 1}))                  # version 1 never had one
    _load_rejected(path, "unknown keys")
    path.write_text(json.dumps(old))                                    # version 2 must have one
    _load_rejected(path, "missing")


@pytest.mark.parametrize("text, match", [
    (b'{"format": "chainrule.nn", "version": 2, "class": "\xff\xfe"}', "not UTF-8"),
    (b"[" * 100000 + b"]" * 100000, "nested deeper"),
    (b'{"format": "chainrule.nn", "version": ' + b"1" + b"0" * 400 + b"}", "an integer of 401 digits"),
    (b'{"format": "chainrule.nn", "x": 1e400}', "overflows"),
    (b'{"format": "chainrule.nn", "x": NaN}', "NaN is not allowed"),
    (b'{"format": "chainrule.nn", "format": "chainrule.nn"}', "appears twice"),
    (b'["' + b'\\"[' * 300000, "truncated/corrupt JSON"),
    (b"[" * 33 + b"]" * 33, "nested deeper"),
], ids=["invalid-utf8", "deep-nesting", "huge-int", "huge-float", "nan", "duplicate-key", "unterminated-string",
        "33-levels"])
def test_hostile_contents_are_refused_by_the_documented_error(tmp_path, text, match):
    path = tmp_path / "m.json"
    path.write_bytes(text)
    _load_rejected(path, match)


def test_a_parameter_literal_of_400_digits_is_refused(tmp_path):
    path = _saved(tmp_path)
    doc = json.loads(path.read_text())
    name = next(iter(doc["parameters"]))
    path.write_text(json.dumps(doc).replace(repr(doc["parameters"][name]), "1" + "0" * 400, 1))
    _load_rejected(path, "digits")


def test_a_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "m.json"
    with open(path, "wb") as f:
        f.truncate(_format.MAX_FILE_BYTES + 1)  # sparse: costs no disk
    _load_rejected(path, "at most")


def _without_hanging(call, seconds=10):
    """Run call() in a thread; fail (instead of hanging the suite) if it does not return."""
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(_outcome(call)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"still blocked after {seconds} s"
    return outcome[0]


def _outcome(call):
    try:
        return call()
    except BaseException as e:  # handed back to the test thread
        return e


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_being_opened(tmp_path):
    path = tmp_path / "m.json"
    os.mkfifo(path)
    error = _without_hanging(lambda: MLP.load(path))
    assert isinstance(error, ValueError) and "not a regular file" in str(error) and str(path) in str(error)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    error = _without_hanging(lambda: nn.load(device))
    assert isinstance(error, ValueError) and device in str(error)


def test_a_directory_is_refused(tmp_path):
    _load_rejected(tmp_path, "not a regular file")


def _flipped(data, rng):
    data = bytearray(data)
    i = rng.randrange(len(data))
    if rng.random() < 0.5:
        data[i] ^= 1 << rng.randrange(8)   # one bit
    else:
        data[i] = rng.randrange(256)        # one byte
    return bytes(data)


def test_random_byte_flips_never_load_a_different_model(tmp_path):
    model = MLP(2, [3, 2], activation="leaky_relu(0.2)", seed=1)
    path = _saved(tmp_path, model)
    original = path.read_bytes()
    rng = random.Random(0)
    rejected = same = 0
    for _ in range(1000):
        path.write_bytes(_flipped(original, rng))
        try:
            loaded = MLP.load(path)
        except ValueError as e:
            assert str(path) in str(e)
            rejected += 1
            continue
        # A flip that changes nothing the model is made of ('e' -> 'E', say) may load.
        assert loaded.get_config() == model.get_config() and loaded.state_dict() == model.state_dict()
        same += 1
    assert rejected > 700


def test_a_failed_load_changes_no_model_and_no_random_stream(tmp_path):
    path = _saved(tmp_path)
    model = MLP(2, [3, 1], activation="tanh", seed=7)
    before = model.state_dict()
    path.write_bytes(path.read_bytes().replace(b'"checksum": "sha256:', b'"checksum": "sha256:0'))
    random.seed(3)
    with pytest.raises(ValueError, match="checksum"):
        model.load_state_dict(MLP.load(path).state_dict())
    assert model.state_dict() == before and random.random() == random.Random(3).random()


def test_save_and_load_refuse_file_descriptors_and_other_non_paths(tmp_path):
    with pytest.raises(TypeError, match="load: path"):
        nn.load(0)
    with pytest.raises(TypeError, match="save: path"):
        nn.save(Neuron(1), 3)


@pytest.mark.skipif(os.name != "posix", reason="pids are asked with os.kill(pid, 0) on POSIX only")
def test_stale_temporaries_of_dead_or_old_saves_are_removed_by_the_next_save(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()                                   # its pid is now free: a killed saver
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead_tmp = tmp_path / f".tmp-{child.pid}-k1l2m3n4.json"
        live_tmp = tmp_path / f".tmp-{alive.pid}-n4o5p6q7.json"   # a save in progress elsewhere
        old_tmp = tmp_path / ".tmp-abcd1234.json"                 # a pre-version-2 name, 2 hours old
        new_tmp = tmp_path / ".tmp-efgh5678.json"                 # the same, just written
        empty_tmp = tmp_path / f".tmp-{child.pid}-r8s9t0u1.json"  # killed before writing a byte
        users = [tmp_path / ".tmp-notes.txt", tmp_path / ".tmp-settings.json"]  # look alike, not ours
        for f in (dead_tmp, live_tmp, old_tmp, new_tmp):
            f.write_text('{\n "format": "chainrule')
        empty_tmp.write_text("")
        for f in users:
            f.write_text('{"theme": "dark"}')
        hours_ago = time.time() - 7200
        for f in (old_tmp, *users):
            os.utime(f, (hours_ago, hours_ago))
        _saved(tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            [live_tmp.name, new_tmp.name, *(f.name for f in users), "m.json"])
    finally:
        alive.kill()
        alive.wait()


_SAVER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from nn import MLP
    models = [MLP(8, [64, 64, 1], seed=0), MLP(8, [64, 64, 1], seed=1)]
    print("ready", flush=True)
    i = 0
    while True:
        models[i % 2].save({path!r}); i += 1
""")


@pytest.mark.skipif(os.name != "posix", reason="kills with SIGKILL")
def test_a_save_killed_at_any_moment_leaves_old_or_new_and_the_next_save_cleans_up(tmp_path):
    path = tmp_path / "m.json"
    candidates = [MLP(8, [64, 64, 1], seed=s).state_dict() for s in (0, 1)]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rng = random.Random(0)
    for _ in range(5):
        saver = subprocess.Popen([sys.executable, "-c", _SAVER.format(root=root, path=str(path))],
                                 stdout=subprocess.PIPE)
        assert saver.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.02, 0.2))
        saver.send_signal(signal.SIGKILL)
        saver.wait()
        saver.stdout.close()
        if path.exists():
            assert MLP.load(path).state_dict() in candidates  # never a partial file
    MLP(2, [1], seed=0).save(tmp_path / "other.json")           # any save in the directory cleans up
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_the_example_in_the_format_spec_loads_and_its_checksum_is_right(tmp_path):
    spec = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "format.md")
    with open(spec, encoding="utf-8") as f:
        example = f.read().split("```json\n", 1)[1].split("```", 1)[0]
    doc = json.loads(example)
    assert doc["checksum"] == spec_checksum(doc)
    path = tmp_path / "neuron.json"
    path.write_text(example)
    neuron = nn.load(path)
    assert neuron.state_dict() == {"w.0": 0.5, "w.1": -1.25, "b": 0.1}
    assert neuron([1.0, 1.0]).data == math.tanh(0.5 - 1.25 + 0.1)
