"""`vivo serve`: the install hint without the web extra, and the default bind address."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


def test_serve_without_the_web_extra_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import vivo.cli.serve as serve
    from vivo.cli.main import main

    monkeypatch.setattr(serve, "_missing_web_extra", lambda: ["fastapi"])
    with pytest.raises(SystemExit) as exit_info:
        main(["serve"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err == "vivo: error: vivo serve needs the web extra: pip install 'vivo[web]'"


def test_serve_binds_loopback_by_default_and_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("fastapi", reason="the web extra is not installed")
    uvicorn = pytest.importorskip("uvicorn")
    from vivo.cli.main import main

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw, app=app))
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--data-dir", str(tmp_path), "--workers", "1"])
    assert exit_info.value.code == 0
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8000
    assert seen["app"].state.settings.workers == 1
    assert "this machine only" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert "REACHABLE FROM THE NETWORK" in err and "no login" in err


def test_serve_rejects_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    from vivo.cli.main import main

    for args in (["--port", "0"], ["--workers", "0"], ["--max-upload-mb", "-1"]):
        with pytest.raises(SystemExit) as exit_info:
            main(["serve", *args])
        assert exit_info.value.code == 2
        assert capsys.readouterr().err.startswith("vivo: error:")
