"""`vivo trials` end to end against the local fake service (never the real one)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from .conftest import Scripted

RunVivo = Callable[..., tuple[int, str, str]]  # the run_vivo fixture (tests/conftest.py)


def test_table_by_default(fake_trials, fast, run_vivo: RunVivo):
    code, out, err = run_vivo(
        "trials", "--disease", "sickle cell disease", "--api-url", fake_trials.url
    )
    assert code == 0, err
    assert "NCT05329649" in out and "gene editing (product: Casgevy)" in out
    assert "10 shown of 10 studies fetched, 10 in total" in out
    assert "left out" not in out and "nctId" in err  # the malformed record is a note


def test_json_and_filters(fake_trials, fast, run_vivo: RunVivo):
    code, out, _ = run_vivo("trials", "--disease", "sickle cell disease",
        "--api-url", fake_trials.url, "--age", "8", "--modality", "gene_editing", "--json",
    )  # fmt: skip
    assert code == 0
    doc = json.loads(out)
    assert doc["filters"]["age_years"] == 8
    assert [s["nct_id"] for s in doc["studies"]] == ["NCT05329649", "NCT05477563", "NCT04208529"]


def test_tsv_status_phase_country_sent_to_the_service(fake_trials, fast, run_vivo: RunVivo):
    code, out, _ = run_vivo("trials", "HBB", "--disease", "sickle cell disease",
        "--status", "recruiting", "--phase", "1", "--phase", "2", "--country", "United States",
        "--format", "tsv",
        "--api-url", fake_trials.url,
    )  # fmt: skip
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("# ") and lines[1].split("\t")[0] == "nct_id"
    rows = [line.split("\t") for line in lines[2:]]
    assert {r[0] for r in rows} == {"NCT00000101", "NCT00000102", "NCT00000104"}
    assert all(len(r) == 13 for r in rows)
    q = fake_trials.requests[0]
    assert q["query.term"] == ["HBB"] and q["filter.overallStatus"] == ["RECRUITING"]
    assert "AREA[Phase](PHASE1 OR PHASE2)" in q["filter.advanced"][0]
    assert 'AREA[LocationCountry]("United States")' in q["filter.advanced"][0]


def test_offline_says_how_old_the_cache_is(fake_trials, fast, run_vivo: RunVivo, monkeypatch):
    monkeypatch.setenv("VIVO_TRIALS_URL", fake_trials.url)  # the environment variable
    assert run_vivo("trials", "--disease", "sickle cell disease")[0] == 0
    n = len(fake_trials.requests)
    code, out, _ = run_vivo("trials", "--disease", "sickle cell disease", "--offline")
    assert code == 0 and len(fake_trials.requests) == n
    assert "from cache, retrieved" in out.replace("\n", " ") and "ago" in out


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--disease", "x", "--status", "recruitin"], "did you mean 'recruiting'"),
        (["--disease", "x", "--phase", "7"], "--phase"),
        (["--disease", "x", "--age", "130"], "--age"),
        (["--disease", "x", "--age", "nan"], "--age"),
        (["--disease", "x", "--modality", "magic"], "--modality"),
        ([], "needs a disease, a gene or an intervention"),
        (["--disease", "x", "--api-url", "file:///etc"], "not an http"),
        (["--disease", "x", "--offline"], "no cached"),
    ],
)
def test_bad_input_is_one_line(run_vivo: RunVivo, args, match):
    code, out, err = run_vivo("trials", *args)
    assert code == 2 and out == ""
    assert err.startswith("vivo: error:") and err.count("\n") == 1 and match in err


@pytest.mark.parametrize(
    ("answers", "match"),
    [
        ([Scripted(500)] * 4, "failed after 4 tries: HTTP 500"),
        ([Scripted(404, b"gone")], "HTTP 404"),
        ([Scripted(200, b"<html>")], "not JSON"),
    ],
)
def test_service_errors_are_one_line(
    fake_trials, fast, run_vivo: RunVivo, answers, match, _own_cache
):
    fake_trials.then(*answers)
    code, out, err = run_vivo("trials", "--disease", "x", "--api-url", fake_trials.url)
    assert code == 2 and err.startswith("vivo: error:") and match in err
    assert err.count("\n") == 1
    assert not (_own_cache / "trials").exists()  # nothing cached from a failed search


def test_unreachable_is_one_line(run_vivo: RunVivo, fast):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, _, err = run_vivo(
        "trials", "--disease", "x", "--api-url", f"http://127.0.0.1:{port}/api/v2"
    )
    assert code == 2 and "cannot connect" in err and err.count("\n") == 1


def test_online_answer_is_shown_when_the_cache_cannot_be_written(
    fake_trials, fast, run_vivo: RunVivo, monkeypatch, tmp_path
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be\n")
    monkeypatch.setenv("VIVO_CACHE_DIR", str(blocker))
    code, out, err = run_vivo("trials", "--disease", "sickle cell disease",
        "--api-url", fake_trials.url, "--json",
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    assert doc["source"] == "online" and doc["shown"] == 10
    assert any(n.startswith("the answer was not cached") for n in doc["notes"]), doc["notes"]
    assert blocker.read_text() == "a file where the cache folder should be\n"
    # offline there is still nothing cached: one line, exit 2
    code, _, err = run_vivo("trials", "--disease", "sickle cell disease", "--api-url",
                        fake_trials.url, "--offline")  # fmt: skip
    assert code == 2 and err.startswith("vivo: error:") and len(err.splitlines()) == 1
