"""The web application through FastAPI's TestClient: every route, good and bad inputs."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from .conftest import wait_job

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'vivo[web]'")
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx")

DATA = Path(__file__).resolve().parents[1] / "data"


def _token(client) -> str:  # type: ignore[no-untyped-def]
    return str(client.cookies.get("vivo_csrf"))


def _job_id(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text[:500]
    return str(response.headers["location"].rsplit("/", 1)[-1])


# ---------------------------------------------------------------------------- pages and API
@pytest.mark.parametrize(
    "path", ["/plan", "/design", "/offtargets", "/knowledge", "/genomes", "/jobs", "/docs"]
)
def test_pages_render_offline_with_security_headers(client, path: str) -> None:  # type: ignore[no-untyped-def]
    r = client.get(path)
    assert r.status_code == 200
    assert "text/html" in r.headers["content-type"]
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1]
    assert (
        "http://" not in r.text.split("<main>")[0] and "https://" not in r.text.split("<main>")[0]
    )
    assert "<script>" not in r.text  # no inline script: one file served by the app


def test_root_redirects_to_plan_and_static_files_are_served(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/", follow_redirects=False).headers["location"] == "/plan"
    assert "makeSortable" in client.get("/static/app.js").text
    assert client.get("/static/../settings.py").status_code == 404


def test_health_openapi_and_offline_docs(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/health").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert "/api/plan" in spec["paths"] and "/api/jobs/{job_id}" in spec["paths"]
    docs = client.get("/docs").text
    assert "/api/plan" in docs and "swagger" not in docs.lower() and "cdn" not in docs.lower()


def test_unknown_routes_and_jobs_are_404_without_traces(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/nope", "/jobs/0123", "/jobs/" + "a" * 32, "/api/jobs/../../etc/passwd",
                 "/api/jobs/" + "b" * 32, "/jobs/" + "c" * 32 + "/files/x"):  # fmt: skip
        r = client.get(path)
        assert r.status_code == 404, path
        assert "Traceback" not in r.text and 'File "' not in r.text


# ------------------------------------------------------------------------------------ knowledge
def test_knowledge_page_filters_and_sources(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/knowledge", params={"modality": "gene_editing"})
    assert "Casgevy" in r.text and "Zolgensma" not in r.text
    assert 'rel="noopener noreferrer"' in r.text  # sources are links
    r = client.get("/knowledge", params={"target": "CD19", "vector": "LV"})
    assert "Kymriah" in r.text
    r = client.get("/knowledge", params={"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in r.text and "&lt;script&gt;" in r.text


def test_knowledge_api(client) -> None:  # type: ignore[no-untyped-def]
    rows = client.get("/api/knowledge/products", params={"status": "withdrawn"}).json()["products"]
    assert rows and all(p["status"] == "withdrawn" for p in rows)
    assert all(p["sources"] for p in rows)
    diseases = client.get("/api/knowledge/diseases", params={"q": "HBB"}).json()["diseases"]
    assert any("sickle" in d["name"] for d in diseases)
    terms = client.get("/api/knowledge/glossary", params={"q": "homology"}).json()["terms"]
    assert terms and all(t["sources"] is not None for t in terms)
    assert client.get("/api/knowledge/explain/HDR").json()["term"]["term"]
    r = client.get("/api/knowledge/explain/no-such-term-xyz")
    assert r.status_code == 400 and "error" in r.json()


# ----------------------------------------------------------------------------------- the plan
@pytest.fixture(scope="module")
def plan_job(client) -> dict:  # type: ignore[no-untyped-def,type-arg]
    form = {"gene": "HBB", "variant": "c.20A>T", "zygosity": "homozygous"}
    r = client.post("/plan", data={**form, "csrf_token": _token(client)}, follow_redirects=False)
    return wait_job(client, _job_id(r))


def test_plan_job_ranked_strategies_maps_and_downloads(client, plan_job) -> None:  # type: ignore[no-untyped-def]
    assert plan_job["status"] == "done", plan_job["message"]
    t0 = time.perf_counter()
    page = client.get(f"/jobs/{plan_job['id']}")
    assert time.perf_counter() - t0 < 2.0  # the page renders within 2 s of the job finishing
    assert "Ranked strategies" in page.text and "Ex vivo" in page.text
    assert "data:image/svg+xml;base64," in page.text  # construct map / plots
    names = {f["name"] for f in plan_job["files"]}
    assert {"dossier/plan.json", "dossier/report.html", "sections.tsv", "sites.bed"} <= names
    assert any(n.endswith(".gb") for n in names)
    data = client.get(f"/jobs/{plan_job['id']}/files/dossier/plan.json").json()
    assert data["kind"] == "vivo.plan" and data["plan"]["question"]["gene"] == "HBB"
    bed = client.get(f"/api/jobs/{plan_job['id']}/files/sites.bed").text
    assert bed.startswith("track") and "U01317.1\t" in bed
    gb = next(n for n in names if n.endswith(".gb"))
    assert client.get(f"/jobs/{plan_job['id']}/files/{gb}").text.startswith("LOCUS")
    report = client.get(f"/jobs/{plan_job['id']}/report")
    assert "sandbox" in report.headers["content-security-policy"]
    assert "<html" in report.text


def test_files_outside_the_listing_are_never_served(client, plan_job) -> None:  # type: ignore[no-untyped-def]
    base = f"/jobs/{plan_job['id']}/files/"
    for name in ("../params.json", "../status.json", "..%2Fstatus.json", "/etc/passwd",
                 "dossier/.vivo-output", "../log.txt"):  # fmt: skip
        assert client.get(base + name).status_code == 404, name


def test_plan_bad_hgvs_is_one_line_in_the_form(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/plan", data={"gene": "HBB", "variant": "c.20A>>T",
                                   "csrf_token": _token(client)})  # fmt: skip
    assert r.status_code == 400
    assert 'id="form-error"' in r.text and "c.20A&gt;&gt;T" in r.text


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"gene": "", "variant": ""}, "give a gene"),
        ({"gene": "HBB", "variant": "c.20A>T", "age": "abc"}, "must be a number"),
        ({"gene": "HBB", "variant": "c.20A>T", "weight": "9999"}, "must be from"),
        ({"gene": "HBB", "variant": "c.20A>T", "zygosity": "triploid"}, "unknown zygosity"),
        ({"gene": "HBB", "variant": "c.20A>T", "offtarget_genome": "../../etc"}, "no indexed"),
        ({"gene": "HBB" * 100}, "too long"),
        ({"gene": "HB\x00B"}, "control characters"),
    ],
)
def test_plan_bad_fields(client, form: dict, words: str) -> None:  # type: ignore[no-untyped-def,type-arg]
    r = client.post("/plan", data={**form, "csrf_token": _token(client)})
    assert r.status_code == 400 and words in r.text


def test_script_in_gene_and_variant_is_escaped(client) -> None:  # type: ignore[no-untyped-def]
    evil = "<script>alert('x')</script>"
    r = client.post("/plan", data={"gene": evil, "variant": evil, "csrf_token": _token(client)})
    assert r.status_code in (303, 400)
    text = r.text if r.status_code == 400 else client.get(r.headers["location"]).text
    assert evil not in text and "&lt;script&gt;" in text


def test_forms_without_the_csrf_token_are_refused(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/plan", "/design/guides", "/offtargets", "/genomes"):
        r = client.post(path, data={"gene": "HBB", "csrf_token": "forged"})
        assert r.status_code == 400 and "security token" in r.text, path
    r = client.post("/plan", data={"gene": "HBB"})
    assert r.status_code == 400


# -------------------------------------------------------------------------------------- API jobs
def test_api_plan_and_errors(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/plan", json={"gene": "HBB", "variant": "c.20A>>T"})
    assert r.status_code == 400 and "c.20A>>T" in r.json()["error"]
    r = client.post("/api/plan", content=json.dumps({"gene": "HBB"}),
                    headers={"content-type": "text/plain"})  # fmt: skip
    assert r.status_code in (400, 422)
    r = client.post("/api/plan", json={"gene": "HBB", "age": "old"})
    assert r.status_code == 422 and "error" in r.json()
    r = client.post("/api/plan", json={"gene": "HBB", "variant": "c.20A>T", "seed": -1})
    assert r.status_code == 400


def test_api_plan_takes_exon_deletions(client) -> None:  # type: ignore[no-untyped-def]
    """DMD deletions as reported (uncertain breakpoints) or as exon numbers are accepted;
    exons with a variant, or a bad exon change, are refused before any job starts."""
    head = {"X-Vivo-Client": "1"}
    ok = [
        {"gene": "DMD", "exons": "48-50"},
        {"gene": "DMD", "exons": "2", "exon_change": "dup"},
        {"gene": "DMD", "variant": "c.(6912+1_6913-1)_(7309+1_7310-1)del"},
    ]
    for body in ok:
        r = client.post("/api/plan", json=body)
        assert r.status_code == 202, (body, r.text)
        client.post(f"/api/jobs/{r.json()['job']}/cancel", headers=head)
    r = client.post("/api/plan", json={"gene": "DMD", "exons": "48-50", "variant": "c.1A>T"})
    assert r.status_code == 400 and "not both" in r.json()["error"]
    r = client.post("/api/plan", json={"gene": "DMD", "exons": "48-50", "exon_change": "inv"})
    assert r.status_code in (400, 422)


def test_api_design_jobs(client) -> None:  # type: ignore[no-untyped-def]
    jobs = {
        "guides": client.post("/api/guides", json={"gene": "HBB", "around": "c.20A>T", "top": 5}),
        "edit": client.post("/api/edit", json={"variant": "HBB c.20A>T", "strategy": "base"}),
        "car": client.post("/api/car", json={"target": "CD19"}),
        "car_liso": client.post("/api/car", json={
            "target": "CD19", "leader": "GM-CSFRa", "hinge": "IgG4-short", "tm": "CD28",
            "safety_switch": "EGFRt", "skip": "P2A"}),
    }  # fmt: skip
    for kind, r in jobs.items():
        assert r.status_code == 202, (kind, r.text)
    docs = {k: wait_job(client, r.json()["job"]) for k, r in jobs.items()}
    for kind, d in docs.items():
        assert d["status"] == "done", (kind, d["message"])
    guides = docs["guides"]["result"]["guides"]
    assert len(guides) == 5 and guides[0]["rank"] == 1
    page = client.get(f"/jobs/{docs['guides']['id']}").text
    assert 'id="guides-table"' in page and 'class="filter"' in page
    assert client.get(f"/jobs/{docs['guides']['id']}/files/guides.tsv").text.startswith("rank")
    car = client.get(f"/jobs/{docs['car']['id']}").text
    assert "checks-table" in car and ".map.svg" in car
    assert any(f["name"].endswith(".gb") for f in docs["car"]["files"])
    liso = json.dumps(docs["car_liso"]["result"])
    assert "IgG4" in liso and "P2A" in liso and "EGFR" in liso, liso[:3000]
    edit = client.get(f"/jobs/{docs['edit']['id']}").text
    assert 'id="edit-table"' in edit


@pytest.mark.parametrize(
    ("path", "body", "words"),
    [
        ("/api/guides", {}, "give a gene"),
        ("/api/guides", {"gene": "HBB", "nuclease": "NoSuchCas"}, "unknown nuclease"),
        ("/api/edit", {"variant": "HBB c.20A>T", "strategy": "magic"}, "unknown strategy"),
        ("/api/edit", {"variant": ""}, "required"),
        ("/api/cassette", {"transgene": ""}, "required"),
        ("/api/car", {"target": "x" * 500}, "too long"),
        ("/api/car", {"target": "CD19", "skip": "X2A"}, "unknown skip"),
        ("/api/car", {"target": "CD19", "hinge": "magic"}, "unknown hinge"),
        ("/api/car", {"target": "CD19", "safety_switch": "iCasp9"}, "not bundled"),
        ("/api/car", {"target": "NOPE"}, "NOPE"),
        ("/api/car", {"target": "CD19", "skip": "P2A"}, "needs a protein to co-express"),
        ("/api/offtargets", {"genome": "nope", "guides": ["ACGT" * 5]}, "no indexed genome"),
        ("/api/offtargets", {"genome": "nope", "guides": ["<script>"]}, "not a spacer"),
        ("/api/offtargets", {"genome": "nope", "guides": []}, "at least one"),
    ],
)
def test_api_bad_inputs(client, path: str, body: dict, words: str) -> None:  # type: ignore[no-untyped-def,type-arg]
    r = client.post(path, json=body)
    assert r.status_code in (400, 422), r.text
    assert words in r.json()["error"]


def test_design_form_error_stays_in_its_form(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/design/edit", data={"variant": "HBB c.20A>>T", "csrf_token": _token(client)})
    assert r.status_code == 400 and 'id="form-error"' in r.text
    assert client.post("/design/nope", data={"csrf_token": _token(client)}).status_code == 404


def test_cancel_a_queued_and_a_finished_job(client, web_settings) -> None:  # type: ignore[no-untyped-def]
    manager = client.app.state.jobs
    job = manager.create("plan", title="t", client="someone-else")  # never started: queued
    r = client.post(f"/api/jobs/{job.id}/cancel", headers={"X-Vivo-Client": "1"})
    assert r.json()["cancelled"] is True and r.json()["status"] == "cancelled"
    r = client.post(f"/api/jobs/{job.id}/cancel", headers={"X-Vivo-Client": "1"})
    assert r.json()["cancelled"] is False
    assert client.post(f"/api/jobs/{job.id}/cancel").status_code == 400  # no header: CSRF guard
    r = client.post(f"/jobs/{job.id}/cancel", data={"csrf_token": _token(client)},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303


def test_cancel_needs_a_real_json_media_type(client) -> None:  # type: ignore[no-untyped-def]
    """A content type that merely mentions application/json is not JSON (CSRF guard)."""
    job = client.app.state.jobs.create("plan", title="t", client="someone-else")
    for kind in ("text/plain; application/json", "text/plain;charset=application/json"):
        r = client.post(f"/api/jobs/{job.id}/cancel", content=b"{}", headers={"content-type": kind})
        assert r.status_code == 400, kind
    assert job.status == "queued"
    r = client.post(f"/api/jobs/{job.id}/cancel", content=b"{}",
                    headers={"content-type": "Application/JSON; charset=utf-8"})  # fmt: skip
    assert r.status_code == 200 and r.json()["cancelled"] is True


def test_cancel_a_running_job_stops_its_process(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/plan", json={"gene": "HBB", "variant": "c.20A>T", "seed": 7})
    job_id = r.json()["job"]
    end = time.monotonic() + 60
    while client.get(f"/api/jobs/{job_id}").json()["status"] == "queued":
        assert time.monotonic() < end
        time.sleep(0.05)
    client.post(f"/api/jobs/{job_id}/cancel", headers={"X-Vivo-Client": "1"})
    doc = wait_job(client, job_id, timeout=30)
    assert doc["status"] == "cancelled" and doc["result"] is None


def test_per_client_job_cap(web_settings, tmp_path: Path) -> None:
    from vivo.web.jobs import JobLimitError, JobManager

    m = JobManager(tmp_path, workers=1, max_per_client=2)
    m.create("plan", title="a", client="c1")
    m.create("plan", title="b", client="c1")
    with pytest.raises(JobLimitError, match="limit 2"):
        m.create("plan", title="c", client="c1")
    m.create("plan", title="d", client="c2")  # another client is not blocked
    m.shutdown()


def test_jobs_expire_and_survive_a_restart(tmp_path: Path) -> None:
    from vivo.web.jobs import JobManager

    m = JobManager(tmp_path, workers=1, keep_s=3600)
    job = m.create("plan", title="old", client="c")
    m.cancel(job)
    m.shutdown()
    again = JobManager(tmp_path, workers=1, keep_s=3600)
    assert again.get(job.id) is not None and again.get(job.id).status == "cancelled"  # type: ignore[union-attr]
    again.keep_s = 0
    again.expire()
    assert again.get(job.id) is None and not (tmp_path / job.id).exists()
    again.shutdown()


@pytest.mark.parametrize(
    "damage",
    [
        {"created": None},
        {"created": "yesterday"},
        {"started": "soon"},
        {"finished": [1]},
        {"status": "exploded"},
        "missing-created",
    ],
)
def test_damaged_job_records_are_skipped_at_start_up(
    tmp_path: Path, damage: object, caplog: pytest.LogCaptureFixture
) -> None:
    """A damaged status.json (missing key, not a number, null) is logged and skipped; the
    other jobs still load and the server starts."""
    from vivo.web.jobs import JobManager

    m = JobManager(tmp_path, workers=1, keep_s=3600)
    good, bad = (
        m.create("plan", title="good", client="c"),
        m.create("plan", title="bad", client="c"),
    )
    m.cancel(good)
    m.cancel(bad)
    m.shutdown()
    record = json.loads((bad.folder / "status.json").read_text())
    if damage == "missing-created":
        del record["created"]
    else:
        record.update(damage)  # type: ignore[call-overload]
    (bad.folder / "status.json").write_text(json.dumps(record))
    with caplog.at_level("WARNING", logger="vivo.web"):
        again = JobManager(tmp_path, workers=1, keep_s=3600)
    assert again.get(good.id) is not None and again.get(bad.id) is None
    assert f"skipped job folder {bad.id}" in caplog.text
    again.shutdown()


# ------------------------------------------------------------------------- genomes, off-targets
def _fasta(tmp_path: Path, header: str) -> bytes:
    seq = (DATA / "broken" / "valid.fa").read_text().split("\n", 1)[1]
    return f">{header}\n{seq}".encode()


def test_a_genome_name_in_use_is_refused_over_the_web(
    client, web_home: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A name whose store folder exists, or that a queued job is indexing, is refused with a
    clear message and no job; the CLI's genome_params check is not involved."""
    manager = client.app.state.jobs
    (web_home / "taken").mkdir(exist_ok=True)
    queued = manager.create("genome", title="index pending", client="someone-else")
    files = {"fasta": ("g.fa", _fasta(tmp_path, "chrT"), "text/plain")}
    try:
        before = len(manager.jobs())
        for name in ("taken", "pending"):
            r = client.post("/api/genomes", data={"name": name}, files=files,
                            headers={"X-Vivo-Client": "1"})  # fmt: skip
            assert r.status_code == 400 and "already installed" in r.json()["error"], r.text
            r = client.post("/genomes", files=files,
                            data={"name": name, "csrf_token": _token(client)})  # fmt: skip
            assert r.status_code == 400 and 'id="form-error"' in r.text
            assert "already installed" in r.text
        assert len(manager.jobs()) == before
    finally:
        manager.cancel(queued)
        (web_home / "taken").rmdir()


def test_genome_upload_job_then_offtargets_stream_and_tsv(client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    evil = "chr<script>alert(1)</script>"
    files = {"fasta": ("toy.fa", _fasta(tmp_path, evil), "text/plain")}
    r = client.post("/genomes", data={"name": "toy", "nuclease": "SpCas9",
                                      "csrf_token": _token(client)}, files=files,
                    follow_redirects=False)  # fmt: skip
    doc = wait_job(client, _job_id(r))
    assert doc["status"] == "done", doc["message"]
    page = client.get(f"/jobs/{doc['id']}").text
    assert "Genome toy indexed" in page
    listing = client.get("/genomes").text
    assert "toy" in listing and "<script>alert(1)" not in listing
    assert client.get("/api/genomes").json()["genomes"][0]["name"] == "toy"
    assert "path" not in client.get("/api/genomes").json()["genomes"][0]
    # an installed genome is never replaced over the web (page or API): no job starts
    before = len(client.app.state.jobs.jobs())
    r = client.post("/genomes", data={"name": "toy", "csrf_token": _token(client)}, files=files)
    assert r.status_code == 400 and "already installed" in r.text
    r = client.post("/api/genomes", data={"name": "toy"}, files=files,
                    headers={"X-Vivo-Client": "1"})  # fmt: skip
    assert r.status_code == 400 and "already installed" in r.json()["error"]
    assert len(client.app.state.jobs.jobs()) == before
    seq = _fasta(tmp_path, "x").decode().split("\n", 1)[1].replace("\n", "")
    with_pam = [i for i in range(len(seq) - 23) if seq[i + 21 : i + 23] == "GG"]
    spacers = [seq[i : i + 20] for i in with_pam[::7][:5]]  # each has an NGG PAM: on-target
    r = client.post("/offtargets", data={"genome": "toy", "guides": "\n".join(spacers),
                                         "mismatches": "3", "csrf_token": _token(client)},
                    follow_redirects=False)  # fmt: skip
    doc = wait_job(client, _job_id(r))
    assert doc["status"] == "done", doc["message"]
    assert doc["partial"]["done"] == 5 and len(doc["result"]["guides"]) == 5
    tsv = client.get(f"/jobs/{doc['id']}/files/offtargets.tsv").text
    assert tsv.splitlines()[0].startswith("guide\t") and len(tsv.splitlines()) > 5
    page = client.get(f"/jobs/{doc['id']}").text
    assert 'id="offtarget-table"' in page
    assert "chr&lt;script&gt;" in page and "<script>alert(1)" not in page  # the FASTA header


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.fa", b"", "empty"),
        ("binary.fa", (DATA / "broken" / "binary.fa").read_bytes(), "FASTA"),
        ("notes.txt", b"hello world\n", "FASTA"),
        ("only_header.fa", b">x\n", "only_header.fa"),
        ("big.fa", b">x\n" + b"ACGT" * 300_000, "larger than"),
    ],
)
def test_bad_uploads_are_a_message_on_the_page(
    client, name: str, content: bytes, words: str
) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/genomes", data={"name": "bad", "csrf_token": _token(client)},
                    files={"fasta": (name, content, "application/octet-stream")})  # fmt: skip
    assert r.status_code in (400, 413), r.text[:300]
    assert words in r.text and "Traceback" not in r.text
    assert "/tmp" not in r.text  # the server's paths are never shown


@pytest.mark.parametrize("path", ["/genomes", "/api/genomes", "/api/plan"])
def test_a_chunked_body_over_the_limit_is_413(client, path: str) -> None:  # type: ignore[no-untyped-def]
    """A body streamed without Content-Length is refused with 413 (not the parser's 400)
    once it passes the limit, and no job starts."""
    boundary = "vivoboundary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nbig\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="fasta"; filename="b.fa"\r\n'
            "Content-Type: text/plain\r\n\r\n>x\n").encode()  # fmt: skip

    def body():  # type: ignore[no-untyped-def]
        yield head
        for _ in range(20):  # 20 x 64 KiB: past the 1 MB limit (+64 KiB for the fields)
            yield b"ACGT" * 16384

    before = len(client.app.state.jobs.jobs())
    kind = (
        "application/json" if path == "/api/plan" else f"multipart/form-data; boundary={boundary}"
    )
    r = client.post(path, content=body(), headers={"content-type": kind, "X-Vivo-Client": "1"})
    assert "content-length" not in r.request.headers
    assert r.status_code == 413, r.text[:300]
    assert "larger than this server accepts" in r.json()["error"]
    assert len(client.app.state.jobs.jobs()) == before


def test_upload_name_and_api_guard(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/genomes", data={"name": "../evil", "csrf_token": _token(client)},
                    files={"fasta": ("a.fa", b">a\nACGT\n", "text/plain")})  # fmt: skip
    assert r.status_code == 400 and "not allowed" in r.text
    r = client.post("/api/genomes", data={"name": "x"}, files={"fasta": ("a.fa", b">a\nACGT\n")})
    assert r.status_code == 400 and "X-Vivo-Client" in r.json()["error"]


def test_internal_errors_do_not_leak(client, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import vivo.web.knowledge as kb

    def boom(**_: object) -> None:
        raise RuntimeError("secret detail /etc/shadow")

    monkeypatch.setattr(kb, "products", boom)
    r = client.get("/api/knowledge/products")
    assert r.status_code == 500 and "secret" not in r.text and "Traceback" not in r.text


def test_an_identical_job_reuses_the_finished_files(client) -> None:  # type: ignore[no-untyped-def]
    body = {"gene": "HBB", "exon": 1, "top": 3}
    first = wait_job(client, client.post("/api/guides", json=body).json()["job"])
    t0 = time.perf_counter()
    second = wait_job(client, client.post("/api/guides", json=body).json()["job"])
    assert second["status"] == "done" and second["id"] != first["id"]
    assert time.perf_counter() - t0 < 5
    assert second["result"] == first["result"]
    assert {f["name"] for f in second["files"]} == {f["name"] for f in first["files"]}
    other = wait_job(client, client.post("/api/guides", json={**body, "top": 2}).json()["job"])
    assert len(other["result"]["guides"]) == 2  # other parameters: a new run


# ------------------------------------------------------------------------------ VCF and trials
def test_plan_from_an_uploaded_vcf(client) -> None:  # type: ignore[no-untyped-def]
    vcf = (DATA / "vcf" / "hbs_b0_trans_plain.vcf").read_bytes()
    r = client.post("/plan", data={"gene": "HBB", "csrf_token": _token(client)},
                    files={"vcf": ("patient <b>1</b>.vcf", vcf, "text/plain")},
                    follow_redirects=False)  # fmt: skip
    doc = wait_job(client, _job_id(r))
    assert doc["status"] == "done", doc["message"]
    assert "patient &lt;b&gt;1&lt;/b&gt;.vcf" in client.get(f"/jobs/{doc['id']}").text
    plan = client.get(f"/jobs/{doc['id']}/files/dossier/plan.json").json()["plan"]
    assert len(plan["question"]["variants"]) == 2  # HbS and the beta0 allele, in trans
    # the dossier names the uploaded file, never the server's job folder
    data_dir = str(client.app.state.settings.data_dir)
    for name in ("plan.json", "report.html"):
        text = client.get(f"/jobs/{doc['id']}/files/dossier/{name}").text
        assert data_dir not in text and "/jobs/" not in text and "input/patient" not in text
    assert "patient <b>1</b>.vcf" in json.dumps(
        client.get(f"/jobs/{doc['id']}/files/dossier/plan.json").json()["provenance"]
    )


def test_a_vcf_error_in_the_job_names_the_upload_not_the_server_path(client) -> None:  # type: ignore[no-untyped-def]
    """A REF mismatch found while the plan job reads the VCF names the user's file."""
    vcf = (DATA / "vcf" / "broken_ref_mismatch.vcf").read_bytes()
    r = client.post("/api/plan/vcf", data={"gene": "HBB"}, headers={"X-Vivo-Client": "1"},
                    files={"vcf": ("my sample.vcf", vcf, "text/plain")})  # fmt: skip
    assert r.status_code == 202, r.text
    doc = wait_job(client, r.json()["job"])
    assert doc["status"] == "failed"
    data_dir = str(client.app.state.settings.data_dir)
    assert "my sample.vcf" in doc["message"], doc["message"]
    assert data_dir not in doc["message"] and "patient.vcf" not in doc["message"]
    assert data_dir not in client.get(f"/jobs/{doc['id']}").text


@pytest.mark.parametrize(
    ("form", "content", "words"),
    [
        ({"gene": "HBB"}, b"not a vcf\n", "VCF"),
        ({"gene": "HBB", "variant": "c.20A>T"}, b"##fileformat=VCFv4.2\n", "not both"),
        ({"gene": "HBB", "zygosity": "homozygous"}, b"##fileformat=VCFv4.2\n", "zygosity"),
    ],
)
def test_bad_vcf_uploads(client, form: dict, content: bytes, words: str) -> None:  # type: ignore[no-untyped-def,type-arg]
    r = client.post("/plan", data={**form, "csrf_token": _token(client)},
                    files={"vcf": ("p.vcf", content, "text/plain")})  # fmt: skip
    assert r.status_code == 400 and words in r.text and "/tmp" not in r.text


def test_trials_page_and_api_from_the_cache(client) -> None:  # type: ignore[no-untyped-def]
    assert 'id="trials-form"' in client.get("/trials").text
    r = client.post("/trials", data={"csrf_token": _token(client)})
    assert r.status_code == 400 and "give a disease" in r.text
    r = client.post("/api/trials", json={"disease": "sickle cell disease", "mode": "teleport"})
    assert r.status_code == 400 and "unknown mode" in r.json()["error"]
    r = client.post("/api/trials", json={"disease": "sickle cell disease", "age": 500})
    assert r.status_code == 400
    r = client.post("/api/trials", json={"disease": "<script>x</script> cell", "mode": "cache"})
    doc = wait_job(client, r.json()["job"])
    assert doc["status"] == "done", doc["message"]  # no cached answer: no studies, no network
    assert doc["result"]["kind"] == "vivo.trials" and doc["result"]["source"] in ("none", "cache")
    page = client.get(f"/jobs/{doc['id']}").text
    assert 'id="trials-table"' in page and "<script>x</script>" not in page


def test_identical_jobs_wait_for_the_running_one_without_a_worker(tmp_path: Path) -> None:
    from vivo.web.jobs import JobManager

    m = JobManager(tmp_path, workers=1, max_per_client=10)
    from vivo.web.forms import guide_params

    params = guide_params({"gene": "HBB", "exon": "2", "top": "2"})
    jobs = [m.create("guides", title=str(i), client="c") for i in range(4)]
    for j in jobs:
        m.start(j, params)
    m.cancel(jobs[1])  # a waiting follower: cancelled at once, the others still follow
    for j in jobs:
        m.wait(j, timeout=120)
    assert [j.status for j in jobs] == ["done", "cancelled", "done", "done"]
    first = (jobs[0].folder / "result.json").read_text()
    assert all((j.folder / "result.json").read_text() == first for j in (jobs[2], jobs[3]))
    assert not (jobs[2].folder / "progress.json").exists()  # reused, never run
    m.shutdown()


def test_api_plan_from_a_vcf_upload_checks_before_running(client) -> None:  # type: ignore[no-untyped-def]
    vcf = (DATA / "vcf" / "hbs_b0_trans_plain.vcf").read_bytes()
    files = {"vcf": ("p.vcf", vcf, "text/plain")}
    r = client.post("/api/plan/vcf", data={"gene": "HBB"}, files=files)
    assert r.status_code == 400 and "X-Vivo-Client" in r.json()["error"]
    head = {"X-Vivo-Client": "test"}
    r = client.post("/api/plan/vcf", data={"gene": "HBB"}, headers=head,
                    files={"vcf": ("p.vcf", b"garbage\n", "text/plain")})  # fmt: skip
    assert r.status_code == 400 and "p.vcf" in r.json()["error"] and "/tmp" not in r.text
    r = client.post("/api/plan/vcf", data={"gene": "HBB", "assembly": "hg99"}, headers=head,
                    files=files)  # fmt: skip
    assert r.status_code == 400 and "unknown assembly" in r.json()["error"]
    r = client.post("/api/plan/vcf", data={"gene": "HBB"}, headers=head, files=files)
    assert r.status_code == 202
    client.post(f"/api/jobs/{r.json()['job']}/cancel", headers=head)  # the page test runs one
    assert wait_job(client, r.json()["job"])["status"] in ("cancelled", "done")
