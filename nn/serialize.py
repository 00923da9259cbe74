"""Save and load models as human-readable JSON: the architecture and every parameter.

Never pickle: reading a model file cannot run code. It can only build a registered
`Module` class from its `get_config()` arguments and fill in numbers.
"""
from __future__ import annotations

import inspect
import json
import math
import os
import random
import re
import secrets
import stat
import time
from typing import TypeVar, Union, overload

from . import _check, _format
from ._check import short
from .module import Module, class_name, registry

_M = TypeVar("_M", bound=Module)

FORMAT = "chainrule.nn"
VERSION = 2          # 2 adds "checksum"; version 1 files (no checksum) still load
_KEYS = {1: {"format", "version", "class", "config", "parameters"},
         2: {"format", "version", "class", "config", "parameters", "checksum"}}
# Our temporary files: ".tmp-<pid>-<8 random>.json" (before version 2, ".tmp-<8 random>.json"),
# holding (the start of) what `save` writes.
_TEMPORARY = re.compile(r"\.tmp-(?:(?P<pid>\d+)-)?[a-z0-9_]{8}\.json")
_HEAD = ('{\n "format": "' + FORMAT + '"').encode()
_STALE_AFTER = 3600.0  # seconds: older temporaries of unknown or unreachable writers are stale
_writing: set[str] = set()       # temporaries this process is writing right now (threads may save at once)


def save(model: Module, path: Union[str, os.PathLike[str]]) -> None:
    """Write `model` to `path` as JSON, atomically: a temporary file in the same directory is
    renamed over `path`, so a crash never leaves a half-written model file.

    >>> import os, tempfile
    >>> from nn import MLP
    >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> save(MLP(2, [3, 1], seed=0), path); load(path)
    MLP(2 -> [3, 1], 13 parameters
      (layers.0): Layer(2 -> 3, relu)
      (layers.1): Layer(3 -> 1, linear)
    )
    """
    if not isinstance(model, Module):
        raise TypeError(f"save: model must be a Module, got {type(model).__name__}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"save: path must be a file name (str or path), got {type(path).__name__}: {short(path)}")
    state = model.state_dict()
    bad = [name for name, x in state.items() if not math.isfinite(x)]
    if bad:
        raise ValueError(f"cannot save: parameter {bad[0]!r} is {state[bad[0]]!r} (the model has diverged)")
    name, config = class_name(type(model)), model.get_config()
    try:
        document = {"format": FORMAT, "version": VERSION, "class": name, "config": config, "parameters": state,
                    "checksum": _format.checksum(name, config, state)}
        text = json.dumps(document, indent=1, allow_nan=False) + "\n"
        # As load reads it (at its depth in the file): save never writes a file that load refuses.
        _format.parse(json.dumps({"config": config}, allow_nan=False))
    except (TypeError, ValueError) as e:  # only the config can fail: the parameters are finite floats
        raise (TypeError if isinstance(e, TypeError) else ValueError)(
            f"save: {type(model).__name__}.get_config() returned {short(config, 200)}, which a model file "
            f"cannot hold: {e}") from None
    path = os.fspath(path)
    if not path or os.path.isdir(path):
        raise ValueError(f"save: path must name a file (such as 'model.json'), got "
                         f"{'a directory, ' if path else ''}{path!r}")
    # Renamed over, a device such as /dev/null would be gone. A symbolic link is replaced, never
    # followed: a link planted in a shared directory must not aim the write at another file.
    mode = os.lstat(path).st_mode if os.path.lexists(path) else stat.S_IFREG
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise ValueError(f"save: {path!r} is not a regular file (a device, FIFO or socket); "
                         "save replaces a model file, never anything else")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"cannot save to {path!r}: directory {directory!r} does not exist")
    _remove_stale_temporaries(directory)
    fd, temporary = _new_temporary(directory)
    _writing.add(temporary)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        try:  # keep the permissions of the file it replaces
            os.chmod(temporary, os.stat(path).st_mode & 0o777)
        except FileNotFoundError:
            pass  # a new file: it has the umask's, as created
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    finally:
        _writing.discard(temporary)


@overload
def load(path: Union[str, os.PathLike[str]]) -> Module: ...
@overload
def load(path: Union[str, os.PathLike[str]], cls: type[_M]) -> _M: ...


def load(path: Union[str, os.PathLike[str]], cls: type[Module] = Module) -> Module:
    """A new model read from a file written by `save`; with `cls`, the file must hold that
    class (or a subclass). A corrupt, truncated, tampered or mismatched file raises ValueError
    naming the file; so does anything that is not a regular file of at most 256 MiB.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"load: path must be a file name (str or path), got {type(path).__name__}: {short(path)}")
    if not (isinstance(cls, type) and issubclass(cls, Module)):
        raise TypeError(f"load: cls must be a Module class (such as MLP), got {short(cls)}")
    path = os.fspath(path)
    try:
        document = _format.parse(_format.read_text(path))
    except _format.FormatError as e:
        raise ValueError(f"{path}: {e}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} model file")
    version = document.get("version")
    if version.__class__ is not int or version not in _KEYS:
        raise ValueError(f"{path}: model file version {short(version)}; this library reads {sorted(_KEYS)}")
    missing = sorted(_KEYS[version] - set(document))
    unknown = sorted(set(document) - _KEYS[version])
    if missing or unknown:
        raise ValueError(f"{path}: a version {version} model file, but it is missing {missing} "
                         f"and has unknown keys {unknown}")
    name, config, parameters = document["class"], document["config"], document["parameters"]
    if not isinstance(name, str) or not isinstance(config, dict):
        raise ValueError(f"{path}: 'class' must be a name and 'config' an object of constructor arguments")
    if not isinstance(parameters, dict) or not all(map(_is_float, parameters.values())):
        raise ValueError(f"{path}: 'parameters' must map each name to a finite number")
    if version >= 2 and document["checksum"] != _format.checksum(name, config, parameters):
        raise ValueError(f"{path}: the checksum does not match the contents: the file was changed or "
                         "corrupted after it was saved")
    klass = registry.get(name)
    if klass is None:
        raise ValueError(f"{path}: unknown model class {name!r}")
    if not issubclass(klass, cls):
        raise ValueError(f"{path}: holds class {name}, not {class_name(cls)} (nn.load reads any model)")
    # Building a model draws random initial weights, overwritten next: from a generator of its
    # own where the class takes a seed (nn's do), so the global stream is never touched; else
    # the global stream is put back as it was (a thread drawing from it meanwhile would repeat).
    own = "seed" not in config and "seed" in inspect.signature(klass.__init__).parameters
    state = None if own else random.getstate()
    # nn's modules refuse to grow far past what the file holds (a floor: a class may build more than it keeps)
    limit = _check.loading_limit.set(min(max(len(parameters), 10 ** 5), _check.MAX_PARAMETERS))
    try:
        model = klass(**config, **({"seed": 0} if own else {}))
    except Exception as e:  # a registered class's own checks: any failure means a bad config
        raise ValueError(f"{path}: cannot build {name} from config {short(config, 200)}: {e}") from None
    finally:
        _check.loading_limit.reset(limit)
        if state is not None:
            random.setstate(state)
    try:
        model.load_state_dict(parameters)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{path}: the parameters do not fit the architecture: {e}") from None
    return model


def _is_float(x: object) -> bool:
    return x.__class__ in (int, float) and math.isfinite(x)


def _remove_stale_temporaries(directory: str) -> None:
    """Delete temporaries that an earlier, killed save left in `directory` (best effort).

    Stale: its writer's pid is not running (POSIX), or it is older than an hour (where the
    writer cannot be asked, or a pid was reused). A save in progress, here or in another
    live process, is never touched.
    """
    try:
        names = [n for n in os.listdir(directory) if _TEMPORARY.fullmatch(n)]
    except OSError:
        return
    now = time.time()
    for name in names:
        path = os.path.join(directory, name)
        if path in _writing:
            continue
        match = _TEMPORARY.fullmatch(name)
        assert match is not None  # `names` holds only names that match
        pid = match["pid"]
        try:
            info = os.stat(path, follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):  # never open a FIFO or follow a link
                continue
            old = now - info.st_mtime > _STALE_AFTER
            if (old or (pid is not None and not _running(int(pid)))) and _ours(path):
                os.unlink(path)
        except OSError:
            pass  # gone already, or not ours to delete: leave it


def _ours(path: str) -> bool:
    """Whether the file holds nothing yet or begins as `save` writes: never delete a user's file."""
    with open(path, "rb") as f:
        head = f.read(len(_HEAD))
    return _HEAD.startswith(head)


def _running(pid: int) -> bool:
    """Whether process `pid` exists; True where that cannot be asked safely."""
    if pid == os.getpid() or os.name != "posix":  # on Windows os.kill would terminate it
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def _new_temporary(directory: str) -> tuple[int, str]:
    """A new, empty ".tmp-<pid>-<8 random>.json" in `directory`, open for writing (the pid tells
    a later save whether the writer is still alive). Made with mode 0o666 for the system to
    apply the umask, as to any new file: reading the umask would set it, for every thread."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        name = os.path.join(directory, f".tmp-{os.getpid()}-{secrets.token_hex(4)}.json")
        try:
            return os.open(name, flags, 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot save in {directory!r}: no free temporary file name")
