"""In vivo AAV gene therapy: dose and body weight, neutralising antibodies, transduced
fraction, plasma factor activity (IU/dL) and its durability.

**This is a vivo model, not a published one** (see docs/models/aav.md). Structure:

1. Effective dose D_eff = D·f_NAb, f_NAb = 1/(1 + (titre/T50)^h).
2. Transduced hepatocyte fraction f = 1 − exp(−k·D_eff); episomes per transduced cell k·D/f.
3. Activity A(t) = A_label·f(D_eff)/f(D_label)·(1 − e^(−k_on·t))·decline(t); the level at the
   label dose (A_label, typical) and its log-normal spread are calibrated on the cited trial
   means; the onset rate on AMT-061 (31 % at week 6, 47 % at week 26).
4. decline(t) = 1 until t_decline, then first-order with the production half-life (Roctavian:
   123 weeks from week 76, Mahlangu 2023; Hemgenix: derived from 39 → 36.1 IU/dL between
   month 6 and year 5).

Examples
--------
>>> p = aav_product("Roctavian")
>>> round(float(p.production_remaining(np.array([76.0 + 52.0]))[0]), 2)
0.75
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq
from scipy.stats import norm

from vivo.core.errors import InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.core.units import LN2, require_positive

__all__ = [
    "AAV_PRODUCTS",
    "MODEL_INFO",
    "ONSET_RATE_PER_WEEK",
    "AavPopulation",
    "AavProduct",
    "aav_product",
    "lognormal_omega_from_mean_and_exceedance",
    "nab_factor",
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
    version="1.0",
    citation=PIPE_2023,
    input_contract="dose vg/kg, body weight kg, NAb titre (reciprocal dilution); time in weeks",
    notes="vivo proposal (unpublished structure), calibrated only on the cited trial numbers.",
    extra_citations=(MAHLANGU_2023,),
)

#: AMT-061 phase 2b: mean FIX 31 % at week 6 and 47 % at week 26 (Blood Adv 2019;3:3241).
_ONSET_RATIO = 31.0 / 47.0


def _onset_rate_per_week() -> float:
    def gap(k: float) -> float:
        return -math.expm1(-6 * k) / -math.expm1(-26 * k) - _ONSET_RATIO

    return float(brentq(gap, 1e-3, 5.0))


ONSET_RATE_PER_WEEK = _onset_rate_per_week()


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
    """An approved AAV product with vivo's calibrated activity model (where one exists)."""

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

    def production_remaining(self, t_week: FloatArray) -> FloatArray:
        """First-order loss of transgene production after ``decline_start_week``."""
        t = np.clip(np.asarray(t_week, dtype=np.float64) - self.decline_start_week, 0.0, None)
        out: FloatArray = np.exp(-LN2 * t / self.production_half_life_week)
        return out


def _hemgenix() -> AavProduct:
    omega = lognormal_omega_from_mean_and_exceedance(36.1, 40.0, 0.31)
    half_life = (260.0 - 26.0) * LN2 / math.log(39.0 / 36.1)
    onset_26 = -math.expm1(-ONSET_RATE_PER_WEEK * 26.0)
    typical = 39.0 / (onset_26 * math.exp(omega**2 / 2))
    return AavProduct(
        "Hemgenix",
        "etranacogene dezaparvovec",
        "AAV5",
        "FIX-Padua",
        2e13,
        None,
        activity_name="FIX activity",
        assay="one-stage (HOPE-B)",
        typical_activity_iu_per_dl=typical,
        omega=omega,
        decline_start_week=26.0,
        production_half_life_week=half_life,
        published_points=(
            (26.0, 39.0, "mean FIX month 6 (HOPE-B)"),
            (260.0, 36.1, "mean FIX year 5 (HOPE-B)"),
        ),
        source="HOPE-B: Pipe 2023 NEJM; 5-year report NEJM 2025; AMT-061 Blood Adv 2019",
    )


def _roctavian(fix_omega: float) -> AavProduct:
    onset_52 = -math.expm1(-ONSET_RATE_PER_WEEK * 52.0)
    typical = 41.9 / (onset_52 * math.exp(fix_omega**2 / 2))
    return AavProduct(
        "Roctavian",
        "valoctocogene roxaparvovec",
        "AAV5",
        "FVIII-SQ",
        6e13,
        1.0,
        activity_name="FVIII activity",
        assay="chromogenic (GENEr8-1)",
        typical_activity_iu_per_dl=typical,
        omega=fix_omega,
        decline_start_week=76.0,
        production_half_life_week=123.0,
        published_points=((50.5, 41.9, "mean FVIII change weeks 49-52 (GENEr8-1)"),),
        source="Ozelo 2022 NEJM (level); Mahlangu 2023 NEJM (123-week production half-life); "
        "spread borrowed from Hemgenix (assumption)",
    )


_HEMGENIX = _hemgenix()
AAV_PRODUCTS: dict[str, AavProduct] = {
    "hemgenix": _HEMGENIX,
    "roctavian": _roctavian(_HEMGENIX.omega),
    "beqvez": AavProduct(
        "Beqvez",
        "fidanacogene elaparvovec",
        "AAVRh74var",
        "FIX-Padua",
        5e11,
        1.0,
        source="Cuker 2024 NEJM (NAb-positive men ineligible)",
    ),
    "zolgensma": AavProduct(
        "Zolgensma",
        "onasemnogene abeparvovec",
        "AAV9",
        "SMN1",
        1.1e14,
        50.0,
        source="label: anti-AAV9 titre > 1:50 excluded",
    ),
}


def aav_product(name: str) -> AavProduct:
    """Look up an AAV product by brand name (case-insensitive)."""
    key = name.strip().lower()
    if key not in AAV_PRODUCTS:
        known = ", ".join(p.name for p in AAV_PRODUCTS.values())
        raise InputError(f"unknown AAV product {name!r}", hint=f"known products: {known}")
    return AAV_PRODUCTS[key]


#: NAb effect (vivo assumption): T50 = 1:1000, Hill 2 → titre 200 keeps 96 % of the dose.
NAB_T50 = 1000.0
NAB_HILL = 2.0


def nab_factor(titre: float, *, t50: float = NAB_T50, hill: float = NAB_HILL) -> float:
    """Fraction of the dose that escapes neutralisation: 1/(1 + (titre/T50)^h).

    Examples
    --------
    >>> round(nab_factor(200.0), 3)
    0.962
    """
    require_positive(titre, "NAb titre", allow_zero=True)
    require_positive(t50, "T50")
    return float(1.0 / (1.0 + (titre / t50) ** hill))


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
    require_positive(body_weight_kg, "body weight (kg)")
    if body_weight_kg > 400:
        raise InputError(f"body weight {body_weight_kg} kg is implausible (expected kg)")
    if n_patients < 1:
        raise InputError(f"number of patients must be at least 1, got {n_patients}")
    t = np.linspace(0.0, 260.0, 261) if time_week is None else np.asarray(time_week, float)
    fnab = nab_factor(nab_titre)
    f = transduced_fraction(dose * fnab, label_dose_vg_per_kg=p.label_dose_vg_per_kg)
    f_label = transduced_fraction(
        p.label_dose_vg_per_kg, label_dose_vg_per_kg=p.label_dose_vg_per_kg
    )
    if n_patients > 1 and rng is None:
        raise InputError("a seeded numpy Generator is required for more than one patient")
    eta = rng.normal(0.0, p.omega, n_patients) if rng is not None else np.zeros(n_patients)
    level = p.typical_activity_iu_per_dl * f / f_label * np.exp(eta)
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
