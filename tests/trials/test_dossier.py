"""The dossier's trials section: matched to the ranked strategies, filtered by age, offline-safe."""

from __future__ import annotations

import pytest

from vivo.planning import PatientFacts
from vivo.workflows.plan import PlanRequest, run_plan, write_dossier
from vivo.workflows.trials import TrialsRequest, find_trials

from .conftest import Scripted


def _plan(age: float | None = 8, **kw):
    req = PlanRequest(
        gene="HBB", variant="c.20A>T", zygosity="homozygous", max_design_options=1,
        patient=PatientFacts(age_years=age), **kw,
    )  # fmt: skip
    return run_plan(req)


@pytest.fixture()
def cached(fake_trials, fast, monkeypatch):
    """The answer `vivo trials --disease 'sickle cell disease'` caches, from the fake service."""
    monkeypatch.setenv("VIVO_TRIALS_URL", fake_trials.url)
    find_trials(TrialsRequest(disease="sickle cell disease"))
    return fake_trials


def test_section_matches_trials_to_strategies_from_the_cache(cached):
    n = len(cached.requests)
    result = _plan(age=8)
    assert len(cached.requests) == n  # the dossier read the cache, no network
    t = result.trials
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
    t = _plan(age=30).trials
    by_id = {m.study.nct_id: m for m in t.matches}
    assert by_id["NCT00000102"].option_id == "correct-base-edit"
    assert by_id["NCT00000103"].option_id == "correct-prime-edit"
    # AAV study: the in vivo AAV option is ruled out and the LV option is another vector
    assert by_id["NCT00000101"].option_id is None


def test_no_cache_says_so_and_plan_still_works(fake_trials, monkeypatch):
    monkeypatch.setenv("VIVO_TRIALS_URL", fake_trials.url)
    result = _plan()
    assert fake_trials.requests == []  # never online by default
    assert result.trials.status == "unavailable"
    assert "no cached ClinicalTrials.gov answer" in result.trials.message
    assert "vivo trials --disease 'sickle cell disease'" in result.trials.message


def test_service_failure_is_a_failed_section(fake_trials, fast):
    fake_trials.then(*[Scripted(503)] * 4)
    result = _plan(trials="online", trials_api_url=fake_trials.url)
    assert result.trials.status == "failed"
    assert "HTTP 503" in result.trials.message


def test_off_and_dossier_files(cached, tmp_path):
    assert _plan(trials="off").trials is None
    result = _plan(age=8)
    paths = write_dossier(result, tmp_path / "dossier")  # validates plan.json's schema
    html = (tmp_path / "dossier" / "report.html").read_text()
    assert 'id="trials"' in html and "NCT05329649" in html
    assert "Clinical trials of this strategy" in html
    assert '"trials"' in (tmp_path / "dossier" / "plan.json").read_text()
    assert paths["report_html"].endswith("report.html")
