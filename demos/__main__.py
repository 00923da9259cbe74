"""List the demos, or run one: `python -m demos [NAME] [--help | demo options]`."""
import importlib
import os
import pkgutil
import sys
from pathlib import Path

# Let `python -m demos` work from a checkout even before `pip install -e .`.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def available():
    """Demo name -> first docstring line, for every demos/*.py with a `main(argv)`."""
    found = {}
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"demos.{info.name}")
        if hasattr(module, "main"):
            found[info.name] = (module.__doc__ or "").strip().splitlines()[0]
    return found


def main(argv=None):
    """Run `python -m demos ...`; output piped into a reader that stops early (`| head`)
    ends the demo quietly, as other command-line tools do, not with a traceback."""
    try:
        code = _run(sys.argv[1:] if argv is None else argv)
        sys.stdout.flush()  # a closed pipe shows here, not at exit where it can't be caught
        return code
    except BrokenPipeError:
        # Python's advice: point stdout at devnull so the flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _run(argv):
    demos = available()
    if not argv or argv[0] in ("-h", "--help", "list"):
        print("usage: python -m demos NAME [options]   (python -m demos NAME --help for a demo's options)\n")
        for name, doc in sorted(demos.items()):
            print(f"  {name:12} {doc}")
        return 0
    name, rest = argv[0], argv[1:]
    if name not in demos:
        print(f"unknown demo {name!r}; choose one of: {', '.join(sorted(demos))}", file=sys.stderr)
        return 2
    return importlib.import_module(f"demos.{name}").main(rest) or 0


if __name__ == "__main__":
    sys.exit(main())
