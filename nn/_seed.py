"""Turn a `seed` argument into a random generator, the same way everywhere in `nn`."""
from __future__ import annotations

import numbers
import random
from typing import Union, cast

# What a `seed` argument may be: None (the global stream), an int, or a generator to share.
Seed = Union[int, random.Random, None]


def as_rng(seed: object, what: str = "seed") -> random.Random:
    """None -> the global `random` module (so `random.seed(n)` reproduces, as in micrograd);
    an int -> a fresh `random.Random(seed)`; a `random.Random` -> itself (to share one stream).

    >>> as_rng(0).random() == as_rng(0).random()
    True
    """
    if seed is None or seed is random:
        return cast(random.Random, random)  # the module has Random's methods
    if isinstance(seed, random.Random):
        return seed
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):  # NumPy's ints too
        return random.Random(int(seed))
    raise TypeError(f"{what} must be None, an int or a random.Random, got {type(seed).__name__}: {seed!r}")
