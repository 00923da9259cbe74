"""Runnable demos: `python -m demos` lists them, `python -m demos NAME` runs one."""
