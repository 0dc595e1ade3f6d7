"""FASTA: validated reading, indexed random access (plain, gzip or bgzip, via pyfaidx), writing.

Soft-masking (lowercase) is kept. CRLF line ends, multi-record files and N runs are handled.
Errors name the file and the 1-based line. The parsing rules live in one place,
:mod:`vivo.genome.fasta_format` (also used by the bundled data of :mod:`vivo.delivery`).
The format is told from the content (:mod:`vivo.io.sniff`), never from the name. Nothing is
written next to the input: the ``.fai``/``.gzi`` indexes (and, for plain gzip, a decompressed
copy) live in vivo's cache folder (:mod:`vivo.io.places`), keyed by the file's path, size and
modification time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyfaidx

from vivo.core.errors import FormatError
from vivo.genome.base import GenomeBase, InMemoryGenome
from vivo.genome.fasta_format import FastaRecord, scan_fasta
from vivo.io.atomic import atomic_write
from vivo.io.places import cache_path
from vivo.io.sniff import FileKind, Format, open_binary, require_file, require_format

__all__ = ["FastaGenome", "FastaRecord", "open_fasta", "read_fasta", "write_fasta"]

#: what may be read as FASTA: "text" and "empty" get a precise line-level error from the parser
_FASTA_LIKE: tuple[Format, ...] = ("fasta", "text", "empty")


def _scan(path: Path, *, keep: bool) -> Iterator[tuple[str, str, list[bytes]]]:
    """Validate ``path`` line by line with the one FASTA parser
    (:func:`vivo.genome.fasta_format.scan_fasta`)."""
    with open_binary(path) as fh:
        yield from scan_fasta(fh, where=str(path), keep=keep)


def _require(path: str | os.PathLike[str]) -> tuple[Path, FileKind]:
    p = require_file(path)
    return p, require_format(p, _FASTA_LIKE, what="a FASTA file")


def read_fasta(path: str | os.PathLike[str]) -> list[FastaRecord]:
    """Read and validate every record of a (possibly gzipped) FASTA file into memory."""
    p, _ = _require(path)
    return [
        FastaRecord(name, desc, b"".join(chunks).decode("ascii"))
        for name, desc, chunks in _scan(p, keep=True)
    ]


class FastaGenome(GenomeBase):
    """A genome read from an indexed FASTA file (plain, gzip or bgzip) through pyfaidx.

    The ``.fai`` (and ``.gzi``) index is built once in vivo's cache folder, never next to the
    file; a plain-gzip file is decompressed once into the cache (bgzip gives random access
    without the copy). With ``validate=True`` (the default) the whole file is checked once
    for a header, legal characters and unique names before it is indexed.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, name: str | None = None, validate: bool = True
    ) -> None:
        self.path, kind = _require(path)
        self._name = name or self.path.name.split(".")[0]
        if validate:
            for _ in _scan(self.path, keep=False):
                pass
        readable = _decompressed_copy(self.path) if kind.compression == "gzip" else self.path
        self._fa = _open_indexed(readable, shown=self.path)
        self._lengths = {k: len(self._fa[k]) for k in self._fa.keys()}  # noqa: SIM118

    def contig_names(self) -> list[str]:
        return list(self._lengths)

    def contig_length(self, contig: str) -> int:
        self.check_contig(contig)
        return self._lengths[contig]

    def _fetch_plus(self, contig: str, start: int, end: int) -> str:
        if start == end:
            return ""
        # pieces of _FETCH_STEP bases: Biopython's BGZF reader grows its buffer by
        # concatenation, so one 63 Mb read takes ~45 s where 16 reads of 4 Mb take ~2 s
        record = self._fa[contig]
        return "".join(
            str(record[a : min(end, a + _FETCH_STEP)]) for a in range(start, end, _FETCH_STEP)
        )

    def close(self) -> None:
        """Release the file handle."""
        self._fa.close()


_FETCH_STEP = 1 << 22
_IN_MEMORY_GZIP_BYTES = 32 << 20
_INDEX_ERRORS = (pyfaidx.FastaIndexingError, ValueError, EOFError, OSError, zlib.error)


def _open_indexed(path: Path, *, shown: Path) -> pyfaidx.Fasta:
    """pyfaidx over ``path`` with its index files in the cache (built atomically once)."""
    fai = cache_path(path, "fasta", ".fai")
    gzi = fai.with_suffix(".gzi")
    try:
        if not fai.is_file():
            with tempfile.TemporaryDirectory(prefix=".", dir=fai.parent) as tmp:  # hidden
                tfai, tgzi = Path(tmp) / "i.fai", Path(tmp) / "i.gzi"
                pyfaidx.Faidx(str(path), indexname=str(tfai), gzi_indexname=str(tgzi),
                              build_index=True).close()  # fmt: skip
                if tgzi.is_file():
                    os.replace(tgzi, gzi)
                os.replace(tfai, fai)
        opts = {"as_raw": True, "sequence_always_upper": False, "build_index": True}
        _used(fai)
        if gzi.is_file():
            _used(gzi)
        return pyfaidx.Fasta(str(path), indexname=str(fai), gzi_indexname=str(gzi), **opts)
    except _INDEX_ERRORS as exc:
        raise FormatError(f"cannot index FASTA: {exc}", path=str(shown)) from exc


def _used(path: Path) -> None:
    """Mark a cache entry used now (``vivo cache clear --older-than`` reads it). Only index
    files are marked: a decompressed copy's modification time is part of its index's key."""
    with contextlib.suppress(OSError):
        os.utime(path)


def _decompressed_copy(path: Path) -> Path:
    """A plain copy of a gzip-compressed FASTA in the cache (made once, atomically)."""
    copy = cache_path(path, "fasta", ".fa")
    if not copy.is_file():
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=copy.parent)
        try:
            with os.fdopen(fd, "wb") as out, open_binary(path) as src:
                shutil.copyfileobj(src, out, 1 << 22)
            os.replace(tmp, copy)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    return copy  # never touched: its modification time keys its own index (its .fai marks use)


def open_fasta(
    path: str | os.PathLike[str], *, name: str | None = None, validate: bool = True
) -> GenomeBase:
    """Open any FASTA as a genome: indexed when plain or bgzip; a plain-gzip file in memory
    when small (up to 32 MB compressed), else indexed through a decompressed copy in the cache."""
    p, kind = _require(path)
    if kind.compression == "gzip" and p.stat().st_size <= _IN_MEMORY_GZIP_BYTES:
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
