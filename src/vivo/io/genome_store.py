# mypy: disable-error-code="unused-ignore"
"""vivo's genome store on disk: layout, metadata, locks, staging and checked reading.

Layout of the store (``vivo.io.places.genomes_home``)::

    <home>/<name>/meta.json                  format/vivo version, source path/size/mtime/sha256,
                                             contigs, total length, PAM sets
    <home>/<name>/genome/*.npy               2-bit packed bases, non-ACGT flags, soft-masked runs,
                                             contig lengths and offsets
    <home>/<name>/sites/<PAM set>/*.npy      one sorted PAM-site table per PAM set, + info.json
    <home>/.<name>.lock                      held (fcntl) by the process building <name>
    <home>/.<name>.pid<PID>.<x>.building     a whole genome being built by process PID
    <home>/<name>/sites/.<key>.pid<PID>.<x>.building   one PAM set being (re)built
    <home>/.<name>.pid<PID>.x.old / .removing          a genome being replaced / removed

Several PAM sets of one genome coexist; a build stages what it writes next to its target and
renames it into place, replacing only what it rebuilt. Staging folders of processes that no
longer run are removed when the next build starts. A damaged index (missing or truncated
arrays, wrong metadata) is a :class:`DataError` naming the file, with a command that repairs it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import mmap
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vivo import __version__
from vivo.core.errors import DataError, InputError
from vivo.editing.offtarget.encoding import PamSet
from vivo.editing.offtarget.index import PackedGenome, SiteIndex, padded_length
from vivo.io.atomic import pid_alive, write_text_atomic
from vivo.io.places import genomes_home

__all__ = [
    "FORMAT_VERSION",
    "STAGE_NAME",
    "GenomeMeta",
    "GenomeStore",
    "IndexInfo",
    "NpyFolder",
    "check_name",
    "sha256_file",
]

FORMAT_VERSION = 2
GENOME_ARRAYS = ("packed", "other", "masked", "lengths", "offsets")
SITE_ARRAYS = ("win", "nmask", "pos", "meta", "bucket_start", "pw", "dbucket_start", "dw", "drow")
#: names of staged, replaced and half-removed folders: ``.<name>.pid<PID>.<x>.<what>``
STAGE_NAME = re.compile(r"^\.(?P<name>.+)\.pid(?P<pid>\d+)\.[^.]+\.(?:building|old|removing)$")
_STAGE_GLOBS = (".*.building", ".*.old", ".*.removing")
_LEGACY_AGE_S = 24 * 3600


def sha256_file(path: Path) -> str:
    """The sha256 of a file, read in 4 MB blocks."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


class NpyFolder:
    """The index build's array sink (``vivo.editing.offtarget.build.ArraySink``): one ``.npy``
    file per array in ``folder`` (created sparse, written in slices at their offsets)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._offsets: dict[str, tuple[int, int]] = {}
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}.npy"

    def create(self, name: str, dtype: Any, n: int) -> None:
        arr = np.lib.format.open_memmap(self._path(name), mode="w+", dtype=dtype, shape=(n,))
        self._offsets[name] = (int(arr.offset), arr.dtype.itemsize)
        del arr

    def write(self, name: str, at: int, arr: np.ndarray) -> None:  # type: ignore[type-arg]
        offset, size = self._offsets[name]
        with open(self._path(name), "r+b") as fh:
            fh.seek(offset + at * size)
            np.ascontiguousarray(arr).tofile(fh)

    def save(self, name: str, arr: np.ndarray) -> None:  # type: ignore[type-arg]
        np.save(self._path(name), arr)

    def load(self, name: str) -> np.ndarray:  # type: ignore[type-arg]
        arr: np.ndarray = np.load(self._path(name), mmap_mode="r")  # type: ignore[type-arg]
        return arr

    def remove(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)


def check_name(name: str) -> str:
    """``name`` if it is a safe genome name (letters, digits, '.', '_', '-')."""
    if not name or not all(c.isalnum() or c in "._-" for c in name) or name.startswith("."):
        raise InputError(
            f"genome name {name!r} is not allowed", hint="use letters, digits, '.', '_' or '-'"
        )
    return name


@dataclass(frozen=True, slots=True)
class GenomeMeta:
    """The checked content of ``meta.json``."""

    name: str
    contigs: tuple[str, ...]
    total_length: int
    format_version: int
    vivo_version: str
    source: str
    source_size: int
    source_mtime: float
    sha256: str
    pam_sets: tuple[str, ...] = ()

    def to_json(self) -> str:
        """The ``meta.json`` text."""
        doc = {f: getattr(self, f) for f in self.__dataclass_fields__}  # type: ignore[attr-defined]
        doc["contigs"], doc["pam_sets"] = list(self.contigs), list(self.pam_sets)
        return json.dumps(doc, indent=1)

    @property
    def current(self) -> bool:
        """Written by this vivo version in this format."""
        return self.format_version == FORMAT_VERSION and self.vivo_version == __version__


_META_TYPES: dict[str, Any] = {
    "name": str, "contigs": list, "total_length": int, "format_version": int,
    "vivo_version": str, "source": str, "source_size": int, "source_mtime": (int, float),
    "sha256": str,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """What ``vivo genome list`` shows about one genome of the store (``problem`` says why a
    damaged one cannot be used)."""

    name: str
    path: Path
    source: str
    sha256: str
    total_length: int
    contigs: int
    pam_sets: tuple[str, ...]
    vivo_version: str
    format_version: int
    problem: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready fields."""
        out: dict[str, object] = {}
        for f in self.__dataclass_fields__:  # type: ignore[attr-defined]
            v = getattr(self, f)
            out[f] = str(v) if isinstance(v, Path) else list(v) if isinstance(v, tuple) else v
        return out


def _repair_hint(name: str, source: str | None, extra: str = "") -> str:
    src = source if source and Path(source).is_file() else "FILE"
    gone = f" ({source} is gone: give the file it was built from)" if src == "FILE" else ""
    return f"repair it: vivo genome add {name} {src}{extra}{gone}"


@dataclass(frozen=True, slots=True)
class GenomeStore:
    """The genome store rooted at ``root`` (nothing is created until a build starts)."""

    root: Path

    @classmethod
    def at(cls, home: str | os.PathLike[str] | None = None) -> GenomeStore:
        """The store at ``home`` (else ``$VIVO_HOME/genomes``, else the default)."""
        return cls(genomes_home(home))

    def folder(self, name: str) -> Path:
        """Where genome ``name`` lives."""
        return self.root / check_name(name)

    # ---- writing --------------------------------------------------------------------------

    def check_writable(self) -> None:
        """An :class:`InputError` when the store cannot be created or written."""
        probe = self.root
        while not probe.exists():
            if probe.parent == probe:
                break
            probe = probe.parent
        if probe.exists() and not probe.is_dir():
            raise InputError(
                f"genome store {self.root}: {probe} is a file, not a folder",
                hint="give --home (or VIVO_HOME) a folder",
            )
        if not os.access(probe, os.W_OK | os.X_OK):
            raise InputError(
                f"genome store {self.root}: {probe} is not writable",
                hint="give --home (or VIVO_HOME) a folder you can write",
            )

    @contextlib.contextmanager
    def building(self, name: str) -> Iterator[None]:
        """Hold the build lock of ``name`` (creating the store if needed), after removing
        stale staging folders; on failure remove whatever this call created."""
        check_name(name)
        self.check_writable()
        created = self._mkdirs()
        ok = False
        try:
            with self._lock(name):
                self.sweep_stale(name)
                yield
                ok = True
        finally:
            if not ok:
                for folder in reversed(created):
                    with contextlib.suppress(OSError):
                        folder.rmdir()  # only if empty

    def _mkdirs(self) -> list[Path]:
        missing = []
        probe = self.root
        while not probe.exists():
            missing.append(probe)
            probe = probe.parent
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                f"cannot create the genome store {self.root}: {exc.strerror}",
                hint="give --home (or VIVO_HOME) a folder you can write",
            ) from exc
        return list(reversed(missing))

    @contextlib.contextmanager
    def _lock(self, name: str) -> Iterator[None]:
        path = self.root / f".{name}.lock"
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                holder = path.read_text().strip() if path.is_file() else "?"
                raise InputError(
                    f"genome {name!r} is being built by another process (pid {holder})",
                    hint="wait for that build to finish, then run this command again",
                ) from exc
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # the holder removed the file as we opened it: try again
        try:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
            yield
        finally:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            os.close(fd)

    def sweep_stale(self, locked_name: str | None = None) -> list[Path]:
        """Remove staging folders of builds whose process is gone (and, for ``locked_name``,
        whose lock this process holds, legacy ones without a pid); return them."""
        removed = []
        folders = [self.root] + [
            f / "sites"
            for f in (self.root.iterdir() if self.root.is_dir() else ())
            if f.is_dir() and not f.name.startswith(".")
        ]
        candidates = [p for f in folders for g in _STAGE_GLOBS for p in f.glob(g)]
        for path in candidates:
            m = STAGE_NAME.match(path.name)
            if m:
                stale = not pid_alive(int(m.group("pid")))
            else:
                legacy = path.name.startswith(f".{locked_name}.") and path.parent == self.root
                stale = legacy or time.time() - path.stat().st_mtime > _LEGACY_AGE_S
            if not stale:
                continue
            target = path.parent / (m.group("name") if m else "")
            if m and path.name.endswith(".old") and not target.exists():
                os.replace(path, target)  # killed mid-swap: the previous version comes back
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        return removed

    def stage(self, parent: Path, name: str) -> Path:
        """A new staging folder for ``name`` in ``parent`` (marked with this process's pid)."""
        parent.mkdir(parents=True, exist_ok=True)
        return Path(
            tempfile.mkdtemp(prefix=f".{name}.pid{os.getpid()}.", suffix=".building", dir=parent)
        )

    @staticmethod
    def swap(staged: Path, target: Path) -> None:
        """Rename ``staged`` over ``target`` (the old one, if any, is removed afterwards)."""
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.pid{os.getpid()}.x.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
        os.replace(staged, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def write_meta(self, folder: Path, meta: GenomeMeta) -> None:
        """Write ``meta.json`` of a genome folder atomically."""
        write_text_atomic(folder / "meta.json", meta.to_json())

    def remove(self, name: str, pam_set_key: str | None = None) -> None:
        """Remove genome ``name`` or only one of its PAM sets."""
        folder = self.folder(name)
        if not folder.is_dir():
            raise InputError(
                f"no genome {name!r} in {self.root}",
                hint="see the genomes with: vivo genome list" + (f" --home {self.root}"),
            )
        meta = self.read_meta(name) if pam_set_key is not None else None
        with self.building(name):
            if pam_set_key is None:
                doomed = self.root / f".{name}.pid{os.getpid()}.x.removing"
                os.replace(folder, doomed)
                shutil.rmtree(doomed)
                return
            if pam_set_key not in self.pam_set_keys(name):
                raise InputError(
                    f"genome {name!r} has no PAM set {pam_set_key!r}",
                    hint="its PAM sets: " + (", ".join(self.pam_set_keys(name)) or "none"),
                )
            shutil.rmtree(folder / "sites" / pam_set_key)
            assert meta is not None
            self.write_meta(folder, _replace_sets(meta, self.pam_set_keys(name)))

    # ---- metadata checks ------------------------------------------------------------------

    @staticmethod
    def check_current(meta: GenomeMeta, name: str) -> None:
        """A :class:`DataError` (with the rebuild command) when the index was written by another
        index format or vivo version."""
        if not meta.current:
            raise DataError(
                f"index of {name!r} was built by vivo {meta.vivo_version} (format "
                f"{meta.format_version}); this is vivo {__version__} (format {FORMAT_VERSION})",
                hint=f"rebuild it (its PAM sets are kept): vivo genome add {name} {meta.source}",
            )

    @staticmethod
    def check_source(meta: GenomeMeta, name: str) -> None:
        """A :class:`DataError` when the source file changed since the build (size, then the
        checksum when the modification time differs); a moved source is fine (the index is
        self-contained)."""
        src = Path(meta.source)
        if not src.is_file():
            return
        st = src.stat()
        if st.st_size == meta.source_size and st.st_mtime == meta.source_mtime:
            return
        if st.st_size != meta.source_size or sha256_file(src) != meta.sha256:
            raise DataError(
                f"the source of genome {name!r} ({src}) changed since its index was built "
                "(checksum differs)",
                hint=f"rebuild it (its PAM sets are kept): vivo genome add {name} {src}",
            )

    def readable_sets(self, name: str) -> list[str]:
        """The PAM sets of ``name`` whose description can be read (damaged ones left out)."""
        out = []
        for key in self.pam_set_keys(name):
            try:
                self.pam_set(name, key)
            except (DataError, InputError):
                continue
            out.append(key)
        return out

    def reusable_meta(self, name: str, src: Path) -> GenomeMeta | None:
        """The genome's metadata when its packed genome can be kept: current format, intact
        arrays, and the same source content as ``src``."""
        if not (self.folder(name) / "meta.json").is_file():
            return None
        try:
            meta = self.read_meta(name)
            if not meta.current:
                return None
            self.load_genome(name, meta)
        except DataError:
            return None
        st = src.stat()
        if st.st_size != meta.source_size:
            return None
        same_file = str(src.resolve()) == meta.source and st.st_mtime == meta.source_mtime
        return meta if same_file or sha256_file(src) == meta.sha256 else None

    # ---- reading --------------------------------------------------------------------------

    def read_meta(self, name: str) -> GenomeMeta:
        """The checked ``meta.json`` of ``name``."""
        folder = self.folder(name)
        path = folder / "meta.json"
        if not path.is_file():
            known = ", ".join(self.names()) or "none"
            raise InputError(
                f"genome {name!r} has no index in {self.root} (indexed genomes: {known})",
                hint=f"build it with: vivo genome add {name} GENOME.fa",
            )
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise DataError(
                f"{path}: not valid JSON ({exc})", hint=_repair_hint(name, None)
            ) from exc
        return _parse_meta(doc, path, name)

    def pam_set_keys(self, name: str) -> tuple[str, ...]:
        """The PAM sets present on disk for ``name`` (folders with an ``info.json``)."""
        sites = self.folder(name) / "sites"
        if not sites.is_dir():
            return ()
        return tuple(
            sorted(d.name for d in sites.iterdir()
                   if not d.name.startswith(".") and (d / "info.json").is_file())
        )  # fmt: skip

    def pam_set(self, name: str, key: str) -> PamSet:
        """The :class:`PamSet` recorded for PAM set ``key`` of ``name``."""
        info = self._site_info(name, key, None)
        return PamSet(tuple(info["patterns"]), tuple(info["weights"]), info["side"])

    def info(self, name: str) -> IndexInfo:
        """The :class:`IndexInfo` of ``name``."""
        meta = self.read_meta(name)
        return IndexInfo(
            name=name, path=self.folder(name), source=meta.source, sha256=meta.sha256,
            total_length=meta.total_length, contigs=len(meta.contigs),
            pam_sets=self.pam_set_keys(name), vivo_version=meta.vivo_version,
            format_version=meta.format_version,
        )  # fmt: skip

    def names(self) -> list[str]:
        """Names of the genomes of the store (staging folders and folders without
        ``meta.json`` are skipped)."""
        if not self.root.is_dir():
            return []
        return sorted(
            f.name for f in self.root.iterdir()
            if not f.name.startswith(".") and (f / "meta.json").is_file()
        )  # fmt: skip

    def genomes(self) -> list[IndexInfo]:
        """Every genome of the store; a damaged one is listed with its ``problem``."""
        out = []
        for name in self.names():
            try:
                out.append(self.info(name))
            except DataError as exc:
                out.append(IndexInfo(name, self.folder(name), "", "", 0, 0,
                                     self.pam_set_keys(name), "", 0, problem=str(exc)))  # fmt: skip
        return out

    def load_genome(self, name: str, meta: GenomeMeta, folder: Path | None = None) -> PackedGenome:
        """Memory-map the packed genome of ``name``, each array checked against ``meta``."""
        base = (folder or self.folder(name)) / "genome"
        hint = _repair_hint(name, meta.source)
        a = {k: _load(base / f"{k}.npy", hint) for k in GENOME_ARRAYS}
        nc = len(meta.contigs)
        _expect(a["lengths"], base / "lengths.npy", np.int64, (nc,), hint)
        _expect(a["offsets"], base / "offsets.npy", np.int64, (nc,), hint)
        end = int(a["offsets"][-1]) + padded_length(int(a["lengths"][-1])) if nc else 0
        _expect(a["packed"], base / "packed.npy", np.uint8, (end // 4,), hint)
        _expect(a["other"], base / "other.npy", np.uint8, (end // 8,), hint)
        if a["masked"].ndim != 2 or a["masked"].shape[1] != 2:
            raise DataError(f"{base / 'masked.npy'}: wrong shape {a['masked'].shape}", hint=hint)
        return PackedGenome(meta.contigs, np.asarray(a["lengths"]), np.asarray(a["offsets"]),
                            a["packed"], a["other"], np.asarray(a["masked"]))  # fmt: skip

    def _site_info(self, name: str, key: str, hint: str | None) -> dict[str, Any]:
        path = self.folder(name) / "sites" / key / "info.json"
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
            ok = (
                isinstance(info, dict) and isinstance(info.get("key_bases"), int)
                and isinstance(info.get("patterns"), list)
                and isinstance(info.get("weights"), list)
                and info.get("side") in ("3prime", "5prime")
            )  # fmt: skip
        except (OSError, json.JSONDecodeError, UnicodeDecodeError):
            ok = False
        if not ok:
            raise DataError(f"{path}: missing or malformed", hint=hint or _repair_hint(name, None))
        return info  # type: ignore[no-any-return]

    def open_sites(self, name: str, meta: GenomeMeta, pams: PamSet, *, repair: str) -> SiteIndex:
        """Memory-map the site table of ``pams`` of ``name``, each array checked."""
        folder = self.folder(name) / "sites" / pams.key
        hint = _repair_hint(name, meta.source, repair)
        info = self._site_info(name, pams.key, hint)
        genome = self.load_genome(name, meta)
        a = {k: _random_access(_load(folder / f"{k}.npy", hint)) for k in SITE_ARRAYS}
        k = int(info["key_bases"])
        bs, dbs = a["bucket_start"], a["dbucket_start"]
        _expect(bs, folder / "bucket_start.npy", np.int64, (4**k + 2,), hint)
        _expect(dbs, folder / "dbucket_start.npy", np.int64, (4**k + 1,), hint)
        n, nd = int(bs[-1]), int(dbs[-1])
        for key in ("win", "nmask", "pos", "meta", "pw"):
            _expect(a[key], folder / f"{key}.npy", None, (n,), hint)
        for key in ("dw", "drow"):
            _expect(a[key], folder / f"{key}.npy", None, (nd,), hint)
        if bs[0] != 0 or np.any(np.diff(bs) < 0) or dbs[0] != 0 or np.any(np.diff(dbs) < 0):
            raise DataError(f"{folder}: bucket offsets are not sorted", hint=hint)
        return SiteIndex(genome=genome, pams=pams, key_bases=k, bucket_start=np.asarray(bs),
                         win=a["win"], nmask=a["nmask"], pos=a["pos"], meta=a["meta"],
                         pw=a["pw"], dbucket_start=np.asarray(dbs), dw=a["dw"],
                         drow=a["drow"])  # fmt: skip


def _replace_sets(meta: GenomeMeta, keys: tuple[str, ...]) -> GenomeMeta:
    import dataclasses

    return dataclasses.replace(meta, pam_sets=keys)


def _parse_meta(doc: object, path: Path, name: str) -> GenomeMeta:
    hint = _repair_hint(name, doc.get("source") if isinstance(doc, dict) else None)  # type: ignore[arg-type]
    if not isinstance(doc, dict):
        raise DataError(f"{path}: expected a JSON object", hint=hint)
    for key, typ in _META_TYPES.items():
        value = doc.get(key)
        if not isinstance(value, typ) or isinstance(value, bool):
            raise DataError(
                f"{path}: field {key!r} is missing or has the wrong type ({value!r})", hint=hint
            )
    if not all(isinstance(c, str) for c in doc["contigs"]):
        raise DataError(f"{path}: field 'contigs' must list names", hint=hint)
    sets = doc.get("pam_sets", [])
    return GenomeMeta(
        name=doc["name"], contigs=tuple(doc["contigs"]), total_length=doc["total_length"],
        format_version=doc["format_version"], vivo_version=doc["vivo_version"],
        source=doc["source"], source_size=doc["source_size"],
        source_mtime=float(doc["source_mtime"]), sha256=doc["sha256"],
        pam_sets=tuple(str(s) for s in sets) if isinstance(sets, list) else (),
    )  # fmt: skip


def _load(path: Path, hint: str) -> np.ndarray:  # type: ignore[type-arg]
    if not path.is_file():
        raise DataError(f"{path}: missing from the index", hint=hint)
    try:
        arr: np.ndarray = np.load(path, mmap_mode="r")  # type: ignore[type-arg]
    except (ValueError, OSError, EOFError) as exc:
        raise DataError(f"{path}: truncated or corrupt array ({exc})", hint=hint) from exc
    return arr


def _expect(
    arr: np.ndarray,  # type: ignore[type-arg]
    path: Path,
    dtype: type | None,
    shape: tuple[int, ...],
    hint: str,
) -> None:
    if (dtype is not None and arr.dtype != dtype) or arr.shape != shape:
        raise DataError(
            f"{path}: {arr.dtype} array of shape {arr.shape}, expected "
            f"{np.dtype(dtype) if dtype else 'shape'} {shape}",
            hint=hint,
        )


def _random_access(arr: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    """Tell the kernel that ``arr`` (a memory map) is read at random: no read-around, so a
    search pages in (and keeps resident) only the buckets it reads."""
    m = getattr(arr, "_mmap", None)
    if m is not None and hasattr(m, "madvise") and hasattr(mmap, "MADV_RANDOM"):
        m.madvise(mmap.MADV_RANDOM)
    return arr
