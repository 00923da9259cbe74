"""The records `explain` gives: one `Step` per chain-rule application, and where they come from."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Iterator, NamedTuple, Optional, Union, overload

from .value import Value

__all__ = ["Step"]


class Step(NamedTuple):
    """One chain-rule application: `input.grad += local * upstream`."""

    node: Value           # the value whose gradient flows back
    input: Value          # one input of `node`
    local: float          # d node / d input
    upstream: float       # d root / d node (node's grad)
    contribution: float   # local * upstream
    total: float          # input's grad after this step


def _edges(node: Value) -> tuple[tuple[Value, float], ...]:
    """(input, d node / d input) for each input of a computed `node`, in argument order.

    The one place that reads the engine's node internals: `backward` applies the same pairs.
    """
    a, b = node._a, node._b
    if a is None:  # a leaf: no inputs
        return ()
    if b is None:
        return ((a, node._da),)
    return ((a, node._da), (b, node._db))


class _Steps(Sequence[Step]):
    """The steps, kept as columns; each item is made a `Step` when it is read."""

    __slots__ = ("_columns",)

    def __init__(self, columns: tuple[list[Any], ...]) -> None:
        self._columns = columns

    def __len__(self) -> int:
        return len(self._columns[0])

    @overload
    def __getitem__(self, i: int) -> Step: ...
    @overload
    def __getitem__(self, i: slice) -> list[Step]: ...

    def __getitem__(self, i: Union[int, slice]) -> Union[Step, list[Step]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return Step._make(column[i] for column in self._columns)

    def __iter__(self) -> Iterator[Step]:
        return map(Step._make, zip(*self._columns))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (list, _Steps)) and len(self) == len(other) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"<{len(self)} steps of backward(): index or iterate for Step records>"

    def _is(self, i: Optional[int], step: Step) -> bool:
        """Whether `step` is step `i` (the very objects: a value can flow back twice)."""
        return i is not None and all(column[i] is field for column, field in zip(self._columns, step))
