"""Antisense oligonucleotide (ASO) design: RNase H gapmers and splice-switching oligos.

Two families, one result type (:class:`AsoResult`):

- :func:`design_gapmers` tiles the mature mRNA (or the pre-mRNA) with gapmers of one
  chemistry (:mod:`vivo.rna.aso_chemistry`) and ranks them by motif flags (CpG, G-quadruplex,
  LNA/cEt toxicity trinucleotides), GC window, off-target sites and target accessibility.
- :func:`design_splice_switching` tiles an exon and its flanking introns with uniformly
  modified steric blockers (2'-MOE or PMO, 18-30 nt) and scores each tile with the
  splice-regulatory elements it covers (:mod:`vivo.rna.splicing`) and the site properties that
  published analyses of splice-switching oligos found predictive; skip-mode terms are weighted
  by chemistry after the feature importances of eSkip-Finder (Chiba et al. 2021).
  ``mode="skip"`` looks for exon skipping (cover enhancers and splice sites),
  ``mode="include"`` for exon inclusion (cover silencers, never the exon's own splice sites).
  The model, its terms and its validation against nusinersen and eteplirsen are documented in
  ``docs/models/aso.md``.

Off-targets: pass :class:`vivo.rna.offtargets.PamlessIndex` objects (``transcript_index``,
``genome_index``) and every reported oligo is searched with up to two mismatches; the on-target
site is removed by position, and transcript sites in the designed gene's own transcripts (other
isoforms) are not counted.

All positions are 0-based half-open in the designed sequence (mRNA or pre-mRNA, ``kind``);
oligo sequences are DNA letters 5'->3' (the reverse complement of the target).

>>> from vivo.rna.transcript import transcript_from_sequence
>>> tx = transcript_from_sequence("toy", "GGCAUCAGAUCCUAGGCAUACGAUCGAUGGCUAAGCUAGCUAGGAUCCAGUC")
>>> res = design_gapmers(tx, chemistry="moe-5-10-5", top=2, accessibility=False)
>>> [len(d.oligo) for d in res.designs]
[20, 20]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from vivo.core.coords import Interval
from vivo.core.errors import InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.core.seq import gc_content, reverse_complement
from vivo.rna import aso_fold
from vivo.rna.aso_chemistry import STERIC_LENGTHS, Chemistry, get_chemistry, motif_flags
from vivo.rna.aso_maxent import MAXENT_INFO, YEO2004, exon_site_strengths
from vivo.rna.offtargets import NearSite, PamlessIndex, ShardedTranscriptome, search_near_sites
from vivo.rna.splicing import ESEFINDER_INFO, ESRSEQ_INFO, FAS_ESS_INFO, element_track
from vivo.rna.transcript import RnaTranscript, SequenceKind, SiteLocation

__all__ = [
    "ASO_MODES",
    "MODEL_INFO",
    "AsoDesign",
    "AsoMode",
    "AsoResult",
    "OffTargetSummary",
    "design_asos",
    "design_gapmers",
    "design_splice_switching",
    "splice_tile_scores",
]

AsoMode = Literal["gapmer", "skip", "include"]
ASO_MODES: Final = ("gapmer", "skip", "include")

AARTSMA_RUS2009 = Citation(
    key="AartsmaRus2009",
    authors="Aartsma-Rus A, van Vliet L, Hirschi M, Janson AA, Heemskerk H, de Winter CL, "
    "de Kimpe S, van Deutekom JC, 't Hoen PA, van Ommen GJ",
    title="Guidelines for antisense oligonucleotide design and insight into splice-modulating "
    "mechanisms",
    journal="Mol Ther",
    year=2009,
    doi="10.1038/mt.2008.205",
)
ECHIGOYA2015 = Citation(
    key="Echigoya2015",
    authors="Echigoya Y, Mouly V, Garcia L, Yokota T, Duddy W",
    title="In silico screening based on predictive algorithms as a design tool for exon skipping "
    "oligonucleotides in Duchenne muscular dystrophy",
    journal="PLoS One",
    year=2015,
    doi="10.1371/journal.pone.0120058",
)
CHIBA2021 = Citation(
    key="Chiba2021",
    authors="Chiba S, Lim KRQ, Sheri N, Anwar S, Erkut E, Shah MNA, Aslesh T, Woo S, Sheikh O, "
    "Maruyama R, Takano H, Kunitake K, Duddy W, Okuno Y, Aoki Y, Yokota T",
    title="eSkip-Finder: a machine learning-based web application and database to identify the "
    "optimal sequences of antisense oligonucleotides for exon skipping",
    journal="Nucleic Acids Res",
    year=2021,
    doi="10.1093/nar/gkab442",
)

MODEL_INFO: Final = ModelInfo(
    name="vivo splice-switching ASO score",
    version="3 (skip: term weights proportional to eSkip-Finder feature importances, by "
    "chemistry; include: equal weights; not fitted to vivo's own data)",
    citation=AARTSMA_RUS2009,
    input_contract="pre-mRNA with the target exon and flanking intron; 18-30-nt steric blockers",
    notes="skip, PMO: exon GC left after blocking, binding energy (duplex + opening), 3' "
    "target accessibility, net ESRseq, splice-site cover; skip, 2'-MOE (2'-OMe weights): oligo "
    "GC, distance to the acceptor, exon GC left after blocking, splice-site cover; include: "
    "ESS/ISS, ESE (negative), binding energy, accessibility, proximity to the exon, splice-site "
    "cores excluded",
    extra_citations=(
        ECHIGOYA2015, CHIBA2021, YEO2004,
        ESRSEQ_INFO.citation, FAS_ESS_INFO.citation, ESEFINDER_INFO.citation,
    ),
)  # fmt: skip

#: Splice-site cores (Yeo & Burge 2004 MaxEntScan windows): acceptor = 20 intronic + 3 exonic
#: nt, donor = 3 exonic + 6 intronic nt.
ACCEPTOR_CORE: Final = (20, 3)
DONOR_CORE: Final = (3, 6)
#: Intron length compared in the exon-GC term (Chiba et al. 2021: 200 nt upstream of the exon).
GC_INTRON_NT: Final = 200
#: Nucleotides of the 3' end of the target whose accessibility counts (Chiba et al. 2021).
ACC_3PRIME_NT: Final = 15
#: vivo defaults (not from a study): intron flank tiled on each side, gapmer GC window,
#: self-complementarity flag, design counts.
DEFAULT_FLANK: Final = 100
GC_WINDOW: Final = (0.30, 0.70)
SELF_COMP_FLAG_BP: Final = 6
MAX_MISMATCHES: Final = 2
#: Oligo lengths the off-target index accepts (vivo.rna.offtargets.SITE_RANGE).
_SEARCH_LENGTHS: Final = (16, 30)


@dataclass(frozen=True, slots=True)
class OffTargetSummary:
    """Off-target sites of one oligo (on-target removed): counts by mismatches 0, 1, 2."""

    transcriptome: tuple[int, ...] | None
    genome: tuple[int, ...] | None
    sites: tuple[NearSite, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready counts and up to 20 listed sites."""
        return {
            "transcriptome_by_mismatches": None
            if self.transcriptome is None
            else list(self.transcriptome),
            "genome_by_mismatches": None if self.genome is None else list(self.genome),
            "sites": [s.to_dict() for s in self.sites[:20]],
            "sites_total": len(self.sites),
        }


@dataclass(frozen=True, slots=True)
class AsoDesign:
    """One ASO: where it binds, what it is, how it scored.

    ``oligo`` is 5'->3' (DNA letters; the reverse complement of ``target``); ``pattern`` marks
    modified (``M``) and DNA (``d``) positions; ``terms`` are the score's components (raw
    values; see docs/models/aso.md); ``flags`` are warnings (motifs, GC, self-complementarity).
    """

    rank: int
    oligo: str
    target: str
    start: int
    end: int
    kind: SequenceKind
    location: SiteLocation
    chemistry: str
    pattern: str
    gc: float
    score: float
    terms: dict[str, float | None]
    flags: tuple[str, ...]
    self_dimer_bp: int
    hairpin_bp: int
    offtargets: OffTargetSummary | None = None
    snps: tuple[int, ...] = ()

    @property
    def length(self) -> int:
        """Oligo length (nt)."""
        return len(self.oligo)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready fields."""
        return {
            "rank": self.rank,
            "oligo_5to3": self.oligo,
            "length": self.length,
            "target_sense": self.target,
            "location": self.location.to_dict(),
            "chemistry": self.chemistry,
            "pattern": self.pattern,
            "gc": round(self.gc, 3),
            "score": round(self.score, 3),
            "terms": {k: None if v is None else round(v, 3) for k, v in self.terms.items()},
            "flags": list(self.flags),
            "self_dimer_bp": self.self_dimer_bp,
            "hairpin_bp": self.hairpin_bp,
            "offtargets": None if self.offtargets is None else self.offtargets.to_dict(),
            "snp_positions_1based": [p + 1 for p in self.snps],
        }


@dataclass(frozen=True, slots=True)
class AsoResult:
    """Designs of one run, best first, with what was and was not computed."""

    transcript_id: str
    gene: str
    mode: AsoMode
    chemistry: Chemistry
    kind: SequenceKind
    exon: int | None
    region: Interval
    candidates: int
    designs: tuple[AsoDesign, ...]
    notes: tuple[str, ...]
    models: tuple[ModelInfo, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready result (schema ``vivo.rna.aso/1``)."""
        from vivo import __version__

        return {
            "schema": "vivo.rna.aso/1",
            "vivo_version": __version__,
            "viennarna": aso_fold.folding_version(),
            "transcript_id": self.transcript_id,
            "gene": self.gene,
            "mode": self.mode,
            "chemistry": {"key": self.chemistry.key, "description": self.chemistry.describe(),
                          "precedent": self.chemistry.precedent,
                          "citation": self.chemistry.citation.formatted()},
            "sequence": self.kind,
            "exon": self.exon,
            "region": {"start": self.region.start, "end": self.region.end},
            "candidates": self.candidates,
            "designs": [d.to_dict() for d in self.designs],
            "notes": list(self.notes),
            "models": [m.as_dict() for m in self.models],
        }  # fmt: skip


# -- shared helpers ---------------------------------------------------------------------------
def _check_top(top: int) -> None:
    if not 1 <= top <= 1000:
        raise InputError(f"--top {top} is out of range", hint="ask for 1 to 1000 designs")


def _zscore(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    sd = float(values.std())
    if sd == 0.0 or not np.isfinite(sd):
        return np.zeros_like(values)
    out: npt.NDArray[np.float64] = (values - values.mean()) / sd
    return out


def _non_redundant(order: Sequence[int], starts: Sequence[int], length: int, top: int) -> list[int]:
    """Best-first tiles overlapping every better chosen tile by at most half the length."""
    chosen: list[int] = []
    for i in order:
        a = starts[i]
        if all(length - abs(a - starts[j]) <= length // 2 for j in chosen):
            chosen.append(i)
            if len(chosen) == top:
                break
    return chosen


def _offtargets(
    tx: RnaTranscript,
    targets: list[tuple[int, int, str]],
    kind: SequenceKind,
    transcript_index: PamlessIndex | ShardedTranscriptome | None,
    genome_index: PamlessIndex | None,
) -> list[OffTargetSummary | None]:
    if transcript_index is None and genome_index is None:
        return [None] * len(targets)
    seqs = [t for _, _, t in targets]
    if any(not _SEARCH_LENGTHS[0] <= len(s) <= _SEARCH_LENGTHS[1] for s in seqs):
        return [None] * len(targets)
    by_tx = _search(transcript_index, seqs, "+")
    by_genome = _search(genome_index, seqs, "both")
    out: list[OffTargetSummary | None] = []
    for k, (start, end, _) in enumerate(targets):
        loc = tx.locate(start, end, kind=kind)
        tx_sites = _drop_on_target(by_tx[k], {(tx.transcript_id, _mrna_start(tx, loc))})
        tx_sites = [s for s in tx_sites if not _same_gene(s.gene, tx.gene)]
        on_genome = {(_plain(locus.contig), locus.start) for _, locus in loc.genomic}
        g_sites = _drop_on_target(by_genome[k], on_genome)
        out.append(OffTargetSummary(
            None if transcript_index is None else _counts(tx_sites),
            None if genome_index is None else _counts(g_sites),
            tuple(tx_sites) + tuple(g_sites),
        ))  # fmt: skip
    return out


def _search(
    index: PamlessIndex | ShardedTranscriptome | None,
    seqs: list[str],
    strands: Literal["both", "+"],
) -> tuple[tuple[NearSite, ...], ...]:
    if index is None:
        return tuple(() for _ in seqs)
    return search_near_sites(index, seqs, max_mismatches=MAX_MISMATCHES, strands=strands)


def _mrna_start(tx: RnaTranscript, loc: SiteLocation) -> int:
    """mRNA start of a site given in either coordinate system (-1 if not exonic)."""
    if loc.kind == "mrna":
        return loc.start
    local = int(tx.local_of_pre()[loc.start])
    hits = np.flatnonzero(tx.local_of_mrna() == local)
    return int(hits[0]) if hits.size else -1


def _same_gene(a: str, b: str) -> bool:
    """Sites in transcripts of the designed gene (other isoforms) are not off-targets."""
    return bool(a) and bool(b) and a.upper() == b.upper()


def _plain(contig: str) -> str:
    """Contig name without a ``chr`` prefix (GRCh ``X`` and UCSC ``chrX`` are one contig)."""
    return contig[3:] if contig.lower().startswith("chr") else contig


def _drop_on_target(sites: Sequence[NearSite], on: set[tuple[str, int]]) -> list[NearSite]:
    plain = {(_plain(name), start) for name, start in on}
    return [s for s in sites if not (s.mismatches == 0 and (_plain(s.name), s.start) in plain)]


def _counts(sites: Sequence[NearSite]) -> tuple[int, ...]:
    return tuple(sum(1 for s in sites if s.mismatches == m) for m in range(MAX_MISMATCHES + 1))


def _self_flags(oligo: str) -> tuple[int, int, tuple[str, ...]]:
    dimer, hairpin = aso_fold.self_complementarity(oligo)
    flags = []
    if dimer >= SELF_COMP_FLAG_BP:
        flags.append(f"self-dimer {dimer} bp")
    if hairpin >= SELF_COMP_FLAG_BP:
        flags.append(f"hairpin {hairpin} bp")
    return dimer, hairpin, tuple(flags)


def _sequence(tx: RnaTranscript, kind: SequenceKind) -> str:
    return tx.sequence_of(kind)


# -- gapmers ----------------------------------------------------------------------------------
def design_gapmers(
    tx: RnaTranscript,
    *,
    chemistry: str = "moe-5-10-5",
    kind: SequenceKind = "mrna",
    top: int = 10,
    accessibility: bool = True,
    transcript_index: PamlessIndex | ShardedTranscriptome | None = None,
    genome_index: PamlessIndex | None = None,
    snp_positions: Iterable[int] = (),
) -> AsoResult:
    """RNase H gapmers tiled over the mRNA (``kind="mrna"``) or pre-mRNA, best first.

    ``snp_positions`` (0-based, in the ``kind`` sequence; e.g. a patient's variants) mark
    designs whose target covers one (flag ``SNP``: the oligo may not bind that allele); they
    rank after all others.

    Ranking (lexicographic, documented in docs/models/aso.md): fewest flags (motifs, GC
    outside 30-70 %, self-complementarity), then highest target accessibility (RNAplfold; GC
    closeness to 50 % when ViennaRNA is absent). The ``top`` non-overlapping tiles chosen that
    way are searched for off-targets and re-ordered (stably) by their number of perfect
    off-target sites; 1- and 2-mismatch sites are reported, not ranked.
    """
    _check_top(top)
    chem = get_chemistry(chemistry)
    if chem.kind != "gapmer":
        raise InputError(
            f"chemistry {chem.key!r} is a steric blocker, not a gapmer",
            hint="use moe-5-10-5, lna-3-10-3, cet-3-10-3 or --mode skip/include",
        )
    seq = _sequence(tx, kind)
    length = chem.length or 0
    if len(seq) < length:
        raise InputError(
            f"{tx.transcript_id} ({len(seq)} nt of {kind}) is shorter than a {length}-mer gapmer",
            hint="give a longer transcript (or --target pre-mrna with a genomic record)",
        )
    notes: list[str] = []
    unpaired = aso_fold.unpaired_probability(seq) if accessibility else None
    if unpaired is None:
        notes.append("target accessibility not computed (ViennaRNA not installed or disabled); "
                     "ranked by flags and GC only")  # fmt: skip
    starts = list(range(len(seq) - length + 1))
    rows = [_gapmer_row(seq, s, length, chem, unpaired) for s in starts]
    snps = _snp_hits(snp_positions, starts, length)
    order = sorted(range(len(rows)), key=lambda i: (bool(snps[i]), rows[i][0]))
    chosen = _non_redundant(order, starts, length, top)
    designs = _finish(tx, kind, chem, seq, length, chosen, starts,
                      [r[1] for r in rows], [r[2] for r in rows],
                      transcript_index, genome_index, notes, rerank=True, snps=snps)  # fmt: skip
    return AsoResult(tx.transcript_id, tx.gene, "gapmer", chem, kind, None,
                     Interval(0, len(seq)), len(starts), designs, tuple(notes),
                     (aso_fold.ACCESSIBILITY_INFO,))  # fmt: skip


def _gapmer_row(
    seq: str, start: int, length: int, chem: Chemistry, unpaired: npt.NDArray[np.float64] | None
) -> tuple[tuple[float, ...], float, dict[str, float | None]]:
    target = seq[start : start + length]
    oligo = reverse_complement(target)
    gc = gc_content(target)
    flags = list(motif_flags(oligo, chem))
    if not GC_WINDOW[0] <= gc <= GC_WINDOW[1]:
        flags.append("GC")
    if "N" in target:
        flags.append("N")
    self_flags = _self_flags(oligo)[2]
    acc = None if unpaired is None else float(unpaired[start : start + length].mean())
    primary = acc if acc is not None else 1.0 - abs(gc - 0.5)
    terms: dict[str, float | None] = {"accessibility": acc, "gc": gc,
                                      "flags": float(len(flags) + len(self_flags))}  # fmt: skip
    return (len(flags) + len(self_flags), -primary), primary, terms


# -- splice switching -------------------------------------------------------------------------
def design_splice_switching(
    tx: RnaTranscript,
    *,
    exon: int,
    mode: Literal["skip", "include"],
    length: int = 18,
    chemistry: str = "moe",
    flank: int = DEFAULT_FLANK,
    top: int = 10,
    transcript_index: PamlessIndex | ShardedTranscriptome | None = None,
    genome_index: PamlessIndex | None = None,
    snp_positions: Iterable[int] = (),
) -> AsoResult:
    """Splice-switching oligos tiled across exon ``exon`` and ``flank`` nt of each intron.

    Scores and terms: docs/models/aso.md. ``snp_positions`` (0-based pre-mRNA positions) flag
    designs over a variant (``SNP``); they rank after all others. Raises :class:`InputError`
    when the transcript has no pre-mRNA, no exon ``exon``, or when ``length``/``mode``/
    ``chemistry`` are out of range.
    """
    _check_top(top)
    chem = _steric(chemistry)
    tiles = _score_tiles(tx, exon, mode, length, flank, chem.key)
    keep = [i for i in range(len(tiles.starts)) if i not in tiles.excluded]
    if not keep:
        raise InputError(
            f"every {length}-nt tile of exon {exon} and its flanks covers one of its splice-site "
            "cores, which inclusion oligos must leave free",
            hint="raise --flank or shorten --length",
        )
    snps = _snp_hits(snp_positions, tiles.starts, length)
    order = sorted(keep, key=lambda i: (bool(snps[i]), -tiles.score[i]))
    chosen = _non_redundant(order, tiles.starts, length, top)
    rows = [
        {k: (None if v is None else float(v[i])) for k, v in tiles.terms.items()}
        for i in range(len(tiles.starts))
    ]
    notes = list(tiles.notes)
    designs = _finish(tx, "pre-mrna", chem, tiles.pre, length, chosen, tiles.starts,
                      list(tiles.score), rows, transcript_index, genome_index, notes,
                      rerank=False, snps=snps)  # fmt: skip
    return AsoResult(tx.transcript_id, tx.gene, mode, chem, "pre-mrna", exon, tiles.region,
                     len(keep), designs, tuple(notes),
                     (MODEL_INFO, ESRSEQ_INFO, FAS_ESS_INFO, ESEFINDER_INFO,
                      aso_fold.ACCESSIBILITY_INFO, MAXENT_INFO))  # fmt: skip


def splice_tile_scores(
    tx: RnaTranscript,
    *,
    exon: int,
    mode: Literal["skip", "include"],
    length: int = 18,
    flank: int = DEFAULT_FLANK,
    chemistry: str = "moe",
) -> tuple[tuple[int, float], ...]:
    """Every ranked tile as ``(pre-mRNA start, score)``, best first (for validation).

    The same scores as :func:`design_splice_switching` with the same ``chemistry`` (skip-mode
    weights depend on it), before the non-overlap selection; tiles over the splice-site cores
    in ``include`` mode are left out.
    """
    tiles = _score_tiles(tx, exon, mode, length, flank, _steric(chemistry).key)
    keep = [i for i in range(len(tiles.starts)) if i not in tiles.excluded]
    order = sorted(keep, key=lambda i: -tiles.score[i])
    return tuple((tiles.starts[i], float(tiles.score[i])) for i in order)


@dataclass(frozen=True, slots=True)
class _Tiles:
    pre: str
    region: Interval
    starts: list[int]
    terms: dict[str, npt.NDArray[np.float64] | None]
    score: npt.NDArray[np.float64]
    excluded: set[int]
    notes: tuple[str, ...]


def _score_tiles(
    tx: RnaTranscript, exon: int, mode: str, length: int, flank: int, chemistry: str = "moe"
) -> _Tiles:
    if mode not in ("skip", "include"):
        raise InputError(f"unknown splice-switching mode {mode!r}", hint="use skip or include")
    lo, hi = STERIC_LENGTHS
    if not lo <= length <= hi:
        raise InputError(f"oligo length {length} is out of range",
                         hint=f"splice-switching oligos are {lo}-{hi} nt")  # fmt: skip
    if not 0 <= flank <= 1000:
        raise InputError(f"--flank {flank} is out of range", hint="use 0 to 1000 nt of intron")
    pre = tx.pre_mrna
    exon_iv = _exon_in_pre(tx, exon)
    _require_internal(tx, exon, mode)
    notes: list[str] = []
    region = _tiled_region(tx, exon, exon_iv, flank, notes)
    if len(region) < length:
        raise InputError(
            f"exon {exon} with its flanks ({len(region)} nt) is shorter than a {length}-mer",
            hint="raise --flank or shorten --length",
        )
    acc, don = exon_site_strengths(pre, exon_iv)
    notes.append(f"exon {exon} splice-site strength, MaxEntScan (Yeo & Burge 2004): acceptor "
                 f"{_bits(acc)}, donor {_bits(don)} (one value per exon: not part of the tile "
                 "score)")  # fmt: skip
    starts = list(range(region.start, region.end - length + 1))
    terms, excluded = _splice_terms(pre, exon_iv, starts, length, mode, notes)
    if excluded:
        notes.append(f"{len(excluded)} tiles covering exon {exon}'s splice-site cores were not "
                     "ranked (blocking them would cause skipping)")  # fmt: skip
    score = _splice_score(terms, mode, chemistry)
    return _Tiles(pre, region, starts, terms, score, excluded, tuple(notes))


def _bits(value: float | None) -> str:
    return "n/a (window off the record or not ACGT)" if value is None else f"{value:.2f} bits"


def _steric(chemistry: str) -> Chemistry:
    chem = get_chemistry(chemistry)
    if chem.kind != "steric":
        raise InputError(
            f"chemistry {chem.key!r} is an RNase H gapmer: it would cut the pre-mRNA",
            hint="splice switching uses uniform chemistries: moe or pmo",
        )
    return chem


def _exon_in_pre(tx: RnaTranscript, exon: int) -> Interval:
    if exon not in tx.exon_numbers:
        numbers = ", ".join(str(n) for n in tx.exon_numbers)
        raise InputError(f"{tx.transcript_id} has no exon {exon}", hint=f"its exons: {numbers}")
    k = tx.exon_numbers.index(exon)
    local_exon = tx.model.exons_5to3[k]
    local = tx.local_of_pre()
    idx = np.flatnonzero((local >= local_exon.start) & (local < local_exon.end))
    return Interval(int(idx.min()), int(idx.max()) + 1)


def _require_internal(tx: RnaTranscript, exon: int, mode: str) -> None:
    """Refuse the first and the last exon of a transcript: a first exon has no acceptor (it
    holds the transcript's start), a last exon no donor (it holds its end), so neither is
    skipped or included by splice switching. A record that holds intron sequence beyond its
    first/last exon (``flank_introns``) shows that exon is internal to the gene."""
    k = tx.exon_numbers.index(exon)
    first = k == 0 and tx.flank_introns[0] is None
    last = k == len(tx.exon_numbers) - 1 and tx.flank_introns[1] is None
    if not (first or last):
        return
    doing = "skipping" if mode == "skip" else "including"
    internal = [str(n) for i, n in enumerate(tx.exon_numbers)
                if (i > 0 or tx.flank_introns[0] is not None)
                and (i < len(tx.exon_numbers) - 1 or tx.flank_introns[1] is not None)]  # fmt: skip
    if first and last:
        what = "the only exon"
        why = "it has neither an acceptor nor a donor splice site"
    elif first:
        what, why = "the first exon", "it holds the transcript's start and has no acceptor site"
    else:
        what, why = "the last exon", "it holds the transcript's end and has no donor site"
    hint = (f"internal exons: {', '.join(internal)}" if internal
            else "this record has no internal exon")  # fmt: skip
    if mode == "skip":
        hint += "; to lower the transcript use --mode gapmer"
    raise InputError(
        f"exon {exon} is {what} of {tx.transcript_id}: {why}, so {doing} it is not a "
        "splice-switching target",
        hint=hint,
    )


def _tiled_region(
    tx: RnaTranscript, exon: int, exon_iv: Interval, flank: int, notes: list[str]
) -> Interval:
    """The exon with up to ``flank`` nt of intron on each side, clipped at the neighbouring
    exons (tiles there would act on that exon's splice sites) and at the record's ends; a note
    says where the flank was clipped."""
    k = tx.exon_numbers.index(exon)
    prev_end, next_start = 0, len(tx.pre_mrna)
    if k > 0:
        prev_end = _exon_in_pre(tx, tx.exon_numbers[k - 1]).end
    if k < len(tx.exon_numbers) - 1:
        next_start = _exon_in_pre(tx, tx.exon_numbers[k + 1]).start
    lo, hi = max(prev_end, exon_iv.start - flank), min(next_start, exon_iv.end + flank)
    for side, have, bound in (
        ("upstream", exon_iv.start - lo, k > 0),
        ("downstream", hi - exon_iv.end, k < len(tx.exon_numbers) - 1),
    ):
        if have < flank:
            where = "the intron is that long" if bound else "the record holds no more intron"
            notes.append(f"{side} flank of exon {exon} clipped to {have} nt of the {flank} "
                         f"asked ({where})")  # fmt: skip
    return Interval(lo, hi)


def _core_overlap(start: int, end: int, exon: Interval) -> bool:
    """Whether ``[start, end)`` covers a base of the exon's acceptor or donor core (plain
    integers: a core may run off the record)."""
    acc = (exon.start - ACCEPTOR_CORE[0], exon.start + ACCEPTOR_CORE[1])
    don = (exon.end - DONOR_CORE[0], exon.end + DONOR_CORE[1])
    return any(start < b and end > a for a, b in (acc, don))


def _splice_terms(
    pre: str, exon: Interval, starts: list[int], length: int, mode: str, notes: list[str]
) -> tuple[dict[str, npt.NDArray[np.float64] | None], set[int]]:
    track = element_track(pre)
    elems = [track.window(s, s + length, sr_within=(exon.start, exon.end)) for s in starts]
    targets = [pre[s : s + length] for s in starts]
    centre = np.array([s + length / 2 for s in starts])
    terms: dict[str, npt.NDArray[np.float64] | None] = {
        "esrseq_enhancer": np.array([e.enhancer for e in elems]),
        "esrseq_silencer": np.array([e.silencer for e in elems]),
        "fas_ess": np.array([float(e.fas_ess) for e in elems]),
        "esefinder_margin": np.array([e.sr_margin for e in elems]),
        "splice_site_cover": np.array([float(_core_overlap(s, s + length, exon)) for s in starts]),
        "distance_acceptor": np.abs(centre - exon.start),
        "distance_exon": np.minimum(np.abs(centre - exon.start), np.abs(centre - exon.end)),
        "oligo_gc": np.array([float(sum(ch in "GC" for ch in t)) for t in targets]),
    }
    energies = aso_fold.duplex_energy_kcal(targets)
    terms["duplex_dg"] = None if energies is None else np.array(energies, dtype=np.float64)
    lo = max(0, starts[0] - aso_fold.PLFOLD_WINDOW)
    hi = min(len(pre), starts[-1] + length + aso_fold.PLFOLD_WINDOW)
    unpaired = aso_fold.unpaired_probability(pre[lo:hi])
    opening = aso_fold.opening_energy_kcal(pre[lo:hi], [s - lo for s in starts], length)
    if opening is None or energies is None:
        terms["opening_dg"] = terms["binding_dg"] = None
    else:
        open_dg = np.array(opening, dtype=np.float64)
        terms["opening_dg"] = open_dg
        terms["binding_dg"] = np.array(energies, dtype=np.float64) + open_dg
    if unpaired is None:
        terms["accessibility"] = terms["accessibility_3p"] = None
        notes.append("accessibility and duplex energy not computed (ViennaRNA not installed); "
                     "those terms were left out of the score")  # fmt: skip
    else:
        terms["accessibility"] = np.array(
            [unpaired[s - lo : s - lo + length].mean() for s in starts]
        )
        a3 = [unpaired[s - lo + length - ACC_3PRIME_NT : s - lo + length].mean() for s in starts]
        terms["accessibility_3p"] = np.array(a3)
    terms["exon_gc_ratio"] = _exon_gc_ratio(pre, exon, starts, length)
    excluded = set()
    if mode == "include":
        excluded = {i for i, s in enumerate(starts) if _core_overlap(s, s + length, exon)}
    return terms, excluded


def _exon_gc_ratio(
    pre: str, exon: Interval, starts: list[int], length: int
) -> npt.NDArray[np.float64]:
    """GC of the exon bases left unblocked, over GC of the 200 intron nt upstream (Chiba 2021)."""
    upstream = pre[max(0, exon.start - GC_INTRON_NT) : exon.start]
    base = gc_content(upstream) if upstream else gc_content(pre)
    gc = np.array([ch in "GC" for ch in pre[exon.start : exon.end]], dtype=np.float64)
    total, n = gc.sum(), gc.size
    out = []
    for s in starts:
        a, b = max(s, exon.start) - exon.start, min(s + length, exon.end) - exon.start
        blocked_gc = gc[a:b].sum() if b > a else 0.0
        left = n - max(0, b - a)
        out.append(((total - blocked_gc) / left if left else 0.0) / (base or 1.0))
    return np.array(out, dtype=np.float64)


#: Equal-weight signs (+1: higher is better) of score version 2: the include-mode score and
#: the skip-mode baseline kept for the ablation (benchmarks/aso_validation.py).
_SKIP_EQUAL: Final = {
    "esrseq_enhancer": 1.0, "esefinder_margin": 1.0, "esrseq_silencer": -1.0,
    "binding_dg": -1.0, "distance_acceptor": -1.0, "exon_gc_ratio": -1.0, "accessibility_3p": 1.0,
}  # fmt: skip
_INCLUDE_SIGNS: Final = {
    "esrseq_silencer": 1.0, "fas_ess": 1.0, "esrseq_enhancer": -1.0, "esefinder_margin": -1.0,
    "binding_dg": -1.0, "accessibility": 1.0, "distance_exon": -1.0,
}  # fmt: skip


def _rescale(weights: dict[str, float], total: float = 7.0) -> dict[str, float]:
    """Scale weights so their absolute values sum to ``total`` (the 7 terms of version 2), which
    keeps the splice-site-cover bonus (+1) the same size relative to the rest of the score."""
    mass = sum(abs(w) for w in weights.values())
    return {k: w * total / mass for k, w in weights.items()}


#: Skip-mode weights by chemistry (score version 3): proportional to the permutation feature
#: importances of eSkip-Finder's models trained on measured exon-skipping data (Chiba et al.
#: 2021, Nucleic Acids Res 49:W193, Table 1), with the direction of each published finding
#: (Aartsma-Rus 2009; Echigoya 2015; Chiba 2021). PMO: exon/intron GC after blocking 0.68,
#: binding energy with 50-nt flanks 0.66, accessibility of the last 15 target nt 0.32, NI
#: (ESE/ESS hexamer) score per base 0.18, mapped to the net ESRseq score (enhancer + 0.09,
#: silencer - 0.09); 2'-OMe (used for 2'-MOE, also a 2'-O-alkyl PS RNA): GC count of the oligo
#: 0.67, distance of the target centre from the acceptor 0.49, exon GC left after blocking 0.46.
#: Features Chiba selected that vivo lacks (ASO concentration, ACC_LAST8) are left out; terms
#: Chiba did not select get weight 0.
_SKIP_WEIGHTS: Final = {
    "pmo": _rescale({
        "exon_gc_ratio": -0.68, "binding_dg": -0.66, "accessibility_3p": 0.32,
        "esrseq_enhancer": 0.09, "esrseq_silencer": -0.09,
    }),
    "moe": _rescale({"oligo_gc": 0.67, "distance_acceptor": -0.49, "exon_gc_ratio": -0.46}),
}  # fmt: skip


def _splice_score(
    terms: dict[str, npt.NDArray[np.float64] | None], mode: str, chemistry: str = "moe"
) -> npt.NDArray[np.float64]:
    signs = _SKIP_WEIGHTS.get(chemistry, _SKIP_EQUAL) if mode == "skip" else _INCLUDE_SIGNS
    n = len(next(v for v in terms.values() if v is not None))
    score = np.zeros(n, dtype=np.float64)
    for name, sign in signs.items():
        values = terms[name]
        if values is not None:
            score += sign * _zscore(values)
    if mode == "skip":
        cover = terms["splice_site_cover"]
        assert cover is not None
        score += cover
    return score


# -- assembling designs -----------------------------------------------------------------------
def _finish(
    tx: RnaTranscript,
    kind: SequenceKind,
    chem: Chemistry,
    seq: str,
    length: int,
    chosen: list[int],
    starts: list[int],
    scores: Sequence[float],
    terms: Sequence[dict[str, float | None]],
    transcript_index: PamlessIndex | ShardedTranscriptome | None,
    genome_index: PamlessIndex | None,
    notes: list[str],
    *,
    rerank: bool,
    snps: Sequence[tuple[int, ...]],
) -> tuple[AsoDesign, ...]:
    targets = [(starts[i], starts[i] + length, seq[starts[i] : starts[i] + length]) for i in chosen]
    offs = _offtargets(tx, targets, kind, transcript_index, genome_index)
    if transcript_index is None and genome_index is None:
        notes.append("off-targets not searched (no transcriptome or genome index given)")
    elif not _SEARCH_LENGTHS[0] <= length <= _SEARCH_LENGTHS[1]:
        notes.append(f"off-targets not searched: the index takes {_SEARCH_LENGTHS[0]}-"
                     f"{_SEARCH_LENGTHS[1]}-nt sites")  # fmt: skip
    items = list(zip(chosen, offs, strict=True))
    if rerank:  # stable: SNP, flags and accessibility order kept within equal counts
        items.sort(key=lambda p: (bool(snps[p[0]]), _perfect(p[1])))
    designs = []
    for rank, (i, off) in enumerate(items, start=1):
        start, end, target = starts[i], starts[i] + length, seq[starts[i] : starts[i] + length]
        oligo = reverse_complement(target)
        dimer, hairpin, self_flags = _self_flags(oligo)
        flags = motif_flags(oligo, chem) + self_flags
        if chem.kind == "gapmer" and not GC_WINDOW[0] <= gc_content(target) <= GC_WINDOW[1]:
            flags += ("GC",)
        if snps[i]:
            flags += ("SNP",)
        designs.append(AsoDesign(
            rank, oligo, target, start, end, kind, tx.locate(start, end, kind=kind), chem.key,
            chem.pattern(length), gc_content(target), float(scores[i]), dict(terms[i]), flags,
            dimer, hairpin, off, snps[i],
        ))  # fmt: skip
    return tuple(designs)


def _snp_hits(positions: Iterable[int], starts: list[int], length: int) -> list[tuple[int, ...]]:
    """Per tile, the variant positions its target covers."""
    snps = np.array(sorted({int(p) for p in positions}), dtype=np.int64)
    if snps.size == 0:
        return [()] * len(starts)
    out = []
    for s in starts:
        lo, hi = np.searchsorted(snps, [s, s + length])
        out.append(tuple(int(p) for p in snps[lo:hi]))
    return out


def _perfect(off: OffTargetSummary | None) -> int:
    if off is None:
        return 0
    return sum(c[0] for c in (off.transcriptome, off.genome) if c is not None)


# -- one entry point --------------------------------------------------------------------------
def design_asos(
    tx: RnaTranscript,
    *,
    mode: str,
    exon: int | None = None,
    length: int | None = None,
    chemistry: str | None = None,
    top: int = 10,
    flank: int = DEFAULT_FLANK,
    kind: SequenceKind = "mrna",
    accessibility: bool = True,
    transcript_index: PamlessIndex | ShardedTranscriptome | None = None,
    genome_index: PamlessIndex | None = None,
    snp_positions: Iterable[int] = (),
) -> AsoResult:
    """Dispatch on ``mode`` (``gapmer``, ``skip``, ``include``) with the CLI's defaults.

    Gapmers default to ``moe-5-10-5`` (their length is the chemistry's); splice switching
    defaults to uniform 2'-MOE 18-mers (``chemistry="pmo"`` defaults to 25-mers) and needs
    ``exon``.
    """
    if mode not in ASO_MODES:
        raise InputError(f"unknown ASO mode {mode!r}", hint="use gapmer, skip or include")
    if mode == "gapmer":
        if exon is not None:
            raise InputError("--exon applies to --mode skip/include, not to gapmers")
        chem = get_chemistry(chemistry or "moe-5-10-5")
        if length is not None and length != chem.length:
            raise InputError(
                f"a {chem.key} gapmer is {chem.length} nt, not {length}",
                hint="choose the length through the chemistry, e.g. moe-4-10-4 for 18 nt",
            )
        return design_gapmers(tx, chemistry=chem.key, kind=kind, top=top,
                              accessibility=accessibility, transcript_index=transcript_index,
                              genome_index=genome_index, snp_positions=snp_positions)  # fmt: skip
    if exon is None:
        raise InputError(f"--mode {mode} needs --exon N", hint="give the exon to skip or include")
    chem_key = chemistry or "moe"
    default_length = 25 if chem_key.strip().lower() == "pmo" else 18
    return design_splice_switching(
        tx, exon=exon, mode=mode, length=length or default_length, chemistry=chem_key,  # type: ignore[arg-type]
        flank=flank, top=top, transcript_index=transcript_index, genome_index=genome_index,
        snp_positions=snp_positions,
    )  # fmt: skip
