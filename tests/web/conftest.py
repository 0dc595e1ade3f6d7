"""Fixtures of the web tests: an app on a temporary data folder and genome store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

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


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _chromium() -> str | None:
    import shutil

    for name in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port (a thread of this process)."""
    import socket
    import threading
    import time

    import uvicorn

    from vivo.web.app import create_app
    from vivo.web.settings import ServeSettings

    settings = ServeSettings(
        data_dir=tmp_path_factory.mktemp("live-data"),
        workers=2,
        genomes_home=tmp_path_factory.mktemp("live-genomes"),
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    end = time.monotonic() + 120  # start-up imports the workflows (slow on a busy machine)
    while not server.started:
        assert time.monotonic() < end, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless system Chromium driven by Playwright (never a downloaded browser)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    exe = _chromium()
    if exe is None:
        pytest.skip("no system chromium (CI installs Debian's chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(120_000)
    yield pg
    context.close()


FINISHED = ("done", "failed", "cancelled")


def wait_job(client, job_id: str, timeout: float = 300) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """The job document of ``job_id`` once it has finished (polled every 0.2 s)."""
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        doc = client.get(f"/api/jobs/{job_id}").json()
        if doc["status"] in FINISHED:
            return doc  # type: ignore[no-any-return]
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")
