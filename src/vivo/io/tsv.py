"""TSV: tab-separated tables with one header row, the machine-readable form of vivo's tables.

Cells are written as text: ``None`` as an empty cell, floats as given by the caller, and a
tab or line break inside a cell is an error rather than a silently broken table. Reading
checks that every row has as many cells as the header and names the file and line otherwise.

>>> format_tsv(["a", "b"], [[1, None], ["x", 2.5]])
'a\\tb\\n1\\t\\nx\\t2.5\\n'
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from vivo.core.errors import FormatError, InputError
from vivo.io.atomic import write_text_atomic
from vivo.io.sniff import read_text, require_file

__all__ = ["format_tsv", "read_tsv", "write_tsv"]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    if "\t" in text or "\n" in text or "\r" in text:
        raise InputError(f"TSV cell {text[:40]!r} contains a tab or a line break")
    return text


def format_tsv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A header line and one line per row (each as long as the header)."""
    lines = ["\t".join(_cell(c) for c in columns)]
    for i, row in enumerate(rows, start=1):
        if len(row) != len(columns):
            raise InputError(f"TSV row {i} has {len(row)} cells for {len(columns)} columns")
        lines.append("\t".join(_cell(v) for v in row))
    return "\n".join(lines) + "\n"


def write_tsv(
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    path: str | os.PathLike[str],
    *,
    force: bool = True,
) -> Path:
    """Write a TSV table atomically."""
    return write_text_atomic(Path(path), format_tsv(columns, rows), force=force)


def read_tsv(path: str | os.PathLike[str]) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a TSV file (plain or gzip); ``#`` lines before the header are
    comments."""
    p = require_file(path, "TSV file")
    lines = read_text(p, what="TSV file").splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")), None)
    if start is None:
        raise FormatError("empty TSV file: no header row", path=str(p))
    header = lines[start].split("\t")
    rows = []
    for lineno, line in enumerate(lines[start + 1 :], start=start + 2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            raise FormatError(
                f"{len(cells)} cells for {len(header)} columns",
                path=str(p),
                line=lineno,
                hint="every row needs one cell per header column",
            )
        rows.append(cells)
    return header, rows
