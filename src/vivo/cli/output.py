"""Shared CLI output helpers: JSON to stdout, Rich tables for people, errors on stderr.

Tables that hold sequences (spacers, PAMs, PBS/RTT, oligos, donors) go through
:func:`print_table`: a sequence is never cut or wrapped. Other columns fold; when the terminal is
still too narrow, the table is printed at its full width with a note to use ``--format tsv``.
Piped output (not a terminal) is printed at full width, complete.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = ["console", "emit", "err_console", "print_table", "sequence_table"]

console = Console()
err_console = Console(stderr=True)


def _default(obj: Any) -> Any:
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if hasattr(obj, "__fspath__"):
        return str(obj)
    return str(obj)


def emit(data: Any, *, as_json: bool, render: Callable[[], None]) -> None:
    """Print ``data`` as JSON when ``as_json``, otherwise call ``render`` for people."""
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2, default=_default) + "\n")
    else:
        render()


def sequence_table(columns: Iterable[str], sequence_columns: Iterable[str], **kw: Any) -> Table:
    """A Rich table whose ``sequence_columns`` never wrap and whose other columns fold."""
    seq = set(sequence_columns)
    table = Table(**kw)
    for col in columns:
        if col in seq:
            table.add_column(col, no_wrap=True, overflow="ignore")
        else:
            table.add_column(col, overflow="fold")
    return table


def _full_width(table: Table, out: Console) -> int:
    from rich.measure import Measurement

    return max(Measurement.get(out, out.options.update(width=10_000), table).maximum, 1)


def _render(table: Table, width: int) -> str:
    probe = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
    probe.print(table)
    return probe.file.getvalue()  # type: ignore[attr-defined,no-any-return]


def _fits(table: Table, width: int, full: int, sequences: list[str]) -> bool:
    """At ``width``, every sequence is whole and folding at most triples the table's height."""
    if full <= width:
        return True
    text = _render(table, width)
    if not all(s in text for s in sequences):
        return False
    return text.count("\n") <= 3 * _render(table, full).count("\n")


def _print_at(out: Console, table: Table, width: int) -> None:
    saved = out.width
    out.width = width  # Console.print(width=) cannot exceed the console's own width
    try:
        out.print(table, crop=False)
    finally:
        out.width = saved


def print_table(
    table: Table,
    *,
    sequences: Iterable[str] = (),
    out: Console | None = None,
    copy_hint: str = "use --format tsv or --json",
) -> None:
    """Print ``table`` so that none of ``sequences`` (the cells people copy) is cut or wrapped.

    ``copy_hint`` says how to get the sequences in a copyable form (shown when too narrow).
    """
    out = out or console
    seqs = [s for s in sequences if s]
    full = _full_width(table, out)
    if not out.is_terminal:
        _print_at(out, table, max(full, out.width))
        return
    if _fits(table, out.width, full, seqs):
        out.print(table)
        return
    _print_at(out, table, full)
    err_console.print(
        f"note: the terminal is {out.width} columns wide, too narrow for whole sequences; "
        f"the table above is {full} wide ({copy_hint} to copy sequences)",
        style="yellow", markup=False, highlight=False, soft_wrap=True,
    )  # fmt: skip
