"""A plan over the web on a genome fetched with its annotation (`vivo genome fetch NAME
--annotation`) instead of the bundled locus: the form lists it, the job runs on it, and a
name that is not an annotated fetched genome (or a path) is refused."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import wait_job

pytest.importorskip("genomepy", reason="genomepy (the vivo[fetch] extra) is not installed")


@pytest.fixture(scope="module")
def fetched(web_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bundled locus (sequence and genes, HBB included) served in UCSC's layout by a
    local server and fetched into the web server's store as 'locus1'."""
    from vivo.genome import beta_globin_locus
    from vivo.io.gtf import write_gtf
    from vivo.workflows.genome_fetch import fetch_genome

    ag = beta_globin_locus()
    (contig,) = ag.genome.contig_names()
    root = tmp_path_factory.mktemp("www")
    big = root / "goldenPath" / "locus1" / "bigZips"
    (big / "genes").mkdir(parents=True)
    seq = ag.genome.fetch_region(contig, 0, ag.genome.contig_length(contig))
    fa = gzip.compress(f">{contig}\n{seq}\n".encode(), mtime=0)
    (big / "locus1.fa.gz").write_bytes(fa)
    (big / "md5sum.txt").write_text(f"{hashlib.md5(fa).hexdigest()}  locus1.fa.gz\n")
    genes = [ag.annotation.gene(n) for n in ("HBB", "HBD", "HBG1", "HBG2", "HBE1")]
    gtf = write_gtf(genes, big / "genes" / "tmp.gtf")
    (big / "genes" / "locus1.ncbiRefSeq.gtf.gz").write_bytes(gzip.compress(gtf.read_bytes()))
    gtf.unlink()

    def handler(*a, **k):  # type: ignore[no-untyped-def]
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

        return Quiet(*a, directory=str(root), **k)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}/goldenPath"
        fetch_genome("locus1", annotation=True, mirror=base, home=web_home)
        yield "locus1"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_plan_on_a_fetched_annotated_genome(client, fetched: str) -> None:  # type: ignore[no-untyped-def]
    assert f'<option value="{fetched}"' in client.get("/plan").text
    assert fetched in client.get("/api/genomes").json()["annotated"]
    r = client.post("/api/plan", json={"gene": "HBB", "variant": "c.20A>T", "genome": fetched})
    assert r.status_code == 202, r.text
    doc = wait_job(client, r.json()["job"])
    assert doc["status"] == "done", doc["message"]
    assert "dossier/plan.json" in {f["name"] for f in doc["files"]}
    plan = client.get(f"/jobs/{doc['id']}/files/dossier/plan.json").json()
    genome = plan["provenance"]["genome"]
    assert genome["name"] == fetched and "fetched into genome store" in genome["source"]
    store = str(client.app.state.settings.genomes_home)
    assert store not in json.dumps(plan)  # no server path, in plan.json or the dossier
    html = client.get(f"/jobs/{doc['id']}/files/dossier/report.html").text
    assert store not in html and "fetched into genome store" in html
    assert "sickle" in json.dumps(plan["plan"]).lower()


@pytest.mark.parametrize("name", ["nope", "../etc/passwd", "/tmp"])
def test_unknown_or_path_genome_is_refused(client, fetched: str, name: str) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/plan", json={"gene": "HBB", "variant": "c.20A>T", "genome": name})
    assert r.status_code == 400
    assert "no annotated genome" in r.json()["error"] and fetched in r.json()["error"]


def test_a_store_given_never_reads_the_name_as_a_path(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With the store given (as vivo serve does), a name that is not fetched there is an
    error even when a file of that name is in the working folder."""
    from vivo.core.errors import InputError
    from vivo.workflows.genomes import resolve_genome

    monkeypatch.chdir(tmp_path)
    (tmp_path / "gone").write_text(">c\nACGT\n")
    with pytest.raises(InputError, match="no genome 'gone' fetched into"):
        resolve_genome("gone", home=str(tmp_path / "store"))
    assert resolve_genome("gone").genome.contig_names() == ["c"]  # the CLI reads the file


def test_designs_on_a_fetched_annotated_genome(client, fetched: str) -> None:  # type: ignore[no-untyped-def]
    """Guides and edit designs run on the fetched genome when it is chosen (the same HBB
    sequence as the bundled locus, so the same guides come back), and the design forms list it."""
    assert client.get("/design").text.count(f'<option value="{fetched}"') == 3
    bodies = {
        "guides": {"gene": "HBB", "around": "c.20A>T", "top": 3},
        "edit": {"variant": "HBB c.20A>T", "strategy": "base"},
    }
    done = {}
    for kind, body in bodies.items():
        for genome in (None, fetched):
            r = client.post(f"/api/{kind}", json={**body, **({"genome": genome} if genome else {})})
            assert r.status_code == 202, r.text
            doc = wait_job(client, r.json()["job"])
            assert doc["status"] == "done", doc["message"]
            done[kind, genome] = doc
    spacers = [
        [g["spacer"] for g in done["guides", g]["result"]["guides"]] for g in (None, fetched)
    ]
    assert spacers[0] == spacers[1] and len(spacers[0]) == 3
    store = str(client.app.state.settings.genomes_home)
    assert all(store not in json.dumps(d) for d in done.values())
    r = client.post("/api/guides", json={"gene": "HBB", "genome": "../x"})
    assert r.status_code == 400 and "no annotated genome" in r.json()["error"]


def test_jobs_on_a_fetched_genome_are_never_served_from_the_job_cache() -> None:
    """The administrator may re-fetch a genome under the same name: such jobs always run."""
    from vivo.web.jobs import _cache_key

    body = {"gene": "HBB", "around": "c.20A>T"}
    assert _cache_key("guides", body) is not None
    assert _cache_key("guides", {**body, "genome": "locus1"}) is None


def test_cassette_cds_from_a_fetched_genome_is_cited(client, fetched: str) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/cassette", json={"transgene": "F9", "genome": fetched})
    assert r.status_code == 400 and "catalogue" in r.json()["error"]
    r = client.post("/api/cassette", json={"transgene": "HBE1", "genome": fetched})
    assert r.status_code == 202, r.text
    doc = wait_job(client, r.json()["job"])
    assert doc["status"] == "done", doc["message"]
    text = json.dumps(doc["result"])
    assert f"the annotation of genome {fetched}" in text and '"user"' not in text
