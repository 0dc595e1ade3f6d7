"""Golden tests of vivo.cells.manufacturing: label doses by weight band, the collection-cycle
worked example, the label-population checks, bad input, and that every number has a source."""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vivo.cells.manufacturing as m
import vivo.cells.product_facts as pf
from vivo.cells.manufacturing import (
    CollectionPlan,
    DosePlan,
    FailureRate,
    car_t_dose,
    plan_collection,
    plan_dose,
)
from vivo.core.errors import InputError

RunVivo = Callable[..., tuple[int, str, str]]  # the run_vivo fixture (tests/conftest.py)

DATA = Path(m.__file__).parent / "data"


# ---------------------------------------------------------------- CAR-T label doses (golden)

# (product, indication, weight kg, total low, total high): the label's numbers times weight,
# capped where the label caps (FDA prescribing information; see data/SOURCES.md).
LABEL_DOSES = [
    ("Kymriah", "ALL", 20.0, 0.2e6 * 20, 5.0e6 * 20),  # <= 50 kg: 0.2-5.0e6/kg
    ("Kymriah", "ALL", 50.0, 0.2e6 * 50, 5.0e6 * 50),  # the band edge belongs to <= 50 kg
    ("Kymriah", "ALL", 50.1, 0.1e8, 2.5e8),  # > 50 kg: 0.1-2.5e8 total
    ("Kymriah", "ALL", 95.0, 0.1e8, 2.5e8),
    ("Kymriah", "LBCL", 70.0, 0.6e8, 6.0e8),
    ("Yescarta", None, 60.0, 1.2e8, 1.2e8),  # 2e6/kg
    ("Yescarta", None, 100.0, 2.0e8, 2.0e8),  # reaches the 2e8 maximum exactly
    ("Yescarta", None, 130.0, 2.0e8, 2.0e8),  # capped
    ("Tecartus", "MCL", 80.0, 1.6e8, 1.6e8),
    ("Tecartus", "ALL", 70.0, 0.7e8, 0.7e8),  # 1e6/kg
    ("Tecartus", "ALL", 140.0, 1.0e8, 1.0e8),  # capped at 1e8
    ("Carvykti", None, 60.0, 0.5e6 * 60, 1.0e6 * 60),
    ("Carvykti", None, 150.0, 0.5e6 * 150, 1.0e8),  # high end capped at 1e8
    ("Abecma", None, 75.0, 300e6, 510e6),
    ("Breyanzi", None, 75.0, 50e6, 110e6),
    ("Aucatzyl", None, 75.0, 410e6, 410e6),
]


@pytest.mark.parametrize(("product", "indication", "weight", "low", "high"), LABEL_DOSES)
def test_label_dose_by_weight_band(
    product: str, indication: str | None, weight: float, low: float, high: float
) -> None:
    d = car_t_dose(product, weight_kg=weight, indication=indication)
    assert d.total_cells_low == pytest.approx(low, rel=1e-12)
    assert d.total_cells_high == pytest.approx(high, rel=1e-12)


def test_kymriah_bands_and_cap_flags() -> None:
    small = car_t_dose("Kymriah", weight_kg=40, indication="ALL")
    big = car_t_dose("tisa-cel", weight_kg=60, indication="b-all")
    assert (small.band, small.band_kind, small.per_kg_low, small.per_kg_high) == (
        "<= 50 kg", "per_kg", 0.2e6, 5.0e6,
    )  # fmt: skip
    assert (big.band, big.band_kind, big.per_kg_low) == ("> 50 kg", "flat", None)
    assert car_t_dose("Yescarta", weight_kg=130).cap_applied
    assert not car_t_dose("Yescarta", weight_kg=99).cap_applied
    assert "FDA-KYMRIAH" in {c.source for c in small.dose_sources}


@settings(max_examples=60, deadline=None)
@given(w1=st.floats(0.5, 350), w2=st.floats(0.5, 350))
def test_per_kg_dose_is_monotone_and_capped(w1: float, w2: float) -> None:
    lo, hi = sorted((w1, w2))
    a, b = car_t_dose("Carvykti", weight_kg=lo), car_t_dose("Carvykti", weight_kg=hi)
    assert a.total_cells_high <= b.total_cells_high <= 1.0e8
    assert a.total_cells_low <= a.total_cells_high


def test_aucatzyl_split_schedule_is_stated() -> None:
    d = car_t_dose("obe-cel", weight_kg=70, age_years=45)
    assert d.schedule is not None and "day 10" in d.schedule.text and "20 %" in d.schedule.text


# ------------------------------------------------------------- HSC collection: worked example


def test_worked_example_casgevy_scd_60kg() -> None:
    """Casgevy in SCD at 60 kg (documented in docs/models/cell_manufacturing.md).

    required = collection target 20e6 + rescue 2e6 = 22e6 CD34+/kg (1.32e9 cells at 60 kg);
    yield per apheresis day 12e6 / 2.0e6 / 0.75e6 per kg (best / typical / worst, derived from
    Leonard 2021) -> ceil(22/12) = 2, ceil(22/2) = 11, ceil(22/0.75) = 30 apheresis days;
    2 collection days per cycle -> 1, 6, 15 mobilisation cycles.
    """
    p = plan_collection("Casgevy", weight_kg=60, disease="sickle cell disease", age_years=20)
    assert p.required_cd34_per_kg == 22e6
    assert p.required_cd34_total == pytest.approx(1.32e9)
    assert p.min_dose_cd34_total == pytest.approx(1.8e8)
    assert p.apheresis_days == (2, 11, 30)
    assert p.cycles == (1, 6, 15)
    assert p.mobilisation is not None and "G-CSF must not be given" in p.mobilisation.text
    assert "plerixafor" in p.mobilisation.text
    # the pivotal trial's cycles (median 2, range 1-6) lie inside vivo's best..worst range
    assert p.trial_cycles is not None and p.trial_cycles.typical == 2
    assert p.cycles[0] <= p.trial_cycles.low <= p.trial_cycles.high <= p.cycles[2]


def test_user_yield_matches_simulation_collection_days() -> None:
    from vivo.simulation.hsc import collection_days_needed

    p = plan_collection("exa-cel", weight_kg=70, disease="SCD", yield_per_day_cd34_per_kg=4e6)
    assert p.apheresis_days == (6, 6, 6) and p.cycles == (3, 3, 3)
    assert collection_days_needed(22e6, yield_per_day_cd34_per_kg=4e6) == (6, 3)


def test_skysona_collection_target_plus_backup() -> None:
    p = plan_collection("Skysona", weight_kg=30, age_years=8)
    assert p.required_cd34_per_kg == 12e6 + 1.5e6
    assert p.apheresis_days is None  # no cited yield for CALD: vivo says so
    assert any("--yield" in n for n in p.notes)
    assert any("male" in n for n in p.notes)


def test_lenmeldy_subtype_minimums_and_marrow_product() -> None:
    dose = plan_collection("Lenmeldy", weight_kg=12, subtype="pre-symptomatic early juvenile")
    assert dose.min_dose_cd34_per_kg.value == 9e6
    assert plan_collection("Lenmeldy", weight_kg=12).min_dose_cd34_per_kg.value == 4.2e6
    s = plan_collection("Strimvelis", weight_kg=8)
    assert s.cycles is None and s.mobilisation is None
    assert any("bone-marrow harvest" in n for n in s.notes)


def test_no_collection_target_is_said() -> None:
    p = plan_collection("Lyfgenia", weight_kg=60, age_years=20)
    assert p.required_cd34_per_kg == 3e6  # minimum dose only, and the plan says so
    assert any("no label collection target" in n for n in p.notes)
    assert p.apheresis_days == (1, 2, 4)  # 3e6 / (12e6, 2e6, 0.75e6) per day


# --------------------------------------------------------------------- label population


@pytest.mark.parametrize(
    ("product", "kwargs", "inside"),
    [
        ("Kymriah", {"indication": "ALL", "age_years": 25.0}, True),
        ("Kymriah", {"indication": "ALL", "age_years": 26.0}, False),
        ("Yescarta", {"age_years": 17.0}, False),
        ("Yescarta", {"age_years": 18.0}, True),
        ("Carvykti", {}, None),
    ],
)
def test_car_t_age_against_label(product: str, kwargs: dict[str, Any], inside: bool) -> None:
    d = car_t_dose(product, weight_kg=60, **kwargs)
    assert d.within_label_population is inside
    if inside is False:
        assert "OUTSIDE the label population" in d.notes[0]


@pytest.mark.parametrize(
    ("product", "age", "inside"),
    [("Casgevy", 1.5, False), ("Casgevy", 2, True), ("Casgevy", 11.5, True), ("Skysona", 3, False),
     ("Skysona", 17.5, True), ("Skysona", 18, False), ("Zynteglo", 2, None)],
)  # fmt: skip
def test_hsc_age_against_label(product: str, age: float, inside: bool | None) -> None:
    assert plan_collection(product, weight_kg=30, age_years=age).within_label_population is inside


def test_a_regional_age_bound_says_where_it_holds() -> None:
    """Casgevy's 2 years is the US label's (since 2026-07-01); the EU SmPC says 12: vivo takes no
    region, so the age line states both."""
    p = plan_collection("Casgevy", weight_kg=25, age_years=8)
    line = next(n for n in p.notes if "label population" in n)
    assert "US label since 2026-07-01" in line and "EU SmPC" in line and ">= 12 years" in line


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("weight", [0.0, -3.0, math.nan, math.inf, 1e6])
def test_bad_weight(weight: float) -> None:
    with pytest.raises(InputError, match="weight"):
        plan_dose("Casgevy", weight_kg=weight)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: plan_dose("Kymriah", weight_kg=60, age_years=-1), "age"),
        (lambda: plan_dose("Kymriah", weight_kg=60, age_years=math.nan), "age"),
        (lambda: plan_dose("Kymriha", weight_kg=60), "unknown cell product"),
        (lambda: car_t_dose("Kymriah", weight_kg=60), "several labelled indications"),
        (lambda: car_t_dose("Kymriah", weight_kg=60, indication="myeloma"), "no label dose"),
        (lambda: plan_collection("Casgevy", weight_kg=60, disease="MLD"), "not labelled"),
        (lambda: plan_collection("Lenmeldy", weight_kg=9, subtype="adult"), "no subtype"),
        (lambda: plan_collection("Casgevy", weight_kg=60, yield_per_day_cd34_per_kg=0), "yield"),
        (lambda: plan_collection("Kymriah", weight_kg=60), "HSC gene-therapy"),
    ],
)
def test_bad_input_raises_input_error(call: Any, match: str) -> None:
    with pytest.raises(InputError, match=match):
        call()


# ----------------------------------------------------------------------- every number cited


def _source_keys() -> set[str]:
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    section = text[text.index("## manufacturing.toml") :]
    return set(re.findall(r"^\| ([A-Za-z0-9-]+) \|", section, flags=re.M)) - {"Key"}


def _walk(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every inline table holding a number (value, low, typical, high, failures)."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        numeric = {"value", "low", "typical", "high", "failures"} & set(node)
        if numeric and all(isinstance(node[k], int | float) for k in numeric):
            found.append((path, node))
        for k, v in node.items():
            found.extend(_walk(v, f"{path}.{k}"))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found.extend(_walk(v, f"{path}[{i}]"))
    return found


def test_every_number_has_a_source_key_and_check() -> None:
    data = tomllib.loads((DATA / "manufacturing.toml").read_text(encoding="utf-8"))
    keys = _source_keys()
    numbers = _walk(data)
    assert len(numbers) > 60
    for path, row in numbers:
        assert row.get("source") in keys, f"{path}: source {row.get('source')!r} not in SOURCES"
        assert row.get("verified") in pf._VERIFIED, path
    texts = [r for r in _walk_texts(data)]
    assert texts and all(r.get("source") in keys for r in texts)


def _walk_texts(node: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if "text" in node:
            out.append(node)
        for v in node.values():
            out.extend(_walk_texts(v))
    elif isinstance(node, list):
        for v in node:
            out.extend(_walk_texts(v))
    return out


def test_loaded_records_carry_their_sources() -> None:
    keys = _source_keys()
    for p in m.load_hsc_product_facts():
        cited = [p.min_cd34_per_kg, p.collection_target_cd34_per_kg, p.backup_cd34_per_kg]
        assert all(c is None or c.source in keys for c in cited)
    for c in m.load_car_t_products():
        for ind in c.indications:
            for band in ind.bands:
                assert {band.low.source, band.high.source} <= keys
            assert ind.lymphodepletion.source in keys


def test_one_source_per_number_for_hsc_label_doses() -> None:
    """The label minimum doses live in cells only; simulation reads them from there."""
    from vivo.simulation.hsc import hsc_product

    sim = (Path(m.__file__).parents[1] / "simulation" / "data" / "hsc.toml").read_text()
    for field in ("min_cd34_per_kg", "collection_target_cd34_per_kg", "rescue_cells_cd34_per_kg"):
        assert f"\n{field} =" not in sim
    for name in ("Casgevy", "Zynteglo", "Lyfgenia"):
        assert hsc_product(name).min_cd34_per_kg == m.hsc_product_facts(name).min_cd34_per_kg.value
    assert hsc_product("Casgevy").rescue_cells_cd34_per_kg == 2e6
    assert "manufacturing.toml" in hsc_product("Casgevy").source


def test_failure_rate_interval() -> None:
    zero = FailureRate(0, 113, "x", "secondary")
    lo, hi = zero.interval_95
    assert lo == 0.0 and hi == pytest.approx(1.959964**2 / (113 + 1.959964**2), rel=1e-5)
    lo, hi = FailureRate(7, 92, "x", "secondary").interval_95
    assert lo < 7 / 92 < hi and (round(lo, 3), round(hi, 3)) == (0.037, 0.149)


def test_plans_serialise_to_json() -> None:
    for plan in (
        plan_dose("Casgevy", weight_kg=60, disease="TDT"),
        plan_dose("Abecma", weight_kg=60),
    ):
        doc = json.loads(json.dumps(plan.to_dict()))
        assert doc["schema_version"] == 1
        assert isinstance(plan, CollectionPlan | DosePlan)


# ------------------------------------------------------------------------------------ CLI


def test_cli_dose_json(run_vivo: RunVivo) -> None:
    code, out, _ = run_vivo("cells", "dose", "--product", "kymriah", "--weight", "40",
                       "--age", "12", "--disease", "ALL", "--json")  # fmt: skip
    doc = json.loads(out)
    assert code == 0 and doc["kind"] == "car_t_dose"
    assert (doc["total_cells_low"], doc["total_cells_high"]) == (8e6, 2e8)
    code, out, _ = run_vivo("cells", "dose", "-p", "Casgevy", "-w", "60", "--json")
    assert code == 0 and json.loads(out)["cycles"] == [1, 6, 15]


def test_cli_tables(run_vivo: RunVivo) -> None:
    code, out, _ = run_vivo("cells", "dose", "-p", "Kymriah", "-w", "70", "--age", "30",
                       "-d", "all")  # fmt: skip
    assert code == 0 and "OUTSIDE the label population" in out and "[label]" in out
    code, out, _ = run_vivo("cells", "products")
    assert code == 0 and "Aucatzyl" in out and "Strimvelis" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--product", "Casgvy", "--weight", "60"), "did you mean 'Casgevy'"),
        (("--product", "Casgevy", "--weight", "0"), "--weight"),
        (("--product", "Casgevy", "--weight", "nan"), "--weight"),
        (("--product", "Casgevy", "--weight", "60", "--age", "300"), "--age"),
        (("--product", "Kymriah", "--weight", "60"), "several labelled indications"),
        (("--product", "Casgevy", "--weight", "60", "--disease", "MLD"), "not labelled"),
    ],
)
def test_cli_bad_input_one_line(run_vivo: RunVivo, args: tuple[str, ...], needle: str) -> None:
    code, out, err = run_vivo("cells", "dose", *args)
    lines = err.strip().splitlines()
    assert code == 2 and out == ""
    assert len(lines) == 1 and lines[0].startswith("vivo: error:") and needle in lines[0]


_NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["", "1e400", "-0", "0x10", "60kg", "1_000", " 5 ", "٣"]),
)
_NAMES = st.one_of(
    st.sampled_from(["Casgevy", "kymriah", "exa-cel", "Aucatzyl", "Strimvelis", "Lenmeldy"]),
    st.text(min_size=0, max_size=40),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)  # capsys is drained by run() at every example
@given(
    product=_NAMES,
    weight=_NUMBERS,
    age=st.none() | _NUMBERS,
    disease=st.none() | st.sampled_from(["SCD", "ALL", "TDT", "lbcl", "", "β-thal", "x" * 500]),
    as_json=st.booleans(),
)
def test_cli_dose_fuzz_exit_0_or_one_line_2(
    run_vivo: RunVivo,
    product: str,
    weight: str,
    age: str | None,
    disease: str | None,
    as_json: bool,
) -> None:
    args = ["cells", "dose", "--product", product, "--weight", weight]
    args += ["--age", age] if age is not None else []
    args += ["--disease", disease] if disease is not None else []
    args += ["--json"] if as_json else []
    code, out, err = run_vivo(*args)
    assert code in (0, 2), err
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("vivo: error:"), err
    else:
        assert "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "kind"),
    [("exa-cel", CollectionPlan), ("exagamglogene autotemcel", CollectionPlan),
     ("LIBMELDY", CollectionPlan), ("lisocabtagene maraleucel", DosePlan),
     ("cilta-cel", DosePlan), ("Abecma", DosePlan)],
)  # fmt: skip
def test_plan_dose_dispatches_by_product(name: str, kind: type) -> None:
    assert isinstance(plan_dose(name, weight_kg=40), kind)


@pytest.mark.parametrize("disease", ["β-thalassaemia", "TDT", "beta thalassemia", "Thalassemia"])
def test_disease_spellings(disease: str) -> None:
    p = plan_collection("Casgevy", weight_kg=50, disease=disease)
    assert p.disease == "beta-thalassemia"
    assert p.mobilisation is not None and "G-CSF" in p.mobilisation.text
    assert p.apheresis_days is None  # no cited G-CSF + plerixafor yield in TDT: vivo says so


def test_yield_estimate_far_above_the_trial_says_so() -> None:
    """Casgevy in SCD: Leonard 2021 single-day yields give 6 cycles where CLIMB SCD-121 needed a
    median of 2 (Frangoul 2024); the plan must not present 6 as the expectation silently."""
    plan = plan_collection("Casgevy", weight_kg=60, disease="sickle cell disease")
    assert plan.cycles is not None and plan.trial_cycles is not None
    assert plan.cycles[1] > 2 * (plan.trial_cycles.typical or 0)
    assert any("more than twice the pivotal trial's median" in n for n in plan.notes)
    thal = plan_collection("Casgevy", weight_kg=60, disease="beta-thalassemia")
    if thal.cycles is None or thal.trial_cycles is None or thal.trial_cycles.typical is None:
        assert not any("pivotal trial's median" in n for n in thal.notes)
    else:
        flagged = thal.cycles[1] > 2 * thal.trial_cycles.typical
        assert flagged == any("pivotal trial's median" in n for n in thal.notes)
