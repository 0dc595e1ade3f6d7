"""Acquired diseases: options from the label populations of approved cell products."""

from __future__ import annotations

import pytest

from vivo.core.errors import InputError
from vivo.planning import PatientFacts, TherapyQuestion, VariantFacts, plan_therapy


def _plan(disease: str, **patient: object):  # type: ignore[no-untyped-def]
    return plan_therapy(TherapyQuestion("", disease=disease, patient=PatientFacts(**patient)))  # type: ignore[arg-type]


def test_b_all_child_gets_kymriah_and_adult_only_products_are_ruled_out() -> None:
    plan = _plan("B-cell acute lymphoblastic leukemia", age_years=12, prior_lines=2)
    assert plan.acquired is not None and plan.disease is None
    feasible = {o.title.split(" (")[0] for o in plan.feasible}
    assert "Kymriah" in feasible
    ruled_out = {o.title.split(" (")[0]: o.reason_impossible for o in plan.options
                 if o.feasibility == "impossible"}  # fmt: skip
    assert any("outside the label population" in r for r in ruled_out.values())
    top = plan.top
    assert top is not None and top.family == "cell"


def test_b_all_adult_over_25_is_outside_kymriah_label() -> None:
    plan = _plan("B-ALL", age_years=40, prior_lines=2)
    kymriah = next(o for o in plan.options if o.title.startswith("Kymriah"))
    assert kymriah.feasibility == "impossible" and "25" in kymriah.reason_impossible


def test_myeloma_options_follow_the_line_of_therapy() -> None:
    early = _plan("multiple myeloma", age_years=60, prior_lines=0)
    assert all(o.family != "cell" for o in early.feasible), [o.title for o in early.feasible]
    late = _plan("multiple myeloma", age_years=60, prior_lines=4)
    cells = [o for o in late.feasible if o.family == "cell"]
    assert {o.title.split(" (")[0] for o in cells} >= {"Abecma", "Carvykti"}
    assert all(o.score > c.score for o in cells for c in late.feasible if c.family == "comparator")


def test_car_t_options_carry_the_label_crs_and_neurotoxicity_and_designs() -> None:
    from vivo.knowledge.acquired import LabelTherapy, therapies_for

    plan = _plan("large B-cell lymphoma", age_years=55, prior_lines=2, weight_kg=80)
    rows: dict[str, object] = {}
    for t in therapies_for("large B-cell lymphoma"):  # the planner takes the first admitting row
        if t.admits(age_years=55, prior_lines=2):
            rows.setdefault(t.name, t)
    seen_any = False
    for o in plan.feasible:
        if o.family != "cell":
            continue
        row = rows[o.title.split(" (")[0]]
        assert isinstance(row, LabelTherapy)
        kinds = {r.kind for r in o.risks}
        assert ("cytokine_release" in kinds) == (row.crs_any_pct is not None), o.title
        assert ("neurotoxicity" in kinds) == (row.icans_any_pct is not None), o.title
        seen_any |= "cytokine_release" in kinds
        assert {"car", "dose"} <= {d.engine for d in o.designs}, o.title
    assert seen_any


def test_unknown_age_or_lines_are_stated_as_checks_not_assumed() -> None:
    plan = _plan("multiple myeloma")
    abecma = next(o for o in plan.options if o.title.startswith("Abecma"))
    assert abecma.feasibility != "impossible"
    assert any("--prior-lines" in r for r in abecma.rationale)


def test_a_germline_variant_with_an_acquired_disease_is_an_error() -> None:
    v = VariantFacts("CD19:c.1A>G", "substitution", "A", "G")
    with pytest.raises(InputError, match="acquired disease"):
        plan_therapy(TherapyQuestion("CD19", (v,), disease="multiple myeloma"))


def test_kymriah_label_admits_up_to_the_25th_year_and_gene_or_tissue_is_refused() -> None:
    plan = _plan("B-ALL", age_years=25.5, prior_lines=2)
    kymriah = next(o for o in plan.options if o.title.startswith("Kymriah"))
    assert kymriah.feasibility != "impossible"
    with pytest.raises(InputError, match="acquired disease"):
        plan_therapy(TherapyQuestion("PCSK9", disease="multiple myeloma"))
    with pytest.raises(InputError, match="--tissue"):
        plan_therapy(TherapyQuestion("", disease="multiple myeloma", tissue="liver"))
