"""Strategies the knowledge base supports: the precedent decides vector, editor and transgene."""

from __future__ import annotations

from vivo.planning import TherapyQuestion, plan_therapy


def _plan(gene: str):  # type: ignore[no-untyped-def]
    return plan_therapy(TherapyQuestion(gene))


def test_rdeb_has_the_approved_topical_hsv_and_graft_options() -> None:
    plan = _plan("COL7A1")
    ids = [o.id for o in plan.feasible]
    assert ids[:2] == ["add-hsv-topical", "add-skin-grafts"] or set(ids[:2]) == {
        "add-hsv-topical",
        "add-skin-grafts",
    }
    topical = plan.option("add-hsv-topical")
    assert topical.delivery == "in_vivo" and topical.vehicle == "HSV1"
    assert [p.name for p in topical.precedents] == ["Vyjuvek"]
    grafts = plan.option("add-skin-grafts")
    assert grafts.delivery == "ex_vivo" and [p.name for p in grafts.precedents] == ["Zevaskyn"]


def test_dmd_top_option_is_micro_dystrophin_not_the_full_cds() -> None:
    plan = _plan("DMD")
    top = plan.top
    assert top is not None and top.id == "add-aav-shortened" and "micro-dystrophin" in top.title
    cassette = next(d for d in top.designs if d.engine == "cassette")
    assert cassette.to_dict()["params"]["transgene_variant"] == "micro-dystrophin"
    assert plan.option("add-aav-in-vivo").feasibility == "impossible"


def test_ada_uses_the_vector_family_of_its_precedent() -> None:
    top = _plan("ADA").top
    assert top is not None and top.vehicle == "gRV" and "gamma-retroviral" in top.title
    assert [p.name for p in top.precedents] == ["Strimvelis"]
    assert any(r.kind == "insertional_mutagenesis" and r.severity == "high" for r in top.risks)
    sim = [d for d in top.designs if d.engine == "simulation"]
    assert all(d.to_dict()["params"]["product"] is None for d in sim)  # never Zynteglo for ADA


def test_pcsk9_follows_its_base_editing_precedent() -> None:
    edit = _plan("PCSK9").option("silence-knockout")
    assert edit.editor == "ABE" and "base-editing" in edit.title
    ttr = _plan("TTR").option("silence-knockout")
    assert ttr.editor == "SpCas9"  # NTLA-2001 is a Cas9 nuclease


def test_matched_sibling_hsct_is_shown_next_to_the_gene_therapies() -> None:
    from fractions import Fraction

    from vivo.cells.hla import sibling_match_probability
    from vivo.planning import PatientFacts

    plan = plan_therapy(TherapyQuestion("HBB", disease="sickle cell disease"))
    hsct = plan.option("cell-allo-hsct-sibling")
    assert hsct.family == "cell" and hsct.feasibility != "impossible"
    assert hsct.precedents[0].level == "established" and "91.4%" in hsct.precedents[0].summary
    assert plan.top is not None and plan.top.id == "induce-hbf-ex-vivo-editing"  # donor unknown
    three = plan_therapy(
        TherapyQuestion("HBB", disease="SCD", patient=PatientFacts(siblings=3))
    ).option("cell-allo-hsct-sibling")
    assert sibling_match_probability(3).identical_at_least_one == Fraction(37, 64)
    assert any("58%" in r for r in three.rationale)  # 37/64 = 57.8 %
    matched = plan_therapy(
        TherapyQuestion("HBB", disease="SCD", patient=PatientFacts(matched_sibling=True))
    )
    assert matched.option("cell-allo-hsct-sibling").score == 85.0
    none = plan_therapy(
        TherapyQuestion("HBB", disease="SCD", patient=PatientFacts(matched_sibling=False))
    )
    assert none.option("cell-allo-hsct-sibling").feasibility == "impossible"


def test_hsct_is_offered_only_where_it_is_established() -> None:
    assert "cell-allo-hsct-sibling" in {o.id for o in _plan("ADA").options}
    assert "cell-allo-hsct-sibling" in {o.id for o in _plan("ABCD1").options}
    for gene in ("F9", "DMD", "COL7A1", "TTR"):
        assert "cell-allo-hsct-sibling" not in {o.id for o in _plan(gene).options}


def test_off_label_age_and_donor_restrictions_lower_the_option() -> None:
    from vivo.planning import PatientFacts

    child = plan_therapy(TherapyQuestion("HBB", disease="SCD", patient=PatientFacts(age_years=8)))
    lyfgenia = child.option("add-lv-hsc")
    assert any(r.startswith("Off-label: Lyfgenia") for r in lyfgenia.rationale)
    teen = plan_therapy(TherapyQuestion("HBB", disease="SCD", patient=PatientFacts(age_years=14)))
    assert abs(lyfgenia.score - (teen.option("add-lv-hsc").score - 20)) < 1e-9  # label >= 12
    # Casgevy's US label covers patients aged 2 years and older since 2026-07-01
    casgevy = child.option("induce-hbf-ex-vivo-editing")
    assert not [r for r in casgevy.rationale if r.startswith("Off-label: Casgevy")]
    assert casgevy.score == 85.0
    infant = plan_therapy(TherapyQuestion("HBB", disease="SCD", patient=PatientFacts(age_years=1)))
    baby = infant.option("induce-hbf-ex-vivo-editing")
    off = [r for r in baby.rationale if r.startswith("Off-label: Casgevy")]
    assert off and "2 years and older" in off[0] and baby.score == 85.0 - 20
    donor = plan_therapy(TherapyQuestion("ABCD1", patient=PatientFacts(matched_sibling=True)))
    skysona = next(o for o in donor.options if any(p.name == "Skysona" for p in o.precedents))
    assert any("HLA-matched donor" in r for r in skysona.rationale)
    assert donor.top is not None and donor.top.id == "cell-allo-hsct-sibling"
    cells = next(s for s in donor.steps if s.key == "cell_source")
    assert "Donor cells" in cells.rationale


def test_hsct_without_a_known_donor_is_never_recommended() -> None:
    hsct = _plan("ADA").option("cell-allo-hsct-sibling")
    assert hsct.feasibility == "possible"
    assert any("unconditioned" in r.description for r in hsct.risks)


def test_a_clinical_hold_on_the_precedent_is_shown_and_lowers_the_option() -> None:
    top = _plan("TTR").option("silence-knockout")
    (p,) = top.precedents  # the editing precedent only; the RNA drugs are the RNA option's
    assert p.status.startswith("clinical hold (as of 2025-10-29)") and p.safety
    assert top.score == 58.0  # 40 + (65 - 40) x 0.6 (hold) + 3 (tolerated knockout)
