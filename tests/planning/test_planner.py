"""The planner: decision flow and ranked options for recessive, X-linked and dominant cases."""

from __future__ import annotations

import pytest

from vivo.core.errors import InputError
from vivo.planning import PatientFacts, TherapyQuestion, VariantFacts, plan_therapy
from vivo.planning.strategies import _correcting_editor

SICKLE = VariantFacts("HBB:c.20A>T", "substitution", "A", "T", protein="p.Glu7Val")


def _plan(gene: str, ref: str, alt: str, **kw):  # type: ignore[no-untyped-def]
    v = VariantFacts(f"{gene}:c.1{ref}>{alt}", "substitution", ref, alt)
    return plan_therapy(TherapyQuestion(gene, (v,), **kw))


def test_sickle_cell_gets_the_six_expected_options_with_precedents_and_designs() -> None:
    plan = plan_therapy(TherapyQuestion("HBB", (SICKLE,), sequence_available=True))
    ids = [o.id for o in plan.feasible]
    assert ids[0] == "induce-hbf-ex-vivo-editing"
    assert set(ids) == {
        "induce-hbf-ex-vivo-editing",
        "add-lv-hsc",
        "cell-allo-hsct-sibling",
        "correct-hdr",
        "correct-base-edit",
        "correct-prime-edit",
    }
    for o in plan.feasible:
        assert o.precedents and o.delivery == "ex_vivo", o.id
        assert o.designs or o.family == "cell", o.id  # a sibling transplant needs no design
    assert "Casgevy" in [p.name for p in plan.option("induce-hbf-ex-vivo-editing").precedents]
    assert "Lyfgenia" in [p.name for p in plan.option("add-lv-hsc").precedents]
    assert "Makassar" in plan.option("correct-base-edit").title
    induce = plan.option("induce-hbf-ex-vivo-editing")
    assert "BCL11A erythroid-specific enhancer" in " ".join(induce.rationale)
    assert {d.gene for d in induce.designs if d.engine == "guides"} == {"HBG1", "HBG2"}


def test_impossible_options_are_listed_with_reasons() -> None:
    plan = plan_therapy(TherapyQuestion("HBB", (SICKLE,)))
    aav = plan.option("add-aav-in-vivo")
    assert aav.feasibility == "impossible" and "episomal" in aav.reason_impossible
    assert plan.options[-1].feasibility == "impossible"


def test_hemophilia_b_recommends_in_vivo_aav_liver_addition_without_sequence() -> None:
    plan = _plan("F9", "C", "T")
    top = plan.top
    assert top is not None and top.id == "add-aav-in-vivo" and top.delivery == "in_vivo"
    assert {"Hemgenix", "Beqvez"} <= {p.name for p in top.precedents}
    beqvez = next(p for p in top.precedents if p.name == "Beqvez")
    assert beqvez.level == "withdrawn"  # discontinued 2025: not shown as a current precedent
    # the cassette and simulation engines carry F9's CDS and a calibrated model: no genome needed
    assert {d.engine for d in top.designs} == {"cassette", "simulation"}
    assert all(d.needs == "" for d in top.designs)
    # designs at the F9 locus itself say which sequence they would need
    locus_designs = [d for o in plan.feasible for d in o.designs if d.engine == "guides"]
    assert locus_designs and all("--genome" in d.needs for d in locus_designs)
    assert any("does not contain F9" in n for n in plan.notes)


def test_anti_aav_antibodies_lower_the_aav_option() -> None:
    plain = _plan("F9", "C", "T").option("add-aav-in-vivo").score
    nab = _plan("F9", "C", "T", patient=PatientFacts(anti_aav_antibodies=True))
    assert nab.option("add-aav-in-vivo").score < plain


def test_too_large_transgene_is_impossible_in_one_aav_but_a_shortened_one_is_offered() -> None:
    plan = _plan("DMD", "C", "T")
    full = plan.option("add-aav-in-vivo")
    assert full.feasibility == "impossible" and "does not fit one AAV" in full.reason_impossible
    short = plan.option("add-aav-shortened")
    assert short.feasibility != "impossible" and "Elevidys" in [p.name for p in short.precedents]


@pytest.mark.parametrize(
    ("gene", "expected", "top"),
    [
        ("TTR", "silence-knockout", "rna-knockdown"),  # approved siRNAs/ASOs outrank the edit
        ("HTT", "silence-allele-specific", "rna-knockdown-allele-selective"),
    ],
)
def test_dominant_gain_of_function_gets_silencing_and_no_gene_addition(
    gene: str, expected: str, top: str
) -> None:
    plan = _plan(gene, "G", "A")
    assert plan.top is not None and plan.top.id == top
    assert plan.option(expected).feasibility == "possible"
    assert plan.option("add-aav-in-vivo").feasibility == "impossible"


def test_recessive_loss_of_function_cannot_be_silenced() -> None:
    assert _plan("F9", "C", "T").option("silence-knockout").feasibility == "impossible"


def test_base_editor_choice_follows_the_transition_rule() -> None:
    assert _correcting_editor("G", "A") == "ABE"  # revert A>G
    assert _correcting_editor("C", "T") == "ABE"  # revert T>C on the coding strand
    assert _correcting_editor("T", "C") == "CBE"
    assert _correcting_editor("A", "T") == ""  # transversion


def test_unknown_gene_is_an_input_error_not_an_assumption() -> None:
    with pytest.raises(InputError, match="unknown gene 'NOTAGENE9'"):
        _plan("NOTAGENE9", "C", "T")


def test_disease_gene_mismatch_is_an_input_error() -> None:
    with pytest.raises(InputError, match="HBB"):
        plan_therapy(TherapyQuestion("F9", (SICKLE,), disease="sickle cell disease"))
