"""CuPy: the array program on a GPU, through NumPy's API (untested here: needs a GPU)."""
import functools

from . import numpy as _numpy

library = functools.partial(_numpy.library, module="cupy")
namespace = functools.partial(_numpy.namespace, module="cupy")
index = functools.partial(_numpy.index, module="cupy")
array = functools.partial(_numpy.array, module="cupy")
inputs = functools.partial(_numpy.inputs, module="cupy")
errors = functools.partial(_numpy.errors, module="cupy")
