# mypy: disable-error-code="no-untyped-call,attr-defined,no-untyped-def,unused-ignore"
# mypy: disable-error-code="no-any-return,misc"
"""The bulged pigeonhole kernel (``docs/offtarget.md``, "Searches with bulges"): bulge-class
key sets, the shift bound and the exact recursion in one pass. numba ``njit`` functions at
module level (disk-cached); import only through ``cpu._compiled``.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from vivo.editing.offtarget._kernels.cpu_jit import append_key, costs, enumerate_keys, inf, pick

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
def mismatch_bits(gw, win, s):  # type: ignore[no-untyped-def]
    # bit 2i set when guide base i differs from site base i + s
    x = (win >> np.uint64(2 * s)) if s >= 0 else (win << np.uint64(-2 * s))
    y = x ^ gw
    return (y | (y >> np.uint64(1))) & np.uint64(0x5555555555555555)


@nb.njit(cache=True, inline="always")
def bound11_run(gw, win, i0, n, k, a, b, c, d):  # type: ignore[no-untyped-def]
    # the shift bound for one DNA and one RNA bulge over guide bases i0..n-1, from the states
    # a (no bulge yet), b (one DNA bulge: shift +1), c (one RNA bulge: shift -1) and d (both:
    # shift 0) before base i0; returns the bound so far and the states (early exit above k)
    m0 = mismatch_bits(gw, win, 0)
    mp = mismatch_bits(gw, win, 1)
    mn = mismatch_bits(gw, win, -1)
    best = min(min(a, b), min(c, d))
    for i in range(i0, n):
        sh = np.uint64(2 * i)
        b = min(b, a)  # a DNA bulge before guide base i
        d = min(d, c)
        z0 = int((m0 >> sh) & np.uint64(1))
        d = min(d + z0, b)  # guide base i pairs, or is the RNA bulge
        c = min(c + int((mn >> sh) & np.uint64(1)), a)
        b = b + int((mp >> sh) & np.uint64(1))
        a = a + z0
        best = min(min(a, b), min(c, d))
        if best > k:
            break
    return best, a, b, c, d


@nb.njit(cache=True, inline="always")
def shift_bound_11(gw, n, win, k):  # type: ignore[no-untyped-def]
    return bound11_run(gw, win, 0, n, k, 0, inf, inf, inf)[0]


@nb.njit(cache=True, inline="always")
def shift_bound(gw, n, win, k, nd, nr, fb):  # type: ignore[no-untyped-def]
    # a lower bound on the mismatches of any alignment with <= nd DNA and <= nr RNA bulges:
    # the alignment recursion relaxed to states (u, v) = bulges used so far, where guide
    # base i pairs with site base i + u - v (bit masks per shift), an RNA bulge frees one
    # guide base and DNA bulges may sit anywhere; no column rules, room or N checks, so
    # every real alignment is one of its paths (the bound never exceeds the exact count).
    # Stops as soon as every state costs more than k (costs never decrease along i).
    if nd == 1 and nr == 1:
        return shift_bound_11(gw, n, win, k)
    w = nr + 1
    for q in range((nd + 1) * w):
        fb[q] = inf
    fb[0] = 0
    best = 0
    for i in range(n):
        for v in range(w):
            for u in range(1, nd + 1):
                if fb[(u - 1) * w + v] < fb[u * w + v]:
                    fb[u * w + v] = fb[(u - 1) * w + v]
        best = inf
        for u in range(nd, -1, -1):
            for v in range(nr, -1, -1):
                s = u - v
                x = (win >> np.uint64(2 * s)) if s >= 0 else (win << np.uint64(-2 * s))
                y = (x ^ gw) >> np.uint64(2 * i)
                c = fb[u * w + v] + int((y | (y >> np.uint64(1))) & np.uint64(1))
                if v > 0 and fb[u * w + v - 1] < c:
                    c = fb[u * w + v - 1]
                fb[u * w + v] = c
                if c < best:
                    best = c
        if best > k:
            return best
    return best


@nb.njit(cache=True, inline="always")
def exact_picks(g, n, win, nm, room, k, nd, nr, f, out, picks):  # type: ignore[no-untyped-def]
    # the alignment recursion; picks[delta + nr] = 16 * DNA bulges + mismatches of the
    # reported alignment of the site with delta = d - r, or -1; True if any qualifies
    costs(g, n, win, nm, room, nd, nr, f, out)
    found = False
    for delta in range(-nr, nd + 1):
        d = pick(out, delta, k, nd, nr)
        if d >= 0:
            picks[delta + nr] = d * 16 + out[d, d - delta]
            found = True
        else:
            picks[delta + nr] = -1
    return found


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
