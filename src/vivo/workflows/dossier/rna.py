"""Dossier sections of RNA options: siRNA and antisense designs (:mod:`vivo.rna`) with their
off-target counts and chemistry, compared with the approved drug's site.

The transcript comes from the genome in use when it holds the gene (its annotation gives the
exons), else from the records vivo bundles (SMN2 exon 7, DMD exon 51, ADA mRNA); a request
neither covers carries ``needs`` and the dossier shows ``needs_sequence`` before this module runs.
Off-targets are searched in the transcripts of the genome in use (or the bundled records) and in
its sequence, with the limits of :mod:`vivo.rna.offtargets`; the section says which, since a
bundled genome is not a transcriptome.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement
from vivo.genome.annotation import AnnotatedGenome
from vivo.planning.requests import AsoDesign, SirnaDesign
from vivo.planning.strategies.exon_skip import COCKTAIL_STUDY
from vivo.planning.strategies.rna import RNA_RECORDS
from vivo.rna import aso as aso_engine
from vivo.rna import sirna as sirna_engine
from vivo.rna.offtargets import (
    PamlessIndex,
    Transcriptome,
    build_seed_index,
    genome_pamless_index,
    transcriptome_index,
)
from vivo.rna.transcript import RnaTranscript, bundled_transcript, transcript_from_annotation
from vivo.workflows.dossier.section import DossierInputs, Section, Unavailable, short

__all__ = ["APPROVED_SITES", "ApprovedSite", "aso_section", "rna_section", "sirna_section"]


@dataclass(frozen=True, slots=True)
class ApprovedSite:
    """An approved oligonucleotide whose sequence is published: the record it binds, its
    sequence 5'->3' and chemistry, and the sources (label; the site check in the record)."""

    drug: str
    record: str
    oligo: str
    chemistry: str
    sources: tuple[str, ...]


#: approved splice-switching oligos with published sequences, on vivo's bundled records; each
#: sequence occurs exactly once in its record (tests/rna/test_aso_golden.py)
APPROVED_SITES: dict[str, ApprovedSite] = {
    "Spinraza": ApprovedSite(
        "nusinersen",
        "SMN2-exon7",
        "TCACTTTCATAATGCTGG",
        "18-mer, uniform 2'-MOE phosphorothioate",
        ("US label (FDA-SPINRAZA-PI)", "Singh 2006 (ISS-N1, intron 7 +10..+27)"),
    ),
    "Exondys 51": ApprovedSite(
        "eteplirsen",
        "DMD-exon51",
        "CTCCAACATCAAGGAAGATGGCATTTCTAG",
        "30-mer PMO",
        ("US label (FDA-EXONDYS51-PI)", "exon 51 +66..+95 (H51A(+66+95))"),
    ),
}
_CHEMISTRY = {"moe": "moe", "pmo": "pmo"}
TOP_ROWS = 5


def _record_for(gene: str, exon: int | None) -> str | None:
    return RNA_RECORDS.get((gene, exon)) or RNA_RECORDS.get((gene, None))


def _transcript(gene: str, exon: int | None, genome: AnnotatedGenome) -> tuple[RnaTranscript, str]:
    """The transcript to design on and where it came from."""
    if gene in genome.annotation:
        tx = transcript_from_annotation(genome, gene, flank=500)
        return tx, f"{gene} transcript of the genome in use ({genome.name})"
    name = _record_for(gene, exon)
    if name is None:
        raise Unavailable(
            f"no transcript of {gene}: the genome in use ({genome.name}) lacks it and vivo "
            "bundles none; pass --genome/--annotation, or run `vivo rna` on a transcript file"
        )
    return bundled_transcript(name), f"vivo's bundled record {name}"


@lru_cache(maxsize=2)
def _indexes(
    genome: AnnotatedGenome,
) -> tuple[Transcriptome, PamlessIndex, PamlessIndex | None, str]:
    """Transcriptome and genome indexes for off-target counts, and what they cover."""
    tm = Transcriptome.from_annotation(genome)
    where = f"transcripts annotated in {genome.name} ({len(tm)})"
    if len(tm) == 0:
        tm = Transcriptome.bundled()
        where = "vivo's 3 bundled records"
    try:
        gidx: PamlessIndex | None = genome_pamless_index(genome)
        where += f" and the {genome.name} sequence"
    except InputError:
        gidx = None
        where += "; the genome is too large for the in-memory genome search"
    return tm, transcriptome_index(tm), gidx, where + " (not transcriptome-wide)"


def _offtarget_text(counts: tuple[int, ...] | None) -> str:
    return "not searched" if counts is None else "/".join(str(c) for c in counts)


def _overlap(drug: str | None, tx: RnaTranscript, start: int, end: int) -> tuple[int, str]:
    """Bases a design shares with the approved drug's site, and the comparison in words."""
    site = APPROVED_SITES.get(drug or "")
    if site is None:
        return 0, ""
    pre = tx.pre_mrna if tx.introns_known else tx.mrna
    at = pre.find(reverse_complement(site.oligo))
    if at < 0:
        return 0, f"{site.drug}'s site not in this transcript"
    shared = max(0, min(end, at + len(site.oligo)) - max(start, at))
    if (start, end) == (at, at + len(site.oligo)):
        return shared, f"same site as {site.drug}"
    return shared, (
        f"{shared} nt overlap with {site.drug}" if shared else f"not {site.drug}'s site"
    )


def _length(req: AsoDesign) -> int:
    """The approved drug's length when its sequence is bundled, else 25 nt (PMO) or 18 (MOE)."""
    site = APPROVED_SITES.get(req.precedent or "")
    if site is not None:
        return len(site.oligo)
    return 25 if "PMO" in req.chemistry else 18


def _splice_designs(
    req: AsoDesign, exon: int, tx: RnaTranscript, tidx: PamlessIndex, gidx: PamlessIndex | None
) -> aso_engine.AsoResult:
    return aso_engine.design_splice_switching(
        tx,
        exon=exon,
        mode=req.mode,  # type: ignore[arg-type]
        length=_length(req),
        chemistry="pmo" if "PMO" in req.chemistry else "moe",
        top=max(req.top_n, 10),
        transcript_index=tidx,
        genome_index=gidx,
    )


def aso_section(req: AsoDesign, inputs: DossierInputs) -> Section:
    """Antisense oligos for ``req``: gapmers, or splice-switching oligos for each of its exons.

    A multi-exon skip (``req.exons``, e.g. 45+51) is one cocktail of oligos, one per exon: the
    rows come in one group per exon, labelled in a first ``exon`` column; an exon whose
    sequence is not at hand is named in the message (the others are still designed)."""
    _tm, tidx, gidx, searched = _indexes(inputs.genome)
    cocktail = len(req.exons) > 1
    results: list[tuple[int | None, RnaTranscript, str, aso_engine.AsoResult]] = []
    missing: list[str] = []
    if req.mode == "gapmer":
        tx, origin = _transcript(req.gene, None, inputs.genome)
        res = aso_engine.design_gapmers(
            tx, chemistry="moe-5-10-5", top=req.top_n, transcript_index=tidx, genome_index=gidx
        )
        results.append((None, tx, origin, res))
    for number in req.exons if req.mode != "gapmer" else ():
        try:
            tx, origin = _transcript(req.gene, number, inputs.genome)
            results.append((number, tx, origin, _splice_designs(req, number, tx, tidx, gidx)))
        except (Unavailable, InputError) as exc:
            if not cocktail:
                raise
            missing.append(f"exon {number}: {exc}")
    if not results:
        raise Unavailable("; ".join(missing))
    rows, parts = [], []
    for n, (exon, tx, origin, res) in enumerate(results, start=1):
        exon_rows, hit = [], None
        for d in res.designs:
            shared, versus_drug = _overlap(req.precedent, tx, d.start, d.end)
            if hit is None and shared >= d.length // 2 and shared > 0:
                hit = d.rank  # the rule of the golden tests: at least half the oligo on the site
            row = (
                d.rank, d.oligo, d.length, d.location.label, short(d.score), short(d.gc),
                _offtarget_text(d.offtargets.transcriptome if d.offtargets else None),
                _offtarget_text(d.offtargets.genome if d.offtargets else None),
                ", ".join(d.flags) or "-", versus_drug,
            )  # fmt: skip
            exon_rows.append((f"exon {exon} ({n} of {len(req.exons)})", *row) if cocktail else row)
        rows.extend(exon_rows[: req.top_n])
        parts.append(_summary(req, res, origin, hit, len(exon_rows), exon if cocktail else None))
    res = results[0][3]
    message = "; ".join(parts) + f"; off-targets (0/1/2 mismatches) in {searched}"
    if cocktail:
        message = (
            f"exons {'+'.join(map(str, req.exons))} skipped together need a cocktail of oligos, "
            f"one per exon ({COCKTAIL_STUDY}): " + message
        )
        if missing:
            message += "; NOT designed: " + "; ".join(missing)
    notes = dict.fromkeys(note for *_, r in results for note in r.notes)
    if notes:
        message += "; " + "; ".join(notes)
    columns = (
        "rank", "oligo 5'->3'", "nt", "site", "score", "GC", "off-targets transcripts",
        "off-targets genome", "flags", "vs approved drug",
    )  # fmt: skip
    used = dict.fromkeys(f"{r[1].transcript_id} ({r[2]})" for r in results)
    return Section(
        message,
        ("exon", *columns) if cocktail else columns,
        tuple(rows),
        (
            ("engine", "vivo.rna.aso"),
            ("chemistry", res.chemistry.describe()),
            *(("transcript", t) for t in used),
            *(("model", f"{m.name} {m.version}") for m in res.models),
        ),
        status="ok" if rows else "none_found",
    )


def _summary(
    req: AsoDesign,
    res: aso_engine.AsoResult,
    origin: str,
    hit: int | None,
    ranked: int,
    exon: int | None,
) -> str:
    """One result in words: what was designed where, and the approved drug's site rank."""
    site = APPROVED_SITES.get(req.precedent or "")
    versus = ""
    if site is not None:
        versus = (
            f"; {site.drug} ({site.chemistry}) site: design rank {hit}"
            if hit is not None
            else f"; no design among the top {ranked} covers {site.drug}'s site"
        )
    elif req.precedent:
        versus = f"; {req.precedent}'s sequence is not bundled, so its site is not compared"
    what = f"exon {exon}: " if exon is not None else ""
    return (
        f"{what}{len(res.designs)} {res.mode} oligo(s), {res.chemistry.describe()}, on {origin} "
        f"({res.candidates} candidates){versus}"
    )


def sirna_section(req: SirnaDesign, inputs: DossierInputs) -> Section:
    """siRNA duplexes for ``req``: rules, seed and near-complementary off-targets, chemistry."""
    tx, origin = _transcript(req.gene, None, inputs.genome)
    tm, tidx, _gidx, searched = _indexes(inputs.genome)
    tissue = "liver" if req.conjugate == "GalNAc" else "other"
    res = sirna_engine.design_sirnas(
        tx,
        region=req.target_region,
        top=req.top_n,
        transcriptome=tm,
        seed_index=build_seed_index(tm),
        near_index=tidx,
        tissue=tissue,  # type: ignore[arg-type]
    )
    rows = []
    for d in res.duplexes:
        ot = d.offtargets
        near = (
            "-"
            if ot is None
            else "/".join(str(sum(1 for s in ot.near_sites if s.mismatches == k)) for k in range(4))
        )
        rows.append(
            (
                d.rank, d.guide, d.passenger, d.location.label, d.reynolds.score,
                "I" if d.ui_tei.class_i else "-", short(d.asymmetry_kcal),
                "-" if ot is None else ot.seed_other_transcripts, near,
                ", ".join(d.immune) or "-", d.chemistry.name,
            )
        )  # fmt: skip
    passing = sum(1 for d in res.duplexes if d.passes_rules)
    message = (
        f"{len(res.duplexes)} siRNA duplex(es) on {origin}, {passing} passing the Reynolds and "
        f"Ui-Tei rules ({res.candidates} candidates); seed matches in 3'UTRs of other "
        f"transcripts and near sites (0/1/2/3 mismatches) in {searched}; chemistry proposal "
        f"with {req.conjugate} conjugate"
    )
    if req.precedent:
        message += f"; approved precedent {req.precedent} (its sequence is not bundled)"
    if res.notes:
        message += "; " + "; ".join(res.notes)
    return Section(
        message,
        (
            "rank", "guide 5'->3'", "passenger 5'->3'", "site", "Reynolds", "Ui-Tei",
            "asymmetry kcal/mol", "seed other transcripts", "near sites", "immune motifs",
            "chemistry",
        ),
        tuple(rows),
        (
            ("engine", "vivo.rna.sirna"),
            ("transcript", f"{tx.transcript_id} ({origin})"),
            *(("model", f"{m.name} {m.version}") for m in res.models),
        ),
        status="ok" if rows else "none_found",
    )  # fmt: skip


def rna_section(req: SirnaDesign | AsoDesign, inputs: DossierInputs) -> Section:
    """The section of an RNA design request (siRNA or antisense)."""
    if isinstance(req, SirnaDesign):
        return sirna_section(req, inputs)
    return aso_section(req, inputs)
