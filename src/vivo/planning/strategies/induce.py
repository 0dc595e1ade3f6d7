"""Induce a compensating gene (fetal hemoglobin and others)."""

from __future__ import annotations

from dataclasses import replace

from vivo.planning import risks
from vivo.planning.context import Context
from vivo.planning.evidence import best_level_score, literature, product_precedents
from vivo.planning.plan import Option, Risk
from vivo.planning.requests import DesignRequest, GuideDesign, OffTargetDesign
from vivo.planning.strategies._common import (
    EDIT_ROUTE,
    collection_designs,
    finish_option,
    label_fit,
    simulation_design,
)
from vivo.planning.strategies.rna import SPLICE_INCLUSION

__all__ = ["induce_hbf", "induce_other"]


def induce_hbf(ctx: Context) -> Option | None:
    """Ex vivo HSC editing that switches fetal hemoglobin back on (Casgevy's strategy)."""
    if not {"HBG1", "HBG2"} & set(ctx.compensating) or ctx.tissue != "blood":
        return None
    precedents = (
        *product_precedents(disease=ctx.disease, targets=("BCL11A",), modality="gene_editing"),
        literature(
            "Bauer2013",
            "preclinical",
            "BCL11A erythroid enhancer controls HbF level; the approved editing target.",
        ),
        literature(
            "Traxler2016",
            "preclinical",
            "Disrupting the HBG1/HBG2 promoters (13-nt "
            "HPFH-like deletion) raises HbF in human HSPC-derived red cells.",
        ),
    )
    rationale = (
        "Fetal hemoglobin (HbF) does not polymerize with HbS and replaces missing adult "
        "hemoglobin, so raising it treats both sickle cell disease and beta-thalassemia.",
        "Approved target: the BCL11A erythroid-specific enhancer (edited by Casgevy). It lies on "
        "chromosome 2, outside the bundled beta-globin locus; the designs below target the "
        "BCL11A-repressor binding sites in the HBG1/HBG2 promoters, which the bundled locus "
        "contains (same outcome, HbF induction).",
        "Ex vivo: the HSCs are edited outside the body with Cas9 RNP by electroporation, so no "
        "editor stays in the patient and edited cells are checked before infusion.",
    )
    designs: tuple[DesignRequest, ...] = (
        *(
            GuideDesign(
                purpose=f"Cas9 guides in the {g} promoter (300 bp upstream of the "
                "transcription start, which holds the BCL11A and LRF repressor-binding sites)",
                gene=g,
                site="promoter",
                upstream_bp=300,
            )
            for g in ("HBG1", "HBG2")
        ),
        OffTargetDesign(
            purpose="off-target sites of the top HBG1 promoter guides",
            gene="HBG1",
            source="guides",
        ),
        simulation_design(
            ctx, "engraftment and HbF over time after edited HSC infusion", "hsc", "Casgevy"
        ),
        *collection_designs(ctx, precedents),
    )
    dual_cut = Risk(
        "other",
        "medium",
        "HBG1 and HBG2 promoters are nearly identical: one guide cuts both "
        "and can delete the ~5 kb between them (an HPFH-like deletion that loses HBG1).",
    )
    opt = Option(
        id="induce-hbf-ex-vivo-editing",
        title="Ex vivo Cas9 editing of HSCs to induce fetal hemoglobin",
        family="induce",
        delivery="ex_vivo",
        vehicle="RNP-electroporation",
        editor="SpCas9",
        cell_source="autologous CD34+ HSPC",
        feasibility="possible",
        score=0.0,
        rationale=rationale,
        precedents=precedents,
        risks=(*risks.DSB, dual_cut, *risks.CONDITIONING),
        designs=designs,
    )
    penalty, off_label = label_fit(ctx, precedents)
    opt = replace(opt, rationale=(*opt.rationale, *off_label))
    return finish_option(opt, best_level_score(precedents) - penalty)


def induce_other(ctx: Context) -> Option | None:
    """Up-regulate a compensating paralog other than the fetal globins (e.g. SMN2, UTRN)."""
    # fetal globins have their own rule; a paralog with a splice-switching precedent (SMN2)
    # is the RNA option's (vivo.planning.strategies.rna)
    skip = ("HBG1", "HBG2", *SPLICE_INCLUSION)
    others = tuple(g for g in ctx.compensating if g not in skip)
    if not others:
        return None
    delivery, vehicle, cell = EDIT_ROUTE[ctx.tissue]
    opt = Option(
        id="induce-compensating-gene",
        title=f"Induce the compensating gene {'/'.join(others)}",
        family="induce",
        delivery=delivery,
        vehicle=vehicle,
        editor="SpCas9 or RNA therapy",
        cell_source=cell,
        feasibility="possible",
        score=0.0,
        rationale=(f"{'/'.join(others)} can partly take over the function of {ctx.gene}.",),
        designs=(
            GuideDesign(
                purpose=f"guides in the {others[0]} promoter",
                gene=others[0],
                site="promoter",
                upstream_bp=300,
            ),
        ),
    )
    return finish_option(opt, best_level_score(()))
