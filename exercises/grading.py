"""Grade a learner's folder: each exercise's checks in a child process with a time limit."""
import ast
import datetime
import importlib
import json
import os
import subprocess
import sys
import tempfile
import threading

HANDOUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "handout")
PROGRESS = ".exercises-progress.json"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # holds exercises/, autograd/

TIMEOUT = 20.0  # seconds an exercise may take by default; a correct solution takes about one

# `check` grades exercises in threads; CPython 3.11 keeps ast.parse's depth count per interpreter,
# not per thread, so two parses at once now and then fail with "SystemError: AST constructor
# recursion depth mismatch" (seen in this suite): one at a time.
_PARSING = threading.Lock()


def timeout_hint(ex, case, seconds):
    """What to look at when exercise `ex` ran out of `seconds` in `case` ('': before any case)."""
    if seconds < TIMEOUT:
        short = (f"{seconds:g} s may be too short: a correct solution takes about a second, "
                 "more on a busy machine. Check again without --timeout "
                 f"({TIMEOUT:g} s) before looking for an endless loop.")
        if not case:
            return f"the checks had not even started. {short}"
        return f"{short} If it times out then too: {_loop_hint(ex, case)}"
    if not case:
        return "the checks had not even started: is the machine very busy? Try again."
    return _loop_hint(ex, case)


def _loop_hint(ex, case):
    if case.startswith("importing your"):
        return ("your file never finished importing: code at the top level of the file "
                "(outside any function) runs when Python imports it. Look for a loop or a "
                "long call there; put experiments under `if __name__ == \"__main__\":`.")
    checks = importlib.import_module(f"exercises.checks.ex{ex.number:02d}")
    return getattr(checks, "TIMEOUT_HINT", "an endless loop? Look at each `while` loop in the "
                                           "function of the case above: does it always end?")


def stub_functions(path):
    """Qualified names of the functions in `path` whose body is only `raise NotImplementedError`."""
    with open(path, encoding="utf-8") as f:
        source = f.read()
    with _PARSING:
        tree = ast.parse(source, path)
    stubs = set()

    def walk(body, prefix):
        for node in body:
            if isinstance(node, ast.ClassDef):
                walk(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                code = [s for s in node.body if not _is_docstring(s)]
                if len(code) == 1 and _raises_not_implemented(code[0]):
                    stubs.add(prefix + node.name)

    walk(tree.body, "")
    return stubs


def _is_docstring(statement):
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
        and isinstance(statement.value.value, str)


def _raises_not_implemented(statement):
    if not isinstance(statement, ast.Raise) or statement.exc is None:
        return False
    exc = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def quick_status(ex, learner_dir):
    """'missing' or 'not started' when that is clear without running anything, else None."""
    path = os.path.join(learner_dir, ex.module + ".py")
    if not os.path.exists(path):
        return "missing"
    try:
        untouched = stub_functions(os.path.join(HANDOUT, ex.module + ".py")) <= stub_functions(path)
    except SyntaxError:
        return None  # the checker reports it, with the line
    return "not started" if untouched else None


def grade(ex, learner_dir, timeout):
    """The result of one exercise as a dict with a 'status' and the details of a failure."""
    status = quick_status(ex, learner_dir)
    if status:
        return {"status": status}
    fd, log = tempfile.mkstemp(prefix="exercise-", suffix=".jsonl")
    os.close(fd)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (ROOT, env.get("PYTHONPATH")) if p)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # no __pycache__ in the learner's folder
    try:
        try:
            done = subprocess.run(
                [sys.executable, "-m", "exercises._child", str(ex.number), learner_dir, log],
                cwd=learner_dir, env=env, timeout=timeout, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            timed_out, printed = False, done.stdout
        except subprocess.TimeoutExpired as e:
            timed_out, printed = True, e.stdout or b""
        lines = _read_log(log)
    finally:
        os.remove(log)
    cases = [line["case"] for line in lines if "case" in line]
    results = [line["result"] for line in lines if "result" in line]
    if timed_out:
        case = cases[-1] if cases else ""
        result = {"status": "timed out", "seconds": timeout, "case": case,
                  "hint": timeout_hint(ex, case, timeout)}
    elif not results:  # the child died without a word (e.g. the learner's code called os._exit)
        result = {"status": "failed", "case": cases[-1] if cases else "",
                  "error": "the check stopped without a result: does your code exit Python?"}
    else:
        result = results[-1]
    tail = printed.decode("utf-8", "replace").splitlines()[-8:]
    if tail and result["status"] != "passed":  # a learner debugging with print() sees it
        result["printed"] = tail
    return result


def _read_log(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def short_timeout(result):
    """True if `result` timed out under a limit shorter than the default."""
    return result["status"] == "timed out" and result["seconds"] < TIMEOUT


def load_progress(learner_dir):
    """{number: {'status': ..., 'first_passed': date}} from the learner's folder ({} if none)."""
    try:
        with open(os.path.join(learner_dir, PROGRESS), encoding="utf-8") as f:
            return {int(k): v for k, v in json.load(f).items()}
    except (OSError, ValueError):
        return {}


def save_progress(learner_dir, progress, results):
    """Record each graded exercise's status; keep the date it first passed.

    Running out of a time limit shorter than the default is not recorded: it says more about
    the limit than about the code.
    """
    today = datetime.date.today().isoformat()
    for number, result in results.items():
        if short_timeout(result):
            continue
        entry = progress.setdefault(number, {})
        entry["status"] = result["status"]
        if result["status"] == "passed":
            entry.setdefault("first_passed", today)
    try:
        with open(os.path.join(learner_dir, PROGRESS), "w", encoding="utf-8") as f:
            json.dump({str(k): v for k, v in sorted(progress.items())}, f, indent=1)
    except OSError:
        pass  # a read-only folder still gets its report
