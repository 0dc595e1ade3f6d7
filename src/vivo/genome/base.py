"""The ``Genome`` port and the in-memory implementation.

A genome is a set of named contigs. Every implementation (in memory, FASTA, 2bit, GenBank)
answers the same questions: contig names and lengths, the sequence of a locus on either
strand (soft-masking kept as lowercase), and overlapping chunks for scanning.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Protocol, runtime_checkable

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement, validate_dna

__all__ = ["Genome", "GenomeBase", "InMemoryGenome", "suggest"]


def suggest(name: str, known: list[str] | tuple[str, ...], *, limit: int = 3) -> str:
    """A hint naming close matches of ``name`` among ``known`` (or listing a few)."""
    close = difflib.get_close_matches(name, list(known), n=limit, cutoff=0.5)
    if not close:
        close = [k for k in known if k.upper().startswith(name.upper()[:2])][:limit]
    if close:
        return "did you mean " + ", ".join(close) + "?"
    shown = ", ".join(list(known)[:8])
    return f"known: {shown}" + (", …" if len(known) > 8 else "")


@runtime_checkable
class Genome(Protocol):
    """What every genome source provides."""

    @property
    def name(self) -> str:
        """A short name for reports and provenance."""
        ...

    def contig_names(self) -> list[str]:
        """Contig names in file order."""
        ...

    def contig_length(self, contig: str) -> int:
        """Length of ``contig`` in bases."""
        ...

    def fetch(self, locus: Locus) -> str:
        """Sequence of ``locus``, reverse-complemented on the minus strand; case kept."""
        ...

    def iter_chunks(self, contig: str, *, size: int, overlap: int = 0) -> Iterator[tuple[int, str]]:
        """``(start, sequence)`` windows of ``size`` bases, consecutive windows sharing
        ``overlap`` bases, covering the whole contig."""
        ...


class GenomeBase:
    """Shared checks and derived operations; subclasses implement ``_fetch_plus``."""

    _name: str

    @property
    def name(self) -> str:
        """A short name for reports and provenance."""
        return self._name

    def contig_names(self) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def contig_length(self, contig: str) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def _fetch_plus(self, contig: str, start: int, end: int) -> str:  # pragma: no cover
        raise NotImplementedError

    def check_contig(self, contig: str) -> None:
        """Raise an :class:`InputError` with close names if ``contig`` is unknown."""
        names = self.contig_names()
        if contig not in names:
            raise InputError(
                f"contig {contig!r} is not in genome {self.name!r}", hint=suggest(contig, names)
            )

    def check_locus(self, locus: Locus) -> None:
        """Raise an :class:`InputError` if ``locus`` is not inside its contig."""
        self.check_contig(locus.contig)
        length = self.contig_length(locus.contig)
        if locus.end > length:
            raise InputError(
                f"locus {locus.to_ucsc()} runs past the end of {locus.contig} "
                f"({length:,} bp in genome {self.name!r})",
                hint=f"use an end of at most {length}",
            )

    def fetch(self, locus: Locus) -> str:
        """Sequence of ``locus``, reverse-complemented on the minus strand; case kept."""
        self.check_locus(locus)
        seq = self._fetch_plus(locus.contig, locus.start, locus.end)
        return reverse_complement(seq) if locus.strand is Strand.MINUS else seq

    def fetch_region(self, contig: str, start: int, end: int, strand: Strand = Strand.PLUS) -> str:
        """Shorthand for :meth:`fetch` with 0-based half-open coordinates."""
        return self.fetch(Locus(contig, Interval(start, end), strand))

    def iter_chunks(self, contig: str, *, size: int, overlap: int = 0) -> Iterator[tuple[int, str]]:
        """``(start, sequence)`` windows covering ``contig``; neighbours share ``overlap`` bases."""
        if size <= 0 or overlap < 0 or overlap >= size:
            raise InputError(f"need size > overlap >= 0, got size={size}, overlap={overlap}")
        self.check_contig(contig)
        length = self.contig_length(contig)
        start = 0
        while start < length:
            end = min(length, start + size)
            yield start, self._fetch_plus(contig, start, end)
            if end == length:
                break
            start = end - overlap

    def contig_lengths(self) -> dict[str, int]:
        """All contig lengths, in file order."""
        return {c: self.contig_length(c) for c in self.contig_names()}


class InMemoryGenome(GenomeBase):
    """A genome held in memory, e.g. for tests or a locus from a GenBank record.

    >>> g = InMemoryGenome({"c1": "ACGTacgtNN"}, name="toy")
    >>> g.fetch_region("c1", 2, 6, Strand.MINUS)
    'gtAC'
    """

    def __init__(self, contigs: Mapping[str, str], *, name: str = "memory") -> None:
        if not contigs:
            raise InputError("a genome needs at least one contig")
        for contig, seq in contigs.items():
            validate_dna(seq, what=f"contig {contig!r}")
        self._contigs = dict(contigs)
        self._name = name

    def contig_names(self) -> list[str]:
        return list(self._contigs)

    def contig_length(self, contig: str) -> int:
        self.check_contig(contig)
        return len(self._contigs[contig])

    def _fetch_plus(self, contig: str, start: int, end: int) -> str:
        return self._contigs[contig][start:end]
