"""The simulate workflow, plots and the `vivo simulate` CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from vivo.cli.main import app
from vivo.core.errors import InputError
from vivo.workflows.simulate import SimulationRequest, run_simulation, save_simulation_plot

runner = CliRunner()


@pytest.mark.parametrize(
    ("kind", "product", "n"),
    [
        ("car-t", "Kymriah", 200),
        ("car-t", "Breyanzi", 50),
        ("car-t", "Yescarta", 5),
        ("hsc", "Casgevy", 1),
        ("hsc", "Lyfgenia", 1),
        ("aav", "Roctavian", 100),
        ("pk", None, 5),
    ],
)
def test_every_kind_runs_and_serialises(kind, product, n) -> None:
    r = run_simulation(SimulationRequest(kind, product, patients=n, seed=2))
    d = json.loads(json.dumps(r.to_dict()))
    assert d["schema_version"] == "1" and d["provenance"]["seed"] == 2
    assert len(d["time"]) == len(d["typical"])
    assert (d["band"] is not None) == (n > 1)


def test_plots_png_and_svg(tmp_path) -> None:
    r = run_simulation(SimulationRequest("car-t", "Kymriah", patients=100))
    png = save_simulation_plot(r, tmp_path / "k.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = save_simulation_plot(r, tmp_path / "k.svg")
    assert b"<svg" in svg.read_bytes()[:500]
    with pytest.raises(InputError, match="png or .svg"):
        save_simulation_plot(r, tmp_path / "k.pdf")


def test_hsc_dose_check_is_reported() -> None:
    r = run_simulation(SimulationRequest("hsc", "Zynteglo", dose=4e6))
    assert r.metrics["dose_check"]["meets_minimum"] is False  # type: ignore[index]


def test_cli_json_and_plot(tmp_path) -> None:
    out = tmp_path / "kym.png"
    res = runner.invoke(
        app,
        [
            "simulate",
            "car-t",
            "--product",
            "Kymriah",
            "--patients",
            "100",
            "--seed",
            "1",
            "--json",
            "--plot",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["product"] == "Kymriah" and out.exists()
    pop = data["metrics"]["population"]["cmax"]
    assert pop["p5"] < pop["median"] < pop["p95"]


@pytest.mark.parametrize(
    "args",
    [
        ["simulate", "car-t", "--product", "NoSuchCAR"],
        ["simulate", "aav", "--dose", "-2e13"],
        ["simulate", "aav", "--weight-kg", "70000"],
        ["simulate", "hsc", "--editing", "1.5"],
        ["simulate", "pk", "--product", "aspirin"],
        ["simulate", "car-t", "--patients", "0"],
    ],
)
def test_cli_bad_input_gives_one_line_and_exit_2(args) -> None:
    from vivo.cli.main import main

    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
