"""GenBank: read annotated records into an :class:`AnnotatedGenome`; write records.

Malformed or truncated files raise :class:`FormatError` with the file and line.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path
from typing import Any

from Bio import BiopythonParserWarning, SeqIO

from vivo.core.errors import FormatError
from vivo.genome.annotation import AnnotatedGenome
from vivo.genome.records import genome_from_records
from vivo.io.atomic import atomic_write
from vivo.io.sniff import read_text, require_format

__all__ = ["parse_genbank_text", "read_genbank", "write_genbank"]


def _read_text(path: Path) -> str:
    require_format(path, ("genbank", "text", "empty", "embl", "fasta"), what="a GenBank file")
    return read_text(path, what="GenBank file")


def _check_structure(text: str, where: str) -> None:
    """Check LOCUS/ORIGIN/'//' framing, so truncation is reported with a line number."""
    lines = text.splitlines()
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        raise FormatError("empty GenBank file", path=where)
    if not lines[first].startswith("LOCUS"):
        raise FormatError(
            "a GenBank record must start with a LOCUS line",
            path=where,
            line=first + 1,
            hint="is this a FASTA or EMBL file? use the matching reader",
        )
    open_at: int | None = None
    for i, line in enumerate(lines[first:], start=first + 1):
        if line.startswith("LOCUS"):
            if open_at is not None:
                raise FormatError(
                    f"record starting at line {open_at} has no '//' terminator before the next "
                    "LOCUS",
                    path=where,
                    line=i,
                )
            open_at = i
        elif line.startswith("//"):
            open_at = None
    if open_at is not None:
        raise FormatError(
            f"truncated GenBank file: the record starting at line {open_at} has no '//' terminator",
            path=where,
            line=len(lines),
        )


def parse_genbank_text(text: str, *, where: str = "<text>") -> list[Any]:
    """Parse GenBank text into Biopython records, checking framing first."""
    _check_structure(text, where)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", BiopythonParserWarning)
            records = list(SeqIO.parse(io.StringIO(text), "genbank"))  # type: ignore[no-untyped-call]
    except (ValueError, AssertionError, BiopythonParserWarning) as exc:
        raise FormatError(f"malformed GenBank record: {exc}", path=where) from exc
    if not records:
        raise FormatError("no GenBank records found", path=where)
    for rec in records:
        if len(rec.seq) == 0:
            raise FormatError(f"record {rec.id} has no sequence (no ORIGIN section)", path=where)
        try:
            str(rec.seq)
        except Exception as exc:  # Biopython undefined sequence content
            raise FormatError(f"record {rec.id} has no sequence data", path=where) from exc
    return records


def read_genbank(
    path: str | os.PathLike[str], *, name: str | None = None, mask_repeats: bool = False
) -> AnnotatedGenome:
    """Read a GenBank file (plain or gzip) with its genes, transcripts, exons and CDS."""
    p = Path(path)
    records = parse_genbank_text(_read_text(p), where=str(p))
    return genome_from_records(
        records,
        name=name or p.name.split(".")[0],
        source=f"GenBank file {p.name}",
        mask_repeats=mask_repeats,
    )


def write_genbank(records: list[Any], path: str | os.PathLike[str]) -> Path:
    """Write Biopython records as GenBank, atomically."""
    buf = io.StringIO()
    SeqIO.write(records, buf, "genbank")
    with atomic_write(path, "w") as fh:
        fh.write(buf.getvalue())
    return Path(path)
