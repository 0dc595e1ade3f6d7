"""The dossier's collection and dose sections: the patient's weight turns cells/kg into cells."""

from __future__ import annotations

from vivo.planning import PatientFacts, TherapyQuestion, plan_therapy
from vivo.planning.requests import CollectionDesign
from vivo.reports.schema import validate_plan
from vivo.workflows.dossier import build_section
from vivo.workflows.dossier.section import DossierInputs
from vivo.workflows.plan import PlanRequest, run_plan


def _inputs() -> DossierInputs:
    from vivo.genome import beta_globin_locus

    return DossierInputs(genome=beta_globin_locus(), variant=None, seed=0)


def test_ex_vivo_hsc_options_carry_a_collection_plan_for_their_product() -> None:
    plan = plan_therapy(TherapyQuestion("HBB", disease="SCD", patient=PatientFacts(weight_kg=45)))
    wanted = {"induce-hbf-ex-vivo-editing": "Casgevy", "add-lv-hsc": "Lyfgenia"}
    for oid, product in wanted.items():
        (c,) = [d for d in plan.option(oid).designs if isinstance(d, CollectionDesign)]
        assert c.product == product and c.weight_kg == 45 and c.disease == "sickle cell disease"


def test_weight_sets_the_cells_to_collect() -> None:
    req = CollectionDesign(
        purpose="collection", gene="HBB", product="Casgevy", disease="sickle cell disease",
        weight_kg=45.0, age_years=14.0,
    )  # fmt: skip
    s, _ = build_section(req, _inputs(), option_id="x", sequence_available=True)
    rows = dict(s.rows)
    # label minimum 3e6/kg; EU collection target 20e6/kg + 2e6/kg back-up = 22e6/kg x 45 kg
    assert s.status == "ok" and rows["cells to collect, total CD34+"] == "9.9e+08"
    assert rows["minimum dose, total CD34+ cells"] == "1.35e+08"
    assert "plerixafor alone" in rows["mobilisation"]


def test_without_a_weight_the_section_says_what_it_needs() -> None:
    req = CollectionDesign(purpose="collection", gene="HBB", product="Casgevy")
    s, _ = build_section(req, _inputs(), option_id="x", sequence_available=True)
    assert s.status == "unavailable" and "--weight" in s.message


def test_plan_json_with_collection_sections_validates() -> None:
    doc = run_plan(PlanRequest("ADA", patient=PatientFacts(weight_kg=8.0, age_years=1.0))).to_dict()
    validate_plan(doc)
    engines = {(s["option_id"], s["engine"]) for s in doc["sections"]}
    assert ("add-rv-hsc", "collection") in engines


def test_car_sections_follow_the_products_architecture() -> None:
    """Breyanzi's row names a GM-CSFRa leader, an IgG4 hinge, a CD28 TM and EGFRt: the dossier's
    CAR is built with all of them; Kymriah's keeps the CD8a leader and no tag."""
    from vivo.planning.requests import CarDesign

    patient = PatientFacts(age_years=60, weight_kg=70)
    plan = plan_therapy(TherapyQuestion("", disease="large B-cell lymphoma", patient=patient))
    cars = {d.product: d for o in plan.options for d in o.designs if isinstance(d, CarDesign)}
    b, k = cars["Breyanzi"], cars["Kymriah"]
    assert (b.leader, b.hinge, b.tm, b.costim, b.safety_switch) == (
        "GM-CSFRa", "IgG4-short", "CD28", "4-1BB", "EGFRt")  # fmt: skip
    assert (k.leader, k.hinge, k.safety_switch) == ("CD8a", "CD8a", "none")
    assert cars["Yescarta"].leader == "GM-CSFRa"
    s, _ = build_section(b, _inputs(), option_id="x", sequence_available=True)
    kinds = [row[1] for row in s.rows]
    assert s.status == "ok" and s.rows[0][0].startswith("GM-CSF receptor alpha")
    assert kinds[-3:] == ["2a", "signal_peptide", "safety_switch"]
    assert any(row[0].startswith("IgG4 hinge") for row in s.rows)


def test_plan_json_of_schema_1_2_without_the_new_car_fields_still_validates() -> None:
    """leader and safety_switch came later within schema 1.2: optional, so earlier files pass."""
    doc = run_plan(PlanRequest("", disease="large B-cell lymphoma")).to_dict()
    cars = [d for o in doc["plan"]["options"] for d in o["designs"] if d["engine"] == "car"]
    assert cars and all("leader" in d["params"] for d in cars)
    validate_plan(doc)
    for d in cars:
        d["params"].pop("leader")
        d["params"].pop("safety_switch")
    validate_plan(doc)
