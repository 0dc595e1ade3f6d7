"""Repair outcomes of a Cas9 double-strand break: Bae 2014 scores and an outcome spectrum.

Two models are used here.

* :func:`bae_microhomology` (in :mod:`vivo.editing.microhomology`, re-exported here) is the
  microhomology (MH) and out-of-frame (OOF) score of
  Bae et al., Nat Methods 2014;11:705-706, implemented exactly as published (including the
  rounding of the length factor to three decimals). It reproduces the paper's EMX1 example
  (MH 4662.9, OOF 50.7473889639).
* :func:`predict_repair` ("vivo-repair", version 1) is vivo's own outcome model: every
  deletion spanning the cut (grouped by product, so a deletion in a repeat is one genotype)
  and every 1-bp insertion, each with a frequency. Its method and parameters are documented
  in ``docs/models/repair_outcomes.md``; it represents a generic cell line and does not model
  cell-type differences (it says so in its result).

Sequences are written 5'->3' on the protospacer strand with the blunt cut after ``cut_index``
bases (30 in the canonical 60-mer, i.e. 3 bp 5' of the PAM for SpCas9).

Examples
--------
>>> emx1 = "GGAGGAAGGGCCTGAGTCCGAGCAGAAGAAGAAGGGCTCCCATCACATCAACCGGTGGCG"
>>> s = bae_microhomology(emx1)
>>> round(s.mh_score, 1), round(s.oof_score, 10)
(4662.9, 50.7473889639)
>>> p = predict_repair(emx1)
>>> round(sum(o.frequency for o in p.outcomes), 6)
1.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, Protocol

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.core.seq import translate, validate_dna
from vivo.editing.microhomology import (
    BAE2014,
    BAE_MODEL_INFO,
    LENGTH_WEIGHT,
    MicrohomologyPattern,
    MicrohomologyScore,
    bae_microhomology,
    mh_points,
)
from vivo.genome.base import GenomeBase

__all__ = [
    "BAE2014",
    "BAE_MODEL_INFO",
    "MODEL_INFO",
    "KnockoutEstimate",
    "MicrohomologyPattern",
    "MicrohomologyScore",
    "RepairOutcome",
    "RepairParameters",
    "RepairPrediction",
    "bae_microhomology",
    "cut_window",
    "estimate_knockout",
    "predict_repair",
    "predict_repair_at",
    "summarize_outcomes",
]

SHEN2018: Final = Citation(
    key="Shen2018",
    authors="Shen MW, Arbab M, Hsu JY, et al.",
    title="Predictable and precise template-free CRISPR editing of pathogenic variants",
    journal="Nature",
    year=2018,
    doi="10.1038/s41586-018-0686-x",
)
CHEN2019: Final = Citation(
    key="Chen2019",
    authors="Chen W, McKenna A, Schreiber J, et al.",
    title="Massively parallel profiling and predictive modeling of the outcomes of "
    "CRISPR/Cas9-mediated double-strand break repair",
    journal="Nucleic Acids Res",
    year=2019,
    doi="10.1093/nar/gkz487",
)
KIM2024: Final = Citation(
    key="NatCommun2024",
    authors="(Nat Commun 2024, s41467-024-54566-7)",
    title="The interplay of DNA repair context with target sequence predictably biases "
    "Cas9-generated mutations",
    journal="Nat Commun",
    year=2024,
    url="https://www.nature.com/articles/s41467-024-54566-7",
)

MODEL_INFO: Final = ModelInfo(
    name="vivo-repair",
    version="1",
    citation=SHEN2018,
    input_contract="DNA sequence on the protospacer strand with the blunt cut after cut_index "
    "bases (>= 10 nt each side); SpCas9-like blunt cut",
    notes="deletions grouped by product, MH weight from Bae 2014, 1-bp insertions templated by "
    "the -4 nucleotide; generic cell line, no cell-type model",
    extra_citations=(BAE2014, CHEN2019, KIM2024),
)


# --------------------------------------------------------------------------- windows
class CutSite(Protocol):
    """Anything with a contig, a plus-strand cut position and a strand (e.g. a Guide)."""

    @property
    def contig(self) -> str: ...

    @property
    def cut_site(self) -> int: ...

    @property
    def strand(self) -> Strand: ...


def cut_window(
    genome: GenomeBase, *, contig: str, cut_site: int, strand: Strand, flank: int = 30
) -> str:
    """The ``2*flank`` nt around a blunt cut, 5'->3' on the protospacer strand, upper case.

    ``cut_site`` is the plus-strand position ``p`` with the cut between ``p-1`` and ``p``
    (the ``Guide.cut_site`` convention). The cut lies after ``flank`` bases of the result
    on either strand.
    """
    start, end = cut_site - flank, cut_site + flank
    if start < 0 or end > genome.contig_length(contig):
        raise InputError(
            f"the cut at {contig}:{cut_site} is closer than {flank} bp to the contig end",
            hint="use a smaller flank or a longer genome sequence",
        )
    return genome.fetch(Locus(contig, Interval(start, end), strand)).upper()


# --------------------------------------------------------------------------- vivo-repair
OutcomeKind = Literal["mh_deletion", "deletion", "insertion"]


@dataclass(frozen=True, slots=True)
class RepairParameters:
    """Parameters of vivo-repair v1 (see ``docs/models/repair_outcomes.md``).

    Relative class weights: a deletion with microhomology ``m`` (>= 2 nt) of length ``d``
    weighs ``mh_weight * points(m) * exp(-d/20)``; the deletions of length ``d`` without (or
    with 1 nt of) microhomology share ``mhless_weight * exp(-d/mhless_decay_nt)`` equally;
    the 1-bp insertion
    class weighs ``insertion_weight[-4 nucleotide]``, split over the inserted base.
    """

    mh_weight: float = 0.04
    mhless_weight: float = 0.2
    mhless_decay_nt: float = 3.0
    insertion_weight: tuple[tuple[str, float], ...] = (
        ("T", 2.1), ("A", 1.7), ("C", 1.05), ("G", 0.65),
    )  # fmt: skip
    templated_fraction: float = 0.80  # inserted base = the -4 (PAM-distal) nucleotide
    proximal_fraction: float = 0.12  # inserted base = the -3 (PAM-proximal) nucleotide
    max_deletion_nt: int = 30


@dataclass(frozen=True, slots=True)
class RepairOutcome:
    """One repair genotype. ``start`` is relative to the cut (0 = first base right of it)."""

    kind: OutcomeKind
    indel_nt: int  # signed length change: -d for deletions, +1 for an insertion
    start: int  # deletions: leftmost (5') representative start relative to the cut
    sequence: str  # deleted or inserted bases
    microhomology: str
    frequency: float
    product: str  # the repaired window

    @property
    def frameshift(self) -> bool:
        """True if the length change is not a multiple of 3."""
        return self.indel_nt % 3 != 0

    @property
    def label(self) -> str:
        """A compact name such as ``del5:-3`` or ``ins1:T``."""
        if self.kind == "insertion":
            return f"ins1:{self.sequence}"
        return f"del{-self.indel_nt}:{self.start:+d}"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "label": self.label,
            "kind": self.kind,
            "indel_nt": self.indel_nt,
            "start_from_cut": self.start,
            "sequence": self.sequence,
            "microhomology": self.microhomology,
            "frequency": self.frequency,
            "frameshift": self.frameshift,
        }


@dataclass(frozen=True, slots=True)
class RepairPrediction:
    """The predicted spectrum of NHEJ/MMEJ outcomes at one cut."""

    sequence: str
    cut_index: int
    outcomes: tuple[RepairOutcome, ...]  # most frequent first
    bae: MicrohomologyScore | None
    cell_type: str
    cell_type_note: str
    parameters: RepairParameters = field(default_factory=RepairParameters)
    model: ModelInfo = MODEL_INFO

    def fraction(self, kind: OutcomeKind) -> float:
        """Total frequency of one outcome class."""
        return sum(o.frequency for o in self.outcomes if o.kind == kind)

    @property
    def frameshift_fraction(self) -> float:
        """Fraction of repaired (indel) alleles whose length change is not a multiple of 3."""
        return sum(o.frequency for o in self.outcomes if o.frameshift)

    @property
    def precision(self) -> float:
        """Frequency of the most frequent outcome ("precise-50" when >= 0.5, Shen 2018)."""
        return self.outcomes[0].frequency if self.outcomes else 0.0

    def to_dict(self, *, top: int = 20) -> dict[str, object]:
        """JSON-ready summary with the ``top`` outcomes."""
        return {
            "sequence": self.sequence,
            "cut_index": self.cut_index,
            "frameshift_fraction": self.frameshift_fraction,
            "mh_deletion_fraction": self.fraction("mh_deletion"),
            "mhless_deletion_fraction": self.fraction("deletion"),
            "insertion_fraction": self.fraction("insertion"),
            "precision": self.precision,
            "cell_type": self.cell_type,
            "cell_type_note": self.cell_type_note,
            "bae2014": None if self.bae is None else self.bae.to_dict(),
            "outcomes": [o.to_dict() for o in self.outcomes[:top]],
            "n_outcomes": len(self.outcomes),
            "model": self.model.as_dict(),
        }


_CELL_TYPE_NOTE: Final = (
    "vivo-repair v1 has one parameter set (a generic cultured cell line); repair outcomes "
    "differ between cell types (inDelphi trains per cell line; primary T cells differ, "
    "SPROUT) and this model does not predict those differences"
)
CELL_TYPES: Final = ("generic",)


def _deletion_groups(s: str, cut: int, max_d: int) -> dict[str, tuple[int, int, int]]:
    """Product -> (deletion length, first start, number of equivalent starts)."""
    groups: dict[str, tuple[int, int, int]] = {}
    for d in range(1, max_d + 1):
        for a in range(max(0, cut - d), min(cut, len(s) - d) + 1):
            product = s[:a] + s[a + d :]
            if product in groups:
                dd, first, n = groups[product]
                groups[product] = (dd, first, n + 1)
            else:
                groups[product] = (d, a, 1)
    return groups


def _deletion_outcomes(
    s: str, cut: int, params: RepairParameters
) -> list[tuple[RepairOutcome, float]]:
    groups = _deletion_groups(s, cut, params.max_deletion_nt)
    n_mhless: dict[int, int] = {}
    for d, _, n in groups.values():
        if n < 3:
            n_mhless[d] = n_mhless.get(d, 0) + 1
    out: list[tuple[RepairOutcome, float]] = []
    for product, (d, first, n) in groups.items():
        mh = s[first : first + n - 1]
        if len(mh) >= 2:
            kind: OutcomeKind = "mh_deletion"
            weight = params.mh_weight * mh_points(mh) * math.exp(-d / LENGTH_WEIGHT)
        else:
            kind = "deletion"
            weight = params.mhless_weight * math.exp(-d / params.mhless_decay_nt) / n_mhless[d]
        deleted = s[first : first + d]
        out.append((RepairOutcome(kind, -d, first - cut, deleted, mh, 0.0, product), weight))
    return out


def _insertion_outcomes(
    s: str, cut: int, params: RepairParameters
) -> list[tuple[RepairOutcome, float]]:
    distal, proximal = s[cut - 1], s[cut]
    total = dict(params.insertion_weight).get(distal, 0.5)
    shares = {b: 0.0 for b in "ACGT"}
    shares[distal] += params.templated_fraction
    shares[proximal] += params.proximal_fraction
    others = [b for b in "ACGT" if b not in {distal, proximal}]
    rest = 1.0 - params.templated_fraction - params.proximal_fraction
    for b in others:
        shares[b] += rest / len(others)
    norm = sum(shares.values())
    return [
        (
            RepairOutcome("insertion", 1, 0, b, "", 0.0, s[:cut] + b + s[cut:]),
            total * shares[b] / norm,
        )
        for b in "ACGT"
        if shares[b] > 0
    ]


def predict_repair(
    seq: str,
    *,
    cut_index: int | None = None,
    cell_type: str = "generic",
    parameters: RepairParameters | None = None,
) -> RepairPrediction:
    """Predict the NHEJ/MMEJ outcome spectrum of a blunt Cas9 cut (vivo-repair v1).

    Parameters
    ----------
    seq:
        DNA 5'->3' on the protospacer strand (e.g. the 60-mer from :func:`cut_window`).
    cut_index:
        Bases left of the cut (default: half the length).
    cell_type:
        Only ``"generic"`` is supported; the result explains why.
    parameters:
        Model parameters (defaults documented in ``docs/models/repair_outcomes.md``).

    Returns
    -------
    RepairPrediction
        Outcomes with frequencies summing to 1 over repaired (indel) alleles, most
        frequent first, the frameshift fraction and the Bae 2014 scores when defined.

    Examples
    --------
    >>> p = predict_repair("GGAGGAAGGGCCTGAGTCCGAGCAGAAGAAGAAGGGCTCCCATCACATCAACCGGTGGCG")
    >>> p.outcomes[0].label, 0.0 < p.frameshift_fraction < 1.0
    ('ins1:A', True)
    """
    s = validate_dna(seq, what="sequence").upper()
    if set(s) - set("ACGT"):
        raise InputError("repair prediction needs unambiguous A/C/G/T bases")
    cut = len(s) // 2 if cut_index is None else cut_index
    if cut < 10 or len(s) - cut < 10:
        raise InputError(
            f"need at least 10 nt on each side of the cut (cut after {cut} of {len(s)} nt)",
            hint="pass the 60-mer from cut_window(..., flank=30)",
        )
    if cell_type not in CELL_TYPES:
        raise InputError(
            f"vivo-repair v1 has no parameters for cell type {cell_type!r}",
            hint="use cell_type='generic'; " + _CELL_TYPE_NOTE,
        )
    params = parameters or RepairParameters()
    weighted = _deletion_outcomes(s, cut, params) + _insertion_outcomes(s, cut, params)
    total = sum(w for _, w in weighted)
    outcomes = sorted(
        (_with_frequency(o, w / total) for o, w in weighted),
        key=lambda o: (-o.frequency, o.label),
    )
    bae = bae_microhomology(s, left=cut) if len(s) <= 100 and 2 < cut < len(s) - 1 else None
    return RepairPrediction(
        sequence=s,
        cut_index=cut,
        outcomes=tuple(outcomes),
        bae=bae,
        cell_type=cell_type,
        cell_type_note=_CELL_TYPE_NOTE,
        parameters=params,
    )


def _with_frequency(o: RepairOutcome, f: float) -> RepairOutcome:
    return RepairOutcome(o.kind, o.indel_nt, o.start, o.sequence, o.microhomology, f, o.product)


def predict_repair_at(
    genome: GenomeBase,
    site: CutSite,
    *,
    flank: int = 30,
    cell_type: str = "generic",
    parameters: RepairParameters | None = None,
) -> RepairPrediction:
    """:func:`predict_repair` at a guide's cut (anything with contig, cut_site, strand)."""
    seq = cut_window(
        genome, contig=site.contig, cut_site=site.cut_site, strand=site.strand, flank=flank
    )
    return predict_repair(seq, cut_index=flank, cell_type=cell_type, parameters=parameters)


# --------------------------------------------------------------------------- knockout
@dataclass(frozen=True, slots=True)
class KnockoutEstimate:
    """Loss-of-function estimate for a cut in a coding exon."""

    frameshift_fraction: float
    inframe_stop_fraction: float
    lof_fraction_of_edited: float  # frameshift + in-frame outcomes that create a stop codon
    editing_efficiency: float
    knockout_probability: float  # per allele = efficiency * lof_fraction_of_edited
    biallelic_probability: float  # both alleles, independent
    assumptions: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {k: getattr(self, k) for k in self.__slots__}


def _creates_stop(o: RepairOutcome, frame: int) -> bool:
    start = frame
    codons = translate(o.product[start : start + 3 * ((len(o.product) - start) // 3)])
    return "*" in codons


def estimate_knockout(
    prediction: RepairPrediction,
    *,
    frame: int | None = None,
    editing_efficiency: float = 1.0,
) -> KnockoutEstimate:
    """Knockout probability of a coding cut from a repair spectrum.

    Parameters
    ----------
    prediction:
        From :func:`predict_repair`; its window must be on the coding strand.
    frame:
        Index in ``prediction.sequence`` of the first base of a codon (0, 1 or 2). With it,
        in-frame outcomes that create a stop codon in the window count as loss of function.
    editing_efficiency:
        Fraction of alleles that carry an indel (0-1).
    """
    if not 0.0 <= editing_efficiency <= 1.0:
        raise InputError(f"editing_efficiency must be within 0-1, got {editing_efficiency}")
    if frame is not None and frame not in (0, 1, 2):
        raise InputError(f"frame must be 0, 1 or 2, got {frame}")
    fs = prediction.frameshift_fraction
    stop = 0.0
    if frame is not None and "*" not in translate(_whole_codons(prediction.sequence, frame)):
        stop = sum(
            o.frequency for o in prediction.outcomes if not o.frameshift and _creates_stop(o, frame)
        )
    lof = fs + stop
    p = editing_efficiency * lof
    return KnockoutEstimate(
        frameshift_fraction=fs,
        inframe_stop_fraction=stop,
        lof_fraction_of_edited=lof,
        editing_efficiency=editing_efficiency,
        knockout_probability=p,
        biallelic_probability=p * p,
        assumptions="frameshifts are loss of function; in-frame indels are not, unless they "
        "create a stop codon in the window; alleles are edited independently",
    )


def _whole_codons(seq: str, frame: int) -> str:
    return seq[frame : frame + 3 * ((len(seq) - frame) // 3)]


def summarize_outcomes(outcomes: Sequence[RepairOutcome], top: int = 5) -> str:
    """A one-line summary such as ``ins1:A 31%, del2:-2 8%``."""
    return ", ".join(f"{o.label} {100 * o.frequency:.0f}%" for o in outcomes[:top])
