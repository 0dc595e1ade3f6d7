"""The off-target kernels and the types they share.

* ``search/``: one module per backend, all with the same ``find_sites`` signature:
  ``reference`` (pure numpy, brute force over every site row: the oracle), ``cpu`` (numba,
  pigeonhole key tables, parallel over guides; ``pigeon_np`` for short searches) and ``gpu``
  (numba.cuda, the same keys driven on the device). Each returns :class:`RawHits` for the
  *same* problem; the public API sorts and decodes them, so backends compare row for row.
* ``recursion.py``: the alignment recursion and mismatch count, written once as plain Python;
  ``targets.py`` compiles it for numba's CPU and CUDA targets.
* ``builder/``: the numba index-build kernels; ``align/``: the reporting rule over many sites.

Which backend runs is decided in :mod:`vivo.editing.offtarget.backends` only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "CompileListener",
    "GuideBatch",
    "Limits",
    "RawHits",
    "compile_listener",
    "compiling",
    "concat_hits",
    "empty_hits",
    "guide_words",
    "needs_compiling",
    "readonly",
]

#: ``listener(what, starting)``: called with ``True`` before a one-time kernel compilation
#: and ``False`` after it (the interface layers show a notice and a spinner)
CompileListener = Callable[[str, bool], None]
_LISTENERS: list[CompileListener] = []


@contextlib.contextmanager
def compile_listener(listener: CompileListener) -> Iterator[None]:
    """Call ``listener`` around kernel compilations while the block runs."""
    _LISTENERS.append(listener)
    try:
        yield
    finally:
        _LISTENERS.remove(listener)


def needs_compiling(*dispatchers: Any) -> bool:
    """Whether calling any of these numba dispatchers will compile it: not yet compiled in
    this process and no entry in numba's on-disk cache (``NUMBA_CACHE_DIR`` or
    ``__pycache__``)."""
    for d in dispatchers:
        if getattr(d, "signatures", None):
            continue
        try:
            index = Path(d._cache._cache_file._index_path)
        except AttributeError:  # not a caching dispatcher: nothing to tell
            continue
        if not index.is_file():
            return True
    return False


def readonly(*arrays: Any) -> tuple[Any, ...]:
    """``arrays`` as read-only views (other values unchanged).

    numba compiles one specialisation of a kernel per argument type, and an array's
    writeable flag is part of its type. Index arrays memory-mapped from disk are read-only,
    arrays built in memory are not; passing every index array read-only means each kernel is
    compiled once (about 50 s for the bulged kernel on 2 cores) whichever kind of index a
    process searches first, instead of once per kind.
    """
    out = []
    for a in arrays:
        if isinstance(a, np.ndarray) and a.flags.writeable:
            a = a.view()
            a.flags.writeable = False
        out.append(a)
    return tuple(out)


@contextlib.contextmanager
def compiling(what: str, *dispatchers: Any) -> Iterator[None]:
    """Tell the listeners that ``what`` is being compiled, when calling ``dispatchers`` in
    the block will compile them (a one-time cost per machine)."""
    if not _LISTENERS or not needs_compiling(*dispatchers):
        yield
        return
    for listener in list(_LISTENERS):
        listener(what, True)
    try:
        yield
    finally:
        for listener in list(_LISTENERS):
            listener(what, False)


@dataclass(frozen=True, slots=True)
class Limits:
    """Search limits: mismatches, DNA bulges and RNA bulges (each inclusive)."""

    mismatches: int
    dna_bulges: int
    rna_bulges: int


@dataclass(frozen=True, slots=True)
class GuideBatch:
    """Guides as PAM-outward codes, padded with 4 to 32 columns, and their lengths."""

    codes: npt.NDArray[np.uint8]
    lengths: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.lengths)


@dataclass(frozen=True, slots=True)
class RawHits:
    """Unsorted hits: guide number, site row, and the reported alignment's counts."""

    guide: npt.NDArray[np.int32]
    row: npt.NDArray[np.int64]
    mismatches: npt.NDArray[np.int8]
    dna: npt.NDArray[np.int8]
    rna: npt.NDArray[np.int8]

    def __len__(self) -> int:
        return len(self.guide)


def empty_hits() -> RawHits:
    """A :class:`RawHits` with no rows."""
    z = np.zeros(0, dtype=np.int8)
    return RawHits(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64), z, z, z)


def concat_hits(parts: list[RawHits]) -> RawHits:
    """Concatenate hit tables."""
    if not parts:
        return empty_hits()
    return RawHits(
        np.concatenate([p.guide for p in parts]),
        np.concatenate([p.row for p in parts]),
        np.concatenate([p.mismatches for p in parts]),
        np.concatenate([p.dna for p in parts]),
        np.concatenate([p.rna for p in parts]),
    )


def guide_words(guides: GuideBatch) -> npt.NDArray[np.uint64]:
    """Each guide packed like a site window (base i at bits 2i; bases past its end 0)."""
    shifts = np.arange(guides.codes.shape[1], dtype=np.uint64) * np.uint64(2)
    codes = guides.codes.astype(np.uint64) & np.uint64(3)
    codes[np.arange(guides.codes.shape[1])[None, :] >= guides.lengths[:, None]] = 0
    words: npt.NDArray[np.uint64] = (codes << shifts).sum(axis=1, dtype=np.uint64)
    return words
