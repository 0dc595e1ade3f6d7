"""The in-memory form of a genome index: a 2-bit packed genome and a sorted PAM-site table.

Pure array code: the on-disk storage (memory-mapped ``.npy`` files, checksums, atomic builds)
lives in :mod:`vivo.workflows.genome_index`.

Every PAM occurrence of a :class:`~vivo.editing.offtarget.encoding.PamSet` on either strand is
one *site row*: its window (up to 32 protospacer-side bases read from the PAM outward, 2 bits
each, base i at bits 2i), a bit mask of non-ACGT bases in the window, the PAM start (plus-strand,
global coordinate), and ``meta`` = strand bit | pattern id << 1 | room << 6, where *room* is the
number of window bases that lie inside the contig. Rows are sorted by a *proximal key* (the
first ``key_bases`` window bases, base 0 most significant; 10 by default) and then by position
and ``meta``. *Irregular* rows, whose 32-base window holds a non-ACGT base or runs off the contig,
go to one extra bucket at the end that every search scans.

Two more tables serve the pigeonhole search of mismatch-only queries (``docs/offtarget.md``):
``pw`` (window bases 10-25 of each row, 2 bits each) and a *distal* table holding the regular
rows again, sorted by window bases 10-19 (``dbucket_start``): ``dw`` packs bases 0-9 (bits 0-19)
and 20-25 (bits 20-31), ``drow`` is the proximal row number.

Examples
--------
>>> from vivo.editing.offtarget.encoding import pam_set
>>> g = pack_genome([("c1", "AAAACCCCGGGGTTTTAGG")])
>>> idx = build_site_index(g, pam_set("SpCas9"), key_bases=2)
>>> idx.n_sites > 0, g.fetch(0, 4)
(True, 'AAAA')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from vivo.core.errors import InputError
from vivo.editing.offtarget.encoding import NON_ACGT, WINDOW, PamSet, decode, encode
from vivo.editing.offtarget.pagecache import prefetch_for_reads, release_pages

__all__ = [
    "KEY_BASES",
    "MIN_ROOM",
    "PackedGenome",
    "SiteArrays",
    "SiteIndex",
    "build_site_index",
    "choose_key_bases",
    "contig_sites",
    "count_pam_sites",
    "gather_rows",
    "merge_sites",
    "pack_codes",
    "pack_genome",
    "release_pages",
]

#: Sites with fewer in-contig window bases than this are not indexed (16-nt spacer, 2 RNA bulges).
MIN_ROOM = 14
#: Proximal and distal key length of the pigeonhole tables (4**10 buckets each).
KEY_BASES = 10
_ALIGN = 8
_CHUNK = 1 << 22
U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]


def pack_codes(codes: U8) -> tuple[U8, U8]:
    """2-bit pack base codes (4 per byte, first base in the high bits) and bit-pack the
    non-ACGT flags; ``len(codes)`` must be a multiple of 8."""
    if len(codes) % _ALIGN:
        raise InputError("pack_codes needs a length that is a multiple of 8")
    c = (codes & 3).reshape(-1, 4)
    packed = (c[:, 0] << 6) | (c[:, 1] << 4) | (c[:, 2] << 2) | c[:, 3]
    return packed.astype(np.uint8), np.packbits(codes == NON_ACGT)


def padded_length(length: int) -> int:
    """``length`` rounded up to the contig alignment (8 bases)."""
    return -(-length // _ALIGN) * _ALIGN


@dataclass(frozen=True, slots=True)
class PackedGenome:
    """Contigs laid end to end (each start aligned to 8 bases, gaps filled with N).

    Attributes
    ----------
    names, lengths:
        Contig names and lengths in file order.
    offsets:
        Global start of each contig.
    packed:
        2-bit codes, 4 bases per byte.
    other:
        Bit-packed flags of non-ACGT bases.
    masked:
        ``(k, 2)`` global half-open intervals of soft-masked (lower-case) runs, sorted.
    """

    names: tuple[str, ...]
    lengths: I64
    offsets: I64
    packed: U8
    other: U8
    masked: I64

    def codes(self, start: int, end: int) -> U8:
        """Base codes of global ``[start, end)``."""
        lo, hi = start - start % 4, end + (-end) % 4
        p = self.packed[lo // 4 : hi // 4]
        codes = np.stack([(p >> 6) & 3, (p >> 4) & 3, (p >> 2) & 3, p & 3], axis=1).ravel()
        blo, bhi = start - start % 8, end + (-end) % 8
        flags = np.unpackbits(self.other[blo // 8 : bhi // 8])[start - blo : end - blo]
        out = codes[start - lo : end - lo].astype(np.uint8)
        out[flags.astype(bool)] = NON_ACGT
        return out

    def base_codes(self, positions: I64) -> U8:
        """Codes of single bases at global ``positions`` (vectorised)."""
        p = np.asarray(positions, dtype=np.int64)
        codes = (self.packed[p >> 2] >> (6 - 2 * (p & 3)).astype(np.uint8)) & 3
        other = (self.other[p >> 3] >> (7 - (p & 7)).astype(np.uint8)) & 1
        return np.where(other.astype(bool), NON_ACGT, codes).astype(np.uint8)

    def fetch(self, start: int, end: int) -> str:
        """Upper-case letters of global ``[start, end)`` (non-ACGT shown as N)."""
        return decode(self.codes(start, end))

    def contig_codes(self, index: int) -> U8:
        """Base codes of contig number ``index``."""
        start = int(self.offsets[index])
        return self.codes(start, start + int(self.lengths[index]))

    def locate(self, positions: npt.ArrayLike) -> tuple[I64, I64]:
        """Contig numbers and contig-local positions of global ``positions``."""
        pos = np.asarray(positions, dtype=np.int64)
        contig = np.searchsorted(self.offsets, pos, side="right") - 1
        return contig.astype(np.int64), pos - self.offsets[contig]

    def masked_fraction_any(self, starts: I64, ends: I64) -> npt.NDArray[np.bool_]:
        """Whether each global interval overlaps a soft-masked run."""
        if len(self.masked) == 0:
            return np.zeros(len(starts), dtype=bool)
        i = np.searchsorted(self.masked[:, 0], ends, side="left") - 1
        ok = i >= 0
        hit = np.zeros(len(starts), dtype=bool)
        hit[ok] = self.masked[i[ok], 1] > starts[ok]
        return hit

    @property
    def total_length(self) -> int:
        """Sum of contig lengths."""
        return int(self.lengths.sum())


def masked_runs(seq: str | bytes, offset: int = 0) -> I64:
    """``(k, 2)`` global intervals of lower-case runs in ``seq``."""
    raw = np.frombuffer(seq.encode("ascii") if isinstance(seq, str) else seq, dtype=np.uint8)
    low = (raw >= ord("a")) & (raw <= ord("z"))
    edges = np.flatnonzero(np.diff(np.concatenate([[0], low.view(np.int8), [0]])))
    return (edges.reshape(-1, 2) + offset).astype(np.int64)


def pack_genome(contigs: Iterable[tuple[str, str]]) -> PackedGenome:
    """Pack ``(name, sequence)`` pairs into a :class:`PackedGenome` (in memory)."""
    names, lengths, packed, other, masked = [], [], [], [], []
    offset = 0
    offsets = []
    for name, seq in contigs:
        codes = encode(seq)
        padded = np.full(padded_length(len(codes)), NON_ACGT, dtype=np.uint8)
        padded[: len(codes)] = codes
        p, o = pack_codes(padded)
        names.append(name)
        lengths.append(len(codes))
        offsets.append(offset)
        packed.append(p)
        other.append(o)
        masked.append(masked_runs(seq, offset))
        offset += len(padded)
    if not names:
        raise InputError("a genome needs at least one contig")
    return PackedGenome(
        names=tuple(names),
        lengths=np.asarray(lengths, dtype=np.int64),
        offsets=np.asarray(offsets, dtype=np.int64),
        packed=np.concatenate(packed),
        other=np.concatenate(other),
        masked=np.concatenate(masked).reshape(-1, 2),
    )


@dataclass(frozen=True, slots=True)
class SiteArrays:
    """Unsorted site rows (see the module docstring)."""

    key: npt.NDArray[np.uint32]
    win: npt.NDArray[np.uint64]
    nmask: npt.NDArray[np.uint32]
    pos: I64
    meta: npt.NDArray[np.uint16]

    def __len__(self) -> int:
        return len(self.key)

    def take(self, sel: npt.NDArray[np.bool_] | I64) -> SiteArrays:
        """The rows selected by a mask or an index array."""
        return SiteArrays(
            self.key[sel], self.win[sel], self.nmask[sel], self.pos[sel], self.meta[sel]
        )


def _pam_hits(codes: U8, mask: U8, *, minus: bool) -> I64:
    """Starts of PAM occurrences (plus-strand coordinates) on one strand."""
    plen = mask.shape[0]
    n = len(codes) - plen + 1
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    ok = np.ones(n, dtype=bool)
    for t in range(plen):
        # on the minus strand PAM base t pairs with plus base start+plen-1-t (complemented)
        col = mask[t] if not minus else mask[t][[3, 2, 1, 0, 4]]
        shift = t if not minus else plen - 1 - t
        ok &= col[codes[shift : shift + n]].astype(bool)
    return np.flatnonzero(ok).astype(np.int64)


def _anchors(starts: I64, plen: int, side: str, *, minus: bool) -> tuple[I64, int]:
    """Window anchor (first protospacer base next to the PAM) and read direction."""
    if side == "3prime":
        return (starts + plen, 1) if minus else (starts - 1, -1)
    return (starts - 1, -1) if minus else (starts + plen, 1)


def _windows(
    codes: U8, anchor: I64, step: int, *, minus: bool, key_bases: int
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32], npt.NDArray[np.uint32], I64]:
    length = len(codes)
    room = np.clip(anchor + 1 if step < 0 else length - anchor, 0, WINDOW)
    win = np.zeros(len(anchor), dtype=np.uint64)
    nmask = np.zeros(len(anchor), dtype=np.uint32)
    key = np.zeros(len(anchor), dtype=np.uint32)
    comp = np.array([3, 2, 1, 0, NON_ACGT], dtype=np.uint8)
    for i in range(WINDOW):
        idx = anchor + step * i
        inside = (idx >= 0) & (idx < length)
        c = codes[np.clip(idx, 0, length - 1)]
        if minus:
            c = comp[c]
        c = np.where(inside, c, NON_ACGT)
        win |= (c & 3).astype(np.uint64) << np.uint64(2 * i)
        nmask |= (c == NON_ACGT).astype(np.uint32) << np.uint32(i)
        if i < key_bases:
            key = (key << np.uint32(2)) | (c & 3).astype(np.uint32)
    key[nmask != 0] = np.uint32(4**key_bases)
    return win, nmask, key, room.astype(np.int64)


def count_pam_sites(codes: U8, pams: PamSet) -> int:
    """Number of PAM occurrences (both strands, all patterns; first pattern wins) in ``codes``."""
    return sum(len(s) for s, _, _ in _strand_hits(codes, pams))


def _strand_hits(codes: U8, pams: PamSet) -> list[tuple[I64, int, bool]]:
    """``(starts, pattern id, minus)`` per pattern and strand; a start matched by an earlier
    pattern on the same strand is not repeated."""
    out = []
    for minus in (False, True):
        taken = np.zeros(0, dtype=np.int64)
        for pid, mask in enumerate(pams.masks()):
            starts = _pam_hits(codes, mask, minus=minus)
            starts = starts[~np.isin(starts, taken, assume_unique=True)] if len(taken) else starts
            taken = np.union1d(taken, starts)
            out.append((starts, pid, minus))
    return out


def contig_sites(
    codes: U8,
    pams: PamSet,
    *,
    offset: int,
    key_bases: int,
    key_range: tuple[int, int] | None = None,
) -> SiteArrays:
    """Site rows of one contig (codes as from :func:`encode`), positions shifted by ``offset``.

    Only rows whose key lies in ``key_range`` (half-open) are returned when it is given.
    """
    parts = []
    for starts, pid, minus in _strand_hits(codes, pams):
        for lo in range(0, len(starts), _CHUNK):
            s = starts[lo : lo + _CHUNK]
            anchor, step = _anchors(s, pams.length, pams.side, minus=minus)
            win, nmask, key, room = _windows(codes, anchor, step, minus=minus, key_bases=key_bases)
            keep = room >= MIN_ROOM
            if key_range is not None:
                keep &= (key >= key_range[0]) & (key < key_range[1])
            meta = np.uint16(minus) | np.uint16(pid << 1) | (room << 6).astype(np.uint16)
            parts.append(SiteArrays(key, win, nmask, s + offset, meta.astype(np.uint16)).take(keep))
    return merge_sites(parts, sort=False)


def merge_sites(parts: Sequence[SiteArrays], *, sort: bool = True) -> SiteArrays:
    """Concatenate site rows; with ``sort`` order them by (key, position, meta)."""
    if not parts:
        z = np.zeros(0, dtype=np.uint32)
        return SiteArrays(z, z.astype(np.uint64), z, z.astype(np.int64), z.astype(np.uint16))
    merged = SiteArrays(
        np.concatenate([p.key for p in parts]),
        np.concatenate([p.win for p in parts]),
        np.concatenate([p.nmask for p in parts]),
        np.concatenate([p.pos for p in parts]),
        np.concatenate([p.meta for p in parts]),
    )
    if not sort:
        return merged
    order = np.lexsort((merged.meta, merged.pos, merged.key))
    return merged.take(order)


def choose_key_bases(n_sites: int) -> int:
    """Key length: about 4 sites per bucket, between 2 and 12 bases."""
    k = int(np.floor(np.log(max(n_sites, 1) / 4) / np.log(4))) if n_sites > 16 else 2
    return max(2, min(12, k))


@dataclass(frozen=True, slots=True)
class SiteIndex:
    """A sorted PAM-site table with bucket offsets, over a :class:`PackedGenome`.

    ``bucket_start[key]`` is the first row of ``key`` (``key`` in ``0..4**key_bases``, the last
    one being the irregular bucket); ``bucket_start[-1] == n_sites``.
    """

    genome: PackedGenome
    pams: PamSet
    key_bases: int
    bucket_start: I64
    win: npt.NDArray[np.uint64]
    nmask: npt.NDArray[np.uint32]
    pos: npt.NDArray[np.int64] | npt.NDArray[np.uint32]
    meta: npt.NDArray[np.uint16]
    pw: npt.NDArray[np.uint32] | None = None
    dbucket_start: I64 | None = None
    dw: npt.NDArray[np.uint32] | None = None
    drow: npt.NDArray[np.int64] | npt.NDArray[np.uint32] | None = None

    @property
    def has_distal(self) -> bool:
        """Whether the pigeonhole tables (``pw`` and the distal table) are present."""
        return self.key_bases == KEY_BASES and self.dw is not None

    @property
    def n_sites(self) -> int:
        """Number of site rows."""
        return len(self.win)

    def rows_of_keys(self, lo: int, hi: int) -> tuple[int, int]:
        """Row range of keys ``[lo, hi)``."""
        return int(self.bucket_start[lo]), int(self.bucket_start[hi])


def bucket_starts(keys: npt.NDArray[np.uint32], key_bases: int) -> I64:
    """Bucket start rows from sorted keys (length ``4**key_bases + 2``)."""
    return np.searchsorted(keys, np.arange(4**key_bases + 2, dtype=np.int64)).astype(np.int64)


def distal_table(
    bucket_start: I64, pw: npt.NDArray[np.uint32], key_bases: int
) -> tuple[I64, npt.NDArray[np.uint32], I64]:
    """The distal table in numpy: ``(dbucket_start, dw, drow)`` (see the module docstring)."""
    nkeys = 4**key_bases
    regular = int(bucket_start[nkeys])
    keys = np.repeat(np.arange(nkeys, dtype=np.int64), np.diff(bucket_start[: nkeys + 1]))
    w0 = np.zeros(regular, dtype=np.int64)
    for i in range(key_bases):
        w0 |= ((keys >> (2 * (key_bases - 1 - i))) & 3) << (2 * i)
    p = pw[:regular].astype(np.int64)
    dkey = p & 0xFFFFF
    order = np.argsort(dkey, kind="stable")
    dw = (w0 | ((p >> 20) << 20))[order].astype(np.uint32)
    dstart = np.searchsorted(dkey[order], np.arange(nkeys + 1, dtype=np.int64)).astype(np.int64)
    return dstart, dw, order.astype(np.int64)


def _numpy_tables(genome: PackedGenome, pams: PamSet, key_bases: int) -> tuple[SiteArrays, I64]:
    parts = [
        contig_sites(
            genome.contig_codes(i), pams, offset=int(genome.offsets[i]), key_bases=key_bases
        )
        for i in range(len(genome.names))
    ]
    s = merge_sites(parts)
    return s, bucket_starts(s.key, key_bases)


def _numba_tables(
    genome: PackedGenome, pams: PamSet, key_bases: int
) -> tuple[dict[str, Any], I64, I64]:
    from vivo.editing.offtarget._kernels import builder as build

    pieces = build.chunk_pieces(genome.offsets, genome.lengths, pams.length)
    counts, dcounts = build.count_sites(
        genome.packed, genome.other, pieces, pams, nkey=key_bases, min_room=MIN_ROOM
    )
    total = counts.sum(axis=0)
    starts = np.concatenate([[0], np.cumsum(total)]).astype(np.int64)
    arrays = build.fill_sites(
        genome.packed, genome.other, pieces, pams, counts, (0, 4**key_bases + 1),
        nkey=key_bases, min_room=MIN_ROOM, pos_dtype=np.int64,
    )  # fmt: skip
    dstart = np.concatenate([[0], np.cumsum(dcounts)]).astype(np.int64)
    return arrays, starts, dstart


def _row_dtype(n_rows: int) -> type:
    """Row numbers as the on-disk index stores them (``uint32`` below 2**32 rows), so that
    in-memory and on-disk indexes give the search kernels the same types (numba compiles one
    specialisation per argument type)."""
    return np.uint32 if n_rows < 2**32 else np.int64


def build_site_index(
    genome: PackedGenome,
    pams: PamSet,
    *,
    key_bases: int = KEY_BASES,
    builder: str = "auto",
) -> SiteIndex:
    """Build the whole site index in memory (fine for genomes up to a few hundred Mb).

    ``builder`` is ``auto`` (numba when installed), ``numba`` or ``numpy``; both give identical
    arrays. The distal tables are built only for ``key_bases == KEY_BASES``.
    """
    from vivo.editing.offtarget._kernels import builder as build

    use_numba = builder == "numba" or (builder == "auto" and build.available())
    if use_numba and key_bases == KEY_BASES:
        a, bstart, dstart = _numba_tables(genome, pams, key_bases)
        rows = _row_dtype(len(a["win"]))
        dw, drow = build.fill_distal(bstart, a["pw"], dstart, (0, 4**key_bases),
                                        nkey=key_bases, row_dtype=rows)  # fmt: skip
        return SiteIndex(genome=genome, pams=pams, key_bases=key_bases, bucket_start=bstart,
                         win=a["win"], nmask=a["nmask"], pos=a["pos"], meta=a["meta"],
                         pw=a["pw"], dbucket_start=dstart, dw=dw, drow=drow)  # fmt: skip
    s, bstart = _numpy_tables(genome, pams, key_bases)
    pw = ((s.win >> np.uint64(20)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    dist: tuple[I64 | None, npt.NDArray[np.uint32] | None, I64 | None] = (None, None, None)
    if key_bases == KEY_BASES:
        dstart, dw, drow = distal_table(bstart, pw, key_bases)
        dist = (dstart, dw, drow.astype(_row_dtype(len(s.win))))
    return SiteIndex(genome=genome, pams=pams, key_bases=key_bases, bucket_start=bstart,
                     win=s.win, nmask=s.nmask, pos=s.pos, meta=s.meta, pw=pw,
                     dbucket_start=dist[0], dw=dist[1], drow=dist[2])  # fmt: skip


_GATHER_CHUNK = 1 << 14


def gather_rows(index: SiteIndex, rows: I64) -> SiteIndex:
    """A view of ``index`` holding only ``rows`` (renumbered 0..len-1), copied into memory in
    chunks so that reading scattered rows of a memory-mapped index stays within bounded RSS."""
    cols: dict[str, list[npt.NDArray[Any]]] = {"win": [], "nmask": [], "pos": [], "meta": []}
    prefetch_for_reads(len(rows), *(getattr(index, name) for name in cols))
    for a in range(0, len(rows), _GATHER_CHUNK):
        chunk = rows[a : a + _GATHER_CHUNK]
        for name, parts in cols.items():
            arr = getattr(index, name)
            parts.append(np.asarray(arr[chunk]))
            release_pages(arr)
    got = {n: np.concatenate(p) if p else getattr(index, n)[:0].copy() for n, p in cols.items()}
    return SiteIndex(genome=index.genome, pams=index.pams, key_bases=index.key_bases,
                     bucket_start=index.bucket_start, win=got["win"], nmask=got["nmask"],
                     pos=got["pos"], meta=got["meta"])  # fmt: skip
