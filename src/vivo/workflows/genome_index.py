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
import itertools
import json
import mmap
import os
import shutil
import struct
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
    KEY_BASES,
    MIN_ROOM,
    PackedGenome,
    SiteIndex,
    bucket_starts,
    contig_sites,
    count_pam_sites,
    distal_table,
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

FORMAT_VERSION = 2
Progress = Callable[[str, float], None]
_GENOME_ARRAYS = ("packed", "other", "masked", "lengths", "offsets")
_SITE_ARRAYS = ("win", "nmask", "pos", "meta", "bucket_start", "pw", "dbucket_start", "dw", "drow")
_TWOBIT_SIGNATURE = 0x1A412743
#: 2bit codes (T0 C1 A2 G3) -> vivo codes (A0 C1 G2 T3), four bases per byte.
_TB = np.array([3, 1, 0, 2], dtype=np.uint8)
_TB_BYTE = np.zeros((256, 4), dtype=np.uint8)
for _b in range(256):
    _TB_BYTE[_b] = _TB[[(_b >> 6) & 3, (_b >> 4) & 3, (_b >> 2) & 3, _b & 3]]
_BASES_PER_STEP = 1 << 26


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


def _twobit_records(source: Path) -> list[tuple[str, int, np.ndarray, np.ndarray, int]] | None:  # type: ignore[type-arg]
    """``(name, length, N blocks, mask blocks, packed-data offset)`` per record of a version-0
    .2bit file, or ``None`` for anything else."""
    with open(source, "rb") as fh:
        head = fh.read(16)
        if len(head) < 16:
            return None
        sig, version, count, _ = struct.unpack("<IIII", head)
        if sig != _TWOBIT_SIGNATURE or version != 0:
            return None
        index = []
        for _ in range(count):
            (size,) = struct.unpack("<B", fh.read(1))
            name = fh.read(size).decode()
            (offset,) = struct.unpack("<I", fh.read(4))
            index.append((name, offset))
        out = []
        for name, offset in index:
            fh.seek(offset)
            length, nn = struct.unpack("<II", fh.read(8))
            nblocks = np.frombuffer(fh.read(8 * nn), dtype="<u4").reshape(2, nn).T.astype(np.int64)
            (nm,) = struct.unpack("<I", fh.read(4))
            mblocks = np.frombuffer(fh.read(8 * nm), dtype="<u4").reshape(2, nm).T.astype(np.int64)
            out.append((name, length, nblocks, mblocks, offset + 16 + 8 * (nn + nm)))
    return out


def _pack_twobit(source: Path, folder: Path, progress: Progress | None) -> dict[str, object]:
    """Convert a .2bit file chunk by chunk (bounded memory) into the packed genome arrays."""
    recs = _twobit_records(source)
    assert recs is not None
    padded = [padded_length(r[1]) for r in recs]
    offsets = np.concatenate([[0], np.cumsum(padded)[:-1]]).astype(np.int64)
    total = int(sum(padded))
    (folder / "genome").mkdir(parents=True)
    packed = np.lib.format.open_memmap(folder / "genome" / "packed.npy", mode="w+",
                                       dtype=np.uint8, shape=(total // 4,))  # fmt: skip
    other = np.lib.format.open_memmap(folder / "genome" / "other.npy", mode="w+",
                                      dtype=np.uint8, shape=(total // 8,))  # fmt: skip
    raw = np.memmap(source, dtype=np.uint8, mode="r")
    masked = []
    for i, (name, length, nblocks, mblocks, data) in enumerate(recs):
        for lo in range(0, padded[i], _BASES_PER_STEP):
            hi = min(padded[i], lo + _BASES_PER_STEP)
            codes = _TB_BYTE[raw[data + lo // 4 : data + min(hi, length + 3) // 4]].ravel()
            chunk = np.full(hi - lo, 4, dtype=np.uint8)
            real = max(0, min(hi, length) - lo)
            chunk[:real] = codes[:real]
            for start, size in nblocks:
                a, b = max(start, lo), min(start + size, hi)
                if a < b:
                    chunk[a - lo : b - lo] = 4
            p, o = pack_codes(chunk)
            g = int(offsets[i]) + lo
            packed[g // 4 : g // 4 + len(p)] = p
            other[g // 8 : g // 8 + len(o)] = o
        masked.append(np.stack([mblocks[:, 0], mblocks[:, 0] + mblocks[:, 1]], axis=1) + offsets[i])
        if progress:
            progress(f"packing {name}", (i + 1) / len(recs))
    packed.flush()
    other.flush()
    del packed, other, raw
    arrays = {
        "masked": np.concatenate(masked).reshape(-1, 2).astype(np.int64),
        "lengths": np.array([r[1] for r in recs], dtype=np.int64),
        "offsets": offsets,
    }
    for key, arr in arrays.items():
        np.save(folder / "genome" / f"{key}.npy", arr)
    return {"contigs": [r[0] for r in recs]}


def _write_genome(source: Path, folder: Path, progress: Progress | None) -> dict[str, object]:
    if _twobit_records(source) is not None:
        return _pack_twobit(source, folder, progress)
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
    """Write the sorted site tables of one PAM set (numba when installed, else numpy)."""
    from vivo.editing.offtarget._kernels import build

    folder.mkdir(parents=True)
    if build.available():
        _write_sites_numba(genome, pams, folder, max_sites_per_pass, progress)
    else:
        _write_sites_numpy(genome, pams, folder, max_sites_per_pass, progress)
    (folder / "info.json").write_text(json.dumps({
        "key_bases": KEY_BASES, "patterns": list(pams.patterns), "weights": list(pams.weights),
        "side": pams.side,
    }))  # fmt: skip


def _new_npy(path: Path, dtype: type, n: int) -> int:
    """Create ``path`` as an ``.npy`` of ``n`` items (sparse) and return its data offset."""
    arr = np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=(n,))
    offset = int(arr.offset)
    del arr
    return offset


def _write_at(path: Path, offset: int, row: int, arr: np.ndarray) -> None:  # type: ignore[type-arg]
    with open(path, "r+b") as fh:
        fh.seek(offset + row * arr.itemsize)
        arr.tofile(fh)


def _key_passes(starts: np.ndarray, nkeys: int, max_rows: int) -> list[tuple[int, int]]:  # type: ignore[type-arg]
    """Key ranges of about ``max_rows`` rows each."""
    cuts = [0]
    while cuts[-1] < nkeys:
        target = int(starts[cuts[-1]]) + max(1, max_rows)
        nxt = int(np.searchsorted(starts[: nkeys + 1], target, side="right")) - 1
        cuts.append(min(nkeys, max(nxt, cuts[-1] + 1)))
    return list(itertools.pairwise(cuts))


def _write_sites_numba(
    genome: PackedGenome, pams: PamSet, folder: Path, max_rows: int, progress: Progress | None
) -> None:
    from vivo.editing.offtarget._kernels import build

    k = KEY_BASES
    pieces = build.chunk_pieces(genome.offsets, genome.lengths, pams.length)
    counts, dcounts = build.count_sites(genome.packed, genome.other, pieces, pams, nkey=k,
                                        min_room=MIN_ROOM)  # fmt: skip
    starts = np.concatenate([[0], np.cumsum(counts.sum(axis=0))]).astype(np.int64)
    n = int(starts[-1])
    pos_dtype = np.uint32 if genome.offsets[-1] + genome.lengths[-1] < 2**32 else np.int64
    row_dtype = np.uint32 if n < 2**32 else np.int64
    dtypes = {"win": np.uint64, "nmask": np.uint32, "pos": pos_dtype, "meta": np.uint16,
              "pw": np.uint32}  # fmt: skip
    offs = {key: _new_npy(folder / f"{key}.npy", dt, n) for key, dt in dtypes.items()}
    passes = _key_passes(starts, 4**k + 1, max_rows)
    for i, (klo, khi) in enumerate(passes):
        part = build.fill_sites(genome.packed, genome.other, pieces, pams, counts, (klo, khi),
                                nkey=k, min_room=MIN_ROOM, pos_dtype=pos_dtype)  # fmt: skip
        for key, arr in part.items():
            _write_at(folder / f"{key}.npy", offs[key], int(starts[klo]), arr)
        del part
        if progress:
            progress(f"indexing {pams.key}", 0.8 * (i + 1) / len(passes))
    np.save(folder / "bucket_start.npy", starts)
    dstart = np.concatenate([[0], np.cumsum(dcounts)]).astype(np.int64)
    np.save(folder / "dbucket_start.npy", dstart)
    nd = int(dstart[-1])
    doffs = {"dw": _new_npy(folder / "dw.npy", np.uint32, nd),
             "drow": _new_npy(folder / "drow.npy", row_dtype, nd)}  # fmt: skip
    pw = np.load(folder / "pw.npy", mmap_mode="r")
    dpasses = _key_passes(dstart, 4**k, max_rows)
    for i, (dlo, dhi) in enumerate(dpasses):
        dw, drow = build.fill_distal(starts, pw, dstart, (dlo, dhi), nkey=k, row_dtype=row_dtype)
        _write_at(folder / "dw.npy", doffs["dw"], int(dstart[dlo]), dw)
        _write_at(folder / "drow.npy", doffs["drow"], int(dstart[dlo]), drow)
        if progress:
            progress(f"indexing {pams.key} (distal)", 0.8 + 0.2 * (i + 1) / len(dpasses))
    del pw


def _write_sites_numpy(
    genome: PackedGenome, pams: PamSet, folder: Path, max_sites_per_pass: int,
    progress: Progress | None,
) -> None:  # fmt: skip
    """Key-range passes with the numpy builder (no numba: slow on large genomes)."""
    nc = len(genome.names)
    k = KEY_BASES
    total = sum(count_pam_sites(genome.contig_codes(i), pams) for i in range(nc))
    passes = max(1, -(-total // max_sites_per_pass))
    bounds = np.linspace(0, 4**k + 1, passes + 1).astype(np.int64)
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
        if progress:
            progress(f"indexing {pams.key}", (p + 1) / passes)
    _concat_parts(folder, passes, k, genome)
    win = np.load(folder / "win.npy")
    pw = ((win >> np.uint64(20)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    np.save(folder / "pw.npy", pw)
    dstart, dw, drow = distal_table(np.load(folder / "bucket_start.npy"), pw, k)
    np.save(folder / "dbucket_start.npy", dstart)
    np.save(folder / "dw.npy", dw)
    np.save(folder / "drow.npy", drow.astype(np.uint32 if len(win) < 2**32 else np.int64))


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
    max_sites_per_pass: int = 250_000_000,
    pams: tuple[str, ...] = (),
) -> IndexInfo:
    """Build (or rebuild) the index of genome ``name`` from a FASTA(.gz)/2bit/GenBank file.

    The whole build happens in a temporary folder that replaces ``<home>/<name>`` at the end.
    ``pams`` restricts the PAM set (e.g. ``("NGG", "NAG")``; default: canonical plus every
    alternative PAM of each nuclease). A version-0 .2bit file is converted chunk by chunk;
    ``max_sites_per_pass`` bounds the rows held in memory at once (about 22 bytes each).
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
            pset = pam_set(get_nuclease(nuc), pams=pams)
            keys.append(pset.key)
            _write_sites(genome, pset, tmp / "sites" / pset.key,
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
    pams: tuple[str, ...] = (),
) -> SiteIndex:
    """Memory-map the index of ``name`` for ``nuclease`` (checked against version and source);
    ``pams`` selects an index built with a restricted PAM set."""
    folder = genomes_home(home) / _check_name(name)
    meta = _read_meta(folder, name)
    _check_version(meta, name)
    if check_source:
        _check_fresh(meta, name)
    pset = pam_set(get_nuclease(nuclease), pams=pams)
    site_dir = folder / "sites" / pset.key
    if not (site_dir / "info.json").is_file():
        raise InputError(
            f"genome {name!r} has no site index for {pset.key}",
            hint=f"add one: vivo genome add {name} {meta.get('source', 'FILE')} "
            f"--nuclease {nuclease}",
        )
    info = json.loads((site_dir / "info.json").read_text())
    genome = _load_genome(folder, list(meta["contigs"]))  # type: ignore[call-overload]
    a = {k: _random_access(np.load(site_dir / f"{k}.npy", mmap_mode="r")) for k in _SITE_ARRAYS}
    return SiteIndex(genome=genome, pams=pset, key_bases=int(info["key_bases"]),
                     bucket_start=np.asarray(a["bucket_start"]), win=a["win"], nmask=a["nmask"],
                     pos=a["pos"], meta=a["meta"], pw=a["pw"],
                     dbucket_start=np.asarray(a["dbucket_start"]), dw=a["dw"],
                     drow=a["drow"])  # fmt: skip


def _random_access(arr: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    """Tell the kernel that ``arr`` (a memory map) is read at random: no read-around, so a
    search pages in (and keeps resident) only the buckets it reads."""
    m = getattr(arr, "_mmap", None)
    if m is not None and hasattr(m, "madvise") and hasattr(mmap, "MADV_RANDOM"):
        m.madvise(mmap.MADV_RANDOM)
    return arr


def index_checksum(name: str, home: str | os.PathLike[str] | None = None) -> str:
    """The recorded sha256 of the genome's source file (for provenance)."""
    return str(_read_meta(genomes_home(home) / name, name).get("sha256", ""))
