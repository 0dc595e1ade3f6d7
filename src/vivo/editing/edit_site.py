"""The edit to make: starting allele, desired change, and in-silico validation of designs.

Precise-editing designs (HDR donors, base edits, pegRNAs) act on the sequence that is in the
cell. For a patient that is the reference with the patient's variant applied. vivo makes this
explicit:

* :func:`correction_site` — the cell carries the variant; the goal is the reference allele
  (e.g. revert the sickle mutation HBB c.20A>T). The starting genome is the *patient genome*
  (reference + variant, built by :func:`apply_changes`).
* :func:`introduction_site` — the cell is reference; the goal is the variant (a disease
  model, a protective allele, a tag insertion).

A :class:`EditSite` carries both genomes' coding sequences so that any design can be
checked by :meth:`EditSite.validate`: apply the design's changes to the starting genome,
translate the edited CDS, and compare the protein with the reference and the start.

Coordinates are those of the *starting* genome (plus strand, 0-based). For a correction of an
indel they differ from the reference downstream of the variant; the site's transcript is
shifted accordingly.

Examples
--------
>>> site = correction_site("HBB c.20A>T")
>>> site.start_protein[:8], site.goal_protein[:8]
('MVHLTPVE', 'MVHLTPEE')
>>> site.validate(site.desired).protein_vs_reference
()
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from vivo.core.coords import Interval, Strand
from vivo.core.errors import InputError
from vivo.core.seq import THREE_LETTER, complement, translate, validate_dna
from vivo.genome.annotation import AnnotatedGenome, CodingPosition, Transcript
from vivo.genome.base import GenomeBase, InMemoryGenome
from vivo.genome.bundled import beta_globin_locus
from vivo.variants.interpret import VariantInterpretation, interpret_variant
from vivo.variants.locate import GenomicChange

__all__ = [
    "Codon",
    "EditSite",
    "EditValidation",
    "EditedGenome",
    "apply_changes",
    "codon_of",
    "correction_site",
    "introduction_site",
    "protein_differences",
    "shift_transcript",
]

Goal = Literal["correct", "introduce"]


class EditedGenome(GenomeBase):
    """The changed contig(s) of a genome with non-overlapping changes applied, read lazily.

    Only the changed contigs are present (edited coordinates). A fetch reads the starting
    genome's bases around the changes and the changes' alleles, so checking a design on a
    chromosome costs the window fetched, not a copy of the chromosome (as an
    :class:`InMemoryGenome` of the edited contig would).

    >>> g = InMemoryGenome({"c1": "AAAACCCCGGGG"})
    >>> e = apply_changes(g, [GenomicChange("c1", 4, "CC", "T")])
    >>> e.fetch_region("c1", 0, e.contig_length("c1")), e.contig_names()
    ('AAAATCCGGGG', ['c1'])
    """

    def __init__(
        self, base: GenomeBase, changes: dict[str, tuple[GenomicChange, ...]], *, name: str
    ) -> None:
        self._base = base
        self._name = name
        #: per contig: (edited start, length, base start or -1, allele) pieces in order
        self._pieces: dict[str, list[tuple[int, int, int, str]]] = {}
        self._length: dict[str, int] = {}
        for contig, items in changes.items():
            pieces: list[tuple[int, int, int, str]] = []
            at, edited = 0, 0
            for c in items:  # sorted by start, not overlapping
                if c.start > at:
                    pieces.append((edited, c.start - at, at, ""))
                    edited += c.start - at
                if c.alt:
                    pieces.append((edited, len(c.alt), -1, c.alt))
                    edited += len(c.alt)
                at = c.end
            total = base.contig_length(contig)
            if total > at:
                pieces.append((edited, total - at, at, ""))
                edited += total - at
            self._pieces[contig] = pieces
            self._length[contig] = edited

    def contig_names(self) -> list[str]:
        return list(self._pieces)

    def contig_length(self, contig: str) -> int:
        self.check_contig(contig)
        return self._length[contig]

    def _fetch_plus(self, contig: str, start: int, end: int) -> str:
        out: list[str] = []
        for off, length, base_start, allele in self._pieces[contig]:
            lo, hi = max(start, off), min(end, off + length)
            if lo >= hi:
                continue
            if base_start < 0:
                out.append(allele[lo - off : hi - off])
            else:
                out.append(
                    self._base.fetch_region(contig, base_start + lo - off, base_start + hi - off)
                )
        return "".join(out)


def apply_changes(
    genome: GenomeBase, changes: Iterable[GenomicChange], *, name: str | None = None
) -> EditedGenome:
    """The changed contig(s) with ``changes`` applied (given in starting-genome coordinates).

    Changes must not overlap, and each ``ref`` must be what the genome has there.
    """
    by_contig: dict[str, list[GenomicChange]] = {}
    for c in changes:
        by_contig.setdefault(c.contig, []).append(c)
    if not by_contig:
        raise InputError("no changes to apply")
    ordered: dict[str, tuple[GenomicChange, ...]] = {}
    for contig, items in by_contig.items():
        items.sort(key=lambda c: c.start)
        length = genome.contig_length(contig)
        for prev, c in zip([None, *items], items, strict=False):
            if prev is not None and c.start < prev.end:
                raise InputError(f"changes overlap at {c.contig}:{c.start + 1}")
            if c.end > length:
                raise InputError(f"change at {c.contig}:{c.start + 1} runs past the contig end")
            actual = genome.fetch_region(contig, c.start, c.end).upper()
            if actual != c.ref.upper():
                raise InputError(
                    f"change at {c.contig}:{c.start + 1} expects {c.ref or '-'} but the sequence "
                    f"has {actual or '-'}"
                )
            validate_dna(c.alt, what=f"the allele of the change at {c.contig}:{c.start + 1}")
        ordered[contig] = tuple(items)
    return EditedGenome(genome, ordered, name=name or f"{genome.name}+edits")


def shift_transcript(tx: Transcript, at: int, delta: int) -> Transcript:
    """``tx`` with every coordinate at or after ``at`` moved by ``delta`` (an indel at ``at``)."""
    if delta == 0:
        return tx

    def move(iv: Interval) -> Interval:
        start = iv.start + delta if iv.start >= at else iv.start
        end = iv.end + delta if iv.end > at else iv.end
        return Interval(start, max(start, end))

    exons = tuple(move(e) for e in tx.exons)
    cds = None if tx.cds is None else move(tx.cds)
    return replace(tx, exons=exons, cds=cds)


def _protein(genome: GenomeBase, tx: Transcript) -> str:
    return translate(tx.cds_sequence(genome).upper(), partial="ignore")


def protein_differences(reference: str, other: str) -> tuple[str, ...]:
    """HGVS-like protein differences of ``other`` against ``reference`` (1-based codons).

    >>> protein_differences("MVHLTPEE", "MVHLTPAE")
    ('p.Glu7Ala',)
    """
    if reference == other:
        return ()
    ref_stop = reference.find("*")
    oth_stop = other.find("*")
    ref_core = reference if ref_stop < 0 else reference[: ref_stop + 1]
    oth_core = other if oth_stop < 0 else other[: oth_stop + 1]
    if len(ref_core) == len(oth_core):
        return tuple(
            f"p.{THREE_LETTER[a]}{i}{THREE_LETTER[b]}"
            for i, (a, b) in enumerate(zip(ref_core, oth_core, strict=True), start=1)
            if a != b
        )
    first = next(
        (i for i, (a, b) in enumerate(zip(ref_core, oth_core, strict=False)) if a != b),
        min(len(ref_core), len(oth_core)),
    )
    aa = THREE_LETTER[ref_core[first]] if first < len(ref_core) else "Ter"
    return (f"p.{aa}{first + 1}: protein length {len(ref_core)} -> {len(oth_core)} aa",)


#: bases kept on each side of the transcript when a design is checked on its stretch of contig
_MARGIN = 1_000


@dataclass(frozen=True, slots=True)
class EditValidation:
    """The result of applying a design to the starting genome and translating."""

    changes: tuple[GenomicChange, ...]
    edited_protein: str
    protein_vs_reference: tuple[str, ...]  # () = reference protein restored
    protein_vs_start: tuple[str, ...]
    reaches_goal: bool
    edited_window: str  # plus-strand sequence around the edit after editing

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "changes": [c.to_vcf_like() for c in self.changes],
            "protein_vs_reference": list(self.protein_vs_reference) or ["= (reference)"],
            "protein_vs_start": list(self.protein_vs_start),
            "reaches_goal": self.reaches_goal,
            "edited_window": self.edited_window,
        }


@dataclass(frozen=True, slots=True)
class EditSite:
    """A desired change in the starting genome, with what is needed to check designs.

    Attributes
    ----------
    goal:
        ``"correct"`` (start = patient, goal = reference) or ``"introduce"``.
    start_genome:
        The genome in the cell before editing (the patient genome for a correction).
    desired:
        The change to make, in ``start_genome`` coordinates (plus strand).
    transcript:
        The transcript, in ``start_genome`` coordinates.
    reference_protein, start_protein, goal_protein:
        Translations of the reference, starting and goal alleles.
    variant:
        The interpretation of the user's variant on the reference.
    """

    goal: Goal
    start_genome: GenomeBase
    desired: GenomicChange
    transcript: Transcript
    reference_protein: str
    start_protein: str
    goal_protein: str
    variant: VariantInterpretation
    label: str

    @property
    def contig(self) -> str:
        """Contig of the edit."""
        return self.desired.contig

    @property
    def interval(self) -> Interval:
        """Starting-genome bases replaced by the edit (empty for an insertion)."""
        return Interval(self.desired.start, self.desired.end)

    def validate(self, changes: GenomicChange | Sequence[GenomicChange]) -> EditValidation:
        """Apply ``changes`` to the starting genome; translate; compare with the goal."""
        items = (changes,) if isinstance(changes, GenomicChange) else tuple(changes)
        genome, tx, local = self._local(items)
        edited = apply_changes(genome, local)
        for c in sorted(local, key=lambda c: c.start, reverse=True):
            tx = shift_transcript(tx, c.end, c.delta)
        protein = _protein(edited, tx)
        lo = max(0, min(c.start for c in local) - 30)
        hi = max(c.start + len(c.alt) for c in local) + 30
        window = edited.fetch_region(self.contig, lo, min(hi, edited.contig_length(self.contig)))
        return EditValidation(
            changes=items,
            edited_protein=protein,
            protein_vs_reference=protein_differences(self.reference_protein, protein),
            protein_vs_start=protein_differences(self.start_protein, protein),
            reaches_goal=protein == self.goal_protein,
            edited_window=window,
        )

    def _local(
        self, items: tuple[GenomicChange, ...]
    ) -> tuple[GenomeBase, Transcript, tuple[GenomicChange, ...]]:
        """The transcript's stretch of the contig (with a margin) as a genome of its own, the
        transcript and ``items`` in its coordinates: a design is checked without copying a
        whole chromosome (same result, see the tests). Changes on another contig: as given."""
        tx = self.transcript
        if any(c.contig != self.contig for c in items):
            return self.start_genome, tx, items
        length = self.start_genome.contig_length(self.contig)
        lo = max(0, min(tx.exons[0].start, *(c.start for c in items)) - _MARGIN)
        hi = min(length, max(tx.exons[-1].end, *(c.end for c in items)) + _MARGIN)
        if lo == 0 and hi == length:
            return self.start_genome, tx, items
        window = self.start_genome.fetch_region(self.contig, lo, hi)
        genome = InMemoryGenome({self.contig: window}, name=self.start_genome.name)
        local = tuple(replace(c, start=c.start - lo) for c in items)
        return genome, shift_transcript(tx, 0, -lo), local

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "label": self.label,
            "goal": self.goal,
            "variant": self.variant.hgvs_c,
            "desired_change": self.desired.to_vcf_like(),
            "start_genome": self.start_genome.name,
            "transcript": self.transcript.transcript_id,
            "start_vs_reference": list(
                protein_differences(self.reference_protein, self.start_protein)
            ),
            "goal_vs_reference": list(
                protein_differences(self.reference_protein, self.goal_protein)
            ),
        }


def _interpret(
    variant: str, ag: AnnotatedGenome | None
) -> tuple[AnnotatedGenome, VariantInterpretation]:
    genome = ag or beta_globin_locus()
    return genome, interpret_variant(variant, genome=genome)


def correction_site(variant: str, *, genome: AnnotatedGenome | None = None) -> EditSite:
    """The site for reverting ``variant`` (e.g. ``"HBB c.20A>T"``) in a patient's cells.

    The patient genome is built from the reference (``genome``, default the bundled
    beta-globin locus) by applying the variant; the desired change turns it back.
    """
    ag, vi = _interpret(variant, genome)
    change = vi.normalized.change
    patient = apply_changes(ag.genome, [change], name=f"{ag.name}+{vi.hgvs_c}")
    tx = shift_transcript(vi.transcript, change.end, change.delta)
    desired = GenomicChange(change.contig, change.start, change.alt, change.ref)
    ref_protein = _protein(ag.genome, vi.transcript)
    return EditSite(
        goal="correct",
        start_genome=patient,
        desired=desired,
        transcript=tx,
        reference_protein=ref_protein,
        start_protein=_protein(patient, tx),
        goal_protein=ref_protein,
        variant=vi,
        label=f"correct {vi.hgvs_c} (patient allele -> reference)",
    )


def introduction_site(variant: str, *, genome: AnnotatedGenome | None = None) -> EditSite:
    """The site for introducing ``variant`` into reference cells."""
    ag, vi = _interpret(variant, genome)
    change = vi.normalized.change
    edited = apply_changes(ag.genome, [change])
    ref_protein = _protein(ag.genome, vi.transcript)
    goal_tx = shift_transcript(vi.transcript, change.end, change.delta)
    return EditSite(
        goal="introduce",
        start_genome=ag.genome,
        desired=change,
        transcript=vi.transcript,
        reference_protein=ref_protein,
        start_protein=ref_protein,
        goal_protein=_protein(edited, goal_tx),
        variant=vi,
        label=f"introduce {vi.hgvs_c} into reference cells",
    )


@dataclass(frozen=True, slots=True)
class Codon:
    """The codon holding a genomic position: number, bases (coding strand) and positions."""

    number: int
    bases: str
    positions: tuple[int, int, int]  # plus-strand genomic positions, codon order
    index: int  # which codon base the query position is (0-2)


def codon_of(genome: GenomeBase, tx: Transcript, pos: int) -> Codon | None:
    """The codon of ``tx`` that contains genomic ``pos``, or ``None`` outside the CDS."""
    if tx.cds is None or pos not in tx.cds:
        return None
    cpos = tx.to_coding(pos)
    if cpos.region != "cds" or cpos.offset != 0:
        return None
    number = (cpos.base - 1) // 3 + 1
    first = (number - 1) * 3 + 1
    positions = tuple(tx.to_genomic(CodingPosition(first + i)) for i in range(3))
    plus = "".join(genome.fetch_region(tx.contig, p, p + 1) for p in positions).upper()
    bases = plus if tx.strand is Strand.PLUS else complement(plus)
    return Codon(number, bases, (positions[0], positions[1], positions[2]), (cpos.base - 1) % 3)
