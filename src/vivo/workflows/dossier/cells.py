"""Cell sections: the collection, manufacturing and dose plan of an autologous HSC product.

The patient's weight (``vivo plan --weight``) turns the label's cells/kg into total cells and
apheresis days; without a weight the section says what it needs instead of assuming 70 kg.
"""

from __future__ import annotations

from typing import Any

from vivo.cells.manufacturing import car_t_dose, plan_collection
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


def _fact(d: dict[str, Any] | None) -> str:
    if not d:
        return "not known"
    value = d.get("value", d.get("text"))
    text = f"{value:.3g}" if isinstance(value, float) else str(value)
    return f"{text} [{d.get('source', '')}, {d.get('verified', '')}]"


def _range(values: list[int] | None) -> str:
    if not values:
        return "not known: no published CD34+ yield per apheresis day for this product and disease"
    return f"{values[1]} (range {values[0]}-{values[2]})"


def collection_section(req: CollectionDesign, inputs: DossierInputs) -> Section:
    """The collection plan of ``req.product`` at the patient's weight and age."""
    if req.weight_kg is None:
        raise Unavailable(
            f"the {req.product} collection and dose plan needs the patient's weight "
            "(vivo plan --weight KG)"
        )
    plan: dict[str, Any] = plan_collection(
        req.product, weight_kg=req.weight_kg, disease=req.disease, age_years=req.age_years
    ).to_dict()
    rows = (
        ("label minimum dose (CD34+/kg)", _fact(plan.get("min_dose_cd34_per_kg"))),
        ("minimum dose, total CD34+ cells", short(plan.get("min_dose_cd34_total"))),
        ("collection target (CD34+/kg)", _fact(plan.get("collection_target_cd34_per_kg"))),
        ("back-up (rescue) cells (CD34+/kg)", _fact(plan.get("backup_cd34_per_kg"))),
        ("cells to collect, total CD34+", short(plan.get("required_cd34_total"))),
        ("mobilisation", _fact(plan.get("mobilisation"))),
        ("apheresis days", _range(plan.get("apheresis_days"))),
        ("mobilisation cycles", _range(plan.get("cycles"))),
        ("conditioning", _fact(plan.get("conditioning"))),
        ("collection to infusion", str(plan.get("timeline", ""))),
    )
    within = plan.get("within_label_population")
    population = "" if within is not False else " The patient is OUTSIDE the label population."
    return Section(
        f"{req.product} for a {req.weight_kg:g} kg patient"
        + (f" with {req.disease}" if req.disease else "")
        + f": collect {short(plan.get('required_cd34_total'))} CD34+ cells."
        + population
        + (" " + "; ".join(plan.get("notes", [])) if plan.get("notes") else ""),
        ("item", "value"),
        rows,
        (("model", "vivo.cells.manufacturing"), ("product", req.product)),
    )


def _cited_range(d: dict[str, Any] | None) -> str:
    """``typical (range low-high) [source, how verified]`` with whatever parts are known."""
    if not d or all(d.get(k) is None for k in ("low", "typical", "high")):
        return "not known"
    typical = f"{d['typical']:g}" if d.get("typical") is not None else "?"
    span = (
        f" (range {d['low']:g}-{d['high']:g})"
        if d.get("low") is not None and d.get("high") is not None
        else ""
    )
    return f"{typical}{span} [{d.get('source', '')}, {d.get('verified', '')}]"


def dose_section(req: DoseDesign, inputs: DossierInputs) -> Section:
    """The label dose of a CAR-T product for the indication at the patient's weight."""
    if req.weight_kg is None:
        raise Unavailable(
            f"the {req.product} dose needs the patient's weight (vivo plan --weight KG)"
        )
    d: dict[str, Any] = car_t_dose(
        req.product, weight_kg=req.weight_kg, age_years=req.age_years, indication=req.indication
    ).to_dict()
    per_kg = (
        f"{d['per_kg_low']:.3g} to {d['per_kg_high']:.3g} cells/kg"
        if d.get("band_kind") == "per_kg"
        else "flat dose"
    )
    total = f"{d['total_cells_low']:.3g} to {d['total_cells_high']:.3g}"
    failure = d.get("manufacturing_failure") or {}
    rate = (
        f"{failure['failures']}/{failure['enrolled']} ({failure['rate']:.0%}; "
        f"95% CI {failure['interval_95'][0]:.0%}-{failure['interval_95'][1]:.0%}) "
        f"[{failure['source']}, {failure['verified']}]"
        if failure
        else "not known"
    )
    v2v = d.get("vein_to_vein_days")
    rows = (
        ("indication", str(d.get("indication_name", ""))),
        ("weight band", str(d.get("band", ""))),
        ("label dose", per_kg + (" (cap applied)" if d.get("cap_applied") else "")),
        ("total CAR-positive viable T cells", total),
        ("lymphodepletion", _fact(d.get("lymphodepletion"))),
        ("vein-to-vein days", _cited_range(v2v)),
        ("manufacturing failures in the pivotal trial", rate),
    )
    population = (
        ""
        if d.get("within_label_population") is not False
        else (" The patient is OUTSIDE the label population.")
    )
    return Section(
        f"{req.product} for a {req.weight_kg:g} kg patient: {total} cells." + population
        + (" " + "; ".join(d.get("notes", [])) if d.get("notes") else ""),
        ("item", "value"),
        rows,
        (("model", "vivo.cells.manufacturing"), ("product", req.product)),
    )  # fmt: skip


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
            target=req.target, binder=req.binder, hinge=req.hinge, tm=req.tm,
            costim=req.costim, vector=req.vector, optimize=False, seed=inputs.seed,
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
