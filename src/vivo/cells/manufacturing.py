"""Collection, manufacturing and dose of approved autologous cell products.

Two plans, both from cited label and trial numbers (the records of
:mod:`vivo.cells.product_facts`, read from ``data/manufacturing.toml``; every number carries its
source key and how it was checked):

* :func:`plan_collection` for the autologous HSC gene therapies (Casgevy, Lyfgenia, Zynteglo,
  Skysona, Lenmeldy, Strimvelis): mobilisation regimen, CD34⁺ cells to collect (the label's
  collection target, or its minimum dose, plus the back-up/rescue cells), apheresis days and
  mobilisation cycles at the published per-day yield range, conditioning;
* :func:`car_t_dose` for the CAR-T products (Kymriah, Yescarta, Tecartus, Breyanzi, Abecma,
  Carvykti, Aucatzyl): the label dose for the patient's weight band (cells/kg and caps),
  lymphodepletion, vein-to-vein time and the pivotal trial's manufacturing failures.

The collection equation (docs/models/cell_manufacturing.md)::

    required (cells/kg) = T + B      T: label collection target, else the label minimum dose
                                     B: back-up (rescue) CD34+ cells, when the label asks for them
    apheresis days      = ceil(required / y)   for y = high, typical, low yield per day
    cycles              = ceil(days / d)       d: apheresis days per mobilisation cycle

Weight cancels out of the counts (doses and yields are per kg); it sets the totals. Ages outside
the label population are reported, not refused; only invalid input raises InputError.

Examples
--------
>>> plan = plan_collection("Casgevy", weight_kg=60, disease="SCD")
>>> plan.required_cd34_per_kg, plan.apheresis_days, plan.cycles
(22000000.0, (2, 11, 30), (1, 6, 15))
>>> d = car_t_dose("Kymriah", weight_kg=40, age_years=12, indication="ALL")
>>> d.total_cells_low, d.total_cells_high
(8000000.0, 200000000.0)
>>> car_t_dose("Kymriah", weight_kg=70, age_years=30, indication="ALL").within_label_population
False
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from vivo.cells.product_facts import (
    MAX_AGE_YEARS,
    MAX_WEIGHT_KG,
    MIN_WEIGHT_KG,
    CarTIndication,
    CarTProduct,
    Cited,
    CitedRange,
    CitedText,
    DoseBand,
    FailureRate,
    HscProductFacts,
    Mobilisation,
    YieldRecord,
    _age_check,
    _check_age,
    _check_weight,
    _fold,
    _hsc_disease,
    _indication_for,
    _matches,
    _unknown,
    car_t_product,
    cell_product_names,
    hsc_product_facts,
    load_car_t_products,
    load_hsc_product_facts,
    load_yields,
)
from vivo.core.errors import DataError, InputError

__all__ = [
    "MAX_AGE_YEARS",
    "MAX_WEIGHT_KG",
    "MIN_WEIGHT_KG",
    "CarTIndication",
    "CarTProduct",
    "Cited",
    "CitedRange",
    "CitedText",
    "CollectionPlan",
    "DoseBand",
    "DosePlan",
    "FailureRate",
    "HscProductFacts",
    "Mobilisation",
    "YieldRecord",
    "car_t_dose",
    "car_t_product",
    "cell_product_names",
    "hsc_product_facts",
    "load_car_t_products",
    "load_hsc_product_facts",
    "load_yields",
    "plan_collection",
    "plan_dose",
]


# ------------------------------------------------------------------------------- HSC plan


@dataclass(frozen=True, slots=True)
class CollectionPlan:
    """How many CD34⁺ cells to collect for an HSC gene therapy, and over how many days/cycles.

    Counts are ``(best, typical, worst)`` for the (high, typical, low) published yield;
    ``None`` where vivo has no cited yield (give ``yield_per_day_cd34_per_kg``) or the product
    is made from a bone-marrow harvest.
    """

    product: str
    disease: str
    weight_kg: float
    age_years: float | None
    within_label_population: bool | None
    population: str
    cell_source: str
    mobilisation: CitedText | None
    min_dose_cd34_per_kg: Cited
    min_dose_cd34_total: float
    collection_target_cd34_per_kg: Cited | None
    backup_cd34_per_kg: Cited | None
    required_cd34_per_kg: float
    required_cd34_total: float
    yield_per_day: CitedRange | None
    apheresis_days: tuple[int, int, int] | None
    apheresis_days_per_cycle: Cited | None
    cycles: tuple[int, int, int] | None
    trial_cycles: CitedRange | None
    conditioning: CitedText
    preparation: CitedText | None
    max_dose_cd34_per_kg: Cited | None
    timeline: str
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record (``schema_version`` 1)."""
        out: dict[str, object] = {"schema_version": 1, "kind": "hsc_collection"}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            out[name] = value.to_dict() if hasattr(value, "to_dict") else value
        return out


def _days(required: float, per_day: float) -> int:
    return math.ceil(required / per_day - 1e-9)


def _yield_for(disease: str, regimen: str | None, user: float | None) -> CitedRange | None:
    if user is not None:
        if not math.isfinite(user) or user <= 0:
            raise InputError(f"CD34+ yield per apheresis day must be positive, got {user!r}")
        return CitedRange(user, user, user, "user", "unverified", "yield given by the user")
    for y in load_yields():
        if y.disease == disease and y.regimen == regimen:
            return y.cd34_per_kg_per_apheresis_day
    return None


def _counts(
    required: float, y: CitedRange | None, per_cycle: Cited | None
) -> tuple[tuple[int, int, int] | None, tuple[int, int, int] | None]:
    if y is None or y.low is None or y.high is None:
        return None, None
    typical = y.typical if y.typical is not None else math.sqrt(y.low * y.high)
    days = (_days(required, y.high), _days(required, typical), _days(required, y.low))
    if per_cycle is None:
        return days, None
    d = per_cycle.value
    cycles = (math.ceil(days[0] / d), math.ceil(days[1] / d), math.ceil(days[2] / d))
    return days, cycles


def _subtype_dose(p: HscProductFacts, subtype: str | None) -> Cited:
    if subtype is None:
        return p.min_cd34_per_kg
    for name, dose in p.subtype_min_cd34_per_kg:
        if _fold(name) == _fold(subtype):
            return dose
    known = ", ".join(n for n, _ in p.subtype_min_cd34_per_kg) or "none"
    raise InputError(f"{p.name} has no subtype {subtype!r}", hint=f"label subtypes: {known}")


def plan_collection(
    product: str,
    *,
    weight_kg: float,
    disease: str | None = None,
    age_years: float | None = None,
    yield_per_day_cd34_per_kg: float | None = None,
    subtype: str | None = None,
) -> CollectionPlan:
    """Plan the CD34⁺ collection of an autologous HSC gene therapy for one patient.

    Parameters
    ----------
    product : brand, generic or short name (``"Casgevy"``, ``"exa-cel"``).
    weight_kg : body weight (kg), 0.5-350.
    disease : one of the product's labelled diseases (default: its first).
    age_years : checked against the label population (reported, never refused).
    yield_per_day_cd34_per_kg : the patient's expected CD34⁺ yield per apheresis day; default
        the published range for the disease and regimen, when vivo has one.
    subtype : a labelled disease subtype with its own minimum dose (Lenmeldy).

    Examples
    --------
    >>> plan_collection("Skysona", weight_kg=30, age_years=8).required_cd34_per_kg
    13500000.0
    """
    p = hsc_product_facts(product)
    w, age = _check_weight(weight_kg), _check_age(age_years)
    d = _hsc_disease(p, disease)
    mob = next((m for m in p.mobilisation if m.disease == d), None)
    min_dose = _subtype_dose(p, subtype)
    notes: list[str] = []
    target = p.collection_target_cd34_per_kg
    base = target.value if target is not None else min_dose.value
    if target is None:
        notes.append(
            "no label collection target found: planned on the label minimum dose, which does "
            "not include manufacturing losses (collect more)"
        )
    backup = p.backup_cd34_per_kg.value if p.backup_cd34_per_kg is not None else 0.0
    if p.backup_cd34_per_kg is None:
        notes.append("no label back-up (rescue) collection found for this product")
    required = base + backup
    marrow = mob is None and "marrow" in p.cell_source
    regimen = mob.regimen if mob else None
    y = None if marrow else _yield_for(d, regimen, yield_per_day_cd34_per_kg)
    days, cycles = _counts(required, y, p.apheresis_days_per_cycle)
    notes.extend(_yield_notes(p, marrow, y, cycles))
    inside, age_note = _age_check(age, p.min_age_years, p.max_age_years, p.population)
    notes.insert(0, age_note)
    if p.sex:
        notes.append(f"label population is {p.sex} patients only")
    trial = next((r for dis, r in p.trial_cycles if dis == d), None)
    notes.extend(_trial_notes(cycles, trial, y))
    return CollectionPlan(
        product=p.name, disease=d, weight_kg=w, age_years=age, within_label_population=inside,
        population=p.population, cell_source=p.cell_source,
        mobilisation=mob.text if mob else None, min_dose_cd34_per_kg=min_dose,
        min_dose_cd34_total=min_dose.value * w, collection_target_cd34_per_kg=target,
        backup_cd34_per_kg=p.backup_cd34_per_kg, required_cd34_per_kg=required,
        required_cd34_total=required * w, yield_per_day=y, apheresis_days=days,
        apheresis_days_per_cycle=p.apheresis_days_per_cycle, cycles=cycles, trial_cycles=trial,
        conditioning=p.conditioning, preparation=p.preparation,
        max_dose_cd34_per_kg=p.max_cd34_per_kg,
        timeline="vivo does not know: no collection-to-infusion time found in a verified source",
        notes=tuple(notes),
    )  # fmt: skip


def _trial_notes(
    cycles: tuple[int, int, int] | None, trial: CitedRange | None, y: CitedRange | None
) -> list[str]:
    """Say so when the yield-based count and the pivotal trial's cycles disagree (> 2x)."""
    if cycles is None or trial is None or trial.typical is None or y is None:
        return []
    typical = cycles[1]
    if typical <= 2 * trial.typical:
        return []
    return [
        f"the yield-based estimate ({typical} cycles) is more than twice the pivotal trial's "
        f"median ({trial.typical:g}, {trial.source}); the per-day yield ({y.source}) comes "
        "from another collection protocol, so expect the trial's figure and read the "
        "estimate as a cautious upper bound"
    ]


def _yield_notes(
    p: HscProductFacts, marrow: bool, y: CitedRange | None, cycles: object
) -> list[str]:
    if marrow:
        return [f"{p.name} is made from a bone-marrow harvest: no mobilisation or apheresis cycles"]
    out = []
    if y is None:
        out.append(
            "vivo has no cited CD34+ yield per apheresis day for this disease and regimen: give "
            "the patient's expected yield (--yield) to count apheresis days"
        )
    elif cycles is None:
        out.append("apheresis days per mobilisation cycle not found on the label: days only")
    return out


# ------------------------------------------------------------------------------- CAR-T dose


@dataclass(frozen=True, slots=True)
class DosePlan:
    """The label dose of a CAR-T product for one patient (weight band, caps, regimen)."""

    product: str
    generic: str
    target: str
    indication: str
    indication_name: str
    weight_kg: float
    age_years: float | None
    within_label_population: bool | None
    band: str
    band_kind: Literal["per_kg", "flat"]
    per_kg_low: float | None
    per_kg_high: float | None
    cap: Cited | None
    cap_applied: bool
    total_cells_low: float
    total_cells_high: float
    dose_sources: tuple[Cited, ...]
    lymphodepletion: CitedText
    schedule: CitedText | None
    vein_to_vein_days: CitedRange | None
    manufacturing_failure: FailureRate | None
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record (``schema_version`` 1)."""
        out: dict[str, object] = {"schema_version": 1, "kind": "car_t_dose"}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, tuple) and value and hasattr(value[0], "to_dict"):
                value = [v.to_dict() for v in value]
            out[name] = value.to_dict() if hasattr(value, "to_dict") else value
        return out


def _e(x: float) -> str:
    return f"{x:.3g}".replace("e+0", "e").replace("e+", "e")


def _pick_band(bands: tuple[DoseBand, ...], w: float) -> DoseBand:
    for b in bands:
        if b.max_weight_kg is None or w <= b.max_weight_kg:
            return b
    raise DataError("manufacturing.toml: a CAR-T indication has no band for this weight")


def _band_text(bands: tuple[DoseBand, ...], b: DoseBand) -> str:
    i = bands.index(b)
    lo = bands[i - 1].max_weight_kg if i > 0 else None
    hi = b.max_weight_kg
    if lo is None and hi is None:
        return "all weights"
    if hi is None:
        return f"> {lo:g} kg"
    return f"<= {hi:g} kg" if lo is None else f"> {lo:g} and <= {hi:g} kg"


def car_t_dose(
    product: str,
    *,
    weight_kg: float,
    age_years: float | None = None,
    indication: str | None = None,
) -> DosePlan:
    """The label dose of a CAR-T product for a patient's weight (and age check).

    Parameters
    ----------
    product : brand, generic or short name (``"Kymriah"``, ``"tisa-cel"``).
    weight_kg : body weight (kg), 0.5-350; picks the weight band and scales per-kg doses.
    age_years : checked against the indication's label population (reported, not refused).
    indication : the labelled indication (``"ALL"``, ``"LBCL"``, ``"multiple myeloma"`` …);
        required when the product has several with different doses.

    Examples
    --------
    >>> car_t_dose("Yescarta", weight_kg=120).total_cells_high  # 2e6/kg capped at 2e8
    200000000.0
    """
    p = car_t_product(product)
    w, age = _check_weight(weight_kg), _check_age(age_years)
    ind = _indication_for(p, indication)
    band = _pick_band(ind.bands, w)
    if band.kind == "per_kg":
        raw_lo, raw_hi = band.low.value * w, band.high.value * w
        cap = band.cap.value if band.cap else math.inf
        lo, hi, capped = min(raw_lo, cap), min(raw_hi, cap), raw_hi > cap
        per_kg: tuple[float | None, float | None] = (band.low.value, band.high.value)
    else:
        lo, hi, capped, per_kg = band.low.value, band.high.value, False, (None, None)
    inside, age_note = _age_check(age, ind.min_age_years, ind.max_age_years, ind.name)
    notes = [age_note]
    if capped and band.cap is not None:
        notes.append(f"the per-kg dose exceeds the label maximum: capped at {_e(band.cap.value)}")
    if ind.vein_to_vein_days is None:
        notes.append("vein-to-vein time: vivo does not know (no verified source found)")
    if ind.manufacturing_failure is None:
        notes.append("manufacturing failure rate: vivo does not know (no verified source found)")
    sources = (band.low, band.high) + ((band.cap,) if band.cap else ())
    return DosePlan(
        product=p.name, generic=p.generic, target=p.target, indication=ind.key,
        indication_name=ind.name, weight_kg=w, age_years=age, within_label_population=inside,
        band=_band_text(ind.bands, band), band_kind=band.kind, per_kg_low=per_kg[0],
        per_kg_high=per_kg[1], cap=band.cap, cap_applied=capped, total_cells_low=lo,
        total_cells_high=hi, dose_sources=sources, lymphodepletion=ind.lymphodepletion,
        schedule=ind.schedule, vein_to_vein_days=ind.vein_to_vein_days,
        manufacturing_failure=ind.manufacturing_failure, notes=tuple(n for n in notes if n),
    )  # fmt: skip


def plan_dose(
    product: str,
    *,
    weight_kg: float,
    age_years: float | None = None,
    disease: str | None = None,
    yield_per_day_cd34_per_kg: float | None = None,
    subtype: str | None = None,
) -> CollectionPlan | DosePlan:
    """:func:`plan_collection` for an HSC gene therapy, :func:`car_t_dose` for a CAR-T product.

    Raises InputError (with the known names) for a product vivo does not know.
    """
    folded = _fold(product)
    for p in load_hsc_product_facts():
        if _matches(folded, p.name, p.generic, (p.key, *p.aliases)):
            return plan_collection(
                p.name, weight_kg=weight_kg, disease=disease, age_years=age_years,
                yield_per_day_cd34_per_kg=yield_per_day_cd34_per_kg, subtype=subtype,
            )  # fmt: skip
    for c in load_car_t_products():
        if _matches(folded, c.name, c.generic, (c.key, *c.aliases)):
            return car_t_dose(c.name, weight_kg=weight_kg, age_years=age_years, indication=disease)
    raise _unknown("cell product", product, cell_product_names())
