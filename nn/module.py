"""`Module`: the base class that finds its parameters, sub-modules and state by itself."""
from __future__ import annotations

import collections
import collections.abc
import numbers
import reprlib
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional, TypeVar, Union, cast

from autograd import Value
from autograd.compiler.array_training import sync_open

from ._check import flag, is_number, short

if TYPE_CHECKING:
    import os

_M = TypeVar("_M", bound="Module")
# What a Module holds: a parameter or a sub-module (lists and tuples of them are flattened).
_Member = Union[Value, "Module"]

# mypy wants the two names equal; the repr says IncompatibleKeys, as PyTorch's does.
_IncompatibleKeys = collections.namedtuple(  # type: ignore[name-match]
    "IncompatibleKeys", ["missing_keys", "unexpected_keys"])

# Every Module subclass by "module.QualifiedName": `nn.load` may only build one of these, and
# never imports anything by name.
registry: dict[str, type[Module]] = {}


def class_name(cls: type) -> str:
    """The name a model file records for a Module class, e.g. 'nn.layers.MLP'."""
    return f"{cls.__module__}.{cls.__qualname__}"


class _ModuleMeta(type):
    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> None:
        super().__init__(name, bases, namespace)
        registry[class_name(cls)] = cast("type[Module]", cls)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:  # Any: mypy then types MLP(...) from __init__
        module = super().__call__(*args, **kwargs)
        # Runs after __init__, so the outermost module constructed last names everything.
        for name, p in module.named_parameters():
            p.label = name
        return module


class Module(metaclass=_ModuleMeta):
    """Base class: public attributes that are `Value`s, `Module`s or (nested) lists of them
    are its parameters and sub-modules, found in attribute order; no `parameters()` to write.

    >>> class Line(Module):
    ...     def __init__(self):
    ...         self.a, self.b = Value(2.0), Value(1.0)
    ...     def forward(self, x):
    ...         return self.a * x + self.b
    >>> line = Line()
    >>> [name for name, p in line.named_parameters()], line(3.0).data
    (['a', 'b'], 7.0)
    """

    training = True  # set per instance by train() / eval()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward() or __call__()")

    # ----- what the module holds ---------------------------------------------------------
    def _members(self) -> list[tuple[str, _Member]]:
        """(name, Value or Module) for each public attribute, lists flattened as name.i."""
        out: list[tuple[str, _Member]] = []
        for name, item in vars(self).items():
            if not name.startswith("_"):
                _flatten(name, item, out)
        return out

    def named_parameters(self, prefix: str = "") -> list[tuple[str, Value]]:
        """(dotted name, Value) for every parameter, each once, in attribute order.

        >>> from nn import Neuron
        >>> [name for name, _ in Neuron(2).named_parameters()]
        ['w.0', 'w.1', 'b']
        """
        out: list[tuple[str, Value]] = []
        _collect(self, prefix, out, set())
        return out

    def parameters(self) -> list[Value]:
        """Every parameter `Value`, as a list (what an optimizer takes).

        >>> from nn import MLP
        >>> len(MLP(2, [16, 16, 1]).parameters())
        337
        """
        out: list[tuple[None, Value]] = []
        _collect(self, None, out, set())  # None: no names to build, this is the hot path
        return [p for _, p in out]

    def named_modules(self, prefix: str = "") -> list[tuple[str, Module]]:
        """(dotted name, Module) for this module ('' or `prefix`) and every sub-module, each
        once: a shared one (or a reference back to a parent) under its first name, as PyTorch."""
        out: list[tuple[str, Module]] = []
        _walk_modules(self, prefix, out, set())
        return out

    def modules(self) -> list[Module]:
        """This module and every sub-module."""
        return [m for _, m in self.named_modules()]

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Set every parameter's `.grad` to 0 (gradients accumulate otherwise), or to None with
        `set_to_none=True` (PyTorch's habit: "no gradient yet"; optimizers skip such parameters).

        >>> from nn import Neuron
        >>> n = Neuron(1); n.zero_grad(set_to_none=True); n.b.grad is None
        True
        """
        grad = None if flag(set_to_none, "zero_grad: set_to_none") else 0.0
        for p in self.parameters():
            p.grad = grad

    def train(self: _M, mode: bool = True) -> _M:
        """Put this module and its sub-modules in training mode (or evaluation mode); returns self."""
        if not isinstance(mode, bool):  # a ValueError, as PyTorch's
            raise ValueError(f"train(mode): training mode is expected to be boolean, got {type(mode).__name__}: "
                             f"{short(mode)}")
        for m in self.modules():
            m.training = mode
        return self

    def eval(self: _M) -> _M:
        """Evaluation mode: `train(False)`."""
        return self.train(False)

    # ----- state ------------------------------------------------------------------------
    def state_dict(self) -> dict[str, float]:
        """{dotted name: float} for every parameter.

        >>> from nn import Neuron
        >>> Neuron(1, init="zeros").state_dict()
        {'w.0': 0.0, 'b': 0.0}
        """
        sync_open()  # a compiled training block's latest step, not the numbers it started from
        return {name: p.data if p.data.__class__ is float else _data(name, p.data)
                for name, p in self.named_parameters()}

    def load_state_dict(self, state_dict: Mapping[str, float], strict: bool = True) -> _IncompatibleKeys:
        """Copy numbers from `state_dict` (as made by `state_dict()`) into the parameters.

        With `strict`, the keys must match exactly. Everything is checked before anything is
        written, so on error the module is unchanged. Returns (missing_keys, unexpected_keys).
        """
        if not isinstance(state_dict, collections.abc.Mapping):
            raise TypeError(f"load_state_dict: state_dict must be a mapping of name -> number, "
                            f"got {type(state_dict).__name__}")
        flag(strict, "load_state_dict: strict")
        own = dict(self.named_parameters())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            raise ValueError(f"load_state_dict: state_dict does not match {type(self).__name__}: "
                             f"missing keys {_few(missing)}, unexpected keys {_few(unexpected)}")
        updates = []
        for name, p in own.items():
            if name in state_dict:
                x = state_dict[name]
                if not is_number(x):
                    raise ValueError(f"load_state_dict: state_dict[{name!r}] must be a finite number, got {short(x)}")
                updates.append((p, float(x)))
        sync_open(release=True)  # an open training block reloads these numbers, not overwrites them
        for p, x in updates:
            p.data = x
        return _IncompatibleKeys(missing, unexpected)

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (used by `save`)."""
        raise NotImplementedError(f"{type(self).__name__} does not define get_config(), so it cannot be saved")

    def save(self, path: Union[str, os.PathLike[str]]) -> None:
        """Write the architecture and every parameter to `path` as JSON (atomically); see `nn.save`."""
        from .serialize import save
        save(self, path)

    @classmethod
    def load(cls: type[_M], path: Union[str, os.PathLike[str]]) -> _M:
        """A new module of this class read from a file written by `save`; see `nn.load`."""
        from .serialize import load
        return load(path, cls)

    def to_torch(self) -> Any:
        """This model as a float64 `torch.nn.Sequential` with the same weights (for `Neuron`,
        `Layer` and `MLP`; needs PyTorch). `MLP.from_torch` goes back; see `nn.pytorch`."""
        from .pytorch import to_torch
        return to_torch(self)

    # ----- repr -------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr."""
        return ""

    @reprlib.recursive_repr(fillvalue="...")  # a reference back to a parent (or itself) shows as ...
    def __repr__(self) -> str:
        children = [(n, m) for n, m in self._members() if isinstance(m, Module)]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        lines = []
        # Runs of identical children (a layer's neurons, say) collapse into one line.
        for text, group in _runs([(n, repr(m)) for n, m in children]):
            names = group[0] if len(group) == 1 else f"{group[0]}..{group[-1].rsplit('.', 1)[-1]}"
            count = "" if len(group) == 1 else f"{len(group)} x "
            lines.append(f"  ({names}): {count}" + text.replace("\n", "\n  "))
        return head + "\n" + "\n".join(lines) + "\n)"


def _data(name: str, x: object) -> float:
    """A parameter's `.data` that is not a float (an int, a NumPy scalar, or set by mistake to
    something else: `.data` is a plain attribute), as a float, or an error naming it."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"state_dict: parameter {name!r} holds {type(x).__name__} {short(x)}, not a number "
                        "(.data must be a float)")
    try:
        return float(x)
    except OverflowError:
        raise ValueError(f"state_dict: parameter {name!r} holds {short(x)}, too large for a float") from None


def _flatten(name: str, item: object, out: list[tuple[str, _Member]]) -> None:
    if isinstance(item, (Value, Module)):
        out.append((name, item))
    elif isinstance(item, (list, tuple)):
        for i, x in enumerate(item):
            _flatten(f"{name}.{i}", x, out)


def _walk_modules(module: Module, prefix: str, out: list[tuple[str, Module]], seen: set[Module]) -> None:
    if module in seen:
        return
    seen.add(module)
    out.append((prefix, module))
    for name, item in module._members():
        if isinstance(item, Module):
            _walk_modules(item, f"{prefix}.{name}" if prefix else name, out, seen)


def _collect(item: object, name: Optional[str], out: list[tuple[Any, Value]], seen: set[object]) -> None:
    """Append (dotted name, Value) for every parameter in `item`; name None builds no names."""
    if isinstance(item, Value):
        if item not in seen:  # a shared parameter is listed (and updated) once
            seen.add(item)
            out.append((name, item))
    elif isinstance(item, Module):
        if item in seen:  # a shared module, or a reference back to a parent: walked once
            return
        seen.add(item)
        for key, value in vars(item).items():
            if not key.startswith("_"):
                _collect(value, None if name is None else f"{name}.{key}" if name else key, out, seen)
    elif isinstance(item, (list, tuple)):
        for i, value in enumerate(item):
            _collect(value, None if name is None else f"{name}.{i}", out, seen)


def _runs(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """Group consecutive (name, text) pairs with equal text: [(text, [names])]."""
    groups: list[tuple[str, list[str]]] = []
    for name, text in pairs:
        if groups and groups[-1][0] == text:
            groups[-1][1].append(name)
        else:
            groups.append((text, [name]))
    return groups


def _few(keys: list[str], limit: int = 5) -> str:
    shown = ", ".join(repr(k) for k in keys[:limit])
    return f"[{shown}{', ...' if len(keys) > limit else ''}] ({len(keys)})" if keys else "none"
