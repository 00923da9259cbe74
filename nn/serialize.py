"""Save and load models as human-readable JSON: the architecture and every parameter.

Never pickle: reading a model file cannot run code. It can only build a registered
`Module` class from its `get_config()` arguments and fill in numbers.
"""
import json
import math
import os
import random
import tempfile

from .module import Module, class_name, registry

FORMAT = "chainrule.nn"
VERSION = 1


def save(model, path):
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
        raise TypeError(f"save() takes a Module, got {type(model).__name__}")
    state = model.state_dict()
    bad = [name for name, x in state.items() if not math.isfinite(x)]
    if bad:
        raise ValueError(f"cannot save: parameter {bad[0]!r} is {state[bad[0]]!r} (the model has diverged)")
    document = {"format": FORMAT, "version": VERSION, "class": class_name(type(model)),
                "config": model.get_config(), "parameters": state}
    text = json.dumps(document, indent=1, allow_nan=False) + "\n"
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"cannot save to {path!r}: directory {directory!r} does not exist")
    fd, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def load(path, cls=Module):
    """A new model read from a file written by `save`; with `cls`, the file must hold that
    class (or a subclass). A corrupt, truncated or mismatched file raises ValueError.
    """
    path = os.fspath(path)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not a model file, or truncated/corrupt JSON ({e})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} model file")
    if document.get("version") != VERSION:
        raise ValueError(f"{path}: model file version {document.get('version')!r}; this library reads {VERSION}")
    missing = [key for key in ("class", "config", "parameters") if key not in document]
    if missing:
        raise ValueError(f"{path}: the model file is missing {missing}")
    name, config, parameters = document["class"], document["config"], document["parameters"]
    klass = registry.get(name) if isinstance(name, str) else None
    if klass is None:
        raise ValueError(f"{path}: unknown model class {name!r}")
    if not issubclass(klass, cls):
        raise ValueError(f"{path}: holds class {name}, not {class_name(cls)} (nn.load reads any model)")
    if not isinstance(config, dict):
        raise ValueError(f"{path}: 'config' must be an object of constructor arguments")
    # Building a model draws random initial weights: keep the user's random stream as it was.
    state = random.getstate()
    try:
        model = klass(**config)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{path}: cannot build {name} from config {config}: {e}") from None
    finally:
        random.setstate(state)
    try:
        model.load_state_dict(parameters)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{path}: the parameters do not fit the architecture: {e}") from None
    return model


def _mode_for(path):
    """Permissions for the new file: those of the file it replaces, else 0o666 minus the umask."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
