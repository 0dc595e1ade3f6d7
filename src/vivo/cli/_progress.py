"""Progress for long commands: a Rich bar on stderr when it is a terminal, nothing otherwise.

:func:`progress_reporter` yields a ``progress(what, done, total, unit)`` callback (the form the
workflows take) or ``None`` when quiet. While it is open, the one-time compilation of the
numba kernels announces itself with one line and a spinner (the first run on a machine takes
about a minute; later runs load the kernels from numba's cache).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

__all__ = ["ProgressFn", "compile_notice", "progress_reporter"]

ProgressFn = Callable[[str, int, int, str], None]
_COMPILE_NOTICE = (
    "vivo: compiling the {what} for this machine (first run only, about a minute; "
    "later runs load them from numba's cache)"
)


def _bar(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


@contextlib.contextmanager
def progress_reporter(
    *, quiet: bool = False, console: Console | None = None
) -> Iterator[ProgressFn | None]:
    """A progress callback drawing on ``console`` (default: stderr), or ``None`` when
    ``quiet`` or the console is not a terminal (piped, redirected, CI)."""
    console = console or Console(stderr=True)
    if quiet or not console.is_terminal:
        yield None
        return
    from vivo.editing.offtarget._kernels import compile_listener

    with _bar(console) as bar:
        tasks: dict[str, TaskID] = {}

        def report(what: str, done: int, total: int, unit: str) -> None:
            count = f"{done:,}/{total:,} {unit}" if total > 1 else ""
            if "main" not in tasks:
                tasks["main"] = bar.add_task(what, total=max(total, 1), count=count)
            bar.update(tasks["main"], description=what, completed=done, total=max(total, 1),
                       count=count)  # fmt: skip

        def compiling(what: str, starting: bool) -> None:
            if starting:
                bar.console.print(_COMPILE_NOTICE.format(what=what), style="dim")
                tasks[what] = bar.add_task(f"compiling {what}", total=None, count="")
            elif what in tasks:
                bar.remove_task(tasks.pop(what))

        with compile_listener(compiling):
            yield report


@contextlib.contextmanager
def compile_notice(*, quiet: bool = False, console: Console | None = None) -> Iterator[None]:
    """Only the one-line notice and spinner of a one-time kernel compilation, for commands
    that have no progress of their own (e.g. ``vivo plan --offtarget-genome``)."""
    with progress_reporter(quiet=quiet, console=console):
        yield
