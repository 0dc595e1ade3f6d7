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


def test_cli_progress_shows_notice_and_is_quiet_when_piped(tmp_path: Path) -> None:
    import io
    import re

    from rich.console import Console

    from vivo.cli._progress import progress_reporter

    cold = _fake(tmp_path / "kernel.nbi", [])
    buf = io.StringIO()
    term = Console(file=buf, force_terminal=True, width=400)
    with progress_reporter(console=term) as report:
        assert report is not None
        report("packing chr1", 500, 1000, "bp")
        with k.compiling("bulged search kernel", cold):
            pass
        report("indexing 3prime-NGG", 10, 10, "sites")
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buf.getvalue())
    assert "compiling the bulged search kernel for this machine (first run only" in shown
    piped = Console(file=io.StringIO(), force_terminal=False)
    with progress_reporter(console=piped) as report:
        assert report is None
    with progress_reporter(console=term, quiet=True) as report:
        assert report is None
    from vivo.cli._progress import compile_notice

    buf.truncate(0)
    with compile_notice(console=term), k.compiling("index builder kernels", cold):
        pass
    assert "compiling the index builder kernels" in re.sub(
        r"\x1b\[[0-9;?]*[A-Za-z]", "", buf.getvalue()
    )
