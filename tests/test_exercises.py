"""The exercise checker accepts the reference solutions, rejects typical wrong answers with a
plain-words report, reports untouched stubs as not started, stops endless loops, and `init`
never overwrites a learner's work."""
import ast
import contextlib
import doctest
import importlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exercise_mistakes import HANGING_SORT, MISTAKES
from exercises import _child, grading, report
from exercises.__main__ import main
from exercises.catalog import EXERCISES, by_number

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "tests" / "exercise_solutions"


def _solved(folder, but=None):
    """A learner's folder holding every reference solution (or the handout for `but`)."""
    folder.mkdir(exist_ok=True)
    for ex in EXERCISES:
        source = grading.HANDOUT if ex.number == but else SOLUTIONS
        shutil.copyfile(os.path.join(source, ex.module + ".py"), folder / (ex.module + ".py"))
    return folder


def _grade_here(number, folder):
    """Grade in this process (fast): the checks and verdicts of the child, without the child."""
    ex = by_number(number)
    quick = grading.quick_status(ex, str(folder))
    if quick:
        return {"status": quick}
    names = [e.module for e in EXERCISES]
    limit = sys.getrecursionlimit()  # a learner's file may change it
    sys.path.insert(0, str(folder))
    try:
        for name in names:
            sys.modules.pop(name, None)
        return _child.grade(ex, os.path.realpath(folder))
    finally:
        sys.setrecursionlimit(limit)
        sys.path.remove(str(folder))
        for name in names:
            sys.modules.pop(name, None)


def _cli(folder, *args):
    """`python -m exercises ARGS` run from inside `folder`, as a learner runs it."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "exercises", *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


def test_every_reference_solution_passes_through_the_command(tmp_path):
    code, out = _cli(_solved(tmp_path / "work"), "check")
    assert code == 0, out
    assert "8 of 8 passed" in out and "All done" in out
    assert "Traceback" not in out


@pytest.mark.parametrize("mistake", MISTAKES, ids=[f"{m.number}-{m.name}" for m in MISTAKES])
def test_typical_mistake_fails_in_plain_words(tmp_path, mistake):
    folder = _solved(tmp_path / "work")
    path = folder / (by_number(mistake.number).module + ".py")
    text = path.read_text(encoding="utf-8")
    if mistake.old is None:
        text = mistake.new
    else:
        assert text.count(mistake.old) == 1, f"the edit does not apply: {mistake.old!r}"
        text = text.replace(mistake.old, mistake.new)
    path.write_text(text, encoding="utf-8")
    result = _grade_here(mistake.number, folder)
    words = "\n".join(report.detail(by_number(mistake.number), result))
    assert result["status"] == mistake.status, words
    flat = " ".join(words.split())  # the report wraps long lines
    for word in mistake.words:
        assert word in flat, f"{word!r} missing from:\n{words}"
    assert "Traceback" not in words and "_tools.py" not in words
    assert "could not be used" not in words  # said when nothing had been returned


@pytest.mark.parametrize("name", ["exercises.catalog", "exercises.checks._tools"])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0


def test_at_least_three_mistakes_per_exercise():
    counts = {ex.number: 0 for ex in EXERCISES}
    for m in MISTAKES:
        counts[m.number] += 1
    assert min(counts.values()) >= 3, counts


def test_the_teachers_guide_covers_every_mistake_in_the_catalogue():
    guide = (ROOT / "docs" / "exercises.md").read_text(encoding="utf-8")
    missing = [m.name for m in MISTAKES if f"| {m.name}" not in guide]
    assert not missing, missing
    for ex in EXERCISES:
        assert f"`{ex.module}.py`" in guide


def test_a_fresh_set_is_not_started_and_says_what_to_do(tmp_path):
    folder = tmp_path / "set"
    assert main(["init", str(folder)]) == 0
    code, out = _cli(folder, "check")
    assert code == 1
    assert out.count("not started") >= len(EXERCISES) and "0 of 8 passed" in out
    out = " ".join(out.split())
    assert "Next:" in out and "ex01_derivatives.py" in out and "raise NotImplementedError" in out


def test_handout_holds_stubs_only():
    given = {"ex02_value": {"Value.__init__", "Value.__repr__"},
             "ex05_mlp": {"Neuron.__init__", "Layer.__init__"},
             "ex08_backprop_by_hand": {"sigmoid"}}
    for ex in EXERCISES:
        handout = os.path.join(grading.HANDOUT, ex.module + ".py")
        solution = grading.stub_functions(str(SOLUTIONS / (ex.module + ".py")))
        assert solution == set(), ex.module  # the solutions really are solved
        tree = ast.parse(Path(handout).read_text(encoding="utf-8"))
        defined = {f"{c.name}.{f.name}" for c in tree.body if isinstance(c, ast.ClassDef)
                   for f in c.body if isinstance(f, ast.FunctionDef)}
        defined |= {f.name for f in tree.body if isinstance(f, ast.FunctionDef)}
        assert defined - grading.stub_functions(handout) == given.get(ex.module, set()), ex.module
        assert '"""' in Path(handout).read_text(encoding="utf-8").split("\n")[0]
        assert "ПО-РУССКИ" in Path(handout).read_text(encoding="utf-8")


def test_partly_done_exercise_names_the_next_stub(tmp_path):
    folder = _solved(tmp_path / "work", but=1)
    path = folder / "ex01_derivatives.py"
    path.write_text(path.read_text(encoding="utf-8").replace(
        '"""a + b  ->  (d/da, d/db), a tuple of two floats."""\n    raise NotImplementedError',
        '"""a + b  ->  (d/da, d/db), a tuple of two floats."""\n    return 1.0, 1.0'), encoding="utf-8")
    result = _grade_here(1, folder)
    words = "\n".join(report.detail(by_number(1), result))
    assert result["status"] == "unfinished" and "`mul` still raises NotImplementedError" in words
    assert "ex01_derivatives.py, line" in words


def test_an_unfinished_method_is_named_with_its_class(tmp_path):
    folder = _solved(tmp_path / "work", but=2)
    path = folder / "ex02_value.py"
    path.write_text(path.read_text(encoding="utf-8").replace(
        '"""self + other (other: a Value or a number) -> a new Value."""\n        raise NotImplementedError',
        '"""self + other."""\n        return Value(self.data + other.data, (self, other), (1.0, 1.0))'),
        encoding="utf-8")
    result = _grade_here(2, folder)
    assert result["status"] == "unfinished"
    if sys.version_info >= (3, 11):  # older Pythons know the method's name only
        assert result["function"] == "Value.__mul__"


def test_exercise_waits_for_the_one_it_builds_on(tmp_path):
    folder = _solved(tmp_path / "work", but=3)
    result = _grade_here(4, folder)
    assert result == {"status": "blocked", "needs": 3}
    assert "check 3" in "\n".join(report.detail(by_number(4), result))


def test_an_endless_loop_times_out_cleanly(tmp_path):
    folder = _solved(tmp_path / "work")
    (folder / "ex03_topological_order.py").write_text(HANGING_SORT, encoding="utf-8")
    code, out = _cli(folder, "check", "3", "--timeout", "3")
    assert code == 1
    assert "TIMED OUT" in out and "3 s" in out and "a single value with no inputs" in out
    assert "endless loop" in out and "Traceback" not in out
    assert "3 s may be too short" in " ".join(out.split())  # below the default limit


def test_a_syntax_error_names_the_line(tmp_path):
    folder = _solved(tmp_path / "work")
    path = folder / "ex06_losses.py"
    path.write_text(path.read_text(encoding="utf-8").replace("return total / len(outputs)",
                                                             "return total / len(outputs"))
    code, out = _cli(folder, "check", "6")
    assert code == 1 and "syntax error" in out and "ex06_losses.py, line" in out
    assert "Traceback" not in out


def test_an_error_while_importing_names_the_file_and_line(tmp_path):
    folder = _solved(tmp_path / "work")
    with open(folder / "ex06_losses.py", "a", encoding="utf-8") as f:
        f.write("undefined_name + 1\n")
    result = _grade_here(6, folder)
    words = " ".join(" ".join(report.detail(by_number(6), result)).split())
    assert result["status"] == "failed"
    assert "your file, while Python imported it, raised NameError" in words
    assert "ex06_losses.py, line 13: undefined_name + 1" in words


def test_progress_is_kept_and_a_broken_exercise_says_so(tmp_path):
    folder = tmp_path / "set"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["init", str(folder)]) == 0
    shutil.copyfile(SOLUTIONS / "ex06_losses.py", folder / "ex06_losses.py")
    code, out = _cli(folder, "check")
    assert code == 1 and "1 of 8 passed" in out and "(since " in out
    path = folder / "ex06_losses.py"
    path.write_text(path.read_text(encoding="utf-8").replace("total / len(outputs)", "total"))
    code, out = _cli(folder, "check")
    assert code == 1 and "0 of 8 passed" in out and "a later change broke it" in out
    # Next: the exercise in progress, not the first one never begun.
    assert "Next:\nExercise 6" in out and "that is the sum" in out


def test_init_never_overwrites_a_learners_work(tmp_path):
    folder = tmp_path / "set"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["init", str(folder)]) == 0
    work = folder / "ex03_topological_order.py"
    work.write_text("# my work\n", encoding="utf-8")
    (folder / "ex05_mlp.py").unlink()
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["init", str(folder)]) == 1
    assert "never overwrites" in err.getvalue() and work.read_text(encoding="utf-8") == "# my work\n"
    assert not (folder / "ex05_mlp.py").exists()
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["init", "--missing", str(folder)]) == 0
    assert (folder / "ex05_mlp.py").exists() and work.read_text(encoding="utf-8") == "# my work\n"


def test_check_outside_a_set_explains(tmp_path):
    code, out = _cli(tmp_path, "check")
    assert code == 2 and "python -m exercises init DIR" in out
    code, out = _cli(_solved(tmp_path / "work"), "check", "9")
    assert code == 2 and "there is no exercise 9" in out


def test_a_set_of_inputs_gets_the_same_report_every_time(tmp_path):
    # Identity hashes order a set differently from run to run: the report must not change.
    folder = _solved(tmp_path / "work")
    path = folder / "ex02_value.py"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "(self, other), (1.0, 1.0)", "tuple({self, other}), (1.0, 1.0)").replace(
        "(self, other), (other.data, self.data)", "tuple({self, other}), (other.data, self.data)"),
        encoding="utf-8")
    reports = set()
    for _ in range(6):
        result = _grade_here(2, folder)
        reports.add("\n".join(report.detail(by_number(2), result)))
    assert len(reports) == 1, reports
    assert "case:     c = a + a" in reports.pop()


def test_tanh_mistake_shows_expected_and_got_at_one_precision(tmp_path):
    folder = _solved(tmp_path / "work")
    path = folder / "ex01_derivatives.py"
    path.write_text(path.read_text(encoding="utf-8").replace("return 1.0 - t * t",
                                                             "return 1.0 - x * x"))
    result = _grade_here(1, folder)

    def digits(text):
        return len(text.lstrip("-").replace(".", "").lstrip("0"))

    expected = result["expected"].split(" = ")[1].split()[0]
    assert result["status"] == "failed" and 6 <= digits(expected) <= max(digits(result["got"]), 6)


@pytest.mark.parametrize("limit", ["1e9", "inf", "-inf", "nan", "-1", "0", "abc"])
def test_timeout_out_of_range_is_refused_cleanly(tmp_path, capsys, limit):
    with pytest.raises(SystemExit) as stop:
        main(["check", "1", "--dir", str(tmp_path), f"--timeout={limit}"])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "above 0 and at most 86400" in err and limit in err


def test_timeout_hints_fit_the_exercise_and_the_limit():
    ex1, ex3, ex6 = by_number(1), by_number(3), by_number(6)
    loop1 = grading.timeout_hint(ex1, "exp(-1.724): the local derivative d/dx", grading.TIMEOUT)
    assert "derivative" in loop1 and "stack" not in loop1 and "too short" not in loop1
    assert "your own stack" not in loop1
    assert "stack" in grading.timeout_hint(ex3, "the deep chain", grading.TIMEOUT)
    at_import = grading.timeout_hint(ex6, "importing your ex06_losses.py", grading.TIMEOUT)
    assert "top level" in at_import and "stack" not in at_import
    short = grading.timeout_hint(ex1, "", 0.05)
    assert "0.05 s may be too short" in short and "not even started" in short
    assert "too short" in grading.timeout_hint(ex3, "the deep chain", 2.0)


def test_check_a_missing_folder_says_so(tmp_path, capsys):
    assert main(["check", "--dir", str(tmp_path / "nowhere")]) == 2
    assert "no such folder" in capsys.readouterr().err
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    assert main(["check", "--dir", str(tmp_path / "a-file")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_init_missing_here_does_not_say_cd(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--missing", "."]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Next: open ex01_derivatives.py" in out and "cd ." not in out
    assert main(["init", str(tmp_path / "elsewhere")]) == 0
    assert f"Next: cd {tmp_path / 'elsewhere'}, open" in " ".join(capsys.readouterr().out.split())


def test_checking_another_folder_leaves_no_progress_file(tmp_path, monkeypatch, capsys):
    submission = tmp_path / "submission"
    submission.mkdir()
    shutil.copyfile(SOLUTIONS / "ex06_losses.py", submission / "ex06_losses.py")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "6", "--dir", str(submission)]) == 0
    assert "passed" in capsys.readouterr().out
    assert os.listdir(submission) == ["ex06_losses.py"]


def test_a_short_timeout_is_not_called_a_regression(tmp_path, monkeypatch, capsys):
    folder = _solved(tmp_path / "work")
    progress = folder / grading.PROGRESS
    progress.write_text('{"6": {"status": "passed", "first_passed": "2026-01-02"}}', encoding="utf-8")
    monkeypatch.chdir(folder)
    assert main(["check", "--timeout", "0.01"]) == 1
    out = capsys.readouterr().out
    assert "TIMED OUT" in out and "a later change broke it" not in out
    assert "passed on 2026-01-02; out of time at --timeout 0.01" in out
    assert '"status": "passed"' in progress.read_text(encoding="utf-8")
