"""Page-cache helpers of memory-mapped indexes: residency, prefetch, release."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from vivo.editing.offtarget import pagecache

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mincore is Linux-only")


def _mapped(tmp_path: Path, n: int = 1 << 20) -> np.ndarray:  # type: ignore[type-arg]
    np.save(tmp_path / "a.npy", np.arange(n, dtype=np.int64))
    return np.load(tmp_path / "a.npy", mmap_mode="r")


def test_unmapped_arrays_have_no_residency() -> None:
    assert pagecache.resident_fraction(np.zeros(10)) is None
    assert pagecache.prefetch_if_cold(np.zeros(10)) == [1.0]  # nothing to read, no error
    pagecache.prefetch(np.zeros(10))
    pagecache.release_pages(np.zeros(10))


@linux
def test_residency_prefetch_and_release(tmp_path: Path) -> None:
    arr = _mapped(tmp_path)
    frac = pagecache.resident_fraction(arr)
    assert frac is not None and 0.0 <= frac <= 1.0
    pagecache.prefetch(arr)  # the file was just written: in the page cache either way
    after = pagecache.resident_fraction(arr)
    assert after is not None and after > 0.9
    assert int(arr[12345]) == 12345  # still readable after its pages were released
    pagecache.release_pages(arr)
    assert int(arr[-1]) == (1 << 20) - 1


@linux
def test_prefetch_for_reads_reads_only_when_worth_it(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    arr = _mapped(tmp_path)  # 8 MB = 128 scattered reads of 64 KB
    seen: list[object] = []
    monkeypatch.setattr(pagecache, "prefetch_if_cold", lambda *a, **k: seen.extend(a))
    pagecache.prefetch_for_reads(10, arr)
    assert seen == []
    pagecache.prefetch_for_reads(200, arr)
    assert seen == [arr]
