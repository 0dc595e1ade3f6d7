"""vivo's cache folder: inventory and clearing (vivo.workflows.cache, `vivo cache`)."""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from vivo.core.errors import InputError
from vivo.io.genome_store import GenomeStore
from vivo.rna.offtargets import Transcriptome
from vivo.workflows.cache import cache_inventory, clear_cache
from vivo.workflows.rna_index import transcriptome_indexes

RunVivo = Callable[..., tuple[int, str, str]]  # the run_vivo fixture (tests/conftest.py)

DAY = 86400.0


def _tm(seed: int) -> Transcriptome:
    rnd = random.Random(seed)
    seqs = tuple("".join(rnd.choice("ACGT") for _ in range(900)) for _ in range(4))
    return Transcriptome(("T0", "T1", "T2", "T3"), ("G0", "G0", "G1", "G1"), seqs,
                         (None, None, None, None), source=f"synthetic {seed}")  # fmt: skip


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder with two transcriptome indexes, a FASTA index, a trials answer, vivo
    serve's jobs and a folder vivo does not know."""
    root = tmp_path / "cache"
    monkeypatch.setenv("VIVO_CACHE_DIR", str(root))
    for seed in (1, 2):
        got = transcriptome_indexes(_tm(seed), min_bp=0)
        assert got.status == "built and cached" and got.path is not None
    (root / "fasta").mkdir()
    (root / "fasta" / f"{'0' * 24}-genome.fa.fai").write_text("chr1\t10\t6\t10\t11\n")
    (root / "trials").mkdir()
    (root / "trials" / f"{'a' * 32}.json").write_text("{}")
    (root / "web" / "job1").mkdir(parents=True)
    (root / "web" / "job1" / "status.json").write_text("{}")
    (root / "mine").mkdir()
    return root


def _rna(root: Path) -> list[Path]:
    return sorted(p for p in (root / "rna-index").iterdir() if not p.name.startswith("."))


def test_inventory_lists_entries_and_leaves_other_folders(cache: Path) -> None:
    inv = cache_inventory()
    kinds = sorted(e.kind for e in inv.entries)
    assert kinds == ["fasta", "rna-index", "rna-index", "trials"]
    rna = [e for e in inv.entries if e.kind == "rna-index"]
    assert all(e.bytes > 10_000 for e in rna)  # real arrays, not just entry.json
    assert all("4 transcripts, 3,600 nt" in e.detail for e in rna)
    assert sorted(n for n, *_ in inv.kept) == ["mine", "web"]
    doc = inv.to_dict()
    assert doc["kinds"]["rna-index"]["entries"] == 2  # type: ignore[index]
    json.dumps(doc)


def test_clear_everything_keeps_web_and_unknown(cache: Path) -> None:
    before = cache_inventory()
    report = clear_cache()
    assert len(report.removed) == 4 and report.freed_bytes == sum(e.bytes for e in before.entries)
    assert cache_inventory().entries == ()
    assert (cache / "web" / "job1" / "status.json").is_file() and (cache / "mine").is_dir()
    assert not [p for p in (cache / "rna-index").iterdir() if p.name.endswith(".removing")]


def test_dry_run_removes_nothing(cache: Path) -> None:
    report = clear_cache(("rna-index",), dry_run=True)
    assert len(report.removed) == 2
    assert len(_rna(cache)) == 2


def test_older_than_uses_last_use_which_a_load_refreshes(cache: Path) -> None:
    old, recent = _rna(cache)
    long_ago = time.time() - 40 * DAY
    for folder in (old, recent):
        os.utime(folder / "entry.json", (long_ago, long_ago))
    # loading the index of seed 2 marks it used now
    tm2 = _tm(2)
    got = transcriptome_indexes(tm2, min_bp=0)
    assert got.status == "loaded"
    used = got.path
    assert used is not None and (used / "entry.json").stat().st_mtime > time.time() - 600
    report = clear_cache(("rna-index",), older_than_days=30)
    assert [e.path for e in report.removed] == [p for p in (old, recent) if p != used]
    assert _rna(cache) == [used]


def test_an_index_being_built_is_skipped(cache: Path) -> None:
    first = _rna(cache)[0]
    with GenomeStore(first.parent).building(first.name):  # another builder holds its lock
        report = clear_cache(("rna-index",))
    assert [e.path for e, _ in report.skipped] == [first]
    assert "being built" in report.skipped[0][1]
    assert _rna(cache) == [first]


@pytest.mark.parametrize(
    ("kinds", "days", "match"),
    [(("web",), None, "not cleared by vivo cache"), (("rna-indx",), None, "did you mean"),
     ((), -1.0, "older-than"), ((), float("nan"), "older-than")],
)  # fmt: skip
def test_bad_requests(cache: Path, kinds: tuple[str, ...], days: float | None, match: str) -> None:
    with pytest.raises(InputError, match=match):
        clear_cache(kinds, older_than_days=days)
    assert len(cache_inventory().entries) == 4


def test_cli(cache: Path, run_vivo: RunVivo) -> None:
    code, out, _ = run_vivo("cache", "info", "--json")
    assert code == 0 and json.loads(out)["kinds"]["fasta"]["entries"] == 1
    code, out, _ = run_vivo("cache", "clear", "trials", "fasta")
    assert code == 0 and "removed 2 entries" in out
    code, _, err = run_vivo("cache", "clear", "web")
    assert code == 2 and err.startswith("vivo: error:") and len(err.strip().splitlines()) == 1
    code, _, err = run_vivo("cache", "clear", "--older-than", "inf")
    assert code == 2 and "--older-than" in err
    code, out, _ = run_vivo("cache", "clear", "--json")
    assert code == 0 and len(json.loads(out)["removed"]) == 2


def test_read_only_cache_is_reported_not_called_busy(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(self: GenomeStore) -> None:
        raise InputError(f"genome store {self.root}: it is not writable")

    monkeypatch.setattr(GenomeStore, "check_writable", read_only)
    report = clear_cache(("rna-index",))
    assert len(report.skipped) == 2 and not report.removed
    assert all(why.startswith("cannot remove: ") for _, why in report.skipped)
    assert len(_rna(cache)) == 2


def test_links_and_foreign_names_are_never_followed_or_removed(cache: Path, tmp_path: Path) -> None:
    """A kind folder that is a link, a link inside a kind, a name vivo does not write and a
    FASTA index being staged (hidden) are left alone; only the link itself is removed."""
    precious = tmp_path / "precious"
    (precious / "sub").mkdir(parents=True)
    (precious / "a.txt").write_text("keep")
    (cache / "trials").rename(cache / "trials-old")
    (cache / "trials").symlink_to(precious, target_is_directory=True)
    link = cache / "fasta" / f"{'1' * 24}-x.fa"
    link.symlink_to(precious / "a.txt")
    (cache / "fasta" / "notes.txt").write_text("mine")
    (cache / "fasta" / ".tmpabc").mkdir()  # io.fasta stages an index here
    (cache / "rna-index" / "BAD.name").mkdir()
    inv = cache_inventory()
    assert {e.path for e in inv.entries if e.kind != "rna-index"} == {
        cache / "fasta" / f"{'0' * 24}-genome.fa.fai",
        link,
    }
    assert any(n == "trials" and "link" in why for n, _, _, why in inv.kept)
    clear_cache()
    assert (precious / "a.txt").read_text() == "keep" and (precious / "sub").is_dir()
    assert not link.is_symlink() and (cache / "fasta" / "notes.txt").is_file()
    assert (cache / "fasta" / ".tmpabc").is_dir() and (cache / "rna-index" / "BAD.name").is_dir()


def test_leftovers_of_a_killed_clear_are_swept(cache: Path) -> None:
    dead = cache / "fasta" / f".{'2' * 24}-y.fa.pid999999999.x.removing"
    dead.write_text("half")
    alive = cache / "fasta" / f".{'3' * 24}-z.fa.pid{os.getpid()}.x.removing"
    alive.write_text("in progress")
    clear_cache(("trials",))
    assert dead.exists()  # only the kinds cleared are swept
    old_copy = cache / "fasta" / ".abc123.tmp"  # a decompression killed two days ago
    old_copy.write_text("partial")
    old_stage = cache / "fasta" / ".tmpold"  # an index build killed two days ago
    old_stage.mkdir()
    fresh = cache / "fasta" / ".tmpnew"  # one that may still run
    fresh.mkdir()
    two_days_ago = time.time() - 2 * DAY
    for p in (old_copy, old_stage):
        os.utime(p, (two_days_ago, two_days_ago))
    clear_cache(("fasta",))
    assert not dead.exists() and alive.exists()
    assert not old_copy.exists() and not old_stage.exists() and fresh.is_dir()


def test_reading_a_cached_fasta_index_marks_it_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vivo.io.fasta import open_fasta

    monkeypatch.setenv("VIVO_CACHE_DIR", str(tmp_path / "c"))
    fa = tmp_path / "g.fa"
    fa.write_text(">c1\n" + "ACGT" * 50 + "\n")
    open_fasta(fa).close()  # type: ignore[attr-defined]
    (entry,) = cache_inventory().entries
    long_ago = time.time() - 90 * DAY
    os.utime(entry.path, (long_ago, long_ago))
    open_fasta(fa).close()  # type: ignore[attr-defined]
    assert not clear_cache(("fasta",), older_than_days=30).removed


def test_annotation_indexes_are_a_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large GTF is indexed into the cache's annotation/ folder: an entry, marked used on
    every open, removed by `vivo cache clear annotation`."""
    import vivo.io.annotation_index as ai

    monkeypatch.setenv("VIVO_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setattr(ai, "IN_MEMORY_MAX_BYTES", 0)  # index even this small file
    gtf = Path(__file__).parents[1] / "data" / "annotation" / "toy.gtf"
    ai.open_annotation(gtf)
    (entry,) = cache_inventory().entries
    assert entry.kind == "annotation" and entry.path.name.endswith("-toy.gtf.sqlite")
    long_ago = time.time() - 90 * DAY
    os.utime(entry.path, (long_ago, long_ago))
    ai.open_annotation(gtf)
    assert not clear_cache(("annotation",), older_than_days=30).removed
    assert [e.path for e in clear_cache(("annotation",)).removed] == [entry.path]


def test_a_gzip_fasta_copy_is_indexed_once_and_its_use_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: marking the decompressed copy of a plain-gzip FASTA as used changed its
    modification time, which keys the copy's own index: every open built a new index."""
    import gzip

    import vivo.io.fasta as fasta

    monkeypatch.setenv("VIVO_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setattr(fasta, "_IN_MEMORY_GZIP_BYTES", 0)  # go through the copy
    fa = tmp_path / "g.fa.gz"
    fa.write_bytes(gzip.compress((">c1\n" + "ACGT" * 400 + "\n").encode()))
    for _ in range(3):
        fasta.open_fasta(fa).close()  # type: ignore[attr-defined]
    names = [e.path.name for e in cache_inventory().entries]
    (copy,) = [n for n in names if n.endswith("-g.fa.gz.fa")]  # one copy
    assert len(names) == 2 and any(n.endswith(f"-{copy}.fai") for n in names), names  # one index
    # a copy made long ago (its index keyed to that time) and read today: its index marks it
    long_ago = time.time() - 90 * DAY
    copy_path = next(e.path for e in cache_inventory().entries if e.path.name == copy)
    os.utime(copy_path, (long_ago, long_ago))
    for e in cache_inventory().entries:
        if e.path != copy_path:
            e.path.unlink()  # the index of the copy as it was: rebuilt for the aged copy
    fasta.open_fasta(fa).close()  # type: ignore[attr-defined]
    assert copy_path.stat().st_mtime < time.time() - 80 * DAY  # reading never touches the copy
    assert not clear_cache(("fasta",), older_than_days=30).removed


def test_a_bgzip_index_pair_is_marked_used_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pysam

    from vivo.io.fasta import open_fasta

    monkeypatch.setenv("VIVO_CACHE_DIR", str(tmp_path / "c"))
    plain = tmp_path / "b.fa"
    plain.write_text(">c1\n" + "ACGT" * 400 + "\n")
    pysam.tabix_compress(str(plain), str(tmp_path / "b.fa.gz"))
    open_fasta(tmp_path / "b.fa.gz").close()  # type: ignore[attr-defined]
    kinds = sorted(e.path.suffix for e in cache_inventory().entries)
    assert kinds == [".fai", ".gzi"]
    long_ago = time.time() - 90 * DAY
    for e in cache_inventory().entries:
        os.utime(e.path, (long_ago, long_ago))
    open_fasta(tmp_path / "b.fa.gz").close()  # type: ignore[attr-defined]
    assert not clear_cache(("fasta",), older_than_days=30).removed
