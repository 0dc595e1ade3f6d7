# mypy: disable-error-code="no-untyped-call,unused-ignore"
"""Build and open genome indexes for the off-target search (`vivo genome add/list/remove`).

This workflow composes: check the source file, take the genome's build lock in the store
(:mod:`vivo.io.genome_store`: layout, metadata, locks, staging), pack the genome, write one
sorted site table per PAM set, and commit. Several PAM sets of one genome coexist:

* a new PAM set of a genome already in the store (same source content, current format) is
  added next to the others, the packed genome reused;
* a PAM set that is already there is rebuilt and replaces only itself;
* a genome whose source changed, whose index was written by another vivo version or whose
  packed arrays are damaged is rebuilt whole, with every PAM set it had (so nothing is lost).

Progress is reported as ``progress(what, done, total, unit)`` with ``unit`` ``"bp"`` (packing)
or ``"sites"`` (site tables). ``home`` is an explicit argument, else ``$VIVO_HOME/genomes``,
else ``~/.local/share/vivo/genomes``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import os
import shutil
from collections.abc import Callable
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
from vivo.io.genome_store import (
    FORMAT_VERSION,
    GenomeMeta,
    GenomeStore,
    IndexInfo,
    check_name,
)
from vivo.io.genomes import GENOME_FORMATS, open_genome
from vivo.io.places import genomes_home
from vivo.io.sniff import require_file, require_format
from vivo.io.twobit import read_twobit_index

__all__ = [
    "FORMAT_VERSION",
    "IndexInfo",
    "Progress",
    "build_genome_index",
    "genomes_home",
    "index_checksum",
    "list_genomes",
    "open_index",
    "remove_genome",
]

#: ``progress(what, done, total, unit)``: ``unit`` is ``"bp"`` or ``"sites"``
Progress = Callable[[str, int, int, str], None]
#: 2bit codes (T0 C1 A2 G3) -> vivo codes (A0 C1 G2 T3), four bases per byte.
_TB = np.array([3, 1, 0, 2], dtype=np.uint8)
_TB_BYTE = np.zeros((256, 4), dtype=np.uint8)
for _b in range(256):
    _TB_BYTE[_b] = _TB[[(_b >> 6) & 3, (_b >> 4) & 3, (_b >> 2) & 3, _b & 3]]
_BASES_PER_STEP = 1 << 26


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def _pack_twobit(source: Path, folder: Path, progress: Progress | None) -> dict[str, object]:
    """Convert a .2bit file chunk by chunk (bounded memory) into the packed genome arrays."""
    recs = [(r.name, r.length, r.n_blocks, r.mask_blocks, r.data_offset)
            for r in read_twobit_index(source)]  # fmt: skip
    padded = [padded_length(r[1]) for r in recs]
    total_bp, done_bp = sum(r[1] for r in recs), 0
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
            if progress:
                progress(f"packing {name}", done_bp + real, total_bp, "bp")
        done_bp += length
        masked.append(np.stack([mblocks[:, 0], mblocks[:, 0] + mblocks[:, 1]], axis=1) + offsets[i])
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
    if require_format(source, GENOME_FORMATS).format == "2bit":
        return _pack_twobit(source, folder, progress)
    ag = open_genome(source)
    genome = ag.genome
    names, lengths, offsets, packed, other, masked = [], [], [], [], [], []
    offset = 0
    contigs = genome.contig_names()
    total_bp = sum(genome.contig_length(c) for c in contigs)
    for name in contigs:
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
            progress(f"packing {name}", sum(lengths), total_bp, "bp")
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


def _write_sites(
    genome: PackedGenome,
    pams: PamSet,
    folder: Path,
    *,
    max_sites_per_pass: int,
    progress: Progress | None,
) -> None:
    """Write the sorted site tables of one PAM set (numba when installed, else numpy)."""
    from vivo.editing.offtarget._kernels import builder as build

    folder.mkdir(parents=True, exist_ok=True)
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
    from vivo.editing.offtarget._kernels import builder as build

    k = KEY_BASES
    pieces = build.chunk_pieces(genome.offsets, genome.lengths, pams.length)
    if progress:
        progress(f"counting {pams.key} sites", 0, 1, "sites")
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
    for klo, khi in passes:
        part = build.fill_sites(genome.packed, genome.other, pieces, pams, counts, (klo, khi),
                                nkey=k, min_room=MIN_ROOM, pos_dtype=pos_dtype)  # fmt: skip
        for key, arr in part.items():
            _write_at(folder / f"{key}.npy", offs[key], int(starts[klo]), arr)
        del part
        if progress:
            progress(f"indexing {pams.key}", int(starts[khi]), n, "sites")
    np.save(folder / "bucket_start.npy", starts)
    dstart = np.concatenate([[0], np.cumsum(dcounts)]).astype(np.int64)
    np.save(folder / "dbucket_start.npy", dstart)
    nd = int(dstart[-1])
    doffs = {"dw": _new_npy(folder / "dw.npy", np.uint32, nd),
             "drow": _new_npy(folder / "drow.npy", row_dtype, nd)}  # fmt: skip
    pw = np.load(folder / "pw.npy", mmap_mode="r")
    dpasses = _key_passes(dstart, 4**k, max_rows)
    for dlo, dhi in dpasses:
        dw, drow = build.fill_distal(starts, pw, dstart, (dlo, dhi), nkey=k, row_dtype=row_dtype)
        _write_at(folder / "dw.npy", doffs["dw"], int(dstart[dlo]), dw)
        _write_at(folder / "drow.npy", doffs["drow"], int(dstart[dlo]), drow)
        if progress:
            progress(f"indexing {pams.key} (distal table)", int(dstart[dhi]), nd, "sites")
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
    done = 0
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
        done += len(s.key)
        if progress:
            progress(f"indexing {pams.key}", done, total, "sites")
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
    """Add genome ``name`` from a FASTA(.gz)/2bit/GenBank file, or add PAM sets to it.

    ``nucleases`` and ``pams`` choose the PAM sets (``pams`` restricts each nuclease's set,
    e.g. ``("NGG", "NAG")``; default: canonical plus every alternative PAM). What is already
    in the store is kept (see the module docstring); everything is staged next to its target
    and renamed into place, so an interrupted or failed build leaves the store as it was.
    A version-0 .2bit file is converted chunk by chunk; ``max_sites_per_pass`` bounds the site
    rows held in memory at once (about 22 bytes each).
    """
    check_name(name)
    if max_sites_per_pass < 1:
        raise InputError("max_sites_per_pass must be at least 1")
    src = require_file(source, "genome file")
    require_format(src, (*GENOME_FORMATS, "text", "empty"), what="a genome file")
    if not nucleases:
        raise InputError("no nuclease given", hint="e.g. --nuclease SpCas9")
    requested = list({p.key: p for p in (pam_set(get_nuclease(n), pams=pams)
                                          for n in nucleases)}.values())  # fmt: skip
    store = GenomeStore.at(home)
    with store.building(name):
        meta = _reusable_genome(store, name, src)
        if meta is None:
            kept = [store.pam_set(name, k) for k in _readable_sets(store, name)]
            todo = requested + [p for p in kept if p.key not in {r.key for r in requested}]
            _build_whole(store, name, src, todo, max_sites_per_pass, progress)
        else:
            _add_sets(store, name, meta, requested, max_sites_per_pass, progress)
    return store.info(name)


def _readable_sets(store: GenomeStore, name: str) -> list[str]:
    out = []
    for key in store.pam_set_keys(name):
        try:
            store.pam_set(name, key)
        except (DataError, InputError):
            continue
        out.append(key)
    return out


def _reusable_genome(store: GenomeStore, name: str, src: Path) -> GenomeMeta | None:
    """The genome's metadata when its packed genome can be kept: current format, intact
    arrays, and the same source content as ``src``."""
    if not (store.folder(name) / "meta.json").is_file():
        return None
    try:
        meta = store.read_meta(name)
        if not meta.current:
            return None
        store.load_genome(name, meta)
    except DataError:
        return None
    st = src.stat()
    if st.st_size != meta.source_size:
        return None
    same_file = str(src.resolve()) == meta.source and st.st_mtime == meta.source_mtime
    return meta if same_file or _sha256(src) == meta.sha256 else None


def _build_whole(
    store: GenomeStore, name: str, src: Path, sets: list[PamSet], max_rows: int,
    progress: Progress | None,
) -> None:  # fmt: skip
    stage = store.stage(store.root, name)
    try:
        found = _write_genome(src, stage, progress)
        stat = src.stat()
        meta = GenomeMeta(
            name=name, contigs=tuple(found["contigs"]), total_length=0,  # type: ignore[arg-type]
            format_version=FORMAT_VERSION, vivo_version=__version__, source=str(src.resolve()),
            source_size=stat.st_size, source_mtime=stat.st_mtime, sha256=_sha256(src),
            pam_sets=tuple(p.key for p in sets),
        )  # fmt: skip
        genome = store.load_genome(name, meta, folder=stage)
        meta = dataclasses.replace(meta, total_length=genome.total_length)
        for pset in sets:
            _write_sites(genome, pset, stage / "sites" / pset.key, max_sites_per_pass=max_rows,
                         progress=progress)  # fmt: skip
        store.write_meta(stage, meta)
        del genome
        store.swap(stage, store.folder(name))
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _add_sets(
    store: GenomeStore, name: str, meta: GenomeMeta, sets: list[PamSet], max_rows: int,
    progress: Progress | None,
) -> None:  # fmt: skip
    folder = store.folder(name)
    genome = store.load_genome(name, meta)
    for pset in sets:
        stage = store.stage(folder / "sites", pset.key)
        try:
            _write_sites(genome, pset, stage, max_sites_per_pass=max_rows, progress=progress)
            store.swap(stage, folder / "sites" / pset.key)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
    store.write_meta(folder, dataclasses.replace(meta, pam_sets=store.pam_set_keys(name)))


def remove_genome(
    name: str, *, pam_set_key: str | None = None, home: str | os.PathLike[str] | None = None
) -> None:
    """Remove genome ``name`` from the store, or only its PAM set ``pam_set_key``."""
    GenomeStore.at(home).remove(name, pam_set_key)


def list_genomes(home: str | os.PathLike[str] | None = None) -> list[IndexInfo]:
    """Every genome of the store (a damaged one with its ``problem``)."""
    return GenomeStore.at(home).genomes()


def _check_version(meta: GenomeMeta, name: str) -> None:
    if not meta.current:
        raise DataError(
            f"index of {name!r} was built by vivo {meta.vivo_version} (format "
            f"{meta.format_version}); this is vivo {__version__} (format {FORMAT_VERSION})",
            hint=f"rebuild it (its PAM sets are kept): vivo genome add {name} {meta.source}",
        )


def _check_fresh(meta: GenomeMeta, name: str) -> None:
    src = Path(meta.source)
    if not src.is_file():
        return  # the source may have moved; the index itself is self-contained
    st = src.stat()
    if st.st_size == meta.source_size and st.st_mtime == meta.source_mtime:
        return
    if st.st_size != meta.source_size or _sha256(src) != meta.sha256:
        raise DataError(
            f"the source of genome {name!r} ({src}) changed since its index was built "
            "(checksum differs)",
            hint=f"rebuild it (its PAM sets are kept): vivo genome add {name} {src}",
        )


def open_index(
    name: str,
    *,
    nuclease: str = "SpCas9",
    home: str | os.PathLike[str] | None = None,
    check_source: bool = True,
    pams: tuple[str, ...] = (),
) -> SiteIndex:
    """Memory-map the index of ``name`` for ``nuclease`` (checked against version, source and
    the shapes of its arrays); ``pams`` selects an index built with a restricted PAM set."""
    store = GenomeStore.at(home)
    meta = store.read_meta(name)
    _check_version(meta, name)
    if check_source:
        _check_fresh(meta, name)
    nuc = get_nuclease(nuclease)
    pset = pam_set(nuc, pams=pams)
    flags = f" --nuclease {nuc.name}" + "".join(f" --pam {p}" for p in pams)
    if pset.key not in store.pam_set_keys(name):
        have = ", ".join(store.pam_set_keys(name)) or "none"
        raise InputError(
            f"genome {name!r} has no site index for {pset.key} (it has: {have})",
            hint=f"add it (the others are kept): vivo genome add {name} {meta.source}{flags}",
        )
    return store.open_sites(name, meta, pset, repair=flags)


def index_checksum(name: str, home: str | os.PathLike[str] | None = None) -> str:
    """The recorded sha256 of the genome's source file (for provenance)."""
    return GenomeStore.at(home).read_meta(name).sha256
