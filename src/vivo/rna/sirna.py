"""siRNA design: 21-nt duplexes on a transcript, scored, checked for off-targets, with chemistry.

Every 19-nt window of the chosen mRNA region is a candidate *target site*. Its duplex has a
21-nt passenger (sense) strand = the site + a 2-nt 3' overhang, and a 21-nt guide (antisense)
strand = the site's reverse complement + a 2-nt 3' overhang (the 19-bp + 2-nt 3' overhang
architecture of Elbashir et al. 2001, Nature 411:494; overhangs written ``UU``). Candidates
are scored with the published rules (:mod:`vivo.rna.sirna_rules`), the duplex-end asymmetry
(:mod:`vivo.rna.thermo`), immune-stimulatory motifs and known SNPs; the best
``max(5 x top, 50)`` then get their off-targets (the next as many
again while fewer than ``top`` pass every check) (:mod:`vivo.rna.offtargets`): 3'UTR seed
matches of guide positions 2-8 and near-complementary sites (<= 3 mismatches) in other
genes' transcripts. Each duplex carries a chemistry proposal (:func:`propose_chemistry`).

Ranking (best first), documented in ``docs/models/sirna.md``: duplexes that overlap a known
SNP go last; then those with a near-complementary site (<= 2 mismatches) in another gene; then
those failing the rules (Reynolds score >= 6 and Ui-Tei class I); then
those without an immune motif; then by Reynolds + Amarzguioui score, duplex-end asymmetry and
fewest other-gene seed-match transcripts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np

from vivo.core.errors import InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.core.seq import reverse_complement
from vivo.rna.offtargets import (
    NearSite,
    PamlessIndex,
    SeedIndex,
    SeedMatches,
    ShardedTranscriptome,
    Transcriptome,
    build_seed_index,
    near_searcher,
    search_near_sites,
    seed_matches,
)
from vivo.rna.sirna_rules import (
    AMARZGUIOUI_MODEL,
    REYNOLDS_MODEL,
    UI_TEI_MODEL,
    AmarzguiouiScore,
    ReynoldsScore,
    UiTeiClass,
    amarzguioui_score,
    reynolds_score,
    ui_tei_class,
)
from vivo.rna.thermo import MODEL_INFO as THERMO_MODEL
from vivo.rna.thermo import end_asymmetry
from vivo.rna.transcript import RnaTranscript, SiteLocation, TargetRegion

__all__ = [
    "IMMUNE_MOTIFS",
    "MAX_TOP",
    "ChemistryProposal",
    "SiRNADesign",
    "SiRNADuplex",
    "SiRNAOffTargets",
    "Tissue",
    "design_sirnas",
    "immune_motifs",
    "propose_chemistry",
]

Tissue = Literal["liver", "other"]
#: Paired region and strand length (nt).
PAIRED: Final = 19
STRAND: Final = 21
OVERHANG: Final = "UU"
#: Most duplexes a design returns.
MAX_TOP: Final = 500
#: Full-length off-target limit searched, and the limit that fails a duplex (other genes).
SEARCH_MISMATCHES: Final = 3
FAIL_MISMATCHES: Final = 2

HORNUNG2005 = Citation(
    key="Hornung2005",
    authors="Hornung V, Guenthner-Biller M, Bourquin C, et al.",
    title="Sequence-specific potent induction of IFN-alpha by short interfering RNA in "
    "plasmacytoid dendritic cells through TLR7",
    journal="Nat Med",
    year=2005,
    doi="10.1038/nm1191",
)
JUDGE2005 = Citation(
    key="Judge2005",
    authors="Judge AD, Sood V, Shaw JR, Fang D, McClintock K, MacLachlan I",
    title="Sequence-dependent stimulation of the mammalian innate immune response by "
    "synthetic siRNA",
    journal="Nat Biotechnol",
    year=2005,
    doi="10.1038/nbt1081",
)
#: Immune-stimulatory motifs (RNA, 5'->3') looked for in both strands, with their source.
IMMUNE_MOTIFS: Final[tuple[tuple[str, Citation], ...]] = (
    ("GUCCUUCAA", HORNUNG2005),
    ("UGUGU", JUDGE2005),
)
ALLERSON2005 = Citation(
    key="Allerson2005",
    authors="Allerson CR, Sioufi N, Jarres R, Prakash TP, Naik N, Berdeja A, Wanders L, "
    "Griffey RH, Swayze EE, Bhat B",
    title="Fully 2'-modified oligonucleotide duplexes with improved in vitro potency and "
    "stability compared to unmodified small interfering RNA",
    journal="J Med Chem",
    year=2005,
    doi="10.1021/jm049146f",
)
NAIR2014 = Citation(
    key="Nair2014",
    authors="Nair JK, Willoughby JLS, Chan A, et al.",
    title="Multivalent N-acetylgalactosamine-conjugated siRNA localizes in hepatocytes and "
    "elicits robust RNAi-mediated gene silencing",
    journal="J Am Chem Soc",
    year=2014,
    doi="10.1021/ja505986a",
)
NAIR2017 = Citation(
    key="Nair2017",
    authors="Nair JK, Attarwala H, Sehgal A, et al.",
    title="Impact of enhanced metabolic stability on pharmacokinetics and pharmacodynamics of "
    "GalNAc-siRNA conjugates",
    journal="Nucleic Acids Res",
    year=2017,
    doi="10.1093/nar/gkx818",
)
FOSTER2018 = Citation(
    key="Foster2018",
    authors="Foster DJ, Brown CR, Shaikh S, et al.",
    title="Advanced siRNA designs further improve in vivo performance of GalNAc-siRNA conjugates",
    journal="Mol Ther",
    year=2018,
    doi="10.1016/j.ymthe.2017.12.021",
)
ELBASHIR2001 = Citation(
    key="Elbashir2001",
    authors="Elbashir SM, Harborth J, Lendeckel W, Yalcin A, Weber K, Tuschl T",
    title="Duplexes of 21-nucleotide RNAs mediate RNA interference in cultured mammalian cells",
    journal="Nature",
    year=2001,
    doi="10.1038/35078107",
)
MODEL_INFO = ModelInfo(
    name="vivo siRNA design",
    version="1",
    citation=ELBASHIR2001,
    input_contract="a mature mRNA (RnaTranscript), region cds|3utr|5utr|any",
    notes="rules: Reynolds 2004, Ui-Tei 2004, Amarzguioui 2004; asymmetry: Xia 1998 NN; "
    "immune motifs: Hornung 2005, Judge 2005; chemistry: Allerson 2005, Nair 2014/2017",
    extra_citations=(HORNUNG2005, JUDGE2005, ALLERSON2005, NAIR2014, NAIR2017, FOSTER2018),
)


# -- chemistry -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ChemistryProposal:
    """A modification pattern for one duplex (a proposal to discuss, not a validated drug).

    ``sense`` / ``antisense`` give the 2'-modification of each nucleotide 5'->3' (``f`` =
    2'-fluoro, ``m`` = 2'-O-methyl); ``sense_ps`` / ``antisense_ps`` the 1-based linkages
    (between nucleotide k and k+1) that are phosphorothioates; ``conjugate`` the ligand.
    """

    name: str
    sense: str
    antisense: str
    sense_ps: tuple[int, ...]
    antisense_ps: tuple[int, ...]
    conjugate: str
    notes: str
    sources: tuple[Citation, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """JSON-ready fields (citations formatted)."""
        return {
            "name": self.name,
            "sense_2prime": self.sense,
            "antisense_2prime": self.antisense,
            "sense_phosphorothioates": list(self.sense_ps),
            "antisense_phosphorothioates": list(self.antisense_ps),
            "conjugate": self.conjugate,
            "notes": self.notes,
            "sources": [c.formatted() for c in self.sources],
        }


def propose_chemistry(*, tissue: Tissue = "liver", length: int = STRAND) -> ChemistryProposal:
    """Fully 2'-modified, alternating 2'-F/2'-OMe duplex with end phosphorothioates.

    Alternating 2'-F and 2'-OMe on both strands, offset so that a 2'-F of one strand faces a
    2'-OMe of the other in the paired region (Allerson 2005); overhangs 2'-OMe. Two
    phosphorothioate linkages at the 5' end of the sense strand and at both ends of the
    antisense strand, as in the enhanced stabilization chemistry (ESC) of Nair 2017. For the
    liver, a triantennary GalNAc ligand at the 3' end of the sense strand (Nair 2014); other
    tissues need a delivery vehicle (lipid nanoparticle, as for patisiran) and get no ligand.
    Later designs reduce the 2'-F content further (Foster 2018); vivo does not reproduce their
    exact patterns.
    """
    if tissue not in ("liver", "other"):
        raise InputError(f"unknown tissue {tissue!r}", hint="use liver or other")
    paired = length - len(OVERHANG)
    sense = "".join("f" if i % 2 == 0 else "m" for i in range(paired)) + "m" * len(OVERHANG)
    # antisense base k (1-based) pairs with sense base paired+1-k: take the opposite letter
    anti = "".join("m" if sense[paired - k] == "f" else "f" for k in range(1, paired + 1))
    anti += "m" * len(OVERHANG)
    liver = tissue == "liver"
    return ChemistryProposal(
        name="alternating 2'-F/2'-OMe + ESC phosphorothioates" + (" + GalNAc" if liver else ""),
        sense=sense,
        antisense=anti,
        sense_ps=(1, 2),
        antisense_ps=(1, 2, length - 2, length - 1),
        conjugate="triantennary GalNAc (3' end of sense strand)" if liver else "none",
        notes="hepatocyte uptake through ASGPR" if liver else
        "needs a delivery vehicle (e.g. lipid nanoparticle); no ligand proposed",
        sources=(ALLERSON2005, NAIR2017, NAIR2014, FOSTER2018) if liver else
        (ALLERSON2005, NAIR2017, FOSTER2018),
    )  # fmt: skip


def immune_motifs(*strands: str) -> tuple[str, ...]:
    """Immune-stimulatory motifs (:data:`IMMUNE_MOTIFS`) present in any of ``strands``."""
    rna = [s.upper().replace("T", "U") for s in strands]
    return tuple(m for m, _ in IMMUNE_MOTIFS if any(m in s for s in rna))


# -- results -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class SiRNAOffTargets:
    """Off-targets of one guide: seed matches (3'UTRs) and near-complementary sites."""

    seed: SeedMatches
    seed_other_transcripts: int
    seed_other_genes: int
    near_sites: tuple[NearSite, ...]
    passenger_sites: tuple[NearSite, ...]

    def near_other_genes(self, max_mismatches: int) -> tuple[NearSite, ...]:
        """Guide-strand sites in other genes with at most ``max_mismatches``."""
        return tuple(s for s in self.near_sites if s.mismatches <= max_mismatches)

    def summary(self) -> dict[str, object]:
        """Counts and sites (JSON-ready)."""
        by_mm = [sum(1 for s in self.near_sites if s.mismatches == k) for k in range(4)]
        return {
            "seed": {**self.seed.summary(), "other_gene_transcripts": self.seed_other_transcripts,
                     "other_genes": self.seed_other_genes},
            "near_sites_other_genes_by_mismatches": by_mm,
            "near_sites": [s.to_dict() for s in self.near_sites],
            "passenger_strand_sites": [s.to_dict() for s in self.passenger_sites],
        }  # fmt: skip


@dataclass(frozen=True, slots=True, eq=False)
class SiRNADuplex:
    """One designed duplex: target site, strands, scores, flags, off-targets and chemistry."""

    start: int
    target: str
    guide: str
    passenger: str
    location: SiteLocation
    gc_percent: float
    reynolds: ReynoldsScore
    ui_tei: UiTeiClass
    amarzguioui: AmarzguiouiScore
    asymmetry_kcal: float
    immune: tuple[str, ...]
    snps: tuple[int, ...]
    chemistry: ChemistryProposal
    offtargets: SiRNAOffTargets | None = None
    rank: int = 0

    @property
    def passes_rules(self) -> bool:
        """Reynolds score >= 6 and Ui-Tei class I."""
        return self.reynolds.functional and self.ui_tei.class_i

    @property
    def passes_offtargets(self) -> bool | None:
        """No near-complementary site (<= 2 mismatches) in another gene (None: not searched)."""
        if self.offtargets is None:
            return None
        return not self.offtargets.near_other_genes(FAIL_MISMATCHES)

    def sort_key(self) -> tuple[float, ...]:
        """Ranking key (smaller first), see the module docstring."""
        ot = self.offtargets
        return (
            float(bool(self.snps)),
            float(self.passes_offtargets is False),
            float(not self.passes_rules),
            float(bool(self.immune)),
            -float(self.reynolds.score + self.amarzguioui.score),
            -self.asymmetry_kcal,
            float(ot.seed_other_transcripts if ot is not None else 0),
            float(self.start),
        )

    def to_dict(self) -> dict[str, object]:
        """JSON-ready description."""
        return {
            "rank": self.rank,
            "start": self.start,
            "start_1based": self.start + 1,
            "target_site": self.target,
            "guide_antisense": self.guide,
            "passenger_sense": self.passenger,
            "location": self.location.to_dict(),
            "gc_percent": self.gc_percent,
            "reynolds": {"score": self.reynolds.score, "functional": self.reynolds.functional,
                         "hairpin_criterion_evaluated": self.reynolds.hairpin_free is not None,
                         "criteria": dict(self.reynolds.criteria)},
            "ui_tei": {"class_i": self.ui_tei.class_i,
                       "au_antisense_5prime": self.ui_tei.au_antisense_5p,
                       "gc_sense_5prime": self.ui_tei.gc_sense_5p,
                       "au_in_antisense_1_7": self.ui_tei.au_antisense_seed7,
                       "longest_gc_stretch": self.ui_tei.longest_gc_stretch},
            "amarzguioui": {"score": self.amarzguioui.score,
                            "terms": dict(self.amarzguioui.terms)},
            "asymmetry_kcal_per_mol": self.asymmetry_kcal,
            "immune_motifs": list(self.immune),
            "snp_positions_1based": [p + 1 for p in self.snps],
            "passes_rules": self.passes_rules,
            "passes_offtargets": self.passes_offtargets,
            "offtargets": None if self.offtargets is None else self.offtargets.summary(),
            "chemistry": self.chemistry.to_dict(),
        }  # fmt: skip


@dataclass(frozen=True, slots=True, eq=False)
class SiRNADesign:
    """The ranked duplexes of one design with what was searched and any caveats."""

    transcript: RnaTranscript
    region: TargetRegion
    duplexes: tuple[SiRNADuplex, ...]
    candidates: int
    transcriptome: str
    transcriptome_complete: bool
    notes: tuple[str, ...]
    models: tuple[ModelInfo, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready description (schema ``vivo.rna.sirna/1``)."""
        return {
            "schema": "vivo.rna.sirna/1",
            "transcript": self.transcript.summary(),
            "region": self.region,
            "candidates_scored": self.candidates,
            "transcriptome": self.transcriptome,
            "transcriptome_complete": self.transcriptome_complete,
            "notes": list(self.notes),
            "models": [m.as_dict() for m in self.models],
            "duplexes": [d.to_dict() for d in self.duplexes],
        }


# -- design --------------------------------------------------------------------------------------
def _to_rna(seq: str) -> str:
    return seq.upper().replace("T", "U")


def _candidate(
    tx: RnaTranscript, mrna: str, start: int, snps: Sequence[int], chem: ChemistryProposal
) -> SiRNADuplex | None:
    site = mrna[start : start + PAIRED]
    if set(site) - set("ACGT"):
        return None
    sense = _to_rna(site)
    guide = _to_rna(reverse_complement(site)) + OVERHANG
    passenger = sense + OVERHANG
    hit = tuple(p for p in snps if start <= p < start + PAIRED)
    return SiRNADuplex(
        start=start, target=site, guide=guide, passenger=passenger,
        location=tx.locate(start, start + PAIRED),
        gc_percent=round(100 * sum(b in "GC" for b in site) / PAIRED, 1),
        reynolds=reynolds_score(sense), ui_tei=ui_tei_class(sense),
        amarzguioui=amarzguioui_score(sense), asymmetry_kcal=end_asymmetry(sense)[2],
        immune=immune_motifs(guide, passenger), snps=hit, chemistry=chem,
    )  # fmt: skip


def _check_top(top: int) -> int:
    if not 1 <= top <= MAX_TOP:
        raise InputError(f"--top {top} is out of range", hint=f"use 1-{MAX_TOP}")
    return top


def _offtargets(
    duplexes: Sequence[SiRNADuplex],
    gene: str,
    seed_index: SeedIndex,
    near_index: PamlessIndex | ShardedTranscriptome,
) -> list[SiRNADuplex]:
    import dataclasses

    seeds = seed_matches(seed_index, [d.guide for d in duplexes])
    near = search_near_sites(near_index, [d.target for d in duplexes],
                             max_mismatches=SEARCH_MISMATCHES)  # fmt: skip
    tm = seed_index.transcriptome
    other = np.array([g.upper() != gene.upper() for g in tm.genes], dtype=bool)
    out = []
    for d, seed, sites in zip(duplexes, seeds, near, strict=True):
        mask = other[seed.transcripts] if len(seed.transcripts) else np.zeros(0, dtype=bool)
        genes = {tm.genes[int(i)] for i in seed.transcripts[mask]}
        foreign = tuple(s for s in sites if s.gene.upper() != gene.upper())
        ot = SiRNAOffTargets(
            seed=seed,
            seed_other_transcripts=len(np.unique(seed.transcripts[mask])),
            seed_other_genes=len(genes),
            near_sites=tuple(s for s in foreign if s.strand == "+"),
            passenger_sites=tuple(s for s in foreign if s.strand == "-"),
        )
        out.append(dataclasses.replace(d, offtargets=ot))
    return out


def design_sirnas(
    transcript: RnaTranscript,
    *,
    region: TargetRegion = "cds",
    top: int = 10,
    transcriptome: Transcriptome | None = None,
    seed_index: SeedIndex | None = None,
    near_index: PamlessIndex | ShardedTranscriptome | None = None,
    snp_positions: Iterable[int] = (),
    tissue: Tissue = "liver",
) -> SiRNADesign:
    """Design and rank siRNA duplexes against ``transcript``'s mature mRNA.

    Parameters
    ----------
    transcript:
        The target (its mRNA is used; ``region`` needs a CDS unless ``any``).
    region:
        ``cds``, ``3utr``, ``5utr`` or ``any``.
    top:
        Number of duplexes returned (1-500).
    transcriptome:
        Transcripts searched for off-targets (default: the transcript itself plus the bundled
        records, which is NOT a transcriptome: the result says so). Prebuilt ``seed_index``
        and ``near_index`` of it may be passed to reuse them across designs.
    snp_positions:
        0-based mRNA positions of known variants; duplexes over them are ranked last.
    tissue:
        ``liver`` (GalNAc conjugate proposed) or ``other``.
    """
    _check_top(top)
    interval = transcript.region_interval(region)
    if len(interval) < PAIRED:
        whole = region == "any" or len(interval) == transcript.model.length
        raise InputError(
            f"the {'mRNA' if region == 'any' else region} of {transcript.transcript_id} is "
            f"{len(interval)} nt; an siRNA needs a {PAIRED}-nt site",
            hint="give a longer transcript" if whole else "choose a larger --region (e.g. any)",
        )
    mrna = transcript.mrna
    snps = sorted({int(p) for p in snp_positions})
    chem = propose_chemistry(tissue=tissue)
    cands = [c for s in range(interval.start, interval.end - PAIRED + 1)
             if (c := _candidate(transcript, mrna, s, snps, chem)) is not None]  # fmt: skip
    if not cands:
        raise InputError(f"no {PAIRED}-nt A/C/G/T site in the {region} of "
                         f"{transcript.transcript_id} (N bases?)")  # fmt: skip
    cands.sort(key=SiRNADuplex.sort_key)
    notes = []
    if transcriptome is None:
        transcriptome = _default_transcriptome(transcript)
    if not transcriptome.complete:
        notes.append(
            f"off-targets were searched in {transcriptome.source} ({len(transcriptome)} "
            "transcripts), not a transcriptome: counts are not genome-wide; pass a "
            "transcriptome (e.g. GENCODE transcripts.fa) for real off-target counts"
        )
    seed_index = seed_index or build_seed_index(transcriptome)
    near_index = near_index or near_searcher(transcriptome)
    ranked = sorted(_checked_pool(cands, top, transcript.gene, seed_index, near_index),
                    key=SiRNADuplex.sort_key)  # fmt: skip
    import dataclasses

    final = tuple(dataclasses.replace(d, rank=i) for i, d in enumerate(ranked[:top], start=1))
    if final and final[0].reynolds.hairpin_free is None:
        notes.append("ViennaRNA is not installed: Reynolds criterion III (internal repeats) "
                     "was not evaluated (no point awarded)")  # fmt: skip
    return SiRNADesign(
        transcript=transcript, region=region, duplexes=final, candidates=len(cands),
        transcriptome=transcriptome.source, transcriptome_complete=transcriptome.complete,
        notes=tuple(notes),
        models=(MODEL_INFO, REYNOLDS_MODEL, UI_TEI_MODEL, AMARZGUIOUI_MODEL, THERMO_MODEL),
    )  # fmt: skip


def _checked_pool(
    cands: Sequence[SiRNADuplex],
    top: int,
    gene: str,
    seed_index: SeedIndex,
    near_index: PamlessIndex | ShardedTranscriptome,
) -> list[SiRNADuplex]:
    """Off-targets of the best candidates, ``max(5 x top, 50)`` at a time, until ``top`` of
    them pass every check (or the candidates run out)."""
    step = max(5 * top, 50)
    done: list[SiRNADuplex] = []
    for lo in range(0, len(cands), step):
        done += _offtargets(cands[lo : lo + step], gene, seed_index, near_index)
        good = sum(1 for d in done if d.passes_rules and d.passes_offtargets and not d.snps
                   and not d.immune)  # fmt: skip
        if good >= top:
            break
    return done


def _default_transcriptome(transcript: RnaTranscript) -> Transcriptome:
    bundled = Transcriptome.bundled()
    if transcript.mrna in bundled.sequences:
        return bundled
    own = Transcriptome.from_transcripts([transcript], complete=False)
    return Transcriptome(
        own.ids + bundled.ids, own.genes + bundled.genes, own.sequences + bundled.sequences,
        own.cds + bundled.cds, source="the target transcript and the vivo bundled records",
        complete=False,
    )  # fmt: skip
