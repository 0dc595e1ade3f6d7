# mypy: disable-error-code="no-untyped-call,attr-defined,no-untyped-def,unused-ignore,no-any-return"
"""The CPU kernels: numba, indexed, parallel on all cores.

Mismatch-only searches of 20-26 nt spacers use the two-table pigeonhole kernel (``pigeon``);
searches with bulges of spacers of 17 nt or more use the bulge-class pigeonhole kernel
(``bulge_candidates``: candidates, shift bound and the exact recursion in one pass); both are
described in ``docs/offtarget.md``. The general kernel below serves the other cases:

1. For each guide, enumerate every key prefix (``P`` site bases next to the PAM) that an
   alignment within the limits can produce (a depth-first walk over pair, DNA-bulge and
   RNA-bulge columns), and turn the keys into row ranges of the sorted site table.
2. Verify every candidate row in parallel with the same recursion as the reference kernel
   (a popcount fast path when there are no bulges), recording one bit per site length.
3. Decode the bits into hits (second parallel pass, on hits only).

numba is imported here only, lazily; install it with ``pip install 'vivo[fast]'``.
"""

from __future__ import annotations

import dataclasses
import math
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from vivo.core.errors import InputError
from vivo.editing.offtarget._kernels import (
    GuideBatch,
    Limits,
    RawHits,
    compiling,
    concat_hits,
    empty_hits,
    guide_words,
    readonly,
)
from vivo.editing.offtarget.index import SiteIndex, release_pages
from vivo.editing.offtarget.pagecache import prefetch_for_reads

__all__ = ["PIGEON_LENGTHS", "available", "bulge_candidate_counts", "find_sites", "prefix_length"]


def available() -> bool:
    """True when numba can be imported."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def prefix_length(index: SiteIndex, n: int, limits: Limits) -> int:
    """How many key bases to enumerate: the key length, shortened while the estimated number
    of neighbour keys exceeds half the number of buckets."""
    p = min(index.key_bases, n - limits.rna_bulges - 1)
    while p > 1:
        ham = sum(math.comb(p, j) * 3**j for j in range(min(limits.mismatches, p) + 1))
        est = ham * (4 * p) ** limits.dna_bulges * p**limits.rna_bulges
        if est <= 4**p // 2:
            break
        p -= 1
    return max(p, 0)


@cache
def _compiled() -> dict[str, Any]:
    try:
        from vivo.editing.offtarget._kernels.search import bulge_jit as b
        from vivo.editing.offtarget._kernels.search import cpu_jit as j
    except ImportError as exc:  # pragma: no cover - numba is a test dependency
        raise InputError(
            "the 'cpu' off-target backend needs numba",
            hint="pip install 'vivo[fast]' or use backend='numpy'",
        ) from exc
    from vivo.editing.offtarget._kernels.targets import drop_stale_caches

    drop_stale_caches(b.bulge_candidates, j.pigeon, j.verify, j.fill)
    return {
        "bulge_candidates": b.bulge_candidates,
        "pigeon": j.pigeon,
        "enumerate_keys": j.enumerate_keys,
        "row_ranges": j.row_ranges,
        "verify": j.verify,
        "fill": j.fill,
        "bit_counts": j.bit_counts,
        "shift_bound": b.shift_bound,
        "costs": j.costs,
    }


def _ranges(
    index: SiteIndex, guides: GuideBatch, limits: Limits, lo: int, hi: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    k = _compiled()
    irregular = int(index.bucket_start[4**index.key_bases])
    rlos, rhis, rgs = [], [], []
    for gi in range(len(guides)):
        n = int(guides.lengths[gi])
        p = prefix_length(index, n, limits)
        g = guides.codes[gi, :n].astype(np.int64)
        keys = k["enumerate_keys"](g, n, p, limits.mismatches, limits.dna_bulges, limits.rna_bulges)
        a, b = k["row_ranges"](keys, 2 * (index.key_bases - p), *readonly(index.bucket_start),
                               irregular, lo, hi)  # fmt: skip
        rlos.append(a)
        rhis.append(b)
        rgs.append(np.full(len(a), gi, dtype=np.int64))
    return np.concatenate(rlos), np.concatenate(rhis), np.concatenate(rgs)


#: Spacer lengths the pigeonhole path handles (halves of 10 bases plus up to 6 more bases).
PIGEON_LENGTHS = (20, 26)
_CAP = 512
_BULGE_BATCH = 8
_PIGEON_BATCH = 32


def _pigeon_sites(
    index: SiteIndex, guides: GuideBatch, limits: Limits, lo: int, hi: int
) -> RawHits:
    """Mismatch-only search through the proximal and distal tables (``docs/offtarget.md``),
    ``_PIGEON_BATCH`` guides per kernel call, the mapped pages released after each call (a
    guide's scattered bucket reads map ~80 MB at human scale)."""
    k = _compiled()
    words = guide_words(guides)
    glen = guides.lengths.astype(np.int64)
    arrays = readonly(index.bucket_start, index.pw, index.dbucket_start, index.dw, index.drow,
                      index.win, index.nmask, index.meta, lo, hi)  # fmt: skip
    parts = []
    for b0 in range(0, len(glen), _PIGEON_BATCH):
        b1 = min(b0 + _PIGEON_BATCH, len(glen))
        rows = np.empty((b1 - b0, _CAP), dtype=np.int64)
        mms = np.empty((b1 - b0, _CAP), dtype=np.int8)
        counts = np.zeros(b1 - b0, dtype=np.int64)
        with compiling("mismatch search kernel", k["pigeon"]):
            k["pigeon"](words[b0:b1], glen[b0:b1], limits.mismatches, *arrays, rows, mms, counts)
        for gi in range(b0, b1):
            c = int(counts[gi - b0])
            r, m = rows[gi - b0, : min(c, _CAP)], mms[gi - b0, : min(c, _CAP)]
            if c > _CAP:  # a guide with many sites: run it again with room for all of them
                r = np.empty((1, c), dtype=np.int64)
                m = np.empty((1, c), dtype=np.int8)
                one = np.zeros(1, dtype=np.int64)
                k["pigeon"](words[gi : gi + 1], glen[gi : gi + 1], limits.mismatches, *arrays,
                            r, m, one)  # fmt: skip
                r, m = r[0], m[0]
            z = np.zeros(c, dtype=np.int8)
            parts.append(RawHits(np.full(c, gi, dtype=np.int32), r.copy(), m.copy(), z, z))
        release_pages(index.pw, index.dw, index.drow, index.win, index.nmask, index.meta)
    return concat_hits(parts)


def _pigeon_ok(index: SiteIndex, limits: Limits) -> bool:
    return limits.dna_bulges == 0 and limits.rna_bulges == 0 and index.has_distal


def _expand_picks(
    guide: int, rows: npt.NDArray[np.int64], picks: npt.NDArray[np.int8], nr: int
) -> RawHits:
    """One hit per (row, site length) from the kernel's picks (16 * DNA bulges + mismatches
    per delta = DNA - RNA bulges, -1 when that length has no qualifying alignment)."""
    at, col = np.nonzero(picks >= 0)
    p = picks[at, col].astype(np.int64)
    d = p >> 4
    rna = d - (col.astype(np.int64) - nr)
    return RawHits(np.full(len(at), guide, dtype=np.int32), rows[at].astype(np.int64),
                   (p & 15).astype(np.int8), d.astype(np.int8), rna.astype(np.int8))  # fmt: skip


def _bulge_hits(index: SiteIndex, guides: GuideBatch, limits: Limits, lo: int, hi: int) -> RawHits:
    """Every (guide, site row, site length) with a qualifying bulged alignment (pigeonhole
    candidates, shift bound, then the exact recursion, all in one kernel pass)."""
    k = _compiled()
    gcodes = guides.codes.astype(np.int64)
    glen = guides.lengths.astype(np.int64)
    args = readonly(limits.mismatches, limits.dna_bulges, limits.rna_bulges,
                    index.bucket_start, index.dbucket_start, index.dw, index.drow, index.win,
                    index.nmask, index.meta, lo, hi)  # fmt: skip
    words = guide_words(guides)
    ndelta = limits.dna_bulges + limits.rna_bulges + 1
    # room for the expected number of bulged sites (~1e-4 per site row at 4 mm + 1D + 1R),
    # so that a guide is rarely run twice; guides go in batches to bound this buffer
    cap = max(_CAP, min(1 << 17, (hi - lo) // 4000))
    parts = []
    for b0 in range(0, len(glen), _BULGE_BATCH):
        b1 = min(b0 + _BULGE_BATCH, len(glen))
        rows = np.empty((b1 - b0, cap), dtype=np.int64)
        picks = np.empty((b1 - b0, cap, ndelta), dtype=np.int8)
        counts = np.zeros(b1 - b0, dtype=np.int64)
        stats = np.zeros((b1 - b0, 4), dtype=np.int64)
        with compiling("bulged search kernel", k["bulge_candidates"]):
            k["bulge_candidates"](gcodes[b0:b1], glen[b0:b1], *args, rows, picks, counts,
                                  words[b0:b1], stats)  # fmt: skip
        for gi in range(b0, b1):
            c = int(counts[gi - b0])
            r, p = rows[gi - b0, : min(c, cap)], picks[gi - b0, : min(c, cap)]
            if c > cap:  # more sites than room: run this guide again with room for all
                r = np.empty((1, c), dtype=np.int64)
                p = np.empty((1, c, ndelta), dtype=np.int8)
                k["bulge_candidates"](gcodes[gi : gi + 1], glen[gi : gi + 1], *args, r, p,
                                      np.zeros(1, dtype=np.int64), words[gi : gi + 1],
                                      np.zeros((1, 4), dtype=np.int64))  # fmt: skip
                r, p = r[0], p[0]
            parts.append(_expand_picks(gi, r, p, limits.rna_bulges))
        # each batch reads a few % of every table: drop its pages so RSS stays bounded
        release_pages(index.win, index.dw, index.drow, index.nmask, index.meta)
    return concat_hits(parts)


def bulge_candidate_counts(
    index: SiteIndex, guides: GuideBatch, limits: Limits
) -> npt.NDArray[np.int64]:
    """Per guide: proximal rows read, distal rows read, rows past the shift bound (given to the
    alignment recursion) and rows with a qualifying alignment, for the bulged pigeonhole search
    (a profiling aid for ``benchmarks/offtarget.py``; the rows themselves are not kept)."""
    k = _compiled()
    args = readonly(limits.mismatches, limits.dna_bulges, limits.rna_bulges,
                    index.bucket_start, index.dbucket_start, index.dw, index.drow, index.win,
                    index.nmask, index.meta, 0, index.n_sites)  # fmt: skip
    stats = np.zeros((len(guides), 4), dtype=np.int64)
    ndelta = limits.dna_bulges + limits.rna_bulges + 1
    k["bulge_candidates"](guides.codes.astype(np.int64), guides.lengths.astype(np.int64), *args,
                          np.empty((len(guides), 1), dtype=np.int64),
                          np.empty((len(guides), 1, ndelta), dtype=np.int8),
                          np.zeros(len(guides), dtype=np.int64), guide_words(guides),
                          stats)  # fmt: skip
    return stats


def _bulge_pigeon_ok(index: SiteIndex, guides: GuideBatch, limits: Limits) -> bool:
    return index.has_distal and bool((guides.lengths >= 17).all())


#: Mean key buckets one guide reads (4 mm; 4 mm + 1 DNA + 1 RNA bulge at 3.1 Gb), to decide
#: whether a search reads enough of the tables to prefetch them when they are cold.
_BUCKETS_PER_GUIDE = {"mismatch": 1_300, "bulge": 12_000}


def _warm(index: SiteIndex, n_guides: int, kind: str) -> None:
    """Read the tables a big search scatters over front to back first when they are not in
    the page cache (one sequential read instead of thousands of random ones)."""
    tables = (index.pw, index.dw, index.drow) if kind == "mismatch" else (
        index.win, index.dw, index.drow)  # fmt: skip
    prefetch_for_reads(n_guides * _BUCKETS_PER_GUIDE[kind], *tables)


def find_sites(
    index: SiteIndex,
    guides: GuideBatch,
    limits: Limits,
    *,
    row_range: tuple[int, int] | None = None,
) -> RawHits:
    """Every (guide, site row, site length) within ``limits``, through the key index."""
    from vivo.editing.offtarget.backends import small_search

    if len(guides) == 0 or index.n_sites == 0:
        return empty_hits()
    lo, hi = row_range if row_range is not None else (0, index.n_sites)
    if _pigeon_ok(index, limits):
        fast = (guides.lengths >= PIGEON_LENGTHS[0]) & (guides.lengths <= PIGEON_LENGTHS[1])
        if fast.all() and small_search(len(guides), "mismatch", hi - lo):
            from vivo.editing.offtarget._kernels.search import pigeon_np

            return pigeon_np.find_sites(index, guides, limits, row_range=(lo, hi))
        if fast.all():
            _warm(index, len(guides), "mismatch")
            return _pigeon_sites(index, guides, limits, lo, hi)
        if fast.any():
            sel = np.flatnonzero(fast), np.flatnonzero(~fast)
            parts = [
                find_sites(index, GuideBatch(guides.codes[s], guides.lengths[s]), limits,
                           row_range=(lo, hi))
                for s in sel
            ]  # fmt: skip
            return concat_hits([
                dataclasses.replace(p, guide=s[p.guide].astype(np.int32))
                for p, s in zip(parts, sel, strict=True)
            ])  # fmt: skip
    k = _compiled()
    if _bulge_pigeon_ok(index, guides, limits):
        _warm(index, len(guides), "bulge")
        return _bulge_hits(index, guides, limits, lo, hi)
    with compiling("general search kernels", k["enumerate_keys"], k["verify"], k["fill"]):
        return _general_sites(index, guides, limits, lo, hi)


def _general_sites(
    index: SiteIndex, guides: GuideBatch, limits: Limits, lo: int, hi: int
) -> RawHits:
    """Key enumeration, parallel verification and hit decoding (the general kernel)."""
    k = _compiled()
    rlo, rhi, rguide = _ranges(index, guides, limits, lo, hi)
    sizes = rhi - rlo
    coff = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    flags = np.zeros(int(coff[-1]), dtype=np.uint8)
    gcodes = guides.codes.astype(np.int64)
    words = guide_words(guides)
    glen = guides.lengths.astype(np.int64)
    lim = (limits.mismatches, limits.dna_bulges, limits.rna_bulges)
    args = (*readonly(index.win, index.nmask, index.meta), *lim)
    k["verify"](gcodes, words, glen, rlo, rhi, rguide, coff, *args, flags)
    counts = k["bit_counts"](flags, coff, rlo, rhi)
    hoff = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    total = int(hoff[-1])
    out = RawHits(
        np.empty(total, dtype=np.int32),
        np.empty(total, dtype=np.int64),
        np.empty(total, dtype=np.int8),
        np.empty(total, dtype=np.int8),
        np.empty(total, dtype=np.int8),
    )
    k["fill"](
        gcodes, words, glen, rlo, rhi, rguide, coff, hoff, flags, *args,
        out.guide, out.row, out.mismatches, out.dna, out.rna,
    )  # fmt: skip
    return concat_hits([out])
