# mypy: disable-error-code="no-untyped-call,attr-defined,no-untyped-def,unused-ignore,no-any-return"
"""The GPU kernel: numba.cuda, brute force over every site row, one thread per row.

Used only when an NVIDIA GPU is present (``numba.cuda.is_available()``). Each thread tests its
row against every guide of the batch with the same recursion as the reference kernel
(a popcount path when there are no bulges) and appends hits through an atomic counter; the
host sizes the output with a first counting launch. The kernels live in ``gpu_jit.py``.
The kernel logic is tested against the oracle on numba's CUDA simulator
(``NUMBA_ENABLE_CUDASIM=1``, ``tests/editing/offtarget/test_gpu_simulated.py``); it has not
been run on a device yet (no GPU was lent to the sessions that wrote it), so its compilation by
the CUDA toolchain and its speed are unmeasured.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from vivo.core.errors import EngineError
from vivo.editing.offtarget._kernels import GuideBatch, Limits, RawHits, empty_hits, guide_words
from vivo.editing.offtarget.index import SiteIndex

__all__ = ["available", "find_sites"]


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
def _compiled() -> dict[str, Any]:
    from numba import cuda

    from vivo.editing.offtarget._kernels.search import gpu_jit

    return {"scan": gpu_jit.scan, "cuda": cuda}


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
    gw = cuda.to_device(guide_words(guides))
    gl = cuda.to_device(guides.lengths.astype(np.int64))
    lim = (limits.mismatches, limits.dna_bulges, limits.rna_bulges)
    threads = 256
    blocks = max(1, (hi - lo + threads - 1) // threads)
    counter = cuda.to_device(np.zeros(1, dtype=np.int64))
    dummy = [
        cuda.to_device(np.zeros(1, dtype=t))
        for t in (np.int32, np.int64, np.int8, np.int8, np.int8)
    ]
    k["scan"][blocks, threads](g, gw, gl, *arrays, lo, *lim, counter, *dummy, False)
    total = int(counter.copy_to_host()[0])
    outs = [
        cuda.device_array(total, dtype=t) for t in (np.int32, np.int64, np.int8, np.int8, np.int8)
    ]
    counter = cuda.to_device(np.zeros(1, dtype=np.int64))
    if total:
        k["scan"][blocks, threads](g, gw, gl, *arrays, lo, *lim, counter, *outs, True)
    host = [o.copy_to_host() for o in outs]
    return RawHits(host[0], host[1], host[2], host[3], host[4])
