"""The exercise set: number, file, title, the tutorial step it follows, and what it builds on."""
from collections import namedtuple

Exercise = namedtuple("Exercise", "number module title steps needs")
Exercise.__doc__ = """One exercise: `module` is the learner's file name without `.py`; `steps` the
tutorial's steps it practises; `needs` the exercises whose code it imports (they must pass first)."""

EXERCISES = (
    Exercise(1, "ex01_derivatives", "local derivatives of the primitive ops", (3,), ()),
    Exercise(2, "ex02_value", "a Value with + and * that records its inputs", (3, 4), ()),
    Exercise(3, "ex03_topological_order", "topological order, without recursion", (4, 6), ()),
    Exercise(4, "ex04_backward", "the backward loop", (6,), (3,)),
    Exercise(5, "ex05_mlp", "weight init; a neuron, a layer, an MLP forward", (1, 2, 4), ()),
    Exercise(6, "ex06_losses", "mean squared error and a stable cross-entropy", (5,), ()),
    Exercise(7, "ex07_training", "an SGD step and a mini-batch loop that learns XOR", (6, 7), ()),
    Exercise(8, "ex08_backprop_by_hand", "backprop by hand for the 2-2-1 XOR net; accuracy", (6, 8), ()),
)


def by_number(number):
    """The Exercise numbered `number`, or ValueError naming the valid numbers.

    >>> by_number(3).module
    'ex03_topological_order'
    """
    for ex in EXERCISES:
        if ex.number == number:
            return ex
    raise ValueError(f"there is no exercise {number}: choose 1 to {len(EXERCISES)}")
