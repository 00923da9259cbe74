"""`python -m exercises init DIR` copies the set; `python -m exercises check [N]` grades it."""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys

from . import grading, report
from .catalog import EXERCISES, by_number


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m exercises",
        description="Rebuild chainrule step by step: eight exercises, graded automatically.")
    commands = parser.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init", help="copy the exercises into a new folder")
    init.add_argument("dir", help="the folder to create (or an empty one)")
    init.add_argument("--missing", action="store_true",
                      help="copy only the files missing from DIR (never touches the others)")
    check = commands.add_parser("check", help="grade the exercises in this folder")
    check.add_argument("number", nargs="?", type=int, help="one exercise (1-8); all if left out")
    check.add_argument("--dir", default=".",
                       help="the exercises' folder (default: here; progress is kept only here)")
    check.add_argument("--timeout", type=_seconds, default=grading.TIMEOUT,
                       help=f"seconds each exercise may take (default {grading.TIMEOUT:g}, "
                            f"at most {_MAX_SECONDS})")
    args = parser.parse_args(argv)
    if args.command == "init":
        return init_folder(args.dir, args.missing)
    return check_folder(os.path.abspath(args.dir), args.number, args.timeout)


_MAX_SECONDS = 86400  # a day; far larger limits overflow the OS's wait (in milliseconds)


def _seconds(text):
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= _MAX_SECONDS:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(
            f"--timeout must be a number of seconds above 0 and at most {_MAX_SECONDS} "
            f"(a day), got {text}")
    return value


def init_folder(folder, missing_only=False):
    """Copy the handout into `folder`; refuse if that would overwrite any file there."""
    names = [ex.module + ".py" for ex in EXERCISES]
    present = [n for n in names if os.path.exists(os.path.join(folder, n))]
    if present and not missing_only:
        print(f"init: {folder} already holds {', '.join(present)}.\n"
              "init never overwrites a learner's work: choose a new folder, or add --missing "
              "to copy only the files that are not there.", file=sys.stderr)
        return 1
    if os.path.exists(folder) and not os.path.isdir(folder):
        print(f"init: {folder} is a file, not a folder.", file=sys.stderr)
        return 1
    os.makedirs(folder, exist_ok=True)
    copied = [n for n in names if n not in present]
    for name in copied:
        shutil.copyfile(os.path.join(grading.HANDOUT, name), os.path.join(folder, name))
    if not copied:
        print(f"init: nothing to copy, {folder} has every exercise already.")
        return 0
    print(f"Copied {len(copied)} exercise file(s) into {folder}:")
    for name in copied:
        print(f"  {name}")
    here = _same_folder(folder, os.getcwd())
    print(f"\nNext: {'' if here else f'cd {folder}, '}open {copied[0]}, and check your work "
          "with `python -m exercises check` (all) or `python -m exercises check N` (one).")
    if not _importable_from(folder):
        print("\nNote: from that folder Python cannot find chainrule. Install it first: "
              f"`pip install -e {grading.ROOT}`.")
    return 0


def _importable_from(folder):
    """True if `python -m exercises` works from `folder` (chainrule installed, or on the path)."""
    done = subprocess.run([sys.executable, "-c", "import exercises, autograd, nn"], cwd=folder,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return done.returncode == 0


def _same_folder(a, b):
    return os.path.realpath(a) == os.path.realpath(b)


def check_folder(folder, number=None, timeout=grading.TIMEOUT):
    """Grade one exercise (in detail) or all of them (a summary); 0 if all graded pass.

    Progress (`.exercises-progress.json`) is read and written only when `folder` is the current
    folder: a teacher checking submissions with `--dir` leaves them as they were.
    """
    if not os.path.isdir(folder):
        problem = "is a file, not a folder" if os.path.exists(folder) else "no such folder"
        print(f"check: {folder}: {problem}.", file=sys.stderr)
        return 2
    if not any(os.path.exists(os.path.join(folder, ex.module + ".py")) for ex in EXERCISES):
        print(f"check: no exercise files in {folder}. Make a set with "
              "`python -m exercises init DIR`, then run check from inside DIR.", file=sys.stderr)
        return 2
    try:
        chosen = [by_number(number)] if number is not None else list(EXERCISES)
    except ValueError as e:
        print(f"check: {e}", file=sys.stderr)
        return 2
    keep = _same_folder(folder, os.getcwd())
    progress = grading.load_progress(folder) if keep else {}
    # Each exercise runs in its own process: grade a few at once.
    with concurrent.futures.ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as pool:
        graded = pool.map(lambda ex: grading.grade(ex, folder, timeout), chosen)
        results = {ex.number: result for ex, result in zip(chosen, graded)}
    if keep:
        grading.save_progress(folder, progress, results)
    if number is not None:
        lines = report.detail(chosen[0], results[number])
    else:
        lines = report.summary(folder, results, progress)
    print("\n".join(lines))
    return 0 if all(r["status"] == "passed" for r in results.values()) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\nstopped.", file=sys.stderr)
        sys.exit(130)
