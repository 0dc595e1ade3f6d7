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


def test_dossier_call_uses_the_sickle_calibration_and_says_so() -> None:
    # plan_sections calls SimulationRequest(kind=..., product=..., seed=..., patients=...)
    r = run_simulation(SimulationRequest(kind="hsc", product="Casgevy", seed=3, patients=200))
    assert r.metrics["disease"] == "sickle cell disease"
    assert 37 < r.typical[365] < 43  # not the ~91 % thalassemia level
    assert any("disease not given" in n for n in r.notes)
    assert all(row["within_tolerance"] for row in r.metrics["validation"])  # type: ignore[union-attr]
    tdt = run_simulation(
        SimulationRequest(kind="hsc", product="Casgevy", disease="beta-thalassemia", patients=1)
    )
    assert tdt.typical[365] > 88 and tdt.provenance["disease"] == "beta-thalassemia"


def test_cd34_dose_and_weight_change_the_result() -> None:
    low = run_simulation(SimulationRequest("hsc", "Casgevy", cd34_per_kg=1e5, patients=1))
    high = run_simulation(
        SimulationRequest("hsc", "Casgevy", cd34_per_kg=2e7, weight_kg=20.0, patients=1)
    )
    assert low.typical[365] < 1 < 35 < high.typical[365]
    assert high.metrics["total_cd34_cells"] == pytest.approx(2e7 * 20.0)
    aav = run_simulation(SimulationRequest("aav", "Hemgenix", patients=1, weight_kg=20.0))
    assert aav.metrics["total_vg"] == pytest.approx(2e13 * 20.0)
    assert not any("70 kg assumed" in n for n in aav.notes)
    default = run_simulation(SimulationRequest("aav", "Hemgenix", patients=1))
    assert any("70 kg assumed" in n for n in default.notes)


def test_roctavian_population_reports_low_responders() -> None:
    r = run_simulation(SimulationRequest("aav", "Roctavian", patients=2000, seed=5))
    low = r.metrics["low_responders"]
    assert 0.15 < low["below_3_iu_per_dl_week_156"] < 0.30  # type: ignore[index]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kind": "hsc", "weight_kg": float("nan")}, "weight"),
        ({"kind": "hsc", "weight_kg": float("inf")}, "weight"),
        ({"kind": "aav", "weight_kg": -3.0}, "weight"),
        ({"kind": "hsc", "cd34_per_kg": 0.0}, "CD34"),
        ({"kind": "hsc", "cd34_per_kg": float("nan")}, "CD34"),
        ({"kind": "hsc", "cd34_per_kg": 1e12}, "CD34"),
        ({"kind": "hsc", "dose": 4e6, "cd34_per_kg": 5e6}, "disagree"),
        ({"kind": "aav", "dose": float("nan")}, "dose"),
        ({"kind": "aav", "nab_titre": float("inf")}, "NAb"),
        ({"kind": "hsc", "editing_probability": float("nan")}, "editing"),
        ({"kind": "hsc", "effective_moi": -1.0}, "MOI"),
        ({"kind": "car-t", "seed": -1}, "seed"),
        ({"kind": "car-t", "patients": 0}, "patients"),
        ({"kind": "hsc", "disease": "  "}, "disease"),
        ({"kind": "hsc", "dose": 1e20}, "CD34"),
        ({"kind": "car-t", "dose": 1e20}, "CAR"),
        ({"kind": "pk", "dose": 1e4}, "mg/kg"),
        ({"kind": "hsc", "patients": True}, "patients"),
    ],
)
def test_request_validation(kwargs, match) -> None:
    with pytest.raises(InputError, match=match):
        SimulationRequest(**kwargs)


def test_unknown_disease_lists_the_choices() -> None:
    with pytest.raises(InputError, match="sickle cell disease, beta-thalassemia"):
        run_simulation(SimulationRequest("hsc", "Casgevy", disease="cystic fibrosis", patients=1))


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
        ["simulate", "hsc", "--weight", "nan"],
        ["simulate", "hsc", "--cd34-dose", "-4e6"],
        ["simulate", "hsc", "--product", "Casgevy", "--disease", "hemophilia A"],
        ["simulate", "aav", "--weight", "inf"],
        ["simulate", "aav", "--product", "Roctavian", "--disease", "hemophilia B"],
        ["simulate", "pk", "--weight", "0"],
    ],
)
def test_cli_bad_input_gives_one_line_and_exit_2(args) -> None:
    from vivo.cli.main import main

    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2


def test_yescarta_dose_follows_the_label_per_kg_rule() -> None:
    child = run_simulation(SimulationRequest("car-t", "Yescarta", patients=1, weight_kg=20.0))
    adult = run_simulation(SimulationRequest("car-t", "Yescarta", patients=1, weight_kg=120.0))
    assert child.metrics["dose_car_t_cells"] == pytest.approx(4e7)  # 2e6/kg
    assert adult.metrics["dose_car_t_cells"] == pytest.approx(2e8)  # capped at 2e8


@pytest.mark.parametrize("dose", ["1e-320", "999", "0"])
def test_hsc_doses_far_below_any_graft_are_one_line_errors(
    dose: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A subnormal dose once underflowed to log(0) inside the graft-failure model."""
    from vivo.cli.main import main

    with pytest.raises(SystemExit) as info:
        main(["simulate", "hsc", "--dose", dose, "--series"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.startswith("vivo: error:") and "[1000, 1e+09]" in err


def test_graft_failure_in_log_space() -> None:
    from vivo.simulation.hsc import graft_failure_probability

    assert graft_failure_probability(1e-320) == 1.0
