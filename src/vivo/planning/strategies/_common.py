"""Shared pieces of the strategy rules: constants, design-request helpers, scoring helpers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TypeVar

from vivo.cells.manufacturing import HscProductFacts, load_hsc_product_facts
from vivo.delivery.transgenes import TRANSGENES
from vivo.knowledge.products import load_products
from vivo.planning.context import Context, TissueClass
from vivo.planning.plan import DeliveryMode, Family, Option, Precedent
from vivo.planning.requests import (
    CassetteDesign,
    CollectionDesign,
    DesignRequest,
    EditorKind,
    SimulationDesign,
    SimulationKind,
)

__all__ = [
    "AAV_OVERHEAD_BP",
    "AAV_SEROTYPE",
    "AAV_SIMULATION_PRODUCTS",
    "BENIGN_CONVERSIONS",
    "EDIT_ROUTE",
    "LV_OVERHEAD_BP",
    "MAX_PRIME_EDIT_BP",
    "OFF_LABEL_PENALTY",
    "collection_designs",
    "finish_option",
    "impossible_option",
    "label_fit",
    "simulation_design",
    "with_needs",
]

D = TypeVar("D", bound=DesignRequest)


AAV_OVERHEAD_BP = 1300  # promoter (~0.7 kb) + polyA (~0.25 kb) + two ITRs (~0.3 kb)
LV_OVERHEAD_BP = 3000  # erythroid/ubiquitous regulatory elements inside a lentiviral vector
MAX_PRIME_EDIT_BP = 40

# (delivery, vehicle, editor-compatible cell source) for editing, by tissue class.
EDIT_ROUTE: dict[TissueClass, tuple[DeliveryMode, str, str]] = {
    "blood": ("ex_vivo", "RNP-electroporation", "autologous CD34+ HSPC"),
    "liver": ("in_vivo", "LNP", "n/a (hepatocytes in place)"),
    "retina": ("in_vivo", "AAV", "n/a (retinal cells in place)"),
    "cns": ("in_vivo", "AAV", "n/a (neurons in place)"),
    "muscle": ("in_vivo", "AAV", "n/a (muscle in place)"),
    "skin": ("ex_vivo", "RNP-electroporation", "autologous keratinocytes"),
    "other": ("in_vivo", "LNP", "n/a"),
}
AAV_SEROTYPE: dict[TissueClass, str] = {
    "liver": "AAV5 or AAV8-like (liver-tropic; Hemgenix AAV5, Beqvez AAVrh74var)",
    "retina": "AAV2 (subretinal; Luxturna)",
    "cns": "AAV9 (Zolgensma) or AAV2 by local infusion (Upstaza)",
    "muscle": "AAVrh74 (Elevidys)",
    "other": "tissue-matched serotype",
}
# Known benign alternatives that a base editor can reach when direct correction cannot be made.
BENIGN_CONVERSIONS: dict[tuple[str, str], tuple[EditorKind, str, str, str]] = {
    ("HBB", "p.Glu7Val"): (
        "ABE",
        "c.20T>C",
        "Hb G-Makassar (p.Glu7Ala, legacy Glu6Ala), a natural non-sickling variant",
        "Newby2021",
    ),
}


#: genes whose AAV expression course has a calibrated model (vivo.simulation.aav)
AAV_SIMULATION_PRODUCTS = {"F9": "Hemgenix", "F8": "Roctavian"}


def with_needs(ctx: Context, request: D) -> D:
    """``request`` with ``needs`` filled in: the sequence its engine would need when the genome
    in use lacks the question's gene (empty for another gene, or for an engine that ships its
    own sequence)."""
    if request.gene != ctx.gene or _engine_ships_sequence(request):
        return request
    return replace(request, needs=ctx.needs_text())


def simulation_design(
    ctx: Context, purpose: str, kind: SimulationKind, product: str | None
) -> SimulationDesign:
    """A simulation request carrying the patient's disease and weight (when known)."""
    return SimulationDesign(
        purpose=purpose,
        gene=ctx.gene,
        kind=kind,
        product=product or None,
        disease=ctx.disease.name if ctx.disease else None,
        weight_kg=ctx.patient.weight_kg,
    )


def _engine_ships_sequence(request: DesignRequest) -> bool:
    """Engines that carry their own sequence for the gene need none from the genome in use."""
    if isinstance(request, SimulationDesign):
        return True
    return isinstance(request, CassetteDesign) and request.gene.upper() in TRANSGENES


def finish_option(option: Option, base: float) -> Option:
    feas = option.feasibility
    if feas != "impossible":
        feas = "recommended" if base >= 70 else "possible"
    return replace(option, score=max(0.0, min(100.0, base)), feasibility=feas)


def impossible_option(
    ctx: Context,
    oid: str,
    title: str,
    family: Family,
    reason: str,
    *,
    delivery: DeliveryMode = "in_vivo",
    vehicle: str = "",
    editor: str = "",
) -> Option:
    return Option(
        id=oid,
        title=title,
        family=family,
        delivery=delivery,
        vehicle=vehicle,
        editor=editor,
        cell_source="n/a",
        feasibility="impossible",
        score=0.0,
        rationale=(reason,),
        reason_impossible=reason,
    )


def _hsc_facts(p: Precedent) -> HscProductFacts | None:
    """The label facts (``vivo.cells.manufacturing``) of the autologous HSC product a precedent
    names; regional double brands ("Libmeldy (EU/UK) / Lenmeldy (US)") match either name."""
    facts = {f.name: f for f in load_hsc_product_facts()}
    names = [n.split("(")[0].strip() for n in p.name.split("/")]
    return next((facts[n] for n in names if n in facts), None)


def collection_designs(
    ctx: Context, precedents: Iterable[Precedent]
) -> tuple[CollectionDesign, ...]:
    """A collection and dose plan for the first autologous HSC product among ``precedents``
    (vivo.cells.manufacturing knows its label doses), at the patient's weight and age."""
    for p in precedents:
        f = _hsc_facts(p)
        if f is not None:
            return (
                CollectionDesign(
                    purpose=f"{f.name}: cell collection, manufacturing and dose",
                    gene=ctx.gene,
                    product=f.name,
                    disease=ctx.disease.name if ctx.disease else None,
                    weight_kg=ctx.patient.weight_kg,
                    age_years=ctx.patient.age_years,
                ),
            )
    return ()


#: score lost by an option whose precedent product's label excludes the patient (off-label
#: use of an approved gene therapy is possible but not the approved indication)
OFF_LABEL_PENALTY = 20.0


#: US label age bounds of in vivo gene therapies (brand: (min years or None, max years
#: exclusive or None, source key, population)); HSC products' bounds are in vivo.cells
IN_VIVO_LABEL_AGES: dict[str, tuple[float | None, float | None, str, str]] = {
    # products.csv indication (US label): "SMA with biallelic SMN1 mutations, age <2 y"
    "Zolgensma": (None, 2.0, "FDA-ZOLGENSMA-PI", "children less than 2 years of age (IV)"),
    # product_status.toml, US label since 2025-11-14 (verified): ambulatory, 4 years and older
    "Elevidys": (4.0, None, "FDA-ELEVIDYS-2025", "ambulatory patients 4 years and older"),
}


def in_vivo_label_fit(
    ctx: Context, precedents: Iterable[Precedent]
) -> tuple[float, tuple[str, ...]]:
    """Penalty and reasons when the patient's age is outside the US label of the option's
    approved in vivo gene therapy (``IN_VIVO_LABEL_AGES``)."""
    age = ctx.patient.age_years
    if age is None:
        return 0.0, ()
    reasons = []
    for p in precedents:
        bound = IN_VIVO_LABEL_AGES.get(p.name)
        if bound is None:
            continue
        lo, hi, source, population = bound
        if (lo is not None and age < lo) or (hi is not None and age >= hi):
            reasons.append(
                f"Off-label: {p.name} is labelled for {population} [{source}]; the patient is "
                f"{age:g} years."
            )
    return (OFF_LABEL_PENALTY if reasons else 0.0), tuple(reasons)


def label_fit(ctx: Context, precedents: Iterable[Precedent]) -> tuple[float, tuple[str, ...]]:
    """Penalty and reasons when the label of the option's approved HSC product excludes the
    patient: age outside the label (``vivo.cells.manufacturing`` label facts) or a label
    restricted to patients without an HLA-matched donor when the patient has one."""
    reasons: list[str] = []
    caveats: list[str] = []  # an age bound vivo could not re-check: said, not scored
    age = ctx.patient.age_years
    for p in precedents:
        f = _hsc_facts(p)
        if f is None:
            continue
        bound = f.min_age_years or f.max_age_years
        lo = f.min_age_years.value if f.min_age_years else None
        hi = f.max_age_years.value if f.max_age_years else None
        # the upper bound is the last year of age included, as in LabelTherapy.admits
        if (
            bound is not None
            and age is not None
            and ((lo is not None and age < lo) or (hi is not None and age >= hi + 1))
        ):
            text = (
                f"Off-label: {f.name} is labelled for {f.population} [{bound.source}]; "
                f"the patient is {age:g} years."
            )
            if bound.verified == "unverified":
                caveats.append(
                    f"{text} Not scored: this age bound is unverified"
                    + (f" ({bound.note})" if bound.note else "")
                    + "."
                )
            else:
                reasons.append(text)
        summaries = " ".join(x.status_summary for x in load_products() if x.brand == p.name)
        restricted = "HLA-matched" in f.population or "HLA-matched" in summaries
        if ctx.patient.matched_sibling and restricted:
            reasons.append(
                f"Off-label: {f.name}'s label is restricted to patients without an HLA-matched "
                "donor, and the patient has a matched sibling."
            )
    return (OFF_LABEL_PENALTY if reasons else 0.0), (*reasons, *caveats)
