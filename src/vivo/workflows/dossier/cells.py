"""Cell sections: the collection, manufacturing and dose plan of an autologous HSC product.

The patient's weight (``vivo plan --weight``) turns the label's cells/kg into total cells and
apheresis days; without a weight the section says what it needs instead of assuming 70 kg.
"""

from __future__ import annotations

from typing import Any

from vivo.cells.manufacturing import plan_collection
from vivo.planning.requests import CollectionDesign
from vivo.workflows.dossier.section import DossierInputs, Section, Unavailable, short

__all__ = ["collection_section"]


def _fact(d: dict[str, Any] | None) -> str:
    if not d:
        return "not known"
    value = d.get("value", d.get("text"))
    text = f"{value:.3g}" if isinstance(value, float) else str(value)
    return f"{text} [{d.get('source', '')}, {d.get('verified', '')}]"


def _range(values: list[int] | None) -> str:
    if not values:
        return "not known (give the CD34+ yield per apheresis day)"
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
