"""On-disk index: atomic build, version and checksum checks, Dask and CLI end to end."""

from __future__ import annotations

import dataclasses
import json
import os

import numpy as np
import pytest

from vivo.core.errors import DataError, EngineError, InputError
from vivo.editing.offtarget import build_site_index, pack_genome, pam_set, search_offtargets
from vivo.io.fasta import write_fasta
from vivo.workflows import genome_index as gi
from vivo.workflows.offtargets import OffTargetRequest, run_offtargets, write_sites

G = "GACGCATAAAGATGAGACGC"


@pytest.fixture(scope="module")
def genome(tmp_path_factory):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(7)
    body = "".join(rng.choice(list("ACGT"), 3000))
    seq = (
        body[:1000]
        + G
        + "AGG"
        + body[1000:2000].lower()
        + "NNNN"
        + G[:-2]
        + "TT"
        + "TGG"
        + body[2000:]
    )
    path = tmp_path_factory.mktemp("g") / "toy.fa"
    write_fasta([("chrA", seq), ("chrB", body[:500])], path)
    home = tmp_path_factory.mktemp("home")
    gi.build_genome_index("toy", path, home=home, max_sites_per_pass=50)
    return path, home, [("chrA", seq), ("chrB", body[:500])]


def test_disk_index_equals_in_memory_index(genome) -> None:  # type: ignore[no-untyped-def]
    path, home, contigs = genome
    disk = gi.open_index("toy", home=home)
    mem = build_site_index(pack_genome(contigs), pam_set("SpCas9"), key_bases=disk.key_bases)
    assert np.array_equal(disk.win, mem.win) and np.array_equal(disk.pos, mem.pos)
    a = search_offtargets(disk, [G], backend="cpu", max_mismatches=3)
    b = search_offtargets(mem, [G], backend="numpy", max_mismatches=3)
    assert list(a.sites()) == list(b.sites()) and len(list(a.sites())) >= 2


def test_missing_genome_and_nuclease(genome) -> None:  # type: ignore[no-untyped-def]
    _, home, _ = genome
    with pytest.raises(InputError, match="vivo genome add"):
        gi.open_index("absent", home=home)
    with pytest.raises(InputError, match="no site index"):
        gi.open_index("toy", home=home, nuclease="AsCas12a")


def test_changed_source_and_version_are_detected(genome, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _, contigs = genome
    src = tmp_path / "g.fa"
    write_fasta(contigs, src)
    gi.build_genome_index("x", src, home=tmp_path)
    write_fasta([("chrA", "ACGT" * 10)], src)
    os.utime(src, (1, 1))
    with pytest.raises(DataError, match="changed"):
        gi.open_index("x", home=tmp_path)
    meta = json.loads((tmp_path / "x" / "meta.json").read_text())
    meta["vivo_version"] = "0.0.0-old"
    (tmp_path / "x" / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(DataError, match="rebuild"):
        gi.open_index("x", home=tmp_path, check_source=False)


def test_interrupted_build_leaves_nothing(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "g.fa"
    write_fasta([("c", "ACGT" * 100)], src)

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(gi, "_write_sites", boom)
    with pytest.raises(KeyboardInterrupt):
        gi.build_genome_index("y", src, home=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.fa"]
    assert gi.list_genomes(tmp_path) == []


def test_bad_names_and_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError):
        gi.build_genome_index("../evil", tmp_path / "x.fa", home=tmp_path)
    with pytest.raises(InputError):
        gi.build_genome_index("ok", tmp_path / "missing.fa", home=tmp_path)


def test_home_resolution(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VIVO_HOME", str(tmp_path))
    assert gi.genomes_home() == tmp_path / "genomes"
    assert gi.genomes_home(tmp_path / "z") == tmp_path / "z"


def test_dask_local_cluster_matches_cpu(genome) -> None:  # type: ignore[no-untyped-def]
    _, home, _ = genome
    guides = (G, "ACGTTGCAACGTTGCAACGT")
    base = OffTargetRequest("toy", guides, home=str(home), max_mismatches=3, dna_bulges=1)
    local = run_offtargets(base)
    calls: list[tuple[str, int, int, str]] = []
    dask = run_offtargets(OffTargetRequest(**{**_fields(base), "backend": "dask", "shards": 2,
                                              "guides_per_task": 1}),
                          progress=lambda *a: calls.append(a))  # fmt: skip
    assert dask.provenance["backend"].startswith("dask(")
    assert len(calls) == 4 and calls[-1][1:] == (2, 2, "guides")  # 2 guides x 2 shards
    assert list(dask.sites()) == list(local.sites())


def _fields(req):  # type: ignore[no-untyped-def]
    return {f: getattr(req, f) for f in req.__dataclass_fields__}


def test_unreachable_scheduler(genome) -> None:  # type: ignore[no-untyped-def]
    _, home, _ = genome
    req = OffTargetRequest(
        "toy", (G,), home=str(home), backend="dask", scheduler="tcp://127.0.0.1:9"
    )
    with pytest.raises(EngineError, match="scheduler"):
        run_offtargets(req)


def test_writers_and_cli(genome, tmp_path, capsys, cli) -> None:  # type: ignore[no-untyped-def]
    _, home, _ = genome
    run = run_offtargets(OffTargetRequest("toy", (G,), home=str(home), max_mismatches=2))
    tsv = write_sites(run, tmp_path / "o.tsv", "tsv").read_text().splitlines()
    assert tsv[0].startswith("guide\tcontig\tstart") and len(tsv) == 1 + len(list(run.sites()))
    # the spelled-out row writer equals the generic one, field by field
    from vivo.workflows.offtargets import _TSV_FIELDS, _tsv_row, _tsv_value

    for site, line in zip(run.sites(), tsv[1:], strict=True):
        assert line == "\t".join(_tsv_value(getattr(site, f)) for f in _TSV_FIELDS)
        assert line == _tsv_row(site)
        odd = dataclasses.replace(site, cfd=None, mit=None, genes=("A", "B"), region="exon")
        assert _tsv_row(odd) == "\t".join(_tsv_value(getattr(odd, f)) for f in _TSV_FIELDS)
    bed = write_sites(run, tmp_path / "o.bed", "bed").read_text().splitlines()
    assert bed[0].split("\t")[0] == "chrA"
    assert cli(["offtargets", "--genome", "toy", "--home", str(home), G, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema_version"] == "1" and data["guides"][0]["n_sites"] >= 2
    assert cli(["offtargets", "--genome", "toy", "--home", str(home), "ACGN", "--json"]) == 2
    assert cli(["genome", "list", "--home", str(home), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["genomes"][0]["name"] == "toy"


def test_progress_and_bad_options(genome, tmp_path, capsys, cli) -> None:  # type: ignore[no-untyped-def]
    _, home, _ = genome
    calls: list[tuple[str, int, int, str]] = []
    guides = (G,) * 20
    run_offtargets(OffTargetRequest("toy", guides, home=str(home), max_mismatches=1),
                   progress=lambda *a: calls.append(a))  # fmt: skip
    assert calls[0][1:] == (0, 20, "guides") and calls[-1][1:] == (20, 20, "guides")
    assert [c[1] for c in calls] == sorted(c[1] for c in calls)
    base = ["offtargets", "--genome", "toy", "--home", str(home), G]
    binary = tmp_path / "guides.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 20)
    afile = tmp_path / "afile.txt"
    afile.write_text("x")
    for bad in (["--mismatches", "nan"], ["--mismatches", "7"], ["--dna-bulges", "-1"],
                ["--max-hits", "0"], ["--format", "xml"], ["--backend", "tpu"],
                ["--nuclease", "SpCas"], ["--guides", str(binary)], ["-o", str(tmp_path)],
                ["-o", str(afile / "sub")], ["--home", str(afile)],
                ["--guides", str(tmp_path / "missing.txt")]):  # fmt: skip
        capsys.readouterr()
        assert cli(base + bad) == 2, bad
        err = capsys.readouterr().err
        assert err.startswith("vivo: error:") and "Traceback" not in err, bad
    with pytest.raises(InputError, match="backend"):
        OffTargetRequest("toy", (G,), backend="tpu")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile.txt", "guides.txt"]


def test_packing_in_chunks_equals_the_in_memory_genome(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """build.pack_contigs with chunks of any size (odd, 8-aligned, one base) writes the arrays
    of pack_genome."""
    from vivo.editing.offtarget.build import ContigSource, pack_contigs
    from vivo.editing.offtarget.encoding import encode
    from vivo.editing.offtarget.index import masked_runs
    from vivo.io.genome_store import NpyFolder

    rng = np.random.default_rng(3)
    seqs = {"a": "".join(rng.choice(list("ACGTNacgt"), 1003)), "b": "ACGTa", "c": "N" * 17}
    for step in (1, 7, 8, 64, 5000):
        sink = NpyFolder(tmp_path / f"s{step}")
        src = [ContigSource(n, len(s), [encode(s)[i : i + step] for i in range(0, len(s), step)],
                            masked_runs(s)) for n, s in seqs.items()]  # fmt: skip
        assert pack_contigs(src, sink) == list(seqs)
        mem = pack_genome(list(seqs.items()))
        for name in ("packed", "other", "masked", "lengths", "offsets"):
            assert np.array_equal(sink.load(name), getattr(mem, name)), (step, name)
