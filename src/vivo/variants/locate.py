"""Place an HGVS variant on the genome: check its stated reference bases and normalize it.

A variant becomes a :class:`GenomicChange` (0-based start, plus-strand ``ref`` and ``alt``,
VCF-like but without an anchor base). Normalization follows the HGVS 3' rule: deletions,
duplications and insertions in repeats are shifted as far 3' *of the transcript* as the
sequence allows, and an insertion that copies the sequence just 5' of it is a duplication.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement
from vivo.genome.annotation import AnnotatedGenome, CodingPosition, Transcript
from vivo.genome.base import GenomeBase
from vivo.variants.hgvs import Edit, HgvsVariant

__all__ = ["GenomicChange", "NormalizedChange", "describe_coding", "locate", "normalize"]


@dataclass(frozen=True, slots=True)
class GenomicChange:
    """``ref`` at ``[start, start+len(ref))`` of ``contig`` becomes ``alt`` (plus strand)."""

    contig: str
    start: int
    ref: str
    alt: str

    @property
    def end(self) -> int:
        """0-based exclusive end of the replaced bases."""
        return self.start + len(self.ref)

    @property
    def delta(self) -> int:
        """Length change of the sequence."""
        return len(self.alt) - len(self.ref)

    def to_vcf_like(self) -> str:
        """``contig:pos(1-based):REF>ALT`` (``-`` for an empty allele)."""
        return f"{self.contig}:{self.start + 1}:{self.ref or '-'}>{self.alt or '-'}"


@dataclass(frozen=True, slots=True)
class NormalizedChange:
    """A change after 3' normalization, with its HGVS edit kind."""

    change: GenomicChange
    kind: Literal["sub", "del", "dup", "ins", "delins"]
    interval: Interval  # the affected reference bases (dup: the copied bases; ins: empty point)


def _oriented(seq: str, strand: Strand) -> str:
    return reverse_complement(seq) if strand is Strand.MINUS else seq


def _check_ref(stated: str, actual: str, label: str, where: str) -> None:
    if stated and stated.upper() != actual.upper():
        noun = "base" if len(actual) == 1 else "bases"
        raise InputError(
            f"{label}: the reference {noun} at {where} {'is' if len(actual) == 1 else 'are'} "
            f"{actual.upper()}, not {stated.upper()}",
            hint=f"check the variant; the reference has {actual.upper()} there",
        )


def locate(
    variant: HgvsVariant, ag: AnnotatedGenome, *, transcript: Transcript | None = None
) -> tuple[Transcript, GenomicChange]:
    """Map a parsed variant to a :class:`GenomicChange`, checking the stated reference bases."""
    if variant.gene is None and transcript is None:
        raise InputError("the variant names no gene", hint="write e.g. HBB:c.20A>T")
    tx = transcript or ag.gene(str(variant.gene)).canonical
    genome = ag.genome
    if variant.kind == "c":
        assert isinstance(variant.start, CodingPosition) and isinstance(variant.end, CodingPosition)
        if variant.end.sort_key() < variant.start.sort_key():
            raise InputError(
                f"c.{variant.start}_{variant.end}: the range end comes before its start"
            )
        a, b = tx.to_genomic(variant.start), tx.to_genomic(variant.end)
        strand = tx.strand
    else:
        assert isinstance(variant.start, int) and isinstance(variant.end, int)
        a, b = variant.start - 1, variant.end - 1
        strand = Strand.PLUS
    lo, hi = min(a, b), max(a, b)
    genome.check_locus(Locus(tx.contig, Interval(lo, hi + 1)))
    label = f"{variant.gene or tx.gene_name} {variant.kind}.{variant.start}" + (
        f"_{variant.end}" if variant.is_range else ""
    )
    where = f"{tx.contig}:{lo + 1}" + (f"-{hi + 1}" if hi > lo else "")
    return tx, _apply_edit(variant.edit, genome, tx.contig, lo, hi, strand, label, where)


def _apply_edit(
    edit: Edit,
    genome: GenomeBase,
    contig: str,
    lo: int,
    hi: int,
    strand: Strand,
    label: str,
    where: str,
) -> GenomicChange:
    plus_ref = genome.fetch_region(contig, lo, hi + 1).upper()
    oriented_ref = _oriented(plus_ref, strand)
    alt_plus = _oriented(edit.alt, strand)
    if edit.kind == "ins":
        if hi != lo + 1:
            raise InputError(f"{label}: an insertion needs two adjacent positions")
        return GenomicChange(contig, hi, "", alt_plus)
    _check_ref(edit.ref, oriented_ref, label, where)
    if edit.kind == "sub":
        return GenomicChange(contig, lo, plus_ref, alt_plus)
    if edit.kind == "del":
        return GenomicChange(contig, lo, plus_ref, "")
    if edit.kind == "dup":
        return GenomicChange(contig, hi + 1, "", plus_ref)
    return GenomicChange(contig, lo, plus_ref, alt_plus)


class _Window:
    """Lazy access to plus-strand bases around a change, growing as needed."""

    def __init__(self, genome: GenomeBase, contig: str, center: int) -> None:
        self.genome, self.contig = genome, contig
        self.length = genome.contig_length(contig)
        self.lo = self.hi = center
        self.seq = ""
        self._grow(center, 256)

    def _grow(self, center: int, size: int) -> None:
        lo, hi = max(0, min(self.lo, center - size)), min(self.length, max(self.hi, center + size))
        self.seq = self.genome.fetch_region(self.contig, lo, hi).upper()
        self.lo, self.hi = lo, hi

    def __getitem__(self, pos: int) -> str:
        if pos < 0 or pos >= self.length:
            return ""
        if not (self.lo <= pos < self.hi):
            self._grow(pos, 4 * (self.hi - self.lo))
        return self.seq[pos - self.lo]

    def slice(self, start: int, end: int) -> str:
        return "".join(self[i] for i in range(start, end))


def _trim(change: GenomicChange) -> GenomicChange:
    ref, alt, start = change.ref, change.alt, change.start
    while ref and alt and ref[0] == alt[0]:
        ref, alt, start = ref[1:], alt[1:], start + 1
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    return GenomicChange(change.contig, start, ref, alt)


def normalize(change: GenomicChange, genome: GenomeBase, strand: Strand) -> NormalizedChange:
    """Trim shared bases and shift indels 3' along ``strand`` (the HGVS 3' rule)."""
    c = _trim(change)
    if c.ref and c.alt:
        kind: Literal["sub", "delins"] = "sub" if len(c.ref) == len(c.alt) == 1 else "delins"
        return NormalizedChange(c, kind, Interval(c.start, c.end))
    if not c.ref and not c.alt:
        raise InputError("the variant does not change the sequence")
    win = _Window(genome, c.contig, c.start)
    if c.ref:
        start, n = c.start, len(c.ref)
        if strand is Strand.PLUS:
            while win[start + n] and win[start + n] == win[start]:
                start += 1
        else:
            while win[start - 1] and win[start - 1] == win[start + n - 1]:
                start -= 1
        ref = win.slice(start, start + n)
        return NormalizedChange(
            GenomicChange(c.contig, start, ref, ""), "del", Interval(start, start + n)
        )
    return _normalize_insertion(c, win, strand)


def _normalize_insertion(c: GenomicChange, win: _Window, strand: Strand) -> NormalizedChange:
    start, ins, n = c.start, c.alt, len(c.alt)
    if strand is Strand.PLUS:
        while win[start] and win[start] == ins[0]:
            ins, start = ins[1:] + ins[0], start + 1
        if win.slice(start - n, start) == ins:
            return NormalizedChange(
                GenomicChange(c.contig, start, "", ins), "dup", Interval(start - n, start)
            )
    else:
        while win[start - 1] and win[start - 1] == ins[-1]:
            ins, start = ins[-1] + ins[:-1], start - 1
        if win.slice(start, start + n) == ins:
            return NormalizedChange(
                GenomicChange(c.contig, start, "", ins), "dup", Interval(start, start + n)
            )
    return NormalizedChange(GenomicChange(c.contig, start, "", ins), "ins", Interval(start, start))


def describe_coding(norm: NormalizedChange, tx: Transcript, *, with_gene: bool = True) -> str:
    """The normalized HGVS ``c.`` description of a change on ``tx``."""
    c, iv = norm.change, norm.interval

    def cpos(pos: int) -> CodingPosition:
        return tx.to_coding(pos)

    def span(first: int, last: int) -> str:
        a, b = cpos(first), cpos(last)
        if tx.strand is Strand.MINUS:
            a, b = b, a
        return str(a) if first == last else f"{a}_{b}"

    alt = _oriented(c.alt, tx.strand)
    ref = _oriented(c.ref, tx.strand)
    if norm.kind == "sub":
        body = f"{span(iv.start, iv.start)}{ref}>{alt}"
    elif norm.kind == "del":
        body = f"{span(iv.start, iv.end - 1)}del"
    elif norm.kind == "dup":
        body = f"{span(iv.start, iv.end - 1)}dup"
    elif norm.kind == "ins":
        body = f"{span(iv.start - 1, iv.start)}ins{alt}"
    else:
        body = f"{span(iv.start, iv.end - 1)}delins{alt}"
    prefix = f"{tx.gene_name}:" if with_gene else ""
    return f"{prefix}c.{body}"


def describe_genomic(norm: NormalizedChange) -> str:
    """The normalized HGVS ``g.`` description on the plus strand of the contig."""
    c, iv = norm.change, norm.interval
    if norm.kind == "sub":
        body = f"{iv.start + 1}{c.ref}>{c.alt}"
    elif norm.kind in {"del", "dup"}:
        rng = f"{iv.start + 1}" if len(iv) == 1 else f"{iv.start + 1}_{iv.end}"
        body = rng + norm.kind
    elif norm.kind == "ins":
        body = f"{iv.start}_{iv.start + 1}ins{c.alt}"
    else:
        rng = f"{iv.start + 1}" if len(iv) == 1 else f"{iv.start + 1}_{iv.end}"
        body = f"{rng}delins{c.alt}"
    return f"{c.contig}:g.{body}"
