"""The mismatch-only pigeonhole search in vectorised numpy, for small searches.

The same candidates and tests as the CPU kernel ``cpu_jit.pigeon`` (``docs/offtarget.md``):
for each guide, the proximal buckets of every 10-base word within ``k // 2`` substitutions of
the guide's first 10 bases, the distal buckets of the words near bases 10-19 (skipping rows
whose proximal half is within ``k // 2``: they were found through their proximal bucket), and
every row of the irregular bucket. Used by the ``cpu`` backend for short searches
(``backends.small_search``): it needs no numba, so a short search does not pay numba's
start-up (importing numba and loading its compiled kernels, about a second), which is most of
the time of a 10-guide search on a chromosome.
"""

from __future__ import annotations

import itertools
from functools import cache

import numpy as np
import numpy.typing as npt

from vivo.editing.offtarget._kernels import GuideBatch, Limits, RawHits, concat_hits, guide_words
from vivo.editing.offtarget.index import SiteIndex

__all__ = ["PIGEON_LENGTHS", "find_sites", "substitution_patterns"]

#: Spacer lengths the pigeonhole tables serve (halves of 10 bases plus up to 6 more bases).
PIGEON_LENGTHS = (20, 26)
_M1 = np.uint64(0x5555555555555555)
I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]


@cache
def substitution_patterns(budget: int) -> tuple[U64, npt.NDArray[np.int8]]:
    """Every XOR pattern of a 10-base word (2 bits per base, base ``i`` at bits ``2i``) with at
    most ``budget`` bases changed, and how many bases each changes: the words within
    ``budget`` substitutions of ``w`` are ``w ^ pattern``."""
    pats, mms = [0], [0]
    for j in range(1, budget + 1):
        for where in itertools.combinations(range(10), j):
            for deltas in itertools.product((1, 2, 3), repeat=j):
                pats.append(sum(d << (2 * p) for p, d in zip(where, deltas, strict=True)))
                mms.append(j)
    return np.array(pats, dtype=np.uint64), np.array(mms, dtype=np.int8)


def _popcount(x: U64) -> I64:
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x).astype(np.int64)
    table = np.array([bin(b).count("1") for b in range(256)], dtype=np.int64)  # numpy < 2
    counts: I64 = table[x.view(np.uint8).reshape(-1, 8)].sum(axis=1)
    return counts


def _diff2(a: U64, b: U64 | np.uint64) -> I64:
    """Bases that differ between packed words."""
    x = a ^ b
    return _popcount((x | (x >> np.uint64(1))) & _M1)


def _msb_keys(words: U64) -> I64:
    """10-base window-order words as bucket keys (base 0 most significant)."""
    w = words.astype(np.int64)
    key = np.zeros(len(w), dtype=np.int64)
    for i in range(10):
        key = key * 4 + ((w >> (2 * i)) & 3)
    return key


def _expand(starts: I64, stops: I64) -> tuple[I64, I64]:
    """The rows of the ranges ``[starts, stops)`` (empty ranges dropped) and, for each row, the
    number of its range."""
    size = np.maximum(stops - starts, 0)
    total = int(size.sum())
    which = np.repeat(np.arange(len(starts), dtype=np.int64), size)
    first = np.cumsum(size) - size
    rows = starts[which] + (np.arange(total, dtype=np.int64) - first[which])
    return rows, which


def _hamming(gw: np.uint64, n: int, win: U64, nmask: npt.NDArray[np.uint32]) -> I64:
    """Mismatches of the first ``n`` window bases (non-ACGT bases never match)."""
    x = win ^ gw
    c = (x | (x >> np.uint64(1))) & _M1
    if n < 32:
        c &= np.uint64((1 << (2 * n)) - 1)
    mm = _popcount(c)
    low = nmask.astype(np.uint64) & np.uint64((1 << n) - 1)
    for j in range(n) if low.any() else ():
        flagged = ((low >> np.uint64(j)) & np.uint64(1)).astype(bool)
        matched = ((c >> np.uint64(2 * j)) & np.uint64(1)) == 0
        mm += flagged & matched
    return mm


def _one_guide(index: SiteIndex, gw: np.uint64, n: int, k: int, lo: int, hi: int) -> RawHits:
    h = k // 2
    pats, pmm = substitution_patterns(h)
    bs = index.bucket_start
    g0 = gw & np.uint64(0xFFFFF)
    rmask = np.uint64((1 << (2 * (n - 10))) - 1)
    tmask = np.uint64((1 << (2 * (n - 20))) - 1)
    rest = (gw >> np.uint64(20)) & rmask
    tail = (gw >> np.uint64(40)) & tmask
    rows_out, mm_out = [], []
    # proximal buckets
    keys = _msb_keys(g0 ^ pats)
    rows, which = _expand(np.maximum(bs[keys], lo), np.minimum(bs[keys + 1], hi))
    pw = index.pw[rows].astype(np.uint64)  # type: ignore[index]
    mm: I64 = pmm[which].astype(np.int64) + _diff2(pw & rmask, rest)
    ok = mm <= k
    rows_out.append(rows[ok])
    mm_out.append(mm[ok])
    # distal buckets
    dk = (((gw >> np.uint64(20)) & np.uint64(0xFFFFF)) ^ pats).astype(np.int64)
    dbs = index.dbucket_start
    r, which = _expand(dbs[dk], dbs[dk + 1])  # type: ignore[index]
    x = index.dw[r].astype(np.uint64)  # type: ignore[index]
    m0 = _diff2(x & np.uint64(0xFFFFF), g0)
    mm = pmm[which].astype(np.int64) + m0 + _diff2((x >> np.uint64(20)) & tmask, tail)
    drow = index.drow[r].astype(np.int64)  # type: ignore[index]
    ok = (m0 > h) & (mm <= k) & (drow >= lo) & (drow < hi)
    rows_out.append(drow[ok])
    mm_out.append(mm[ok])
    # the irregular bucket
    a = max(int(bs[4**index.key_bases]), lo)
    if hi > a:
        win = np.asarray(index.win[a:hi])
        room = np.asarray(index.meta[a:hi]) >> 6
        mm = _hamming(gw, n, win, np.asarray(index.nmask[a:hi]))
        ok = (room >= n) & (mm <= k)
        rows_out.append(np.flatnonzero(ok).astype(np.int64) + a)
        mm_out.append(mm[ok])
    rows_all = np.concatenate(rows_out)
    z = np.zeros(len(rows_all), dtype=np.int8)
    return RawHits(np.zeros(len(rows_all), dtype=np.int32), rows_all,
                   np.concatenate(mm_out).astype(np.int8), z, z)  # fmt: skip


def find_sites(
    index: SiteIndex,
    guides: GuideBatch,
    limits: Limits,
    *,
    row_range: tuple[int, int] | None = None,
) -> RawHits:
    """Every (guide, site row) within ``limits.mismatches`` (no bulges; the index has its
    pigeonhole tables and every spacer is 20-26 nt)."""
    if limits.dna_bulges or limits.rna_bulges or not index.has_distal:
        raise ValueError("the numpy pigeonhole path serves mismatch-only searches")
    if ((guides.lengths < PIGEON_LENGTHS[0]) | (guides.lengths > PIGEON_LENGTHS[1])).any():
        raise ValueError(f"the numpy pigeonhole path serves {PIGEON_LENGTHS} nt spacers")
    lo, hi = row_range if row_range is not None else (0, index.n_sites)
    words = guide_words(guides)
    parts = []
    for gi in range(len(guides)):
        hits = _one_guide(index, words[gi], int(guides.lengths[gi]), limits.mismatches, lo, hi)
        parts.append(RawHits(np.full(len(hits), gi, dtype=np.int32), hits.row, hits.mismatches,
                             hits.dna, hits.rna))  # fmt: skip
    return concat_hits(parts)
