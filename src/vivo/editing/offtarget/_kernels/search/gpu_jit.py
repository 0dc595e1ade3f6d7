# mypy: disable-error-code="no-untyped-call,attr-defined,no-untyped-def,unused-ignore,no-any-return"
"""The GPU kernels (numba.cuda functions at module level, so that ``cuda`` is a global: numba's
CUDA simulator, ``NUMBA_ENABLE_CUDASIM=1``, swaps it for its CPU version, which lets the tests
run the kernel logic without a device). The alignment recursion and the mismatch count are the
one-source functions of ``recursion.py`` compiled as CUDA device functions.

Candidate-driven kernels (the pigeonhole keys of ``docs/offtarget.md``): one *warp* per work
item (a guide and one key bucket), its 32 lanes striding over the bucket's rows, so that the
reads of a bucket are contiguous:

* ``mm_keys``: mismatch-only. Items are (guide, substitution pattern, half); the key of an item
  is the guide's proximal (or distal) 10-base word XOR a pattern of the constant table of every
  10-base substitution pattern within ``k // 2`` changes, so the keys are made on the device.
* ``bulge_keys``: with bulges. Items are (guide, proximal or distal key) from the bulge-class
  key sets (enumerated on the host by the CPU's ``bulge_keys``); each row passes the shift bound
  before the exact recursion; distal rows whose proximal key the guide also reads are skipped.
* ``scan_rows``: every (row, guide) of a row range (the irregular bucket, and the general case
  of indexes without pigeonhole tables), with the same tests.

Hits are appended through an atomic counter into buffers of a given capacity; the counter
keeps counting past it, and the host runs the launch again with room for every hit.

Import this module only through :func:`vivo.editing.offtarget._kernels.search.gpu._compiled`.
"""

from __future__ import annotations

import numpy as np
from numba import config, cuda

from vivo.editing.offtarget._kernels.targets import compiled

_R = compiled("cuda")
hamming, diff2, exact_picks, costs = _R.hamming, _R.diff2, _R.exact_picks, _R.costs
shift_bound, bound11_run = _R.shift_bound, _R.bound11_run
inf = _R.inf

#: lanes of one work item (a warp) and threads per block (4 warps); on the CUDA simulator,
#: which runs every thread as a Python thread, 4-lane "warps" keep the same striding logic
#: at a cost the tests can afford
LANES = 4 if config.ENABLE_CUDASIM else 32
THREADS = 8 if config.ENABLE_CUDASIM else 128
_MAXN = 33  # guide bases + 1 (guides of up to 32 nt)
_MAXB = 3  # bulges + 1
_MAXD = 5  # site lengths per row (delta = -2..2)
PREFIX = 9  # guide bases whose 1D+1R shift-bound states depend on site bases 0-9 only


@cuda.jit(device=True)
def msb_key(w, nbases):  # type: ignore[no-untyped-def]
    key = 0
    for i in range(nbases):
        key = key * 4 + int((np.uint64(w) >> np.uint64(2 * i)) & np.uint64(3))
    return key


@cuda.jit(device=True)
def put_mm(counter, cap, og, orow, omm, gi, row, mm):  # type: ignore[no-untyped-def]
    h = cuda.atomic.add(counter, 0, 1)
    if h < cap:
        og[h] = gi
        orow[h] = row
        omm[h] = mm


@cuda.jit
def mm_keys(gwords, glen, k, npat, pats, pmm, bs, pw, dbs, dw, drow, lo, hi, counter, og, orow,  # type: ignore[no-untyped-def]
            omm):  # fmt: skip
    # item = (guide, pattern, half): one warp each, lanes striding over the bucket's rows
    item = cuda.blockIdx.x * (THREADS // LANES) + cuda.threadIdx.x // LANES
    lane = cuda.threadIdx.x % LANES
    nitems = glen.shape[0] * npat * 2
    if item >= nitems:
        return
    gi = item // (npat * 2)
    t = (item // 2) % npat
    half = item % 2
    h = k // 2
    gw = np.uint64(gwords[gi])
    n = glen[gi]
    cap = og.shape[0]
    g0 = gw & np.uint64(0xFFFFF)
    rmask = (np.uint64(1) << np.uint64(2 * (n - 10))) - np.uint64(1)
    tmask = (np.uint64(1) << np.uint64(2 * (n - 20))) - np.uint64(1)
    rest = (gw >> np.uint64(20)) & rmask
    tail = (gw >> np.uint64(40)) & tmask
    if half == 0:
        key = msb_key(g0 ^ np.uint64(pats[t]), 10)
        a = max(bs[key], lo)
        b = min(bs[key + 1], hi)
        for row in range(a + lane, b, LANES):
            mm = pmm[t] + diff2(np.uint64(pw[row]) & rmask, rest)
            if mm <= k:
                put_mm(counter, cap, og, orow, omm, gi, row, mm)
    else:
        dk = int(((gw >> np.uint64(20)) & np.uint64(0xFFFFF)) ^ np.uint64(pats[t]))
        for r in range(dbs[dk] + lane, dbs[dk + 1], LANES):
            x = np.uint64(dw[r])
            m0 = diff2(x & np.uint64(0xFFFFF), g0)
            if m0 <= h:
                continue  # found through its proximal bucket
            mm = pmm[t] + m0 + diff2((x >> np.uint64(20)) & tmask, tail)
            drw = drow[r]
            if mm <= k and lo <= drw < hi:
                put_mm(counter, cap, og, orow, omm, gi, drw, mm)


@cuda.jit(device=True)
def put_picks(counter, cap, og, orow, opicks, gi, row, picks, ndelta):  # type: ignore[no-untyped-def]
    h = cuda.atomic.add(counter, 0, 1)
    if h < cap:
        og[h] = gi
        orow[h] = row
        for q in range(ndelta):
            opicks[h, q] = picks[q]


@cuda.jit(device=True)
def seen(keys, a, end, x):  # type: ignore[no-untyped-def]
    # whether x is in the sorted keys[a:end]
    b = end
    while a < b:
        mid = (a + b) // 2
        if keys[mid] < x:
            a = mid + 1
        else:
            b = mid
    return a < end and keys[a] == x


@cuda.jit
def bulge_keys(gcodes, gwords, glen, k, nd, nr, item_guide, item_key, item_kind, seen_keys,  # type: ignore[no-untyped-def]  # noqa: C901
               seen_off, bs, dbs, dw, drow, win, nmask, meta, lo, hi, counter, og, orow,
               opicks):  # fmt: skip
    # item = one proximal bucket (kind 0, key base 0 first) or one distal bucket (kind 1,
    # window-order key) of one guide: one warp each
    item = cuda.blockIdx.x * (THREADS // LANES) + cuda.threadIdx.x // LANES
    lane = cuda.threadIdx.x % LANES
    if item >= item_guide.shape[0]:
        return
    gi = item_guide[item]
    key = item_key[item]
    g = gcodes[gi]
    gw = np.uint64(gwords[gi])
    n = glen[gi]
    cap = og.shape[0]
    ndelta = nd + nr + 1
    f = cuda.local.array((_MAXN, _MAXB, _MAXB, 4), dtype=np.int16)
    out = cuda.local.array((_MAXB, _MAXB), dtype=np.int16)
    fb = cuda.local.array(_MAXB * _MAXB, dtype=np.int64)
    picks = cuda.local.array(_MAXD, dtype=np.int8)
    one_one = nd == 1 and nr == 1
    if item_kind[item] == 0:
        a = max(bs[key], lo)
        b = min(bs[key + 1], hi)
        sa, sb, sc, sd = 0, inf, inf, inf
        if one_one:  # every row of the bucket shares bases 0-9: bound them once
            w0 = np.uint64(0)
            for i in range(10):
                w0 |= np.uint64((key >> (2 * (9 - i))) & 3) << np.uint64(2 * i)
            pb, sa, sb, sc, sd = bound11_run(gw, w0, 0, PREFIX, k, 0, inf, inf, inf)
            if pb > k:
                return
        for row in range(a + lane, b, LANES):
            w = np.uint64(win[row])
            if one_one:
                if bound11_run(gw, w, PREFIX, n, k, sa, sb, sc, sd)[0] > k:
                    continue
            elif shift_bound(gw, n, w, k, nd, nr, fb) > k:
                continue
            # key buckets hold regular rows only: no N, the whole window on the contig
            if exact_picks(g, n, w, np.uint32(0), 32, k, nd, nr, f, out, picks):
                put_picks(counter, cap, og, orow, opicks, gi, row, picks, ndelta)
        return
    rebuilt = n + nd <= 26
    s0, s1 = seen_off[gi], seen_off[gi + 1]
    for r in range(dbs[key] + lane, dbs[key + 1], LANES):
        x = np.uint64(dw[r])
        if seen(seen_keys, s0, s1, np.int64(x & np.uint64(0xFFFFF))):
            continue  # its proximal bucket is one of this guide's items
        q0 = np.int64(drow[r])
        if q0 < lo or q0 >= hi:
            continue
        if rebuilt:  # the window rebuilt from the distal row (bases 0-25)
            w = (x & np.uint64(0xFFFFF)) | (np.uint64(key) << np.uint64(20))
            w |= (x >> np.uint64(20)) << np.uint64(40)
            if shift_bound(gw, n, w, k, nd, nr, fb) > k:
                continue
            ok = exact_picks(g, n, w, np.uint32(0), 32, k, nd, nr, f, out, picks)
        else:
            w = np.uint64(win[q0])
            if shift_bound(gw, n, w, k, nd, nr, fb) > k:
                continue
            ok = exact_picks(g, n, w, np.uint32(nmask[q0]), meta[q0] >> 6, k, nd, nr, f, out,
                             picks)  # fmt: skip
        if ok:
            put_picks(counter, cap, og, orow, opicks, gi, q0, picks, ndelta)


@cuda.jit
def scan_rows(gcodes, gwords, glen, k, nd, nr, win, nmask, meta, lo, hi, counter, og, orow,  # type: ignore[no-untyped-def]
              opicks):  # fmt: skip
    # one thread per (row, guide) of rows [lo, hi): every test, no key (irregular rows, or an
    # index without pigeonhole tables); mismatch-only hits carry picks[0] = mismatches
    t = cuda.grid(1)
    nrows = hi - lo
    if t >= nrows * glen.shape[0]:
        return
    gi = t // nrows
    row = lo + t % nrows
    n = glen[gi]
    cap = og.shape[0]
    w = np.uint64(win[row])
    nm = np.uint32(nmask[row])
    room = meta[row] >> 6
    picks = cuda.local.array(_MAXD, dtype=np.int8)
    if nd == 0 and nr == 0:
        if room >= n:
            mm = hamming(gwords[gi], n, w, nm)
            if mm <= k:
                picks[0] = mm
                put_picks(counter, cap, og, orow, opicks, gi, row, picks, 1)
        return
    f = cuda.local.array((_MAXN, _MAXB, _MAXB, 4), dtype=np.int16)
    out = cuda.local.array((_MAXB, _MAXB), dtype=np.int16)
    fb = cuda.local.array(_MAXB * _MAXB, dtype=np.int64)
    if shift_bound(gwords[gi], n, w, k, nd, nr, fb) > k:
        return
    if exact_picks(gcodes[gi], n, w, nm, room, k, nd, nr, f, out, picks):
        put_picks(counter, cap, og, orow, opicks, gi, row, picks, nd + nr + 1)


@cuda.jit
def gather(rows, win, nmask, pos, meta, owin, onmask, opos, ometa):  # type: ignore[no-untyped-def]
    # the columns of the hit rows, read where the index lives (device-side decode)
    t = cuda.grid(1)
    if t < rows.shape[0]:
        r = rows[t]
        owin[t] = win[r]
        onmask[t] = nmask[r]
        opos[t] = pos[r]
        ometa[t] = meta[r]


@cuda.jit
def probe(g, words, win, got):  # type: ignore[no-untyped-def]
    # the probe kernel of gpu.probe: the mismatch count and the 1 DNA + 1 RNA recursion
    t = cuda.threadIdx.x
    f = cuda.local.array((21, 2, 2, 4), dtype=np.int16)
    out = cuda.local.array((2, 2), dtype=np.int16)
    got[t, 0] = hamming(words[t], 20, win[t], np.uint32(0))
    costs(g[t], 20, win[t], np.uint32(0), 32, 1, 1, f, out)
    got[t, 1] = out[1, 1]
