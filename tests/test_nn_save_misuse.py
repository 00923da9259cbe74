"""Saving a model a user has poked at: parameters whose `.data` is not a float, paths that
name no file, and no change to the process's umask (shared by every thread) on the way."""
import os

import pytest

import nn
from nn import MLP


def _model():
    return MLP(2, [3, 1], activation="tanh", seed=0)


def test_real_data_of_other_types_saves_as_floats_and_loads_back(tmp_path):
    np = pytest.importorskip("numpy")
    model = _model()
    first, second, third = model.parameters()[:3]
    first.data, second.data, third.data = np.float32(0.1), np.int64(2), 1  # as from a NumPy array
    model.save(tmp_path / "m.json")
    state = MLP.load(tmp_path / "m.json").state_dict()
    assert state == {name: float(x) for name, x in model.state_dict().items()}
    assert all(type(x) is float for x in model.state_dict().values())
    assert state["layers.0.neurons.0.w.0"] == float(np.float32(0.1))


@pytest.mark.parametrize("data", ["0.5", None, True, 1 + 2j, [0.5]])
def test_data_that_is_no_number_is_named_and_the_old_file_stays(tmp_path, data):
    path = tmp_path / "m.json"
    _model().save(path)
    before = path.read_bytes()
    model = _model()
    model.layers[1].neurons[0].b.data = data
    with pytest.raises(TypeError, match=r"parameter 'layers\.1\.neurons\.0\.b' holds " + type(data).__name__):
        model.save(path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["m.json"]


def test_data_too_large_for_a_float_is_named(tmp_path):
    model = _model()
    model.parameters()[0].data = 10 ** 400
    with pytest.raises(ValueError, match=r"parameter 'layers\.0\.neurons\.0\.w\.0' holds 1000.*too large"):
        model.save(tmp_path / "m.json")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("name", ["", "directory"])
def test_a_path_that_names_no_file_is_refused_before_writing(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    if name:
        os.mkdir(name)
    with pytest.raises(ValueError, match="save: path must name a file"):
        nn.save(_model(), name)
    assert os.listdir(tmp_path) == ([name] if name else [])
    assert not name or os.listdir(name) == []


@pytest.mark.skipif(os.name != "posix", reason="file modes and the umask are POSIX")
def test_save_never_sets_the_umask_and_new_files_follow_it(tmp_path, monkeypatch):
    umask = os.umask(0o027)
    try:
        def refused(mask):
            raise AssertionError("save changed the process's umask (every thread's)")
        monkeypatch.setattr(os, "umask", refused)
        _model().save(tmp_path / "new.json")
        assert os.stat(tmp_path / "new.json").st_mode & 0o777 == 0o640  # 0o666 minus the umask
        os.chmod(tmp_path / "new.json", 0o600)
        _model().save(tmp_path / "new.json")  # replacing a file keeps its permissions
        assert os.stat(tmp_path / "new.json").st_mode & 0o777 == 0o600
    finally:
        monkeypatch.undo()
        os.umask(umask)


def test_loading_an_nn_model_never_rewinds_the_global_random_stream(tmp_path, monkeypatch):
    import random
    _model().save(tmp_path / "m.json")

    def rewound(*args):  # another thread drawing meanwhile would draw the same numbers again
        raise AssertionError("load saved and restored the global random state")
    monkeypatch.setattr(random, "getstate", rewound)
    monkeypatch.setattr(random, "setstate", rewound)
    random.seed(5)
    expected = random.Random(5).random()
    assert MLP.load(tmp_path / "m.json").state_dict() == _model().state_dict()
    assert random.random() == expected  # and it drew nothing from it


def test_a_file_an_editor_saved_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "m.json"
    _model().save(path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))  # as Notepad may save it
    assert MLP.load(path).state_dict() == _model().state_dict()
