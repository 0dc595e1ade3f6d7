"""`vivo simulate car-t|hsc|aav|pk`: treatment-course simulations with population bands."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from vivo.cli.output import console, emit

ProductOpt = Annotated[str | None, typer.Option("--product", help="product name (see docs)")]
DoseOpt = Annotated[float | None, typer.Option("--dose", help="dose in the kind's unit")]
PatientsOpt = Annotated[int, typer.Option("--patients", help="virtual patients (1 = typical)")]
SeedOpt = Annotated[int, typer.Option("--seed", help="seed of the random generator")]
PlotOpt = Annotated[str | None, typer.Option("--plot", help="write a .png or .svg plot here")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]
SeriesOpt = Annotated[bool, typer.Option("--series", help="include time courses in the JSON")]
WeightOpt = Annotated[
    float | None,
    typer.Option("--weight", "--weight-kg", help="body weight in kg (default 70, stated)"),
]
DiseaseOpt = Annotated[
    str | None,
    typer.Option(
        "--disease", help="calibration to use, e.g. 'sickle cell disease' or 'beta-thalassemia'"
    ),
]


def _flatten(prefix: str, value: Any, rows: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, rows)
    elif (
        isinstance(value, list)
        and value
        and all(isinstance(v, dict) and "label" in v for v in value)
    ):
        for v in value:
            mark = "within tolerance" if v.get("within_tolerance") else "OUTSIDE tolerance"
            published = (
                f"at least {v['published']:g}"
                if v.get("kind") == "at_least"
                else f"{v['published']:g} ± {v['tolerance']:.3g}"
            )
            rows.append(
                (
                    f"{prefix}: {v['label']}",
                    f"vivo {v['vivo']:.4g} vs published {published} ({mark})",
                )
            )
    elif isinstance(value, float):
        rows.append((prefix, f"{value:.4g}"))
    else:
        rows.append((prefix, str(value)))


def _run(request: Any, *, plot: str | None, as_json: bool, series: bool) -> None:
    from rich.table import Table

    from vivo.workflows.simulate import run_simulation, save_simulation_plot

    result = run_simulation(request)
    data = result.to_dict(include_series=series)
    if plot:
        data["plot"] = str(save_simulation_plot(result, plot))

    def render() -> None:
        table = Table(
            title=f"{result.product}: {result.quantity} ({result.unit})", show_header=False
        )
        table.add_column(style="bold")
        table.add_column()
        rows: list[tuple[str, str]] = []
        _flatten("", data["metrics"], rows)
        for key, value in rows:
            table.add_row(key, value)
        for p in result.published:
            table.add_row(
                f"published @ {p.time:g} {result.time_unit}",
                f"{p.value:.4g} — {p.label} ({p.source})",
            )
        model = result.provenance["model"]
        table.add_row("model", str(model["citation"]) if isinstance(model, dict) else "")
        table.add_row(
            "seed / patients", f"{result.provenance['seed']} / {result.provenance['n_patients']}"
        )
        for note in result.notes:
            table.add_row("note", note)
        if plot:
            table.add_row("plot", str(data["plot"]))
        console.print(table)

    emit(data, as_json=as_json, render=render)


def car_t(
    product: ProductOpt = None,
    dose: DoseOpt = None,
    patients: PatientsOpt = 1000,
    seed: SeedOpt = 1,
    plot: PlotOpt = None,
    as_json: JsonOpt = False,
    series: SeriesOpt = False,
) -> None:
    """CAR-T cellular kinetics (Kymriah: Stein 2019; Breyanzi: liso-cel; Yescarta: Kimmel)."""
    from vivo.workflows.simulate import SimulationRequest

    req = SimulationRequest("car-t", product, dose, patients, seed)
    _run(req, plot=plot, as_json=as_json, series=series)


def hsc(
    product: ProductOpt = None,
    disease: DiseaseOpt = None,
    cd34_dose: Annotated[
        float | None,
        typer.Option("--cd34-dose", "--dose", help="CD34+ cells/kg (default: trial median)"),
    ] = None,
    weight: WeightOpt = None,
    editing: Annotated[
        float | None, typer.Option("--editing", help="allelic editing probability (Casgevy)")
    ] = None,
    moi: Annotated[
        float | None, typer.Option("--moi", help="effective integrations per cell m (lentiviral)")
    ] = None,
    patients: PatientsOpt = 1,
    seed: SeedOpt = 1,
    plot: PlotOpt = None,
    as_json: JsonOpt = False,
    series: SeriesOpt = False,
) -> None:
    """Ex vivo HSC therapy: dose and engraftment, editing/transduction, Hb over time."""
    from vivo.workflows.simulate import SimulationRequest

    req = SimulationRequest(
        "hsc",
        product,
        patients=patients,
        seed=seed,
        editing_probability=editing,
        effective_moi=moi,
        disease=disease,
        weight_kg=weight,
        cd34_per_kg=cd34_dose,
    )
    _run(req, plot=plot, as_json=as_json, series=series)


def aav(
    product: ProductOpt = None,
    dose: Annotated[float | None, typer.Option("--dose", help="vector genomes per kg")] = None,
    disease: DiseaseOpt = None,
    weight_kg: WeightOpt = None,
    nab_titre: Annotated[float, typer.Option("--nab-titre", help="reciprocal titre")] = 0.0,
    patients: PatientsOpt = 1000,
    seed: SeedOpt = 1,
    plot: PlotOpt = None,
    as_json: JsonOpt = False,
    series: SeriesOpt = False,
) -> None:
    """In vivo AAV: factor activity (IU/dL) over five years (Hemgenix, Roctavian)."""
    from vivo.workflows.simulate import SimulationRequest

    req = SimulationRequest(
        "aav",
        product,
        dose,
        patients,
        seed,
        nab_titre=nab_titre,
        disease=disease,
        weight_kg=weight_kg,
    )
    _run(req, plot=plot, as_json=as_json, series=series)


def pk(
    product: ProductOpt = None,
    dose: Annotated[float | None, typer.Option("--dose", help="mg/kg (default: CRS rule)")] = None,
    weight_kg: WeightOpt = None,
    patients: PatientsOpt = 200,
    seed: SeedOpt = 1,
    plot: PlotOpt = None,
    as_json: JsonOpt = False,
    series: SeriesOpt = False,
) -> None:
    """Antibody PK (tocilizumab, Frey 2010 two-compartment with Michaelis–Menten)."""
    from vivo.workflows.simulate import SimulationRequest

    req = SimulationRequest("pk", product, dose, patients, seed, weight_kg=weight_kg)
    _run(req, plot=plot, as_json=as_json, series=series)


def register(app: typer.Typer) -> None:
    """Add the ``simulate`` command group to the vivo app."""
    sub = typer.Typer(
        help="Simulate treatment courses (CAR-T, HSC, AAV, PK).", no_args_is_help=True
    )
    sub.command("car-t")(car_t)
    sub.command("hsc")(hsc)
    sub.command("aav")(aav)
    sub.command("pk")(pk)
    app.add_typer(sub, name="simulate")
