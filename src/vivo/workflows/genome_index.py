# mypy: disable-error-code="no-untyped-call,unused-ignore"
"""On-disk genome indexes for the off-target search (`vivo genome add/list`).

Layout of ``<home>/<name>/``::

    meta.json                  format version, vivo version, source path/size/mtime/sha256, contigs
    genome/*.npy               2-bit packed bases, non-ACGT bit mask, soft-masked runs, offsets
    sites/<PAM set>/*.npy      sorted PAM-site table (memory-mapped at search time) + info.json

Every build writes into a temporary folder next to the target and renames it into place, so
an interrupted build leaves nothing a later run would use. ``home`` is an explicit argument,
else ``$VIVO_HOME/genomes``, else ``~/.local/share/vivo/genomes``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vivo import __version__
from vivo.core.errors import DataError, InputError
from vivo.editing.nucleases import get_nuclease
from vivo.editing.offtarget.encoding import PamSet, encode, pam_set
from vivo.editing.offtarget.index import (
    PackedGenome,
    SiteIndex,
    bucket_starts,
    choose_key_bases,
    contig_sites,
    count_pam_sites,
    masked_runs,
    merge_sites,
    pack_codes,
    padded_length,
)
from vivo.io.atomic import write_text_atomic
from vivo.io.genomes import open_genome

__all__ = [
    "FORMAT_VERSION",
    "IndexInfo",
    "build_genome_index",
    "genomes_home",
    "list_genomes",
    "open_index",
]

FORMAT_VERSION = 1
Progress = Callable[[str, float], None]
_GENOME_ARRAYS = ("packed", "other", "masked", "lengths", "offsets")
_SITE_ARRAYS = ("win", "nmask", "pos", "meta", "bucket_start")


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """What ``vivo genome list`` shows about one index."""

    name: str
    path: Path
    source: str
    sha256: str
    total_length: int
    contigs: int
    pam_sets: tuple[str, ...]
    vivo_version: str
    format_version: int

    def to_dict(self) -> dict[str, object]:
        """JSON-ready fields."""
        return {f: str(v) if isinstance(v, Path) else v for f, v in self._items()}

    def _items(self) -> list[tuple[str, object]]:
        return [(f, getattr(self, f)) for f in self.__dataclass_fields__]  # type: ignore[attr-defined]


def genomes_home(home: str | os.PathLike[str] | None = None) -> Path:
    """Index folder: ``home``, else ``$VIVO_HOME/genomes``, else ~/.local/share/vivo/genomes."""
    if home is not None:
        return Path(home)
    env = os.environ.get("VIVO_HOME")
    if env:
        return Path(env) / "genomes"
    return Path.home() / ".local" / "share" / "vivo" / "genomes"


def _check_name(name: str) -> str:
    if not name or not all(c.isalnum() or c in "._-" for c in name) or name.startswith("."):
        raise InputError(
            f"genome name {name!r} is not allowed", hint="use letters, digits, '.', '_' or '-'"
        )
    return name


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def _write_genome(source: Path, folder: Path, progress: Progress | None) -> dict[str, object]:
    ag = open_genome(source)
    genome = ag.genome
    names, lengths, offsets, packed, other, masked = [], [], [], [], [], []
    offset = 0
    contigs = genome.contig_names()
    for i, name in enumerate(contigs):
        seq = genome.fetch_region(name, 0, genome.contig_length(name))
        codes = encode(seq)
        pad = np.full(padded_length(len(codes)), 4, dtype=np.uint8)
        pad[: len(codes)] = codes
        p, o = pack_codes(pad)
        names.append(name)
        lengths.append(len(codes))
        offsets.append(offset)
        packed.append(p)
        other.append(o)
        masked.append(masked_runs(seq, offset))
        offset += len(pad)
        del seq, codes, pad
        if progress:
            progress(f"packing {name}", (i + 1) / len(contigs))
    (folder / "genome").mkdir(parents=True)
    arrays: dict[str, np.ndarray] = {  # type: ignore[type-arg]
        "packed": np.concatenate(packed),
        "other": np.concatenate(other),
        "masked": np.concatenate(masked).reshape(-1, 2),
        "lengths": np.asarray(lengths, dtype=np.int64),
        "offsets": np.asarray(offsets, dtype=np.int64),
    }
    for key, arr in arrays.items():
        np.save(folder / "genome" / f"{key}.npy", arr)
    return {"contigs": names}


def _load_genome(folder: Path, names: list[str]) -> PackedGenome:
    a = {k: np.load(folder / "genome" / f"{k}.npy", mmap_mode="r") for k in _GENOME_ARRAYS}
    return PackedGenome(tuple(names), np.asarray(a["lengths"]), np.asarray(a["offsets"]),
                        a["packed"], a["other"], np.asarray(a["masked"]))  # fmt: skip


def _write_sites(
    genome: PackedGenome,
    pams: PamSet,
    folder: Path,
    *,
    max_sites_per_pass: int,
    progress: Progress | None,
) -> None:
    """Count, then fill the sorted site table in key-range passes of bounded memory."""
    nc = len(genome.names)
    total = sum(count_pam_sites(genome.contig_codes(i), pams) for i in range(nc))
    k = choose_key_bases(total)
    nkeys = 4**k + 1
    passes = max(1, -(-total // max_sites_per_pass))
    bounds = np.linspace(0, nkeys, passes + 1).astype(np.int64)
    folder.mkdir(parents=True)
    parts_written: list[dict[str, np.ndarray]] = []
    for p in range(passes):
        parts = [
            contig_sites(genome.contig_codes(i), pams, offset=int(genome.offsets[i]),
                         key_bases=k, key_range=(int(bounds[p]), int(bounds[p + 1])))
            for i in range(nc)
        ]  # fmt: skip
        s = merge_sites(parts)
        part = folder / f"part{p}"
        part.mkdir()
        for key in ("key", "win", "nmask", "pos", "meta"):
            np.save(part / f"{key}.npy", getattr(s, key))
        parts_written.append({})
        if progress:
            progress(f"indexing {pams.key}", (p + 1) / passes)
    _concat_parts(folder, passes, k, genome)
    (folder / "info.json").write_text(json.dumps({
        "key_bases": k, "patterns": list(pams.patterns), "weights": list(pams.weights),
        "side": pams.side,
    }))  # fmt: skip


def _concat_parts(folder: Path, passes: int, k: int, genome: PackedGenome) -> None:
    sizes = [len(np.load(folder / f"part{p}" / "key.npy", mmap_mode="r")) for p in range(passes)]
    n = sum(sizes)
    pos_dtype = np.uint32 if genome.offsets[-1] + genome.lengths[-1] < 2**32 else np.int64
    dtypes = {"win": np.uint64, "nmask": np.uint32, "pos": pos_dtype, "meta": np.uint16,
              "key": np.uint32}  # fmt: skip
    outs = {
        key: np.lib.format.open_memmap(folder / f"{key}.npy", mode="w+", dtype=dt, shape=(n,))
        for key, dt in dtypes.items()
    }
    at = 0
    for p, size in enumerate(sizes):
        for key, out in outs.items():
            out[at : at + size] = np.load(folder / f"part{p}" / f"{key}.npy")
        at += size
        shutil.rmtree(folder / f"part{p}")
    np.save(folder / "bucket_start.npy", bucket_starts(outs["key"], k))
    for out in outs.values():
        out.flush()
    del outs
    (folder / "key.npy").unlink()


def build_genome_index(
    name: str,
    source: str | os.PathLike[str],
    *,
    nucleases: tuple[str, ...] = ("SpCas9",),
    home: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    max_sites_per_pass: int = 50_000_000,
) -> IndexInfo:
    """Build (or rebuild) the index of genome ``name`` from a FASTA(.gz)/2bit/GenBank file.

    The whole build happens in a temporary folder that replaces ``<home>/<name>`` at the end.
    """
    _check_name(name)
    src = Path(source)
    if not src.is_file():
        raise InputError(f"no such genome file: {src}", hint="give a .fa, .fa.gz or .2bit file")
    root = genomes_home(home)
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".building", dir=root))
    try:
        meta = _write_genome(src, tmp, progress)
        genome = _load_genome(tmp, list(meta["contigs"]))  # type: ignore[call-overload]
        keys = []
        for nuc in nucleases:
            pams = pam_set(get_nuclease(nuc))
            keys.append(pams.key)
            _write_sites(genome, pams, tmp / "sites" / pams.key,
                         max_sites_per_pass=max_sites_per_pass, progress=progress)  # fmt: skip
        stat = src.stat()
        meta.update({
            "format_version": FORMAT_VERSION, "vivo_version": __version__, "name": name,
            "source": str(src.resolve()), "source_size": stat.st_size,
            "source_mtime": stat.st_mtime, "sha256": _sha256(src), "pam_sets": keys,
            "total_length": genome.total_length,
        })  # fmt: skip
        write_text_atomic(tmp / "meta.json", json.dumps(meta, indent=1))
        _swap_into_place(tmp, root / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return _info(root / name)


def _swap_into_place(tmp: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _read_meta(folder: Path, name: str) -> dict[str, object]:
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        raise InputError(
            f"genome {name!r} has no index in {folder.parent}",
            hint=f"build it with: vivo genome add {name} GENOME.fa",
        )
    try:
        meta: dict[str, object] = json.loads(meta_path.read_text())
    except json.JSONDecodeError as exc:
        raise DataError(f"index of {name!r} is corrupt ({exc})",
                        hint=f"rebuild it: vivo genome add {name} FILE") from exc  # fmt: skip
    return meta


def _info(folder: Path) -> IndexInfo:
    meta = _read_meta(folder, folder.name)
    return IndexInfo(
        name=folder.name, path=folder, source=str(meta.get("source", "")),
        sha256=str(meta.get("sha256", "")), total_length=int(meta.get("total_length", 0)),  # type: ignore[call-overload]
        contigs=len(meta.get("contigs", [])),  # type: ignore[arg-type]
        pam_sets=tuple(meta.get("pam_sets", [])),  # type: ignore[arg-type]
        vivo_version=str(meta.get("vivo_version", "")),
        format_version=int(meta.get("format_version", 0)),  # type: ignore[call-overload]
    )  # fmt: skip


def list_genomes(home: str | os.PathLike[str] | None = None) -> list[IndexInfo]:
    """Every index under ``home`` (temporary and broken folders are skipped)."""
    root = genomes_home(home)
    if not root.is_dir():
        return []
    out = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not (folder / "meta.json").is_file():
            continue
        out.append(_info(folder))
    return out


def _check_version(meta: dict[str, object], name: str) -> None:
    rebuild = f"rebuild it: vivo genome add {name} {meta.get('source', 'FILE')}"
    if meta.get("format_version") != FORMAT_VERSION or meta.get("vivo_version") != __version__:
        raise DataError(
            f"index of {name!r} was built by vivo {meta.get('vivo_version')} (format "
            f"{meta.get('format_version')}); this is vivo {__version__} (format {FORMAT_VERSION})",
            hint=rebuild,
        )


def _check_fresh(meta: dict[str, object], name: str) -> None:
    rebuild = f"rebuild it: vivo genome add {name} {meta.get('source', 'FILE')}"
    src = Path(str(meta.get("source", "")))
    if not src.is_file():
        return  # the source may have moved; the index itself is self-contained
    st = src.stat()
    if st.st_size == meta.get("source_size") and st.st_mtime == meta.get("source_mtime"):
        return
    if st.st_size != meta.get("source_size") or _sha256(src) != meta.get("sha256"):
        raise DataError(
            f"the source of genome {name!r} ({src}) changed since its index was built "
            "(checksum differs)",
            hint=rebuild,
        )


def open_index(
    name: str,
    *,
    nuclease: str = "SpCas9",
    home: str | os.PathLike[str] | None = None,
    check_source: bool = True,
) -> SiteIndex:
    """Memory-map the index of ``name`` for ``nuclease`` (checked against version and source)."""
    folder = genomes_home(home) / _check_name(name)
    meta = _read_meta(folder, name)
    _check_version(meta, name)
    if check_source:
        _check_fresh(meta, name)
    pams = pam_set(get_nuclease(nuclease))
    site_dir = folder / "sites" / pams.key
    if not (site_dir / "info.json").is_file():
        raise InputError(
            f"genome {name!r} has no site index for {pams.key}",
            hint=f"add one: vivo genome add {name} {meta.get('source', 'FILE')} "
            f"--nuclease {nuclease}",
        )
    info = json.loads((site_dir / "info.json").read_text())
    genome = _load_genome(folder, list(meta["contigs"]))  # type: ignore[call-overload]
    a = {k: np.load(site_dir / f"{k}.npy", mmap_mode="r") for k in _SITE_ARRAYS}
    return SiteIndex(genome=genome, pams=pams, key_bases=int(info["key_bases"]),
                     bucket_start=np.asarray(a["bucket_start"]), win=a["win"], nmask=a["nmask"],
                     pos=a["pos"], meta=a["meta"])  # fmt: skip


def index_checksum(name: str, home: str | os.PathLike[str] | None = None) -> str:
    """The recorded sha256 of the genome's source file (for provenance)."""
    return str(_read_meta(genomes_home(home) / name, name).get("sha256", ""))
