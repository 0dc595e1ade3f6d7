"""Fixtures of the web tests: an app on a temporary data folder and genome store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'vivo[web]'")
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx")

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def web_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-genomes")


@pytest.fixture(scope="session")
def web_settings(tmp_path_factory: pytest.TempPathFactory, web_home: Path):  # type: ignore[no-untyped-def]
    from vivo.web.settings import ServeSettings

    return ServeSettings(
        data_dir=tmp_path_factory.mktemp("web-data"),
        workers=2,
        genomes_home=web_home,
        max_jobs_per_client=6,
        max_upload_mb=1,
    )


@pytest.fixture(scope="session")
def client(web_settings) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from vivo.web.app import create_app

    with TestClient(create_app(web_settings), raise_server_exceptions=False) as c:
        c.get("/plan")  # the CSRF cookie
        yield c
