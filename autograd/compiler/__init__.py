"""The compiler: trace a batch loss once, then replay generated code (`autograd.compile`)."""
from .step import CompiledStep, compile_step
from .trace import CompileError

__all__ = ["compile_step", "CompiledStep", "CompileError"]
