"""Page-cache handling of a memory-mapped index: release, residency, sequential prefetch.

A human-size index is ~19 GB of memory-mapped tables. A search reads scattered buckets of
some of them; when those pages are not in the page cache, every bucket is a random disk read
(at 3.1 Gb, 1,000 guides ≤ 4 mm took 108 s from a cold cache against 3.5 s warm). Reading the
tables the search needs front to back first turns that into one sequential read (≈1 GB/s on
the benchmark machine). :func:`prefetch_if_cold` does that only when a table is mostly absent
from the page cache (``mincore``) and the search is big enough to read a large part of it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import mmap
import sys
from functools import cache

import numpy as np

__all__ = [
    "prefetch",
    "prefetch_for_reads",
    "prefetch_if_cold",
    "release_pages",
    "resident_fraction",
]

_PAGE = mmap.PAGESIZE
_CHUNK = 1 << 28  # bytes touched per step of a prefetch
#: bytes one scattered read maps (the kernel's fault-around: 16 pages)
READ_BYTES = 1 << 16


def release_pages(*arrays: object) -> None:
    """Drop the pages of memory-mapped arrays from this process (they stay in the page cache
    and fault back in when read): keeps the resident size of a long search bounded."""
    for arr in arrays:
        m = getattr(arr, "_mmap", None)
        if m is not None and hasattr(mmap, "MADV_DONTNEED"):
            m.madvise(mmap.MADV_DONTNEED)


@cache
def _mincore() -> object | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:  # pragma: no cover - no libc
        return None
    fn = libc.mincore
    fn.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_ubyte)]
    fn.restype = ctypes.c_int
    return fn


def resident_fraction(arr: object) -> float | None:
    """Fraction of the pages of a memory-mapped array that are in the page cache (``mincore``),
    or ``None`` when that cannot be told (not memory-mapped, not Linux)."""
    fn = _mincore()
    if fn is None or getattr(arr, "_mmap", None) is None or not isinstance(arr, np.ndarray):
        return None
    if arr.nbytes == 0:
        return 1.0
    start = arr.ctypes.data
    base = start - start % _PAGE
    length = start + arr.nbytes - base
    vec = (ctypes.c_ubyte * ((length + _PAGE - 1) // _PAGE))()
    if fn(ctypes.c_void_p(base), ctypes.c_size_t(length), vec) != 0:  # type: ignore[operator]
        return None
    return float((np.frombuffer(memoryview(vec).cast("B"), dtype=np.uint8) & 1).mean())


def prefetch(*arrays: object) -> None:
    """Read memory-mapped arrays front to back (one byte per page), so that later scattered
    reads find them in the page cache; the pages are then released from this process."""
    for arr in arrays:
        m = getattr(arr, "_mmap", None)
        if m is None or not isinstance(arr, np.ndarray) or arr.nbytes == 0:
            continue
        if hasattr(mmap, "MADV_SEQUENTIAL"):
            m.madvise(mmap.MADV_SEQUENTIAL)
        raw = arr.reshape(-1).view(np.uint8)
        for a in range(0, len(raw), _CHUNK):
            int(raw[a : a + _CHUNK : _PAGE].sum())  # touch one byte per page
            release_pages(arr)
        if hasattr(mmap, "MADV_NORMAL"):
            m.madvise(mmap.MADV_NORMAL)


def prefetch_if_cold(*arrays: object, threshold: float = 0.5) -> list[float]:
    """:func:`prefetch` every array less than ``threshold`` resident; returns the fractions
    found (1.0 where unknown: nothing is read then)."""
    found = []
    for arr in arrays:
        frac = resident_fraction(arr)
        found.append(1.0 if frac is None else frac)
        if frac is not None and frac < threshold:
            prefetch(arr)
    return found


def prefetch_for_reads(n_reads: int, *arrays: object, share: float = 1.0) -> None:
    """Before ``n_reads`` scattered reads of each array: :func:`prefetch_if_cold` the arrays
    whose pages those reads would map (``n_reads`` × 64 KB) cover at least ``share`` of."""
    for arr in arrays:
        size = int(getattr(arr, "nbytes", 0))
        if size and n_reads * READ_BYTES >= share * size:
            prefetch_if_cold(arr)
