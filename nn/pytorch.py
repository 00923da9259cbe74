"""PyTorch interop: an `MLP`, `Layer` or `Neuron` as a `torch.nn.Sequential`, and back.

PyTorch is optional (`pip install "chainrule[torch]"`); it is imported only when called.
A network maps layer for layer: each `Layer` is one `torch.nn.Linear` (row i of its weight
holds neuron i's `w`, its bias the neurons' `b`) followed by its activation module, none for
'linear'. Everything is float64, so both compute the same numbers.
"""
from __future__ import annotations

import collections.abc
import functools
import math
from typing import TYPE_CHECKING, Any, List, Optional, Sequence, Tuple, Type, Union

from autograd.compiler.array_training import sync_open

from .activation import activation as _activation

if TYPE_CHECKING:
    from torch.nn import Module as TorchModule, Sequential

    from autograd import Value
    from .layers import MLP
    from .module import Module

INSTALL = 'pip install "chainrule[torch]"  (in a clone: pip install -e ".[torch]"; or: pip install torch)'
# chainrule's activation name <-> the torch.nn module class computing it (leaky_relu apart)
_MODULES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}
_SUPPORTED = "Linear layers (with bias), each followed by at most one of ReLU, LeakyReLU, Tanh, Sigmoid, Identity"

# One dense layer: weight rows (one per output), biases, activation name.
_Dense = Tuple[List[List[float]], List[float], str]


def require_torch(who: str) -> Any:
    """The `torch` module, or an ImportError naming the command that installs it.

    >>> require_torch("this example").__name__   # doctest: +SKIP
    'torch'
    """
    try:
        import torch
    except ImportError:
        raise ImportError(f"{who} needs PyTorch, which is not installed: {INSTALL}") from None
    return torch


def to_torch(model: Module) -> Sequential:
    """`model` (an `MLP`, `Layer` or `Neuron`) as a float64 `torch.nn.Sequential` with the same
    weights: Linear, activation, Linear, ... It is a copy: training one leaves the other.

    >>> from nn import MLP
    >>> MLP(2, [3, 1], activation="tanh", seed=0).to_torch()   # doctest: +SKIP
    Sequential(
      (0): Linear(in_features=2, out_features=3, bias=True)
      (1): Tanh()
      (2): Linear(in_features=3, out_features=1, bias=True)
    )
    """
    sync_open()  # inside a compiled training block: its latest step, as state_dict() gives it
    dense = _dense_layers(model)  # refuse before importing torch: the error says what is wrong
    torch = require_torch("to_torch()")
    modules = []
    for rows, biases, name in dense:
        # skip_init: no random init, so exporting leaves torch's random stream where it was
        linear = torch.nn.utils.skip_init(torch.nn.Linear, len(rows[0]), len(rows), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(rows, dtype=torch.float64))
            linear.bias.copy_(torch.tensor(biases, dtype=torch.float64))
        modules.append(linear)
        if name != "linear":
            modules.append(_torch_activation(torch, name))
    return torch.nn.Sequential(*modules)


def from_torch(source: Union[TorchModule, collections.abc.Mapping[str, Any]],
               activation: Union[str, Sequence[str], None] = None, cls: Optional[Type[MLP]] = None) -> MLP:
    """A new `MLP` holding the weights of `source`: a `torch.nn.Sequential` of Linear layers
    and activations (or one `Linear`), or a `state_dict()` of one (as `torch.save` writes it).

    A module's activations are read from it. A state_dict holds numbers only, so name them
    as for `MLP(...)`: `activation` is one name for every hidden layer (the last layer is
    linear) or a list with one name per layer; it is required when there are hidden layers,
    since guessing would build a different network. Anything else is refused with an
    error naming it; nothing is built until all of `source` has been read.

    >>> from nn import MLP
    >>> from torch.nn import Linear, Sequential, Tanh                   # doctest: +SKIP
    >>> MLP.from_torch(Sequential(Linear(2, 3), Tanh(), Linear(3, 1)))  # doctest: +SKIP
    MLP(2 -> [3, 1], 13 parameters
      (layers.0): Layer(2 -> 3, tanh)
      (layers.1): Layer(3 -> 1, linear)
    )
    """
    from .layers import MLP

    torch = require_torch("MLP.from_torch()")
    if isinstance(source, torch.nn.Module):
        if activation is not None:
            raise ValueError("MLP.from_torch(): activation is read from the module; pass it only with a state_dict")
        dense = _read_module(torch, source)
        activation = [name for _, _, name in dense]
    elif isinstance(source, collections.abc.Mapping):
        dense = _read_state_dict(torch, source)
        if activation is None and len(dense) > 1:
            raise ValueError("MLP.from_torch(): a state_dict holds numbers only, not its activations: "
                             "name them, e.g. activation='tanh' (every hidden layer) or one name per layer")
    else:
        raise TypeError(f"MLP.from_torch() takes a torch.nn.Sequential or its state_dict, "
                        f"got {type(source).__name__}")
    model = (cls or MLP)(len(dense[0][0][0]), [len(rows) for rows, _, _ in dense],
                         activation="linear" if activation is None else activation, init="zeros")
    for layer, (rows, biases, _) in zip(model.layers, dense):
        for neuron, row, bias in zip(layer.neurons, rows, biases):
            for w, x in zip(neuron.w, row):
                w.data = x
            neuron.b.data = bias
    return model


# ----- chainrule -> numbers -------------------------------------------------------------
def _dense_layers(model: Module) -> List[_Dense]:
    from .layers import MLP, Layer, Neuron
    from .module import Module

    kind = next((k for k in (MLP, Layer, Neuron) if isinstance(model, k)), None)
    if kind is None:
        what = type(model).__name__ if isinstance(model, Module) else f"a {type(model).__name__}, not a Module"
        raise TypeError(f"to_torch(): cannot convert {what}: only Neuron, Layer, MLP and subclasses "
                        "that keep their forward map onto torch.nn layers")
    if type(model).__call__ is not kind.__call__ or type(model).forward is not kind.forward:
        raise TypeError(f"to_torch(): {type(model).__name__} overrides {kind.__name__}'s forward, "
                        "so what it computes cannot be read from its layers")
    if isinstance(model, Neuron):
        return [([_floats(model.w)], [model.b.data], model.activation)]
    if isinstance(model, Layer):
        names = {n.activation for n in model.neurons}
        if len(names) > 1:
            raise ValueError(f"to_torch(): the neurons of a Layer use different activations {sorted(names)}; "
                             "a torch layer has one")
        return [([_floats(n.w) for n in model.neurons], [n.b.data for n in model.neurons], names.pop())]
    assert isinstance(model, MLP)  # the only kind left
    return [dense for layer in model.layers for dense in _dense_layers(layer)]


def _floats(values: Sequence[Value]) -> List[float]:
    return [v.data for v in values]


def _torch_activation(torch: Any, name: str) -> Any:
    if name in _MODULES:
        return getattr(torch.nn, _MODULES[name])()
    function = _activation(name)[1]
    assert isinstance(function, functools.partial)  # leaky_relu: its slope is bound in a partial
    return torch.nn.LeakyReLU(function.keywords["negative_slope"])


# ----- torch -> numbers -----------------------------------------------------------------
def _read_module(torch: Any, module: Any) -> List[_Dense]:
    items = _flatten(torch, "", module)
    if not items:
        raise ValueError("MLP.from_torch(): the Sequential is empty")
    dense: List[_Dense] = []
    after_activation = False
    for name, m in items:
        where = f"module {name!r} ({type(m).__name__})" if name else type(m).__name__
        if isinstance(m, torch.nn.Linear):
            if m.bias is None:
                raise ValueError(f"MLP.from_torch(): {where} has no bias; every chainrule neuron has one")
            dense.append(_linear(m.weight, m.bias, where, dense))
            after_activation = False
            continue
        act = _activation_name(torch, m)
        if act is None:
            raise TypeError(f"MLP.from_torch(): {where} is not supported; an MLP is {_SUPPORTED}")
        if not dense or after_activation:
            raise ValueError(f"MLP.from_torch(): {where} does not follow a Linear layer; an MLP is {_SUPPORTED}")
        rows, biases, _ = dense[-1]
        dense[-1] = (rows, biases, act)
        after_activation = True
    return dense


def _flatten(torch: Any, prefix: str, module: Any) -> List[Tuple[str, Any]]:
    """(dotted name, module) in order, nested Sequentials opened."""
    if not isinstance(module, torch.nn.Sequential):
        return [(prefix, module)]
    out = []
    for name, child in module.named_children():
        out += _flatten(torch, f"{prefix}.{name}" if prefix else name, child)
    return out


def _activation_name(torch: Any, m: Any) -> Optional[str]:
    if isinstance(m, torch.nn.Identity):
        return "linear"
    if isinstance(m, torch.nn.LeakyReLU):
        return str(_activation(f"leaky_relu({m.negative_slope!r})")[0])
    for name, cls in _MODULES.items():
        if type(m) is getattr(torch.nn, cls):
            return name
    return None


def _read_state_dict(torch: Any, state: collections.abc.Mapping[str, Any]) -> List[_Dense]:
    prefixes: List[str] = []  # in the state_dict's order, which is the layers' order
    for key in state:
        prefix, _, leaf = str(key).rpartition(".")
        if leaf not in ("weight", "bias"):
            raise ValueError(f"MLP.from_torch(): state_dict key {key!r} is not a Linear layer's weight or bias")
        if prefix not in prefixes:
            prefixes.append(prefix)
    if not prefixes:
        raise ValueError("MLP.from_torch(): the state_dict is empty")
    dense: List[_Dense] = []
    for prefix in prefixes:
        keys = [f"{prefix}.{leaf}" if prefix else leaf for leaf in ("weight", "bias")]
        missing = [k for k in keys if k not in state]
        if missing:
            raise ValueError(f"MLP.from_torch(): state_dict has no {missing[0]!r}; "
                             "every layer needs a weight and a bias")
        dense.append(_linear(torch.as_tensor(state[keys[0]]), torch.as_tensor(state[keys[1]]),
                             f"layer {prefix!r}", dense))
    return dense


def _linear(weight: Any, bias: Any, where: str, before: List[_Dense]) -> _Dense:
    """(rows, biases, 'linear') from a weight and a bias tensor, after checking their shapes."""
    if weight.dim() != 2 or bias.dim() != 1 or bias.shape[0] != weight.shape[0] or 0 in weight.shape:
        raise ValueError(f"MLP.from_torch(): {where}: weight {tuple(weight.shape)} and bias {tuple(bias.shape)} "
                         "are not a Linear layer's (out, in) and (out,)")
    if before and weight.shape[1] != len(before[-1][0]):
        raise ValueError(f"MLP.from_torch(): {where} takes {weight.shape[1]} inputs, "
                         f"but the layer before gives {len(before[-1][0])}")
    rows = weight.detach().cpu().double().tolist()
    biases = bias.detach().cpu().double().tolist()
    if not all(math.isfinite(x) for x in biases + [x for row in rows for x in row]):
        raise ValueError(f"MLP.from_torch(): {where} holds a non-finite weight (nan or inf)")
    return rows, biases, "linear"
