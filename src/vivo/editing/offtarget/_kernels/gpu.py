# mypy: disable-error-code="no-untyped-call,attr-defined,no-untyped-def,unused-ignore,no-any-return"
"""The GPU kernel: numba.cuda, brute force over every site row, one thread per row.

Used only when an NVIDIA GPU is present (``numba.cuda.is_available()``). Each thread tests its
row against every guide of the batch with the same recursion as the reference kernel
(a popcount path when there are no bulges) and appends hits through an atomic counter; the
host sizes the output with a first counting launch. Its equivalence with the reference was
not measured on a device in the session that wrote it (no GPU was lent); the logic can be
run on the CPU with ``NUMBA_ENABLE_CUDASIM=1``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from vivo.core.errors import EngineError
from vivo.editing.offtarget._kernels import GuideBatch, Limits, RawHits, empty_hits
from vivo.editing.offtarget.index import SiteIndex

__all__ = ["available", "find_sites"]

_MAXN = 31
_MAXB = 3


def available() -> bool:
    """True when numba can see a CUDA device."""
    try:
        from numba import cuda
    except ImportError:
        return False
    try:
        return bool(cuda.is_available())
    except Exception:  # pragma: no cover - driver problems mean "no GPU"
        return False


@cache
def _compiled() -> dict[str, Any]:  # noqa: C901
    from numba import cuda

    inf = 127

    @cuda.jit(device=True)
    def row_bits(g, n, win, nm, room, k, nd, nr, f, out):  # type: ignore[no-untyped-def]  # noqa: C901
        if nd == 0 and nr == 0:
            if room < n:
                return 0
            mm = 0
            for j in range(n):
                b = (win >> np.uint64(2 * j)) & np.uint64(3)
                if b != g[j] or (nm >> np.uint32(j)) & np.uint32(1):
                    mm += 1
            return 1 if mm <= k else 0
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
    def _mm(g, n, win, nm):  # type: ignore[no-untyped-def]
        mm = 0
        for j in range(n):
            b = (win >> np.uint64(2 * j)) & np.uint64(3)
            if b != g[j] or (nm >> np.uint32(j)) & np.uint32(1):
                mm += 1
        return mm

    @cuda.jit
    def scan(gcodes, glen, win, nmask, meta, lo, k, nd, nr, counter, og, orow, omm, od, orn, write):  # type: ignore[no-untyped-def]
        t = cuda.grid(1)
        if t >= win.shape[0]:
            return
        f = cuda.local.array((_MAXN, _MAXB, _MAXB, 4), dtype=np.int16)
        out = cuda.local.array((5, 2), dtype=np.int16)
        for gi in range(gcodes.shape[0]):
            bits = row_bits(gcodes[gi], glen[gi], win[t], nmask[t], meta[t] >> 6, k, nd, nr, f, out)
            for delta in range(-nr, nd + 1):
                if bits & (1 << (delta + nr)):
                    h = cuda.atomic.add(counter, 0, 1)
                    if write:
                        d = out[delta + nr, 0] if (nd or nr) else 0
                        og[h], orow[h], od[h], orn[h] = gi, lo + t, d, d - delta
                        omm[h] = (
                            out[delta + nr, 1]
                            if (nd or nr)
                            else _mm(gcodes[gi], glen[gi], win[t], nmask[t])
                        )

    return {"scan": scan, "cuda": cuda}


def find_sites(
    index: SiteIndex,
    guides: GuideBatch,
    limits: Limits,
    *,
    row_range: tuple[int, int] | None = None,
) -> RawHits:
    """Every (guide, site row, site length) within ``limits``, by brute force on the GPU."""
    if len(guides) == 0 or index.n_sites == 0:
        return empty_hits()
    try:
        return _run(index, guides, limits, row_range)
    except Exception as exc:  # pragma: no cover - needs a device
        raise EngineError(f"the GPU off-target kernel failed: {exc}") from exc


def _run(
    index: SiteIndex, guides: GuideBatch, limits: Limits, row_range: tuple[int, int] | None
) -> RawHits:  # pragma: no cover - needs a device (or the CUDA simulator)
    k = _compiled()
    cuda = k["cuda"]
    lo, hi = row_range if row_range is not None else (0, index.n_sites)
    arrays = [
        cuda.to_device(np.ascontiguousarray(a[lo:hi])) for a in (index.win, index.nmask, index.meta)
    ]
    g = cuda.to_device(guides.codes.astype(np.int64))
    gl = cuda.to_device(guides.lengths.astype(np.int64))
    lim = (limits.mismatches, limits.dna_bulges, limits.rna_bulges)
    threads = 256
    blocks = max(1, (hi - lo + threads - 1) // threads)
    counter = cuda.to_device(np.zeros(1, dtype=np.int64))
    dummy = [
        cuda.to_device(np.zeros(1, dtype=t))
        for t in (np.int32, np.int64, np.int8, np.int8, np.int8)
    ]
    k["scan"][blocks, threads](g, gl, *arrays, lo, *lim, counter, *dummy, False)
    total = int(counter.copy_to_host()[0])
    outs = [
        cuda.device_array(total, dtype=t) for t in (np.int32, np.int64, np.int8, np.int8, np.int8)
    ]
    counter = cuda.to_device(np.zeros(1, dtype=np.int64))
    if total:
        k["scan"][blocks, threads](g, gl, *arrays, lo, *lim, counter, *outs, True)
    host = [o.copy_to_host() for o in outs]
    return RawHits(host[0], host[1], host[2], host[3], host[4])
