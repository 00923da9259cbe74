"""Optimizer state: state dicts checked and read (this format and the one before it), and the
state as arrays for a compiled step's `training` block."""
from __future__ import annotations

from typing import Any, Optional

from ._check import is_number, positive_int


def parameter_states(where: str, state: Any, buffers: tuple[str, ...], counted: bool,
                     n: int, steps: int) -> list[dict[str, Any]]:
    """`state_dict['state']` as one dict per parameter ({} before its first update), checked
    in full. The format before per-parameter state (a dict of one list per buffer, or None
    before the first step, and the optimizer's `steps` as every parameter's count) is read
    as that version resumed it: every parameter then has the optimizer's step count."""
    if isinstance(state, dict):
        return _old_format(where, state, buffers, counted, n, steps)
    keys = {*buffers, "step"} if counted else set(buffers)
    if not isinstance(state, list) or len(state) != n:
        raise ValueError(f"{where}: state_dict['state'] must be a list of {n} dicts, one per parameter")
    out = []
    for i, s in enumerate(state):
        if not isinstance(s, dict) or (s and set(s) != keys):
            raise ValueError(f"{where}: state_dict['state'][{i}] must be {{}} (no update yet) or a dict "
                             f"with the keys {sorted(keys)}, got {s!r}"[:300])
        for k in buffers:
            if k in s and not is_number(s[k]):
                raise ValueError(f"{where}: state_dict['state'][{i}][{k!r}] must be a finite number, got {s[k]!r}")
        if counted and s:
            positive_int(s["step"], f"{where}: state_dict['state'][{i}]['step']", maximum=2 ** 62)
        out.append({k: (int(v) if k == "step" else float(v)) for k, v in s.items()})
    return out


def _old_format(where: str, state: dict[str, Any], buffers: tuple[str, ...], counted: bool,
                n: int, steps: int) -> list[dict[str, Any]]:
    if set(state) != set(buffers):
        raise ValueError(f"{where}: state_dict['state'] must be a list of {n} dicts (one per parameter), or "
                         f"the older form: a dict with the keys {list(buffers)}")
    for name, buf in state.items():
        if buf is not None and (not isinstance(buf, list) or len(buf) != n or not all(is_number(x) for x in buf)):
            raise ValueError(f"{where}: state_dict['state'][{name!r}] must be None or a list of "
                             f"{n} finite numbers (one per parameter)")
    if len({buf is None for buf in state.values()}) > 1:
        raise ValueError(f"{where}: state_dict['state'] buffers must all be lists or all be None, got "
                         + ", ".join(f"{k}={'None' if v is None else 'a list'}" for k, v in state.items()))
    if not buffers or state[buffers[0]] is None or (counted and steps == 0):
        return [{} for _ in range(n)]
    count = {"step": steps} if counted else {}
    return [{**count, **{k: float(state[k][i]) for k in buffers}} for i in range(n)]


def array_state(opt: Any, array: Any) -> Optional[dict[str, Any]]:
    """One array per buffer over all the parameters (`array` makes one from a list), None
    before any update, and the step count. None if the parameters' states differ in kind or
    count (some were skipped): such steps then run on the Values."""
    states = [opt.state.get(p) or {} for p in opt.params]
    first = states[0]
    if any(s.keys() != first.keys() or s.get("step") != first.get("step") for s in states):
        return None
    arrays = {k: array([s[k] for s in states]) if first else None for k in opt._buffers}
    return {"step": first.get("step", 0), **arrays} if opt._counted else arrays


def set_array_state(opt: Any, arrays: dict[str, Any]) -> None:
    """Each parameter's state from what `array_state` gave, as `_step_arrays` updated it."""
    lists = {k: arrays[k].tolist() for k in opt._buffers if arrays[k] is not None}
    if lists:
        count = {"step": arrays["step"]} if opt._counted else {}
        for i, p in enumerate(opt.params):
            opt.state[p] = {**count, **{k: v[i] for k, v in lists.items()}}
