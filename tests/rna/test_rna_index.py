"""The on-disk cache of transcriptome off-target indexes (vivo.workflows.rna_index)."""

from __future__ import annotations

import functools
import os
import random
import shutil
from pathlib import Path

import numpy as np
import pytest

import vivo.workflows.rna_index as rna_index
from vivo.core.errors import DataError
from vivo.core.seq import reverse_complement
from vivo.rna.offtargets import (
    PamlessIndex,
    ShardedTranscriptome,
    Transcriptome,
    build_seed_index,
    near_searcher,
    search_near_sites,
    seed_index_arrays,
    seed_index_from_arrays,
    seed_matches,
    transcriptome_digest,
)
from vivo.workflows.rna_index import transcriptome_indexes

SHARD = 40_000  # bases: the synthetic transcriptome below makes 3 shards


@functools.cache
def _transcriptome(seed: int = 7, n: int = 60) -> Transcriptome:
    rnd = random.Random(seed)
    seqs = ["".join(rnd.choice("ACGT") for _ in range(rnd.randint(800, 2600))) for _ in range(n)]
    seqs[3] = seqs[3][:300] + "NNNN" + seqs[3][304:]  # a run of N (scored apart by the search)
    cds = [(50, len(s) - 400) if i % 4 else None for i, s in enumerate(seqs)]
    return Transcriptome(
        tuple(f"T{i}" for i in range(n)), tuple(f"G{i // 2}" for i in range(n)), tuple(seqs),
        tuple(cds), source="synthetic",
    )  # fmt: skip


def _guides(tm: Transcriptome) -> list[str]:
    """siRNA guides against a few transcripts (so that seeds and near sites exist)."""
    out = []
    for i in (1, 5, 9, 30):
        s = tm.sequences[i % len(tm)][700:721]
        out.append(reverse_complement(s))
    return out


def _near_targets(tm: Transcriptome) -> list[str]:
    picks = [tm.sequences[i % len(tm)][400:419] for i in (2, 17, 44)]
    return [*picks, tm.sequences[3][281:300]]


def _same_results(tm: Transcriptome, got: rna_index.TranscriptomeIndexes) -> None:
    fresh_seed = build_seed_index(tm)
    for a, b in zip(seed_matches(fresh_seed, _guides(tm)), seed_matches(got.seed, _guides(tm)),
                    strict=True):  # fmt: skip
        assert a.summary() == b.summary()
        assert list(a.sites()) == list(b.sites())
    fresh = near_searcher(tm, shard_bp=SHARD)
    want = search_near_sites(fresh, _near_targets(tm), max_mismatches=3)
    have = search_near_sites(got.near, _near_targets(tm), max_mismatches=3)
    assert [sorted(map(repr, w)) for w in want] == [sorted(map(repr, h)) for h in have]
    assert sum(len(w) for w in want) >= 4  # the on-target sites at least


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIVO_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "rna-index"


def test_cached_index_gives_the_fresh_results_and_is_reused(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tm = _transcriptome()
    first = transcriptome_indexes(tm, shard_bp=SHARD, min_bp=0)
    assert first.status == "built and cached" and "built and cached" in first.note
    assert first.path is not None and first.path.parent == cache
    assert isinstance(first.near, ShardedTranscriptome) and len(first.near.indexes) == 3
    assert isinstance(first.seed.pos, np.memmap) or isinstance(first.seed.pos.base, np.memmap)
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no stage left
    _same_results(tm, first)

    def boom(*_: object, **__: object) -> None:
        raise AssertionError("rebuilt")

    monkeypatch.setattr(rna_index, "build_seed_index", boom)
    monkeypatch.setattr(rna_index, "transcriptome_index", boom)
    again = transcriptome_indexes(tm, shard_bp=SHARD, min_bp=0)
    assert again.status == "loaded" and "loaded from the cache" in again.note
    _same_results(tm, again)


def test_one_shard_gives_a_plain_index(cache: Path) -> None:
    tm = _transcriptome(n=8)
    got = transcriptome_indexes(tm, shard_bp=SHARD, min_bp=0)
    assert isinstance(got.near, PamlessIndex) and got.near.source == "synthetic"
    _same_results(tm, got)


def test_changed_transcripts_make_a_new_entry(cache: Path) -> None:
    tm = _transcriptome()
    a = transcriptome_indexes(tm, shard_bp=SHARD, min_bp=0)
    seqs = list(tm.sequences)
    seqs[10] = seqs[10][:-1] + ("A" if seqs[10][-1] != "A" else "C")
    other = Transcriptome(tm.ids, tm.genes, tuple(seqs), tm.cds, source="synthetic")
    assert transcriptome_digest(other) != transcriptome_digest(tm)
    b = transcriptome_indexes(other, shard_bp=SHARD, min_bp=0)
    assert b.status == "built and cached" and b.path != a.path
    c = transcriptome_indexes(tm, shard_bp=SHARD * 2, min_bp=0)  # index parameters are keyed
    assert c.status == "built and cached" and c.path not in (a.path, b.path)
    assert len(list(cache.iterdir())) == 3


@pytest.mark.parametrize(
    "damage",
    ["truncate-big", "flip-small", "delete", "entry-json", "entry-version"],
)
def test_damaged_entry_is_rebuilt(cache: Path, damage: str) -> None:
    tm = _transcriptome()
    first = transcriptome_indexes(tm, shard_bp=SHARD, min_bp=0)
    assert first.path is not None
    folder = first.path
    del first
    if damage == "truncate-big":
        path = folder / "shard-001" / "sites" / "3prime-N" / "win.npy"
        os.truncate(path, path.stat().st_size - 8)
    elif damage == "flip-small":
        path = folder / "seed" / "utr_offsets.npy"
        raw = bytearray(path.read_bytes())
        raw[-3] ^= 0xFF
        path.write_bytes(bytes(raw))
    elif damage == "delete":
        (folder / "shard-002" / "arrays" / "starts.npy").unlink()
    elif damage == "entry-json":
        (folder / "entry.json").write_text("{not json")
    else:
        text = (
            (folder / "entry.json")
            .read_text()
            .replace('"format_version": 1', '"format_version": 0')
        )
        (folder / "entry.json").write_text(text)
    got = transcriptome_indexes(tm, shard_bp=SHARD, min_bp=0)
    assert got.status == "built and cached" and "was not usable" in got.note
    if damage == "truncate-big":
        _same_results(tm, got)
    assert transcriptome_indexes(tm, shard_bp=SHARD, min_bp=0).status == "loaded"


def test_unwritable_cache_builds_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("VIVO_CACHE_DIR", str(blocker / "cache"))  # below a file: cannot exist
    tm = _transcriptome()
    got = transcriptome_indexes(tm, shard_bp=SHARD, min_bp=0)
    assert got.status == "built in memory" and got.path is None
    assert "not cached" in got.note and "VIVO_CACHE_DIR" in got.note
    _same_results(tm, got)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_cache_builds_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    monkeypatch.setenv("VIVO_CACHE_DIR", str(ro))
    try:
        got = transcriptome_indexes(_transcriptome(n=8), shard_bp=SHARD, min_bp=0)
    finally:
        ro.chmod(0o755)
    assert got.status == "built in memory" and "not cached" in got.note


def test_small_transcriptome_is_not_cached(cache: Path) -> None:
    got = transcriptome_indexes(_transcriptome(n=4))  # default min_bp: far below
    assert got.status == "built in memory" and got.note == "" and not cache.exists()


def test_seed_arrays_are_checked() -> None:
    tm = _transcriptome(n=8)
    arrays = seed_index_arrays(build_seed_index(tm))
    back = seed_index_from_arrays(tm, arrays)
    assert back.n_utrs == len(arrays["utr_offsets"])
    bad = dict(arrays, pos=arrays["pos"][:-1])
    with pytest.raises(DataError):
        seed_index_from_arrays(tm, bad)
    with pytest.raises(DataError):
        seed_index_from_arrays(_transcriptome(n=5), arrays)  # gene codes of 8 transcripts


def test_a_failed_build_leaves_nothing(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tm = _transcriptome()
    calls = []
    real = rna_index._write_shard

    def crash_on_second(*args: object, **kw: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # killed mid-build
        real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(rna_index, "_write_shard", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        transcriptome_indexes(tm, shard_bp=SHARD, min_bp=0)
    assert not cache.exists() or not list(cache.iterdir())  # no entry, stage or lock
    monkeypatch.setattr(rna_index, "_write_shard", real)
    assert transcriptome_indexes(tm, shard_bp=SHARD, min_bp=0).status == "built and cached"


def test_too_little_disk_builds_in_memory(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda p: real(p)._replace(free=10**6))
    got = transcriptome_indexes(_transcriptome(n=8), shard_bp=SHARD, min_bp=0)
    assert got.status == "built in memory" and "GB free" in got.note
    assert not cache.exists()


def test_rna_workflows_use_the_cache(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vivo.workflows.rna import AsoRequest, SiRNARequest, design_aso, design_sirna

    tm = _transcriptome(n=8)
    fasta = tmp_path / "tx.fa"
    fasta.write_text("".join(f">{i}|{g}|CDS:{c[0] + 1}-{c[1]}|\n{s}\n" if c else f">{i}\n{s}\n"
                             for i, g, s, c in zip(tm.ids, tm.genes, tm.sequences, tm.cds,
                                                   strict=True)))  # fmt: skip
    monkeypatch.setattr(rna_index, "MIN_CACHE_BP", 0)
    first = design_sirna(SiRNARequest(gene="ADA", transcriptome=str(fasta), top=2))
    assert any("transcriptome index built and cached" in n for n in first.design.notes)
    again = design_sirna(SiRNARequest(gene="ADA", transcriptome=str(fasta), top=2))
    assert any("transcriptome index loaded from the cache" in n for n in again.design.notes)
    assert [d.to_dict() for d in again.design.duplexes] == [
        d.to_dict() for d in first.design.duplexes
    ]
    aso = design_aso(AsoRequest(gene="SMN2", mode="include", exon=7, transcriptome=str(fasta),
                                top=2))  # fmt: skip
    assert any("transcriptome index loaded from the cache" in n for n in aso.notes)


def test_transcriptome_without_utrs_is_cached_and_loaded(tmp_path: Path) -> None:
    """Regression: a transcriptome with no annotated CDS (so no 3'UTR, e.g. a FASTA of
    mRNAs) wrote an offsets array one longer than its UTR list, and its cached entry could
    never be loaded back (an error after building it)."""
    rnd = random.Random(3)
    seqs = tuple("".join(rnd.choice("ACGT") for _ in range(700)) for _ in range(3))
    tm = Transcriptome(("A", "B", "C"), ("GA", "GB", "GC"), seqs, (None, None, None),
                       source="no CDS")  # fmt: skip
    built = transcriptome_indexes(tm, min_bp=0, root=tmp_path)
    again = transcriptome_indexes(tm, min_bp=0, root=tmp_path)
    assert (built.status, again.status) == ("built and cached", "loaded")
    assert again.seed.n_utrs == 0
    guide = [reverse_complement(seqs[0][100:121])]
    (cached,), (fresh,) = seed_matches(again.seed, guide), seed_matches(build_seed_index(tm), guide)
    assert (cached.site, cached.n_sites, cached.n_transcripts) == (fresh.site, 0, 0)
