"""The learner's set: the files `python -m exercises init DIR` copies. Not imported by the checker."""
