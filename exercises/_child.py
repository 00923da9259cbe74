"""Runs one exercise's checks in a child process: `python -m exercises._child N DIR LOG`.

The parent (`grading.py`) gives it a time limit. Each case's description, then the result,
is appended to LOG as a JSON line, so an endless loop still leaves the case it was in.
"""
import importlib
import json
import linecache
import os
import sys
import traceback

from . import grading
from .catalog import by_number
from .checks import _tools


_MEMORY = 2 << 30  # bytes: a runaway list fails with MemoryError long before the machine swaps


def main(argv):
    number, learner_dir, log = int(argv[0]), os.path.realpath(argv[1]), argv[2]
    _limit_memory()
    sys.path.insert(0, learner_dir)
    _tools.start_log(log)
    try:
        result = grade(by_number(number), learner_dir)
    except Exception as e:  # a fault of the checker itself: say so, without a traceback
        result = {"status": "failed", "case": _tools.current_case(),
                  "error": f"the checker itself failed ({type(e).__name__}: {e}); "
                           "please tell your teacher"}
    with open(log, "a", encoding="utf-8") as f:
        f.write(json.dumps({"result": result}) + "\n")


def grade(ex, learner_dir):
    """{'status': 'passed' | 'failed' | 'unfinished' | 'blocked', ...} for one exercise."""
    for need in ex.needs:
        before = grade(by_number(need), learner_dir)
        if before["status"] != "passed":
            return {"status": "blocked", "needs": need}
    if not os.path.exists(os.path.join(learner_dir, ex.module + ".py")):
        return {"status": "missing"}
    checks = importlib.import_module(f"exercises.checks.ex{ex.number:02d}")
    _tools.case(f"importing your {ex.module}.py")
    try:
        learner = importlib.import_module(ex.module)
        _own_code(learner, ex)
        checks.run(learner)
    except _tools.Fail as fail:
        return {"status": "failed", "case": fail.case, "expected": fail.expected,
                "got": fail.got, "hint": fail.hint}
    except SyntaxError as e:
        return {"status": "failed", "case": _tools.current_case(),
                "error": f"a syntax error: {e.msg}",
                "where": _where(e.filename, e.lineno, "", learner_dir, e.text)}
    except BaseException as e:  # noqa: B902 (a learner's code may raise anything, even SystemExit)
        return _learner_error(e, learner_dir, getattr(checks, "HINTS", {}))
    return {"status": "passed"}


def _own_code(learner, ex):
    """Fail if the learner's file hands in chainrule's own version of what it should write."""
    stubs = grading.stub_functions(os.path.join(grading.HANDOUT, ex.module + ".py"))
    names = {stub.split(".")[0] for stub in stubs}
    for thing in list(vars(learner).values()):  # also `import ... as another_name`
        name = getattr(thing, "__name__", None)
        module = getattr(thing, "__module__", None) or ""
        if name in names and module.split(".")[0] in ("autograd", "nn"):
            raise _tools.Fail(f"your own `{name}`, written in {ex.module}.py",
                              f"chainrule's own `{name}`, imported from {module}",
                              f"your file imports chainrule's own {name}: remove that import "
                              "and write your own (that is the exercise).")


def _limit_memory():
    try:
        import resource
    except ImportError:  # Windows: the time limit alone
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft > _MEMORY:
        try:
            resource.setrlimit(resource.RLIMIT_AS, (_MEMORY, hard))
        except (ValueError, OSError):
            pass


def _learner_error(e, learner_dir, hints):
    frames = [(frame, line) for frame, line in traceback.walk_tb(e.__traceback__)
              if _inside(frame.f_code.co_filename, learner_dir)]
    message = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
    if len(message) > 300:
        message = message[:297] + "..."
    result = {"case": _tools.current_case(), "hint": hints.get(type(e).__name__, "")}
    if not frames:  # raised outside the learner's file: Python's operators, or the checker
        result.update(status="failed", error=f"{message}, raised outside your file while the "
                                             "checker was using your code")
        return result
    (first, _), (last, lineno) = frames[0], frames[-1]
    function = _name(last.f_code)
    where = _where(last.f_code.co_filename, lineno, "" if function == "<module>" else function,
                   learner_dir, None)
    if isinstance(e, NotImplementedError) and "NotImplementedError" in where["text"]:
        result.update(status="unfinished", function=where["function"], where=where)
    else:
        who = _name(first.f_code)
        who = "file, while Python imported it," if who == "<module>" else f"`{who}`"
        result.update(status="failed", error=f"your {who} raised {message}", where=where)
    return result


def _name(code):
    """`Value.__mul__` where Python knows the class (3.11+), else `__mul__`."""
    return getattr(code, "co_qualname", code.co_name).replace(".<locals>.", ".")


def _inside(filename, learner_dir):
    # Only real files: "<frozen importlib._bootstrap>" would resolve against the current folder.
    if not filename or not os.path.isabs(filename):
        return False
    return os.path.dirname(os.path.realpath(filename)) == learner_dir


def _where(filename, lineno, function, learner_dir, text):
    name = os.path.basename(filename or "")
    text = (text or linecache.getline(filename or "", lineno or 0)).strip()
    return {"file": name, "line": lineno, "function": function, "text": text}


if __name__ == "__main__":
    main(sys.argv[1:])
