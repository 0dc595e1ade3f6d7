"""Gene addition: lentiviral HSC and in vivo AAV options."""

from __future__ import annotations

from vivo.knowledge.catalog import get_vector
from vivo.planning import risks
from vivo.planning.context import Context
from vivo.planning.evidence import best_level_score, product_precedents
from vivo.planning.plan import Option
from vivo.planning.requests import CassetteDesign
from vivo.planning.strategies._common import (
    AAV_OVERHEAD_BP,
    AAV_SEROTYPE,
    AAV_SIMULATION_PRODUCTS,
    LV_OVERHEAD_BP,
    finish_option,
    impossible_option,
    simulation_design,
    with_needs,
)

__all__ = ["add_aav_in_vivo", "add_aav_shortened", "add_lentiviral_hsc"]


def _add_blocked(ctx: Context) -> str:
    if ctx.mechanism in ("gain_of_function", "dominant_negative") and ctx.dominant:
        return (
            f"A {ctx.mechanism.replace('_', ' ')} disease: adding a normal copy of "
            f"{ctx.gene} leaves the harmful mutant protein in place."
        )
    return ""


def _transgene(ctx: Context) -> str:
    if ctx.gene == "HBB" and ctx.mechanism == "gain_of_function":
        return "anti-sickling beta-globin (HBB p.Thr87Gln, betaA-T87Q, as in Lyfgenia)"
    return f"{ctx.gene} coding sequence"


def add_lentiviral_hsc(ctx: Context) -> Option | None:
    """Ex vivo lentiviral gene addition into the patient's HSCs (Lyfgenia, Zynteglo, Libmeldy)."""
    if ctx.tissue != "blood":
        return None
    title = f"Ex vivo lentiviral gene addition ({_transgene(ctx)}) in HSCs"
    if blocked := _add_blocked(ctx):
        return impossible_option(
            ctx, "add-lv-hsc", title, "add", blocked, delivery="ex_vivo", vehicle="LV"
        )
    cargo_bp = ctx.cds_length_bp + LV_OVERHEAD_BP
    lv = get_vector("LV")
    if ctx.cds_length_bp and not lv.fits(cargo_bp / 1000):
        return impossible_option(
            ctx,
            "add-lv-hsc",
            title,
            "add",
            f"{cargo_bp / 1000:.1f} kb cassette "
            f"exceeds the lentiviral capacity ({lv.capacity_note}).",
            delivery="ex_vivo",
            vehicle="LV",
        )
    precedents = product_precedents(
        targets=(ctx.gene,), modality="gene_addition", delivery="ex_vivo"
    )
    rationale = [
        f"Adds a working {_transgene(ctx)} to the patient's own stem cells; the vector "
        "integrates, so every daughter blood cell keeps it.",
        "Lentivirus transduces quiescent stem cells (gamma-retrovirus needs dividing cells).",
    ]
    if ctx.mechanism == "gain_of_function":
        rationale.append(
            "The disease is recessive: the added anti-sickling globin dilutes the "
            "mutant protein, as the normal allele does in healthy carriers."
        )
    opt = Option(
        id="add-lv-hsc",
        title=title,
        family="add",
        delivery="ex_vivo",
        vehicle="LV",
        editor="",
        cell_source="autologous CD34+ HSPC",
        feasibility="possible",
        score=0.0,
        rationale=tuple(rationale),
        precedents=precedents,
        risks=(*risks.LV, *risks.CONDITIONING),
        designs=(
            with_needs(
                ctx,
                CassetteDesign(
                    purpose=f"lentiviral cassette for {_transgene(ctx)}",
                    gene=ctx.gene,
                    vector="LV",
                    tissue="erythroid",
                    # betaA-T87Q, the globin of both LentiGlobin products (Lyfgenia, Zynteglo)
                    transgene_variant="T87Q" if ctx.gene == "HBB" else None,
                ),
            ),
            simulation_design(
                ctx,
                "vector copy number and engraftment over time",
                "hsc",
                "Lyfgenia" if ctx.mechanism == "gain_of_function" else "Zynteglo",
            ),
        ),
    )
    penalty = 5.0 if any("boxed" in p.summary.lower() for p in precedents) else 0.0
    return finish_option(opt, best_level_score(precedents) - penalty)


def add_aav_in_vivo(ctx: Context) -> Option | None:
    """In vivo AAV gene addition to the target organ (Hemgenix, Luxturna, Zolgensma)."""
    title = f"In vivo AAV gene addition of {ctx.gene} ({ctx.tissue_label})"
    if ctx.tissue == "blood":
        return impossible_option(
            ctx,
            "add-aav-in-vivo",
            title,
            "add",
            "AAV genomes stay episomal and are diluted out as blood stem cells divide, and AAV "
            "does not reach long-term HSCs in the marrow; blood diseases need integrating "
            "vectors or editing ex vivo.",
            vehicle="AAV",
        )
    if ctx.tissue == "skin":
        return None
    if blocked := _add_blocked(ctx):
        return impossible_option(ctx, "add-aav-in-vivo", title, "add", blocked, vehicle="AAV")
    cargo_bp = ctx.cds_length_bp + AAV_OVERHEAD_BP
    aav = get_vector("AAV")
    if ctx.cds_length_bp and not aav.fits(cargo_bp / 1000):
        return impossible_option(
            ctx,
            "add-aav-in-vivo",
            title,
            "add",
            f"A {cargo_bp / 1000:.1f} kb cassette ({ctx.cds_length_bp / 1000:.1f} kb coding "
            f"sequence + ~1.3 kb promoter, polyA and ITRs) does not fit one AAV "
            f"({aav.capacity_note}). Use a shortened transgene, a dual-AAV split or a larger "
            "vector.",
            vehicle="AAV",
        )
    return _aav_option(ctx, title, shortened=False)


def add_aav_shortened(ctx: Context) -> Option | None:
    """A shortened transgene (micro-dystrophin, B-domain-deleted FVIII) when the full is too big."""
    if ctx.tissue in ("blood", "skin") or _add_blocked(ctx) or not ctx.cds_length_bp:
        return None
    if get_vector("AAV").fits((ctx.cds_length_bp + AAV_OVERHEAD_BP) / 1000):
        return None
    title = f"In vivo AAV addition of a shortened {ctx.gene} transgene"
    return _aav_option(ctx, title, shortened=True)


def _aav_option(ctx: Context, title: str, *, shortened: bool) -> Option:
    precedents = product_precedents(
        targets=(ctx.gene,), modality="gene_addition", delivery="in_vivo"
    )
    rationale = [
        f"A working copy of {ctx.gene} expressed from a tissue-specific promoter in "
        f"{ctx.tissue_label}; one infusion, no conditioning.",
        f"Capsid: {AAV_SEROTYPE.get(ctx.tissue, AAV_SEROTYPE['other'])}.",
    ]
    if shortened:
        rationale.append(
            "The full coding sequence is too large for AAV; approved products use "
            "engineered, shortened versions that keep the essential domains."
        )
    base = best_level_score(precedents)
    if ctx.patient.anti_aav_antibodies:
        base -= 30.0
        rationale.append(
            "The patient has pre-existing anti-AAV antibodies: most AAV products "
            "exclude such patients (check the titre against the chosen capsid)."
        )
    opt = Option(
        id="add-aav-shortened" if shortened else "add-aav-in-vivo",
        title=title,
        family="add",
        delivery="in_vivo",
        vehicle="AAV",
        editor="",
        cell_source="n/a (in vivo)",
        feasibility="possible",
        score=0.0,
        rationale=tuple(rationale),
        precedents=precedents,
        risks=risks.AAV,
        designs=(
            with_needs(
                ctx,
                CassetteDesign(
                    purpose=f"AAV expression cassette for {ctx.gene}",
                    gene=ctx.gene,
                    vector="AAV",
                    tissue=ctx.tissue,
                ),
            ),
            simulation_design(
                ctx,
                "transgene expression after an AAV dose",
                "aav",
                AAV_SIMULATION_PRODUCTS.get(ctx.gene),
            ),
        ),
    )
    return finish_option(opt, base)
