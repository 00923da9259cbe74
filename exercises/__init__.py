"""Exercises: rebuild the engine and a network step by step, graded by `python -m exercises check`.

`python -m exercises init DIR` copies the learner's set (`exercises/handout/`) into DIR;
from inside DIR, `python -m exercises check [N]` grades it. The teacher's guide is
docs/exercises.md.
"""
