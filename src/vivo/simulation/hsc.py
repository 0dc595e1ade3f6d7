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
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq
from scipy.stats import gamma, poisson

from vivo.cells.product_facts import hsc_product_facts
from vivo.core.errors import InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.core.units import require_positive
from vivo.simulation.calibration import (
    HscCalibration,
    HscProduct,
    PublishedValue,
    _hsc_product_record,
    hsc_calibration,
    hsc_dose_response,
    load_hsc_products,
)
from vivo.simulation.ode import Band, summarize_bands

__all__ = [
    "HSC_PRODUCTS",
    "MODEL_INFO",
    "DoseCheck",
    "EditingOutcome",
    "Engraftment",
    "HbCourse",
    "HscCourseParameters",
    "HscOutcome",
    "HscProduct",
    "TransductionOutcome",
    "allelic_editing",
    "calibrate_share_per_unit",
    "check_cd34_dose",
    "collection_days_needed",
    "engraftment_for_dose",
    "graft_failure_probability",
    "hbf_per_f_cell_pg",
    "hsc_product",
    "neutrophil_engraftment_day",
    "poisson_transduction",
    "protected_f_cell_fraction",
    "simulate_hb_course",
    "simulate_hsc_outcome",
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
    version="2.0",
    citation=STEINBERG_2014,
    input_contract="CD34+ cells/kg; disease; effective m or allelic editing probability; "
    "time in days",
    notes="Poisson / binomial statistics are standard; the engraftment, dose response and "
    "red-cell course are a vivo model calibrated per disease on the pivotal trials "
    "(data/hsc.toml), see docs/models/hsc.md.",
    extra_citations=(FEHSE_2004,),
)

HSC_PRODUCTS: dict[str, HscProduct] = {p.name.lower(): p for p in load_hsc_products()}


def hsc_product(name: str) -> HscProduct:
    """Look up an HSC product by brand or short generic name (case-insensitive)."""
    return _hsc_product_record(name)


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
    target_cd34_per_kg: float,
    *,
    yield_per_day_cd34_per_kg: float,
    days_per_cycle: int | None = None,
) -> tuple[int, int]:
    """Apheresis days and mobilisation cycles to reach a CD34⁺ collection target.

    ``yield_per_day_cd34_per_kg`` is the patient's expected daily yield (an input: yields vary
    widely). ``days_per_cycle`` defaults to Casgevy's consecutive collection days per cycle,
    read from :mod:`vivo.cells.manufacturing` (its cited label data; see
    :func:`vivo.cells.manufacturing.plan_collection` for the full, cited plan).

    Examples
    --------
    >>> collection_days_needed(20e6, yield_per_day_cd34_per_kg=4e6)
    (5, 3)
    """
    require_positive(target_cd34_per_kg, "collection target (CD34+/kg)")
    require_positive(yield_per_day_cd34_per_kg, "daily CD34+ yield (cells/kg)")
    if days_per_cycle is None:
        per_cycle = hsc_product_facts("casgevy").apheresis_days_per_cycle
        days_per_cycle = int(per_cycle.value) if per_cycle else 1
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
    ``max_share``); unmodified cells keep ``baseline_share``. Red cells live a fixed
    ``rbc_lifespan_d`` (F-cells × ``f_cell_survival_advantage``); pre-treatment red cells
    carry ``baseline_total_hb_g_per_dl`` (None: the engrafted level).
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
    baseline_total_hb_g_per_dl: float | None = None

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
        if self.baseline_total_hb_g_per_dl is not None:
            require_positive(self.baseline_total_hb_g_per_dl, "baseline total Hb (g/dL)")
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


def _cumulative_production(t: FloatArray, t50: float, w: float) -> FloatArray:
    """∫₀ᵗ g(s) ds for the logistic g(s) = 1/(1 + e^(−(s − t50)/w)) (overflow-safe)."""
    out: FloatArray = w * (np.logaddexp(0.0, (t - t50) / w) - np.logaddexp(0.0, -t50 / w))
    return out


def simulate_hb_course(
    p: HscCourseParameters, time_d: FloatArray, *, therapeutic_hb: str = "HbF"
) -> HbCourse:
    """Red-cell haemoglobin after infusion with fixed red-cell lifespans.

    Graft erythropoiesis rises as a logistic g(t); a red cell made at time s circulates until
    s + L (F-cells: L·s_F). Circulating graft cells are therefore P·f·∫_{t−L}^{t} g; the
    pre-treatment red cells (uniform ages) fall linearly to zero over L. Masses are relative
    to the engrafted steady state (P scales it to 1).
    """
    t = np.asarray(time_d, dtype=np.float64)
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)) or np.any(t < 0):
        raise InputError("time points must be a non-empty 1-D array of finite days >= 0")
    f_new, per_f = p.new_cell_shares()
    life_f = p.rbc_lifespan_d * p.f_cell_survival_advantage
    life_o = p.rbc_lifespan_d
    prod = 1.0 / (f_new * life_f + (1 - f_new) * life_o)

    def circulating(life: float) -> FloatArray:
        made = _cumulative_production(t, p.engraftment_t50_d, p.engraftment_width_d)
        gone = _cumulative_production(
            np.maximum(t - life, 0.0), p.engraftment_t50_d, p.engraftment_width_d
        )
        out: FloatArray = prod * (made - gone)
        return out

    f_cells = f_new * circulating(life_f)
    new_other = (1 - f_new) * circulating(life_o)
    old = np.clip(1.0 - t / life_o, 0.0, None)
    cells = f_cells + new_other + old
    ther = per_f * f_cells + p.baseline_share * (new_other + old)
    hb_old = (
        p.total_hb_g_per_dl
        if p.baseline_total_hb_g_per_dl is None
        else p.baseline_total_hb_g_per_dl
    )
    total = p.total_hb_g_per_dl * (f_cells + new_other) + hb_old * old
    safe = np.where(cells > 0, cells, 1.0)
    return HbCourse(
        time_d=t,
        therapeutic_hb_g_per_dl=p.total_hb_g_per_dl * ther,
        total_hb_g_per_dl=total,
        therapeutic_share=np.where(cells > 0, ther / safe, 0.0),
        f_cell_fraction=np.where(cells > 0, f_cells / safe, 0.0),
        therapeutic_hb_name=therapeutic_hb,
    )


# ---- CD34+ dose response ---------------------------------------------------------------------


def graft_failure_probability(cd34_per_kg: float) -> float:
    """Probability that the infused graft fails to engraft: 1/(1 + (dose/d50)^h).

    d50 = 1e6 CD34⁺/kg is a vivo assumption; h is set so that P(3e6/kg) = 2 % (0 failures in
    the 96 exa-cel recipients of CLIMB-111/121). See docs/models/hsc.md.

    Examples
    --------
    >>> round(graft_failure_probability(3e6), 3), round(graft_failure_probability(1e5), 3)
    (0.02, 1.0)
    """
    require_positive(cd34_per_kg, "CD34+ dose (cells/kg)")
    dr = hsc_dose_response()
    # in log space: a tiny dose over d50 would underflow to 0 before the log
    x = (math.log(cd34_per_kg) - math.log(dr.graft_failure_d50_cd34_per_kg)) * dr.graft_failure_hill
    return float(1.0 / (1.0 + math.exp(min(x, 700.0))))


def neutrophil_engraftment_day(
    cd34_per_kg: float, *, reference_day: float, reference_cd34_per_kg: float
) -> float:
    """Median neutrophil engraftment day at a dose: T_ref·(d_ref/d)^b (b from Ketterer 1998).

    Examples
    --------
    >>> round(neutrophil_engraftment_day(2e7, reference_day=27, reference_cd34_per_kg=4e6), 1)
    24.0
    """
    require_positive(cd34_per_kg, "CD34+ dose (cells/kg)")
    require_positive(reference_day, "reference engraftment day")
    require_positive(reference_cd34_per_kg, "reference CD34+ dose (cells/kg)")
    b = hsc_dose_response().neutrophil_exponent
    return float(reference_day * (reference_cd34_per_kg / cd34_per_kg) ** b)


@dataclass(frozen=True, slots=True)
class Engraftment:
    """What the infused CD34⁺ dose implies for engraftment."""

    cd34_per_kg: float
    minimum_cd34_per_kg: float
    meets_minimum: bool
    neutrophil_engraftment_day: float
    graft_failure_probability: float

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        return {
            "cd34_per_kg": self.cd34_per_kg,
            "minimum_cd34_per_kg": self.minimum_cd34_per_kg,
            "meets_minimum": self.meets_minimum,
            "neutrophil_engraftment_day": self.neutrophil_engraftment_day,
            "graft_failure_probability": self.graft_failure_probability,
        }


def engraftment_for_dose(
    product: str, cd34_per_kg: float, *, disease: str | None = None
) -> Engraftment:
    """Neutrophil engraftment day and graft-failure probability at a CD34⁺ dose.

    Examples
    --------
    >>> e = engraftment_for_dose("Casgevy", 1e6)
    >>> e.meets_minimum, round(e.graft_failure_probability, 2)
    (False, 0.5)
    """
    p = hsc_product(product)
    cal = hsc_calibration(p.name, disease)
    day = neutrophil_engraftment_day(
        cd34_per_kg,
        reference_day=cal.neutrophil_engraftment_day,
        reference_cd34_per_kg=cal.typical_cd34_per_kg,
    )
    return Engraftment(
        cd34_per_kg,
        p.min_cd34_per_kg,
        cd34_per_kg >= p.min_cd34_per_kg,
        day,
        graft_failure_probability(cd34_per_kg),
    )


def calibrate_share_per_unit(p: HscCourseParameters, target_share: float) -> HscCourseParameters:
    """Return ``p`` with ``share_per_unit`` set so the steady-state therapeutic share is
    ``target_share`` (e.g. Casgevy TDT: 11.9/13.1 g/dL HbF, Locatelli 2024).

    Raises InputError when the target is out of reach with the given class fractions.
    """

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


# ---- calibrated outcome of a product in a disease at a dose ----------------------------------


@dataclass(frozen=True, slots=True)
class HscOutcome:
    """A product's calibrated course in one disease at one CD34⁺ dose.

    ``typical`` is the course of the typical patient (engrafted unless graft failure is more
    likely than not); ``population_mean_share`` averages over graft failure; ``band`` is the
    population band when more than one patient was simulated.
    """

    product: HscProduct
    calibration: HscCalibration
    params: HscCourseParameters
    engraftment: Engraftment
    typical: HbCourse
    engrafted: HbCourse
    failed: HbCourse
    population_mean_share: FloatArray
    band: Band | None
    n_graft_failures: int
    n_patients: int
    editing_probability: float | None
    effective_moi: float | None
    notes: tuple[str, ...]

    @property
    def published(self) -> tuple[PublishedValue, ...]:
        """The published trial values this calibration is checked against."""
        return self.calibration.published


def _class_fractions(
    product: HscProduct, *, editing_probability: float | None, effective_moi: float | None
) -> tuple[float, ...]:
    if product.modality == "editing":
        if editing_probability is None:
            raise InputError("an editing product needs an allelic editing probability")
        return allelic_editing(editing_probability).fractions
    if effective_moi is None:
        raise InputError("a lentiviral product needs an effective multiplicity m")
    return poisson_transduction(effective_moi).copy_distribution


def _calibrated_params(
    product: HscProduct, cal: HscCalibration, fractions: tuple[float, ...]
) -> HscCourseParameters:
    """Parameters with ``share_per_unit`` calibrated at the trial's editing/transduction."""
    trial_fractions = _class_fractions(
        product,
        editing_probability=cal.editing_probability,
        effective_moi=cal.effective_moi,
    )
    base = HscCourseParameters(
        class_fractions=trial_fractions,
        max_share=1.0,
        total_hb_g_per_dl=cal.engrafted_total_hb_g_per_dl,
        baseline_total_hb_g_per_dl=cal.baseline_total_hb_g_per_dl,
        engraftment_t50_d=cal.neutrophil_engraftment_day,
        rbc_lifespan_d=hsc_dose_response().rbc_lifespan_d,
    )
    calibrated = calibrate_share_per_unit(base, cal.target_share)
    return replace(calibrated, class_fractions=fractions)


def simulate_hsc_outcome(
    product: str,
    *,
    disease: str | None = None,
    cd34_per_kg: float | None = None,
    editing_probability: float | None = None,
    effective_moi: float | None = None,
    time_d: FloatArray | None = None,
    n_patients: int = 1,
    rng: np.random.Generator | None = None,
) -> HscOutcome:
    """Therapeutic and total Hb after an ex vivo HSC product, calibrated per disease.

    The per-allele (or per-copy) therapeutic share is calibrated on the disease's pivotal
    trial (``data/hsc.toml``); ``editing_probability`` / ``effective_moi`` then change the
    graft's composition; ``cd34_per_kg`` (default: the trial's typical dose) sets the
    engraftment day and the graft-failure probability. A failed graft is rescued with
    unmodified back-up cells: no therapeutic Hb and the disease's pre-treatment total Hb.

    Examples
    --------
    >>> o = simulate_hsc_outcome("Casgevy", disease="sickle cell disease")
    >>> round(100 * float(o.typical.therapeutic_share[-1]))
    40
    >>> low = simulate_hsc_outcome("Casgevy", cd34_per_kg=1e5)
    >>> round(100 * float(low.typical.therapeutic_share[-1]))
    0
    """
    p = hsc_product(product)
    cal = hsc_calibration(p.name, disease)
    dose = cal.typical_cd34_per_kg if cd34_per_kg is None else cd34_per_kg
    require_positive(dose, "CD34+ dose (cells/kg)")
    if n_patients < 1:
        raise InputError(f"number of patients must be at least 1, got {n_patients}")
    if n_patients > 1 and rng is None:
        raise InputError("a seeded numpy Generator is required for more than one patient")
    p_edit = cal.editing_probability if editing_probability is None else editing_probability
    moi = cal.effective_moi if effective_moi is None else effective_moi
    fractions = _class_fractions(p, editing_probability=p_edit, effective_moi=moi)
    eng = engraftment_for_dose(p.name, dose, disease=cal.disease)
    params = replace(
        _calibrated_params(p, cal, fractions), engraftment_t50_d=eng.neutrophil_engraftment_day
    )
    t = np.linspace(0.0, 730.0, 731) if time_d is None else np.asarray(time_d, dtype=np.float64)
    engrafted = simulate_hb_course(params, t, therapeutic_hb=p.therapeutic_hb)
    failed_params = replace(
        params, graft_chimerism=0.0, total_hb_g_per_dl=cal.baseline_total_hb_g_per_dl
    )
    failed = simulate_hb_course(failed_params, t, therapeutic_hb=p.therapeutic_hb)
    pf = eng.graft_failure_probability
    mean_share = (1 - pf) * engrafted.therapeutic_share + pf * failed.therapeutic_share
    band, n_failed = None, 0
    if n_patients > 1 and rng is not None:
        fails = rng.random(n_patients) < pf
        n_failed = int(fails.sum())
        rows = np.where(fails[:, None], failed.therapeutic_share, engrafted.therapeutic_share)
        band = summarize_bands(t, 100 * rows)
    notes = _outcome_notes(p, cal, eng, disease is None)
    return HscOutcome(
        p,
        cal,
        params,
        eng,
        failed if pf >= 0.5 else engrafted,
        engrafted,
        failed,
        mean_share,
        band,
        n_failed,
        n_patients,
        p_edit if p.modality == "editing" else None,
        moi if p.modality == "lentiviral" else None,
        notes,
    )


def _outcome_notes(
    p: HscProduct, cal: HscCalibration, eng: Engraftment, disease_defaulted: bool
) -> tuple[str, ...]:
    notes = [f"calibration: {p.name} in {cal.disease} ({cal.trial})"]
    if disease_defaulted and len(p.diseases) > 1:
        notes.append(
            f"disease not given: the {cal.disease} calibration was used "
            f"(choices: {', '.join(p.diseases)})"
        )
    if not eng.meets_minimum:
        notes.append(
            f"CD34+ dose {eng.cd34_per_kg:.3g}/kg is below the {p.name} label minimum "
            f"{eng.minimum_cd34_per_kg:.3g}/kg: not releasable under the label; "
            f"graft-failure probability {eng.graft_failure_probability:.0%}"
        )
    if eng.graft_failure_probability >= 0.5:
        notes.append("graft failure expected: rescue with unmodified back-up cells, no benefit")
    notes.append("supportive transfusions and anaemia-driven erythropoiesis are not modelled")
    return tuple(notes)
