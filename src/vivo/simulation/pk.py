"""One- and two-compartment pharmacokinetics with linear and Michaelis–Menten elimination,
bolus and infusion dosing, for cytokines and monoclonal antibodies (e.g. tocilizumab against
cytokine release syndrome, Frey et al. 2010).

Amounts in mg, volumes in L, time in days, concentrations in mg/L (= µg/mL):

- dA1/dt = input(t) − (CL/V1)·A1 − Vmax·C1/(Km + C1) − (Q/V1)·A1 + (Q/V2)·A2
- dA2/dt = (Q/V1)·A1 − (Q/V2)·A2, C1 = A1/V1

Examples
--------
>>> p = PkParameters(cl_l_per_d=1.0, v1_l=10.0)
>>> r = simulate_pk(p, [PkDose(0.0, 100.0)], np.array([0.0, 6.931471805599453]))
>>> [round(float(c), 3) for c in r.conc_mg_per_l]
[10.0, 5.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from vivo.core.errors import InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.core.units import require_positive
from vivo.simulation.ode import Dose, solve_ode

__all__ = [
    "MODEL_INFO",
    "TOCILIZUMAB_FREY2010",
    "TOCILIZUMAB_IIV_CV",
    "TOCILIZUMAB_NOTE",
    "PkDose",
    "PkParameters",
    "PkResult",
    "sample_tocilizumab_population",
    "simulate_pk",
    "tocilizumab_crs_dose_mg",
    "tocilizumab_for_patient",
]

FloatArray = NDArray[np.float64]

FREY_2010 = Citation(
    key="Frey2010",
    authors="Frey N, Grange S, Woodworth T",
    title="Population pharmacokinetic analysis of tocilizumab in patients with rheumatoid "
    "arthritis",
    journal="J Clin Pharmacol",
    year=2010,
    doi="10.1177/0091270009350623",
)
MODEL_INFO = ModelInfo(
    name="pk.two_compartment_mm",
    version="1.0",
    citation=FREY_2010,
    input_contract="doses in mg, time in days; parameters in L, L/d, mg/d, mg/L",
    notes="Typical values as transcribed in nlmixr2lib Frey_2010_tocilizumab.R; IIV "
    "correlations are not used (independent log-normal).",
)


@dataclass(frozen=True, slots=True)
class PkParameters:
    """Compartmental parameters; ``v2_l = 0`` means one compartment, ``vmax = 0`` linear."""

    cl_l_per_d: float
    v1_l: float
    q_l_per_d: float = 0.0
    v2_l: float = 0.0
    vmax_mg_per_d: float = 0.0
    km_mg_per_l: float = 1.0
    name: str = "custom"

    def __post_init__(self) -> None:
        require_positive(self.cl_l_per_d, "CL (L/d)", allow_zero=True)
        require_positive(self.v1_l, "V1 (L)")
        require_positive(self.q_l_per_d, "Q (L/d)", allow_zero=True)
        require_positive(self.v2_l, "V2 (L)", allow_zero=True)
        require_positive(self.vmax_mg_per_d, "Vmax (mg/d)", allow_zero=True)
        require_positive(self.km_mg_per_l, "Km (mg/L)")
        if (self.q_l_per_d > 0) != (self.v2_l > 0):
            raise InputError("a peripheral compartment needs both Q > 0 and V2 > 0")
        if self.cl_l_per_d == 0 and self.vmax_mg_per_d == 0:
            raise InputError("the model needs some elimination: CL > 0 or Vmax > 0")

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready record."""
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


#: Frey 2010 typical values (nlmixr2lib transcription).
#: What every tocilizumab course assumes (shown with the result).
TOCILIZUMAB_NOTE = "1-h IV infusion; RA-population model (Frey 2010)"

TOCILIZUMAB_FREY2010 = PkParameters(
    cl_l_per_d=0.3,
    v1_l=3.5,
    q_l_per_d=0.2,
    v2_l=2.9,
    vmax_mg_per_d=7.5,
    km_mg_per_l=2.7,
    name="tocilizumab (Frey 2010)",
)
#: Between-patient variability (CV) reported by Frey 2010 via nlmixr2lib.
TOCILIZUMAB_IIV_CV = {"cl_l_per_d": 0.39, "v1_l": 0.37, "v2_l": 0.66, "vmax_mg_per_d": 0.54}


@dataclass(frozen=True, slots=True)
class PkDose:
    """A dose of ``amount_mg`` at ``time_d``; ``duration_d > 0`` makes it an infusion."""

    time_d: float
    amount_mg: float
    duration_d: float = 0.0

    def __post_init__(self) -> None:
        require_positive(self.amount_mg, "dose (mg)")
        require_positive(self.duration_d, "infusion duration (d)", allow_zero=True)
        if not math.isfinite(self.time_d) or self.time_d < 0:
            raise InputError(f"dose time must be a non-negative number of days, got {self.time_d}")


@dataclass(frozen=True, slots=True)
class PkResult:
    """Central concentration and compartment amounts over time."""

    time_d: FloatArray
    conc_mg_per_l: FloatArray
    central_mg: FloatArray
    peripheral_mg: FloatArray
    parameters: PkParameters


def tocilizumab_crs_dose_mg(body_weight_kg: float) -> float:
    """Tocilizumab dose for CRS: 8 mg/kg (≥ 30 kg, max 800 mg) or 12 mg/kg (< 30 kg).

    Kymriah label, Table 1 (repeatable every ≥ 8 h, at most 4 doses).

    Examples
    --------
    >>> tocilizumab_crs_dose_mg(70.0), tocilizumab_crs_dose_mg(120.0), tocilizumab_crs_dose_mg(20.0)
    (560.0, 800.0, 240.0)
    """
    require_positive(body_weight_kg, "body weight (kg)")
    if body_weight_kg > 400:
        raise InputError(f"body weight {body_weight_kg} kg is implausible (expected kg)")
    if body_weight_kg < 30:
        return 12.0 * body_weight_kg
    return min(8.0 * body_weight_kg, 800.0)


def tocilizumab_for_patient(*, bsa_m2: float = 1.8, female: bool = False) -> PkParameters:
    """Frey 2010 covariates: CL × (BSA/1.8)^0.7, and 16 % lower CL in women."""
    require_positive(bsa_m2, "body surface area (m²)")
    factor = (bsa_m2 / 1.8) ** 0.7 * (0.84 if female else 1.0)
    return replace(TOCILIZUMAB_FREY2010, cl_l_per_d=TOCILIZUMAB_FREY2010.cl_l_per_d * factor)


def _infusion_rate(t: float, doses: Sequence[PkDose]) -> float:
    return sum(
        d.amount_mg / d.duration_d
        for d in doses
        if d.duration_d > 0 and d.time_d <= t < d.time_d + d.duration_d
    )


def simulate_pk(p: PkParameters, doses: Sequence[PkDose], time_d: FloatArray) -> PkResult:
    """Integrate the compartments from ``time_d[0]`` with the given doses (LSODA)."""
    if not doses:
        raise InputError("give at least one dose")
    infusions = [d for d in doses if d.duration_d > 0]
    switches = sorted({x for d in infusions for x in (d.time_d, d.time_d + d.duration_d)})
    boluses = [Dose(d.time_d, "central", d.amount_mg) for d in doses if d.duration_d == 0]
    k12 = p.q_l_per_d / p.v1_l
    k21 = p.q_l_per_d / p.v2_l if p.v2_l > 0 else 0.0

    def rhs(t: float, y: FloatArray, _phase: int) -> FloatArray:
        a1, a2 = y
        c1 = max(a1, 0.0) / p.v1_l
        elim = p.cl_l_per_d * c1 + p.vmax_mg_per_d * c1 / (p.km_mg_per_l + c1)
        inflow = _infusion_rate(t, infusions) if infusions else 0.0
        return np.array([inflow - elim - k12 * a1 + k21 * a2, k12 * a1 - k21 * a2])

    t_out = np.asarray(time_d, dtype=np.float64)
    start = min(d.time_d for d in doses)
    lead = t_out.size > 0 and start < t_out[0]  # integrate from the first dose
    t_all = np.concatenate([[start], t_out]) if lead else t_out
    traj = solve_ode(
        rhs,
        [0.0, 0.0],
        t_all,
        states=("central", "peripheral"),
        switch_times=switches,
        doses=boluses,
        rtol=1e-8,
        atol=1e-9,
    )
    keep = slice(1, None) if lead else slice(None)
    central = traj.state("central")[keep]
    return PkResult(t_out, central / p.v1_l, central, traj.state("peripheral")[keep], p)


def sample_tocilizumab_population(
    n_patients: int, rng: np.random.Generator, *, bsa_m2: float = 1.8, female: bool = False
) -> list[PkParameters]:
    """Virtual patients: log-normal IIV with ω = sqrt(ln(1 + CV²)) (correlations ignored)."""
    if n_patients < 1:
        raise InputError(f"number of patients must be at least 1, got {n_patients}")
    base = tocilizumab_for_patient(bsa_m2=bsa_m2, female=female)
    omegas = {k: math.sqrt(math.log1p(cv * cv)) for k, cv in TOCILIZUMAB_IIV_CV.items()}
    eta = {k: rng.normal(0.0, w, n_patients) for k, w in omegas.items()}
    return [
        replace(base, **{k: getattr(base, k) * math.exp(float(eta[k][i])) for k in omegas})
        for i in range(n_patients)
    ]
