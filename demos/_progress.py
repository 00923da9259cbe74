"""Progress of a training run: a tqdm bar when tqdm is installed, and a plain line every N steps."""
import contextlib
import io
import sys


class Progress:
    """Report steps 1..total: `update(step, **metrics)` after each one; use it in a `with`.

    A line with the metrics is printed every `every` steps and at the last one (`every=None`:
    no lines). When tqdm is installed and the output is a terminal, a live bar runs underneath too.

    >>> with Progress(4, every=2) as bar:
    ...     for step in range(1, 5):
    ...         bar.update(step, loss=1.0 / step)
    step 2/4  loss 0.5000
    step 4/4  loss 0.2500
    """

    def __init__(self, total, every=1, name="step"):
        self.total, self.name = total, name
        self.every = None if every is None else max(1, every)
        self._bar = None
        try:
            from tqdm import tqdm
        except ImportError:
            return
        if sys.stderr.isatty():  # a bar in a log file or a test's captured output is noise
            self._bar = tqdm(total=total, unit=name, leave=False, dynamic_ncols=True)

    def update(self, step, **metrics):
        text = "  ".join(f"{k} {v:.4f}" for k, v in metrics.items())
        if self._bar is not None:
            self._bar.update(1)
            self._bar.set_postfix_str(text, refresh=False)
        if self.every is not None and (step % self.every == 0 or step == self.total):
            line = f"{self.name} {step:>{len(str(self.total))}}/{self.total}  {text}"
            if self._bar is not None:
                self._bar.write(line)
            else:
                print(line)

    @contextlib.contextmanager
    def lines_above(self):
        """While inside, lines printed (e.g. by `fit`) go above the bar instead of through it."""
        if self._bar is None:
            yield
            return
        above = _Above(self._bar, sys.stdout)
        try:
            with contextlib.redirect_stdout(above):
                yield
        finally:
            above.write_pending()

    def close(self):
        if self._bar is not None:
            self._bar.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _Above(io.TextIOBase):
    """A stdout that writes each whole line with the bar cleared, then draws the bar again below."""

    def __init__(self, bar, out):
        self._bar, self._out, self._pending = bar, out, ""

    def write(self, text):
        *lines, self._pending = (self._pending + text).split("\n")
        if lines:
            self._bar.clear()
            self._out.write("".join(line + "\n" for line in lines))
            self._out.flush()
            self._bar.refresh()
        return len(text)

    def write_pending(self):
        """The start of a line never finished with a newline, written as it is."""
        if self._pending:
            self._out.write(self._pending)
            self._pending = ""
