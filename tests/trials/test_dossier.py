"""The dossier's trials section: matched to the ranked strategies, filtered by age, offline-safe.

Most tests build the plan with the pure planner (fast); one runs the whole ``vivo plan``
workflow and writes the dossier (HTML and the plan.json schema).
"""

from __future__ import annotations

import pytest

from vivo.planning import PatientFacts, TherapyQuestion, VariantFacts, plan_therapy
from vivo.workflows.dossier.trials import trials_section
from vivo.workflows.plan import PlanRequest, run_plan, write_dossier
from vivo.workflows.trials import TrialsRequest, find_trials

from .conftest import Scripted

#: HBB c.20A>T as the plan workflow interprets it on the bundled locus
HBS = VariantFacts(
    "HBB:c.20A>T", "substitution", "A", "T", 1, consequence="missense", protein="p.Glu7Val",
    legacy="Glu6Val", interpreted=True,
)  # fmt: skip


def _section(age: float | None = 8, **kw):
    q = TherapyQuestion(
        gene="HBB", variants=(HBS,), zygosity="homozygous",
        patient=PatientFacts(age_years=age), sequence_available=True,
    )  # fmt: skip
    return trials_section(plan_therapy(q), **kw)


@pytest.fixture()
def cached(fake_trials, fast, monkeypatch):
    """The answer `vivo trials --disease 'sickle cell disease'` caches, from the fake service."""
    monkeypatch.setenv("VIVO_TRIALS_URL", fake_trials.url)
    find_trials(TrialsRequest(disease="sickle cell disease"))
    return fake_trials


def test_section_matches_trials_to_strategies_from_the_cache(cached):
    n = len(cached.requests)
    t = _section(age=8)
    assert len(cached.requests) == n  # the dossier read the cache, no network
    assert t is not None and t.status == "ok" and t.source == "cache"
    by_id = {m.study.nct_id: m for m in t.matches}
    # exa-cel (CTX001) studies under the editing option whose precedent is Casgevy
    assert by_id["NCT05329649"].option_id == "induce-hbf-ex-vivo-editing"
    assert "Casgevy, a precedent" in by_id["NCT05329649"].rule
    # haploidentical HSCT (6 months - 25 years) under the allogeneic HSCT option
    assert by_id["NCT00000104"].option_id == "cell-allo-hsct-sibling"
    # an 8-year-old is outside the adult AAV and base-editing studies (18-50, 12-35 years)
    assert "NCT00000101" not in by_id and "NCT00000102" not in by_id
    assert t.excluded_by_age >= 3
    # the hydroxyurea study fits no strategy and is listed as other
    assert by_id["NCT00000105"].option_id is None
    assert "open to a patient aged 8 years" in t.message and "from the cache" in t.message


def test_adult_sees_base_editing_and_aav_by_vector(cached):
    t = _section(age=30)
    by_id = {m.study.nct_id: m for m in t.matches}
    assert by_id["NCT00000102"].option_id == "correct-base-edit"
    assert by_id["NCT00000103"].option_id == "correct-prime-edit"
    # AAV study: the in vivo AAV option is ruled out and the LV option is another vector
    assert by_id["NCT00000101"].option_id is None


def test_no_cache_says_so_and_plan_still_works(fake_trials, monkeypatch):
    monkeypatch.setenv("VIVO_TRIALS_URL", fake_trials.url)
    t = _section()
    assert fake_trials.requests == []  # never online by default
    assert t.status == "unavailable"
    assert "no cached ClinicalTrials.gov answer" in t.message
    assert "vivo trials --disease 'sickle cell disease'" in t.message


def test_service_failure_is_a_failed_section(fake_trials, fast):
    fake_trials.then(*[Scripted(503)] * 4)
    t = _section(mode="online", api_url=fake_trials.url)
    assert t.status == "failed" and "HTTP 503" in t.message
    assert _section(mode="off") is None


def test_plan_workflow_writes_the_section(cached, tmp_path):
    req = PlanRequest(
        gene="HBB", variant="c.20A>T", zygosity="homozygous", max_design_options=1,
        patient=PatientFacts(age_years=8),
    )  # fmt: skip
    result = run_plan(req)
    assert result.trials is not None and result.trials.status == "ok"
    paths = write_dossier(result, tmp_path / "dossier")  # validates plan.json's schema
    html = (tmp_path / "dossier" / "report.html").read_text()
    assert 'id="trials"' in html and "NCT05329649" in html
    assert "Clinical trials of this strategy" in html
    assert '"trials"' in (tmp_path / "dossier" / "plan.json").read_text()
    assert paths["report_html"].endswith("report.html")


def test_carrier_plan_searches_nothing(fake_trials, monkeypatch):
    monkeypatch.setenv("VIVO_TRIALS_URL", fake_trials.url)
    q = TherapyQuestion(gene="HBB", variants=(HBS,), zygosity="heterozygous",
                        sequence_available=True)  # fmt: skip
    t = trials_section(plan_therapy(q))
    assert t is not None and t.status == "unavailable" and "no therapy indicated" in t.message
    assert fake_trials.requests == []
    assert t.to_dict()["matches"] == []


def test_plan_cli_trials_option(tmp_path, capsys):
    """`vivo plan --trials off` leaves the section out; a bad mode is a one-line error."""
    import json

    from vivo.cli.main import main

    out = tmp_path / "carrier"
    with pytest.raises(SystemExit) as info:
        main(["plan", "HBB", "c.20A>T", "--zygosity", "heterozygous", "--trials", "off",
              "--out", str(out), "--json", "--quiet"])  # fmt: skip
    assert info.value.code in (0, None)
    assert json.loads(capsys.readouterr().out)["trials"] is None
    with pytest.raises(SystemExit) as info:
        main(["plan", "HBB", "c.20A>T", "--trials", "sometimes"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.startswith("vivo: error:") and "--trials" in err


def test_rna_studies_fit_rna_options_of_any_family():
    """An antisense study goes under DMD exon skipping (family 'correct'), not only under
    knockdown options (family 'silence')."""
    from vivo.knowledge.trials import study_from_api
    from vivo.workflows.dossier.trials import match_option

    raw = {"protocolSection": {
        "identificationModule": {"nctId": "NCT09999999", "briefTitle": "Synthetic: exon skip"},
        "statusModule": {"overallStatus": "RECRUITING"},
        "armsInterventionsModule": {"interventions": [
            {"type": "DRUG", "name": "XYZ-451 antisense oligonucleotide (PMO)"}]},
    }}  # fmt: skip
    study = study_from_api(raw)
    assert study.modality.modality == "rna"
    plan = run_plan(PlanRequest("DMD", exons="48-50", trials="off", max_design_options=1)).plan
    option, why = match_option(study, plan.feasible)
    assert option == "rna-exon-skip" and "rna" in why
