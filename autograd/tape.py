"""The tape: values computed with grad mode on, recorded in the order they were made.

A value is always made after its inputs, so creation order is a topological order:
`backward` runs down the tape from its newest end instead of searching the graph first
(the search took a fifth of a training step). Each `backward` (and `grad`) takes the whole
tape, so the tape never keeps a graph alive after the pass that used it; until then it
holds the newest `LIMIT` values (the oldest fall off; `backward` searches for those instead)
and so the graphs they belong to. Values made by several threads at once can reach the tape
a little out of number order; `backward` puts them back in order, so that its sums round as
`explain`'s and a search's do.

One tape for the process, shared by all threads: creation order across threads is still a
topological order, and `backward` runs one pass at a time (`lock`).
"""
from __future__ import annotations

import collections
import itertools
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # value.py imports this module
    from .value import Value

LIMIT = 2 ** 17  # values (about 20 MB), and with them the graphs they belong to, until the next backward

_recorded: collections.deque[Value] = collections.deque(maxlen=LIMIT)
record = _recorded.append  # every operation calls it with the value it made
numbering = itertools.count(1)  # every computed value's `_seq`: its number, in creation order
lock = threading.RLock()  # held by backward: one pass at a time


def take() -> list[Value]:
    """The values recorded since the last `take`, oldest first; the tape is empty after."""
    # A value made by another thread between these two calls is lost to the tape: it cannot
    # be part of the graph being differentiated (that graph was made before), and the pass
    # that later reaches it finds it by searching.
    taken = list(_recorded)
    _recorded.clear()
    return taken


def forget() -> None:
    """Empty the tape without a pass: for graphs built only to be read (the compiler's trace).
    A later backward through those values searches for them instead."""
    _recorded.clear()
