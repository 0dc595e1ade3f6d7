"""Silence or knock out a harmful gene (all alleles or allele-specific)."""

from __future__ import annotations

from vivo.planning import risks
from vivo.planning.context import Context
from vivo.planning.evidence import best_level_score, literature, product_precedents
from vivo.planning.plan import DeliveryMode, Option, Precedent
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


def _knockout_all(ctx: Context, delivery: DeliveryMode, vehicle: str, cell: str) -> Option:
    keys = {
        "TTR": (
            "Gillmore2021",
            "clinical",
            "NTLA-2001: one LNP infusion of Cas9 mRNA and a "
            "TTR guide lowered serum TTR by a mean 87% at 0.3 mg/kg.",
        ),
        "PCSK9": (
            "Musunuru2021",
            "preclinical",
            "LNP-delivered adenine base editor knocked "
            "out PCSK9 in macaque liver; LDL cholesterol fell by about 60%.",
        ),
    }
    precedents: tuple[Precedent, ...] = ()
    if ctx.gene in keys:
        precedents = (literature(*keys[ctx.gene]),)
    precedents += product_precedents(targets=(ctx.gene,), modality="rna")
    opt = Option(
        id="silence-knockout",
        title=f"In vivo knockout of {ctx.gene} (both alleles)",
        family="silence",
        delivery=delivery,
        vehicle=vehicle,
        editor="SpCas9",
        cell_source=cell,
        feasibility="possible",
        score=0.0,
        rationale=(
            f"Gain of function: the mutant protein is harmful, and losing {ctx.gene} "
            "entirely is tolerated, so a plain knockout removes the source.",
            "A frameshift in an early coding exon, made by NHEJ after one Cas9 cut.",
        ),
        precedents=precedents,
        risks=(*risks.DSB, *risks.LNP),
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
    return finish_option(opt, best_level_score(precedents) + 3.0)


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
