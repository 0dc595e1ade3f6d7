"""Plots of simulated treatment courses: typical patient, population median with its
percentile band, and the published clinical points overlaid (matplotlib, PNG or SVG).
"""

from __future__ import annotations

import io
from typing import Literal

from vivo.core.errors import InputError
from vivo.simulation.results import SimulationResult

__all__ = ["render_simulation_plot"]

PlotFormat = Literal["png", "svg"]


def render_simulation_plot(result: SimulationResult, *, fmt: PlotFormat = "png") -> bytes:
    """Draw ``result`` and return the image bytes (PNG at 150 dpi, or SVG).

    Raises
    ------
    InputError
        For an unknown format, or when matplotlib is missing (with the install hint).
    """
    if fmt not in ("png", "svg"):
        raise InputError(f"plot format must be png or svg, got {fmt!r}")
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise InputError("plots need matplotlib", hint="pip install 'vivo[plot]'") from exc
    fig = Figure(figsize=(7.0, 4.2), layout="constrained")
    ax = fig.add_subplot()
    if result.band is not None:
        b = result.band
        ax.fill_between(
            b.time,
            b.lower,
            b.upper,
            color="tab:blue",
            alpha=0.2,
            label=f"{b.lower_pct:g}–{b.upper_pct:g} % of virtual patients",
        )
        ax.plot(b.time, b.median, color="tab:blue", lw=2, label="population median")
    mean = result.series.get("population_mean")
    if mean is not None:
        ax.plot(result.time, mean, color="tab:green", lw=1.5, label="population mean")
    ax.plot(result.time, result.typical, color="black", lw=1, ls="--", label="typical patient")
    for i, p in enumerate(result.published):
        ax.plot(
            [p.time],
            [p.value],
            marker="o",
            ms=7,
            color="tab:red",
            ls="none",
            label="published" if i == 0 else None,
        )
        ax.annotate(
            p.label,
            (p.time, p.value),
            textcoords="offset points",
            xytext=(6, 6),
            fontsize=7,
            color="tab:red",
        )
    if result.log_scale:
        ax.set_yscale("log")
    ax.set_xlabel(f"time ({result.time_unit})")
    ax.set_ylabel(f"{result.quantity} ({result.unit})")
    n = result.provenance.get("n_patients", 1)
    ax.set_title(f"{result.product}: {result.quantity} (n = {n})", fontsize=10)
    ax.legend(fontsize=7, loc="best")
    ax.grid(alpha=0.3)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=150)
    return buf.getvalue()
