"""Kimmel, Locke & Altrock 2021: normal T cells, CAR-T cells and tumour, with stochastic
extinction of the last tumour cells (hybrid deterministic / stochastic scheme).

Equations (Kimmel 2021, eqs 2.1–2.3 and Fig. 2b), T = N + C:

- dN/dt = r_N·N·ln(K_N/T)
- dC/dt = r_C(T)·C·ln(K_C/T), r_C(T) = ρ_C + b·(T − K_N)²/(a·T² + (T − K_N)²)
- dB/dt = r_B·B − γ_B·B·C/(k_B + C)

N and C do not depend on B, so they are solved first (LSODA, all patients at once); the tumour
then follows ln B(t) = ln B0 + ∫(r_B − kill(t)) dt until it falls below ``threshold_cells``
(100 in the paper), where it becomes an integer birth–death process (births at r_B, deaths at
the killing rate; tau-leaping on a fixed step). It returns to the deterministic description
above ten times the threshold. Cure = the tumour reaches 0 cells; progression = it regrows to
120 % of its baseline.

Examples
--------
>>> r = simulate_kimmel(KIMMEL_TYPICAL, 2, np.random.default_rng(0), horizon_d=60.0)
>>> r.car_t_cells.shape[0], bool(r.car_t_cells[0].max() > KIMMEL_TYPICAL.c0_cells)
(2, True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from vivo.core.errors import InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.core.units import require_positive
from vivo.simulation.ode import Band, solve_ode, summarize_bands

__all__ = [
    "KIMMEL_TYPICAL",
    "MODEL_INFO",
    "KimmelParameters",
    "KimmelResult",
    "simulate_kimmel",
    "yescarta_label_dose_cells",
]

FloatArray = NDArray[np.float64]

KIMMEL_2021 = Citation(
    key="Kimmel2021",
    authors="Kimmel GJ, Locke FL, Altrock PM",
    title="The roles of T cell competition and stochastic extinction events in chimeric "
    "antigen receptor T cell therapy",
    journal="Proc R Soc B",
    year=2021,
    doi="10.1098/rspb.2021.0229",
)
MODEL_INFO = ModelInfo(
    name="car_t.kimmel2021",
    version="1.0",
    citation=KIMMEL_2021,
    input_contract="time in days; cell numbers (whole body); axi-cel (ZUMA-1) calibration",
    notes="Hybrid scheme and birth/death split of r_B are vivo's reading (supplement not "
    "transcribed); see docs/models/car_t_kimmel2021.md.",
)


@dataclass(frozen=True, slots=True)
class KimmelParameters:
    """Kimmel 2021 Table 1 values (rates per day, sizes in cells)."""

    k_n_cells: float = 2.50e11
    k_c_cells: float = 6.96e10
    r_n_per_d: float = 0.170
    rho_c_per_d: float = 2.51e-2
    a: float = 0.423
    b_per_d: float = 0.525
    r_b_per_d: float = 0.10
    gamma_b_per_d: float = 1.15
    k_b_cells: float = 2.024e9
    n0_cells: float = 3.0e9
    c0_cells: float = 1.8e8
    b0_cells: float = 9.486e10
    threshold_cells: float = 100.0
    progression_ratio: float = 1.2
    #: population variability: r_B log-uniform on this range (Table 1 literature range)
    r_b_range_per_d: tuple[float, float] = (0.01, 0.50)
    #: log-scale SD of K_C derived from its IQR 6.15–9.65 × 10¹⁰ (ln ratio / 1.349)
    k_c_omega: float = field(default=math.log(9.65 / 6.15) / 1.349)

    def __post_init__(self) -> None:
        for name in (
            "k_n_cells",
            "k_c_cells",
            "r_n_per_d",
            "a",
            "b_per_d",
            "gamma_b_per_d",
            "k_b_cells",
            "n0_cells",
            "c0_cells",
            "b0_cells",
            "threshold_cells",
        ):
            require_positive(float(getattr(self, name)), name)
        require_positive(self.r_b_per_d, "r_b_per_d", allow_zero=True)
        lo, hi = self.r_b_range_per_d
        if not 0 < lo <= hi:
            raise InputError(f"r_B range must satisfy 0 < low <= high, got {self.r_b_range_per_d}")
        if self.progression_ratio <= 1:
            raise InputError("progression_ratio must exceed 1 (120 % of baseline is 1.2)")

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready record."""
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


#: Table 1 with r_B = 0.10 /d (the paper gives only the literature range 0.01–0.50 /d).
KIMMEL_TYPICAL = KimmelParameters()


@dataclass(frozen=True, slots=True)
class KimmelResult:
    """Per-patient courses (patients × times) and outcomes."""

    time_d: FloatArray
    normal_t_cells: FloatArray
    car_t_cells: FloatArray
    tumour_cells: FloatArray
    cured: NDArray[np.bool_]
    cure_time_d: FloatArray
    progression_time_d: FloatArray
    patient_parameters: Mapping[str, FloatArray]

    def car_t_band(self) -> Band:
        """Median and 5–95 % band of CAR-T cells."""
        return summarize_bands(self.time_d, self.car_t_cells)

    def progression_free(self) -> FloatArray:
        """Fraction of patients free of progression at each time."""
        prog = self.progression_time_d[:, None] <= self.time_d[None, :]
        out: FloatArray = 1.0 - prog.mean(axis=0)
        return out

    def summary(self) -> dict[str, float]:
        """Cure fraction, progression fraction and median CAR-T peak."""
        return {
            "n_patients": float(self.cured.size),
            "cured_fraction": float(self.cured.mean()),
            "progressed_fraction": float(np.isfinite(self.progression_time_d).mean()),
            "median_peak_car_t_cells": float(np.median(self.car_t_cells.max(axis=1))),
            "median_peak_time_d": float(
                np.median(self.time_d[np.argmax(self.car_t_cells, axis=1)])
            ),
        }


def _t_cells(p: KimmelParameters, k_c: FloatArray, t: FloatArray) -> tuple[FloatArray, ...]:
    """Solve N and C for every patient at once (they do not depend on the tumour)."""
    n = k_c.size

    def rhs(_t: float, y: FloatArray, _phase: int) -> FloatArray:
        nn, cc = y[:n], y[n:]
        tot = nn + cc
        d = (tot - p.k_n_cells) ** 2
        r_c = p.rho_c_per_d + p.b_per_d * d / (p.a * tot**2 + d)
        return np.concatenate(
            [p.r_n_per_d * nn * np.log(p.k_n_cells / tot), r_c * cc * np.log(k_c / tot)]
        )

    y0 = np.concatenate([np.full(n, p.n0_cells), np.full(n, p.c0_cells)])
    names = tuple(f"N{i}" for i in range(n)) + tuple(f"C{i}" for i in range(n))
    eye = sparse.identity(n, format="csr")
    pattern = sparse.bmat([[eye, eye], [eye, eye]], format="csr")
    traj = solve_ode(
        rhs, y0, t, states=names, rtol=1e-7, atol=1.0, method="BDF", jac_sparsity=pattern
    )
    return traj.values[:n], traj.values[n:]


def _fine_kill(kill: FloatArray, t_out: FloatArray, sub: int) -> FloatArray:
    """Kill rate on the fine step grid: log-linear interpolation between output points."""
    log_k = np.log(np.maximum(kill, 1e-300))
    w = np.arange(sub) / sub
    fine = log_k[:, :-1, None] * (1 - w) + log_k[:, 1:, None] * w
    out = np.concatenate([fine.reshape(kill.shape[0], -1), log_k[:, -1:]], axis=1)
    rate: FloatArray = np.exp(out)
    return rate


def _tumour(
    p: KimmelParameters,
    r_b: FloatArray,
    kill: FloatArray,
    dt: float,
    rng: np.random.Generator,
    *,
    sub: int,
) -> tuple[FloatArray, NDArray[np.bool_], FloatArray, FloatArray]:
    """Hybrid tumour course on the fine grid; returns cells (every ``sub`` steps), cured
    flags, cure and progression times (days, inf when not reached)."""
    n, m = kill.shape
    kill_int = 0.5 * (kill[:, 1:] + kill[:, :-1]) * dt
    log_b = np.full(n, math.log(p.b0_cells))
    count = np.zeros(n, dtype=np.int64)
    stochastic = np.zeros(n, dtype=bool)
    cured = np.zeros(n, dtype=bool)
    cure_t = np.full(n, np.inf)
    prog_t = np.full(n, np.inf)
    out = np.empty((n, (m - 1) // sub + 1))
    out[:, 0] = p.b0_cells
    log_thr, log_prog = math.log(p.threshold_cells), math.log(p.progression_ratio * p.b0_cells)
    for j in range(m - 1):
        det = ~stochastic & ~cured
        log_b[det] = np.minimum(log_b[det] + r_b[det] * dt - kill_int[det, j], 2 * log_prog)
        enter = det & (log_b < log_thr)
        count[enter] = np.round(np.exp(log_b[enter])).astype(np.int64)
        stochastic |= enter
        s = stochastic & ~cured
        if np.any(s):
            births = rng.poisson(r_b[s] * count[s] * dt)
            deaths = rng.binomial(count[s], -np.expm1(-kill_int[s, j]))
            count[s] = np.maximum(count[s] + births - deaths, 0)
        newly_cured = stochastic & ~cured & (count == 0)
        cured |= newly_cured
        cure_t[newly_cured] = (j + 1) * dt
        leave = stochastic & ~cured & (count >= 10 * p.threshold_cells)
        log_b[leave] = np.log(count[leave])
        stochastic &= ~leave
        if (j + 1) % sub == 0:
            cells = np.where(stochastic, count.astype(np.float64), np.exp(log_b))
            cells[cured] = 0.0
            out[:, (j + 1) // sub] = cells
        progressed = ~np.isfinite(prog_t) & ~stochastic & ~cured & (log_b >= log_prog)
        prog_t[progressed] = (j + 1) * dt
    return out, cured, cure_t, prog_t


def simulate_kimmel(
    p: KimmelParameters,
    n_patients: int,
    rng: np.random.Generator,
    *,
    horizon_d: float = 730.0,
    step_d: float = 0.05,
    output_step_d: float = 0.25,
    vary: bool = True,
) -> KimmelResult:
    """Simulate ``n_patients`` virtual patients with the hybrid Kimmel 2021 model.

    Parameters
    ----------
    p:
        Parameters (:data:`KIMMEL_TYPICAL` by default in callers).
    n_patients:
        Number of virtual patients.
    rng:
        Seeded generator: draws patient parameters and the stochastic tumour events.
    horizon_d, step_d, output_step_d:
        Simulated time, the fixed step of the tumour scheme and the reporting step (days);
        ``output_step_d`` must be a whole multiple of ``step_d``.
    vary:
        Draw r_B log-uniformly over ``p.r_b_range_per_d`` and K_C log-normally (IQR-derived
        ω); ``False`` keeps the typical values for everyone (only extinction is random).
    """
    if n_patients < 1:
        raise InputError(f"number of patients must be at least 1, got {n_patients}")
    require_positive(horizon_d, "horizon_d")
    sub = round(output_step_d / step_d)
    if not 0 < step_d <= 1 or sub < 1 or abs(sub * step_d - output_step_d) > 1e-9:
        raise InputError(
            f"step_d ({step_d}) must lie in (0, 1] day and divide output_step_d "
            f"({output_step_d}) exactly"
        )
    n_out = math.ceil(horizon_d / output_step_d - 1e-9)
    t: FloatArray = np.arange(n_out + 1, dtype=np.float64) * output_step_d
    if vary:
        lo, hi = p.r_b_range_per_d
        r_b = np.exp(rng.uniform(math.log(lo), math.log(hi), n_patients))
        k_c = p.k_c_cells * np.exp(rng.normal(0.0, p.k_c_omega, n_patients))
    else:
        r_b = np.full(n_patients, p.r_b_per_d)
        k_c = np.full(n_patients, p.k_c_cells)
    normal, car = _t_cells(p, k_c, t)
    kill = p.gamma_b_per_d * car / (p.k_b_cells + car)
    tumour, cured, cure_t, prog_t = _tumour(p, r_b, _fine_kill(kill, t, sub), step_d, rng, sub=sub)
    return KimmelResult(
        t, normal, car, tumour, cured, cure_t, prog_t, {"r_b_per_d": r_b, "k_c_cells": k_c}
    )


#: Yescarta label dose: 2e6 CAR-positive viable T cells per kg, at most 2e8 (FDA label sec. 2).
YESCARTA_CELLS_PER_KG = 2e6
YESCARTA_MAX_CELLS = 2e8


def yescarta_label_dose_cells(weight_kg: float) -> float:
    """Total CAR⁺ cells of the Yescarta label dose for a body weight (2e6/kg, max 2e8).

    Examples
    --------
    >>> yescarta_label_dose_cells(20.0), yescarta_label_dose_cells(120.0)
    (40000000.0, 200000000.0)
    """
    require_positive(weight_kg, "body weight (kg)")
    if weight_kg > 400:
        raise InputError(f"body weight {weight_kg} kg is implausible (expected kg)")
    return min(YESCARTA_CELLS_PER_KG * weight_kg, YESCARTA_MAX_CELLS)
