"""nn: neural-network building blocks on top of the autograd engine.

>>> from nn import MLP, SGD, hinge_loss
>>> model = MLP(2, [4, 1], seed=0); opt = SGD(model.parameters(), lr=0.1)
>>> opt.zero_grad(); loss = hinge_loss([model([1.0, 0.0])], [1]); loss.backward(); opt.step()
"""
# First: with HIPS autograd installed over chainrule, `import autograd` loads HIPS's package,
# and this check (still in the shared directory) explains the clash instead of a bare error.
import autograd._install_check  # noqa: F401

from . import init
from .activation import activation
from .clip_grad import clip_grad_norm_, clip_grad_value_
from .data import DataLoader, load_csv, train_test_split, train_val_test_split
from .datasets import make_blobs, make_circles, make_curve, make_moons, make_spirals, make_xor
from .digits import load_digits
from .layers import MLP, Layer, Neuron
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, hinge_loss,
                     l2_penalty, log_softmax, mse_loss, softmax)
from .lr_scheduler import ExponentialLR, LambdaLR, LinearLR, LRScheduler, StepLR
from .module import Module
from .optim import SGD, Adam, AdamW, Optimizer
from .serialize import load, save
from .evaluation import accuracy, evaluate, predict
from .train import EpochStats, batch_loss, fit

__all__ = [
    "Module", "Neuron", "Layer", "MLP", "init", "activation",
    "mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy",
    "hinge_loss", "softmax", "log_softmax", "l2_penalty", "clip_grad_norm_", "clip_grad_value_",
    "Optimizer", "SGD", "Adam", "AdamW", "LRScheduler", "StepLR", "LinearLR", "ExponentialLR", "LambdaLR",
    "make_xor", "make_moons", "make_circles", "make_spirals", "make_blobs", "make_curve", "load_digits",
    "train_test_split", "train_val_test_split", "DataLoader", "load_csv",
    "fit", "evaluate", "accuracy", "predict", "batch_loss", "EpochStats", "save", "load",
]
