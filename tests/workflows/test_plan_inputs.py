"""`vivo plan` input validation: odd inputs never give invalid plan.json, bad ones write nothing."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vivo.core.errors import InputError
from vivo.planning import PatientFacts
from vivo.planning.plan import AGE_RANGE_YEARS, WEIGHT_RANGE_KG
from vivo.reports.schema import validate_plan
from vivo.workflows.plan import PlanRequest, default_out_dir, run_plan

ODD = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e-300, 0.3, 120.0, 350.0, 1e308, -1.0]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(age=ODD, weight=ODD)
def test_patient_numbers_are_checked_and_plan_json_always_validates(
    age: float | None, weight: float | None
) -> None:
    def ok(x: float | None, lo: float, hi: float) -> bool:
        return x is None or (math.isfinite(x) and lo <= x <= hi)

    if not (ok(age, *AGE_RANGE_YEARS) and ok(weight, *WEIGHT_RANGE_KG)):
        with pytest.raises(InputError):
            PatientFacts(age_years=age, weight_kg=weight)
        return
    patient = PatientFacts(age_years=age, weight_kg=weight)
    doc = run_plan(PlanRequest("TTR", "c.148G>A", patient=patient)).to_dict()
    validate_plan(doc)
    json.dumps(doc, allow_nan=False)  # strict JSON: no NaN or Infinity anywhere


@pytest.mark.parametrize(
    "kw",
    [
        {"seed": -1},
        {"seed": 2**40},
        {"max_design_options": 0},
        {"zygosity": "double"},
        {"second_variant": "c.118C>T"},  # a second variant without a first
    ],
)
def test_bad_request_fields_are_input_errors(kw: dict[str, object]) -> None:
    with pytest.raises(InputError):
        PlanRequest("HBB", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kw",
    [
        {"sex": "M"},
        {"prior_lines": "2"},
        {"siblings": -1},
        {"siblings": 2.5},
        {"matched_sibling": "yes"},
        {"siblings": 0, "matched_sibling": True},
        {"age_years": True},
    ],
)
def test_patient_facts_are_checked_in_one_place(kw: dict[str, object]) -> None:
    with pytest.raises(InputError):
        PatientFacts(**kw)  # type: ignore[arg-type]


def test_carrier_and_genotype_reports_validate() -> None:
    for req in (
        PlanRequest("HBB", "c.20A>T", zygosity="heterozygous"),
        PlanRequest("HBB", "c.19G>A", zygosity="homozygous"),
    ):
        doc = run_plan(req).to_dict()
        validate_plan(doc)
        assert doc["plan"]["options"] == [] and doc["plan"]["indication"] != "therapy"


def test_default_out_dir_is_named_after_the_query() -> None:
    assert default_out_dir(PlanRequest("HBB", "c.20A>T")) == "vivo-plan-HBB-c.20A_T"
    req = PlanRequest("HBB", "c.20A>T", second_variant="c.92+1G>A")
    assert default_out_dir(req) == "vivo-plan-HBB-c.20A_T-c.92+1G_A"


@pytest.mark.parametrize(
    "argv",
    [
        ["HBBB", "c.20A>T"],
        ["CFTR"],
        ["CD19"],
        ["HBB", "c.20A>T", "--tissue", "bonemarow"],
        ["HBB", "c.20A>T", "--age", "nan"],
        ["HBB", "c.20A>T", "--weight", "inf"],
        ["HBB", "c.20A>T", "--weight", "-3"],
        ["HBB", "c.20A>T", "--seed", "-1"],
        ["HBB", "c.20A>T", "--offtarget-genome", "nope", "--offtarget-home", "{tmp}/none"],
        ["HBB", "c.20A>T", "c.118C>T", "--zygosity", "heterozygous"],
        ["HBB", "c.20A>T", "c.20A>T"],
        ["HBB", "c.20A>T", "--zygosity", "double"],
        ["HBB", "c.20A>T", "--disease", "cystic fibrosis"],
        ["F9", "c.1025C>T", "--disease", "sickle cell disease"],
        ["HBB", "c.118C>T", "--zygosity", "homozygous", "--disease", "sickle cell disease"],
        ["HBB", "c.999999999999999999999999999A>T"],
        ["HBB", "c." + "9" * 5000 + "A>T"],
        ["HBB", "c.20A>T", "--annotation", "{tmp}/none.gtf"],
    ],
)
def test_cli_bad_input_is_one_line_exit_2_and_writes_nothing(
    argv: list[str], tmp_path: Path, cli, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "dossier"
    args = ["plan", *(a.replace("{tmp}", str(tmp_path)) for a in argv), "--out", str(out)]
    code = cli(args)
    stdout, stderr = capsys.readouterr()
    assert code == 2, (argv, stdout, stderr)
    assert stderr.startswith("vivo: error:") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) in ([], ["none"]), list(tmp_path.iterdir())


def test_cli_never_overwrites_a_dossier_without_force(
    tmp_path: Path, cli, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "carrier"
    argv = ["plan", "HBB", "c.20A>T", "--zygosity", "heterozygous", "--out", str(out)]
    assert cli(argv) == 0 and (out / "plan.json").is_file()
    capsys.readouterr()
    assert cli(argv) == 2 and "--force" in capsys.readouterr().err
    assert cli([*argv, "--force"]) == 0
    doc = json.loads((out / "plan.json").read_text())
    assert doc["plan"]["indication"] == "carrier"
    assert [p.name for p in tmp_path.iterdir()] == ["carrier"]  # no staging folder left
