"""CAR-T cellular kinetics: the Stein 2019 tisagenlecleucel model and its liso-cel variant with a
lag phase (Ogasawara 2021), typical patients and seeded virtual populations.

Model (Stein et al. 2019, Fig. 2): before Tmax the effector pool grows, dE/dt = ρ·E; from Tmax
effectors decline, dE/dt = −α·E, and feed a memory-like pool, dM/dt = k·E − β·M with
k = FB·(α − β). The observed transgene level is C = E + M, with E(0) = Cmax/foldx and
ρ = ln(foldx)/(Tmax − lag). For t ≥ Tmax (τ = t − Tmax):
C = Cmax·[(1 − FB)·e^(−ατ) + FB·e^(−βτ)]. The liso-cel variant holds C at its initial level
during a lag phase before exponential growth (Ogasawara et al. 2021).

Examples
--------
>>> p = STEIN_TISAGENLECLEUCEL
>>> round(p.doubling_time_d, 2), round(p.initial_half_life_d, 1), round(p.terminal_half_life_d)
(0.78, 4.3, 217)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from vivo.core.errors import InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.core.units import LN2, require_positive
from vivo.simulation.ode import (
    Band,
    IivScale,
    Trajectory,
    sample_lognormal,
    solve_ode,
    summarize_bands,
)
from vivo.simulation.results import PublishedPoint

__all__ = [
    "CAR_T_PRODUCTS",
    "CK_NOTES",
    "LISOCEL_MODEL_INFO",
    "LISOCEL_NOTES",
    "LISO_CEL",
    "MODEL_INFO",
    "STEIN_TISAGENLECLEUCEL",
    "CarTProduct",
    "CkParameters",
    "CkPopulation",
    "car_t_product",
    "ck_auc",
    "ck_concentration",
    "published_points",
    "sample_ck_population",
    "simulate_ck_ode",
    "with_typical",
]

FloatArray = NDArray[np.float64]

STEIN_2019 = Citation(
    key="Stein2019",
    authors="Stein AM, Grupp SA, Levine JE et al",
    title="Tisagenlecleucel model-based cellular kinetic analysis of chimeric antigen "
    "receptor-T cells",
    journal="CPT Pharmacometrics Syst Pharmacol",
    year=2019,
    doi="10.1002/psp4.12388",
)
OGASAWARA_2021 = Citation(
    key="Ogasawara2021",
    authors="Ogasawara K, Lymp J, Mack T et al",
    title="In vivo cellular expansion of lisocabtagene maraleucel and association with "
    "efficacy and safety in relapsed/refractory large B-cell lymphoma",
    journal="Clin Pharmacokinet",
    year=2021,
    doi="10.1007/s40262-021-01039-5",
)

MODEL_INFO = ModelInfo(
    name="car_t.stein2019",
    version="1.0",
    citation=STEIN_2019,
    input_contract="time in days; levels in qPCR transgene copies/µg genomic DNA",
    notes="Typical values from Stein 2019 Table 1 as transcribed in nlmixr2lib; IIV read as "
    "ω² (nlmixr2lib) by default.",
)
LISOCEL_MODEL_INFO = ModelInfo(
    name="car_t.lisocel_ogasawara2021",
    version="1.0",
    citation=OGASAWARA_2021,
    input_contract="time in days; levels relative to Cmax (Cmax = 1)",
    notes="Stein structure with a lag phase; typical values are the published population "
    "means; FB and IIV are borrowed from Stein 2019 (assumption, see docs).",
    extra_citations=(STEIN_2019,),
)


@dataclass(frozen=True, slots=True)
class CkParameters:
    """Typical parameters of the piecewise Stein / Ogasawara model (time in days)."""

    cmax: float
    foldx: float
    tmax_d: float
    alpha_per_d: float
    fb: float
    beta_per_d: float
    lag_d: float = 0.0
    unit: str = "copies/µg gDNA"
    omega: Mapping[str, float] = field(default_factory=dict)
    iiv_scale: IivScale = "variance"
    source: str = ""

    def __post_init__(self) -> None:
        for name in ("cmax", "tmax_d", "alpha_per_d", "beta_per_d"):
            require_positive(getattr(self, name), name)
        require_positive(self.lag_d, "lag_d", allow_zero=True)
        if not self.foldx > 1:
            raise InputError(f"foldx (fold expansion) must exceed 1, got {self.foldx}")
        if not 0 <= self.fb < 1:
            raise InputError(f"FB must lie in [0, 1), got {self.fb}")
        if self.lag_d >= self.tmax_d:
            raise InputError(f"lag ({self.lag_d} d) must be shorter than Tmax ({self.tmax_d} d)")

    @property
    def rho_per_d(self) -> float:
        """Expansion rate ρ = ln(foldx)/(Tmax − lag)."""
        return math.log(self.foldx) / (self.tmax_d - self.lag_d)

    @property
    def r0(self) -> float:
        """Initial level Cmax/foldx."""
        return self.cmax / self.foldx

    @property
    def doubling_time_d(self) -> float:
        """ln 2/ρ."""
        return LN2 / self.rho_per_d

    @property
    def initial_half_life_d(self) -> float:
        """ln 2/α."""
        return LN2 / self.alpha_per_d

    @property
    def terminal_half_life_d(self) -> float:
        """ln 2/β."""
        return LN2 / self.beta_per_d

    def typical(self) -> dict[str, float]:
        """The parameters that vary between patients, at their typical values."""
        return {
            "cmax": self.cmax,
            "foldx": self.foldx,
            "growth_d": self.tmax_d - self.lag_d,
            "alpha_per_d": self.alpha_per_d,
            "fb": self.fb,
            "beta_per_d": self.beta_per_d,
        }

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready record with the derived times."""
        return {
            "cmax": self.cmax,
            "foldx": self.foldx,
            "tmax_d": self.tmax_d,
            "alpha_per_d": self.alpha_per_d,
            "fb": self.fb,
            "beta_per_d": self.beta_per_d,
            "lag_d": self.lag_d,
            "unit": self.unit,
            "doubling_time_d": self.doubling_time_d,
            "initial_half_life_d": self.initial_half_life_d,
            "terminal_half_life_d": self.terminal_half_life_d,
            "iiv": dict(self.omega),
            "iiv_scale": self.iiv_scale,
            "source": self.source,
        }


#: Stein 2019 Table 1 (nlmixr2lib transcription); ω values recorded there as variances.
STEIN_TISAGENLECLEUCEL = CkParameters(
    cmax=24_000.0,
    foldx=3_900.0,
    tmax_d=9.3,
    alpha_per_d=0.16,
    fb=0.0079,
    beta_per_d=0.0032,
    omega={
        "foldx": 2.4,
        "growth_d": 0.38,
        "cmax": 0.65,
        "alpha_per_d": 0.91,
        "fb": 0.8,
        "beta_per_d": 0.86,
    },
    iiv_scale="variance",
    source="Stein 2019 Table 1 (ELIANA + ENSIGN, r/r B-ALL, n = 90)",
)


def _lisocel() -> CkParameters:
    lag, doubling, tmax = 3.27, 0.755, 9.29
    foldx = math.exp(LN2 / doubling * (tmax - lag))
    return CkParameters(
        cmax=1.0,
        foldx=foldx,
        tmax_d=tmax,
        alpha_per_d=LN2 / 5.00,
        fb=STEIN_TISAGENLECLEUCEL.fb,
        beta_per_d=LN2 / 352.0,
        lag_d=lag,
        unit="fraction of Cmax",
        omega=dict(STEIN_TISAGENLECLEUCEL.omega),
        iiv_scale="variance",
        source="Ogasawara 2021 population means (TRANSCEND NHL 001, n = 261); FB and IIV "
        "borrowed from Stein 2019 (assumption)",
    )


#: Liso-cel typical patient from the Ogasawara 2021 population means (levels relative to Cmax).
LISO_CEL = _lisocel()


def ck_concentration(
    t_d: FloatArray,
    *,
    cmax: FloatArray | float,
    foldx: FloatArray | float,
    tmax_d: FloatArray | float,
    alpha_per_d: FloatArray | float,
    fb: FloatArray | float,
    beta_per_d: FloatArray | float,
    lag_d: FloatArray | float = 0.0,
) -> FloatArray:
    """Analytical level C(t); parameters broadcast against ``t_d`` (e.g. shape (n, 1)).

    Examples
    --------
    >>> p = STEIN_TISAGENLECLEUCEL
    >>> c = ck_concentration(np.array([0.0, 9.3]), cmax=p.cmax, foldx=p.foldx, tmax_d=p.tmax_d,
    ...                      alpha_per_d=p.alpha_per_d, fb=p.fb, beta_per_d=p.beta_per_d)
    >>> [round(float(x), 2) for x in c]
    [6.15, 24000.0]
    """
    t = np.asarray(t_d, dtype=np.float64)
    cmax_a, tmax_a, lag_a = np.asarray(cmax), np.asarray(tmax_d), np.asarray(lag_d)
    rho = np.log(foldx) / (tmax_a - lag_a)
    r0 = cmax_a / np.asarray(foldx)
    growth = r0 * np.exp(rho * np.clip(np.minimum(t, tmax_a) - lag_a, 0.0, None))
    tau = np.clip(t - tmax_a, 0.0, None)
    decline = cmax_a * (
        (1 - np.asarray(fb)) * np.exp(-np.asarray(alpha_per_d) * tau)
        + np.asarray(fb) * np.exp(-np.asarray(beta_per_d) * tau)
    )
    out: FloatArray = np.where(t < tmax_a, growth, decline)
    return out


def ck_auc(t_end_d: float, p: CkParameters | Mapping[str, FloatArray | float]) -> FloatArray:
    """Analytical AUC from 0 to ``t_end_d`` (vectorised over patients for a mapping).

    Examples
    --------
    >>> round(float(ck_auc(28.0, STEIN_TISAGENLECLEUCEL)), -2)
    171800.0
    """
    q = _as_mapping(p)
    cmax, foldx = np.asarray(q["cmax"]), np.asarray(q["foldx"])
    tmax, lag = np.asarray(q["tmax_d"]), np.asarray(q["lag_d"])
    alpha, beta, fb = np.asarray(q["alpha_per_d"]), np.asarray(q["beta_per_d"]), np.asarray(q["fb"])
    r0, rho = cmax / foldx, np.log(foldx) / (tmax - lag)
    lag_part = r0 * np.minimum(t_end_d, lag)
    top = r0 * np.exp(rho * np.clip(np.minimum(t_end_d, tmax) - lag, 0.0, None))
    growth_part = (top - r0) / rho
    tau = np.clip(t_end_d - tmax, 0.0, None)
    decline = cmax * (
        (1 - fb) * (1 - np.exp(-alpha * tau)) / alpha + fb * (1 - np.exp(-beta * tau)) / beta
    )
    out: FloatArray = np.asarray(lag_part + growth_part + decline, dtype=np.float64)
    return out


def _as_mapping(p: CkParameters | Mapping[str, FloatArray | float]) -> dict[str, object]:
    if isinstance(p, CkParameters):
        return {
            k: getattr(p, k)
            for k in ("cmax", "foldx", "tmax_d", "alpha_per_d", "fb", "beta_per_d", "lag_d")
        }
    return dict(p)


def simulate_ck_ode(p: CkParameters, t_d: FloatArray) -> Trajectory:
    """Solve the two-pool ODEs (E, M) with the phase switches at the lag end and Tmax.

    This is the mechanistic form of :func:`ck_concentration`; both must agree.
    """
    k = p.fb * (p.alpha_per_d - p.beta_per_d)
    rho = p.rho_per_d
    switches = [s for s in (p.lag_d, p.tmax_d) if s > 0]
    expand_phase = 1 if p.lag_d > 0 else 0

    def rhs(t: float, y: FloatArray, phase: int) -> FloatArray:
        e, m = y
        if phase < expand_phase:
            return np.array([0.0, 0.0])
        if phase == expand_phase:
            return np.array([rho * e, 0.0])
        return np.array([-p.alpha_per_d * e, k * e - p.beta_per_d * m])

    return solve_ode(rhs, [p.r0, 0.0], t_d, states=("effector", "memory"), switch_times=switches)


@dataclass(frozen=True, slots=True)
class CkPopulation:
    """A virtual population: per-patient parameters (arrays) and levels over time."""

    time_d: FloatArray
    levels: FloatArray
    parameters: Mapping[str, FloatArray]
    unit: str

    def auc(self, t_end_d: float) -> FloatArray:
        """Per-patient analytical AUC from 0 to ``t_end_d``."""
        return ck_auc(t_end_d, self.parameters)

    def band(self, *, lower_pct: float = 5.0, upper_pct: float = 95.0) -> Band:
        """Median and percentile band of the levels."""
        return summarize_bands(self.time_d, self.levels, lower_pct=lower_pct, upper_pct=upper_pct)


def sample_ck_population(
    p: CkParameters,
    n_patients: int,
    rng: np.random.Generator,
    *,
    time_d: FloatArray,
    iiv_scale: IivScale | None = None,
) -> CkPopulation:
    """Draw ``n_patients`` virtual patients (log-normal IIV) and their levels at ``time_d``.

    The Tmax variability applies to the growth duration Tmax − lag (the lag is fixed), so
    Tmax always exceeds the lag; FB is capped below 1.
    """
    scale = iiv_scale or p.iiv_scale
    draw = sample_lognormal(p.typical(), p.omega, n_patients, rng, scale=scale)
    params: dict[str, FloatArray] = {
        "cmax": draw["cmax"],
        "foldx": np.maximum(draw["foldx"], 1.0 + 1e-9),
        "tmax_d": p.lag_d + draw["growth_d"],
        "alpha_per_d": draw["alpha_per_d"],
        "fb": np.minimum(draw["fb"], 0.999),
        "beta_per_d": draw["beta_per_d"],
        "lag_d": np.full(n_patients, p.lag_d),
    }
    col = {k: v[:, None] for k, v in params.items()}
    levels = ck_concentration(np.asarray(time_d, dtype=np.float64)[None, :], **col)
    return CkPopulation(np.asarray(time_d, dtype=np.float64), levels, params, p.unit)


def with_typical(p: CkParameters, **changes: float) -> CkParameters:
    """A copy of ``p`` with some typical values changed (validated again)."""
    return replace(p, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class CarTProduct:
    """An approved CAR-T product and the cellular-kinetics model vivo uses for it."""

    name: str
    generic: str
    model: str
    indication: str
    source: str


CAR_T_PRODUCTS: dict[str, CarTProduct] = {
    "kymriah": CarTProduct(
        "Kymriah",
        "tisagenlecleucel",
        "stein2019",
        "r/r B-ALL, paediatric and young adult",
        "Stein 2019 Table 1 (ELIANA + ENSIGN)",
    ),
    "breyanzi": CarTProduct(
        "Breyanzi",
        "lisocabtagene maraleucel",
        "lisocel2021",
        "r/r large B-cell lymphoma",
        "Ogasawara 2021 (TRANSCEND NHL 001)",
    ),
    "yescarta": CarTProduct(
        "Yescarta",
        "axicabtagene ciloleucel",
        "kimmel2021",
        "r/r large B-cell lymphoma",
        "Kimmel 2021 (ZUMA-1 calibration)",
    ),
}
_CAR_T_ALIASES = {
    "tisa-cel": "kymriah",
    "tisagenlecleucel": "kymriah",
    "liso-cel": "breyanzi",
    "lisocabtagene maraleucel": "breyanzi",
    "axi-cel": "yescarta",
    "axicabtagene ciloleucel": "yescarta",
}


def car_t_product(name: str) -> CarTProduct:
    """Look up a CAR-T product by brand or generic name (case-insensitive).

    Examples
    --------
    >>> car_t_product("tisa-cel").name
    'Kymriah'
    """
    key = name.strip().lower()
    key = _CAR_T_ALIASES.get(key, key)
    if key not in CAR_T_PRODUCTS:
        known = ", ".join(p.name for p in CAR_T_PRODUCTS.values())
        raise InputError(f"unknown CAR-T product {name!r}", hint=f"known products: {known}")
    return CAR_T_PRODUCTS[key]


#: Notes that go with every CAR-T course of the Stein / liso-cel models.
CK_NOTES = ("dose is not a covariate of this model (none retained by the publication)",)
LISOCEL_NOTES = ("levels relative to Cmax; FB and IIV borrowed from Stein 2019",)


def published_points(model: str) -> tuple[PublishedPoint, ...]:
    """Published values to overlay on a CAR-T course (by model key of :data:`CAR_T_PRODUCTS`).

    Examples
    --------
    >>> published_points("stein2019")[0].source
    'Stein 2019 Table 1'
    """
    if model == "stein2019":
        p = STEIN_TISAGENLECLEUCEL
        return (PublishedPoint(p.tmax_d, p.cmax, "typical Cmax at Tmax", "Stein 2019 Table 1"),)
    if model == "lisocel2021":
        return (PublishedPoint(LISO_CEL.tmax_d, 1.0, "mean Tmax", "Ogasawara 2021"),)
    return ()
