# mypy: disable-error-code="no-untyped-call,attr-defined,no-untyped-def,unused-ignore,no-any-return"
"""The GPU backend: numba.cuda, candidate-driven (the pigeonhole keys of the CPU backend, run
on the device), with the index arrays resident on the device.

* Mismatch-only searches of 20-26 nt spacers: every (guide, substitution pattern, half) is one
  warp's work item; its proximal or distal key is made on the device from a constant table of
  10-base substitution patterns (``mm_keys`` in ``gpu_jit.py``).
* Searches with bulges of spacers of 17 nt or more: the bulge-class key sets of the CPU kernel
  (enumerated on the host by the same numba function, ``bulge_jit.bulge_keys``) become warp
  work items; each candidate row passes the shift bound before the exact recursion.
* The irregular bucket (windows with N or off the contig), and indexes without pigeonhole
  tables, are scanned row by row (``scan_rows``).

The index arrays are copied to the device once per process and stay there across batches and
calls (:func:`resident`; at most two indexes, least recently used dropped first), and the
columns of hit rows are read there (:func:`gather_rows`, the device-side decode), not from a
memory-mapped file. Whether the toolchain works is *probed* (:func:`probe` compiles and runs
the one-source device functions on the device and checks their answers), not assumed.

The kernel logic is tested against the oracle on numba's CUDA simulator
(``NUMBA_ENABLE_CUDASIM=1``, ``tests/editing/offtarget/test_gpu_simulated.py``). Its speed on a
device is measured by ``benchmarks/device_offtarget_check.py``; until it is, ``auto`` does not
pick it (``backends.GPU_SPEEDUP``).
"""

from __future__ import annotations

from collections import OrderedDict
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from vivo.core.errors import EngineError
from vivo.editing.offtarget._kernels import (
    GuideBatch,
    Limits,
    RawHits,
    concat_hits,
    empty_hits,
    guide_words,
)
from vivo.editing.offtarget._kernels.search.pigeon_np import substitution_patterns
from vivo.editing.offtarget.index import SiteIndex

__all__ = ["available", "find_sites", "gather_rows", "probe", "release", "resident"]

PIGEON_LENGTHS = (20, 26)
_GUIDES_PER_LAUNCH = 1024
_BULGE_GUIDES_PER_LAUNCH = 64
_MAX_RESIDENT = 2
#: hit-buffer rows per launch: at least ``_MIN_CAP``, else this many per guide (a launch whose
#: hits overflow runs again with room for all of them)
_MIN_CAP = 1 << 14
_CAP_PER_GUIDE = {"mismatch": 512, "bulge": 4096, "scan": 0}
#: expected hits per guide and index row (about 4e-7 at <= 4 mm and 1e-4 at <= 4 mm + 1 DNA +
#: 1 RNA bulge on the 3.1 Gb benchmark genome), doubled: room for a guide's hits up front, so
#: that a launch rarely runs twice
_HITS_PER_ROW = {"mismatch": 1e-6, "bulge": 2e-4, "scan": 0.0}


def _cap(kind: str, guides: int, rows: int) -> int:
    per_guide = max(_CAP_PER_GUIDE[kind], int(rows * _HITS_PER_ROW[kind]))
    return max(_MIN_CAP, per_guide * guides)


_RESIDENT: OrderedDict[int, tuple[SiteIndex, dict[str, Any]]] = OrderedDict()


def _why(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300]


def probe(*, fresh: bool = False) -> tuple[bool, str]:
    """``(usable, detail)``: whether numba.cuda sees a device *and* compiles and runs a probe
    kernel that calls the one-source device functions, with the right answers; ``detail`` is
    the device name or the reason it is unusable (shown by ``vivo doctor``). The answer is
    kept for the process unless ``fresh``."""
    if fresh:
        _probe.cache_clear()
    return _probe()


@cache
def _probe() -> tuple[bool, str]:
    try:
        from numba import cuda
    except Exception as exc:  # any import failure means "not usable here"
        return False, f"numba.cuda cannot be imported: {_why(exc)}"
    try:
        if not cuda.is_available():
            reason = cuda.cuda_error() if hasattr(cuda, "cuda_error") else None
            text = _why(reason) if isinstance(reason, BaseException) else (reason or "")
            return False, " ".join(str(text).split()) or "no CUDA device found"
        detail = "numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1: correct, not fast)"
        if hasattr(cuda, "get_current_device"):  # the simulator has no device to name
            device = cuda.get_current_device()
            name = device.name
            detail = name.decode() if isinstance(name, bytes) else str(name)
            cc = getattr(device, "compute_capability", None)
            if cc:
                detail += f" (compute capability {'.'.join(map(str, cc))})"
        _run_probe()
    except Exception as exc:  # a toolchain that cannot compile or run a kernel
        return False, f"the probe kernel failed: {_why(exc)}"
    return True, detail


def _run_probe() -> None:
    """Compile and run the probe kernel; raise if its answers differ from plain Python."""
    from vivo.editing.offtarget._kernels import recursion

    k = _compiled()
    rng = np.random.default_rng(0)
    g = rng.integers(0, 4, size=(4, 32)).astype(np.int64)
    words = guide_words(GuideBatch(g.astype(np.uint8), np.full(4, 20, dtype=np.int64)))
    win = words ^ rng.integers(0, 2**40, size=4, dtype=np.uint64)
    cuda = k["cuda"]
    d_got = cuda.to_device(np.zeros((4, 2), dtype=np.int64))
    k["jit"].probe[1, 4](cuda.to_device(g), cuda.to_device(words), cuda.to_device(win), d_got)
    got = d_got.copy_to_host()
    f = np.empty((21, 2, 2, 4), dtype=np.int16)
    out = np.empty((2, 2), dtype=np.int16)
    for t in range(4):
        want_mm = recursion.hamming(words[t], 20, win[t], 0)
        recursion.costs(g[t], 20, win[t], 0, 32, 1, 1, f, out)
        if (int(got[t, 0]), int(got[t, 1])) != (want_mm, int(out[1, 1])):
            raise EngineError(f"the probe kernel gave {got[t].tolist()}, expected "
                              f"{[want_mm, int(out[1, 1])]}")  # fmt: skip


def available() -> bool:
    """True when the probe kernel compiled and ran right on a CUDA device."""
    return probe()[0]


@cache
def _compiled() -> dict[str, Any]:
    from numba import cuda

    from vivo.editing.offtarget._kernels.search import gpu_jit

    return {"cuda": cuda, "jit": gpu_jit}


_COLUMNS = ("bucket_start", "pw", "dbucket_start", "dw", "drow", "win", "nmask", "meta", "pos")


def resident(index: SiteIndex) -> dict[str, Any]:
    """The index's arrays on the device, copied there once per process (the most recently
    used indexes stay; :func:`release` drops them)."""
    key = id(index.win)
    hit = _RESIDENT.get(key)
    if hit is not None and hit[0] is index:
        _RESIDENT.move_to_end(key)
        return hit[1]
    cuda = _compiled()["cuda"]
    arrays = {}
    for name in _COLUMNS:
        arr = getattr(index, name)
        if arr is not None:
            arrays[name] = cuda.to_device(np.ascontiguousarray(arr))
    _RESIDENT[key] = (index, arrays)
    while len(_RESIDENT) > _MAX_RESIDENT:
        _RESIDENT.popitem(last=False)
    return arrays


def release() -> None:
    """Drop every index kept on the device."""
    _RESIDENT.clear()


def find_sites(
    index: SiteIndex,
    guides: GuideBatch,
    limits: Limits,
    *,
    row_range: tuple[int, int] | None = None,
) -> RawHits:
    """Every (guide, site row, site length) within ``limits``, candidate-driven on the GPU."""
    if len(guides) == 0 or index.n_sites == 0:
        return empty_hits()
    lo, hi = row_range if row_range is not None else (0, index.n_sites)
    try:
        return _find(index, guides, limits, lo, hi)
    except EngineError:
        raise
    except Exception as exc:  # pragma: no cover - a device or driver failure
        raise EngineError(f"the GPU off-target kernel failed: {_why(exc)}") from exc


def _select(guides: GuideBatch, sel: npt.NDArray[np.int64]) -> GuideBatch:
    return GuideBatch(guides.codes[sel], guides.lengths[sel])


def _find(index: SiteIndex, guides: GuideBatch, limits: Limits, lo: int, hi: int) -> RawHits:
    dev = resident(index)
    bulged = limits.dna_bulges > 0 or limits.rna_bulges > 0
    if not index.has_distal:
        fast = np.zeros(len(guides), dtype=bool)
    elif bulged:
        fast = guides.lengths >= 17
    else:
        fast = (guides.lengths >= PIGEON_LENGTHS[0]) & (guides.lengths <= PIGEON_LENGTHS[1])
    parts = []
    for use_keys in (True, False):
        sel = np.flatnonzero(fast == use_keys)
        if not len(sel):
            continue
        batch = _select(guides, sel)
        if use_keys:
            regular = int(index.bucket_start[4**index.key_bases])
            keyed = _bulge_keys(index, dev, batch, limits, lo, hi) if bulged else _mm_keys(
                index, dev, batch, limits, lo, hi)  # fmt: skip
            rest = _scan(dev, batch, limits, max(regular, lo), hi)
            hits = concat_hits([keyed, rest])
        else:
            hits = _scan(dev, batch, limits, lo, hi)
        parts.append(RawHits(sel[hits.guide].astype(np.int32), hits.row, hits.mismatches,
                             hits.dna, hits.rna))  # fmt: skip
    return concat_hits(parts)


def _launch(kernel: Any, items: int, args: tuple[Any, ...], *, warp: bool, cap: int,
            ndelta: int | None) -> list[npt.NDArray[Any]]:  # fmt: skip
    """Run ``kernel`` over ``items`` warp (or thread) items with hit buffers of ``cap`` rows,
    once more with room for all when they overflow; the hits copied back."""
    k = _compiled()
    cuda, jit = k["cuda"], k["jit"]
    per_block = jit.THREADS // jit.LANES if warp else jit.THREADS
    blocks = max(1, -(-items // per_block))
    while True:
        counter = cuda.to_device(np.zeros(1, dtype=np.int64))
        og = cuda.device_array(cap, dtype=np.int32)
        orow = cuda.device_array(cap, dtype=np.int64)
        third = (cuda.device_array(cap, dtype=np.int8) if ndelta is None
                 else cuda.device_array((cap, ndelta), dtype=np.int8))  # fmt: skip
        kernel[blocks, jit.THREADS](*args, counter, og, orow, third)
        total = int(counter.copy_to_host()[0])
        if total <= cap:
            return [og.copy_to_host()[:total], orow.copy_to_host()[:total],
                    third.copy_to_host()[:total]]  # fmt: skip
        cap = total


def _expand(og: npt.NDArray[np.int32], orow: npt.NDArray[np.int64], picks: npt.NDArray[np.int8],
            nr: int) -> RawHits:  # fmt: skip
    """One hit per (row, site length) from picks (16 * DNA bulges + mismatches per delta = DNA -
    RNA bulges, -1 when that length has no qualifying alignment)."""
    at, col = np.nonzero(picks >= 0)
    p = picks[at, col].astype(np.int64)
    d = p >> 4
    rna = d - (col.astype(np.int64) - nr)
    return RawHits(og[at].astype(np.int32), orow[at].astype(np.int64), (p & 15).astype(np.int8),
                   d.astype(np.int8), rna.astype(np.int8))  # fmt: skip


def _mm_keys(index: SiteIndex, dev: dict[str, Any], guides: GuideBatch, limits: Limits, lo: int,
             hi: int) -> RawHits:  # fmt: skip
    k = _compiled()
    cuda = k["cuda"]
    pats, pmm = substitution_patterns(limits.mismatches // 2)
    d_pats, d_pmm = cuda.to_device(pats), cuda.to_device(pmm.astype(np.int64))
    words = guide_words(guides)
    parts = []
    for b0 in range(0, len(guides), _GUIDES_PER_LAUNCH):
        b1 = min(len(guides), b0 + _GUIDES_PER_LAUNCH)
        gw = cuda.to_device(words[b0:b1])
        gl = cuda.to_device(guides.lengths[b0:b1].astype(np.int64))
        args = (gw, gl, limits.mismatches, len(pats), d_pats, d_pmm, dev["bucket_start"],
                dev["pw"], dev["dbucket_start"], dev["dw"], dev["drow"], lo, hi)  # fmt: skip
        items = (b1 - b0) * len(pats) * 2
        cap = _cap("mismatch", b1 - b0, hi - lo)
        og, orow, omm = _launch(k["jit"].mm_keys, items, args, warp=True, cap=cap, ndelta=None)
        z = np.zeros(len(og), dtype=np.int8)
        parts.append(RawHits((og + b0).astype(np.int32), orow, omm.astype(np.int8), z, z))
    return concat_hits(parts)


def _win_order(keys: npt.NDArray[np.int64], nbases: int) -> npt.NDArray[np.int64]:
    out = np.zeros(len(keys), dtype=np.int64)
    for i in range(nbases):
        out |= ((keys >> (2 * (nbases - 1 - i))) & 3) << (2 * i)
    return out


def _bulge_keys(index: SiteIndex, dev: dict[str, Any], guides: GuideBatch, limits: Limits,
                lo: int, hi: int) -> RawHits:  # fmt: skip
    from vivo.editing.offtarget._kernels.search import bulge_jit

    k = _compiled()
    cuda = k["cuda"]
    nd, nr, mm = limits.dna_bulges, limits.rna_bulges, limits.mismatches
    gcodes = guides.codes.astype(np.int64)
    words = guide_words(guides)
    bs, dbs = np.asarray(index.bucket_start), np.asarray(index.dbucket_start)
    parts = []
    for b0 in range(0, len(guides), _BULGE_GUIDES_PER_LAUNCH):
        b1 = min(len(guides), b0 + _BULGE_GUIDES_PER_LAUNCH)
        ig, ik, kind, seen, seen_off = [], [], [], [], [0]
        for gi in range(b0, b1):
            n = int(guides.lengths[gi])
            pk, dk = bulge_jit.bulge_keys(gcodes[gi], n, mm, nd, nr)
            seen.append(np.sort(_win_order(pk, 10)))
            seen_off.append(seen_off[-1] + len(pk))
            # no work item for an empty bucket
            pk = pk[np.minimum(bs[pk + 1], hi) > np.maximum(bs[pk], lo)]
            dk = _win_order(dk, 10)
            dk = dk[dbs[dk + 1] > dbs[dk]]
            ig.append(np.full(len(pk) + len(dk), gi - b0, dtype=np.int32))
            ik += [pk, dk]
            kind += [np.zeros(len(pk), dtype=np.int8), np.ones(len(dk), dtype=np.int8)]
        item_guide, item_key = np.concatenate(ig), np.concatenate(ik).astype(np.int64)
        if not len(item_guide):
            continue
        args = (cuda.to_device(gcodes[b0:b1]), cuda.to_device(words[b0:b1]),
                cuda.to_device(guides.lengths[b0:b1].astype(np.int64)), mm, nd, nr,
                cuda.to_device(item_guide), cuda.to_device(item_key),
                cuda.to_device(np.concatenate(kind)), cuda.to_device(np.concatenate(seen)),
                cuda.to_device(np.array(seen_off, dtype=np.int64)), dev["bucket_start"],
                dev["dbucket_start"], dev["dw"], dev["drow"], dev["win"], dev["nmask"],
                dev["meta"], lo, hi)  # fmt: skip
        cap = _cap("bulge", b1 - b0, hi - lo)
        og, orow, picks = _launch(k["jit"].bulge_keys, len(item_guide), args, warp=True,
                                  cap=cap, ndelta=nd + nr + 1)  # fmt: skip
        hits = _expand(og, orow, picks, nr)
        parts.append(RawHits((hits.guide + b0).astype(np.int32), hits.row, hits.mismatches,
                             hits.dna, hits.rna))  # fmt: skip
    return concat_hits(parts)


def _scan(dev: dict[str, Any], guides: GuideBatch, limits: Limits, lo: int, hi: int) -> RawHits:
    """Every (row, guide) of rows ``[lo, hi)`` (one thread each)."""
    if hi <= lo:
        return empty_hits()
    k = _compiled()
    cuda = k["cuda"]
    nd, nr = limits.dna_bulges, limits.rna_bulges
    ndelta = nd + nr + 1
    gcodes = guides.codes.astype(np.int64)
    words = guide_words(guides)
    step = max(1, (1 << 30) // (hi - lo))
    parts = []
    for b0 in range(0, len(guides), step):
        b1 = min(len(guides), b0 + step)
        args = (cuda.to_device(gcodes[b0:b1]), cuda.to_device(words[b0:b1]),
                cuda.to_device(guides.lengths[b0:b1].astype(np.int64)), limits.mismatches, nd,
                nr, dev["win"], dev["nmask"], dev["meta"], lo, hi)  # fmt: skip
        cap = _cap("scan", b1 - b0, hi - lo)
        og, orow, picks = _launch(k["jit"].scan_rows, (hi - lo) * (b1 - b0), args, warp=False,
                                  cap=cap, ndelta=ndelta)  # fmt: skip
        hits = _expand(og, orow, picks, nr)
        parts.append(RawHits((hits.guide + b0).astype(np.int32), hits.row, hits.mismatches,
                             hits.dna, hits.rna))  # fmt: skip
    return concat_hits(parts)


def gather_rows(index: SiteIndex, rows: npt.NDArray[np.int64]) -> SiteIndex | None:
    """Like :func:`vivo.editing.offtarget.index.gather_rows`, read from the copy of the index
    on the device (``None`` when the index is not resident there): the hit rows of a
    memory-mapped index are read without scattered reads of the files."""
    hit = _RESIDENT.get(id(index.win))
    if hit is None or hit[0] is not index or not len(rows):
        return None
    k = _compiled()
    cuda, dev = k["cuda"], hit[1]
    d_rows = cuda.to_device(np.ascontiguousarray(rows, dtype=np.int64))
    outs = [cuda.device_array(len(rows), dtype=getattr(index, name).dtype)
            for name in ("win", "nmask", "pos", "meta")]  # fmt: skip
    threads = k["jit"].THREADS
    k["jit"].gather[max(1, -(-len(rows) // threads)), threads](
        d_rows, dev["win"], dev["nmask"], dev["pos"], dev["meta"], *outs
    )
    win, nmask, pos, meta = (o.copy_to_host() for o in outs)
    return SiteIndex(genome=index.genome, pams=index.pams, key_bases=index.key_bases,
                     bucket_start=index.bucket_start, win=win, nmask=nmask, pos=pos,
                     meta=meta)  # fmt: skip
