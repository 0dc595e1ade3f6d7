"""Treatment-course simulation jobs: CAR-T kinetics, ex vivo HSC, in vivo AAV and PK.

``run_simulation(request)`` returns a :class:`~vivo.simulation.results.SimulationResult`;
``save_simulation_plot(result, path)`` draws it (PNG or SVG by suffix) atomically.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from vivo import __version__
from vivo.core.errors import InputError
from vivo.simulation.results import PublishedPoint, SimulationResult

if TYPE_CHECKING:
    from vivo.simulation.aav import AavPopulation
    from vivo.simulation.calibration import PublishedValue
    from vivo.simulation.hsc import HscOutcome

__all__ = [
    "SimulationKind",
    "SimulationRequest",
    "run_simulation",
    "save_simulation_plot",
]

SimulationKind = Literal["car-t", "hsc", "aav", "pk"]
DEFAULT_PRODUCT = {"car-t": "Kymriah", "hsc": "Casgevy", "aav": "Hemgenix", "pk": "tocilizumab"}
#: Body weight assumed when none is given (kg); every result says when it was used.
DEFAULT_WEIGHT_KG = 70.0
_MAX_SEED = 2**63 - 1
#: Optional numeric fields: label, lower bound, upper bound, lower bound excluded, hint.
_RANGES: dict[str, tuple[str, float, float, bool, str]] = {
    "nab_titre": ("NAb titre", 0, 1e12, False, "reciprocal titre, e.g. 200"),
    "editing_probability": ("editing probability", 0, 1, False, "a fraction"),
    "effective_moi": ("effective MOI", 0, 50, True, "integrations per cell, e.g. 1.5"),
    "weight_kg": ("weight (kg)", 0.5, 400, False, "body weight in kg"),
    "cd34_per_kg": ("CD34+ dose (cells/kg)", 1e3, 1e9, False, "e.g. 4e6"),
}
#: Dose unit and bounds per kind: far around every approved dose, clear of numeric trouble
#: (CAR-T: highest label doses ~1e9 cells; CD34+: label minimums 2e6-3e6/kg, so 1e3/kg is
#: a thousand-fold below any graft; AAV: 1.1e14 vg/kg; tocilizumab 12 mg/kg). A lower bound of
#: 0 is exclusive.
_DOSE_LIMITS = {
    "car-t": ("total CAR+ cells", 0.0, 1e11),
    "hsc": ("CD34+ cells/kg", 1e3, 1e9),
    "aav": ("vg/kg", 0.0, 1e16),
    "pk": ("mg/kg", 0.0, 100.0),
}


def _finite(value: float, name: str, lo: float, hi: float, *, hint: str, lo_open: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{name} must be a number, got {value!r}", hint=hint)
    ok = math.isfinite(value) and (value > lo if lo_open else value >= lo) and value <= hi
    if not ok:
        low = f"({lo:g}" if lo_open else f"[{lo:g}"
        raise InputError(
            f"{name} must be finite and lie in {low}, {hi:g}], got {value!r}", hint=hint
        )


def _whole(value: int, name: str, lo: int, hi: int, *, hint: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InputError(f"{name} must be a whole number in {lo}..{hi}, got {value!r}", hint=hint)


@dataclass(frozen=True, slots=True)
class SimulationRequest:
    """What to simulate.

    ``dose`` is in the kind's unit: CAR-T total CAR⁺ cells, HSC CD34⁺ cells/kg (same as
    ``cd34_per_kg``), AAV vg/kg, PK mg/kg. ``patients = 1`` simulates the typical patient
    only. ``disease`` chooses the calibration of products approved for several diseases
    (Casgevy: sickle cell disease or beta-thalassemia). ``weight_kg`` turns per-kg doses into
    totals (default 70 kg, stated in the result); ``cd34_per_kg`` defaults to the trial's
    typical infused dose.
    """

    kind: SimulationKind
    product: str | None = None
    dose: float | None = None
    patients: int = 1000
    seed: int = 1
    nab_titre: float = 0.0
    editing_probability: float | None = None
    effective_moi: float | None = None
    disease: str | None = None
    weight_kg: float | None = None
    cd34_per_kg: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in DEFAULT_PRODUCT:
            raise InputError(
                f"unknown simulation kind {self.kind!r}", hint="choose car-t, hsc, aav or pk"
            )
        for name, text in (("product", self.product), ("disease", self.disease)):
            if text is not None and (not isinstance(text, str) or not text.strip()):
                raise InputError(f"{name} must be a non-empty name, got {text!r}")
        _whole(self.patients, "patients", 1, 100_000, hint="use 1 for the typical patient")
        _whole(self.seed, "seed", 0, _MAX_SEED, hint="any whole number >= 0")
        if self.dose is not None:
            unit, low, top = _DOSE_LIMITS[self.kind]
            _finite(self.dose, f"dose ({unit})", low, top, hint=f"give {unit}", lo_open=low == 0)
        for field, (label, lo, hi, lo_open, hint) in _RANGES.items():
            value = getattr(self, field)
            if value is not None:
                _finite(value, label, lo, hi, hint=hint, lo_open=lo_open)
        both = self.cd34_per_kg is not None and self.dose is not None
        if both and self.kind == "hsc" and self.dose != self.cd34_per_kg:
            raise InputError(
                "dose and cd34_per_kg disagree", hint="give the CD34+ dose once (cells/kg)"
            )

    @property
    def product_name(self) -> str:
        """The requested product or the kind's default."""
        return (self.product or DEFAULT_PRODUCT[self.kind]).strip()

    @property
    def weight(self) -> float:
        """Body weight used for totals (kg): the given one or the 70 kg default."""
        return DEFAULT_WEIGHT_KG if self.weight_kg is None else self.weight_kg

    def weight_note(self) -> tuple[str, ...]:
        """A note when the default weight was used."""
        if self.weight_kg is None:
            return (f"weight not given: {DEFAULT_WEIGHT_KG:g} kg assumed for totals",)
        return ()

    def disease_note(self) -> tuple[str, ...]:
        """A note when a disease was given to a model without disease calibrations."""
        if self.disease is not None:
            return (f"disease {self.disease!r} is not a covariate of this model",)
        return ()


def _provenance(
    req: SimulationRequest, model: dict[str, str], **extra: object
) -> dict[str, object]:
    return {
        "vivo_version": __version__,
        "model": model,
        "seed": req.seed,
        "n_patients": req.patients,
        "rng": "numpy.random.default_rng (PCG64)",
        "solver": "scipy.integrate.solve_ivp",
        **extra,
    }


def _pct(x: np.ndarray) -> dict[str, float]:
    lo, med, hi = np.percentile(x, [5, 50, 95])
    return {"median": float(med), "p5": float(lo), "p95": float(hi)}


def _run_stein(req: SimulationRequest, model: str) -> SimulationResult:
    from vivo.simulation import car_t

    lisocel = model == "lisocel2021"
    p = car_t.LISO_CEL if lisocel else car_t.STEIN_TISAGENLECLEUCEL
    info = car_t.LISOCEL_MODEL_INFO if lisocel else car_t.MODEL_INFO
    t = np.union1d(np.linspace(0.0, 180.0, 721), [p.lag_d, p.tmax_d])
    typical = car_t.ck_concentration(
        t,
        **{
            k: getattr(p, k)
            for k in ("cmax", "foldx", "tmax_d", "alpha_per_d", "fb", "beta_per_d", "lag_d")
        },
    )
    metrics: dict[str, object] = {
        "typical": p.to_dict(),
        "typical_auc_0_28d": float(car_t.ck_auc(28.0, p)),
    }
    band = None
    if req.patients > 1:
        pop = car_t.sample_ck_population(p, req.patients, np.random.default_rng(req.seed), time_d=t)
        band = pop.band()
        metrics["population"] = {
            "cmax": _pct(pop.parameters["cmax"]),
            "tmax_d": _pct(pop.parameters["tmax_d"]),
            "auc_0_28d": _pct(pop.auc(28.0)),
        }
    notes = [*car_t.CK_NOTES, *(car_t.LISOCEL_NOTES if lisocel else ()), *req.disease_note()]
    return SimulationResult(
        "car-t",
        car_t.car_t_product(req.product_name).name,
        "CAR transgene level",
        p.unit,
        "days",
        t,
        typical,
        band,
        car_t.published_points(model),
        metrics,
        _provenance(req, info.as_dict(), iiv_scale=p.iiv_scale),
        tuple(notes),
        log_scale=True,
    )


def _run_kimmel(req: SimulationRequest) -> SimulationResult:
    from dataclasses import replace

    from vivo.simulation import car_t_kimmel as km

    cells = req.dose
    if cells is None and req.weight_kg is not None:
        cells = km.yescarta_label_dose_cells(req.weight_kg)
    p = km.KIMMEL_TYPICAL if cells is None else replace(km.KIMMEL_TYPICAL, c0_cells=cells)
    rng = np.random.default_rng(req.seed)
    res = km.simulate_kimmel(p, req.patients, rng, vary=req.patients > 1)
    typical = km.simulate_kimmel(p, 1, np.random.default_rng(req.seed), vary=False)
    pfs = res.progression_free()
    idx = {m: int(np.searchsorted(res.time_d, m * 30.4375)) for m in (6, 12, 24)}
    metrics = {
        "dose_car_t_cells": p.c0_cells,
        **res.summary(),
        **{f"progression_free_{m}mo": float(pfs[min(i, pfs.size - 1)]) for m, i in idx.items()},
    }
    return SimulationResult(
        "car-t",
        "Yescarta",
        "CAR-T cells",
        "cells",
        "days",
        res.time_d,
        typical.car_t_cells[0],
        res.car_t_band() if req.patients > 1 else None,
        (),
        metrics,
        _provenance(req, km.MODEL_INFO.as_dict()),
        (
            "whole-body cell numbers; no published conversion to cells/µL blood is applied",
            *req.disease_note(),
        ),
        log_scale=True,
        series={"progression_free": pfs, "median_tumour_cells": np.median(res.tumour_cells, 0)},
    )


def _run_car_t(req: SimulationRequest) -> SimulationResult:
    from vivo.simulation.car_t import car_t_product

    product = car_t_product(req.product_name)
    if product.model == "kimmel2021":
        return _run_kimmel(req)
    return _run_stein(req, product.model)


def _run_hsc(req: SimulationRequest) -> SimulationResult:
    from vivo.simulation import hsc

    dose = req.cd34_per_kg if req.cd34_per_kg is not None else req.dose
    out = hsc.simulate_hsc_outcome(
        req.product_name,
        disease=req.disease,
        cd34_per_kg=dose,
        editing_probability=req.editing_probability,
        effective_moi=req.effective_moi,
        n_patients=req.patients,
        rng=np.random.default_rng(req.seed) if req.patients > 1 else None,
    )
    eng, cal, typ = out.engraftment, out.calibration, out.typical
    share, f_cells = out.params.steady_state()
    metrics: dict[str, object] = {
        "disease": cal.disease,
        "calibration": f"{out.product.name} in {cal.disease} ({cal.trial})",
        "dose_check": eng.to_dict(),
        "total_cd34_cells": eng.cd34_per_kg * req.weight,
        "weight_kg": req.weight,
        "engrafted_steady_state": {
            "therapeutic_share": share,
            "f_cell_fraction": f_cells,
            "therapeutic_hb_g_per_dl": share * out.params.total_hb_g_per_dl,
            "total_hb_g_per_dl": out.params.total_hb_g_per_dl,
        },
        "validation": _hsc_validation(out),
    }
    if out.editing_probability is not None:
        metrics["editing"] = {
            "p_allele": out.editing_probability,
            "alleles_0_1_2": list(hsc.allelic_editing(out.editing_probability).fractions),
        }
    if out.effective_moi is not None:
        tr = hsc.poisson_transduction(out.effective_moi)
        metrics["transduction"] = {
            "m": tr.m,
            "fraction_transduced": tr.fraction_transduced,
            "vcn_per_transduced_cell": tr.vcn_per_transduced_cell,
            "bulk_vcn": tr.bulk_vcn,
        }
    if req.patients > 1:
        metrics["graft_failures"] = {"n": out.n_graft_failures, "of": req.patients}
    # one point per published level on the % axis (the rest are in metrics["validation"])
    shares = [v for v in out.published if v.quantity == "therapeutic_share_percent"]
    published = tuple(
        PublishedPoint(v.time, v.value, v.label, v.source)
        for i, v in enumerate(shares)
        if all(abs(v.value - w.value) > 1e-9 for w in shares[:i])
    )
    return SimulationResult(
        "hsc",
        out.product.name,
        f"{out.product.therapeutic_hb} share of total Hb",
        "%",
        "days",
        typ.time_d,
        100 * typ.therapeutic_share,
        out.band,
        published,
        metrics,
        _provenance(req, hsc.MODEL_INFO.as_dict(), calibration=cal.trial, disease=cal.disease),
        (*out.notes, *req.weight_note()),
        series={
            "population_mean_percent": 100 * out.population_mean_share,
            "f_cells_percent": 100 * typ.f_cell_fraction,
            "therapeutic_hb_g_per_dl": typ.therapeutic_hb_g_per_dl,
            "total_hb_g_per_dl": typ.total_hb_g_per_dl,
        },
    )


def _hsc_validation(out: HscOutcome) -> list[dict[str, object]]:
    """vivo's engrafted course against each published number of the calibration."""
    course = out.engrafted
    series = {
        "therapeutic_share_percent": 100 * course.therapeutic_share,
        "total_hb_g_per_dl": course.total_hb_g_per_dl,
        "therapeutic_hb_g_per_dl": course.therapeutic_hb_g_per_dl,
        "f_cells_percent": 100 * course.f_cell_fraction,
    }
    rows = []
    for v in out.published:
        vivo = float(np.interp(v.time, course.time_d, series[v.quantity]))
        rows.append(_validation_row(v, vivo))
    return rows


def _validation_row(v: PublishedValue, vivo: float) -> dict[str, object]:
    return {
        "label": v.label,
        "published": v.value,
        "kind": v.kind,
        "tolerance": v.tolerance,
        "vivo": vivo,
        "within_tolerance": v.accepts(vivo),
        "source": f"{v.source} ({v.verified})",
    }


def _run_aav(req: SimulationRequest) -> SimulationResult:
    from vivo.simulation import aav
    from vivo.simulation.ode import summarize_bands

    product = aav.aav_product(req.product_name, disease=req.disease)
    pop = aav.simulate_aav_population(
        product.name,
        dose_vg_per_kg=req.dose,
        body_weight_kg=req.weight,
        nab_titre=req.nab_titre,
        n_patients=req.patients,
        rng=np.random.default_rng(req.seed),
    )
    typical = aav.simulate_aav_population(
        product.name, dose_vg_per_kg=req.dose, body_weight_kg=req.weight, nab_titre=req.nab_titre
    )
    p, a = pop.product, pop.activity_iu_per_dl
    metrics: dict[str, object] = {
        "disease": p.disease,
        "dose_vg_per_kg": pop.dose_vg_per_kg,
        "weight_kg": pop.body_weight_kg,
        "total_vg": pop.total_vg,
        "nab_titre": pop.nab_titre,
        "nab_factor": pop.nab_factor,
        "eligible_by_label_nab_rule": pop.eligible,
        "transduced_fraction": pop.transduced_fraction,
        "mean_activity_26wk": float(a[:, 26].mean()),
        "mean_activity_260wk": float(a[:, 260].mean()),
        "production_half_life_weeks": p.production_half_life_week,
        "assay": p.assay,
    }
    if req.patients > 1:
        metrics["low_responders"] = {
            f"below_{thr:g}_iu_per_dl_week_{wk}": float((a[:, wk] < thr).mean())
            for wk in (52, 156, 260)
            for thr in (3.0, 5.0)
        }
        metrics["validation"] = _aav_validation(pop)
    notes = ["vivo model (unpublished structure), calibrated on the cited trial numbers"]
    if not pop.eligible:
        notes.append(
            f"NAb titre {req.nab_titre:g} excludes this patient under the {p.name} label rule"
        )
    published = tuple(PublishedPoint(t, v, lab, p.source) for t, v, lab in p.published_points)
    return SimulationResult(
        "aav",
        p.name,
        p.activity_name or "activity",
        "IU/dL",
        "weeks",
        pop.time_week,
        typical.activity_iu_per_dl[0],
        summarize_bands(pop.time_week, a) if req.patients > 1 else None,
        published,
        metrics,
        _provenance(req, aav.MODEL_INFO.as_dict()),
        (*notes, *req.weight_note()),
        series={"population_mean": a.mean(axis=0)} if req.patients > 1 else {},
    )


def _aav_validation(pop: AavPopulation) -> list[dict[str, object]]:
    """The simulated population against each published number of the product."""
    from vivo.simulation.aav import population_statistic

    rows = []
    for v in pop.product.published:
        rows.append(_validation_row(v, population_statistic(pop, v)))
    return rows


def _run_pk(req: SimulationRequest) -> SimulationResult:
    from vivo.simulation import pk
    from vivo.simulation.nca import compute_nca
    from vivo.simulation.ode import summarize_bands

    if req.product_name.strip().lower() != "tocilizumab":
        raise InputError(f"unknown PK drug {req.product_name!r}", hint="known drugs: tocilizumab")
    mg = pk.tocilizumab_crs_dose_mg(req.weight) if req.dose is None else req.dose * req.weight
    doses = [pk.PkDose(0.0, mg, 1.0 / 24.0)]
    t = np.linspace(0.0, 56.0, 561)
    typ = pk.simulate_pk(pk.TOCILIZUMAB_FREY2010, doses, t)
    nca = compute_nca(t, typ.conc_mg_per_l, auc_window_d=(0.0, 56.0), terminal_points=50)
    metrics: dict[str, object] = {
        "dose_mg": mg,
        "weight_kg": req.weight,
        "typical_nca": nca.to_dict(),
        "parameters": pk.TOCILIZUMAB_FREY2010.to_dict(),
    }
    band = None
    if req.patients > 1:
        people = pk.sample_tocilizumab_population(req.patients, np.random.default_rng(req.seed))
        conc = np.vstack([pk.simulate_pk(q, doses, t).conc_mg_per_l for q in people])
        band = summarize_bands(t, conc)
        metrics["population_cmax"] = _pct(conc.max(axis=1))
    return SimulationResult(
        "pk",
        "tocilizumab",
        "serum concentration",
        "mg/L",
        "days",
        t,
        typ.conc_mg_per_l,
        band,
        (),
        metrics,
        _provenance(req, pk.MODEL_INFO.as_dict()),
        (pk.TOCILIZUMAB_NOTE, *req.weight_note(), *req.disease_note()),
        log_scale=True,
    )


def run_simulation(req: SimulationRequest) -> SimulationResult:
    """Simulate the treatment course asked for by ``req``.

    Examples
    --------
    >>> r = run_simulation(SimulationRequest("car-t", "Kymriah", patients=50, seed=1))
    >>> r.product, r.band is not None
    ('Kymriah', True)
    """
    runners = {"car-t": _run_car_t, "hsc": _run_hsc, "aav": _run_aav, "pk": _run_pk}
    return runners[req.kind](req)


def save_simulation_plot(result: SimulationResult, path: str | os.PathLike[str]) -> Path:
    """Render ``result`` to ``path`` (``.png`` or ``.svg``), written atomically."""
    from vivo.io.atomic import atomic_write
    from vivo.reports.sim_plots import render_simulation_plot

    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise InputError(f"plot file must end in .png or .svg, got {target.name!r}")
    data = render_simulation_plot(result, fmt="png" if fmt == "png" else "svg")
    with atomic_write(target, "wb") as fh:
        fh.write(data)
    return target
