"""Cell sections: the collection, manufacturing and dose plan of an autologous HSC product.

The patient's weight (``vivo plan --weight``) turns the label's cells/kg into total cells and
apheresis days; without a weight the section says what it needs instead of assuming 70 kg.
"""

from __future__ import annotations

from vivo.cells.manufacturing import (
    Cited,
    CitedRange,
    CitedText,
    FailureRate,
    car_t_dose,
    plan_collection,
)
from vivo.planning.requests import CarDesign, CollectionDesign, DoseDesign
from vivo.reports.construct_maps import render_construct_map
from vivo.workflows.dossier.section import (
    DossierInputs,
    Section,
    Unavailable,
    draw_figure,
    short,
)

__all__ = ["car_section", "collection_section", "dose_section"]


def _fact(fact: Cited | CitedText | None) -> str:
    """``value [source, how verified]`` of a cited number or text; ``not known`` without one."""
    if fact is None:
        return "not known"
    text = f"{fact.value:.3g}" if isinstance(fact, Cited) else fact.text
    return f"{text} [{fact.source}, {fact.verified}]"


def _counts(values: tuple[int, int, int] | None) -> str:
    if values is None:
        return "not known: no published CD34+ yield per apheresis day for this product and disease"
    best, typical, worst = values
    return f"{typical} (range {best}-{worst})"


def _notes(notes: tuple[str, ...]) -> str:
    return " " + "; ".join(notes) if notes else ""


def _outside(within: bool | None) -> str:
    return " The patient is OUTSIDE the label population." if within is False else ""


def collection_section(req: CollectionDesign, inputs: DossierInputs) -> Section:
    """The collection plan of ``req.product`` at the patient's weight and age."""
    if req.weight_kg is None:
        raise Unavailable(
            f"the {req.product} collection and dose plan needs the patient's weight "
            "(vivo plan --weight KG)"
        )
    plan = plan_collection(
        req.product, weight_kg=req.weight_kg, disease=req.disease, age_years=req.age_years
    )
    rows = (
        ("label minimum dose (CD34+/kg)", _fact(plan.min_dose_cd34_per_kg)),
        ("minimum dose, total CD34+ cells", short(plan.min_dose_cd34_total)),
        ("collection target (CD34+/kg)", _fact(plan.collection_target_cd34_per_kg)),
        ("back-up (rescue) cells (CD34+/kg)", _fact(plan.backup_cd34_per_kg)),
        ("cells to collect, total CD34+", short(plan.required_cd34_total)),
        ("mobilisation", _fact(plan.mobilisation)),
        ("apheresis days", _counts(plan.apheresis_days)),
        ("mobilisation cycles", _counts(plan.cycles)),
        ("conditioning", _fact(plan.conditioning)),
        ("collection to infusion", plan.timeline),
    )
    return Section(
        f"{req.product} for a {req.weight_kg:g} kg patient"
        + (f" with {req.disease}" if req.disease else "")
        + f": collect {short(plan.required_cd34_total)} CD34+ cells."
        + _outside(plan.within_label_population)
        + _notes(plan.notes),
        ("item", "value"),
        rows,
        (("model", "vivo.cells.manufacturing"), ("product", req.product)),
    )


def _cited_range(r: CitedRange | None) -> str:
    """``typical (range low-high) [source, how verified]`` with whatever parts are known."""
    if r is None or (r.low is None and r.typical is None and r.high is None):
        return "not known"
    typical = f"{r.typical:g}" if r.typical is not None else "?"
    span = f" (range {r.low:g}-{r.high:g})" if r.low is not None and r.high is not None else ""
    return f"{typical}{span} [{r.source}, {r.verified}]"


def _failure(f: FailureRate | None) -> str:
    if f is None:
        return "not known"
    lo, hi = f.interval_95
    return (
        f"{f.failures}/{f.enrolled} ({f.rate:.0%}; 95% CI {lo:.0%}-{hi:.0%}) "
        f"[{f.source}, {f.verified}]"
    )


def dose_section(req: DoseDesign, inputs: DossierInputs) -> Section:
    """The label dose of a CAR-T product for the indication at the patient's weight."""
    if req.weight_kg is None:
        raise Unavailable(
            f"the {req.product} dose needs the patient's weight (vivo plan --weight KG)"
        )
    d = car_t_dose(
        req.product, weight_kg=req.weight_kg, age_years=req.age_years, indication=req.indication
    )
    per_kg = (
        f"{d.per_kg_low:.3g} to {d.per_kg_high:.3g} cells/kg"
        if d.band_kind == "per_kg" and d.per_kg_low is not None and d.per_kg_high is not None
        else "flat dose"
    )
    total = f"{d.total_cells_low:.3g} to {d.total_cells_high:.3g}"
    rows = (
        ("indication", d.indication_name),
        ("weight band", d.band),
        ("label dose", per_kg + (" (cap applied)" if d.cap_applied else "")),
        ("total CAR-positive viable T cells", total),
        ("lymphodepletion", _fact(d.lymphodepletion)),
        ("vein-to-vein days", _cited_range(d.vein_to_vein_days)),
        ("manufacturing failures in the pivotal trial", _failure(d.manufacturing_failure)),
    )
    return Section(
        f"{req.product} for a {req.weight_kg:g} kg patient: {total} cells."
        + _outside(d.within_label_population)
        + _notes(d.notes),
        ("item", "value"),
        rows,
        (("model", "vivo.cells.manufacturing"), ("product", req.product)),
    )


def car_section(req: CarDesign, inputs: DossierInputs) -> Section:
    """A CAR for the option's target with the approved product's architecture, and its vector."""
    from vivo.workflows.car import CarRequest, design_car_construct

    if req.binder is None:
        raise Unavailable(
            f"the binder of {req.product} is not bundled with a citable sequence; design it "
            "with your own VH/VL or VHH: vivo car design --target "
            f"{req.target} --binder FILE.fa"
        )
    result = design_car_construct(
        CarRequest(
            target=req.target, binder=req.binder, leader=req.leader, hinge=req.hinge,
            tm=req.tm, costim=req.costim, safety_switch=req.safety_switch, vector=req.vector,
            optimize=False, seed=inputs.seed,
        ),
        figures=False,
    )  # fmt: skip
    construct = result.construct
    rows = tuple(
        (
            seg.domain.name,
            seg.domain.kind,
            f"{seg.start + 1}-{seg.end}",
            f"{seg.domain.uniprot} {seg.domain.residues}".strip() or ", ".join(seg.domain.sources),
        )
        for seg in construct.segments
    )
    figures, note = draw_figure(
        f"{construct.name}: transfer vector map",
        lambda: render_construct_map(result.cassette, fmt="svg"),
    )
    return Section(
        f"{construct.name}: {len(construct.protein)} aa CAR, {req.vector} vector genome "
        f"{result.cassette.length_bp:,} bp ({result.report.status}); architecture of "
        f"{req.product}.{note}",
        ("domain", "kind", "residues", "source"),
        rows,
        (("model", "vivo.cells.car"), ("product architecture", req.product)),
        figures,
    )
