"""Build a genome's on-disk index arrays: the packed genome and the sorted site tables.

Pure array code next to the search: where the arrays go is the caller's (an
:class:`ArraySink`; :class:`vivo.io.genome_store.NpyFolder` writes ``.npy`` files of the
genome store). The site tables are written in key-range passes so that no more than
``max_rows`` rows are held in memory at once; the numba builder (``_kernels/builder``) is used
when numba is installed, else the numpy builder of :mod:`vivo.editing.offtarget.index` (same
arrays, slow on large genomes).

Progress is reported as ``progress(what, done, total, unit)`` with ``unit`` ``"bp"`` (packing)
or ``"sites"`` (site tables).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from vivo.core.errors import InputError
from vivo.editing.offtarget.encoding import PamSet
from vivo.editing.offtarget.index import (
    KEY_BASES,
    MIN_ROOM,
    PackedGenome,
    bucket_starts,
    contig_sites,
    count_pam_sites,
    distal_table,
    merge_sites,
    pack_codes,
    padded_length,
)

__all__ = ["ArraySink", "ContigSource", "Progress", "pack_contigs", "write_site_tables"]

#: ``progress(what, done, total, unit)``: ``unit`` is ``"bp"`` or ``"sites"``
Progress = Callable[[str, int, int, str], None]
U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]


class ArraySink(Protocol):
    """Where index arrays go: named 1-D arrays, created empty and written in slices, or saved
    whole; ``load`` reads one back (for a later pass)."""

    def create(self, name: str, dtype: Any, n: int) -> None: ...
    def write(self, name: str, at: int, arr: npt.NDArray[Any]) -> None: ...
    def save(self, name: str, arr: npt.NDArray[Any]) -> None: ...
    def load(self, name: str) -> npt.NDArray[Any]: ...
    def remove(self, name: str) -> None: ...


@dataclass(frozen=True, slots=True)
class ContigSource:
    """One contig to pack: its length, its base codes in consecutive chunks (``encoding``
    codes, 4 = non-ACGT) and its soft-masked runs (``(k, 2)`` contig-local intervals)."""

    name: str
    length: int
    chunks: Iterable[U8]
    masked: I64


def pack_contigs(
    contigs: Iterable[ContigSource], sink: ArraySink, *, progress: Progress | None = None
) -> list[str]:
    """Pack contigs into the genome arrays ``packed``, ``other``, ``masked``, ``lengths`` and
    ``offsets`` (the layout of :class:`~vivo.editing.offtarget.index.PackedGenome`), chunk by
    chunk (any chunk sizes); returns the contig names."""
    items = list(contigs)
    if not items:
        raise InputError("a genome needs at least one contig")
    padded = [padded_length(c.length) for c in items]
    offsets = np.concatenate([[0], np.cumsum(padded)[:-1]]).astype(np.int64)
    total = int(sum(padded))
    total_bp, done_bp = sum(c.length for c in items), 0
    sink.create("packed", np.uint8, total // 4)
    sink.create("other", np.uint8, total // 8)
    masked = []
    for i, c in enumerate(items):
        g0 = int(offsets[i])
        at = 0

        def emit(codes: U8, g0: int = g0) -> None:
            nonlocal at
            if len(codes):
                p, o = pack_codes(codes)
                sink.write("packed", (g0 + at) // 4, p)
                sink.write("other", (g0 + at) // 8, o)
                at += len(codes)

        pending = np.zeros(0, dtype=np.uint8)
        for chunk in c.chunks:
            buf = np.concatenate([pending, chunk]) if len(pending) else np.asarray(chunk)
            cut = len(buf) - len(buf) % 8
            emit(buf[:cut].astype(np.uint8))
            pending = buf[cut:]
            if progress:
                progress(f"packing {c.name}", done_bp + min(at, c.length), total_bp, "bp")
        if at + len(pending) != c.length:
            raise InputError(f"contig {c.name!r}: {at + len(pending)} bases read, {c.length} "
                             "expected")  # fmt: skip
        tail = np.full(padded[i] - at, 4, dtype=np.uint8)
        tail[: len(pending)] = pending
        emit(tail)
        done_bp += c.length
        if progress:
            progress(f"packing {c.name}", done_bp, total_bp, "bp")
        masked.append(np.asarray(c.masked, dtype=np.int64).reshape(-1, 2) + offsets[i])
    sink.save("masked", np.concatenate(masked).reshape(-1, 2).astype(np.int64))
    sink.save("lengths", np.array([c.length for c in items], dtype=np.int64))
    sink.save("offsets", offsets)
    return [c.name for c in items]


def _key_passes(starts: I64, nkeys: int, max_rows: int) -> list[tuple[int, int]]:
    """Key ranges of about ``max_rows`` rows each."""
    cuts = [0]
    while cuts[-1] < nkeys:
        target = int(starts[cuts[-1]]) + max(1, max_rows)
        nxt = int(np.searchsorted(starts[: nkeys + 1], target, side="right")) - 1
        cuts.append(min(nkeys, max(nxt, cuts[-1] + 1)))
    return list(itertools.pairwise(cuts))


def write_site_tables(
    genome: PackedGenome,
    pams: PamSet,
    sink: ArraySink,
    *,
    max_rows: int,
    progress: Progress | None = None,
) -> None:
    """Write the sorted site tables of one PAM set: ``win``, ``nmask``, ``pos``, ``meta``,
    ``pw``, ``bucket_start`` and the distal table ``dbucket_start``, ``dw``, ``drow`` (numba
    builder when installed, else numpy; identical arrays)."""
    from vivo.editing.offtarget._kernels import builder

    if max_rows < 1:
        raise InputError("max_rows must be at least 1")
    if builder.available():
        _tables_numba(genome, pams, sink, max_rows, progress)
    else:
        _tables_numpy(genome, pams, sink, max_rows, progress)


def _pos_dtype(genome: PackedGenome) -> type:
    return np.uint32 if genome.offsets[-1] + genome.lengths[-1] < 2**32 else np.int64


def _tables_numba(
    genome: PackedGenome, pams: PamSet, sink: ArraySink, max_rows: int, progress: Progress | None
) -> None:
    from vivo.editing.offtarget._kernels import builder

    k = KEY_BASES
    pieces = builder.chunk_pieces(genome.offsets, genome.lengths, pams.length)
    if progress:
        progress(f"counting {pams.key} sites", 0, 1, "sites")
    counts, dcounts = builder.count_sites(genome.packed, genome.other, pieces, pams, nkey=k,
                                          min_room=MIN_ROOM)  # fmt: skip
    starts = np.concatenate([[0], np.cumsum(counts.sum(axis=0))]).astype(np.int64)
    n = int(starts[-1])
    pos_dtype = _pos_dtype(genome)
    row_dtype = np.uint32 if n < 2**32 else np.int64
    dtypes = {"win": np.uint64, "nmask": np.uint32, "pos": pos_dtype, "meta": np.uint16,
              "pw": np.uint32}  # fmt: skip
    for key, dt in dtypes.items():
        sink.create(key, dt, n)
    for klo, khi in _key_passes(starts, 4**k + 1, max_rows):
        part = builder.fill_sites(genome.packed, genome.other, pieces, pams, counts, (klo, khi),
                                  nkey=k, min_room=MIN_ROOM, pos_dtype=pos_dtype)  # fmt: skip
        for key, arr in part.items():
            sink.write(key, int(starts[klo]), arr)
        del part
        if progress:
            progress(f"indexing {pams.key}", int(starts[khi]), n, "sites")
    sink.save("bucket_start", starts)
    dstart = np.concatenate([[0], np.cumsum(dcounts)]).astype(np.int64)
    sink.save("dbucket_start", dstart)
    nd = int(dstart[-1])
    sink.create("dw", np.uint32, nd)
    sink.create("drow", row_dtype, nd)
    pw = sink.load("pw")
    for dlo, dhi in _key_passes(dstart, 4**k, max_rows):
        dw, drow = builder.fill_distal(starts, pw, dstart, (dlo, dhi), nkey=k,
                                       row_dtype=row_dtype)  # fmt: skip
        sink.write("dw", int(dstart[dlo]), dw)
        sink.write("drow", int(dstart[dlo]), drow)
        if progress:
            progress(f"indexing {pams.key} (distal table)", int(dstart[dhi]), nd, "sites")
    del pw


def _tables_numpy(
    genome: PackedGenome, pams: PamSet, sink: ArraySink, max_rows: int, progress: Progress | None
) -> None:
    """Key-range passes with the numpy builder (no numba: slow on large genomes)."""
    nc = len(genome.names)
    k = KEY_BASES
    total = sum(count_pam_sites(genome.contig_codes(i), pams) for i in range(nc))
    passes = max(1, -(-total // max_rows))
    bounds = np.linspace(0, 4**k + 1, passes + 1).astype(np.int64)
    sizes, done = [], 0
    for p in range(passes):
        parts = [
            contig_sites(genome.contig_codes(i), pams, offset=int(genome.offsets[i]),
                         key_bases=k, key_range=(int(bounds[p]), int(bounds[p + 1])))
            for i in range(nc)
        ]  # fmt: skip
        s = merge_sites(parts)
        for key in ("key", "win", "nmask", "pos", "meta"):
            sink.save(f"part{p}_{key}", getattr(s, key))
        sizes.append(len(s.key))
        done += len(s.key)
        if progress:
            progress(f"indexing {pams.key}", done, total, "sites")
    n = sum(sizes)
    dtypes = {"win": np.uint64, "nmask": np.uint32, "pos": _pos_dtype(genome),
              "meta": np.uint16}  # fmt: skip
    for key, dt in dtypes.items():
        sink.create(key, dt, n)
    keys, at = [], 0
    for p, size in enumerate(sizes):
        for key in dtypes:
            sink.write(key, at, sink.load(f"part{p}_{key}").astype(dtypes[key]))
            sink.remove(f"part{p}_{key}")
        keys.append(np.asarray(sink.load(f"part{p}_key")))
        sink.remove(f"part{p}_key")
        at += size
    bstart = bucket_starts(np.concatenate(keys) if keys else np.zeros(0, np.uint32), k)
    sink.save("bucket_start", bstart)
    win = sink.load("win")
    pw = ((win >> np.uint64(20)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    sink.save("pw", pw)
    dstart, dw, drow = distal_table(bstart, pw, k)
    sink.save("dbucket_start", dstart)
    sink.save("dw", dw)
    sink.save("drow", drow.astype(np.uint32 if n < 2**32 else np.int64))


def chunked(codes: U8, step: int) -> Iterator[U8]:
    """``codes`` in consecutive chunks of ``step`` bases (a multiple of 8)."""
    for lo in range(0, len(codes), step):
        yield codes[lo : lo + step]
