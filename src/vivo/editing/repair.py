"""Repair outcomes of a Cas9 double-strand break: Bae 2014 scores and an outcome spectrum.

Two models are used here.

* :func:`bae_microhomology` (in :mod:`vivo.editing.microhomology`, re-exported here) is the
  microhomology (MH) and out-of-frame (OOF) score of
  Bae et al., Nat Methods 2014;11:705-706, implemented exactly as published (including the
  rounding of the length factor to three decimals). It reproduces the paper's EMX1 example
  (MH 4662.9, OOF 50.7473889639).
* :func:`predict_repair` ("vivo-repair", version 3) is vivo's own outcome model: every
  deletion spanning the cut (grouped by product, so a deletion in a repeat is one genotype)
  and every 1-bp insertion, each with a frequency. Microhomology (MH) deletions are weighted
  by a log-weight per MH length (1, 2, 3, 4, >= 5 nt), the G/C bases of the MH and the
  deletion length, MH-less deletions by length, and 1-bp insertions by the measured tables
  of the -4 nucleotide (Shen et al. 2018). Eleven parameters were fitted on half of the
  bundled measured spectra (tests/data/repair), the design was chosen by cross-validation
  inside that half, and the result was checked once on the other half;
  method, parameters and the validation table are in ``docs/models/repair_outcomes.md``. It
  represents a generic cell line and does not model cell-type differences (it says so in its
  result).

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
VANOVERBEEK2016: Final = Citation(
    key="vanOverbeek2016",
    authors="van Overbeek M, Capurso D, Carter MM, et al.",
    title="DNA repair profiling reveals nonrandom outcomes at Cas9-mediated breaks",
    journal="Mol Cell",
    year=2016,
    doi="10.1016/j.molcel.2016.06.037",
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
    version="3",
    citation=SHEN2018,
    input_contract="DNA sequence on the protospacer strand with the blunt cut after cut_index "
    "bases (>= 10 nt each side); SpCas9-like blunt cut",
    notes="deletions grouped by product; MH deletions weighted per MH length (1-5+ nt), MH "
    "G/C bases and deletion length, MH-less deletions by length, 1-bp insertions by the "
    "measured -4 nucleotide tables of Shen 2018; 11 parameters fitted on half of 84 HEK293T "
    "endogenous sites and 350 mESC Lib-B sites (Shen 2018 measurements), validated on the "
    "other half (frameshift MAE 7.4 points held-out, goal 6 not met); generic cell line, no "
    "cell-type model",
    extra_citations=(BAE2014, VANOVERBEEK2016, CHEN2019, KIM2024),
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

# Measured 1-bp insertions by the -4 nucleotide (the base 5' of the cut, spacer position 17):
# Shen et al. 2018 Source Data Fig. 2a/2c (Lib-A, mESC; n = 367-661 target sites per base),
# summarised in tests/data/repair/ins1bp_by_minus4_mesc.csv.
#   mean fraction of edited reads that are 1-bp insertions: A 0.1055, C 0.0698, G 0.0313,
#   T 0.1139; the share of each inserted base (A, C, G, T) given the -4 base below.
INS1_RATE_MESC: Final = (("A", 0.1055), ("C", 0.0698), ("G", 0.0313), ("T", 0.1139))
INS1_BASE_SHARE_MESC: Final = (
    ("A", (0.7132, 0.0705, 0.0631, 0.1533)),
    ("C", (0.1402, 0.6024, 0.0847, 0.1727)),
    ("G", (0.1863, 0.1445, 0.4249, 0.2443)),
    ("T", (0.0830, 0.0344, 0.0511, 0.8314)),
)  # fmt: skip


# Log-weight of a microhomology deletion by MH length 1, 2, 3, 4 and >= 5 nt (vivo-repair v3,
# fitted; see RepairParameters and docs/models/repair_outcomes.md).
MH_LENGTH_LOG_WEIGHTS: Final = (-0.663, 0.816, 1.68, 1.74, 2.15)


@dataclass(frozen=True, slots=True)
class RepairParameters:
    """Parameters of vivo-repair v3 (see ``docs/models/repair_outcomes.md``).

    Genotype weights (normalised to frequencies over all modelled outcomes):

    * a deletion of length ``d`` whose junction has a microhomology ``m`` of >= 1 nt weighs
      ``mh_weight * exp(mh_points_coef * points(m) + mh_length_coef * len(m)
      + mh_length_log_weights[min(len(m), K) - 1] - d / mh_decay_nt)``, ``points`` being the
      Bae 2014 points (A/T 1, G/C 2) and ``K`` the length of ``mh_length_log_weights`` (its
      last entry applies to every longer microhomology);
    * the deletions of length ``d`` with 0-1 nt of microhomology additionally share
      ``mhless_weight * exp(-d / mhless_decay_nt)`` equally (MH-less end joining);
    * the 1-bp insertions together weigh ``insertion_weight * rate / (1 - rate) * D**k``
      (``k`` = ``insertion_deletion_exponent``), where ``rate`` is the measured 1-bp
      insertion fraction for the -4 nucleotide (``insertion_rate``) and ``D`` the site's
      total deletion weight, split over the inserted base by the measured shares
      (``inserted_base_share``). With ``k = 1`` the insertion fraction is the measured
      mean for the -4 base at every site; with ``k < 1`` strong microhomology (large ``D``)
      lowers it.

    ``mh_points_coef``, ``mh_length_log_weights``, ``mh_decay_nt``, ``mhless_weight``,
    ``mhless_decay_nt``, ``insertion_weight`` and ``insertion_deletion_exponent`` were
    fitted on the "fit" half of the bundled measured spectra
    (``benchmarks/repair_validation.py --fit``); ``mh_weight`` fixes the scale and
    ``mh_length_coef`` (the log-linear MH-length term of version 2) is ``-mh_points_coef`` in
    version 3, so that the two together count the G/C bases of the MH (Bae points minus
    length = number of G/C).
    """

    mh_weight: float = 1.0
    mh_points_coef: float = 0.316
    mh_length_coef: float = -0.316
    mh_length_log_weights: tuple[float, ...] = MH_LENGTH_LOG_WEIGHTS
    mh_decay_nt: float = 5.62
    mhless_weight: float = 14.0
    mhless_decay_nt: float = 0.428
    insertion_weight: float = 1.92
    insertion_deletion_exponent: float = 1.0
    insertion_rate: tuple[tuple[str, float], ...] = INS1_RATE_MESC
    inserted_base_share: tuple[tuple[str, tuple[float, float, float, float]], ...] = (
        INS1_BASE_SHARE_MESC
    )
    max_deletion_nt: int = 30

    def __post_init__(self) -> None:
        for name in ("mh_weight", "mh_decay_nt", "mhless_decay_nt"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise InputError(f"RepairParameters.{name} must be a positive number, got {value}")
        if not math.isfinite(self.mh_length_coef):
            raise InputError(
                f"RepairParameters.mh_length_coef must be finite, got {self.mh_length_coef}"
            )
        for name in (
            "mh_points_coef",
            "mhless_weight",
            "insertion_weight",
            "insertion_deletion_exponent",
        ):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise InputError(f"RepairParameters.{name} must be >= 0, got {value}")
        if not self.mh_length_log_weights or not all(
            math.isfinite(v) for v in self.mh_length_log_weights
        ):
            raise InputError(
                "RepairParameters.mh_length_log_weights must be a non-empty tuple of finite "
                f"numbers, got {self.mh_length_log_weights}"
            )
        if self.max_deletion_nt < 1:
            raise InputError(f"max_deletion_nt must be >= 1, got {self.max_deletion_nt}")


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
    "vivo-repair v3 has one parameter set, fitted on measured spectra of HEK293T (endogenous "
    "sites) and mESC (library sites); repair outcomes differ between cell types (inDelphi "
    "trains per cell line; primary T cells differ, SPROUT) and this model does not predict "
    "those differences"
)
CELL_TYPES: Final = ("generic",)


@dataclass(frozen=True, slots=True)
class _Genotype:
    """A candidate genotype before weighting (shared by prediction and fitting)."""

    outcome: RepairOutcome
    deletion_nt: int  # 0 for insertions
    mh_points: int  # Bae points of the junction microhomology (0 if none)
    mh_nt: int
    mhless_share: float  # 1 / (number of 0-1 nt MH genotypes of this length), 0 otherwise
    inserted_share: float  # insertions: share of this inserted base; 0 for deletions


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


def _genotypes(s: str, cut: int, params: RepairParameters) -> list[_Genotype]:
    groups = _deletion_groups(s, cut, params.max_deletion_nt)
    n_mhless: dict[int, int] = {}
    for d, _, n in groups.values():
        if n <= 2:
            n_mhless[d] = n_mhless.get(d, 0) + 1
    out: list[_Genotype] = []
    for product, (d, first, n) in groups.items():
        mh = s[first : first + n - 1]
        kind: OutcomeKind = "mh_deletion" if len(mh) >= 2 else "deletion"
        share = 1.0 / n_mhless[d] if n <= 2 else 0.0
        outcome = RepairOutcome(kind, -d, first - cut, s[first : first + d], mh, 0.0, product)
        out.append(_Genotype(outcome, d, mh_points(mh) if mh else 0, len(mh), share, 0.0))
    minus4 = s[cut - 1]
    shares = dict(params.inserted_base_share).get(minus4, (0.25, 0.25, 0.25, 0.25))
    for base, share in zip("ACGT", shares, strict=True):
        if share > 0:
            outcome = RepairOutcome("insertion", 1, 0, base, "", 0.0, s[:cut] + base + s[cut:])
            out.append(_Genotype(outcome, 0, 0, 0, 0.0, share / sum(shares)))
    return out


def _weights(s: str, cut: int, genotypes: Sequence[_Genotype], p: RepairParameters) -> list[float]:
    """Unnormalised genotype weights (see :class:`RepairParameters`)."""
    weights: list[float] = []
    for g in genotypes:
        if g.deletion_nt == 0:
            weights.append(0.0)
            continue
        w = 0.0
        if g.mh_nt >= 1:
            steps = p.mh_length_log_weights
            w += p.mh_weight * math.exp(
                p.mh_points_coef * g.mh_points
                + p.mh_length_coef * g.mh_nt
                + steps[min(g.mh_nt, len(steps)) - 1]
                - g.deletion_nt / p.mh_decay_nt
            )
        if g.mhless_share > 0:
            w += p.mhless_weight * math.exp(-g.deletion_nt / p.mhless_decay_nt) * g.mhless_share
        weights.append(w)
    total_deletion = sum(weights)
    rate = dict(p.insertion_rate).get(s[cut - 1], 0.08)
    scale = total_deletion**p.insertion_deletion_exponent if total_deletion > 0 else 1.0
    insertion_total = p.insertion_weight * rate / (1.0 - rate) * scale
    return [
        insertion_total * g.inserted_share if g.deletion_nt == 0 else w
        for g, w in zip(genotypes, weights, strict=True)
    ]


def predict_repair(
    seq: str,
    *,
    cut_index: int | None = None,
    cell_type: str = "generic",
    parameters: RepairParameters | None = None,
) -> RepairPrediction:
    """Predict the NHEJ/MMEJ outcome spectrum of a blunt Cas9 cut (vivo-repair v3).

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
    ('del3:-3', True)
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
            f"vivo-repair v3 has no parameters for cell type {cell_type!r}",
            hint="use cell_type='generic'; " + _CELL_TYPE_NOTE,
        )
    params = parameters or RepairParameters()
    genotypes = _genotypes(s, cut, params)
    weights = _weights(s, cut, genotypes, params)
    total = sum(weights)
    outcomes = sorted(
        (_with_frequency(g.outcome, w / total) for g, w in zip(genotypes, weights, strict=True)),
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
