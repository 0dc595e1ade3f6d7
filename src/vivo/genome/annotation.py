"""Gene annotation: genes, transcripts, exons and CDS, with transcript coordinates.

A :class:`Transcript` knows its exons (genomic, 0-based half-open) and its CDS span
(from the A of the start codon to the last base of the stop codon). It maps genomic
positions to HGVS coding positions (``c.``) and back, including 5'UTR (``c.-N``),
3'UTR (``c.*N``) and intronic offsets (``c.92+1``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement
from vivo.genome.base import GenomeBase, suggest

__all__ = [
    "AnnotatedGenome",
    "Annotation",
    "CodingPosition",
    "Gene",
    "Transcript",
    "unversioned_accession",
]

Region = Literal["cds", "utr5", "utr3"]


@dataclass(frozen=True, slots=True)
class CodingPosition:
    """An HGVS coding position: ``base`` with its region, plus an intronic ``offset``.

    ``region="cds"``: ``c.{base}`` (base >= 1); ``"utr5"``: ``c.-{base}``;
    ``"utr3"``: ``c.*{base}``. ``offset`` > 0 means downstream into the intron
    (``c.92+1``), < 0 upstream (``c.93-2``).
    """

    base: int
    region: Region = "cds"
    offset: int = 0

    def __post_init__(self) -> None:
        if self.base < 1:
            raise InputError(f"coding position base must be >= 1, got {self.base}")

    def __str__(self) -> str:
        prefix = {"cds": "", "utr5": "-", "utr3": "*"}[self.region]
        off = f"{self.offset:+d}" if self.offset else ""
        return f"{prefix}{self.base}{off}"

    def sort_key(self) -> tuple[int, int, int]:
        """Order along the transcript 5' to 3'."""
        region_rank = {"utr5": 0, "cds": 1, "utr3": 2}[self.region]
        signed = -self.base if self.region == "utr5" else self.base
        return (region_rank, signed, self.offset)


@dataclass(frozen=True, slots=True)
class Transcript:
    """A spliced transcript on one strand of a contig.

    ``exons`` are genomic intervals sorted by start; ``cds`` is the genomic span from the
    first base of the start codon to the last base of the stop codon (``None`` if non-coding).
    """

    transcript_id: str
    gene_name: str
    contig: str
    strand: Strand
    exons: tuple[Interval, ...]
    cds: Interval | None = None
    product: str = ""
    protein_id: str = ""

    def __post_init__(self) -> None:
        if not self.exons:
            raise InputError(f"transcript {self.transcript_id} has no exons")
        ordered = tuple(sorted(self.exons))
        object.__setattr__(self, "exons", ordered)
        for a, b in itertools.pairwise(ordered):
            if a.end > b.start:
                raise InputError(f"transcript {self.transcript_id} has overlapping exons")
        if self.cds is not None and not self.span.contains(self.cds):
            raise InputError(f"transcript {self.transcript_id}: CDS lies outside its exons")

    # -- shape -----------------------------------------------------------------
    @property
    def span(self) -> Interval:
        """Genomic interval from the first exon start to the last exon end."""
        return Interval(self.exons[0].start, self.exons[-1].end)

    @property
    def locus(self) -> Locus:
        """The transcript span as a stranded locus."""
        return Locus(self.contig, self.span, self.strand)

    @property
    def exons_5to3(self) -> tuple[Interval, ...]:
        """Exons in transcript order (exon 1 first)."""
        return self.exons if self.strand is Strand.PLUS else self.exons[::-1]

    @property
    def introns_5to3(self) -> tuple[Interval, ...]:
        """Introns in transcript order."""
        introns = tuple(Interval(a.end, b.start) for a, b in itertools.pairwise(self.exons))
        return introns if self.strand is Strand.PLUS else introns[::-1]

    @property
    def length(self) -> int:
        """Spliced length in nucleotides."""
        return sum(len(e) for e in self.exons)

    @property
    def is_coding(self) -> bool:
        """True if the transcript has a CDS."""
        return self.cds is not None

    def cds_segments(self) -> tuple[Interval, ...]:
        """Genomic pieces of the CDS (one per coding exon), sorted by start."""
        if self.cds is None:
            return ()
        pieces = (e.intersection(self.cds) for e in self.exons)
        return tuple(p for p in pieces if p is not None)

    def cds_length(self) -> int:
        """Length of the CDS in nt, stop codon included."""
        return sum(len(p) for p in self.cds_segments())

    def exon_number(self, pos: int) -> int | None:
        """1-based exon number (transcript order) holding genomic ``pos``, else ``None``."""
        for i, exon in enumerate(self.exons_5to3, start=1):
            if pos in exon:
                return i
        return None

    def intron_number(self, pos: int) -> int | None:
        """1-based intron number holding genomic ``pos``, else ``None``."""
        for i, intron in enumerate(self.introns_5to3, start=1):
            if pos in intron:
                return i
        return None

    # -- sequences -------------------------------------------------------------
    def spliced_sequence(self, genome: GenomeBase) -> str:
        """The mature transcript sequence 5'→3' (exons joined, strand applied)."""
        return self._join(genome, self.exons)

    def cds_sequence(self, genome: GenomeBase) -> str:
        """The coding sequence 5'→3', start codon to stop codon."""
        if self.cds is None:
            raise InputError(f"transcript {self.transcript_id} is non-coding")
        return self._join(genome, self.cds_segments())

    def _join(self, genome: GenomeBase, pieces: Iterable[Interval]) -> str:
        seq = "".join(genome.fetch(Locus(self.contig, p)) for p in pieces)
        return reverse_complement(seq) if self.strand is Strand.MINUS else seq

    # -- coordinates -----------------------------------------------------------
    def _tx_index(self, pos: int) -> int | None:
        """0-based index in the spliced transcript of genomic ``pos`` (None if not exonic)."""
        before = 0
        for exon in self.exons_5to3:
            if pos in exon:
                inside = pos - exon.start if self.strand is Strand.PLUS else exon.end - 1 - pos
                return before + inside
            before += len(exon)
        return None

    def _genomic_of_tx(self, index: int) -> int:
        """Genomic position of spliced-transcript ``index``; beyond the ends extends linearly."""
        sign = self.strand.sign
        exons = self.exons_5to3
        if index < 0:
            first = exons[0].start if sign > 0 else exons[0].end - 1
            return first + sign * index
        remaining = index
        for exon in exons:
            if remaining < len(exon):
                return exon.start + remaining if sign > 0 else exon.end - 1 - remaining
            remaining -= len(exon)
        last = exons[-1].end - 1 if sign > 0 else exons[-1].start
        return last + sign * (remaining + 1)

    def _cds_tx_bounds(self) -> tuple[int, int]:
        if self.cds is None:
            raise InputError(
                f"transcript {self.transcript_id} is non-coding: it has no c. coordinates"
            )
        first = self.cds.start if self.strand is Strand.PLUS else self.cds.end - 1
        start = self._tx_index(first)
        if start is None:  # pragma: no cover - guarded in __post_init__
            raise InputError(f"transcript {self.transcript_id}: CDS start is not exonic")
        return start, start + self.cds_length()

    def _coding_of_tx(self, index: int) -> CodingPosition:
        cds_start, cds_end = self._cds_tx_bounds()
        if index < cds_start:
            return CodingPosition(cds_start - index, "utr5")
        if index < cds_end:
            return CodingPosition(index - cds_start + 1, "cds")
        return CodingPosition(index - cds_end + 1, "utr3")

    def _tx_of_coding(self, pos: CodingPosition) -> int:
        cds_start, cds_end = self._cds_tx_bounds()
        if pos.region == "utr5":
            return cds_start - pos.base
        if pos.region == "cds":
            if pos.base > cds_end - cds_start:
                raise InputError(
                    f"c.{pos} is past the end of the CDS of {self.gene_name} "
                    f"({cds_end - cds_start} nt including the stop codon)",
                    hint="positions after the stop codon are written c.*N",
                )
            return cds_start + pos.base - 1
        index = cds_end + pos.base - 1
        if index >= self.length:
            raise InputError(
                f"c.{pos} is past the end of transcript {self.transcript_id} "
                f"(its 3'UTR is {self.length - cds_end} nt, so the last position is "
                f"c.*{self.length - cds_end})"
            )
        return index

    def to_coding(self, pos: int) -> CodingPosition:
        """HGVS coding position of genomic ``pos`` (0-based).

        Intronic positions are given relative to the nearest exon boundary (ties go to
        the upstream exon, ``+`` offset, as HGVS recommends). Positions before the
        transcript start are ``c.-N`` upstream; after the end ``c.*N`` downstream.
        """
        index = self._tx_index(pos)
        if index is not None:
            return self._coding_of_tx(index)
        span = self.span
        if not (span.start <= pos < span.end):
            # upstream or downstream of the transcript: extend linearly.
            upstream = (pos < span.start) == (self.strand is Strand.PLUS)
            edge = self.exons_5to3[0] if upstream else self.exons_5to3[-1]
            anchor = (
                (edge.start if upstream else edge.end - 1)
                if self.strand is Strand.PLUS
                else (edge.end - 1 if upstream else edge.start)
            )
            anchor_index = self._tx_index(anchor)
            assert anchor_index is not None
            dist = abs(pos - anchor)
            return self._coding_of_tx(anchor_index - dist if upstream else anchor_index + dist)
        return self._intronic(pos)

    def _intronic(self, pos: int) -> CodingPosition:
        for intron in self.introns_5to3:
            if pos in intron:
                if self.strand is Strand.PLUS:
                    up_anchor, down_anchor = intron.start - 1, intron.end
                else:
                    up_anchor, down_anchor = intron.end, intron.start - 1
                d_up, d_down = abs(pos - up_anchor), abs(pos - down_anchor)
                anchor, offset = (up_anchor, d_up) if d_up <= d_down else (down_anchor, -d_down)
                index = self._tx_index(anchor)
                assert index is not None
                base = self._coding_of_tx(index)
                return CodingPosition(base.base, base.region, offset)
        raise AssertionError("position inside the span is neither exonic nor intronic")

    def to_genomic(self, pos: CodingPosition) -> int:
        """Genomic position (0-based) of an HGVS coding position; checks intron anchors."""
        index = self._tx_of_coding(pos)
        anchor = self._genomic_of_tx(index)
        if pos.offset == 0:
            return anchor
        if self._tx_index(anchor) is None:
            raise InputError(f"c.{pos}: the anchor c.{pos.base} is not inside an exon")
        genomic = anchor + self.strand.sign * pos.offset
        direction_ok = self._is_boundary(anchor, downstream=pos.offset > 0)
        if not direction_ok or self._tx_index(genomic) is not None:
            side = "last" if pos.offset > 0 else "first"
            raise InputError(
                f"c.{pos} is not intronic: c.{CodingPosition(pos.base, pos.region)} is not the "
                f"{side} base of an exon of {self.gene_name}",
                hint="intronic offsets count from the nearest exon boundary",
            )
        return genomic

    def _is_boundary(self, anchor: int, *, downstream: bool) -> bool:
        for exon in self.exons:
            last = exon.end - 1 if self.strand is Strand.PLUS else exon.start
            first = exon.start if self.strand is Strand.PLUS else exon.end - 1
            if downstream and anchor == last and exon is not self.exons_5to3[-1]:
                return True
            if not downstream and anchor == first and exon is not self.exons_5to3[0]:
                return True
        return False


@dataclass(frozen=True, slots=True)
class Gene:
    """A gene with its transcripts; the first transcript is the canonical one."""

    name: str
    locus: Locus
    transcripts: tuple[Transcript, ...]
    description: str = ""
    synonyms: tuple[str, ...] = field(default_factory=tuple)

    @property
    def canonical(self) -> Transcript:
        """The transcript used by default (coding first, then longest CDS)."""
        if not self.transcripts:
            raise InputError(f"gene {self.name} has no transcripts")
        return self.transcripts[0]


class Annotation:
    """Genes by name, with case-insensitive look-up (names, synonyms and stable gene ids),
    close-name suggestions, and transcripts by accession.

    This in-memory version holds every gene; :class:`vivo.io.annotation_index.IndexedAnnotation`
    answers the same questions from an on-disk index of a genome-scale annotation.
    """

    def __init__(self, genes: Iterable[Gene]) -> None:
        self._genes: dict[str, Gene] = {}
        for gene in genes:
            self._genes[gene.name] = gene
        self._by_key: dict[str, Gene] | None = None
        self._by_tx: dict[str, Transcript] | None = None

    def __iter__(self) -> Iterator[Gene]:
        return iter(self._genes.values())

    def __len__(self) -> int:
        return len(self._genes)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._find(name) is not None

    def names(self) -> list[str]:
        """Gene names in annotation order."""
        return list(self._genes)

    def _find(self, name: str) -> Gene | None:
        if name in self._genes:
            return self._genes[name]
        if self._by_key is None:
            keys: dict[str, Gene] = {}
            for gene in reversed(list(self._genes.values())):  # the first one wins
                for key in (*gene.synonyms, gene.name):
                    keys[key.upper()] = gene
                    keys[unversioned_accession(key.upper())] = gene
            self._by_key = keys
        key = name.upper()
        return self._by_key.get(key) or self._by_key.get(unversioned_accession(key))

    def gene(self, name: str) -> Gene:
        """The gene called ``name`` (or a synonym); an :class:`InputError` suggests close names."""
        found = self._find(name)
        if found is None:
            if not len(self):
                raise InputError(
                    f"unknown gene {name!r}: the genome in use has no gene annotation",
                    hint="pass --annotation GTF/GFF3 with the genome",
                )
            raise InputError(f"unknown gene {name!r}", hint=self._suggest(name))
        return found

    def _suggest(self, name: str) -> str:
        return suggest(name, self.names())

    def find_transcript(self, accession: str) -> Transcript | None:
        """The transcript whose id is ``accession`` (exactly, else ignoring the version
        suffix ``.N`` on either side), or ``None``; see :meth:`transcript`."""
        if self._by_tx is None:
            table: dict[str, Transcript] = {}
            for gene in reversed(list(self._genes.values())):
                for tx in reversed(gene.transcripts):
                    table[unversioned_accession(tx.transcript_id)] = tx
            for gene in self._genes.values():
                for tx in gene.transcripts:
                    table[tx.transcript_id] = tx
            self._by_tx = table
        return self._by_tx.get(accession) or self._by_tx.get(unversioned_accession(accession))

    def transcript(self, accession: str) -> Transcript:
        """The transcript ``accession`` (e.g. ``NM_000022.4`` or ``ENST00000372874``); a
        different version of the same accession is returned (compare ``transcript_id`` to warn).
        An unknown accession is an :class:`InputError`."""
        found = self.find_transcript(accession)
        if found is None:
            raise InputError(
                f"transcript {accession!r} is not in the annotation in use",
                hint="check the accession, or pass the annotation (--annotation) that has it",
            )
        return found

    def overlapping(self, locus: Locus) -> list[Gene]:
        """Genes whose span overlaps ``locus`` (either strand)."""
        return [
            g
            for g in self._genes.values()
            if g.locus.contig == locus.contig and g.locus.interval.overlaps(locus.interval)
        ]


def unversioned_accession(accession: str) -> str:
    """``NM_000022.4`` -> ``NM_000022``; names without a numeric version are unchanged."""
    head, dot, tail = accession.rpartition(".")
    return head if dot and head and tail.isdigit() else accession


@dataclass(frozen=True, slots=True)
class AnnotatedGenome:
    """A genome with its gene annotation and a note of where both came from."""

    genome: GenomeBase
    annotation: Annotation
    source: str = ""
    checksum: str = ""

    @property
    def name(self) -> str:
        """The genome's name."""
        return self.genome.name

    def gene(self, name: str) -> Gene:
        """Shorthand for ``annotation.gene(name)``."""
        return self.annotation.gene(name)
