"""The reference kernel (the oracle): brute force over every site row, pure numpy.

For each guide it runs the alignment recursion of ``docs/offtarget.md`` on all site rows at
once (vectorised over rows): states are (guide bases used, DNA bulges, RNA bulges, last column
type); the first and last columns must pair a guide base with a site base, and a DNA bulge
may not touch an RNA bulge. It is simple on purpose and slow on large genomes.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from vivo.editing.offtarget._kernels import GuideBatch, Limits, RawHits, concat_hits
from vivo.editing.offtarget.encoding import WINDOW
from vivo.editing.offtarget.index import SiteIndex

__all__ = ["find_sites", "site_costs", "unpack_windows"]

_INF = 127
_START, _PAIR, _DNA, _RNA = 0, 1, 2, 3
_BLOCK = 1 << 18


def unpack_windows(
    win: npt.NDArray[np.uint64], nmask: npt.NDArray[np.uint32]
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """``(rows, 32)`` base codes and non-ACGT flags of packed windows."""
    shifts = np.arange(WINDOW, dtype=np.uint64)
    codes = ((win[:, None] >> (np.uint64(2) * shifts)) & np.uint64(3)).astype(np.uint8)
    flags = ((nmask[:, None] >> shifts.astype(np.uint32)) & np.uint32(1)).astype(bool)
    return codes, flags


def site_costs(
    guide: npt.NDArray[np.uint8],
    codes: npt.NDArray[np.uint8],
    flags: npt.NDArray[np.bool_],
    room: npt.NDArray[np.int64],
    limits: Limits,
) -> npt.NDArray[np.int64]:
    """Least mismatches per row for every (DNA, RNA) bulge count: shape ``(rows, D+1, R+1)``
    (``127`` when no alignment exists)."""
    n, nd, nr = len(guide), limits.dna_bulges, limits.rna_bulges
    rows = len(room)
    f = np.full((n + 1, nd + 1, nr + 1, 4, rows), _INF, dtype=np.int64)
    f[0, 0, 0, _START] = 0
    for i in range(n + 1):
        for dd in range(nd + 1):
            for rr in range(nr + 1):
                j = i + dd - rr
                _dna_step(f, i, dd, rr, j, room)
                if i < n:
                    _pair_and_rna_step(f, guide[i], i, dd, rr, j, codes, flags, room, nr)
    out = np.full((rows, nd + 1, nr + 1), _INF, dtype=np.int64)
    for dd in range(nd + 1):
        for rr in range(nr + 1):
            out[:, dd, rr] = f[n, dd, rr, _PAIR]
    return out


def _dna_step(
    f: npt.NDArray[np.int64], i: int, dd: int, rr: int, j: int, room: npt.NDArray[np.int64]
) -> None:
    """A DNA bulge: the site base ``j`` stays unpaired (not first, not next to an RNA bulge)."""
    if dd + 1 >= f.shape[1] or not 0 <= j < WINDOW:
        return
    ok = room > j
    src = np.minimum(f[i, dd, rr, _PAIR], f[i, dd, rr, _DNA])
    cand = np.where(ok, src, _INF)
    f[i, dd + 1, rr, _DNA] = np.minimum(f[i, dd + 1, rr, _DNA], cand)


def _pair_and_rna_step(
    f: npt.NDArray[np.int64],
    g: int,
    i: int,
    dd: int,
    rr: int,
    j: int,
    codes: npt.NDArray[np.uint8],
    flags: npt.NDArray[np.bool_],
    room: npt.NDArray[np.int64],
    nr: int,
) -> None:
    best = f[i, dd, rr].min(axis=0)
    if 0 <= j < WINDOW:
        mm = ((codes[:, j] != g) | flags[:, j]).astype(np.int64)
        cand = np.where(room > j, best + mm, _INF)
        f[i + 1, dd, rr, _PAIR] = np.minimum(f[i + 1, dd, rr, _PAIR], np.minimum(cand, _INF))
    if rr < nr:
        src = np.minimum(f[i, dd, rr, _PAIR], f[i, dd, rr, _RNA])
        f[i + 1, dd, rr + 1, _RNA] = np.minimum(f[i + 1, dd, rr + 1, _RNA], src)


def choose(costs: npt.NDArray[np.int64], n: int, limits: Limits) -> list[tuple[int, int, int]]:
    """The (mismatches, DNA, RNA) alignment reported for each site length, per row.

    Returns ``(row, dna, rna)`` triples (mismatches are read from ``costs``)."""
    out: list[tuple[int, int, int]] = []
    nd, nr = limits.dna_bulges, limits.rna_bulges
    for delta in range(-nr, nd + 1):
        pairs = [(d, d - delta) for d in range(nd + 1) if 0 <= d - delta <= nr]
        # preference: fewest edits, then fewest bulges, then fewest DNA bulges
        pairs.sort(key=lambda p: (p[0] + p[1], p[0]))
        stack = np.stack([costs[:, d, r] for d, r in pairs], axis=1)
        edits = stack + np.array([d + r for d, r in pairs])
        feasible = stack <= limits.mismatches
        rank = np.where(feasible, edits * 64 + np.arange(len(pairs)), 1 << 30)
        pick = rank.argmin(axis=1)
        ok = feasible[np.arange(len(stack)), pick]
        for row in np.flatnonzero(ok):
            d, r = pairs[int(pick[row])]
            out.append((int(row), d, r))
    return out


def find_sites(
    index: SiteIndex,
    guides: GuideBatch,
    limits: Limits,
    *,
    row_range: tuple[int, int] | None = None,
) -> RawHits:
    """Every (guide, site row, site length) within ``limits``, by brute force."""
    lo, hi = row_range if row_range is not None else (0, index.n_sites)
    parts = []
    for start in range(lo, hi, _BLOCK):
        stop = min(hi, start + _BLOCK)
        codes, flags = unpack_windows(index.win[start:stop], index.nmask[start:stop])
        room = (index.meta[start:stop] >> 6).astype(np.int64)
        for gi in range(len(guides)):
            n = int(guides.lengths[gi])
            costs = site_costs(guides.codes[gi, :n], codes, flags, room, limits)
            picks = choose(costs, n, limits)
            if not picks:
                continue
            r = np.array([p[0] for p in picks], dtype=np.int64)
            d = np.array([p[1] for p in picks], dtype=np.int8)
            rn = np.array([p[2] for p in picks], dtype=np.int8)
            parts.append(
                RawHits(
                    np.full(len(r), gi, dtype=np.int32),
                    r + start,
                    costs[r, d, rn].astype(np.int8),
                    d,
                    rn,
                )
            )
    return concat_hits(parts)
