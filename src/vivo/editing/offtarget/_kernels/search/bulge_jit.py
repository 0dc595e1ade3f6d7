# mypy: disable-error-code="no-untyped-call,attr-defined,no-untyped-def,unused-ignore"
# mypy: disable-error-code="no-any-return,misc"
"""The bulged pigeonhole kernel (``docs/offtarget.md``, "Searches with bulges"): bulge-class
key sets, the shift bound and the exact recursion in one pass. numba ``njit`` functions at
module level (disk-cached); import only through ``cpu._compiled``.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from vivo.editing.offtarget._kernels.search.cpu_jit import append_key, enumerate_keys
from vivo.editing.offtarget._kernels.targets import compiled

_R = compiled("cpu")
inf = _R.inf
bound11_run, shift_bound, exact_picks = _R.bound11_run, _R.shift_bound, _R.exact_picks

# guide bases whose shift-bound states depend on site bases 0-9 only (the proximal key)
PREFIX = 9


@nb.njit(cache=True)
def enumerate_from(g, n, i0, p, k, nd, nr):  # type: ignore[no-untyped-def]
    # site words of p bases that an alignment can produce from guide base i0 on (after a
    # pair column) with <= k mismatches; past the guide's end every base is free
    keys = np.empty(1 << 14, dtype=np.int64)
    nk = 0
    st = np.empty((4096, 6), dtype=np.int64)  # j, i, mm, dd, rr, key
    st[0, 0], st[0, 1], st[0, 2], st[0, 3], st[0, 4], st[0, 5] = 0, i0, 0, 0, 0, 0
    sp = 1
    while sp > 0:
        sp -= 1
        j, i, mm, dd, rr, key = st[sp, 0], st[sp, 1], st[sp, 2], st[sp, 3], st[sp, 4], st[sp, 5]
        if j == p:
            keys = append_key(keys, nk, key)
            nk += 1
            continue
        for b in range(4):
            c = mm + (1 if i < n and b != g[i] else 0)
            if c <= k:
                st[sp, 0], st[sp, 1], st[sp, 2] = j + 1, min(i + 1, n), c
                st[sp, 3], st[sp, 4], st[sp, 5] = dd, rr, key * 4 + b
                sp += 1
        if dd < nd and i < n:
            for b in range(4):
                st[sp, 0], st[sp, 1], st[sp, 2] = j + 1, i, mm
                st[sp, 3], st[sp, 4], st[sp, 5] = dd + 1, rr, key * 4 + b
                sp += 1
        if rr < nr and i < n:
            st[sp, 0], st[sp, 1], st[sp, 2] = j, i + 1, mm
            st[sp, 3], st[sp, 4], st[sp, 5] = dd, rr + 1, key
            sp += 1
    return np.unique(keys[:nk])


@nb.njit(cache=True, inline="always")
def keep(out_rows, out_picks, gi, c, row, picks):  # type: ignore[no-untyped-def]
    if c < out_rows.shape[1]:
        out_rows[gi, c] = row
        out_picks[gi, c, :] = picks
    return c + 1


@nb.njit(cache=True)
def win_order(key, nbases):  # type: ignore[no-untyped-def]
    w = 0
    for i in range(nbases):
        w |= ((key >> (2 * (nbases - 1 - i))) & 3) << (2 * i)
    return w


@nb.njit(cache=True)
def ham10(t):  # type: ignore[no-untyped-def]
    # 10-base words within t substitutions of a given word
    total, c = 0, 1
    for j in range(min(t, 10) + 1):
        total += c * 3**j
        c = c * (10 - j) // (j + 1)
    return total


@nb.njit(cache=True)
def split_for(k, u, v, nd, nr):  # type: ignore[no-untyped-def]
    # proximal budget t0 (t1 = k - 1 - t0 for the distal half) for alignments with u DNA and
    # v RNA bulges among the columns of site bases 0-9: the split with the fewest estimated
    # keys (t0 = -1: distal keys only, t0 = k: proximal keys only)
    best, bt = -1.0, 0
    for t0 in range(-1, k + 1):
        t1 = k - 1 - t0
        est = 0.0
        if t0 >= 0:
            est += ham10(t0) * 40.0**u * 10.0**v
        if t1 >= 0:
            est += ham10(t1) * 40.0 ** (nd - u) * 10.0 ** (nr - v)
        if best < 0 or est < best:
            best, bt = est, t0
    return bt


@nb.njit(cache=True)
def bulge_keys(g, n, k, nd, nr):  # type: ignore[no-untyped-def]
    # the proximal keys and distal keys (most significant base first) of the bulged
    # pigeonhole search: for every (u, v) = DNA/RNA bulges among the columns of site bases
    # 0-9 (an RNA bulge just before site base 10 counts with the distal half), the
    # mismatches of those columns (m0) and of the rest (m1) add up to <= k, so m0 <= t0 or
    # m1 <= k - 1 - t0; the distal walk starts at guide base 10 - u + v with nd - u DNA and
    # nr - v RNA bulges left
    nc = (nd + 1) * (nr + 1)
    pk = [np.zeros(0, dtype=np.int64) for _ in range(nc)]
    dk = [np.zeros(0, dtype=np.int64) for _ in range(nc)]
    for u in range(nd + 1):
        for v in range(nr + 1):
            t0 = split_for(k, u, v, nd, nr)
            if t0 >= 0:
                pk[u * (nr + 1) + v] = enumerate_keys(g, n, 10, t0, u, v)
            if k - 1 - t0 >= 0:
                dk[u * (nr + 1) + v] = enumerate_from(g, n, 10 - u + v, 10, k - 1 - t0,
                                                      nd - u, nr - v)  # fmt: skip
    return unique_concat(pk), unique_concat(dk)


@nb.njit(cache=True)
def unique_concat(parts):  # type: ignore[no-untyped-def]
    total = 0
    for q in parts:
        total += len(q)
    allk = np.empty(total, dtype=np.int64)
    at = 0
    for q in parts:
        allk[at : at + len(q)] = q
        at += len(q)
    return np.unique(allk)


@nb.njit(cache=True, parallel=True)
def bulge_candidates(gcodes, glen, k, nd, nr, bs, dbs, dw, drow, win, nmask, meta, lo, hi,  # type: ignore[no-untyped-def]  # noqa: C901
                     out_rows, out_picks, counts, gwords, stats):  # fmt: skip
    # every site row with a qualifying alignment: out_rows[gi, :counts[gi]] and the picks of
    # exact_picks (capacity out_rows.shape[1]; counts may exceed it: run again with more room)
    # stats[gi]: proximal rows read, distal rows read, rows past the bound, sites
    nkeys = len(bs) - 2
    one_one = nd == 1 and nr == 1
    for gi in nb.prange(len(glen)):
        n = glen[gi]
        g = gcodes[gi]
        gw = gwords[gi]
        f = np.empty((n + 1, nd + 1, nr + 1, 4), dtype=np.int16)
        out = np.empty((nd + 1, nr + 1), dtype=np.int16)
        fb = np.empty((nd + 1) * (nr + 1), dtype=np.int64)
        picks = np.empty(nd + nr + 1, dtype=np.int8)
        seen = np.zeros(nkeys, dtype=np.bool_)  # proximal keys read, in window order
        c = 0
        keys, dkeys = bulge_keys(g, n, k, nd, nr)
        for t in range(len(keys)):
            seen[win_order(keys[t], 10)] = True
            a, b = max(bs[keys[t]], lo), min(bs[keys[t] + 1], hi)
            stats[gi, 0] += max(b - a, 0)
            if one_one:  # every row of the bucket shares bases 0-9: bound them once
                pb, sa, sb, sc, sd = bound11_run(gw, np.uint64(win_order(keys[t], 10)), 0,
                                                 PREFIX, k, 0, inf, inf, inf)  # fmt: skip
                if pb > k:
                    continue
            for row in range(a, b):
                if one_one:
                    if bound11_run(gw, win[row], PREFIX, n, k, sa, sb, sc, sd)[0] > k:
                        continue
                elif shift_bound(gw, n, win[row], k, nd, nr, fb) > k:
                    continue
                stats[gi, 2] += 1
                # key buckets hold regular rows only: no N, the whole window on the contig
                if exact_picks(g, n, win[row], np.uint32(0), 32, k, nd, nr, f, out, picks):
                    c = keep(out_rows, out_picks, gi, c, row, picks)
        for row in range(max(bs[nkeys], lo), hi):
            if shift_bound(gw, n, win[row], k, nd, nr, fb) > k:
                continue
            if exact_picks(g, n, win[row], nmask[row], meta[row] >> 6, k, nd, nr, f, out, picks):
                c = keep(out_rows, out_picks, gi, c, row, picks)
        # distal rows are regular (no N, the whole window on the contig): when the site fits
        # in bases 0-25 the window rebuilt from the distal row replaces a random read of win
        rebuilt = n + nd <= 26
        for t in range(len(dkeys)):
            dk = win_order(dkeys[t], 10)
            stats[gi, 1] += dbs[dk + 1] - dbs[dk]
            for r in range(dbs[dk], dbs[dk + 1]):
                if seen[np.int64(dw[r] & np.uint32(0xFFFFF))]:
                    continue  # its proximal bucket was read above
                x = np.uint64(dw[r])
                wrec = (x & np.uint64(0xFFFFF)) | (np.uint64(dk) << np.uint64(20))
                wrec |= (x >> np.uint64(20)) << np.uint64(40)
                if rebuilt:
                    if shift_bound(gw, n, wrec, k, nd, nr, fb) > k:
                        continue
                    q0 = np.int64(drow[r])  # read only for rows past the bound
                    if q0 < lo or q0 >= hi:
                        continue
                else:
                    q0 = np.int64(drow[r])
                    if q0 < lo or q0 >= hi or shift_bound(gw, n, win[q0], k, nd, nr, fb) > k:
                        continue
                stats[gi, 2] += 1
                if rebuilt:
                    ok = exact_picks(g, n, wrec, np.uint32(0), 32, k, nd, nr, f, out, picks)
                else:
                    ok = exact_picks(g, n, win[q0], nmask[q0], meta[q0] >> 6, k, nd, nr, f,
                                     out, picks)  # fmt: skip
                if ok:
                    c = keep(out_rows, out_picks, gi, c, q0, picks)
        counts[gi] = c
        stats[gi, 3] = c
