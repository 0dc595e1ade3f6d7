"""BED: the genome-browser track every vivo command writes its sites in; read, write, sniff.

BED coordinates are 0-based half-open, like vivo's own (UCSC's BED format description:
https://genome.ucsc.edu/FAQ/FAQformat.html#format1), so nothing is shifted. vivo writes BED6
(``chrom start end name score strand``) with an optional ``track`` line; ``score`` is an
integer 0-1000 as the browsers expect. Reading accepts BED3 to BED12 plus ``track``,
``browser`` and ``#`` lines, and names the file and line of a malformed row.

>>> format_bed([BedRecord("chr1", 10, 33, "g1", 870, "-")], track="vivo guides")
'track name="vivo guides"\\nchr1\\t10\\t33\\tg1\\t870\\t-\\n'
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from vivo.core.errors import FormatError, InputError
from vivo.io.atomic import write_text_atomic
from vivo.io.sniff import open_binary, require_file

__all__ = ["BedRecord", "format_bed", "is_bed_line", "iter_bed", "read_bed", "write_bed"]


@dataclass(frozen=True, slots=True)
class BedRecord:
    """One BED6 row: 0-based half-open ``[start, end)`` on ``contig``."""

    contig: str
    start: int
    end: int
    name: str = "."
    score: int = 0
    strand: str = "."

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise InputError(f"BED interval [{self.start}, {self.end}) is not valid")
        if self.strand not in ("+", "-", "."):
            raise InputError(f"BED strand must be '+', '-' or '.', got {self.strand!r}")
        for text in (self.contig, self.name):
            if not text or any(c in text for c in "\t\r\n"):
                raise InputError(f"BED field {text!r} is empty or has a tab or line break")

    def to_line(self) -> str:
        """The row, without a line end."""
        score = min(1000, max(0, int(self.score)))
        cols = (self.contig, str(self.start), str(self.end), self.name, str(score), self.strand)
        return "\t".join(cols)


def _track(name: str, description: str | None) -> str:
    for text in (name, description or ""):
        if '"' in text or "\n" in text:
            raise InputError(f"BED track text {text!r} may not contain quotes or line breaks")
    desc = f' description="{description}"' if description else ""
    return f'track name="{name}"{desc}'


def format_bed(
    records: Iterable[BedRecord], *, track: str | None = None, description: str | None = None
) -> str:
    """BED6 text (a ``track`` line first when ``track`` is given)."""
    lines = [_track(track, description)] if track else []
    lines += [r.to_line() for r in records]
    return "\n".join(lines) + "\n" if lines else ""


def write_bed(
    records: Iterable[BedRecord],
    path: str | os.PathLike[str],
    *,
    track: str | None = None,
    description: str | None = None,
    force: bool = True,
) -> Path:
    """Write BED6 atomically (an existing file is replaced only with ``force``)."""
    text = format_bed(records, track=track, description=description)
    return write_text_atomic(Path(path), text, force=force)


def is_bed_line(line: str) -> bool:
    """True if ``line`` looks like a BED data row (3+ tab-separated columns, integer
    start <= end)."""
    cols = line.rstrip("\r\n").split("\t")
    return (
        len(cols) >= 3 and cols[1].isdigit() and cols[2].isdigit() and int(cols[1]) <= int(cols[2])
    )


def iter_bed(path: str | os.PathLike[str]) -> Iterator[BedRecord]:
    """Stream the rows of a BED file (plain or gzip); missing columns get BED defaults."""
    p = require_file(path, "BED file")
    with open_binary(p) as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                raise FormatError(
                    "binary data: this is not a BED file", path=str(p), line=lineno
                ) from exc
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            yield _row(line, lineno, str(p))


def _row(line: str, lineno: int, where: str) -> BedRecord:
    cols = line.split("\t")
    if len(cols) < 3:
        raise FormatError(
            f"expected at least 3 tab-separated columns, found {len(cols)}",
            path=where,
            line=lineno,
            hint="BED columns are separated by tabs",
        )
    try:
        start, end = int(cols[1]), int(cols[2])
        score = int(float(cols[4])) if len(cols) > 4 and cols[4] not in ("", ".") else 0
    except ValueError as exc:
        raise FormatError("start, end and score must be numbers", path=where, line=lineno) from exc
    strand = cols[5] if len(cols) > 5 else "."
    try:
        return BedRecord(cols[0], start, end, cols[3] if len(cols) > 3 else ".", score, strand)
    except InputError as exc:
        raise FormatError(str(exc), path=where, line=lineno) from exc


def read_bed(path: str | os.PathLike[str]) -> list[BedRecord]:
    """Every row of a BED file."""
    return list(iter_bed(path))
