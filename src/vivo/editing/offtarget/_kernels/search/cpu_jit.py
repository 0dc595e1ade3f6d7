# mypy: disable-error-code="no-untyped-call,attr-defined,no-untyped-def,unused-ignore"
# mypy: disable-error-code="no-any-return,misc"
"""The CPU kernels themselves (numba ``njit`` functions at module level, so that numba's
on-disk cache can reuse them across processes): key enumeration, the general kernel and the
mismatch-only pigeonhole kernel. The alignment recursion and the mismatch count are the
one-source functions of ``recursion.py`` compiled for the CPU (``targets.compiled("cpu")``).
The bulged pigeonhole kernel is in ``bulge_jit.py``, the batch alignment writer in
``_kernels/align/jit.py``.

Import this module only through :func:`vivo.editing.offtarget._kernels.search.cpu._compiled`, which
reports a missing numba as an ``InputError``; see ``cpu.py`` for what each kernel does.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from vivo.editing.offtarget._kernels.targets import compiled

_R = compiled("cpu")
popcount, costs, pick, hamming, diff2 = _R.popcount, _R.costs, _R.pick, _R.hamming, _R.diff2
inf = _R.inf  # "no alignment" in the int16 cost tables


@nb.njit(cache=True, inline="always")
def append_key(keys, nk, key):  # type: ignore[no-untyped-def]
    # keys[nk] = key, doubling the buffer when it is full (returns the buffer to keep)
    if nk == len(keys):
        grown = np.empty(2 * len(keys), dtype=np.int64)
        grown[:nk] = keys[:nk]
        keys = grown
    keys[nk] = key
    return keys


@nb.njit(cache=True)
def enumerate_keys(g, n, p, k, nd, nr):  # type: ignore[no-untyped-def]
    keys = np.empty(1 << 16, dtype=np.int64)
    nk = 0
    st = np.empty((4096, 7), dtype=np.int64)  # depth, i, mm, dd, rr, last, key
    sp = 0
    st[0, :] = 0
    sp = 1
    while sp > 0:
        sp -= 1
        j, i, mm, dd, rr, last, key = (
            st[sp, 0],
            st[sp, 1],
            st[sp, 2],
            st[sp, 3],
            st[sp, 4],
            st[sp, 5],
            st[sp, 6],
        )
        if j == p:
            keys = append_key(keys, nk, key)
            nk += 1
            continue
        if i < n:
            for b in range(4):
                c = mm + (1 if b != g[i] else 0)
                if c <= k:
                    st[sp, 0], st[sp, 1], st[sp, 2], st[sp, 3] = j + 1, i + 1, c, dd
                    st[sp, 4], st[sp, 5], st[sp, 6] = rr, 1, key * 4 + b
                    sp += 1
        if dd < nd and (last == 1 or last == 2):
            for b in range(4):
                st[sp, 0], st[sp, 1], st[sp, 2], st[sp, 3] = j + 1, i, mm, dd + 1
                st[sp, 4], st[sp, 5], st[sp, 6] = rr, 2, key * 4 + b
                sp += 1
        if rr < nr and i < n and (last == 1 or last == 3):
            st[sp, 0], st[sp, 1], st[sp, 2], st[sp, 3] = j, i + 1, mm, dd
            st[sp, 4], st[sp, 5], st[sp, 6] = rr + 1, 3, key
            sp += 1
    return np.unique(keys[:nk])


@nb.njit(cache=True)
def row_ranges(keys, shift, starts, irregular, lo, hi):  # type: ignore[no-untyped-def]
    rlo = np.empty(len(keys) + 1, dtype=np.int64)
    rhi = np.empty(len(keys) + 1, dtype=np.int64)
    m = 0
    for t in range(len(keys)):
        a = starts[keys[t] << shift]
        b = starts[(keys[t] + 1) << shift]
        a, b = max(a, lo), min(b, hi)
        if b <= a:
            continue
        if m > 0 and rhi[m - 1] == a:
            rhi[m - 1] = b
        else:
            rlo[m], rhi[m] = a, b
            m += 1
    a, b = max(irregular, lo), hi
    if b > a:
        rlo[m], rhi[m] = a, b
        m += 1
    return rlo[:m], rhi[:m]


@nb.njit(cache=True, parallel=True)
def verify(gcodes, gwords, glen, rlo, rhi, rguide, coff, win, nmask, meta, k, nd, nr, flags):  # type: ignore[no-untyped-def]
    for t in nb.prange(len(rlo)):
        gi = rguide[t]
        n = glen[gi]
        g = gcodes[gi]
        f = np.empty((n + 1, nd + 1, nr + 1, 4), dtype=np.int16)
        out = np.empty((nd + 1, nr + 1), dtype=np.int16)
        for row in range(rlo[t], rhi[t]):
            room = meta[row] >> 6
            bits = 0
            if nd == 0 and nr == 0:
                if room >= n and hamming(gwords[gi], n, win[row], nmask[row]) <= k:
                    bits = 1
            else:
                costs(g, n, win[row], nmask[row], room, nd, nr, f, out)
                for delta in range(-nr, nd + 1):
                    if pick(out, delta, k, nd, nr) >= 0:
                        bits |= 1 << (delta + nr)
            flags[coff[t] + row - rlo[t]] = bits


@nb.njit(cache=True, parallel=True)
def fill(gcodes, gwords, glen, rlo, rhi, rguide, coff, hoff, flags, win, nmask, meta, k, nd, nr,
         og, orow, omm, od, orn):  # type: ignore[no-untyped-def]  # fmt: skip
    for t in nb.prange(len(rlo)):
        gi = rguide[t]
        n = glen[gi]
        g = gcodes[gi]
        f = np.empty((n + 1, nd + 1, nr + 1, 4), dtype=np.int16)
        out = np.empty((nd + 1, nr + 1), dtype=np.int16)
        h = hoff[t]
        for row in range(rlo[t], rhi[t]):
            bits = flags[coff[t] + row - rlo[t]]
            if bits == 0:
                continue
            if nd == 0 and nr == 0:
                og[h], orow[h], od[h], orn[h] = gi, row, 0, 0
                omm[h] = hamming(gwords[gi], n, win[row], nmask[row])
                h += 1
                continue
            costs(g, n, win[row], nmask[row], meta[row] >> 6, nd, nr, f, out)
            for delta in range(-nr, nd + 1):
                if bits & (1 << (delta + nr)):
                    d = pick(out, delta, k, nd, nr)
                    og[h], orow[h], od[h], orn[h] = gi, row, d, d - delta
                    omm[h] = out[d, d - delta]
                    h += 1


@nb.njit(cache=True)
def bit_counts(flags, coff, rlo, rhi):  # type: ignore[no-untyped-def]
    counts = np.zeros(len(rlo), dtype=np.int64)
    for t in range(len(rlo)):
        c = 0
        for x in flags[coff[t] : coff[t] + rhi[t] - rlo[t]]:
            while x:
                c += x & 1
                x >>= 1
        counts[t] = c
    return counts


@nb.njit(cache=True)
def neighbours(word, nbases, budget):  # type: ignore[no-untyped-def]
    # every word of nbases 2-bit bases within `budget` substitutions of `word`, each once
    cap = 1
    for j in range(1, budget + 1):
        c = 1
        for q in range(j):
            c = c * (nbases - q) // (q + 1)
        cap += c * 3**j
    words = np.empty(cap, dtype=np.int64)
    mms = np.empty(cap, dtype=np.int64)
    st_pos = np.empty(cap, dtype=np.int64)
    words[0], mms[0], st_pos[0] = word, 0, 0
    n = 1
    t = 0
    while t < n:
        if mms[t] < budget:
            for p in range(st_pos[t], nbases):
                for b in range(1, 4):
                    words[n] = words[t] ^ (b << (2 * p))
                    mms[n] = mms[t] + 1
                    st_pos[n] = p + 1
                    n += 1
        t += 1
    return words, mms


@nb.njit(cache=True, inline="always")
def msb_key(w, nbases):  # type: ignore[no-untyped-def]
    key = 0
    for i in range(nbases):
        key = key * 4 + ((w >> (2 * i)) & 3)
    return key


@nb.njit(cache=True, inline="always")
def put(hits_row, hits_mm, gi, c, cap, row, mm):  # type: ignore[no-untyped-def]
    if c < cap:
        hits_row[gi, c] = row
        hits_mm[gi, c] = mm
    return c + 1


@nb.njit(cache=True, parallel=True)
def pigeon(gwords, glen, k, bs, pw, dbs, dw, drow, win, nmask, meta, lo, hi,
           hits_row, hits_mm, counts):  # type: ignore[no-untyped-def]  # fmt: skip
    h = k // 2
    nkeys = len(bs) - 2
    for gi in nb.prange(len(glen)):
        gw = gwords[gi]
        n = glen[gi]
        cap = hits_row.shape[1]
        g0 = np.int64(gw & np.uint64(0xFFFFF))
        g1 = np.int64((gw >> np.uint64(20)) & np.uint64(0xFFFFF))
        rest = (gw >> np.uint64(20)) & ((np.uint64(1) << np.uint64(2 * (n - 10))) - np.uint64(1))
        tail = (gw >> np.uint64(40)) & ((np.uint64(1) << np.uint64(2 * (n - 20))) - np.uint64(1))
        tmask = (np.uint64(1) << np.uint64(2 * (n - 20))) - np.uint64(1)
        rmask = (np.uint64(1) << np.uint64(2 * (n - 10))) - np.uint64(1)
        c = 0
        words, mms = neighbours(g0, 10, h)
        for t in range(len(words)):
            key = msb_key(words[t], 10)
            a, b = max(bs[key], lo), min(bs[key + 1], hi)
            for row in range(a, b):
                mm = mms[t] + diff2(np.uint64(pw[row]) & rmask, rest)
                if mm <= k:
                    c = put(hits_row, hits_mm, gi, c, cap, row, mm)
        words, mms = neighbours(g1, 10, h)
        for t in range(len(words)):
            dk = words[t]
            for r in range(dbs[dk], dbs[dk + 1]):
                x = np.uint64(dw[r])
                m0 = diff2(x & np.uint64(0xFFFFF), g0)
                if m0 <= h:
                    continue
                mm = mms[t] + m0 + diff2((x >> np.uint64(20)) & tmask, tail)
                drw = np.int64(drow[r])
                if mm <= k and lo <= drw < hi:
                    c = put(hits_row, hits_mm, gi, c, cap, drw, mm)
        for row in range(max(bs[nkeys], lo), hi):
            if (meta[row] >> 6) >= n:
                mm = hamming(gw, n, win[row], nmask[row])
                if mm <= k:
                    c = put(hits_row, hits_mm, gi, c, cap, row, mm)
        counts[gi] = c
