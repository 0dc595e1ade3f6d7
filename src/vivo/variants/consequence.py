"""Predict a variant's consequence on its transcript and protein.

The altered transcript is rebuilt from the genome with the change applied, spliced with the
original exon structure (shifted by the length change) and translated from the original start
codon to the first stop, reading into the 3'UTR if the stop is lost. The protein change is
written in HGVS p. notation (den Dunnen et al. 2016); consequence terms are Sequence Ontology
terms ranked by Ensembl VEP's severity order (McLaren et al. 2016, Genome Biol 17:122). Splice
region: 1-3 exonic or 3-8 intronic bases from a splice junction, as VEP defines it.

Large deletions: a deletion that removes the whole transcript is ``transcript_ablation``
(SO:0001893, "a feature ablation whereby the deleted region includes a transcript feature",
VEP's most severe term); one that removes at least one whole exon is ``exon_loss_variant``
(SO:0001572, "a sequence variant whereby an exon is lost from the transcript"; emitted by
SnpEff, not by VEP). VEP does not rank ``exon_loss_variant``; vivo places it right after
``transcript_ablation``, as vcf2maf does (both rank 1 there), because losing an exon removes
the splice sites at both of its ends. The protein of an exon loss is ``p.?`` (the splicing
outcome is not predicted); of a transcript ablation ``p.0?`` (no protein, predicted; HGVS).
A duplication containing the whole transcript is ``transcript_amplification`` (SO:0001889)
and one containing whole exons ``feature_elongation`` (SO:0001907; "exon duplication",
protein ``p.?``), in VEP's order.
"""

from __future__ import annotations

from dataclasses import dataclass

from vivo.core.coords import Interval, Strand
from vivo.core.seq import THREE_LETTER, reverse_complement, translate
from vivo.genome.annotation import Transcript
from vivo.genome.base import GenomeBase
from vivo.variants.legacy import legacy_offset, to_legacy
from vivo.variants.locate import GenomicChange, NormalizedChange

__all__ = ["SEVERITY", "Consequence", "ProteinChange", "predict_consequence"]

#: Sequence Ontology terms, most severe first (Ensembl VEP order), with plain labels.
SEVERITY: dict[str, str] = {
    "transcript_ablation": "transcript ablation",
    "exon_loss_variant": "exon loss",
    "splice_acceptor_variant": "splice acceptor",
    "splice_donor_variant": "splice donor",
    "stop_gained": "nonsense",
    "frameshift_variant": "frameshift",
    "stop_lost": "stop loss",
    "start_lost": "start loss",
    "transcript_amplification": "transcript amplification",
    "feature_elongation": "exon duplication",
    "inframe_insertion": "in-frame insertion",
    "inframe_deletion": "in-frame deletion",
    "inframe_delins": "in-frame deletion-insertion",
    "missense_variant": "missense",
    "splice_region_variant": "splice region",
    "stop_retained_variant": "stop retained",
    "synonymous_variant": "synonymous",
    "coding_sequence_variant": "coding sequence",
    "5_prime_UTR_variant": "5' UTR",
    "3_prime_UTR_variant": "3' UTR",
    "intron_variant": "intronic",
    "upstream_gene_variant": "upstream",
    "downstream_gene_variant": "downstream",
}


@dataclass(frozen=True, slots=True)
class ProteinChange:
    """An HGVS protein description, in three- and one-letter forms, with legacy numbering."""

    hgvs: str  # e.g. "p.Glu7Val"
    short: str  # e.g. "p.E7V"
    legacy: str | None = None  # e.g. "Glu6Val"
    legacy_note: str | None = None
    codon_change: str | None = None  # e.g. "GAG>GTG"
    new_stop_distance: int | None = None  # frameshift: codons to the new stop (fsTer N)


@dataclass(frozen=True, slots=True)
class Consequence:
    """Consequence terms (most severe first), a plain label, and the protein change."""

    terms: tuple[str, ...]
    protein: ProteinChange | None
    exon: int | None
    intron: int | None
    exons_lost: tuple[int, ...] = ()  # exon numbers (5'->3') removed whole by a deletion
    exons_duplicated: tuple[int, ...] = ()  # exon numbers copied whole by a duplication

    @property
    def primary(self) -> str:
        """The most severe SO term."""
        return self.terms[0]

    @property
    def label(self) -> str:
        """A plain-language label of the most severe consequence."""
        return SEVERITY[self.primary]


def _affected(change: GenomicChange) -> Interval:
    if change.ref:
        return Interval(change.start, change.end)
    return Interval(max(0, change.start - 1), change.start + 1)


def _splice_terms(tx: Transcript, iv: Interval) -> set[str]:
    terms: set[str] = set()
    plus = tx.strand is Strand.PLUS
    for intron in tx.introns_5to3:
        donor_side = intron.start if plus else intron.end
        acc_side = intron.end if plus else intron.start
        donor = (
            Interval(intron.start, intron.start + 2)
            if plus
            else Interval(intron.end - 2, intron.end)
        )
        acceptor = (
            Interval(intron.end - 2, intron.end)
            if plus
            else Interval(intron.start, intron.start + 2)
        )
        if iv.overlaps(donor):
            terms.add("splice_donor_variant")
        if iv.overlaps(acceptor):
            terms.add("splice_acceptor_variant")
        for side in (donor_side, acc_side):
            exonic = (
                Interval(max(0, side - 3), side)
                if side == intron.start
                else Interval(side, side + 3)
            )
            intronic = (
                Interval(side + 2, side + 8)
                if side == intron.start
                else Interval(max(0, side - 8), side - 2)
            )
            if iv.overlaps(exonic) or iv.overlaps(intronic):
                terms.add("splice_region_variant")
    return terms


def _region_terms(tx: Transcript, iv: Interval) -> set[str]:
    span = tx.span
    if not iv.overlaps(span):
        upstream = (iv.end <= span.start) == (tx.strand is Strand.PLUS)
        return {"upstream_gene_variant" if upstream else "downstream_gene_variant"}
    terms: set[str] = set()
    exonic = any(iv.overlaps(e) for e in tx.exons)
    if any(iv.overlaps(i) for i in tx.introns_5to3):
        terms.add("intron_variant")
    if exonic and tx.cds is not None:
        for e in tx.exons:
            part = iv.intersection(e) if not iv.is_empty else None
            if part is None:
                continue
            if part.start < tx.cds.start:
                terms.add(
                    "5_prime_UTR_variant" if tx.strand is Strand.PLUS else "3_prime_UTR_variant"
                )
            if part.end > tx.cds.end:
                terms.add(
                    "3_prime_UTR_variant" if tx.strand is Strand.PLUS else "5_prime_UTR_variant"
                )
    return terms


def _mutated_transcript(
    tx: Transcript, genome: GenomeBase, change: GenomicChange
) -> tuple[str, int] | None:
    """Spliced altered mRNA and the index of the start codon, or None if exons are broken."""
    flank = 3000
    lo = max(0, tx.span.start - flank)
    hi = min(genome.contig_length(tx.contig), tx.span.end + flank)
    seq = genome.fetch_region(tx.contig, lo, hi).upper()
    s, e = change.start - lo, change.end - lo
    if s < 0 or e > len(seq):
        return None
    mutated = seq[:s] + change.alt + seq[e:]
    exons: list[Interval] = []
    for ex in tx.exons:
        if ex.end <= change.start and not (change.ref == "" and ex.end == change.start):
            exons.append(ex.shift(-lo))
        elif ex.start >= change.end and not (change.ref == "" and ex.start == change.start):
            exons.append(ex.shift(change.delta - lo))
        elif ex.start <= change.start and change.end <= ex.end:
            exons.append(Interval(ex.start - lo, ex.end - lo + change.delta))
        else:
            return None  # the change crosses an exon boundary
    spliced = "".join(mutated[x.start : x.end] for x in exons)
    assert tx.cds is not None
    # the start codon's first base, in the mutated local coordinates
    if tx.strand is Strand.PLUS:
        sc = tx.cds.start - lo + (change.delta if change.end <= tx.cds.start else 0)
    else:
        last = tx.cds.end - 1
        sc = last - lo + (change.delta if change.start <= last and change.end <= last else 0)
    before = 0
    index = None
    for x in exons:
        if x.start <= sc < x.end:
            index = before + (sc - x.start)
        before += len(x)
    if index is None:
        return None
    if tx.strand is Strand.MINUS:
        spliced = reverse_complement(spliced)
        index = len(spliced) - 1 - index
    return spliced, index


def _aa3(seq: str) -> list[str]:
    return [THREE_LETTER.get(a, "Xaa") for a in seq]


def _p(ref: str, alt: str, frameshift: bool) -> tuple[str, str, str, int | None]:
    """HGVS protein description: (term, three-letter body, one-letter body, fs distance)."""
    i = 0
    while i < min(len(ref), len(alt)) and ref[i] == alt[i]:
        i += 1
    if i == len(ref) == len(alt):
        return "synonymous_variant", "", "", None
    r3, a3 = _aa3(ref), _aa3(alt)
    if i == 0:
        return "start_lost", "Met1?", "M1?", None
    if frameshift and i < len(alt) and alt[i] != "*":
        dist = alt.index("*", i) - i + 1 if "*" in alt[i:] else None
        tail = f"Ter{dist}" if dist else "Ter?"
        return (
            "frameshift_variant",
            f"{r3[i]}{i + 1}{a3[i]}fs{tail}",
            f"{ref[i]}{i + 1}{alt[i]}fs*{dist or '?'}",
            dist,
        )
    if i < len(alt) and alt[i] == "*" and ref[i] != "*":
        return "stop_gained", f"{r3[i]}{i + 1}Ter", f"{ref[i]}{i + 1}*", None
    if ref[i] == "*":
        # counted as for frameshifts: the residue replacing Ter is 1, the new stop is N
        ext = alt.index("*", i) - i + 1 if "*" in alt[i:] else None
        return (
            "stop_lost",
            f"Ter{i + 1}{a3[i]}extTer{ext if ext else '?'}",
            f"*{i + 1}{alt[i]}ext*{ext if ext else '?'}",
            None,
        )
    return _inframe(ref, alt, i)


def _inframe(ref: str, alt: str, i: int) -> tuple[str, str, str, int | None]:
    j = 0
    while j < min(len(ref), len(alt)) - i and ref[len(ref) - 1 - j] == alt[len(alt) - 1 - j]:
        j += 1
    rmid, amid = ref[i : len(ref) - j], alt[i : len(alt) - j]
    r3 = _aa3(ref)

    def rng(a: int, b: int, three: bool) -> str:
        name = (lambda k: r3[k]) if three else (lambda k: ref[k])
        return f"{name(a)}{a + 1}" if a == b else f"{name(a)}{a + 1}_{name(b)}{b + 1}"

    if len(rmid) == 1 and len(amid) == 1:
        return "missense_variant", f"{r3[i]}{i + 1}{_aa3(amid)[0]}", f"{ref[i]}{i + 1}{amid}", None
    if not rmid:
        n = len(amid)
        if i - n >= 0 and ref[i - n : i] == amid:
            return (
                "inframe_insertion",
                rng(i - n, i - 1, True) + "dup",
                rng(i - n, i - 1, False) + "dup",
                None,
            )
        ins3 = "".join(_aa3(amid))
        return (
            "inframe_insertion",
            rng(i - 1, i, True) + f"ins{ins3}",
            rng(i - 1, i, False) + f"ins{amid}",
            None,
        )
    end = i + len(rmid) - 1
    if not amid:
        return "inframe_deletion", rng(i, end, True) + "del", rng(i, end, False) + "del", None
    ins3 = "".join(_aa3(amid))
    return (
        "inframe_delins",
        rng(i, end, True) + f"delins{ins3}",
        rng(i, end, False) + f"delins{amid}",
        None,
    )


def _coding_change(
    tx: Transcript, genome: GenomeBase, change: GenomicChange, cds_overlap: bool
) -> tuple[str, ProteinChange] | None:
    built = _mutated_transcript(tx, genome, change)
    if built is None:
        return None
    mrna, start = built
    ref_cds = tx.cds_sequence(genome).upper()
    ref_protein = translate(ref_cds, to_stop=True) + "*"
    alt_protein = translate(mrna[start:], partial="ignore")
    if "*" in alt_protein:
        alt_protein = alt_protein[: alt_protein.index("*") + 1]
    frameshift = cds_overlap and change.delta % 3 != 0
    term, three, one, dist = _p(ref_protein, alt_protein, frameshift)
    if term == "synonymous_variant":
        codon = _codon_number(tx, change)
        aa = ref_protein[codon - 1] if codon and codon <= len(ref_protein) else None
        if aa is None:
            return term, ProteinChange("p.(=)", "p.(=)")
        three, one = f"{THREE_LETTER[aa]}{codon}=", f"{aa}{codon}="
        if aa == "*":
            term = "stop_retained_variant"
    return term, _protein(tx, three, one, dist, _codon_change(tx, genome, change))


def _protein(
    tx: Transcript, three: str, one: str, dist: int | None, codon: str | None
) -> ProteinChange:
    legacy = legacy_offset(tx.gene_name)
    legacy_text = note = None
    if legacy is not None and three and not three.startswith("Met1?"):
        offset, note = legacy
        legacy_text = to_legacy(three, offset)
    return ProteinChange(f"p.{three}", f"p.{one}", legacy_text, note, codon, dist)


def _codon_number(tx: Transcript, change: GenomicChange) -> int | None:
    if not change.ref:
        return None
    pos = tx.to_coding(change.start if tx.strand is Strand.PLUS else change.end - 1)
    return (pos.base - 1) // 3 + 1 if pos.region == "cds" and pos.offset == 0 else None


def _codon_change(tx: Transcript, genome: GenomeBase, change: GenomicChange) -> str | None:
    if len(change.ref) != 1 or len(change.alt) != 1:
        return None
    codon = _codon_number(tx, change)
    if codon is None:
        return None
    cds = tx.cds_sequence(genome).upper()
    ref_codon = cds[3 * (codon - 1) : 3 * codon]
    pos = tx.to_coding(change.start).base
    k = (pos - 1) % 3
    alt_base = change.alt if tx.strand is Strand.PLUS else reverse_complement(change.alt)
    return f"{ref_codon}>{ref_codon[:k]}{alt_base}{ref_codon[k + 1 :]}"


def _placements(change: GenomicChange, genome: GenomeBase) -> Interval:
    """The span of every equivalent placement of a pure deletion (it may slide in a repeat)."""
    n = len(change.ref)
    length = genome.contig_length(change.contig)
    lo = max(0, change.start - n - 1)
    hi = min(length, change.end + n + 1)
    seq = genome.fetch_region(change.contig, lo, hi).upper()
    s, e = change.start - lo, change.end - lo
    while s > 0 and seq[s - 1] == seq[e - 1]:
        s, e = s - 1, e - 1
    left = s
    s, e = change.start - lo, change.end - lo
    while e < len(seq) and seq[e] == seq[s]:
        s, e = s + 1, e + 1
    return Interval(left + lo, e + lo)


def _exons_lost(tx: Transcript, change: GenomicChange, genome: GenomeBase) -> tuple[int, ...]:
    """Numbers (5'->3') of the exons that the deleted bases of ``change`` contain whole.

    A deletion in a repeat has several equivalent placements that give the same allele (the
    HGVS 3' rule picks one); an exon counts as lost when one of them contains it, so
    ``c.93_315del`` (exactly HBB exon 2, described 3'-shifted as ``c.94_315+1del``) loses it.
    """
    if not change.ref:
        return ()
    n = len(change.ref)
    span = _placements(change, genome) if not change.alt else Interval(change.start, change.end)
    exons = tx.exons if tx.strand is Strand.PLUS else tuple(reversed(tx.exons))
    return tuple(
        k
        for k, e in enumerate(exons, 1)
        if len(e) <= n and max(span.start, e.end - n) <= min(span.end - n, e.start)
    )


def _exons_within(tx: Transcript, iv: Interval) -> tuple[int, ...]:
    exons = tx.exons if tx.strand is Strand.PLUS else tuple(reversed(tx.exons))
    return tuple(k for k, e in enumerate(exons, 1) if iv.start <= e.start and e.end <= iv.end)


def _duplication(norm: NormalizedChange, tx: Transcript) -> Consequence | None:
    """Structural terms of a duplication that copies whole exons, or None."""
    if norm.kind != "dup":
        return None
    copied = _exons_within(tx, norm.interval)
    if not copied:
        return None
    if len(copied) == len(tx.exons):
        return Consequence(("transcript_amplification",), None, None, None, (), copied)
    pos = norm.interval.start
    terms = (
        "feature_elongation",
        *sorted(_region_terms(tx, norm.interval), key=list(SEVERITY).index),
    )
    return Consequence(terms, ProteinChange("p.?", "p.?"), None, tx.intron_number(pos), (), copied)


def predict_consequence(norm: NormalizedChange, tx: Transcript, genome: GenomeBase) -> Consequence:
    """Consequence of a normalized change on ``tx``.

    >>> from vivo.variants.interpret import interpret_variant
    >>> interpret_variant("HBB c.93-30_315+30del").consequence.terms[0]
    'exon_loss_variant'
    """
    dup = _duplication(norm, tx)
    if dup is not None:
        return dup
    change = norm.change
    iv = _affected(change)
    lost = _exons_lost(tx, change, genome)
    if lost and len(lost) == len(tx.exons):
        return Consequence(
            ("transcript_ablation",), ProteinChange("p.0?", "p.0?"), None, None, lost
        )
    terms = _splice_terms(tx, iv) | _region_terms(tx, iv)
    protein: ProteinChange | None = None
    cds_overlap = tx.cds is not None and any(
        (
            Interval(change.start, change.end).overlaps(seg)
            if change.ref
            else seg.start < change.start < seg.end
        )
        for seg in tx.cds_segments()
    )
    if cds_overlap and not ({"splice_donor_variant", "splice_acceptor_variant"} & terms):
        coding = _coding_change(tx, genome, change, cds_overlap)
        if coding is None:
            terms.add("coding_sequence_variant")
            protein = ProteinChange("p.?", "p.?")
        else:
            term, protein = coding
            terms.add(term)
    elif {"splice_donor_variant", "splice_acceptor_variant"} & terms:
        protein = ProteinChange("p.?", "p.?")
    if lost:
        terms.add("exon_loss_variant")
    if not terms:
        terms.add("coding_sequence_variant")
    ranked = tuple(sorted(terms, key=list(SEVERITY).index))
    pos = change.start if change.ref else max(0, change.start - 1)
    return Consequence(ranked, protein, tx.exon_number(pos), tx.intron_number(pos), lost)
