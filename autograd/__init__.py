"""autograd: a scalar automatic-differentiation engine.

>>> from autograd import Value
>>> x = Value(2.0); y = x * x + 3 * x; y.backward(); x.grad
7.0
"""
from . import _install_check  # noqa: F401  (first: refuses a directory shared with HIPS autograd)
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .graph import grad, topological_order
from .gradcheck import GradcheckError, gradcheck
from .value import Value
from .drawing import draw
from .explain import explain
from .compiler import CompileError, compile_step as _compile_step

# As torch.compile. An assignment, not `import ... as compile`: a strict type checker (no
# implicit re-exports) then accepts `from autograd import compile`, which __all__ leaves out.
compile = _compile_step  # noqa: A001

# The distribution's version; tests/test_package_engine.py keeps it equal to setup.cfg's.
__version__ = "0.1.0"

# `compile` is left out: `from autograd import *` must not shadow the builtin compile().
# Use it as `autograd.compile` or `from autograd import compile`.
__all__ = [
    "Value", "grad", "gradcheck", "GradcheckError", "no_grad", "enable_grad",
    "is_grad_enabled", "set_grad_enabled", "inference_mode", "topological_order", "draw", "explain", "CompileError",
]
