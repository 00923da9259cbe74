"""Model files at the edges: `save` onto a FIFO or a symbolic link, or of a config no file can
hold; `load` with a bad `cls`, or of a config edited to a huge architecture."""
import os
import stat

import pytest

from nn import MLP, Module, load, save


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")
def test_save_refuses_to_replace_a_fifo_or_device(tmp_path):
    # Renamed over, a device such as /dev/null (save(model, os.devnull) as root) was replaced
    # by a regular file holding the model.
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        save(MLP(2, [1], seed=0), fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["pipe.json"]  # no temporary left behind


@pytest.mark.skipif(not hasattr(os, "symlink") or not hasattr(os, "mkfifo"), reason="needs links and FIFOs")
def test_save_replaces_a_symlink_to_a_fifo_and_never_opens_the_fifo(tmp_path):
    # The link is replaced, as any link is (a link planted in a shared directory must not aim
    # the write elsewhere); the FIFO it named is left alone.
    fifo, link = tmp_path / "pipe", tmp_path / "m.json"
    os.mkfifo(fifo)
    try:
        os.symlink(fifo, link)
    except OSError:
        pytest.skip("cannot make a symbolic link here")
    model = MLP(2, [1], seed=1)
    save(model, link)
    assert not os.path.islink(link) and load(link).state_dict() == model.state_dict()
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.parametrize("cls", [5, "MLP", None, int])
def test_load_names_a_cls_that_is_not_a_module_class(tmp_path, cls):
    path = tmp_path / "m.json"
    save(MLP(2, [1], seed=0), path)
    with pytest.raises(TypeError, match="cls must be a Module class"):
        load(path, cls)
    assert isinstance(load(path, Module), MLP)


def _tampered(tmp_path, config):
    """A saved model whose config was edited, its checksum made again (anyone can)."""
    import json

    from nn import _format
    path = tmp_path / "m.json"
    save(MLP(2, [1], seed=0), path)
    document = json.loads(path.read_text())
    document["config"] = config
    document["checksum"] = _format.checksum(document["class"], config, document["parameters"])
    path.write_text(json.dumps(document))
    return path


def test_a_tiny_file_cannot_make_load_build_a_huge_model(tmp_path):
    # 150,010 parameters from a 300-byte file holding 3: refused before they are made
    # (MLP(10**6, [10]) in such a file took minutes and gigabytes before it was refused).
    path = _tampered(tmp_path, {"nin": 15000, "nouts": [10], "activation": ["linear"]})
    with pytest.raises(ValueError, match="150,010 parameters; at most 100,000 are allowed while loading"):
        load(path)
    from nn import _check
    assert _check.loading_limit.get() == _check.MAX_PARAMETERS  # the limit holds only while loading


class _Configured(Module):
    """A user's module whose config holds whatever it was given."""

    def __init__(self, k=1.0):
        from autograd import Value
        self.w, self.k = Value(1.0), k

    def get_config(self):
        return {"k": self.k}


def _nested(depth):
    k = 1
    for _ in range(depth):
        k = [k]
    return k


@pytest.mark.parametrize("k, error", [(float("nan"), ValueError), (object(), TypeError), (10 ** 40, ValueError),
                                      (_nested(40), ValueError)])
def test_save_names_a_config_that_no_model_file_can_hold(tmp_path, k, error):
    # NaN and an object failed in json with its own words; a 41-digit int or deep nesting was
    # saved, then refused by load.
    with pytest.raises(error, match=r"save: _Configured.get_config\(\) returned"):
        save(_Configured(k), tmp_path / "m.json")
    assert os.listdir(tmp_path) == []
