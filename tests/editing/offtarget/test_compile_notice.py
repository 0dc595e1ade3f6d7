"""The one-time kernel compilation is announced to listeners (the CLI shows a notice and a
spinner) only when it will really compile: not compiled in-process and not in numba's cache."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from vivo.editing.offtarget import _kernels as k


def _fake(index: Path, signatures: list[str]) -> SimpleNamespace:
    return SimpleNamespace(
        signatures=signatures,
        _cache=SimpleNamespace(_cache_file=SimpleNamespace(_index_path=str(index))),
    )


def test_compiling_notifies_only_when_needed(tmp_path: Path) -> None:
    cold = _fake(tmp_path / "kernel.nbi", [])
    cached_file = tmp_path / "cached.nbi"
    cached_file.write_bytes(b"")
    warm = _fake(cached_file, [])
    loaded = _fake(tmp_path / "none.nbi", ["(int64,)"])
    assert k.needs_compiling(cold) and not k.needs_compiling(warm, loaded)
    events: list[tuple[str, bool]] = []
    with k.compile_listener(lambda what, starting: events.append((what, starting))):
        with k.compiling("search kernel", warm, loaded):
            pass
        assert events == []
        with k.compiling("search kernel", cold):
            assert events == [("search kernel", True)]
    assert events == [("search kernel", True), ("search kernel", False)]
    with k.compiling("search kernel", cold):  # no listener: nothing to tell
        pass
    assert len(events) == 2
