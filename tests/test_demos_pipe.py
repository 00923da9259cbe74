"""`python -m demos NAME | head`: a reader that stops early ends the demo quietly."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_demo_piped_into_a_reader_that_stops_early_ends_without_a_traceback(tmp_path):
    demo = subprocess.Popen([sys.executable, "-m", "demos", "xor", "--out", str(tmp_path)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = demo.stdout.readline()  # what `head -1` reads, then it closes the pipe
    demo.stdout.close()
    _, err = demo.communicate(timeout=300)
    assert first.startswith(b"MLP(")
    assert b"Traceback" not in err and b"BrokenPipeError" not in err, err.decode()[-800:]
    assert demo.returncode in (0, 1)  # 0 if it had written everything before the reader stopped
