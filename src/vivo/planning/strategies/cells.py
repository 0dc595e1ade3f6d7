"""Cell therapy: allogeneic HSC transplantation from an HLA-matched sibling.

For the monogenic blood diseases vivo plans, transplantation of a healthy, HLA-identical
sibling's blood stem cells is the established curative option: it replaces the patient's blood
system instead of modifying it. Its requirement is the donor; the chance that one of N full
siblings is HLA-identical is 1 − (3/4)^N (:func:`vivo.cells.hla.sibling_match_probability`).

Outcomes (HLA-identical sibling donors) are those of the registry and cohort papers in
:data:`HSCT_EVIDENCE`; the option's score uses the ``established`` evidence level.
"""

from __future__ import annotations

from dataclasses import replace

from vivo.cells.hla import sibling_match_probability
from vivo.planning import risks
from vivo.planning.context import Context
from vivo.planning.evidence import best_level_score, literature
from vivo.planning.plan import Option, Risk
from vivo.planning.strategies._common import finish_option, impossible_option

__all__ = ["HSCT_EVIDENCE", "allogeneic_hsct"]

#: disease → (literature key, what the cohort showed); sibling-donor outcomes
HSCT_EVIDENCE: dict[str, tuple[str, str]] = {
    "sickle cell disease": (
        "Gluckman2017",
        "1,000 HLA-identical sibling transplants (EBMT, Eurocord, CIBMTR, 1986-2013): 5-year "
        "event-free survival 91.4% and overall survival 92.9%; risk rises with age at "
        "transplantation (HR 1.09 per year).",
    ),
    "beta-thalassemia": (
        "Baronciani2016",
        "1,493 thalassemia major transplants (EBMT 2000-2010), 1,061 from HLA-identical "
        "siblings: 2-year overall survival 91% and thalassemia-free survival 83% with sibling "
        "donors; best before about 14 years of age.",
    ),
    "adenosine deaminase deficiency": (
        "Hassan2012",
        "106 patients with ADA-SCID (119 transplants): overall survival 86% with matched "
        "sibling donors, 81% matched family, 66% matched unrelated, 43% haploidentical.",
    ),
    "cerebral adrenoleukodystrophy": (
        "Miller2011",
        "60 boys (2000-2009): 5-year survival 89% with Loes score < 10 and 91% without "
        "neurologic dysfunction at transplantation, 60% and 66% with advanced disease; HCT "
        "stabilises early cerebral disease only.",
    ),
}

_GVHD = Risk(
    "immunogenicity",
    "high",
    "Graft-versus-host disease (acute and chronic) and graft rejection: the donor's immune "
    "system is not the patient's.",
)


def _donor_text(ctx: Context) -> str:
    n = ctx.patient.siblings
    if ctx.patient.matched_sibling:
        return "An HLA-identical sibling is available (stated)."
    if n is None:
        return (
            "Needs an HLA-identical sibling: each full sibling is identical with probability 1/4; "
            "HLA-type the siblings (vivo hla match) before choosing."
        )
    odds = sibling_match_probability(n)
    return (
        f"Needs an HLA-identical sibling: with {n} full sibling(s) the chance that at least one "
        f"is identical is {float(odds.identical_at_least_one):.0%} (1 − (3/4)^{n}); HLA-type "
        "them (vivo hla match)."
    )


def _conditioning(ctx: Context) -> tuple[Risk, ...]:
    if ctx.disease is not None and ctx.disease.name == "adenosine deaminase deficiency":
        return (
            Risk(
                "conditioning",
                "medium",
                "Conditioning varies for ADA-SCID: matched-sibling grafts are often given "
                "without conditioning (overall survival 81% unconditioned vs 54% myeloablative, "
                "Hassan et al. 2012).",
            ),
        )
    return risks.CONDITIONING


def allogeneic_hsct(ctx: Context) -> Option | None:
    """Allogeneic HSC transplantation from an HLA-identical sibling (established for SCD,
    beta-thalassemia, ADA-SCID and early cerebral ALD)."""
    if ctx.disease is None or ctx.disease.name not in HSCT_EVIDENCE:
        return None
    title = "Allogeneic HSC transplantation from an HLA-matched sibling donor"
    if ctx.patient.matched_sibling is False or ctx.patient.siblings == 0:
        return impossible_option(
            ctx,
            "cell-allo-hsct-sibling",
            title,
            "cell",
            "No HLA-matched sibling donor. Matched unrelated, haploidentical or cord-blood "
            "donors are alternatives with higher risks (not ranked by vivo yet).",
            delivery="ex_vivo",
            vehicle="none (donor cells)",
        )
    key, summary = HSCT_EVIDENCE[ctx.disease.name]
    precedents = (literature(key, "established", summary),)
    rationale = [
        "Replaces the patient's blood system with a healthy donor's stem cells: no vector, no "
        "editing; the established curative option where a matched sibling exists.",
        _donor_text(ctx),
    ]
    if ctx.patient.age_years is not None and ctx.patient.age_years >= 16:
        rationale.append(
            "Outcomes are best in children; transplant-related mortality rises with age."
        )
    opt = Option(
        id="cell-allo-hsct-sibling",
        title=title,
        family="cell",
        delivery="ex_vivo",
        vehicle="none (donor cells)",
        editor="",
        cell_source="allogeneic: HLA-identical sibling (bone marrow)",
        feasibility="possible",
        score=0.0,
        rationale=tuple(rationale),
        precedents=precedents,
        risks=(_GVHD, *_conditioning(ctx)),
    )
    # Until a donor is confirmed the option depends on HLA typing: 15 points lower and never
    # "recommended"; with a stated matched sibling it keeps the established score.
    if ctx.patient.matched_sibling:
        return finish_option(opt, best_level_score(precedents))
    return replace(finish_option(opt, best_level_score(precedents) - 15.0), feasibility="possible")
