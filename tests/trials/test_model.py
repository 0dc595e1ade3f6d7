"""The pure trial model: study records, modality rules, ages, filters, query parameters."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vivo.core.errors import FormatError, InputError
from vivo.knowledge.trials import (
    Intervention,
    TrialQuery,
    age_fits,
    filter_studies,
    infer_modality,
    linked_products,
    parse_age,
    parse_phase,
    parse_status,
    study_from_api,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "trials"


def page(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _all_studies():
    out = []
    for name in ("page1.json", "page2.json", "page3.json"):
        for raw in page(name)["studies"]:
            with contextlib.suppress(FormatError):
                out.append(study_from_api(raw))
    return {s.nct_id: s for s in out}


def test_fixture_records_load_with_every_field():
    s = _all_studies()["NCT05329649"]
    assert s.status == "RECRUITING" and s.phases == ("PHASE3",) and s.phase_label == "3"
    assert s.min_age_years == 2.0 and s.max_age_years == 11.0 and s.age_label == "2 Years–11 Years"
    assert s.sponsor == "Vertex Pharmaceuticals Incorporated"
    assert s.countries == ("United Kingdom",)
    assert (s.start_date, s.completion_date) == ("2022-05-02", "2026-05")
    assert s.url == "https://clinicaltrials.gov/study/NCT05329649"
    assert s.interventions[0] == Intervention(
        "BIOLOGICAL",
        "CTX001",
        "Administered by intravenous infusion following myeloablative conditioning with busulfan.",
    )


def test_missing_and_odd_fields_load_as_empty():
    studies = _all_studies()
    s = studies["NCT05477563"]  # no eligibility, sponsor or locations on the record
    assert (s.min_age, s.max_age, s.sponsor, s.countries) == ("", "", "", ())
    assert s.age_label == "any age"
    odd = studies["NCT00000106"]
    assert odd.phases == () and odd.conditions == () and odd.phase_label == "—"
    assert [i.name for i in odd.interventions] == ["SYN-siRNA-7"]  # nameless and non-object out
    assert odd.min_age == "twelve years" and odd.min_age_years is None  # text kept, no limit
    assert odd.countries == ("Brazil",)  # empty country dropped, duplicate merged
    assert odd.modality.modality == "rna"


def test_a_study_without_nct_id_is_malformed():
    with pytest.raises(FormatError, match="nctId"):
        study_from_api(page("page3.json")["studies"][1])
    with pytest.raises(FormatError):
        study_from_api("not an object")


@pytest.mark.parametrize(
    ("nct", "modality", "rule", "evidence"),
    [
        ("NCT05329649", "gene_editing", "product", "Casgevy"),
        ("NCT00000101", "gene_addition", "gene_addition", "AAV"),
        ("NCT00000102", "base_editing", "base_editing", "adenine base"),
        ("NCT00000103", "prime_editing", "prime_editing", "prime editing"),
        ("NCT00000104", "cell_therapy", "cell_therapy", "transplant"),
        ("NCT00000105", "other", "none", ""),
        ("NCT00000106", "rna", "rna", "siRNA"),
        ("NCT00000107", "car_t", "car_t", "chimeric antigen receptor"),
    ],
)
def test_each_modality_rule_on_the_fixtures(nct, modality, rule, evidence):
    call = _all_studies()[nct].modality
    assert (call.modality, call.rule) == (modality, rule)
    assert evidence in call.evidence
    assert call.explanation


def test_rule_order_car_t_before_editing_and_product_first():
    edited_car = [Intervention("BIOLOGICAL", "X", "CRISPR-edited allogeneic CAR-T cells")]
    assert infer_modality(edited_car).modality == "car_t"
    assert infer_modality([Intervention("GENETIC", "BEAM-X", "base edited HSPCs")]).rule == (
        "base_editing"
    )
    # a named approved product decides, whatever words follow
    s = [Intervention("BIOLOGICAL", "exa-cel", "gene therapy")]
    assert [p.brand for p in linked_products(s)] == ["Casgevy"]
    assert infer_modality(s, linked_products(s)).rule == "product"
    # an antisense drug by its USAN stem, a drug without any rule
    assert infer_modality([Intervention("DRUG", "nusinersen")]).modality == "rna"
    assert infer_modality([Intervention("DRUG", "busulfan")]).modality == "other"
    # INN/USAN stems need a stem before them: "cancel", "Excel", "Larsen" are not products
    text = "participants may cancel visits; data kept in Excel by Dr Larsen"
    assert infer_modality([Intervention("OTHER", "follow-up", text)]).modality == "other"
    assert infer_modality([Intervention("BIOLOGICAL", "lifileucel")]).modality == "cell_therapy"
    # a bare cord blood graft is a cell therapy (Gluckman 1989), not "other"
    for name in ("cord blood", "Unrelated umbilical cord-blood unit", "CORD BLOOD"):
        call = infer_modality([Intervention("BIOLOGICAL", name)])
        assert (call.modality, call.rule) == ("cell_therapy", "cell_therapy"), name
        assert "cord" in call.evidence.lower()
    assert infer_modality([Intervention("DRUG", "cord blood")]).modality == "other"  # not read
    assert infer_modality([Intervention("OTHER", "spinal cord bloodflow")]).modality == "other"
    # device interventions are not read
    assert infer_modality([Intervention("DEVICE", "AAV pump")]).modality == "other"


def test_product_names_do_not_match_inside_words():
    assert linked_products([Intervention("DRUG", "CTX0012 placebo")]) == ()
    assert [p.brand for p in linked_products([Intervention("BIOLOGICAL", "Zolgensma")])] == [
        "Zolgensma"
    ]


def test_status_and_phase_names():
    assert parse_status("Recruiting") == "RECRUITING"
    assert parse_status("enrolling-by-invitation") == "ENROLLING_BY_INVITATION"
    with pytest.raises(InputError, match="did you mean 'recruiting'"):
        parse_status("recruitin")
    assert parse_phase("PHASE1") == "PHASE1" and parse_phase("phase 4") == "PHASE4"
    with pytest.raises(InputError, match="unknown trial phase"):
        parse_phase("7")


def test_age_parsing_and_fit():
    assert parse_age("2 Weeks") == pytest.approx(14 / 365.25, abs=1e-3)
    assert parse_age("30 Days") == pytest.approx(30 / 365.25, abs=1e-4)
    assert parse_age("1.5 Years") == 1.5 and parse_age("") is None
    s = _all_studies()["NCT00000104"]  # 6 Months to 25 Years
    assert age_fits(s, 0.5) and age_fits(s, 25) and not age_fits(s, 0.4) and not age_fits(s, 26)


@given(st.integers(0, 1200), st.sampled_from(["Year", "Years", "Month", "Months", "Weeks"]))
def test_age_text_round_trip(n, unit):
    years = parse_age(f"{n} {unit}")
    per = {"Y": 1, "M": 12, "W": 52.1775}[unit[0]]
    assert years == pytest.approx(n / per, abs=1e-3)


@given(st.text(max_size=30))
def test_age_parser_never_raises(text):
    value = parse_age(text)
    assert value is None or value >= 0


def test_filters():
    studies = list(_all_studies().values())
    editing = filter_studies(studies, modalities=["gene_editing"])
    assert {s.nct_id for s in editing} == {"NCT05329649", "NCT05477563", "NCT04208529"}
    kids = filter_studies(studies, age_years=8)
    ids = {s.nct_id for s in kids}
    assert "NCT05329649" in ids and "NCT05477563" in ids  # no limits stated: kept
    assert "NCT00000101" not in ids and "NCT00000102" not in ids
    assert {s.nct_id for s in filter_studies(studies, countries=["united states"])} == {
        "NCT00000101",
        "NCT00000102",
        "NCT00000104",
    }
    with pytest.raises(InputError, match="unknown modality"):
        filter_studies(studies, modalities=["telepathy"])


def test_query_parameters():
    q = TrialQuery(
        condition="sickle cell disease",
        term="HBB",
        statuses=("RECRUITING", "NOT_YET_RECRUITING"),
        phases=("PHASE1", "PHASE2"),
        countries=("United States",),
    )
    p = q.to_params()
    assert p["query.cond"] == "sickle cell disease" and p["query.term"] == "HBB"
    assert p["filter.overallStatus"] == "RECRUITING,NOT_YET_RECRUITING"
    assert p["filter.advanced"] == (
        "AREA[Phase](PHASE1 OR PHASE2) AND AREA[InterventionType](GENETIC OR BIOLOGICAL) "
        'AND AREA[LocationCountry]("United States")'
    )
    assert "NCTId" in p["fields"] and "query.intr" not in p
    with pytest.raises(InputError, match="needs a disease"):
        TrialQuery()
    with pytest.raises(InputError, match="control"):
        TrialQuery(condition="a\nb")
    with pytest.raises(InputError, match="unknown trial status"):
        TrialQuery(condition="x", statuses=("OPEN",))


def test_a_non_text_nct_id_is_shown_as_given():
    with pytest.raises(FormatError, match=r"got '5'"):
        study_from_api({"protocolSection": {"identificationModule": {"nctId": 5}}})


def test_unreadable_age_limits_are_named_in_the_notes(fake_trials, fast):
    import json

    from vivo.workflows.trials import TrialsRequest, find_trials

    from .conftest import Scripted

    raw = {"protocolSection": {
        "identificationModule": {"nctId": "NCT09999998", "briefTitle": "Synthetic: odd age"},
        "statusModule": {"overallStatus": "RECRUITING"},
        "eligibilityModule": {"minimumAge": "abc"},
    }}  # fmt: skip
    fake_trials.then(Scripted(200, json.dumps({"studies": [raw], "totalCount": 1}).encode()))
    result = find_trials(TrialsRequest(disease="x", age_years=10, mode="online",
                                       api_url=fake_trials.url))  # fmt: skip
    assert [s.nct_id for s in result.studies] == ["NCT09999998"]
    assert any("could not read" in n and "NCT09999998 ('abc')" in n for n in result.notes)
