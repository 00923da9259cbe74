"""autograd: a scalar automatic-differentiation engine.

>>> from autograd import Value
>>> x = Value(2.0); y = x * x + 3 * x; y.backward(); x.grad
7.0
"""
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .graph import grad, topological_order
from .gradcheck import GradcheckError, gradcheck
from .value import Value
from .drawing import draw
from .explain import explain
from .compiler import CompileError, compile_step as compile  # noqa: A001 (as torch.compile)

__all__ = [
    "Value", "grad", "gradcheck", "GradcheckError", "no_grad", "enable_grad",
    "is_grad_enabled", "topological_order", "draw", "explain", "compile", "CompileError",
]
