"""Ex vivo HSC gene therapy and gene editing: CD34⁺ dose against label minimums, transduction
(Poisson in the effective multiplicity m) and allelic editing statistics, engraftment after
conditioning, and the therapeutic haemoglobin (HbF or HbA-T87Q) and F-cells over time.

The statistics are standard (Poisson integration, independent allelic editing); the
engraftment / red-cell course is vivo's own minimal model, documented in docs/models/hsc.md
with its assumptions. The HbF per F-cell → protection link follows Steinberg et al. 2014.

Examples
--------
>>> t = poisson_transduction(1.0)
>>> round(t.fraction_transduced, 3), round(t.vcn_per_transduced_cell, 2)
(0.632, 1.58)
>>> e = allelic_editing(0.5)
>>> e.fractions
(0.25, 0.5, 0.25)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq
from scipy.stats import gamma, poisson

from vivo.core.errors import InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.core.units import require_positive
from vivo.simulation.ode import solve_ode

__all__ = [
    "HSC_PRODUCTS",
    "MODEL_INFO",
    "DoseCheck",
    "EditingOutcome",
    "HbCourse",
    "HscCourseParameters",
    "HscProduct",
    "TransductionOutcome",
    "allelic_editing",
    "calibrate_share_per_unit",
    "check_cd34_dose",
    "collection_days_needed",
    "hbf_per_f_cell_pg",
    "hsc_product",
    "poisson_transduction",
    "protected_f_cell_fraction",
    "simulate_hb_course",
]

FloatArray = NDArray[np.float64]

STEINBERG_2014 = Citation(
    key="Steinberg2014",
    authors="Steinberg MH, Chui DHK, Dover GJ, Sebastiani P, Alsultan A",
    title="Fetal hemoglobin in sickle cell anemia: a glass half full?",
    journal="Blood",
    year=2014,
    doi="10.1182/blood-2013-09-528067",
)
FEHSE_2004 = Citation(
    key="Fehse2004",
    authors="Fehse B, Kustikova OS, Bubenheim M, Baum C",
    title="Pois(s)on - it's a question of dose",
    journal="Gene Ther",
    year=2004,
    doi="10.1038/sj.gt.3302195",
)
MODEL_INFO = ModelInfo(
    name="hsc.vivo_minimal",
    version="1.0",
    citation=STEINBERG_2014,
    input_contract="CD34+ cells/kg; effective m or allelic editing probability; time in days",
    notes="Poisson / binomial statistics are standard; the engraftment and red-cell course is "
    "a vivo model (unpublished), see docs/models/hsc.md.",
    extra_citations=(FEHSE_2004,),
)

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


HSC_PRODUCTS: dict[str, HscProduct] = {
    "casgevy": HscProduct(
        "Casgevy",
        "exagamglogene autotemcel",
        "editing",
        "HbF",
        3e6,
        20e6,
        "FDA label (minimum dose); EU SmPC (collection target >= 20e6 CD34+/kg)",
    ),
    "zynteglo": HscProduct(
        "Zynteglo",
        "betibeglogene autotemcel",
        "lentiviral",
        "HbA-T87Q",
        5.0e6,
        None,
        "EU SmPC (minimum dose 5.0e6 CD34+/kg)",
    ),
    "lyfgenia": HscProduct(
        "Lyfgenia",
        "lovotibeglogene autotemcel",
        "lentiviral",
        "HbA-T87Q",
        3e6,
        None,
        "FDA label (minimum dose 3e6 CD34+/kg; >= 48 h washout after busulfan)",
    ),
}
_ALIASES = {"exa-cel": "casgevy", "beti-cel": "zynteglo", "lovo-cel": "lyfgenia"}


def hsc_product(name: str) -> HscProduct:
    """Look up an HSC product by brand or short generic name (case-insensitive)."""
    key = _ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in HSC_PRODUCTS:
        known = ", ".join(p.name for p in HSC_PRODUCTS.values())
        raise InputError(f"unknown HSC product {name!r}", hint=f"known products: {known}")
    return HSC_PRODUCTS[key]


@dataclass(frozen=True, slots=True)
class DoseCheck:
    """A CD34⁺ dose compared with the label minimum."""

    product: str
    cd34_per_kg: float
    minimum_cd34_per_kg: float
    meets_minimum: bool
    ratio_to_minimum: float


def check_cd34_dose(product: str, cd34_per_kg: float) -> DoseCheck:
    """Compare a CD34⁺ cells/kg dose with the product's label minimum.

    Examples
    --------
    >>> check_cd34_dose("Zynteglo", 4.9e6).meets_minimum
    False
    """
    p = hsc_product(product)
    require_positive(cd34_per_kg, "CD34+ dose (cells/kg)")
    return DoseCheck(
        p.name,
        cd34_per_kg,
        p.min_cd34_per_kg,
        cd34_per_kg >= p.min_cd34_per_kg,
        cd34_per_kg / p.min_cd34_per_kg,
    )


def collection_days_needed(
    target_cd34_per_kg: float, *, yield_per_day_cd34_per_kg: float, days_per_cycle: int = 2
) -> tuple[int, int]:
    """Apheresis days and mobilisation cycles to reach a CD34⁺ collection target.

    ``yield_per_day_cd34_per_kg`` is the patient's expected daily yield (an input: yields vary
    widely). Casgevy collects on 2 consecutive days per cycle (EU SmPC).

    Examples
    --------
    >>> collection_days_needed(20e6, yield_per_day_cd34_per_kg=4e6)
    (5, 3)
    """
    require_positive(target_cd34_per_kg, "collection target (CD34+/kg)")
    require_positive(yield_per_day_cd34_per_kg, "daily CD34+ yield (cells/kg)")
    if days_per_cycle < 1:
        raise InputError("days_per_cycle must be at least 1")
    days = math.ceil(target_cd34_per_kg / yield_per_day_cd34_per_kg - 1e-12)
    return days, math.ceil(days / days_per_cycle)


@dataclass(frozen=True, slots=True)
class TransductionOutcome:
    """Poisson vector-copy statistics for effective multiplicity ``m``."""

    m: float
    susceptible_fraction: float
    fraction_transduced: float
    vcn_per_transduced_cell: float
    bulk_vcn: float
    p_at_least_3_copies: float
    copy_distribution: tuple[float, ...]


def poisson_transduction(
    m: float, *, susceptible_fraction: float = 1.0, max_copies: int = 10
) -> TransductionOutcome:
    """Vector copies per cell as Poisson(m) in the susceptible fraction s.

    Transduced = s·(1 − e^(−m)); VCN per transduced cell = m/(1 − e^(−m)); bulk VCN = s·m;
    ``copy_distribution[k]`` is the fraction of all cells with k copies (last entry: ≥ k).
    """
    require_positive(m, "effective multiplicity m")
    if not 0 < susceptible_fraction <= 1:
        raise InputError(f"susceptible fraction must lie in (0, 1], got {susceptible_fraction}")
    if max_copies < 1:
        raise InputError("max_copies must be at least 1")
    s = susceptible_fraction
    k = np.arange(max_copies)
    pk = poisson.pmf(k, m) * s
    pk[0] += 1 - s
    dist = (*pk.tolist(), float(s * poisson.sf(max_copies - 1, m)))
    transduced = -math.expm1(-m)
    return TransductionOutcome(
        m, s, s * transduced, m / transduced, s * m, float(s * poisson.sf(2, m)), dist
    )


@dataclass(frozen=True, slots=True)
class EditingOutcome:
    """Cells with 0, 1 or 2 edited alleles under independent editing with probability p."""

    p_allele: float
    fractions: tuple[float, float, float]

    @property
    def fraction_edited_cells(self) -> float:
        """Cells with at least one edited allele."""
        return self.fractions[1] + self.fractions[2]


def allelic_editing(p_allele: float) -> EditingOutcome:
    """(1 − p)², 2p(1 − p), p²: the independence baseline (real data are biallelic-enriched)."""
    if not 0 <= p_allele <= 1 or not math.isfinite(p_allele):
        raise InputError(f"allelic editing probability must lie in [0, 1], got {p_allele}")
    q = 1 - p_allele
    return EditingOutcome(p_allele, (q * q, 2 * p_allele * q, p_allele * p_allele))


def hbf_per_f_cell_pg(
    hbf_fraction: float, f_cell_fraction: float, *, mch_pg: float = 30.0
) -> float:
    """Mean therapeutic Hb per F-cell: MCH × Hb share / F-cell share (pg).

    Examples
    --------
    >>> round(hbf_per_f_cell_pg(0.30, 1.0), 1)
    9.0
    """
    if not 0 < f_cell_fraction <= 1 or not 0 <= hbf_fraction <= 1:
        raise InputError("HbF and F-cell fractions must lie in [0, 1] (F-cells > 0)")
    require_positive(mch_pg, "MCH (pg)")
    return mch_pg * hbf_fraction / f_cell_fraction


def protected_f_cell_fraction(
    mean_pg: float, *, threshold_pg: float = 10.0, cv: float = 0.3
) -> float:
    """Share of F-cells above the protective HbF content (gamma-distributed HbF per F-cell).

    Steinberg 2014: about 10 pg HbF per F-cell prevents HbS polymerisation (9–12 pg); the
    gamma shape (coefficient of variation ``cv``) is a vivo assumption.
    """
    require_positive(mean_pg, "mean HbF per F-cell (pg)", allow_zero=True)
    require_positive(cv, "coefficient of variation")
    if mean_pg == 0:
        return 0.0
    shape = 1 / cv**2
    return float(gamma.sf(threshold_pg, shape, scale=mean_pg / shape))


@dataclass(frozen=True, slots=True)
class HscCourseParameters:
    """vivo's minimal engraftment / red-cell model (assumptions in docs/models/hsc.md).

    ``class_fractions[k]``: graft cells with k edited alleles or vector copies; each unit
    adds ``share_per_unit`` of the cell's haemoglobin as therapeutic Hb (capped at
    ``max_share``); unmodified cells keep ``baseline_share``.
    """

    class_fractions: tuple[float, ...]
    share_per_unit: float = 0.45
    max_share: float = 0.95
    baseline_share: float = 0.0
    engraftment_t50_d: float = 30.0
    engraftment_width_d: float = 5.0
    graft_chimerism: float = 1.0
    rbc_lifespan_d: float = 120.0
    f_cell_survival_advantage: float = 1.0
    total_hb_g_per_dl: float = 12.0

    def __post_init__(self) -> None:
        total = sum(self.class_fractions)
        if not self.class_fractions or abs(total - 1) > 1e-6 or min(self.class_fractions) < 0:
            raise InputError(f"class fractions must be non-negative and sum to 1, got {total}")
        for name in (
            "engraftment_t50_d",
            "engraftment_width_d",
            "rbc_lifespan_d",
            "f_cell_survival_advantage",
            "total_hb_g_per_dl",
        ):
            require_positive(getattr(self, name), name)
        for name in ("share_per_unit", "max_share", "baseline_share", "graft_chimerism"):
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise InputError(f"{name} must lie in [0, 1], got {v}")

    def cell_shares(self) -> FloatArray:
        """Therapeutic Hb share of a cell in each class."""
        k = np.arange(len(self.class_fractions))
        share = np.minimum(self.baseline_share + k * self.share_per_unit, self.max_share)
        out: FloatArray = np.where(k == 0, self.baseline_share, share)
        return out

    def new_cell_shares(self) -> tuple[float, float]:
        """F-cell share of newly made red cells, and the therapeutic Hb share of an F-cell.

        F-cells are graft cells with at least one edited allele or vector copy; the share of
        graft-derived erythropoiesis is ``graft_chimerism``.
        """
        w = np.asarray(self.class_fractions)
        shares = self.cell_shares()
        f_new = self.graft_chimerism * float(w[1:].sum())
        if f_new == 0:
            return 0.0, 0.0
        per_f_cell = float((w[1:] * shares[1:]).sum() / w[1:].sum())
        return f_new, per_f_cell

    def steady_state(self) -> tuple[float, float]:
        """Therapeutic Hb share and F-cell share of circulating red cells once engrafted."""
        f_new, per_f = self.new_cell_shares()
        life_f = self.rbc_lifespan_d * self.f_cell_survival_advantage
        mass_f, mass_o = f_new * life_f, (1 - f_new) * self.rbc_lifespan_d
        f_frac = mass_f / (mass_f + mass_o)
        return f_frac * per_f + (1 - f_frac) * self.baseline_share, f_frac


@dataclass(frozen=True, slots=True)
class HbCourse:
    """Therapeutic haemoglobin and F-cells over time."""

    time_d: FloatArray
    therapeutic_hb_g_per_dl: FloatArray
    total_hb_g_per_dl: FloatArray
    therapeutic_share: FloatArray
    f_cell_fraction: FloatArray
    therapeutic_hb_name: str

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready record."""
        return {
            "time_d": self.time_d.tolist(),
            "therapeutic_hb": self.therapeutic_hb_name,
            "therapeutic_hb_g_per_dl": self.therapeutic_hb_g_per_dl.tolist(),
            "total_hb_g_per_dl": self.total_hb_g_per_dl.tolist(),
            "therapeutic_share": self.therapeutic_share.tolist(),
            "f_cell_fraction": self.f_cell_fraction.tolist(),
        }


def simulate_hb_course(
    p: HscCourseParameters, time_d: FloatArray, *, therapeutic_hb: str = "HbF"
) -> HbCourse:
    """Red-cell haemoglobin after infusion: old (pre-treatment) cells decay with the red-cell
    lifespan while graft-derived erythropoiesis rises with a logistic engraftment curve.

    States (relative to the steady-state red-cell mass): F-cells, non-F-cells, therapeutic Hb.
    Pre-treatment red cells start as non-F-cells carrying ``baseline_share``.
    """
    f_new, per_f = p.new_cell_shares()
    life_f = p.rbc_lifespan_d * p.f_cell_survival_advantage
    life_o = p.rbc_lifespan_d
    # production scaled so that the engrafted steady-state red-cell mass is 1
    prod_ss = 1.0 / (f_new * life_f + (1 - f_new) * life_o)

    def rhs(t: float, y: FloatArray, _phase: int) -> FloatArray:
        x = (t - p.engraftment_t50_d) / p.engraftment_width_d
        prod = prod_ss / (1.0 + math.exp(-x)) if x > -700 else 0.0
        return np.array([prod * f_new - y[0] / life_f, prod * (1 - f_new) - y[1] / life_o])

    y = solve_ode(
        rhs, [0.0, 1.0], np.asarray(time_d, dtype=np.float64), states=("f_cells", "other_cells")
    )
    f_cells, o_cells = y.state("f_cells"), y.state("other_cells")
    cells = f_cells + o_cells
    ther = per_f * f_cells + p.baseline_share * o_cells
    return HbCourse(
        time_d=y.time,
        therapeutic_hb_g_per_dl=p.total_hb_g_per_dl * ther,
        total_hb_g_per_dl=p.total_hb_g_per_dl * cells,
        therapeutic_share=ther / cells,
        f_cell_fraction=f_cells / cells,
        therapeutic_hb_name=therapeutic_hb,
    )


def calibrate_share_per_unit(p: HscCourseParameters, target_share: float) -> HscCourseParameters:
    """Return ``p`` with ``share_per_unit`` set so the steady-state therapeutic share is
    ``target_share`` (e.g. Casgevy TDT: 11.9/13.1 g/dL HbF, Locatelli 2024).

    Raises InputError when the target is out of reach with the given class fractions.
    """
    from dataclasses import replace

    def gap(u: float) -> float:
        return replace(p, share_per_unit=u).steady_state()[0] - target_share

    lo, hi = gap(0.0), gap(1.0)
    if lo > 0 or hi < 0:
        raise InputError(
            f"target therapeutic share {target_share:.3f} is outside the reachable range "
            f"[{lo + target_share:.3f}, {hi + target_share:.3f}]",
            hint="raise editing/transduction or max_share",
        )
    return replace(p, share_per_unit=float(brentq(gap, 0.0, 1.0, xtol=1e-12)))
