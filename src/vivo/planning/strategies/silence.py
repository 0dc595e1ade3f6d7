"""Silence or knock out a harmful gene (all alleles or allele-specific)."""

from __future__ import annotations

from dataclasses import replace

from vivo.knowledge.sources import Source
from vivo.planning import risks
from vivo.planning.context import Context
from vivo.planning.evidence import (
    LEVEL_SCORE,
    NO_EVIDENCE_SCORE,
    STATUS_FACTOR,
    best_level_score,
    literature,
)
from vivo.planning.plan import DeliveryMode, Option, Precedent, Risk
from vivo.planning.requests import GuideDesign, OffTargetDesign
from vivo.planning.strategies._common import (
    EDIT_ROUTE,
    finish_option,
    impossible_option,
    with_needs,
)

__all__ = ["silence"]


def silence(ctx: Context) -> Option | None:
    """Knock out or silence the gene (all copies when tolerated, else the mutant allele only)."""
    delivery, vehicle, cell = EDIT_ROUTE[ctx.tissue]
    title = f"Knock out / silence {ctx.gene}"
    if not (ctx.dominant or ctx.mechanism == "dominant_negative"):
        reason = (
            f"{ctx.gene} variants cause disease by missing function; removing the gene cannot help."
        )
        if ctx.mechanism == "gain_of_function":
            reason = (
                f"Recessive disease: silencing the mutant {ctx.gene} alone would leave too "
                "little protein (for HBB, a beta-thalassemia); it only helps together "
                "with inducing a compensating gene."
            )
        return impossible_option(
            ctx,
            "silence-knockout",
            title,
            "silence",
            reason,
            delivery=delivery,
            vehicle=vehicle,
            editor="SpCas9",
        )
    if ctx.knockout_tolerated:
        return _knockout_all(ctx, delivery, vehicle, cell)
    return _allele_specific(ctx, delivery, vehicle, cell)


#: the published precedent of each tolerated knockout, with the editor it used (the option
#: follows the precedent's editor: PCSK9 was knocked out by adenine base editing, not a nuclease)
KNOCKOUT_PRECEDENTS: dict[str, tuple[str, str, str, str]] = {
    "TTR": (
        "SpCas9",
        "Gillmore2021",
        "clinical",
        "NTLA-2001: one LNP infusion of Cas9 mRNA and a "
        "TTR guide lowered serum TTR by a mean 87% at 0.3 mg/kg.",
    ),
    "PCSK9": (
        "ABE",
        "Musunuru2021",
        "preclinical",
        "LNP-delivered adenine base editor disrupted a PCSK9 splice donor in "
        "macaque liver; blood PCSK9 fell by about 90% and LDL cholesterol by about 60%.",
    ),
}


#: clinical holds on a knockout precedent: (as of, what happened, sources); shown as the
#: precedent's status and safety signal, and weighted like a product on clinical hold: the
#: credit above "no evidence" is multiplied by STATUS_FACTOR["clinical_hold"] (0.6)
KNOCKOUT_HOLDS: dict[str, tuple[str, str, tuple[Source, ...]]] = {
    "TTR": (
        "2025-10-29",
        "FDA clinical hold on the phase 3 MAGNITUDE and MAGNITUDE-2 trials of NTLA-2001 "
        "(nex-z) after grade 4 liver transaminase elevation with raised bilirubin in a treated "
        "patient (dosing paused 2025-10-27)",
        (
            Source(
                "SEC-NTLA-8K-2025-10-29",
                "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0001652130"
                "&type=8-K",
            ),
        ),
    ),
}


def _knockout_all(ctx: Context, delivery: DeliveryMode, vehicle: str, cell: str) -> Option:
    editor, key, level, summary = KNOCKOUT_PRECEDENTS.get(ctx.gene, ("SpCas9", "", "", ""))
    precedents: tuple[Precedent, ...] = (literature(key, level, summary),) if key else ()
    hold = KNOCKOUT_HOLDS.get(ctx.gene)
    if hold and precedents:
        as_of, text, sources = hold
        first = precedents[0]
        precedents = (
            replace(
                first,
                status=f"clinical hold (as of {as_of})",
                as_of=as_of,
                safety=(f"clinical hold ({as_of}): {text}",),
                sources=(*first.sources, *sources),
            ),
        )
    if editor == "ABE":
        title = f"In vivo base-editing knockout of {ctx.gene} (ABE, splice-site disruption)"
        how = (
            "An adenine base editor changes the conserved G of a splice donor (GT) in an early "
            "intron, so the transcript is mis-spliced and no protein is made: no double-strand "
            "break, no donor. vivo designs the candidate protospacers of the early exons below; "
            "the splice-donor ABE design itself is not covered yet."
        )
        edit_risks: tuple[Risk, ...] = (*risks.BASE_EDIT, *risks.LNP)
    else:
        title = f"In vivo knockout of {ctx.gene} (both alleles)"
        how = "A frameshift in an early coding exon, made by NHEJ after one Cas9 cut."
        edit_risks = (*risks.DSB, *risks.LNP)
    opt = Option(
        id="silence-knockout",
        title=title,
        family="silence",
        delivery=delivery,
        vehicle=vehicle,
        editor=editor,
        cell_source=cell,
        feasibility="possible",
        score=0.0,
        rationale=(
            f"Gain of function: the mutant protein is harmful, and losing {ctx.gene} "
            "entirely is tolerated, so a plain knockout removes the source.",
            how,
        ),
        precedents=precedents,
        risks=edit_risks,
        designs=(
            with_needs(
                ctx,
                GuideDesign(
                    purpose=f"knockout guides in early coding exons of {ctx.gene}",
                    gene=ctx.gene,
                    site="early_exons",
                ),
            ),
            with_needs(
                ctx,
                OffTargetDesign(
                    purpose="off-target sites of the top knockout guides",
                    gene=ctx.gene,
                    source="guides",
                ),
            ),
        ),
    )
    penalty = 0.0
    if hold and precedents:
        credit = LEVEL_SCORE[precedents[0].level] - NO_EVIDENCE_SCORE
        penalty = credit * (1.0 - STATUS_FACTOR["clinical_hold"])
    return finish_option(opt, best_level_score(precedents) + 3.0 - penalty)


def _allele_specific(ctx: Context, delivery: DeliveryMode, vehicle: str, cell: str) -> Option:
    opt = Option(
        id="silence-allele-specific",
        title=f"Allele-specific knockout of the mutant {ctx.gene} allele",
        family="silence",
        delivery=delivery,
        vehicle=vehicle,
        editor="SpCas9",
        cell_source=cell,
        feasibility="possible",
        score=0.0,
        rationale=(
            f"{ctx.mechanism.replace('_', ' ').capitalize()}: one mutant allele causes "
            "disease, so removing it while sparing the normal allele treats it.",
            "Needs a guide (or PAM) that exists only on the mutant allele: the variant "
            "itself or a linked heterozygous SNP; an RNA-silencing drug (siRNA/ASO) is "
            "the non-editing alternative.",
        ),
        risks=(*risks.DSB, *(risks.AAV if vehicle == "AAV" else risks.LNP)),
        designs=(
            with_needs(
                ctx,
                GuideDesign(
                    purpose="guides whose spacer or PAM covers the variant",
                    gene=ctx.gene,
                    site="variant",
                    window_bp=40,
                    allele="mutant",
                ),
            ),
            with_needs(
                ctx,
                OffTargetDesign(
                    purpose="off-target sites, including the normal allele",
                    gene=ctx.gene,
                    source="guides",
                ),
            ),
        ),
    )
    # One NHEJ cut is far more efficient than precise correction in non-dividing tissue.
    return finish_option(opt, best_level_score(()) + 20.0)
