"""Guide sections: nuclease guides around the variant, in a promoter or in early exons.

Guides are found on the genome in use, scored with Rule Set 1 and ranked: by distance to the
variant when there is one, else by score. ``allele="mutant"`` guides are found on the
patient's allele (the genome in use with the variant applied) and kept only when the
variant lies in their protospacer or in a fixed base of their PAM, so that they do not exist
on the normal allele. With an indexed off-target genome, each guide also gets its
genome-wide CFD specificity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import VivoError
from vivo.editing.edit_site import apply_changes
from vivo.editing.guides import Guide, find_guides
from vivo.editing.nucleases import Nuclease, get_nuclease
from vivo.editing.offtarget import search_offtargets
from vivo.editing.regulatory import (
    DISRUPTION_WINDOW_BP,
    HBG_GENES,
    MotifGuide,
    find_hbg_promoter_motifs,
    label_promoter_guides,
)
from vivo.editing.scoring import score_guides
from vivo.genome.base import GenomeBase
from vivo.planning.requests import GuideDesign
from vivo.variants.locate import GenomicChange
from vivo.workflows.dossier.indexes import SiteIndexes
from vivo.workflows.dossier.section import TOP_N, DossierInputs, Section, SpacerSet, Unavailable

__all__ = ["guide_locus", "guide_section"]

SCORE_MODEL = "ruleset1"


def guide_locus(req: GuideDesign, inputs: DossierInputs) -> tuple[Locus, int | None]:
    """The genomic locus a guide request names, and the variant position (if it is one)."""
    if req.site == "variant":
        if inputs.variant is None:
            raise Unavailable("no interpreted variant to design around")
        pos = inputs.variant.change.start
        half = (req.window_bp or 0) // 2
        iv = Interval(max(0, pos - half), pos + half + 1)
        return Locus(inputs.variant.change.contig, iv, Strand.PLUS), pos
    gene = inputs.genome.gene(req.gene)
    if req.site == "promoter":
        loc, up, down = gene.locus, req.upstream_bp, req.downstream_bp
        if loc.strand is Strand.MINUS:
            iv = Interval(loc.end - down, loc.end + up)
        else:
            iv = Interval(max(0, loc.start - up), loc.start + down)
        return Locus(loc.contig, iv, loc.strand), None
    tx = gene.canonical
    exons = tx.exons_5to3[:2]
    iv = Interval(min(e.start for e in exons), max(e.end for e in exons))
    return Locus(tx.contig, iv, tx.strand), None


@dataclass(frozen=True, slots=True)
class _Scored:
    guides: list[Guide]
    model: str  # "" when unscored
    note: str


def _score(guides: list[Guide], nuclease: Nuclease) -> _Scored:
    """Rule Set 1 scores (SpCas9-family only); unscored guides say why."""
    if nuclease.family != "cas9":
        return _Scored(guides, "", f"; unscored ({SCORE_MODEL} is a Cas9 model)")
    try:
        return _Scored(score_guides(guides, [SCORE_MODEL]), SCORE_MODEL, "")
    except VivoError as exc:  # e.g. a site too close to a contig end for the 30-mer
        return _Scored(guides, "", f"; unscored: {exc}")


def _value(g: Guide, model: str) -> float | None:
    s = g.score(model) if model else None
    return None if s is None else float(s)


def guide_section(req: GuideDesign, inputs: DossierInputs, indexes: SiteIndexes) -> Section:
    """The best guides of ``req`` (see the module docstring)."""
    nuclease = get_nuclease(req.nuclease)
    locus, target = guide_locus(req, inputs)
    if req.site == "promoter" and req.gene.upper() in HBG_GENES:
        return _hbg_promoter_section(req, inputs, indexes, nuclease, locus)
    tx = inputs.genome.gene(req.gene).canonical
    genome: GenomeBase = inputs.genome.genome
    allele: dict[str, tuple[int, str]] = {}  # spacer -> (nt from PAM, 0 in it; label)
    if req.allele == "mutant":
        genome, found, allele = _mutant_allele_guides(inputs, nuclease, locus, target)
    else:
        found = find_guides(genome, locus, nuclease, target=target, transcript=tx, selection="cut")
    scored = _score(found, nuclease)

    def key(g: Guide) -> tuple[float, float, float]:
        s = _value(g, scored.model)
        dist = abs(g.target_distance_bp or 0) if target is not None else 0
        seed = allele[g.spacer][0] if allele else 0  # nearer the PAM discriminates better
        return (seed, dist, -(s if s is not None else -1.0))

    best = sorted(scored.guides, key=key)[:TOP_N]
    spec, spec_note = _genome_specificity(inputs, indexes, nuclease, [g.spacer for g in best])
    what = "mutant-allele-specific " if req.allele == "mutant" else ""
    of = " of the patient allele" if req.allele == "mutant" else ""
    message = (
        f"{len(found)} {what}{nuclease.name} sites in {req.region} ({_where(locus)}){of}; "
        f"best {len(best)} shown" + _score_note(scored) + spec_note
    )
    columns = (
        *_COLUMNS[:5], scored.model or "score", "flags",
        *(("variant in",) if allele else ()),
        *(("CFD specificity",) if spec else ()),
    )  # fmt: skip
    rows = tuple(
        (
            *_cells(g, scored.model),
            *((allele[g.spacer][1],) if allele else ()),
            *((spec[g.spacer],) if spec else ()),
        )
        for g in best
    )
    provenance = _provenance(nuclease, scored, spec, inputs)
    if req.allele == "mutant":
        provenance += (("genome", genome.name),)
    return Section(
        message,
        columns,
        rows,
        provenance,
        spacers=SpacerSet(
            "guides", req.gene, nuclease, tuple(g.spacer for g in best), bool(allele)
        ),
        status="ok" if best else "none_found",
    )


_COLUMNS = ("spacer", "PAM", "strand", "cut (1-based)", "distance to variant (bp)")


def _where(locus: Locus) -> str:
    return f"{locus.contig}:{locus.start + 1:,}-{locus.end:,}"


def _score_note(scored: _Scored) -> str:
    return (f", on-target score: {scored.model}" if scored.model else "") + scored.note


def _cells(g: Guide, model: str) -> tuple[object, ...]:
    """spacer, PAM, strand, 1-based cut, distance to the variant, score, flags."""
    s = _value(g, model)
    return (
        g.spacer, g.pam, str(g.strand), g.cut_site + 1,
        "" if g.target_distance_bp is None else g.target_distance_bp,
        "" if s is None else round(s, 3),
        ", ".join(g.flags),
    )  # fmt: skip


def _provenance(
    nuclease: Nuclease, scored: _Scored, spec: dict[str, float], inputs: DossierInputs
) -> tuple[tuple[str, str], ...]:
    out: tuple[tuple[str, str], ...] = (
        ("nuclease", nuclease.name),
        ("score_model", scored.model or "none"),
    )
    if spec:
        out += (("specificity_genome", str(inputs.offtarget_genome)),)
    return out


# ---------------------------------------------------------------- HBG promoter guides


def _hbg_promoter_section(
    req: GuideDesign, inputs: DossierInputs, indexes: SiteIndexes, nuclease: Nuclease,
    locus: Locus,
) -> Section:  # fmt: skip
    """HBG1/HBG2 promoter guides labelled and ranked by the repressor-binding element their
    cut disrupts (:mod:`vivo.editing.regulatory`), with the cut relative to the TSS."""
    tx = inputs.genome.gene(req.gene).canonical
    found = find_guides(inputs.genome.genome, locus, nuclease, transcript=tx, selection="cut")
    scored = _score(found, nuclease)
    motifs = find_hbg_promoter_motifs(inputs.genome, req.gene)
    if not motifs:
        raise Unavailable(
            f"none of the HBG promoter elements was found near its published position in "
            f"{req.gene} of {inputs.genome.name}"
        )
    labelled = label_promoter_guides(scored.guides, motifs, score_model=scored.model or None)
    best = labelled[:TOP_N]
    spec, spec_note = _genome_specificity(inputs, indexes, nuclease, [m.guide.spacer for m in best])
    hitting = sum(1 for m in labelled if m.disrupts)
    elements = "; ".join(f"{m.factor} {m.rel_start}..{m.rel_end}" for m in motifs)
    message = (
        f"{len(found)} {nuclease.name} sites in {req.region} ({_where(locus)}); "
        f"{hitting} cut in or within {DISRUPTION_WINDOW_BP} bp of a promoter element "
        f"({elements}; positions relative to the TSS); best {len(best)} shown, ranked by "
        "the elements their cut disrupts, then by score" + _score_note(scored) + spec_note
    )
    columns = (
        "spacer", "PAM", "strand", "cut (1-based)", "cut vs TSS", "disrupts",
        scored.model or "score", "flags", *(("CFD specificity",) if spec else ()),
    )  # fmt: skip
    rows = tuple(_motif_row(m, scored.model, spec) for m in best)
    return Section(
        message,
        columns,
        rows,
        (*_provenance(nuclease, scored, spec, inputs),
         ("motifs", "vivo.editing.regulatory.find_hbg_promoter_motifs")),
        spacers=SpacerSet("guides", req.gene, nuclease, tuple(m.guide.spacer for m in best)),
        status="ok" if best else "none_found",
    )  # fmt: skip


def _motif_row(m: MotifGuide, model: str, spec: dict[str, float]) -> tuple[object, ...]:
    g = m.guide
    s = _value(g, model)
    if not m.disrupts:
        disrupts = "none"
    else:
        disrupts = ", ".join(
            f + (" (inside)" if i < m.inside else f" (within {DISRUPTION_WINDOW_BP} bp)")
            for i, f in enumerate(m.disrupts)
        )
    return (
        g.spacer, g.pam, str(g.strand), g.cut_site + 1, m.cut_label, disrupts,
        "" if s is None else round(s, 3), ", ".join(g.flags),
        *((spec[g.spacer],) if spec else ()),
    )  # fmt: skip


# ---------------------------------------------------------------- allele-specific guides


def _mutant_allele_guides(
    inputs: DossierInputs, nuclease: Nuclease, locus: Locus, target: int | None
) -> tuple[GenomeBase, list[Guide], dict[str, tuple[int, str]]]:
    """Guides of the patient's allele whose protospacer or PAM fixed bases hold the variant,
    with where the variant lies (see :func:`_variant_position`)."""
    if inputs.variant is None or target is None:
        raise Unavailable("no interpreted variant to design mutant-allele guides for")
    change = inputs.variant.normalized.change
    patient = apply_changes(
        inputs.genome.genome, [change], name=f"{inputs.genome.name}+{inputs.variant.hgvs_c}"
    )
    changed = _changed_bases(change)
    kept: list[Guide] = []
    where: dict[str, tuple[int, str]] = {}
    for g in find_guides(patient, locus, nuclease, target=target, selection="cut"):
        found = _variant_position(g, nuclease, changed)
        if found is not None:
            kept.append(g)
            where[g.spacer] = found
    return patient, kept, where


def _changed_bases(change: GenomicChange) -> Interval:
    """Patient-genome bases that differ from the normal allele (for a deletion, the two bases
    either side of the junction)."""
    if change.alt:
        return Interval(change.start, change.start + len(change.alt))
    return Interval(max(0, change.start - 1), change.start + 1)


def _variant_position(g: Guide, nuclease: Nuclease, changed: Interval) -> tuple[int, str] | None:
    """Where the variant lies in the guide's site: ``(0, "PAM")`` for a fixed PAM base,
    ``(n, "spacer, n nt from PAM")`` in the protospacer; ``None`` when only in the PAM's N
    (which does not tell the alleles apart) or outside the site."""
    pam_hits = [
        i
        for i in range(len(g.pam))
        if changed.start <= _pam_base(g, i) < changed.end and nuclease.pam[i] != "N"
    ]
    if pam_hits:
        return 0, "PAM"
    lo, hi = max(changed.start, g.protospacer.start), min(changed.end, g.protospacer.end)
    hits = range(lo, hi)
    if not hits:
        return None
    pam_side_3 = nuclease.pam_side == "3prime"
    plus = g.strand is Strand.PLUS
    dist = [
        (g.protospacer.end - p if plus else p - g.protospacer.start + 1)
        if pam_side_3
        else (p - g.protospacer.start + 1 if plus else g.protospacer.end - p)
        for p in hits
    ]
    return min(dist), f"spacer, {min(dist)} nt from PAM"


def _pam_base(g: Guide, i: int) -> int:
    """Plus-strand position of the PAM's i-th base (5'->3' on the guide's strand)."""
    if g.strand is Strand.PLUS:
        return g.pam_interval.start + i
    return g.pam_interval.end - 1 - i


# ---------------------------------------------------------------- genome-wide specificity


def _genome_specificity(
    inputs: DossierInputs, indexes: SiteIndexes, nuclease: Nuclease, spacers: Sequence[str]
) -> tuple[dict[str, float], str]:
    """Genome-wide CFD specificity (1 / (1 + ΣCFD), one perfect canonical-PAM site taken as
    the on-target) of each spacer when an indexed off-target genome is named."""
    if not inputs.offtarget_genome or not spacers:
        return {}, ""
    index, why = indexes.genome(nuclease)
    if index is None:
        return {}, f"; no genome-wide specificity ({why})"
    res = search_offtargets(index, list(spacers), nuclease=nuclease, max_mismatches=4)
    spec = {g.spacer: round(g.specificity.cfd_specificity, 3) for g in res.guides}
    return spec, (
        f"; CFD specificity from a whole-genome search of {inputs.offtarget_genome} "
        "(≤ 4 mismatches)"
    )
