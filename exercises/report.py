"""What `check` prints: one exercise in detail, or the whole set's status and what to do next."""
import textwrap

from . import grading
from .catalog import EXERCISES, by_number

LABELS = {"passed": "passed", "failed": "FAILED", "unfinished": "unfinished",
          "not started": "not started", "timed out": "TIMED OUT", "blocked": "waiting",
          "missing": "missing"}


def detail(ex, result):
    """Lines saying what happened in exercise `ex`, in plain words."""
    status = result["status"]
    file = f"{ex.module}.py"
    head = f"Exercise {ex.number}: {ex.title} ({file})"
    if status == "passed":
        return [head, "  passed: every check holds."]
    if status == "not started":
        return [head] + _para(f"not started: open {file}, read what to do at the top, replace "
                              f"each `raise NotImplementedError` with your code, then run "
                              f"`python -m exercises check {ex.number}`.")
    if status == "missing":
        return [head] + _para(f"missing: {file} is not in this folder. `python -m exercises "
                              "init --missing .` copies the files that are missing.")
    if status == "blocked":
        need = by_number(result["needs"])
        return [head] + _para(f"waiting for exercise {need.number}: this one uses your code "
                              f"from {need.module}.py, which does not pass yet. Run "
                              f"`python -m exercises check {need.number}` first.")
    lines = [head]
    if status == "unfinished":
        where = result["where"]
        lines += _para(f"unfinished: `{result['function']}` still raises NotImplementedError "
                       f"({where['file']}, line {where['line']}). Write it, then check again.")
        if result.get("case"):
            lines += _para(f"(reached while checking: {result['case']})")
        return lines
    if status == "timed out":
        lines.append(f"  TIMED OUT: stopped after {result['seconds']:g} s without finishing.")
    else:
        lines.append("  FAILED")
    if result.get("case"):
        lines += _field("case", result["case"])
    if "expected" in result:
        lines += _field("expected", result["expected"])
        lines += _field("got", result["got"])
    if result.get("error"):
        lines += _field("problem", result["error"])
    if result.get("where"):
        where = result["where"]
        place = f"{where['file']}, line {where['line']}"
        if where.get("function"):
            place += f", in {where['function']}"
        lines += _field("where", f"{place}:  {where['text']}" if where.get("text") else place)
    if result.get("hint"):
        lines += _field("hint", result["hint"])
    if result.get("printed"):
        lines.append("  your code printed (the last lines):")
        lines += [f"    {line[:120]}" for line in result["printed"]]
    return lines


def _para(text):
    return textwrap.wrap(text, 94, initial_indent="  ", subsequent_indent="  ",
                         break_long_words=False, break_on_hyphens=False)


def _field(name, text):
    width = 12
    wrapped = textwrap.wrap(str(text), 96 - width, break_long_words=False,
                            break_on_hyphens=False) or [""]
    first = f"  {name + ':':{width - 2}}{wrapped[0]}"
    return [first] + [" " * width + rest for rest in wrapped[1:]]


def summary(learner_dir, results, progress):
    """The whole set's status, one line per exercise, then the next thing to do."""
    lines = [f"Exercises in {learner_dir}"]
    for ex in EXERCISES:
        result = results[ex.number]
        label = LABELS[result["status"]]
        before = progress.get(ex.number, {}).get("first_passed")
        note = ""
        if result["status"] == "passed" and before:
            note = f" (since {before})"
        elif before and grading.short_timeout(result):
            note = f" (passed on {before}; out of time at --timeout {result['seconds']:g})"
        elif before:
            note = f" (passed on {before}: a later change broke it)"
        lines.append(f"  {ex.number}  {label:12} {ex.title}{note}")
    done = sum(r["status"] == "passed" for r in results.values())
    lines.append(f"{done} of {len(EXERCISES)} passed.")
    # Next: the first exercise in progress (failed, unfinished, ...), else the first not begun.
    fresh = ("not started", "missing", "blocked")
    todo = sorted((ex for ex in EXERCISES if results[ex.number]["status"] != "passed"),
                  key=lambda ex: (results[ex.number]["status"] in fresh, ex.number))
    if not todo:
        lines.append("All done: every exercise passes. Compare your code with autograd/ and nn/.")
        return lines
    ex = todo[0]
    lines += ["", "Next:"] + detail(ex, results[ex.number])
    return lines
