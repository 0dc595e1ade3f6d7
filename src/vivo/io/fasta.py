"""FASTA: validated reading, indexed random access (plain or bgzip, via pyfaidx), writing.

Soft-masking (lowercase) is kept. CRLF line ends, multi-record files and N runs are handled.
Errors name the file and the 1-based line.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyfaidx

from vivo.core.errors import FormatError, InputError
from vivo.core.seq import DNA_IUPAC
from vivo.genome.base import GenomeBase, InMemoryGenome
from vivo.io.atomic import atomic_write

__all__ = ["FastaGenome", "FastaRecord", "open_fasta", "read_fasta", "write_fasta"]

_VALID = bytes(sorted({ord(c) for c in DNA_IUPAC if c != "-"} | {ord("*")}))


@dataclass(frozen=True, slots=True)
class FastaRecord:
    """One FASTA record: name (first word of the header), description, sequence."""

    name: str
    description: str
    sequence: str


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def _open_bytes(path: Path):  # type: ignore[no-untyped-def]
    return gzip.open(path, "rb") if _is_gzip(path) else open(path, "rb")


def _scan(path: Path, *, keep: bool) -> Iterator[tuple[str, str, list[bytes]]]:
    """Validate ``path`` line by line; yield (name, description, sequence lines)."""
    name: str | None = None
    desc = ""
    chunks: list[bytes] = []
    header_line = 0
    seen: dict[str, int] = {}
    with _open_bytes(path) as fh:
        for lineno, raw in enumerate(fh, start=1):
            line = raw.rstrip(b"\r\n")
            if line.startswith(b">"):
                if name is not None:
                    _check_nonempty(path, name, chunks, header_line, keep)
                    yield name, desc, chunks
                header = line[1:].decode("utf-8", "replace").strip()
                if not header:
                    raise FormatError(
                        "header line has no sequence name", path=str(path), line=lineno
                    )
                name, _, desc = header.partition(" ")
                if name in seen:
                    raise FormatError(
                        f"duplicate sequence name {name!r} (first at line {seen[name]})",
                        path=str(path),
                        line=lineno,
                        hint="give every record a unique name",
                    )
                seen[name] = lineno
                header_line, chunks = lineno, []
            elif line.strip():
                if name is None:
                    raise FormatError(
                        "sequence before the first '>' header: this is not a FASTA file",
                        path=str(path),
                        line=lineno,
                        hint="start each record with a '>name' line",
                    )
                bad = line.strip().translate(None, _VALID)
                if bad:
                    col = next(i for i, b in enumerate(line) if b not in _VALID) + 1
                    raise FormatError(
                        f"non-IUPAC character {chr(bad[0])!r} in record {name!r} (column {col})",
                        path=str(path),
                        line=lineno,
                        hint="sequences may use A C G T, IUPAC codes and N (lower case = masked)",
                    )
                chunks.append(line.strip() if keep else b"x")
    if name is None:
        raise FormatError("empty FASTA file: no '>' header found", path=str(path))
    _check_nonempty(path, name, chunks, header_line, keep)
    yield name, desc, chunks


def _check_nonempty(path: Path, name: str, chunks: list[bytes], line: int, keep: bool) -> None:
    if not chunks:
        raise FormatError(f"record {name!r} has no sequence", path=str(path), line=line)


def _require(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"no such file: {p}", hint="check the path")
    return p


def read_fasta(path: str | os.PathLike[str]) -> list[FastaRecord]:
    """Read and validate every record of a (possibly gzipped) FASTA file into memory."""
    p = _require(path)
    return [
        FastaRecord(name, desc, b"".join(chunks).decode("ascii"))
        for name, desc, chunks in _scan(p, keep=True)
    ]


class FastaGenome(GenomeBase):
    """A genome read from an indexed FASTA file (plain or bgzip) through pyfaidx.

    The ``.fai`` (and ``.gzi``) index is built next to the file when missing. With
    ``validate=True`` (the default) the whole file is checked once for a header, legal
    characters and unique names before it is indexed.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, name: str | None = None, validate: bool = True
    ) -> None:
        self.path = _require(path)
        self._name = name or self.path.name.split(".")[0]
        if validate:
            for _ in _scan(self.path, keep=False):
                pass
        try:
            self._fa = pyfaidx.Fasta(
                str(self.path), as_raw=True, sequence_always_upper=False, build_index=True
            )
        except pyfaidx.UnsupportedCompressionFormat as exc:
            raise FormatError(
                "gzip-compressed FASTA must be bgzip-compressed for random access",
                path=str(self.path),
                hint="run: gunzip FILE.fa.gz && bgzip FILE.fa (or use open_fasta, which loads "
                "small gzip files into memory)",
            ) from exc
        except (pyfaidx.FastaIndexingError, ValueError) as exc:
            raise FormatError(f"cannot index FASTA: {exc}", path=str(self.path)) from exc
        self._lengths = {k: len(self._fa[k]) for k in self._fa.keys()}  # noqa: SIM118

    def contig_names(self) -> list[str]:
        return list(self._lengths)

    def contig_length(self, contig: str) -> int:
        self.check_contig(contig)
        return self._lengths[contig]

    def _fetch_plus(self, contig: str, start: int, end: int) -> str:
        if start == end:
            return ""
        return str(self._fa[contig][start:end])

    def close(self) -> None:
        """Release the file handle."""
        self._fa.close()


def _is_bgzf(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(16)
    return len(head) >= 16 and head[:4] == b"\x1f\x8b\x08\x04" and head[12:14] == b"BC"


def open_fasta(
    path: str | os.PathLike[str], *, name: str | None = None, validate: bool = True
) -> GenomeBase:
    """Open any FASTA as a genome: indexed when plain or bgzip, in memory when plain gzip."""
    p = _require(path)
    if _is_gzip(p) and not _is_bgzf(p):
        records = read_fasta(p)
        return InMemoryGenome(
            {r.name: r.sequence for r in records}, name=name or p.name.split(".")[0]
        )
    return FastaGenome(p, name=name, validate=validate)


def write_fasta(
    records: Iterable[FastaRecord | tuple[str, str]],
    path: str | os.PathLike[str],
    *,
    width: int = 60,
) -> Path:
    """Write records atomically, ``width`` bases per line."""
    with atomic_write(path, "w") as fh:
        for rec in records:
            name, desc, seq = (
                (rec.name, rec.description, rec.sequence)
                if isinstance(rec, FastaRecord)
                else (rec[0], "", rec[1])
            )
            fh.write(f">{name}{' ' + desc if desc else ''}\n")
            for i in range(0, len(seq), width):
                fh.write(seq[i : i + width] + "\n")
    return Path(path)
