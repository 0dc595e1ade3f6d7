"""Collection, manufacturing and dose of approved autologous cell products.

Two plans, both from cited label and trial numbers (``data/manufacturing.toml``, sources in
``data/SOURCES.md``; every number carries its source key and how it was checked here):

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
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

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

MIN_WEIGHT_KG = 0.5
"""Smallest accepted weight (a preterm newborn); below is a typo, not a patient."""
MAX_WEIGHT_KG = 350.0
"""Largest accepted weight."""
MAX_AGE_YEARS = 120.0
"""Largest accepted age."""
_Z95 = 1.959963984540054

Verified = Literal["label", "abstract", "secondary", "derived", "unverified"]
_VERIFIED = ("label", "abstract", "secondary", "derived", "unverified")


# ---------------------------------------------------------------------------- cited values


@dataclass(frozen=True, slots=True)
class Cited:
    """One number with its source key and how it was checked (see data/SOURCES.md)."""

    value: float
    source: str
    verified: Verified
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class CitedRange:
    """A published range (low, typical, high; typical may be a median) with its source."""

    low: float | None
    typical: float | None
    high: float | None
    source: str
    verified: Verified
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class CitedText:
    """A regimen or instruction quoted (in substance) from its source."""

    text: str
    source: str
    verified: Verified
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class FailureRate:
    """Manufacturing failures among enrolled (apheresed) patients of a pivotal trial.

    ``interval_95`` is the Wilson score interval of the proportion (vivo's computation from the
    cited counts).
    """

    failures: int
    enrolled: int
    source: str
    verified: Verified
    note: str = ""

    @property
    def rate(self) -> float:
        """Failures / enrolled."""
        return self.failures / self.enrolled

    @property
    def interval_95(self) -> tuple[float, float]:
        """Wilson 95 % interval of the failure proportion."""
        n, p, z = self.enrolled, self.rate, _Z95
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return max(0.0, centre - half), min(1.0, centre + half)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record (with the rate and its interval)."""
        lo, hi = self.interval_95
        return {**asdict(self), "rate": self.rate, "interval_95": [lo, hi]}


# ------------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Mobilisation:
    """The mobilisation regimen of a product in one disease."""

    disease: str
    regimen: str
    text: CitedText


@dataclass(frozen=True, slots=True)
class YieldRecord:
    """CD34⁺ cells collected per apheresis day (per kg body weight) for one regimen/disease."""

    disease: str
    regimen: str
    cd34_per_kg_per_apheresis_day: CitedRange
    context: str = ""


@dataclass(frozen=True, slots=True)
class HscProductFacts:
    """Label and trial facts of an autologous HSC gene therapy."""

    key: str
    name: str
    generic: str
    aliases: tuple[str, ...]
    modality: str
    diseases: tuple[str, ...]
    default_disease: str
    cell_source: str
    population: str
    min_cd34_per_kg: Cited
    conditioning: CitedText
    sex: str | None = None
    min_age_years: Cited | None = None
    max_age_years: Cited | None = None
    max_cd34_per_kg: Cited | None = None
    collection_target_cd34_per_kg: Cited | None = None
    backup_cd34_per_kg: Cited | None = None
    apheresis_days_per_cycle: Cited | None = None
    preparation: CitedText | None = None
    mobilisation: tuple[Mobilisation, ...] = ()
    trial_cycles: tuple[tuple[str, CitedRange], ...] = ()
    subtype_min_cd34_per_kg: tuple[tuple[str, Cited], ...] = ()
    context: str = ""


@dataclass(frozen=True, slots=True)
class DoseBand:
    """One weight band of a CAR-T label dose.

    ``kind="per_kg"``: ``low``..``high`` cells/kg, the total capped at ``cap`` when given;
    ``kind="flat"``: ``low``..``high`` cells whatever the weight. The band applies up to and
    including ``max_weight_kg`` (``None``: no upper bound).
    """

    kind: Literal["per_kg", "flat"]
    low: Cited
    high: Cited
    cap: Cited | None = None
    max_weight_kg: float | None = None


@dataclass(frozen=True, slots=True)
class CarTIndication:
    """A labelled indication of a CAR-T product with its dose bands and trial facts."""

    key: str
    name: str
    aliases: tuple[str, ...]
    bands: tuple[DoseBand, ...]
    lymphodepletion: CitedText
    min_age_years: Cited | None = None
    max_age_years: Cited | None = None
    vein_to_vein_days: CitedRange | None = None
    manufacturing_failure: FailureRate | None = None
    schedule: CitedText | None = None


@dataclass(frozen=True, slots=True)
class CarTProduct:
    """An approved autologous CAR-T product."""

    key: str
    name: str
    generic: str
    aliases: tuple[str, ...]
    target: str
    indications: tuple[CarTIndication, ...]


# ------------------------------------------------------------------------------- loading


@cache
def _data() -> dict[str, Any]:
    try:
        text = (
            resources.files("vivo.cells")
            .joinpath("data", "manufacturing.toml")
            .read_text(encoding="utf-8")
        )
        return tomllib.loads(text)
    except FileNotFoundError as exc:  # pragma: no cover - broken installation
        raise DataError("bundled file vivo/cells/data/manufacturing.toml is missing") from exc
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - caught by the tests
        raise DataError(f"vivo/cells/data/manufacturing.toml is not valid TOML: {exc}") from exc


def _verified(row: Mapping[str, Any], where: str) -> Verified:
    v = row.get("verified")
    if v not in _VERIFIED:
        raise DataError(f"manufacturing.toml {where}: 'verified' must be one of {_VERIFIED}")
    return v  # type: ignore[no-any-return]


def _cited(row: Any, where: str) -> Cited:
    if not isinstance(row, dict) or "value" not in row or not row.get("source"):
        raise DataError(f"manufacturing.toml {where}: expected {{value, source, verified}}")
    note = str(row.get("note", ""))
    return Cited(float(row["value"]), str(row["source"]), _verified(row, where), note)


def _opt_cited(row: Mapping[str, Any], key: str, where: str) -> Cited | None:
    return _cited(row[key], f"{where}.{key}") if key in row else None


def _range(row: Any, where: str) -> CitedRange:
    if not isinstance(row, dict) or not row.get("source"):
        raise DataError(f"manufacturing.toml {where}: expected {{low, typical, high, source}}")

    def num(k: str) -> float | None:
        return float(row[k]) if k in row else None

    return CitedRange(
        num("low"), num("typical"), num("high"), str(row["source"]), _verified(row, where),
        row.get("note", ""),
    )  # fmt: skip


def _text(row: Any, where: str) -> CitedText:
    if not isinstance(row, dict) or not row.get("text") or not row.get("source"):
        raise DataError(f"manufacturing.toml {where}: expected {{text, source, verified}}")
    note = str(row.get("note", ""))
    return CitedText(str(row["text"]), str(row["source"]), _verified(row, where), note)


def _hsc_row(row: Mapping[str, Any]) -> HscProductFacts:
    w = f"hsc_product {row.get('key')}"
    mob = tuple(
        Mobilisation(m["disease"], m["regimen"], _text(m, f"{w}.mobilisation"))
        for m in row.get("mobilisation", [])
    )
    cycles = tuple((c["disease"], _range(c["cycles"], f"{w}.trial_cycles")) for c in
                   row.get("trial_cycles", []))  # fmt: skip
    subtypes = tuple((s["subtype"], _cited(s["dose"], f"{w}.subtype")) for s in
                     row.get("subtype_min_cd34_per_kg", []))  # fmt: skip
    return HscProductFacts(
        key=row["key"],
        name=row["name"],
        generic=row["generic"],
        aliases=tuple(row.get("aliases", ())),
        modality=row["modality"],
        diseases=tuple(row["diseases"]),
        default_disease=row["default_disease"],
        cell_source=row["cell_source"],
        population=row["population"],
        min_cd34_per_kg=_cited(row["min_cd34_per_kg"], f"{w}.min_cd34_per_kg"),
        conditioning=_text(row["conditioning"], f"{w}.conditioning"),
        sex=row.get("sex"),
        min_age_years=_opt_cited(row, "min_age_years", w),
        max_age_years=_opt_cited(row, "max_age_years", w),
        max_cd34_per_kg=_opt_cited(row, "max_cd34_per_kg", w),
        collection_target_cd34_per_kg=_opt_cited(row, "collection_target_cd34_per_kg", w),
        backup_cd34_per_kg=_opt_cited(row, "backup_cd34_per_kg", w),
        apheresis_days_per_cycle=_opt_cited(row, "apheresis_days_per_cycle", w),
        preparation=_text(row["preparation"], f"{w}.preparation") if "preparation" in row else None,
        mobilisation=mob,
        trial_cycles=cycles,
        subtype_min_cd34_per_kg=subtypes,
        context=row.get("context", ""),
    )


@cache
def load_hsc_product_facts() -> tuple[HscProductFacts, ...]:
    """The autologous HSC gene-therapy products of ``data/manufacturing.toml``."""
    try:
        return tuple(_hsc_row(r) for r in _data()["hsc_product"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"manufacturing.toml: malformed hsc_product: {exc!r}") from exc


@cache
def load_yields() -> tuple[YieldRecord, ...]:
    """Published CD34⁺ yields per apheresis day, by disease and mobilisation regimen."""
    try:
        return tuple(
            YieldRecord(
                r["disease"],
                r["regimen"],
                _range(r["cd34_per_kg_per_apheresis_day"], f"yield {r['disease']}"),
                r.get("context", ""),
            )
            for r in _data().get("yield", [])
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"manufacturing.toml: malformed yield row: {exc!r}") from exc


def _band(row: Mapping[str, Any], where: str) -> DoseBand:
    kind = row["kind"]
    if kind not in ("per_kg", "flat"):
        raise DataError(f"manufacturing.toml {where}: band kind must be per_kg or flat")
    return DoseBand(
        kind=kind,
        low=_cited(row["low"], f"{where}.low"),
        high=_cited(row["high"], f"{where}.high"),
        cap=_opt_cited(row, "cap", where),
        max_weight_kg=float(row["max_weight_kg"]) if "max_weight_kg" in row else None,
    )


def _indication(row: Mapping[str, Any], where: str) -> CarTIndication:
    w = f"{where}/{row.get('key')}"
    fail = row.get("manufacturing_failure")
    failure = None
    if fail is not None:
        failure = FailureRate(
            int(fail["failures"]), int(fail["enrolled"]), str(fail["source"]),
            _verified(fail, w), fail.get("note", ""),
        )  # fmt: skip
    return CarTIndication(
        key=row["key"],
        name=row["name"],
        aliases=tuple(row.get("aliases", ())),
        bands=tuple(_band(b, w) for b in row["band"]),
        lymphodepletion=_text(row["lymphodepletion"], f"{w}.lymphodepletion"),
        min_age_years=_opt_cited(row, "min_age_years", w),
        max_age_years=_opt_cited(row, "max_age_years", w),
        vein_to_vein_days=_range(row["vein_to_vein_days"], w) if "vein_to_vein_days" in row
        else None,
        manufacturing_failure=failure,
        schedule=_text(row["schedule"], f"{w}.schedule") if "schedule" in row else None,
    )  # fmt: skip


@cache
def load_car_t_products() -> tuple[CarTProduct, ...]:
    """The CAR-T products of ``data/manufacturing.toml``."""
    try:
        return tuple(
            CarTProduct(
                key=r["key"],
                name=r["name"],
                generic=r["generic"],
                aliases=tuple(r.get("aliases", ())),
                target=r["target"],
                indications=tuple(_indication(i, f"car_t {r['key']}") for i in r["indication"]),
            )
            for r in _data()["car_t"]
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"manufacturing.toml: malformed car_t: {exc!r}") from exc


# ------------------------------------------------------------------------------- look-ups


def _fold(name: str) -> str:
    text = name.strip().lower().replace("β", "beta ").replace("ß", "beta ")
    return " ".join(re.sub(r"[-_/]", " ", text).split())


def cell_product_names() -> tuple[str, ...]:
    """Brand names of every product vivo can plan (HSC gene therapies, then CAR-T)."""
    return tuple(p.name for p in load_hsc_product_facts()) + tuple(
        p.name for p in load_car_t_products()
    )


def _matches(query: str, name: str, generic: str, aliases: tuple[str, ...]) -> bool:
    q = _fold(query)
    return q in {_fold(name), _fold(generic), *(_fold(a) for a in aliases)}


def _unknown(kind: str, name: str, known: tuple[str, ...]) -> InputError:
    return InputError(f"unknown {kind} {name!r}", hint=f"known products: {', '.join(known)}")


def hsc_product_facts(name: str) -> HscProductFacts:
    """The HSC product called ``name`` (brand, generic or short name; case-insensitive)."""
    for p in load_hsc_product_facts():
        if _matches(name, p.name, p.generic, (p.key, *p.aliases)):
            return p
    known = tuple(p.name for p in load_hsc_product_facts())
    raise _unknown("HSC gene-therapy product", name, known)


def car_t_product(name: str) -> CarTProduct:
    """The CAR-T product called ``name`` (brand, generic or short name; case-insensitive)."""
    for p in load_car_t_products():
        if _matches(name, p.name, p.generic, (p.key, *p.aliases)):
            return p
    raise _unknown("CAR-T product", name, tuple(p.name for p in load_car_t_products()))


_DISEASE_WORDS = {
    "scd": "sickle cell disease", "sickle cell": "sickle cell disease",
    "sickle cell anemia": "sickle cell disease", "sickle cell anaemia": "sickle cell disease",
    "tdt": "beta-thalassemia", "beta thalassemia": "beta-thalassemia",
    "beta thalassaemia": "beta-thalassemia", "thalassemia": "beta-thalassemia",
    "thalassaemia": "beta-thalassemia", "transfusion dependent beta thalassemia":
    "beta-thalassemia", "cald": "cerebral adrenoleukodystrophy", "ald":
    "cerebral adrenoleukodystrophy", "adrenoleukodystrophy": "cerebral adrenoleukodystrophy",
    "mld": "metachromatic leukodystrophy", "ada scid": "ADA-SCID",
    "adenosine deaminase deficiency": "ADA-SCID",
}  # fmt: skip


def _hsc_disease(p: HscProductFacts, disease: str | None) -> str:
    if disease is None:
        return p.default_disease
    folded = _fold(disease)
    folded = _fold(_DISEASE_WORDS.get(folded, folded))
    for d in p.diseases:
        if _fold(d) == folded:
            return d
    raise InputError(
        f"{p.name} is not labelled for {disease!r}", hint=f"choose one of: {', '.join(p.diseases)}"
    )


def _indication_for(p: CarTProduct, indication: str | None) -> CarTIndication:
    if indication is None:
        if len(p.indications) == 1:
            return p.indications[0]
        keys = "; ".join(f"{max(i.aliases, key=len, default=i.name)} ({i.key})"
                         for i in p.indications)  # fmt: skip
        raise InputError(
            f"{p.name} has several labelled indications with different doses",
            hint=f"give the disease (--disease), by name or short key: {keys}",
        )
    q = _fold(indication)
    for i in p.indications:
        if q in {_fold(i.key), _fold(i.name), *(_fold(a) for a in i.aliases)}:
            return i
    keys = ", ".join(f"{i.key} ({i.name})" for i in p.indications)
    raise InputError(
        f"vivo has no label dose of {p.name} for {indication!r}",
        hint=f"indications vivo knows for {p.name}: {keys}",
    )


# ------------------------------------------------------------------------------- checks


def _check_weight(weight_kg: float) -> float:
    w = float(weight_kg)
    if not math.isfinite(w) or not MIN_WEIGHT_KG <= w <= MAX_WEIGHT_KG:
        raise InputError(
            f"weight must be a number of kilograms in [{MIN_WEIGHT_KG:g}, {MAX_WEIGHT_KG:g}], "
            f"got {weight_kg!r}",
            hint="give the patient's body weight in kg, e.g. --weight 62.5",
        )
    return w


def _check_age(age_years: float | None) -> float | None:
    if age_years is None:
        return None
    a = float(age_years)
    if not math.isfinite(a) or not 0 <= a <= MAX_AGE_YEARS:
        raise InputError(
            f"age must be a number of years in [0, {MAX_AGE_YEARS:g}], got {age_years!r}",
            hint="give the patient's age in years, e.g. --age 14",
        )
    return a


def _age_check(
    age: float | None, lo: Cited | None, hi: Cited | None, population: str
) -> tuple[bool | None, str]:
    if lo is None and hi is None:
        return (None, f"label population: {population}; the label sets no age bound")
    bounds = " and ".join(
        b for b in (f">= {lo.value:g} years" if lo else "", f"<= {hi.value:g} years" if hi else "")
        if b
    )  # fmt: skip
    source = lo.source if lo is not None else hi.source if hi is not None else ""
    if age is None:
        return (None, f"age not given; label population: {population} ({bounds}; {source})")
    inside = (lo is None or age >= lo.value) and (hi is None or age < hi.value + 1)
    if inside:
        return (True, f"age {age:g} years is within the label population ({bounds}; {source})")
    return (
        False,
        f"age {age:g} years is OUTSIDE the label population ({bounds}; {source}): "
        "the label dose and evidence do not cover this patient",
    )


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
