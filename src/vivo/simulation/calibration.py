"""Typed loaders for the cited calibration data of the outcome models (``data/*.toml``).

The numbers live next to the models in ``vivo/simulation/data`` (``hsc.toml``, ``aav.toml``,
with ``SOURCES.md``); this module reads them once and hands out frozen records. Published
trial values carry their tolerance, so the golden tests and the docs compare vivo's output
with them the same way (:meth:`PublishedValue.accepts`).

Examples
--------
>>> canonical_disease("β-thalassaemia")
'beta-thalassemia'
>>> canonical_disease("HbS/β0-thalassemia"), canonical_disease("β0/β+ thalassemia")
('sickle cell disease', 'beta-thalassemia')
>>> hsc_calibration("Casgevy", "SCD").target_share
0.4
>>> [p.name for p in load_hsc_products()]
['Casgevy', 'Zynteglo', 'Lyfgenia']
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from vivo.cells.product_facts import HscProductFacts, hsc_product_facts
from vivo.core.errors import DataError, InputError

__all__ = [
    "AavCalibration",
    "DoseResponse",
    "HscCalibration",
    "HscProduct",
    "PublishedValue",
    "aav_calibration",
    "canonical_disease",
    "hsc_calibration",
    "hsc_dose_response",
    "load_aav_calibrations",
    "load_hsc_products",
    "read_simulation_toml",
]

_PACKAGE = "vivo.simulation"

_DISEASE_SYNONYMS = {
    "sickle cell disease": "sickle cell disease",
    "sickle cell anemia": "sickle cell disease",
    "sickle cell anaemia": "sickle cell disease",
    "sickle cell": "sickle cell disease",
    "scd": "sickle cell disease",
    "sca": "sickle cell disease",
    "hbss": "sickle cell disease",
    "beta thalassemia": "beta-thalassemia",
    "beta thalassaemia": "beta-thalassemia",
    "transfusion dependent beta thalassemia": "beta-thalassemia",
    "transfusion dependent beta thalassaemia": "beta-thalassemia",
    "transfusion dependent thalassemia": "beta-thalassemia",
    "beta thalassemia major": "beta-thalassemia",
    "thalassemia": "beta-thalassemia",
    "thalassaemia": "beta-thalassemia",
    "tdt": "beta-thalassemia",
    "hbs beta thalassemia": "sickle cell disease",
    "hbs beta thalassaemia": "sickle cell disease",
    "sickle beta thalassemia": "sickle cell disease",
    "sickle beta thalassaemia": "sickle cell disease",
    "sickle cell beta thalassemia": "sickle cell disease",
    "hemophilia a": "hemophilia A",
    "haemophilia a": "hemophilia A",
    "hemophilia b": "hemophilia B",
    "haemophilia b": "hemophilia B",
    "spinal muscular atrophy": "spinal muscular atrophy",
    "sma": "spinal muscular atrophy",
}


def canonical_disease(name: str) -> str:
    """The calibration's spelling of a disease name (synonyms, β, hyphens and case folded).

    Unknown names come back cleaned but otherwise unchanged (the caller decides).
    """
    text = name.strip().lower().replace("β", "beta ").replace("ß", "beta ")
    for sep in "-_/":
        text = text.replace(sep, " ")
    text = re.sub(r"\bbeta\s*(0|\+|zero|plus)", "beta", " ".join(text.split()))
    text = re.sub(r"\b(beta )+", "beta ", text + " ").strip()  # β0/β+ thalassemia
    return _DISEASE_SYNONYMS.get(text, text)


def read_simulation_toml(name: str) -> dict[str, Any]:
    """Parse a bundled calibration file ``vivo/simulation/data/<name>``."""
    try:
        text = resources.files(_PACKAGE).joinpath("data", name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:  # pragma: no cover - broken installation
        raise DataError(f"bundled simulation file data/{name} is missing; reinstall vivo") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - caught by the tests
        raise DataError(f"bundled simulation file data/{name} is not valid TOML: {exc}") from exc


@dataclass(frozen=True, slots=True)
class PublishedValue:
    """A published trial number and how close vivo must come to it.

    ``kind`` is ``"equal"`` (|vivo − value| ≤ tolerance) or ``"at_least"`` (a published lower
    bound: vivo ≥ value − tolerance). ``time`` is in the model's time unit (HSC: days, AAV:
    weeks). ``threshold``/``upper`` qualify fractions (below 3 IU/dL, between 5 and 12 …).
    """

    time: float
    quantity: str
    value: float
    tolerance: float
    label: str
    source: str
    verified: str
    kind: Literal["equal", "at_least"] = "equal"
    threshold: float | None = None
    upper: float | None = None

    def accepts(self, simulated: float) -> bool:
        """Whether a simulated value is within the documented tolerance."""
        if not math.isfinite(simulated):
            return False
        if self.kind == "at_least":
            return simulated >= self.value - self.tolerance
        return abs(simulated - self.value) <= self.tolerance + 1e-12

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        return {
            "time": self.time,
            "quantity": self.quantity,
            "value": self.value,
            "tolerance": self.tolerance,
            "kind": self.kind,
            "label": self.label,
            "source": self.source,
            "verified": self.verified,
        }


def _published(
    rows: list[dict[str, Any]], *, time_key: str, where: str
) -> tuple[PublishedValue, ...]:
    out = []
    for row in rows:
        try:
            value = float(row["value"])
            tol = (
                float(row["tolerance"])
                if "tolerance" in row
                else float(row["tolerance_rel"]) * abs(value)
            )
            out.append(
                PublishedValue(
                    time=float(row[time_key]),
                    quantity=str(row["quantity"]),
                    value=value,
                    tolerance=tol,
                    label=str(row["label"]),
                    source=str(row["source"]),
                    verified=str(row["verified"]),
                    kind="at_least" if row.get("kind") == "at_least" else "equal",
                    threshold=float(row["threshold"]) if "threshold" in row else None,
                    upper=float(row["upper"]) if "upper" in row else None,
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"{where}: malformed published row {row!r}: {exc}") from exc
    return tuple(out)


# ---- HSC -------------------------------------------------------------------------------------

Modality = Literal["editing", "lentiviral"]


@dataclass(frozen=True, slots=True)
class HscProduct:
    """Label facts of an approved ex vivo HSC product."""

    name: str
    generic: str
    modality: Modality
    therapeutic_hb: str
    min_cd34_per_kg: float
    collection_target_cd34_per_kg: float | None
    source: str
    diseases: tuple[str, ...] = ()
    default_disease: str = ""
    aliases: tuple[str, ...] = ()
    rescue_cells_cd34_per_kg: float | None = None


@dataclass(frozen=True, slots=True)
class DoseResponse:
    """CD34⁺ dose response shared by the HSC products (see docs/models/hsc.md)."""

    neutrophil_exponent: float
    graft_failure_d50_cd34_per_kg: float
    graft_failure_hill: float
    rbc_lifespan_d: float
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HscCalibration:
    """One product in one disease: what the red-cell model is calibrated to."""

    product: str
    disease: str
    trial: str
    target_share: float
    engrafted_total_hb_g_per_dl: float
    baseline_total_hb_g_per_dl: float
    typical_cd34_per_kg: float
    neutrophil_engraftment_day: float
    editing_probability: float | None
    effective_moi: float | None
    published: tuple[PublishedValue, ...]
    sources: dict[str, str]


def _opt_float(row: dict[str, Any], key: str) -> float | None:
    return float(row[key]) if key in row else None


@cache
def load_hsc_products() -> tuple[HscProduct, ...]:
    """The HSC products of ``data/hsc.toml``."""
    data = read_simulation_toml("hsc.toml")
    out = []
    for row in data["product"]:
        label = hsc_product_facts(row["key"])  # label numbers: vivo/cells/data (one source)
        target, rescue = label.collection_target_cd34_per_kg, label.backup_cd34_per_kg
        out.append(
            HscProduct(
                name=row["name"],
                generic=row["generic"],
                modality=row["modality"],
                therapeutic_hb=row["therapeutic_hb"],
                min_cd34_per_kg=label.min_cd34_per_kg.value,
                collection_target_cd34_per_kg=target.value if target else None,
                source=_label_source(label),
                diseases=tuple(row["diseases"]),
                default_disease=row["default_disease"],
                aliases=tuple(row.get("aliases", ())),
                rescue_cells_cd34_per_kg=rescue.value if rescue else None,
            )
        )
    return tuple(out)


def _label_source(label: HscProductFacts) -> str:
    parts = [f"minimum dose: {label.min_cd34_per_kg.source}"]
    if label.collection_target_cd34_per_kg:
        parts.append(f"collection target: {label.collection_target_cd34_per_kg.source}")
    if label.backup_cd34_per_kg:
        parts.append(f"rescue cells: {label.backup_cd34_per_kg.source}")
    return "; ".join(parts) + " (vivo/cells/data/manufacturing.toml)"


@cache
def hsc_dose_response() -> DoseResponse:
    """The shared dose-response constants (neutrophil exponent, graft-failure curve)."""
    d = read_simulation_toml("hsc.toml")["dose_response"]
    d50 = float(d["graft_failure_d50_cd34_per_kg"])
    p3 = float(d["graft_failure_at_3e6"])
    hill = math.log((1 - p3) / p3) / math.log(3e6 / d50)
    return DoseResponse(
        neutrophil_exponent=float(d["neutrophil_exponent"]),
        graft_failure_d50_cd34_per_kg=d50,
        graft_failure_hill=hill,
        rbc_lifespan_d=float(d["rbc_lifespan_d"]),
        sources=(
            str(d["neutrophil_exponent_source"]),
            str(d["graft_failure_source"]),
            str(d["rbc_lifespan_source"]),
        ),
    )


@cache
def _hsc_calibrations() -> tuple[HscCalibration, ...]:
    out = []
    for row in read_simulation_toml("hsc.toml")["calibration"]:
        where = f"hsc.toml {row.get('product')}/{row.get('disease')}"
        out.append(
            HscCalibration(
                product=row["product"],
                disease=row["disease"],
                trial=row["trial"],
                target_share=float(row["target_share"]),
                engrafted_total_hb_g_per_dl=float(row["engrafted_total_hb_g_per_dl"]),
                baseline_total_hb_g_per_dl=float(row["baseline_total_hb_g_per_dl"]),
                typical_cd34_per_kg=float(row["typical_cd34_per_kg"]),
                neutrophil_engraftment_day=float(row["neutrophil_engraftment_day"]),
                editing_probability=_opt_float(row, "editing_probability"),
                effective_moi=_opt_float(row, "effective_moi"),
                published=_published(row.get("published", []), time_key="time_d", where=where),
                sources={k: str(v) for k, v in row.items() if k.endswith("_source")},
            )
        )
    return tuple(out)


def _hsc_product_record(name: str) -> HscProduct:
    key = name.strip().lower()
    for p in load_hsc_products():
        if key == p.name.lower() or key in p.aliases or key == p.generic:
            return p
    known = ", ".join(p.name for p in load_hsc_products())
    raise InputError(f"unknown HSC product {name!r}", hint=f"known products: {known}")


def hsc_calibration(product: str, disease: str | None = None) -> HscCalibration:
    """The calibration of ``product`` in ``disease`` (None: the product's default disease).

    Raises InputError, listing the choices, when the product has no calibration for the
    disease.
    """
    p = _hsc_product_record(product)
    wanted = p.default_disease if disease is None else canonical_disease(disease)
    for cal in _hsc_calibrations():
        if cal.product == p.name.lower() and cal.disease == wanted:
            return cal
    raise InputError(
        f"{p.name} has no calibration for disease {disease!r}",
        hint=f"choose one of: {', '.join(p.diseases)}",
    )


# ---- AAV -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AavCalibration:
    """Raw calibration record of one AAV product (``data/aav.toml``)."""

    key: str
    name: str
    generic: str
    serotype: str
    transgene: str
    disease: str
    label_dose_vg_per_kg: float
    nab_exclusion_titre: float | None
    label_source: str
    source: str
    activity_name: str | None
    assay: str | None
    constants: dict[str, float]
    notes: dict[str, str]
    published: tuple[PublishedValue, ...]


@cache
def load_aav_calibrations() -> tuple[AavCalibration, ...]:
    """All AAV product records of ``data/aav.toml``."""
    out = []
    for row in read_simulation_toml("aav.toml")["product"]:
        numbers = {
            k: float(v)
            for k, v in row.items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        }
        out.append(
            AavCalibration(
                key=row["key"],
                name=row["name"],
                generic=row["generic"],
                serotype=row["serotype"],
                transgene=row["transgene"],
                disease=row["disease"],
                label_dose_vg_per_kg=float(row["label_dose_vg_per_kg"]),
                nab_exclusion_titre=_opt_float(row, "nab_exclusion_titre"),
                label_source=row["label_source"],
                source=row["source"],
                activity_name=row.get("activity_name"),
                assay=row.get("assay"),
                constants=numbers,
                notes={k: str(v) for k, v in row.items() if k.endswith("_source")},
                published=_published(
                    row.get("published", []), time_key="week", where=f"aav.toml {row['key']}"
                ),
            )
        )
    return tuple(out)


def aav_calibration(product: str) -> AavCalibration:
    """The AAV record for ``product`` (brand name, case-insensitive)."""
    key = product.strip().lower()
    for rec in load_aav_calibrations():
        if key in (rec.key, rec.generic):
            return rec
    known = ", ".join(r.name for r in load_aav_calibrations())
    raise InputError(f"unknown AAV product {product!r}", hint=f"known products: {known}")


@cache
def aav_model_constants() -> dict[str, float]:
    """Onset and NAb constants shared by the AAV products."""
    data = read_simulation_toml("aav.toml")
    onset, nab = data["onset"], data["nab"]
    return {
        "onset_week_a": float(onset["week_a"]),
        "onset_value_a": float(onset["value_a"]),
        "onset_week_b": float(onset["week_b"]),
        "onset_value_b": float(onset["value_b"]),
        "nab_t50": float(nab["t50"]),
        "nab_hill": float(nab["hill"]),
    }
