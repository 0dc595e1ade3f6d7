# mypy: disable-error-code="no-untyped-call,unused-ignore"
"""Transcriptome off-target indexes cached on disk: build once, memory-map afterwards.

:func:`transcriptome_indexes` gives the two indexes of :mod:`vivo.rna.offtargets` that the
siRNA and ASO designs search (the 3'UTR seed index and the PAM-less near-site index, in
shards of at most ``shard_bp`` bases). A transcriptome of at least :data:`MIN_CACHE_BP` bases
is looked up in vivo's cache folder (:func:`vivo.io.places.cache_dir`, ``$VIVO_CACHE_DIR``)
under ``rna-index/<key>``, where the key is the sha256 of the transcript set's content
(:func:`vivo.rna.offtargets.transcriptome_digest`: ids, genes, CDS, sequences), the shard
size, the seed length, the site-key length and :data:`FORMAT_VERSION`::

    <cache>/rna-index/<key>/entry.json                  what was indexed, every file's size
                                                        (and sha256 for files <= 4 MB)
    <cache>/rna-index/<key>/seed/*.npy                  the seed index arrays
    <cache>/rna-index/<key>/shard-NNN/meta.json         one genome-store folder per shard:
    <cache>/rna-index/<key>/shard-NNN/genome/*.npy      packed text, site tables
    <cache>/rna-index/<key>/shard-NNN/sites/3prime-N/   (vivo.io.genome_store layout)
    <cache>/rna-index/<key>/shard-NNN/arrays/*.npy      transcript lengths, starts, N runs

The store machinery is the genome store's (:class:`vivo.io.genome_store.GenomeStore`: build
lock, staging folder marked with the pid, rename into place, stale stages swept;
:class:`~vivo.io.genome_store.NpyFolder` arrays; ``open_sites`` checks of the site tables), so
an interrupted build leaves nothing behind. A cached entry is used only when its
``entry.json`` matches (format, vivo version, content digest, transcript count, shards), every
file has its recorded size (and checksum, for the small ones) and every array its dtype and
shape; otherwise it is rebuilt, never trusted. (Bytes changed inside a large array without
changing its size are not detected: hashing gigabytes on every run would cost more than the
load saves.) When the cache cannot be written (read-only folder, another process building the
same entry, disk full) the indexes are built in memory for this run and the note says why.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from vivo import __version__
from vivo.core.errors import DataError, InputError
from vivo.editing.offtarget.index import KEY_BASES
from vivo.io.genome_store import (
    FORMAT_VERSION as STORE_FORMAT,
)
from vivo.io.genome_store import (
    GENOME_ARRAYS,
    SITE_ARRAYS,
    GenomeMeta,
    GenomeStore,
    NpyFolder,
    sha256_file,
)
from vivo.io.places import cache_dir
from vivo.rna.offtargets import (
    PAMLESS_ARRAYS,
    PAMLESS_SET,
    SEED_ARRAYS,
    SEED_LENGTH,
    SHARD_BP,
    PamlessIndex,
    SeedIndex,
    ShardedTranscriptome,
    Transcriptome,
    build_seed_index,
    pamless_index_arrays,
    pamless_index_from_arrays,
    seed_index_arrays,
    seed_index_from_arrays,
    shard_of,
    transcriptome_digest,
    transcriptome_index,
)

__all__ = [
    "BYTES_PER_BASE",
    "FORMAT_VERSION",
    "MIN_CACHE_BP",
    "TranscriptomeIndexes",
    "index_cache_root",
    "transcriptome_indexes",
]

#: Version of the cached layout (part of the key: a new version never reads an old entry).
FORMAT_VERSION = 1
#: Transcriptomes smaller than this (bases) are indexed in memory, not cached (a build takes
#: well under a second).
MIN_CACHE_BP = 1_000_000
_HASHED_BYTES = 4 << 20  # files up to this size get a recorded sha256
Status = Literal["loaded", "built and cached", "built in memory"]


@dataclass(frozen=True, slots=True, eq=False)
class TranscriptomeIndexes:
    """The seed and near-site indexes of a transcriptome, how they were obtained and the note
    for the user (empty for a small transcriptome indexed in memory)."""

    seed: SeedIndex
    near: PamlessIndex | ShardedTranscriptome
    status: Status
    note: str = ""
    path: Path | None = None


def index_cache_root() -> Path:
    """Where transcriptome indexes are cached: ``<cache_dir>/rna-index``."""
    return cache_dir() / "rna-index"


def _key(digest: str, shard_bp: int) -> str:
    text = f"{digest}|shard_bp={shard_bp}|seed={SEED_LENGTH}|key={KEY_BASES}|v{FORMAT_VERSION}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _in_memory(tm: Transcriptome, shard_bp: int, note: str) -> TranscriptomeIndexes:
    near: PamlessIndex | ShardedTranscriptome
    if tm.total_length <= shard_bp:
        near = transcriptome_index(tm)
    else:
        near = ShardedTranscriptome(tm, shard_bp)
    return TranscriptomeIndexes(build_seed_index(tm), near, "built in memory", note)


def transcriptome_indexes(
    transcriptome: Transcriptome,
    *,
    shard_bp: int = SHARD_BP,
    min_bp: int | None = None,
    root: Path | None = None,
) -> TranscriptomeIndexes:
    """The off-target indexes of ``transcriptome``: loaded from the cache when a valid entry
    exists, else built and cached (then memory-mapped), else built in memory (see the module
    docstring). ``min_bp`` defaults to :data:`MIN_CACHE_BP`; ``root`` overrides
    :func:`index_cache_root`."""
    if transcriptome.total_length < (MIN_CACHE_BP if min_bp is None else min_bp):
        return _in_memory(transcriptome, shard_bp, "")
    root = root if root is not None else index_cache_root()
    key = _key(transcriptome_digest(transcriptome), shard_bp)
    folder = root / key
    problem = ""
    if (folder / "entry.json").is_file():
        try:
            return _loaded(transcriptome, folder, shard_bp, "loaded from the cache")
        except DataError as exc:
            problem = f"; the cached entry was not usable ({exc.message}) and was rebuilt"
    store = GenomeStore(root)
    try:
        _check_space(root, transcriptome.total_length)
        with store.building(key):
            if problem == "" and (folder / "entry.json").is_file():  # built meanwhile
                with contextlib.suppress(DataError):
                    return _loaded(transcriptome, folder, shard_bp, "loaded from the cache")
            stage = store.stage(root, key)
            try:
                _write(transcriptome, stage, shard_bp)
                store.swap(stage, folder)
            except BaseException:
                shutil.rmtree(stage, ignore_errors=True)
                raise
    except (InputError, OSError) as exc:
        reason = exc.message if isinstance(exc, InputError) else f"{exc.strerror or exc}"
        return _in_memory(transcriptome, shard_bp,
                          f"transcriptome index built in memory, not cached ({reason}); "
                          "set VIVO_CACHE_DIR to a writable folder to build it once")  # fmt: skip
    return _loaded(transcriptome, folder, shard_bp, "built and cached" + problem)


# -- writing -------------------------------------------------------------------------------------
#: Disk bytes of a cached entry per transcript base (two index rows of ~34 bytes per base, and
#: the seed table; measured 3.2 GB for 45 Mb: benchmarks/results/rna_offtargets_cache_30k.json).
BYTES_PER_BASE = 75


def _check_space(root: Path, bases: int) -> None:
    """An :class:`InputError` when the disk holding ``root`` has too little room for an entry
    of ``bases`` transcript bases (checked before building; a full disk later is an OSError)."""
    probe = root
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    try:
        free = shutil.disk_usage(probe).free
    except OSError:
        return  # let the build say what is wrong
    need = BYTES_PER_BASE * bases + (64 << 20)
    if free < need:
        raise InputError(f"the cache needs about {need / 1e9:.1f} GB; {probe} has "
                         f"{free / 1e9:.1f} GB free")  # fmt: skip


def _write(tm: Transcriptome, stage: Path, shard_bp: int) -> None:
    """Build every index of ``tm`` into ``stage`` (one shard in memory at a time)."""
    NpyFolder(stage / "seed")  # creates the folder
    seed = build_seed_index(tm)
    for name, arr in seed_index_arrays(seed).items():
        NpyFolder(stage / "seed").save(name, np.asarray(arr))
    del seed
    bounds = ShardedTranscriptome(tm, shard_bp).bounds()
    for k, (lo, hi) in enumerate(bounds):
        idx = transcriptome_index(shard_of(tm, lo, hi))
        _write_shard(idx, stage / _shard(k), tm_digest=transcriptome_digest(tm))
        del idx
    files = {}
    for path in sorted(p for p in stage.rglob("*") if p.is_file()):
        size = path.stat().st_size
        files[str(path.relative_to(stage))] = {
            "bytes": size, "sha256": sha256_file(path) if size <= _HASHED_BYTES else None,
        }  # fmt: skip
    doc = {
        "format_version": FORMAT_VERSION, "vivo_version": __version__,
        "transcriptome_sha256": transcriptome_digest(tm), "transcripts": len(tm),
        "total_length": tm.total_length, "shard_bp": shard_bp, "seed_length": SEED_LENGTH,
        "key_bases": KEY_BASES, "shards": [list(b) for b in bounds], "files": files,
        "source": tm.source,
    }  # fmt: skip
    (stage / "entry.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")


def _shard(k: int) -> str:
    return f"shard-{k:03d}"


def _write_shard(idx: PamlessIndex, folder: Path, *, tm_digest: str) -> None:
    sites = idx.sites
    genome = NpyFolder(folder / "genome")
    for name in GENOME_ARRAYS:
        genome.save(name, np.asarray(getattr(sites.genome, name)))
    table = NpyFolder(folder / "sites" / PAMLESS_SET.key)
    for name in SITE_ARRAYS:
        table.save(name, np.asarray(getattr(sites, name)))
    (folder / "sites" / PAMLESS_SET.key / "info.json").write_text(json.dumps({
        "key_bases": sites.key_bases, "patterns": list(PAMLESS_SET.patterns),
        "weights": list(PAMLESS_SET.weights), "side": PAMLESS_SET.side,
    }))  # fmt: skip
    extra = NpyFolder(folder / "arrays")
    for name, arr in pamless_index_arrays(idx).items():
        extra.save(name, np.asarray(arr))
    GenomeStore(folder.parent).write_meta(folder, _shard_meta(folder.name, sites, tm_digest))


def _shard_meta(name: str, sites: Any, digest: str) -> GenomeMeta:
    return GenomeMeta(
        name=name, contigs=tuple(sites.genome.names), total_length=sites.genome.total_length,
        format_version=STORE_FORMAT, vivo_version=__version__, source="", source_size=0,
        source_mtime=0.0, sha256=digest, pam_sets=(PAMLESS_SET.key,),
    )  # fmt: skip


# -- reading -------------------------------------------------------------------------------------
def _bad(folder: Path, what: str) -> DataError:
    return DataError(f"{folder}: {what}", hint="it is rebuilt")


def _loaded(tm: Transcriptome, folder: Path, shard_bp: int, how: str) -> TranscriptomeIndexes:
    """Memory-map a cached entry, every recorded fact checked (:class:`DataError` if not)."""
    try:
        doc = json.loads((folder / "entry.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(folder, f"entry.json unreadable ({exc})") from exc
    bounds = ShardedTranscriptome(tm, shard_bp).bounds()
    want = {
        "format_version": FORMAT_VERSION, "vivo_version": __version__,
        "transcriptome_sha256": transcriptome_digest(tm), "transcripts": len(tm),
        "shard_bp": shard_bp, "seed_length": SEED_LENGTH, "key_bases": KEY_BASES,
        "shards": [list(b) for b in bounds],
    }  # fmt: skip
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), dict):
        raise _bad(folder, "entry.json is not an index record")
    for field, value in want.items():
        if doc.get(field) != value:
            raise _bad(folder, f"entry.json {field} is {doc.get(field)!r}, expected {value!r}")
    for rel, rec in doc["files"].items():
        path = folder / rel
        ok = isinstance(rec, dict) and path.is_file() and path.stat().st_size == rec.get("bytes")
        if ok and rec.get("sha256") is not None:
            ok = sha256_file(path) == rec["sha256"]
        if not ok:
            raise _bad(folder, f"{rel} is missing, truncated or changed")
    seed_folder = NpyFolder(folder / "seed")
    try:
        seed = seed_index_from_arrays(tm, {n: seed_folder.load(n) for n in SEED_ARRAYS})
        store = GenomeStore(folder)
        shards = []
        for k, (lo, hi) in enumerate(bounds):
            name = _shard(k)
            meta = store.read_meta(name)
            sites = store.open_sites(name, meta, PAMLESS_SET, repair="")
            extra = NpyFolder(folder / name / "arrays")
            shards.append(pamless_index_from_arrays(
                shard_of(tm, lo, hi), sites, {n: extra.load(n) for n in PAMLESS_ARRAYS}
            ))  # fmt: skip
    except (InputError, ValueError, OSError, EOFError) as exc:
        raise _bad(folder, f"unreadable array ({exc})") from exc
    near: PamlessIndex | ShardedTranscriptome
    if tm.total_length <= shard_bp and len(shards) == 1:
        near = dataclasses.replace(shards[0], source=tm.source, complete=tm.complete)
    else:
        near = ShardedTranscriptome(tm, shard_bp, indexes=tuple(shards))
    with contextlib.suppress(OSError):  # its last use, for `vivo cache clear --older-than`
        os.utime(folder / "entry.json")
    status: Status = "loaded" if how.startswith("loaded") else "built and cached"
    size = sum(int(r["bytes"]) for r in doc["files"].values())
    note = f"transcriptome index {how} ({folder}, {size / 1e6:,.0f} MB)"
    return TranscriptomeIndexes(seed, near, status, note, folder)
