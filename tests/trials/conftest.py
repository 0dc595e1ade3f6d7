"""A local ClinicalTrials.gov API v2 stand-in: a threading HTTP server on 127.0.0.1.

It serves the pages of tests/data/trials by ``pageToken`` and can be told to answer the next
requests with an HTTP error, a delay or a broken body. It records every query it receives.
The real service is never contacted by these tests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "trials"
PAGES = {None: "page1.json", "tok-2": "page2.json", "tok-3": "page3.json"}


@dataclass
class Scripted:
    """One scripted answer: status, body (bytes), delay in seconds, extra headers."""

    status: int = 200
    body: bytes | None = None
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class FakeTrials:
    """State of the fake service (what to answer next, what was asked)."""

    def __init__(self) -> None:
        self.script: list[Scripted] = []
        self.requests: list[dict[str, list[str]]] = []
        self.paths: list[str] = []
        self.url = ""
        self.lock = threading.Lock()

    def then(self, *answers: Scripted) -> FakeTrials:
        self.script.extend(answers)
        return self

    def next_answer(self, query: dict[str, list[str]]) -> Scripted:
        with self.lock:
            self.requests.append(query)
            if self.script:
                return self.script.pop(0)
        token = query.get("pageToken", [None])[0]
        name = PAGES.get(token)
        if name is None:
            return Scripted(400, b'{"message": "unknown page token"}')
        return Scripted(200, (DATA / name).read_bytes())


def _handler(state: FakeTrials) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            state.paths.append(parts.path)
            query = parse_qs(parts.query)
            if parts.path != "/api/v2/studies":
                answer = Scripted(404, b"not found")
            else:
                answer = state.next_answer(query)
            if answer.delay_s:
                time.sleep(answer.delay_s)
            body = answer.body if answer.body is not None else b""
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                for k, v in answer.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
                pass

    return Handler


@pytest.fixture()
def fake_trials() -> Iterator[FakeTrials]:
    """A running fake service; ``fake_trials.url`` is its API v2 base URL."""
    state = FakeTrials()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/api/v2"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets an empty vivo cache, no inherited VIVO_TRIALS_URL, and no proxy."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("VIVO_CACHE_DIR", str(cache))
    monkeypatch.delenv("VIVO_TRIALS_URL", raising=False)
    for name in ("NO_PROXY", "no_proxy"):  # the fake service is local: never through a proxy
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    return cache


@pytest.fixture()
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short backoff and no politeness pause, so retry tests take milliseconds."""
    import vivo.io.clinicaltrials as ct

    original = ct.ClientSettings

    def settings(**kw: Any) -> Any:
        kw.setdefault("backoff_s", 0.01)
        kw.setdefault("min_interval_s", 0.0)
        return original(**kw)

    monkeypatch.setattr("vivo.workflows.trials.ClientSettings", settings)
