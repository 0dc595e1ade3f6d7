"""What vivo keeps in its cache folder, and clearing it (``vivo cache info|clear``).

The cache (:func:`vivo.io.places.cache_dir`) holds only what vivo can derive again:

============== ==================================================================================
kind           what
============== ==================================================================================
``rna-index``  transcriptome off-target indexes of ``vivo rna`` (about 75 bytes per transcript
               base: a human-size transcriptome needs about 27 GB); rebuilt when next needed
``fasta``      ``.fai``/``.gzi`` indexes and decompressed copies of FASTA inputs; rebuilt
``annotation`` SQLite indexes of large GTF/GFF3 inputs (those of fetched genomes live in the
               genome store, not here); rebuilt
``trials``     saved ClinicalTrials.gov answers; ``vivo plan --trials cache`` reads them offline,
               so clearing them loses those answers until the next online query
============== ==================================================================================

``web`` (the jobs of ``vivo serve``, kept for ``--keep-hours`` by the server itself) and any
folder vivo does not know are listed by :func:`cache_inventory` and never removed here. Inside a
kind, only names vivo writes are entries (a 32-hex index folder;
``<24 hex>-<file>.fai|.gzi|.fa|.sqlite``; ``<32 hex>.json``): anything else, and any symbolic
link to a folder, is left alone, so the command never follows a link out of the cache.

Clearing is safe while other vivo processes run: an index being built holds its build lock
and is skipped; an entry is first renamed to a ``.removing`` name (so nothing ever reads a
half-deleted entry, and a crash leaves a folder that the next build sweeps away), then
deleted (leftovers of a killed clear, and of killed builds: hidden FASTA and annotation build
files older than a day, are swept by the next clear of their kind). A
process that already memory-mapped a removed index keeps reading it (POSIX keeps the data until
it is unmapped). Every entry records its last use, which ``--older-than`` compares against: the
modification time of an index's ``entry.json`` and of a FASTA index or copy, annotation index
or trials answer, refreshed each time vivo reads it. FASTA and annotation indexes are built
under hidden names, which are never entries.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from vivo.core.errors import InputError
from vivo.io.genome_store import STAGE_NAME, GenomeStore
from vivo.io.places import cache_dir

__all__ = ["CLEARABLE", "CacheEntry", "CacheInventory", "ClearReport", "cache_inventory",
           "clear_cache"]  # fmt: skip

#: kinds that ``vivo cache clear`` may remove, with what each holds
CLEARABLE: Final[dict[str, str]] = {
    "rna-index": "transcriptome off-target indexes of vivo rna (rebuilt when next needed)",
    "fasta": "indexes and decompressed copies of FASTA inputs (rebuilt when next needed)",
    "annotation": "indexes of large GTF/GFF3 inputs (rebuilt when next needed)",
    "trials": "saved ClinicalTrials.gov answers (vivo plan --trials cache reads them offline)",
}
#: kinds listed but never removed by this module
KEPT: Final[dict[str, str]] = {
    "web": "jobs of vivo serve (the server removes them after --keep-hours)",
}
#: the names vivo gives the entries of each kind (anything else is left alone)
_ENTRY_NAMES: Final[dict[str, re.Pattern[str]]] = {
    "rna-index": re.compile(r"[0-9a-f]{32}"),  # vivo.workflows.rna_index._key
    "fasta": re.compile(r"[0-9a-f]{24}-.+\.(?:fai|gzi|fa)"),  # vivo.io.places.cache_path
    "annotation": re.compile(r"[0-9a-f]{24}-.+\.sqlite"),  # vivo.io.annotation_index
    "trials": re.compile(r"[0-9a-f]{32}\.json"),  # vivo.io.clinicaltrials.cache_file
}


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """One removable unit of the cache: an index folder or a file."""

    kind: str
    path: Path
    bytes: int
    last_used: float  # seconds since the epoch
    detail: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "path": str(self.path), "bytes": self.bytes,
                "last_used": _iso(self.last_used), "detail": self.detail}  # fmt: skip


@dataclass(frozen=True, slots=True)
class CacheInventory:
    """Every entry of the cache folder ``root`` by kind, and the folders vivo leaves alone."""

    root: Path
    entries: tuple[CacheEntry, ...]
    kept: tuple[tuple[str, Path, int, str], ...]  # (name, path, bytes, why it is kept)

    def bytes_of(self, kind: str) -> int:
        return sum(e.bytes for e in self.entries if e.kind == kind)

    def to_dict(self) -> dict[str, object]:
        return {
            "schema_version": 1,
            "root": str(self.root),
            "kinds": {k: {"what": what, "entries": sum(e.kind == k for e in self.entries),
                          "bytes": self.bytes_of(k)} for k, what in CLEARABLE.items()},
            "entries": [e.to_dict() for e in self.entries],
            "kept": [{"name": n, "path": str(p), "bytes": b, "why": why}
                     for n, p, b, why in self.kept],
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class ClearReport:
    """What :func:`clear_cache` removed (or would remove, with ``dry_run``) and what it skipped."""

    root: Path
    dry_run: bool
    removed: tuple[CacheEntry, ...]
    skipped: tuple[tuple[CacheEntry, str], ...] = field(default_factory=tuple)

    @property
    def freed_bytes(self) -> int:
        return sum(e.bytes for e in self.removed)

    def to_dict(self) -> dict[str, object]:
        return {
            "schema_version": 1, "root": str(self.root), "dry_run": self.dry_run,
            "freed_bytes": self.freed_bytes, "removed": [e.to_dict() for e in self.removed],
            "skipped": [{**e.to_dict(), "why": why} for e, why in self.skipped],
        }  # fmt: skip


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def _size(path: Path) -> int:
    """Bytes of a file, or of every file below a folder (links not followed)."""
    try:
        if path.is_symlink() or path.is_file():
            return path.lstat().st_size
        total = 0
        for dirpath, _dirs, files in os.walk(path):
            for name in files:
                with contextlib.suppress(OSError):
                    total += os.lstat(os.path.join(dirpath, name)).st_size
        return total
    except OSError:
        return 0


def _mtime(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return 0.0


def _rna_entry(folder: Path) -> CacheEntry:
    record = folder / "entry.json"
    detail = "damaged: no entry.json (rebuilt when next needed)"
    with contextlib.suppress(OSError, UnicodeDecodeError, json.JSONDecodeError, TypeError,
                             ValueError, AttributeError):  # fmt: skip
        doc = json.loads(record.read_text(encoding="utf-8"))
        detail = (f"{int(doc['transcripts']):,} transcripts, {int(doc['total_length']):,} nt, "
                  f"built by vivo {doc.get('vivo_version', '?')}")  # fmt: skip
        source = doc.get("source")
        if isinstance(source, str) and source:
            detail += f", from {source}"
    last = _mtime(record) if record.exists() else _mtime(folder)
    return CacheEntry("rna-index", folder, _size(folder), last, detail)


def _last_use(path: Path) -> float:
    """When a file entry was last used: its modification time, which vivo refreshes on each
    read, except for a decompressed FASTA copy (its time keys its own index): the latest of
    the copy and of the index built over it (``<24 hex>-<copy name>.fai``)."""
    last = _mtime(path)
    if path.name.endswith(".fa") and path.parent.name == "fasta":
        for index in path.parent.glob(f"*-{path.name}.fai"):
            last = max(last, _mtime(index))
    return last


def _visible(folder: Path) -> list[Path]:
    """Children of ``folder`` that are not hidden (lock, staging and ``.removing`` names)."""
    try:
        return sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except OSError:
        return []


def _is_entry(kind: str, path: Path) -> bool:
    """Whether ``path`` has the name vivo gives an entry of ``kind`` and the right type (an
    index folder, or a plain file; a link is an entry only as a file, removed as a link)."""
    if _ENTRY_NAMES[kind].fullmatch(path.name) is None:
        return False
    if kind == "rna-index":
        return path.is_dir() and not path.is_symlink()
    return path.is_symlink() or path.is_file()


def cache_inventory(root: Path | None = None) -> CacheInventory:
    """The entries of the cache folder (default :func:`cache_dir`); nothing is changed."""
    root = cache_dir() if root is None else root
    entries: list[CacheEntry] = []
    kept: list[tuple[str, Path, int, str]] = []
    for child in _visible(root) if root.is_dir() else []:
        if child.name in CLEARABLE and child.is_dir() and not child.is_symlink():
            for p in _visible(child):
                if not _is_entry(child.name, p):
                    why = "not a name vivo writes: left alone"
                    kept.append((f"{child.name}/{p.name}", p, _size(p), why))
                elif child.name == "rna-index":
                    entries.append(_rna_entry(p))
                else:
                    entries.append(CacheEntry(child.name, p, _size(p), _last_use(p)))
        else:
            why = KEPT.get(child.name, "not a folder vivo writes: left alone")
            if child.is_symlink():
                why = "a link: never followed, left alone"
            kept.append((child.name, child, 0 if child.is_symlink() else _size(child), why))
    return CacheInventory(root, tuple(entries), tuple(kept))


def _check_kinds(kinds: tuple[str, ...]) -> tuple[str, ...]:
    import difflib

    for kind in kinds:
        if kind in KEPT:
            raise InputError(f"{kind!r} is not cleared by vivo cache: {KEPT[kind]}",
                             hint="kinds: " + ", ".join(CLEARABLE))  # fmt: skip
        if kind not in CLEARABLE:
            close = difflib.get_close_matches(kind, list(CLEARABLE), n=1)
            raise InputError(
                f"unknown cache kind {kind!r}" + (f"; did you mean {close[0]!r}?" if close else ""),
                hint="kinds: " + ", ".join(CLEARABLE),
            )
    return tuple(dict.fromkeys(kinds)) or tuple(CLEARABLE)


def _remove(entry: CacheEntry) -> None:
    """Rename ``entry`` to a ``.removing`` name, then delete it."""
    doomed = entry.path.with_name(f".{entry.path.name}.pid{os.getpid()}.x.removing")
    os.replace(entry.path, doomed)
    if doomed.is_dir() and not doomed.is_symlink():
        shutil.rmtree(doomed, ignore_errors=True)
    else:
        doomed.unlink(missing_ok=True)


#: a hidden FASTA or annotation build older than this was killed (they take minutes)
STALE_BUILD_S: Final = 24 * 3600


def _sweep(root: Path, kinds: tuple[str, ...], now: float) -> None:
    """Remove what killed processes left in the folders of ``kinds``: ``.removing`` names of
    clears whose process is gone, the staging folders of killed transcriptome-index builds
    (by pid), and hidden FASTA/annotation build files older than :data:`STALE_BUILD_S`."""
    from vivo.io.atomic import pid_alive

    for kind in kinds:
        folder = root / kind
        if not folder.is_dir() or folder.is_symlink():
            continue
        if kind == "rna-index":
            with contextlib.suppress(OSError):
                GenomeStore(folder).sweep_stale()
            continue
        for path in folder.glob(".*"):
            m = STAGE_NAME.fullmatch(path.name)
            if m is not None and pid_alive(int(m.group("pid"))):
                continue
            if m is None and now - _mtime(path) < STALE_BUILD_S:
                continue  # a build that may still run
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    path.unlink()


def clear_cache(
    kinds: tuple[str, ...] = (),
    *,
    older_than_days: float | None = None,
    dry_run: bool = False,
    root: Path | None = None,
    now: float | None = None,
) -> ClearReport:
    """Remove the cache entries of ``kinds`` (default every clearable kind) last used more than
    ``older_than_days`` ago (default: all). Entries being built are skipped and reported."""
    chosen = _check_kinds(kinds)
    if older_than_days is not None and not (0 <= older_than_days < float("inf")):
        raise InputError(f"--older-than must be a number of days >= 0, not {older_than_days}")
    inventory = cache_inventory(root)
    now = time.time() if now is None else now
    limit = None if older_than_days is None else now - older_than_days * 86400.0
    removed: list[CacheEntry] = []
    skipped: list[tuple[CacheEntry, str]] = []
    for entry in inventory.entries:
        if entry.kind not in chosen or (limit is not None and entry.last_used > limit):
            continue
        if dry_run:
            removed.append(entry)
            continue
        try:
            if entry.kind == "rna-index":
                store = GenomeStore(entry.path.parent)
                with store.building(entry.path.name):  # InputError while another builds it
                    _remove(entry)
            else:
                _remove(entry)
        except InputError as exc:  # the build lock is held, or the folder is read-only
            busy = "being built" in exc.message
            skipped.append((entry, "in use: being built by another process" if busy
                            else f"cannot remove: {exc.message}"))  # fmt: skip
            continue
        except FileNotFoundError:
            continue  # removed meanwhile by another process
        except OSError as exc:
            skipped.append((entry, f"cannot remove: {(exc.strerror or str(exc)).lower()}"))
            continue
        removed.append(entry)
    if not dry_run:
        _sweep(inventory.root, chosen, now)
    return ClearReport(inventory.root, dry_run, tuple(removed), tuple(skipped))
