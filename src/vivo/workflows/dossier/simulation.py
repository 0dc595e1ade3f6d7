"""Simulation sections: the calibrated treatment course of the option's product.

The patient's weight (``vivo plan --weight``) and CD34+ dose, when known, go into the model;
otherwise the model's defaults are used and the message says so.
"""

from __future__ import annotations

from vivo.planning.requests import SimulationDesign
from vivo.reports.sim_plots import render_simulation_plot
from vivo.workflows.dossier.section import DossierInputs, Section, Unavailable, draw_figure, short
from vivo.workflows.simulate import SimulationRequest, run_simulation

__all__ = ["CALIBRATED", "PATIENTS", "simulation_section"]

PATIENTS = 200
CALIBRATED = {
    "hsc": ("Casgevy", "Lyfgenia", "Zynteglo"),
    "aav": ("Hemgenix (F9)", "Roctavian (F8)"),
    "car-t": ("Kymriah", "Breyanzi", "Yescarta"),
}


def _request(req: SimulationDesign, product: str, seed: int) -> SimulationRequest:
    """The simulation request, with the patient's facts where known (the result's notes say
    which defaults the model used instead)."""
    return SimulationRequest(
        kind=req.kind,
        product=product,
        seed=seed,
        patients=PATIENTS,
        disease=req.disease if req.kind == "hsc" else None,
        weight_kg=req.weight_kg,
        cd34_per_kg=req.cd34_per_kg if req.kind == "hsc" else None,
    )


def simulation_section(req: SimulationDesign, inputs: DossierInputs) -> Section:
    """Run the ``req.kind`` model of ``req.product`` for a virtual population."""
    if not req.product:
        raise Unavailable(
            f"no calibrated {req.kind} model for {req.gene}; calibrated products: "
            + ", ".join(CALIBRATED.get(req.kind, ()))
        )
    product = req.product
    result = run_simulation(_request(req, product, inputs.seed))
    rows = tuple((k, short(v)) for k, v in result.metrics.items())
    figures, note = draw_figure(
        f"{product}: {result.quantity} over time",
        lambda: render_simulation_plot(result, fmt="svg"),
    )
    disease = f" for {req.disease}" if req.disease else ""
    return Section(
        f"{req.kind} model for {product}{disease}: {result.quantity} ({result.unit}); "
        + "; ".join(result.notes)
        + note,
        ("metric", "value"),
        rows,
        (("model", short(result.provenance.get("model", req.kind))), ("seed", str(inputs.seed))),
        figures,
    )
