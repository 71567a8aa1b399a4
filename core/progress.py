"""Progress bars for management commands: rich bars on a terminal, nothing at all without one (cron, CI, a pipe,
a log file), so a scheduled run's output stays the command's one-line summary."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Update = Callable[..., None]


def _is_terminal(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def progress_bar(*, stream, label: str, total: int | None = None) -> Iterator[Update]:
    """Yields `update(done, total=None, label=None)`. `stream` is the command's stdout: the bar is drawn there
    (transient: erased when done) only when it is a terminal."""
    enabled = _is_terminal(stream)
    # Django's OutputWrapper appends a newline to every write, which would break the bar's redraws: draw on the
    # stream it wraps.
    console = Console(file=getattr(stream, "_out", stream), force_terminal=True) if enabled else None
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True, disable=not enabled) as progress:
        task = progress.add_task(label, total=total)

        def update(done: int, total: int | None = None, label: str | None = None) -> None:
            changes = {"completed": done}
            if total is not None:
                changes["total"] = total
            if label is not None:
                changes["description"] = label
            progress.update(task, **changes)

        yield update
