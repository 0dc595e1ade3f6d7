"""The API v2 client against the local fake service: pages, retries, timeouts, errors, cache."""

from __future__ import annotations

import json
import socket
import time

import pytest

from vivo.core.errors import DataError, EngineError, FormatError, InputError
from vivo.io.clinicaltrials import (
    CACHE_FORMAT,
    ClientSettings,
    api_url,
    cache_file,
    fetch_studies,
    read_cache,
    write_cache,
)
from vivo.knowledge.trials import TrialQuery
from vivo.workflows.trials import TrialsRequest, find_trials

from .conftest import DATA, Scripted

Q = TrialQuery(condition="sickle cell disease")


def _settings(url: str, **kw) -> ClientSettings:
    kw.setdefault("backoff_s", 0.01)
    kw.setdefault("min_interval_s", 0.0)
    return ClientSettings(base_url=url, **kw)


def test_three_pages_followed_by_token(fake_trials):
    seen: list[tuple[int, int | None]] = []
    answer = fetch_studies(Q, _settings(fake_trials.url), progress=lambda n, t: seen.append((n, t)))
    assert answer.pages == 3 and len(answer.studies) == 11 and answer.total_count == 10
    assert not answer.truncated
    first, second, third = fake_trials.requests
    assert first["countTotal"] == ["true"] and "pageToken" not in first
    assert second["pageToken"] == ["tok-2"] and third["pageToken"] == ["tok-3"]
    assert first["query.cond"] == ["sickle cell disease"]
    assert first["filter.overallStatus"] == [
        "RECRUITING,NOT_YET_RECRUITING,ENROLLING_BY_INVITATION,ACTIVE_NOT_RECRUITING"
    ]
    assert first["filter.advanced"] == ["AREA[InterventionType](GENETIC OR BIOLOGICAL)"]
    assert first["pageSize"] == ["100"] and first["format"] == ["json"]
    assert seen == [(4, 10), (8, 10), (11, 10)]


def test_max_studies_stops_paging_and_says_truncated(fake_trials):
    answer = fetch_studies(Q, _settings(fake_trials.url, max_studies=4, page_size=4))
    assert answer.pages == 1 and len(answer.studies) == 4 and answer.truncated
    assert fake_trials.requests[0]["pageSize"] == ["4"]


def test_429_and_500_are_retried_with_backoff(fake_trials):
    fake_trials.then(Scripted(429, b"slow down", headers={"Retry-After": "0"}), Scripted(503))
    slept: list[float] = []
    answer = fetch_studies(Q, _settings(fake_trials.url, backoff_s=0.5), sleep=slept.append)
    assert len(answer.studies) == 11
    assert len(fake_trials.requests) == 5  # 2 failures, then 3 pages
    assert slept == [0.5, 1.0]  # exponential backoff (Retry-After 0 adds no wait)


def test_retry_after_header_is_obeyed(fake_trials):
    fake_trials.then(Scripted(429, headers={"Retry-After": "7"}))
    slept: list[float] = []
    fetch_studies(Q, _settings(fake_trials.url, backoff_s=0.1), sleep=slept.append)
    assert slept[:2] == [7.0, 0.1]


def test_persistent_500_is_an_engine_error(fake_trials):
    fake_trials.then(*[Scripted(500, b"boom")] * 3)
    with pytest.raises(EngineError, match=r"failed after 3 tries: HTTP 500"):
        fetch_studies(Q, _settings(fake_trials.url, retries=2))


def test_http_400_is_not_retried(fake_trials):
    fake_trials.then(Scripted(400, b'{"message": "bad filter.advanced"}'))
    with pytest.raises(EngineError, match=r"HTTP 400: .*bad filter.advanced"):
        fetch_studies(Q, _settings(fake_trials.url))
    assert len(fake_trials.requests) == 1


def test_slow_answer_hits_the_timeout(fake_trials):
    fake_trials.then(*[Scripted(200, b"{}", delay_s=1.0)] * 2)
    t0 = time.perf_counter()
    with pytest.raises(EngineError, match="no answer within the timeout"):
        fetch_studies(Q, _settings(fake_trials.url, timeout_s=0.2, retries=1))
    assert time.perf_counter() - t0 < 1.5


def test_unreachable_service():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(EngineError, match="cannot connect"):
        fetch_studies(Q, _settings(f"http://127.0.0.1:{port}/api/v2", retries=1))


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ((DATA / "malformed.txt").read_bytes(), "not JSON"),
        ((DATA / "bad_shape.json").read_bytes(), "no 'studies' list"),
        (b'{"studies": [], "nextPageToken": 5}', "nextPageToken is not text"),
        (b'{"studies": [1]}', "a study is not an object"),
        (b'{"studies": [], "totalCount": -1}', "totalCount"),
    ],
)
def test_malformed_responses(fake_trials, body, match):
    fake_trials.then(Scripted(200, body))
    with pytest.raises(FormatError, match=match):
        fetch_studies(Q, _settings(fake_trials.url))


def test_politeness_interval_between_requests(fake_trials):
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    fetch_studies(Q, _settings(fake_trials.url, min_interval_s=0.05), sleep=sleep)
    assert len(slept) >= 2 and all(0 < w <= 0.05 for w in slept)


def test_api_url_from_option_environment_default(monkeypatch):
    assert api_url(None) == "https://clinicaltrials.gov/api/v2"
    monkeypatch.setenv("VIVO_TRIALS_URL", "http://mirror.example/api/v2/")
    assert api_url(None) == "http://mirror.example/api/v2"
    assert api_url("https://other.example/v2") == "https://other.example/v2"
    for bad in ("ftp://x", "http://[::1", "http://host:port/", "http://a b/", "http://", "x"):
        with pytest.raises(InputError, match="not an http"):
            api_url(bad)


def test_cache_is_complete_and_read_back(fake_trials, _own_cache):
    answer = fetch_studies(Q, _settings(fake_trials.url))
    path = cache_file(fake_trials.url, Q, 500)
    write_cache(answer, path)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left
    doc = json.loads(path.read_text())
    assert doc["format"] == CACHE_FORMAT and doc["retrieved"] == answer.retrieved
    back = read_cache(path)
    assert back is not None and back.from_cache and back.studies == answer.studies
    assert back.age_days() < 0.01
    assert read_cache(path.with_name("absent.json")) is None
    path.write_text("{ truncated")
    with pytest.raises(DataError, match="damaged"):
        read_cache(path)


def test_failed_search_leaves_no_cache(fake_trials, fast, _own_cache):
    fake_trials.then(Scripted(200, (DATA / "page1.json").read_bytes()), Scripted(200, b"oops"))
    with pytest.raises(FormatError):
        find_trials(TrialsRequest(disease="sickle cell disease", api_url=fake_trials.url))
    assert not (_own_cache / "trials").exists() or not any((_own_cache / "trials").iterdir())


def test_offline_reads_the_cache_and_says_how_old(fake_trials, fast):
    req = TrialsRequest(disease="sickle cell disease", api_url=fake_trials.url)
    online = find_trials(req)
    assert online.source == "online" and online.fetched == 10 and len(online.skipped) == 1
    n = len(fake_trials.requests)
    offline = find_trials(
        TrialsRequest(
            disease="sickle cell disease", api_url=fake_trials.url, mode="offline", age_years=8
        )
    )
    assert len(fake_trials.requests) == n  # no network
    assert offline.source == "cache" and offline.retrieved == online.retrieved
    assert "ago" in offline.age_text()
    assert all(s.min_age_years is None or s.min_age_years <= 8 for s in offline.studies)
    with pytest.raises(DataError, match="no cached"):
        find_trials(TrialsRequest(disease="other disease", api_url=fake_trials.url, mode="offline"))
    none = find_trials(
        TrialsRequest(disease="other disease", api_url=fake_trials.url, mode="cache")
    )
    assert none.source == "none" and none.studies == ()


def test_result_to_dict(fake_trials, fast):
    d = find_trials(
        TrialsRequest(
            disease="sickle cell disease", api_url=fake_trials.url, modalities=("gene_editing",)
        )
    ).to_dict()
    assert d["kind"] == "vivo.trials" and d["shown"] == 3 and d["total_count"] == 10
    assert {s["nct_id"] for s in d["studies"]} == {"NCT05329649", "NCT05477563", "NCT04208529"}
    assert d["studies"][0]["modality"]["rule"] == "product"
    json.dumps(d, allow_nan=False)


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"age_years": 121}, "age must be"),
        ({"age_years": float("nan")}, "age must be"),
        ({"modalities": ("magic",)}, "unknown modality"),
        ({"mode": "sometimes"}, "unknown mode"),
    ],
)
def test_request_checks(kw, match):
    with pytest.raises(InputError, match=match):
        TrialsRequest(disease="x", **kw)
