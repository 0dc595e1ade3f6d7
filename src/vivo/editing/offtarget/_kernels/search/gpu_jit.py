# mypy: disable-error-code="no-untyped-call,attr-defined,no-untyped-def,unused-ignore,no-any-return"
"""The GPU kernels themselves (numba.cuda functions at module level, so that ``cuda`` is a
global: numba's CUDA simulator, ``NUMBA_ENABLE_CUDASIM=1``, swaps it for its CPU version, which
lets the tests run the kernel logic without a device).

Import this module only through :func:`vivo.editing.offtarget._kernels.gpu._compiled`.
"""

from __future__ import annotations

import numpy as np
from numba import cuda

_MAXN = 31
_MAXB = 3

inf = 127


@cuda.jit(device=True)
def row_bits(g, n, win, nm, room, k, nd, nr, f, out):  # type: ignore[no-untyped-def]  # noqa: C901
    for i in range(n + 1):
        for dd in range(nd + 1):
            for rr in range(nr + 1):
                for last in range(4):
                    f[i, dd, rr, last] = inf
    f[0, 0, 0, 0] = 0
    for i in range(n + 1):
        for dd in range(nd + 1):
            for rr in range(nr + 1):
                j = i + dd - rr
                if dd < nd and 0 <= j < room:
                    src = min(f[i, dd, rr, 1], f[i, dd, rr, 2])
                    f[i, dd + 1, rr, 2] = min(f[i, dd + 1, rr, 2], src)
                if i < n:
                    best = min(min(f[i, dd, rr, 0], f[i, dd, rr, 1]),
                               min(f[i, dd, rr, 2], f[i, dd, rr, 3]))  # fmt: skip
                    if 0 <= j < room and best < inf:
                        b = (win >> np.uint64(2 * j)) & np.uint64(3)
                        mm = 1 if (b != g[i] or (nm >> np.uint32(j)) & np.uint32(1)) else 0
                        f[i + 1, dd, rr, 1] = min(f[i + 1, dd, rr, 1], best + mm)
                    if rr < nr:
                        src = min(f[i, dd, rr, 1], f[i, dd, rr, 3])
                        f[i + 1, dd, rr + 1, 3] = min(f[i + 1, dd, rr + 1, 3], src)
    bits = 0
    for delta in range(-nr, nd + 1):
        best, bd = 1 << 30, -1
        for d in range(nd + 1):
            r = d - delta
            if 0 <= r <= nr:
                mm = f[n, d, r, 1]
                if mm <= k and (mm + d + r) * 64 + d < best:
                    best, bd = (mm + d + r) * 64 + d, d
        if bd >= 0:
            out[delta + nr, 0] = bd
            out[delta + nr, 1] = f[n, bd, bd - delta, 1]
            bits |= 1 << (delta + nr)
    return bits


@cuda.jit(device=True)
def hamming(gw, n, win, nm):  # type: ignore[no-untyped-def]
    # mismatches of the first n window bases: XOR + popcount, then N bases that matched
    x = win ^ gw
    c = (x | (x >> np.uint64(1))) & np.uint64(0x5555555555555555)
    if n < 32:
        c &= (np.uint64(1) << np.uint64(2 * n)) - np.uint64(1)
    mm = cuda.popc(c)
    low = nm if n >= 32 else nm & ((np.uint32(1) << np.uint32(n)) - np.uint32(1))
    if low:
        for j in range(n):
            if (low >> np.uint32(j)) & np.uint32(1) and not (c >> np.uint64(2 * j)) & np.uint64(1):
                mm += 1
    return mm


@cuda.jit
def scan(gcodes, gwords, glen, win, nmask, meta, lo, k, nd, nr, counter, og, orow, omm, od, orn,  # type: ignore[no-untyped-def]
         write):  # fmt: skip
    # one thread per site row, every guide of the batch; hits appended through counter
    # (write=False: count only, so that the host can size the output)
    t = cuda.grid(1)
    if t >= win.shape[0]:
        return
    w = win[t]
    nm = nmask[t]
    room = meta[t] >> 6
    if nd == 0 and nr == 0:
        for gi in range(gcodes.shape[0]):
            n = glen[gi]
            if room >= n:
                mm = hamming(gwords[gi], n, w, nm)
                if mm <= k:
                    h = cuda.atomic.add(counter, 0, 1)
                    if write:
                        og[h], orow[h], omm[h], od[h], orn[h] = gi, lo + t, mm, 0, 0
        return
    f = cuda.local.array((_MAXN, _MAXB, _MAXB, 4), dtype=np.int16)
    out = cuda.local.array((5, 2), dtype=np.int16)
    for gi in range(gcodes.shape[0]):
        bits = row_bits(gcodes[gi], glen[gi], w, nm, room, k, nd, nr, f, out)
        for delta in range(-nr, nd + 1):
            if bits & (1 << (delta + nr)):
                h = cuda.atomic.add(counter, 0, 1)
                if write:
                    d = out[delta + nr, 0]
                    og[h], orow[h], od[h], orn[h] = gi, lo + t, d, d - delta
                    omm[h] = out[delta + nr, 1]
