"""In vivo AAV gene therapy: dose and body weight, neutralising antibodies, transduced
fraction, plasma factor activity (IU/dL), its durability and the fraction of low responders.

**This is a vivo model, not a published one** (see docs/models/aav.md). Structure:

1. Effective dose D_eff = D·f_NAb, f_NAb = 1/(1 + (titre/T50)^h) (computed in log space).
2. Transduced hepatocyte fraction f = 1 − exp(−k·D_eff); episomes per transduced cell k·D/f.
3. Activity A_i(t) = L_i·f(D_eff)/f(D_label)·(1 − e^(−k_on·t))·R(t); L_i is log-normal around
   the typical responder or, with the published low-responder fraction, around a low level.
4. R(t) = 1 until t_decline, then first order toward a plateau (Roctavian, fitted to the
   GENEr8-1 means and fractions at weeks 52, 104 and 156) or to zero (Hemgenix, derived from
   39 → 36.1 IU/dL between month 6 and year 5).

All constants and published values are in ``data/aav.toml`` (sources in ``SOURCES.md``).

Examples
--------
>>> p = aav_product("Roctavian")
>>> round(float(p.production_remaining(np.array([52.0 + 104.0]))[0]), 2)
0.35
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq
from scipy.stats import norm

from vivo.core.errors import DataError, InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.core.units import LN2, require_positive
from vivo.simulation.calibration import (
    AavCalibration,
    PublishedValue,
    aav_model_constants,
    canonical_disease,
    load_aav_calibrations,
)

__all__ = [
    "AAV_PRODUCTS",
    "MODEL_INFO",
    "ONSET_RATE_PER_WEEK",
    "AavPopulation",
    "AavProduct",
    "aav_product",
    "lognormal_omega_from_mean_and_exceedance",
    "nab_factor",
    "population_statistic",
    "simulate_aav_population",
    "transduced_fraction",
]

FloatArray = NDArray[np.float64]

MAHLANGU_2023 = Citation(
    key="Mahlangu2023",
    authors="Mahlangu J, Kaczmarek R, von Drygalski A et al",
    title="Two-year outcomes of valoctocogene roxaparvovec therapy for hemophilia A",
    journal="N Engl J Med",
    year=2023,
    doi="10.1056/NEJMoa2211075",
)
PIPE_2023 = Citation(
    key="Pipe2023",
    authors="Pipe SW, Leebeek FWG, Recht M et al",
    title="Gene therapy with etranacogene dezaparvovec for hemophilia B",
    journal="N Engl J Med",
    year=2023,
    doi="10.1056/NEJMoa2211644",
)
MODEL_INFO = ModelInfo(
    name="aav.vivo_minimal",
    version="2.0",
    citation=PIPE_2023,
    input_contract="dose vg/kg, body weight kg, NAb titre (reciprocal dilution); time in weeks",
    notes="vivo proposal (unpublished structure), calibrated only on the cited trial numbers "
    "(data/aav.toml), including the low-responder fractions over time.",
    extra_citations=(MAHLANGU_2023,),
)

_CONST = aav_model_constants()
#: AMT-061 phase 2b: mean FIX 31 % at week 6 and 47 % at week 26 (Blood Adv 2019;3:3241).
_ONSET_RATIO = _CONST["onset_value_a"] / _CONST["onset_value_b"]


def _onset_rate_per_week() -> float:
    wa, wb = _CONST["onset_week_a"], _CONST["onset_week_b"]

    def gap(k: float) -> float:
        return -math.expm1(-wa * k) / -math.expm1(-wb * k) - _ONSET_RATIO

    return float(brentq(gap, 1e-3, 5.0))


ONSET_RATE_PER_WEEK = _onset_rate_per_week()


def _onset(t_week: float) -> float:
    return -math.expm1(-ONSET_RATE_PER_WEEK * t_week)


def lognormal_omega_from_mean_and_exceedance(
    mean: float, threshold: float, p_exceed: float
) -> float:
    """Log-normal σ whose mean is ``mean`` and P(X ≥ threshold) = ``p_exceed`` (larger root).

    Examples
    --------
    >>> round(lognormal_omega_from_mean_and_exceedance(36.1, 40.0, 0.31), 2)
    0.7
    """
    require_positive(mean, "mean")
    require_positive(threshold, "threshold")
    if not 0 < p_exceed < 0.5:
        raise InputError("p_exceed must lie in (0, 0.5) for this calibration")
    z = float(norm.isf(p_exceed))
    # ln(threshold/mean) + σ²/2 = z·σ  →  σ² − 2zσ + 2·ln(threshold/mean) = 0
    disc = z * z - 2 * math.log(threshold / mean)
    if disc < 0:
        raise InputError("no log-normal distribution matches this mean and exceedance")
    return z + math.sqrt(disc)


@dataclass(frozen=True, slots=True)
class AavProduct:
    """An approved AAV product with vivo's calibrated activity model (where one exists).

    Patients are responders (log-normal around ``typical_activity_iu_per_dl``, σ ``omega``)
    or, with probability ``low_responder_fraction``, low responders (log-normal around
    ``low_responder_median_iu_per_dl``, σ ``low_responder_omega``). Production falls after
    ``decline_start_week`` toward ``decline_plateau_fraction`` with the given half-life.
    """

    name: str
    generic: str
    serotype: str
    transgene: str
    label_dose_vg_per_kg: float
    nab_exclusion_titre: float | None
    activity_name: str | None = None
    assay: str | None = None
    typical_activity_iu_per_dl: float | None = None
    omega: float = 0.0
    decline_start_week: float = 0.0
    production_half_life_week: float = math.inf
    published_points: tuple[tuple[float, float, str], ...] = ()
    source: str = ""
    disease: str = ""
    low_responder_fraction: float = 0.0
    low_responder_median_iu_per_dl: float = 0.0
    low_responder_omega: float = 0.0
    decline_plateau_fraction: float = 0.0
    published: tuple[PublishedValue, ...] = ()

    def production_remaining(self, t_week: FloatArray) -> FloatArray:
        """Loss of transgene production after ``decline_start_week`` (first order toward
        ``decline_plateau_fraction``)."""
        t = np.clip(np.asarray(t_week, dtype=np.float64) - self.decline_start_week, 0.0, None)
        plateau = self.decline_plateau_fraction
        out: FloatArray = plateau + (1 - plateau) * np.exp(
            -LN2 * t / self.production_half_life_week
        )
        return out


def _points(published: tuple[PublishedValue, ...]) -> tuple[tuple[float, float, str], ...]:
    return tuple((v.time, v.value, v.label) for v in published if v.quantity == "mean")


def _hemgenix(rec: AavCalibration) -> AavProduct:
    c = rec.constants
    p_low, m_low, w_low = (
        c["low_responder_fraction"],
        c["low_responder_median_iu_per_dl"],
        c["low_responder_omega"],
    )
    t0 = c["decline_start_week"]
    mean6, mean5y = c["mean_month6_iu_per_dl"], c["mean_year5_iu_per_dl"]
    half_life = (260.0 - t0) * LN2 / math.log(mean6 / mean5y)
    low_mean = m_low * math.exp(w_low**2 / 2)
    remaining_5y = mean5y / mean6
    responder_mean_5y = (mean5y - p_low * low_mean * remaining_5y) / (1 - p_low)
    omega = lognormal_omega_from_mean_and_exceedance(
        responder_mean_5y, 40.0, c["year5_fraction_at_least_40"] / (1 - p_low)
    )
    typical = (mean6 / _onset(26.0) - p_low * low_mean) / ((1 - p_low) * math.exp(omega**2 / 2))
    return AavProduct(
        rec.name,
        rec.generic,
        rec.serotype,
        rec.transgene,
        rec.label_dose_vg_per_kg,
        rec.nab_exclusion_titre,
        activity_name=rec.activity_name,
        assay=rec.assay,
        typical_activity_iu_per_dl=typical,
        omega=omega,
        decline_start_week=t0,
        production_half_life_week=half_life,
        published_points=_points(rec.published),
        source=rec.source,
        disease=rec.disease,
        low_responder_fraction=p_low,
        low_responder_median_iu_per_dl=m_low,
        low_responder_omega=w_low,
        published=rec.published,
    )


def _roctavian(rec: AavCalibration) -> AavProduct:
    c = rec.constants
    onset_52 = _onset(52.0)
    return AavProduct(
        rec.name,
        rec.generic,
        rec.serotype,
        rec.transgene,
        rec.label_dose_vg_per_kg,
        rec.nab_exclusion_titre,
        activity_name=rec.activity_name,
        assay=rec.assay,
        typical_activity_iu_per_dl=c["responder_median_week52_iu_per_dl"] / onset_52,
        omega=c["responder_omega"],
        decline_start_week=c["decline_start_week"],
        production_half_life_week=c["decline_half_life_week"],
        published_points=_points(rec.published),
        source=rec.source,
        disease=rec.disease,
        low_responder_fraction=c["low_responder_fraction"],
        low_responder_median_iu_per_dl=c["low_responder_median_week52_iu_per_dl"] / onset_52,
        low_responder_omega=c["low_responder_omega"],
        decline_plateau_fraction=c["decline_plateau_fraction"],
        published=rec.published,
    )


def _rules_only(rec: AavCalibration) -> AavProduct:
    return AavProduct(
        rec.name,
        rec.generic,
        rec.serotype,
        rec.transgene,
        rec.label_dose_vg_per_kg,
        rec.nab_exclusion_titre,
        source=rec.label_source,
        disease=rec.disease,
    )


def _load_products() -> dict[str, AavProduct]:
    builders = {"hemgenix": _hemgenix, "roctavian": _roctavian}
    return {rec.key: builders.get(rec.key, _rules_only)(rec) for rec in load_aav_calibrations()}


AAV_PRODUCTS: dict[str, AavProduct] = _load_products()


def aav_product(name: str, *, disease: str | None = None) -> AavProduct:
    """Look up an AAV product by brand name (case-insensitive); with ``disease``, check that
    the product's calibration is for that disease (InputError listing the choice if not)."""
    key = name.strip().lower()
    key = next((k for k, p in AAV_PRODUCTS.items() if key == p.generic), key)
    if key not in AAV_PRODUCTS:
        known = ", ".join(p.name for p in AAV_PRODUCTS.values())
        raise InputError(f"unknown AAV product {name!r}", hint=f"known products: {known}")
    product = AAV_PRODUCTS[key]
    if disease is not None and canonical_disease(disease) != product.disease:
        raise InputError(
            f"{product.name} has no calibration for disease {disease!r}",
            hint=f"choose: {product.disease}",
        )
    return product


#: NAb effect (vivo assumption): T50 = 1:1000, Hill 2 → titre 200 keeps 96 % of the dose.
NAB_T50 = _CONST["nab_t50"]
NAB_HILL = _CONST["nab_hill"]


def nab_factor(titre: float, *, t50: float = NAB_T50, hill: float = NAB_HILL) -> float:
    """Fraction of the dose that escapes neutralisation: 1/(1 + (titre/T50)^h).

    Examples
    --------
    >>> round(nab_factor(200.0), 3)
    0.962
    """
    require_positive(titre, "NAb titre", allow_zero=True)
    require_positive(t50, "T50")
    require_positive(hill, "Hill coefficient")
    if titre == 0:
        return 1.0
    # logistic in log space: no overflow at extreme titres (1e300 → 0.0)
    x = hill * (math.log(titre) - math.log(t50))
    return float(1.0 / (1.0 + math.exp(x))) if x < 700 else 0.0


def transduced_fraction(dose_vg_per_kg: float, *, label_dose_vg_per_kg: float) -> float:
    """1 − exp(−k·D) with k set so half the hepatocytes are transduced at the label dose
    (vivo assumption: not identifiable from the cited single-dose trials)."""
    require_positive(dose_vg_per_kg, "dose (vg/kg)", allow_zero=True)
    k = LN2 / label_dose_vg_per_kg
    return -math.expm1(-k * dose_vg_per_kg)


@dataclass(frozen=True, slots=True)
class AavPopulation:
    """Simulated activity (patients × weeks) and the inputs that produced it."""

    product: AavProduct
    time_week: FloatArray
    activity_iu_per_dl: FloatArray
    dose_vg_per_kg: float
    body_weight_kg: float
    total_vg: float
    nab_titre: float
    nab_factor: float
    eligible: bool
    transduced_fraction: float
    episomes_per_transduced_cell_rel: float


#: Upper bound on a per-kg dose (100 × the highest approved AAV dose, Zolgensma 1.1e14).
MAX_DOSE_VG_PER_KG = 1e16


def _patient_levels(p: AavProduct, n_patients: int, rng: np.random.Generator | None) -> FloatArray:
    """Per-patient level relative to the typical responder (1 for the typical patient)."""
    if rng is None:
        return np.ones(n_patients)
    eta = rng.normal(0.0, p.omega, n_patients)
    out: FloatArray = np.exp(eta)
    if p.low_responder_fraction > 0 and p.typical_activity_iu_per_dl:
        low = rng.random(n_patients) < p.low_responder_fraction
        ratio = p.low_responder_median_iu_per_dl / p.typical_activity_iu_per_dl
        eta_low = rng.normal(0.0, p.low_responder_omega, n_patients)
        out = np.where(low, ratio * np.exp(eta_low), out)
    return out


def simulate_aav_population(
    product: str,
    *,
    dose_vg_per_kg: float | None = None,
    body_weight_kg: float = 70.0,
    nab_titre: float = 0.0,
    n_patients: int = 1,
    rng: np.random.Generator | None = None,
    time_week: FloatArray | None = None,
) -> AavPopulation:
    """Factor activity over time for ``n_patients`` (1 and no rng → the typical patient)."""
    p = aav_product(product)
    if p.typical_activity_iu_per_dl is None:
        raise InputError(
            f"{p.name} has no plasma-activity model in vivo",
            hint="activity models exist for Hemgenix and Roctavian",
        )
    dose = p.label_dose_vg_per_kg if dose_vg_per_kg is None else dose_vg_per_kg
    require_positive(dose, "dose (vg/kg)")
    if dose > MAX_DOSE_VG_PER_KG:
        raise InputError(
            f"dose {dose:g} vg/kg is implausible",
            hint=f"give vg/kg (label doses 5e11-1.1e14; limit {MAX_DOSE_VG_PER_KG:g})",
        )
    require_positive(body_weight_kg, "body weight (kg)")
    if body_weight_kg > 400:
        raise InputError(f"body weight {body_weight_kg} kg is implausible (expected kg)")
    if n_patients < 1:
        raise InputError(f"number of patients must be at least 1, got {n_patients}")
    t = np.linspace(0.0, 260.0, 261) if time_week is None else np.asarray(time_week, float)
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)) or np.any(t < 0):
        raise InputError("time points must be a non-empty 1-D array of finite weeks >= 0")
    fnab = nab_factor(nab_titre)
    f = transduced_fraction(dose * fnab, label_dose_vg_per_kg=p.label_dose_vg_per_kg)
    f_label = transduced_fraction(
        p.label_dose_vg_per_kg, label_dose_vg_per_kg=p.label_dose_vg_per_kg
    )
    if n_patients > 1 and rng is None:
        raise InputError("a seeded numpy Generator is required for more than one patient")
    level = p.typical_activity_iu_per_dl * f / f_label * _patient_levels(p, n_patients, rng)
    shape = -np.expm1(-ONSET_RATE_PER_WEEK * t) * p.production_remaining(t)
    eligible = p.nab_exclusion_titre is None or nab_titre < p.nab_exclusion_titre
    episomes = (LN2 / p.label_dose_vg_per_kg) * dose * fnab / f if f > 0 else 0.0
    return AavPopulation(
        p,
        t,
        level[:, None] * shape[None, :],
        dose,
        body_weight_kg,
        dose * body_weight_kg,
        nab_titre,
        fnab,
        eligible,
        f,
        episomes,
    )


def population_statistic(pop: AavPopulation, value: PublishedValue) -> float:
    """The population's counterpart of a published value (mean, median, SD or a fraction) at the
    simulated week nearest to ``value.time``.

    Examples
    --------
    >>> pop = simulate_aav_population("Hemgenix")
    >>> v = aav_product("Hemgenix").published[0]
    >>> round(population_statistic(pop, v), 1)  # the typical (median) responder
    30.6
    """
    col = pop.activity_iu_per_dl[:, int(np.argmin(np.abs(pop.time_week - value.time)))]
    lo = -math.inf if value.threshold is None else value.threshold
    hi = math.inf if value.upper is None else value.upper
    if value.quantity == "mean":
        return float(col.mean())
    if value.quantity == "median":
        return float(np.median(col))
    if value.quantity == "sd":
        return float(col.std(ddof=1)) if col.size > 1 else 0.0
    if value.quantity == "fraction_below":
        return float((col < lo).mean())
    if value.quantity == "fraction_at_least":
        return float((col >= lo).mean())
    if value.quantity == "fraction_between":
        return float(((col >= lo) & (col < hi)).mean())
    raise DataError(f"unknown published quantity {value.quantity!r} in the AAV calibration")
