"""Treatment-course simulation jobs: CAR-T kinetics, ex vivo HSC, in vivo AAV and PK.

``run_simulation(request)`` returns a :class:`~vivo.simulation.results.SimulationResult`;
``save_simulation_plot(result, path)`` draws it (PNG or SVG by suffix) atomically.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from vivo import __version__
from vivo.core.errors import InputError
from vivo.core.units import require_positive
from vivo.simulation.results import PublishedPoint, SimulationResult

__all__ = [
    "SimulationKind",
    "SimulationRequest",
    "run_simulation",
    "save_simulation_plot",
]

SimulationKind = Literal["car-t", "hsc", "aav", "pk"]
DEFAULT_PRODUCT = {"car-t": "Kymriah", "hsc": "Casgevy", "aav": "Hemgenix", "pk": "tocilizumab"}


@dataclass(frozen=True, slots=True)
class SimulationRequest:
    """What to simulate. ``dose`` is in the kind's unit: CAR-T total CAR⁺ cells, HSC CD34⁺
    cells/kg, AAV vg/kg, PK mg/kg. ``patients = 1`` simulates the typical patient only."""

    kind: SimulationKind
    product: str | None = None
    dose: float | None = None
    patients: int = 1000
    seed: int = 1
    body_weight_kg: float = 70.0
    nab_titre: float = 0.0
    editing_probability: float | None = None
    effective_moi: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in DEFAULT_PRODUCT:
            raise InputError(
                f"unknown simulation kind {self.kind!r}", hint="choose car-t, hsc, aav or pk"
            )
        if self.patients < 1 or self.patients > 100_000:
            raise InputError(f"patients must lie in 1..100000, got {self.patients}")
        if self.dose is not None:
            require_positive(self.dose, "dose")
        require_positive(self.body_weight_kg, "body weight (kg)")

    @property
    def product_name(self) -> str:
        """The requested product or the kind's default."""
        return self.product or DEFAULT_PRODUCT[self.kind]


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
    point = (
        PublishedPoint(p.tmax_d, 1.0, "mean Tmax", "Ogasawara 2021")
        if lisocel
        else PublishedPoint(p.tmax_d, p.cmax, "typical Cmax at Tmax", "Stein 2019 Table 1")
    )
    notes = ["dose is not a covariate of this model (none retained by the publication)"]
    if lisocel:
        notes.append("levels relative to Cmax; FB and IIV borrowed from Stein 2019")
    return SimulationResult(
        "car-t",
        car_t.car_t_product(req.product_name).name,
        "CAR transgene level",
        p.unit,
        "days",
        t,
        typical,
        band,
        (point,),
        metrics,
        _provenance(req, info.as_dict(), iiv_scale=p.iiv_scale),
        tuple(notes),
        log_scale=True,
    )


def _run_kimmel(req: SimulationRequest) -> SimulationResult:
    from dataclasses import replace

    from vivo.simulation import car_t_kimmel as km

    p = km.KIMMEL_TYPICAL if req.dose is None else replace(km.KIMMEL_TYPICAL, c0_cells=req.dose)
    rng = np.random.default_rng(req.seed)
    res = km.simulate_kimmel(p, req.patients, rng, vary=req.patients > 1)
    typical = km.simulate_kimmel(p, 1, np.random.default_rng(req.seed), vary=False)
    pfs = res.progression_free()
    idx = {m: int(np.searchsorted(res.time_d, m * 30.4375)) for m in (6, 12, 24)}
    metrics = {
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
        ("whole-body cell numbers; no published conversion to cells/µL blood is applied",),
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

    product = hsc.hsc_product(req.product_name)
    metrics: dict[str, object] = {}
    notes = [
        "engraftment and red-cell course: vivo model (unpublished), see docs/models/hsc.md",
        "deterministic typical patient (no published between-patient variability)",
    ]
    if req.dose is not None:
        check = hsc.check_cd34_dose(product.name, req.dose)
        metrics["dose_check"] = {
            "cd34_per_kg": check.cd34_per_kg,
            "minimum_cd34_per_kg": check.minimum_cd34_per_kg,
            "meets_minimum": check.meets_minimum,
        }
        if not check.meets_minimum:
            notes.append(f"dose below the {product.name} label minimum")
    point: PublishedPoint | None
    if product.modality == "editing":
        p_edit = 0.8 if req.editing_probability is None else req.editing_probability
        edit = hsc.allelic_editing(p_edit)
        params = hsc.calibrate_share_per_unit(
            hsc.HscCourseParameters(
                class_fractions=edit.fractions, max_share=1.0, total_hb_g_per_dl=13.1
            ),
            11.9 / 13.1,
        )
        metrics["editing"] = {"p_allele": p_edit, "alleles_0_1_2": list(edit.fractions)}
        point = PublishedPoint(
            365.0, 100 * 11.9 / 13.1, "HbF share, TDT with TI", "Locatelli 2024 NEJM"
        )
        if req.editing_probability is None:
            notes.append("allelic editing 0.8 assumed (unverified 80-90 % range)")
    else:
        m = 1.0 if req.effective_moi is None else req.effective_moi
        tr = hsc.poisson_transduction(m)
        params = hsc.HscCourseParameters(class_fractions=_renorm(tr.copy_distribution))
        metrics["transduction"] = {
            "m": m,
            "fraction_transduced": tr.fraction_transduced,
            "vcn_per_transduced_cell": tr.vcn_per_transduced_cell,
            "bulk_vcn": tr.bulk_vcn,
        }
        point = (
            PublishedPoint(
                182.6, 40.0, "median HbA-T87Q share >= 40 %", "HGB-206 group C, EHA 2020"
            )
            if product.name == "Lyfgenia"
            else None
        )
    t = np.linspace(0.0, 730.0, 731)
    course = hsc.simulate_hb_course(params, t, therapeutic_hb=product.therapeutic_hb)
    share, f_cells = params.steady_state()
    metrics["steady_state"] = {
        "therapeutic_share": share,
        "f_cell_fraction": f_cells,
        "therapeutic_hb_g_per_dl": share * params.total_hb_g_per_dl,
    }
    return SimulationResult(
        "hsc",
        product.name,
        f"{product.therapeutic_hb} share of total Hb",
        "%",
        "days",
        t,
        100 * course.therapeutic_share,
        None,
        (point,) if point else (),
        metrics,
        _provenance(req, hsc.MODEL_INFO.as_dict(), n_patients=1),  # deterministic
        tuple(notes),
        series={
            "f_cells_percent": 100 * course.f_cell_fraction,
            "therapeutic_hb_g_per_dl": course.therapeutic_hb_g_per_dl,
            "total_hb_g_per_dl": course.total_hb_g_per_dl,
        },
    )


def _renorm(dist: tuple[float, ...]) -> tuple[float, ...]:
    total = sum(dist)
    return tuple(x / total for x in dist)


def _run_aav(req: SimulationRequest) -> SimulationResult:
    from vivo.simulation import aav

    rng = np.random.default_rng(req.seed)
    pop = aav.simulate_aav_population(
        req.product_name,
        dose_vg_per_kg=req.dose,
        body_weight_kg=req.body_weight_kg,
        nab_titre=req.nab_titre,
        n_patients=req.patients,
        rng=rng,
    )
    typical = aav.simulate_aav_population(
        req.product_name,
        dose_vg_per_kg=req.dose,
        body_weight_kg=req.body_weight_kg,
        nab_titre=req.nab_titre,
    )
    p, a = pop.product, pop.activity_iu_per_dl
    metrics: dict[str, object] = {
        "dose_vg_per_kg": pop.dose_vg_per_kg,
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
    notes = ["vivo model (unpublished structure), calibrated on the cited means"]
    if not pop.eligible:
        notes.append(
            f"NAb titre {req.nab_titre:g} excludes this patient under the {p.name} label rule"
        )
    published = tuple(PublishedPoint(t, v, lab, p.source) for t, v, lab in p.published_points)
    band = None
    if req.patients > 1:
        from vivo.simulation.ode import summarize_bands

        band = summarize_bands(pop.time_week, a)
    return SimulationResult(
        "aav",
        p.name,
        p.activity_name or "activity",
        "IU/dL",
        "weeks",
        pop.time_week,
        typical.activity_iu_per_dl[0],
        band,
        published,
        metrics,
        _provenance(req, aav.MODEL_INFO.as_dict()),
        tuple(notes),
        series={"population_mean": a.mean(axis=0)} if req.patients > 1 else {},
    )


def _run_pk(req: SimulationRequest) -> SimulationResult:
    from vivo.simulation import pk
    from vivo.simulation.nca import compute_nca
    from vivo.simulation.ode import summarize_bands

    if req.product_name.strip().lower() != "tocilizumab":
        raise InputError(f"unknown PK drug {req.product_name!r}", hint="known drugs: tocilizumab")
    mg = (
        pk.tocilizumab_crs_dose_mg(req.body_weight_kg)
        if req.dose is None
        else req.dose * req.body_weight_kg
    )
    doses = [pk.PkDose(0.0, mg, 1.0 / 24.0)]
    t = np.linspace(0.0, 56.0, 561)
    typ = pk.simulate_pk(pk.TOCILIZUMAB_FREY2010, doses, t)
    nca = compute_nca(t, typ.conc_mg_per_l, auc_window_d=(0.0, 56.0), terminal_points=50)
    metrics: dict[str, object] = {
        "dose_mg": mg,
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
        ("1-h IV infusion; RA-population model (Frey 2010)",),
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
