"""Label and trial facts of the approved autologous cell products, as cited records.

Read from ``data/manufacturing.toml`` (sources in ``data/SOURCES.md``; every number carries its
source key and how it was checked): the HSC gene therapies' doses, collection targets,
mobilisation, conditioning and trial cycles; CAR-T products' weight-banded label doses,
lymphodepletion, vein-to-vein times and manufacturing failures; CD34⁺ yields per apheresis day.
The look-ups accept brand, generic or short names. The plans built on these facts are in
:mod:`vivo.cells.manufacturing`.

>>> hsc_product_facts("exa-cel").name, car_t_product("tisa-cel").target
('Casgevy', 'CD19')
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
    "DoseBand",
    "FailureRate",
    "HscProductFacts",
    "Mobilisation",
    "YieldRecord",
    "car_t_product",
    "cell_product_names",
    "hsc_product_facts",
    "load_car_t_products",
    "load_hsc_product_facts",
    "load_yields",
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
    scope: str = ""  # where the number holds when not everywhere, e.g. "US label since 2026-07"

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
    scope = str(row.get("scope", ""))
    return Cited(float(row["value"]), str(row["source"]), _verified(row, where), note, scope)


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
    scopes = [c.scope for c in (lo, hi) if c is not None and c.scope]
    if scopes:  # a bound that holds in one region only says so (vivo takes no region)
        bounds += " [" + "; ".join(dict.fromkeys(scopes)) + "]"
    source = lo.source if lo is not None else hi.source if hi is not None else ""
    caveats = [c.note for c in (lo, hi) if c is not None and c.verified == "unverified" and c.note]
    if caveats:  # an age bound vivo could not re-check says so wherever it is used
        source += "; unverified: " + "; ".join(caveats)
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
