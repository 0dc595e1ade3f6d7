"""The ClinicalTrials.gov API v2 client: paging, polite rate limiting, retries, timeouts, cache.

``GET {base}/studies`` with the parameters of :meth:`vivo.knowledge.trials.TrialQuery.to_params`
plus ``pageSize`` and, after the first page, ``pageToken`` (the ``nextPageToken`` of the page
before); the first page asks ``countTotal=true`` so the response carries ``totalCount``.

- **Base URL**: ``--api-url``, else ``$VIVO_TRIALS_URL``, else :data:`DEFAULT_API_URL`
  (tests and mirrors point it elsewhere).
- **Politeness**: at least :attr:`ClientSettings.min_interval_s` seconds between requests to one
  base URL (default 1.2 s: the service asks for about 50 requests a minute per address).
- **Retries**: HTTP 429 and 5xx answers, timeouts and refused connections are retried
  :attr:`~ClientSettings.retries` times with exponential backoff
  (``backoff_s * 2**attempt``; a ``Retry-After`` header in seconds is obeyed, capped at 60 s).
  Other HTTP errors (400 for a bad query, 404) are not retried.
- **Errors**: an unreachable service, a timeout or an HTTP error after the retries is an
  :class:`~vivo.core.errors.EngineError` naming the URL and the reason; a body that is not the
  API v2 JSON shape is a :class:`~vivo.core.errors.FormatError`.
- **Cache**: a complete answer (every page) is written to ``<cache>/trials/<key>.json`` with
  its retrieval date (UTC) in one atomic rename (:mod:`vivo.io.atomic`), so the cache never
  holds a half-written answer. The key is a SHA-256 of the base URL and the query parameters.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vivo import __version__
from vivo.core.errors import DataError, EngineError, FormatError, InputError
from vivo.io.atomic import write_text_atomic
from vivo.io.places import cache_dir
from vivo.knowledge.trials import TrialQuery

__all__ = [
    "CACHE_FORMAT",
    "DEFAULT_API_URL",
    "ENV_URL",
    "CachedAnswer",
    "ClientSettings",
    "api_url",
    "cache_file",
    "fetch_studies",
    "read_cache",
    "write_cache",
]

DEFAULT_API_URL = "https://clinicaltrials.gov/api/v2"
ENV_URL = "VIVO_TRIALS_URL"
CACHE_FORMAT = "vivo.trials-cache/1"
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_MAX_RETRY_AFTER_S = 60.0
_MAX_PAGES = 100


def api_url(override: str | None = None) -> str:
    """The base URL in use: ``override``, else ``$VIVO_TRIALS_URL``, else the public service.

    Only ``http``/``https`` URLs with a host are accepted (an InputError otherwise).
    """
    url = (override or os.environ.get(ENV_URL) or DEFAULT_API_URL).strip().rstrip("/")
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 1) > 0
    except ValueError:  # e.g. an unclosed IPv6 bracket or a port that is not a number
        ok = False
    if not ok or any(c.isspace() or not c.isprintable() for c in url):
        raise InputError(
            f"not an http(s) URL: {url[:80]!r}",
            hint=f"e.g. {DEFAULT_API_URL} (set with --api-url or ${ENV_URL})",
        )
    return url


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """How the client talks to the service (defaults are polite to the public service)."""

    base_url: str = DEFAULT_API_URL
    timeout_s: float = 30.0
    retries: int = 3
    backoff_s: float = 1.0
    min_interval_s: float = 1.2
    page_size: int = 100
    max_studies: int = 500

    def __post_init__(self) -> None:
        if not 0 < self.timeout_s <= 600:
            raise InputError(f"timeout must be from 0 to 600 s, got {self.timeout_s}")
        if not 0 <= self.retries <= 10:
            raise InputError(f"retries must be from 0 to 10, got {self.retries}")
        if not 1 <= self.page_size <= 1000:
            raise InputError(f"page size must be from 1 to 1000, got {self.page_size}")
        if not 1 <= self.max_studies <= 10_000:
            raise InputError(f"max studies must be from 1 to 10000, got {self.max_studies}")


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    """A complete answer of the service: the raw studies, as stored in the cache."""

    base_url: str
    params: dict[str, str]
    studies: tuple[dict[str, Any], ...]
    total_count: int | None
    truncated: bool
    retrieved: str  # ISO 8601, UTC
    pages: int
    path: str = ""
    from_cache: bool = False
    notes: tuple[str, ...] = field(default=())

    def age_days(self, now: datetime | None = None) -> float:
        """Days since the answer was retrieved."""
        then = datetime.fromisoformat(self.retrieved)
        return max(((now or datetime.now(UTC)) - then).total_seconds() / 86400.0, 0.0)


# ------------------------------------------------------------------------------------ cache


def cache_file(base_url: str, query: TrialQuery, max_studies: int) -> Path:
    """Where the answer to ``query`` from ``base_url`` is cached (folder not created)."""
    key = json.dumps([base_url, sorted(query.to_params().items()), max_studies])
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return cache_dir() / "trials" / f"{digest}.json"


def write_cache(answer: CachedAnswer, path: Path) -> Path:
    """Write ``answer`` to ``path`` atomically (complete or not at all)."""
    doc = {
        "format": CACHE_FORMAT,
        "vivo_version": __version__,
        "retrieved": answer.retrieved,
        "base_url": answer.base_url,
        "params": answer.params,
        "total_count": answer.total_count,
        "truncated": answer.truncated,
        "pages": answer.pages,
        "studies": list(answer.studies),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create the trials cache folder {path.parent}: {exc.strerror}",
                        hint="set VIVO_CACHE_DIR to a writable folder") from exc  # fmt: skip
    return write_text_atomic(path, json.dumps(doc, ensure_ascii=False) + "\n")


def read_cache(path: Path) -> CachedAnswer | None:
    """The cached answer at ``path``; None when there is none; DataError when it is damaged."""
    if not path.is_file():
        return None
    with contextlib.suppress(OSError):  # its last use, for `vivo cache clear --older-than`
        os.utime(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("format") != CACHE_FORMAT:
            raise ValueError(f"format {doc.get('format')!r}, expected {CACHE_FORMAT!r}")
        studies = doc["studies"]
        if not isinstance(studies, list):
            raise ValueError("'studies' is not a list")
        retrieved = datetime.fromisoformat(doc["retrieved"])
        if retrieved.tzinfo is None:
            raise ValueError(f"retrieval time {doc['retrieved']!r} has no time zone")
        if retrieved > datetime.now(UTC) + timedelta(days=1):
            raise ValueError(f"retrieval time {doc['retrieved']} is in the future")
        return CachedAnswer(
            base_url=str(doc["base_url"]),
            params={str(k): str(v) for k, v in dict(doc["params"]).items()},
            studies=tuple(studies),
            total_count=doc.get("total_count"),
            truncated=bool(doc.get("truncated", False)),
            retrieved=str(doc["retrieved"]),
            pages=int(doc.get("pages", 0)),
            path=str(path),
            from_cache=True,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataError(f"the trials cache file {path} is damaged: {exc}",
                        hint="delete it, or run the search again online") from exc  # fmt: skip


# ----------------------------------------------------------------------------------- client

_last_request: dict[str, float] = {}
_lock = threading.Lock()


def _wait_turn(base_url: str, min_interval_s: float, sleep: Callable[[float], None]) -> None:
    """Keep at least ``min_interval_s`` between two requests to one service."""
    with _lock:
        now = time.monotonic()
        wait = _last_request.get(base_url, -1e9) + min_interval_s - now
        _last_request[base_url] = now + max(wait, 0.0)
    if wait > 0:
        sleep(wait)


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return min(float(value.strip()), _MAX_RETRY_AFTER_S)
    return None


def _describe(exc: Exception) -> str:
    import requests

    if isinstance(exc, requests.Timeout):
        return "no answer within the timeout"
    if isinstance(exc, requests.ConnectionError):
        return "cannot connect (service unreachable or offline)"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "the answer was cut off"
    return type(exc).__name__


def _get(
    session: Any, url: str, params: dict[str, str], s: ClientSettings,
    sleep: Callable[[float], None],
) -> Any:  # fmt: skip
    """One page: retried on 429/5xx/timeouts/refused connections; returns the parsed JSON."""
    import requests

    why = ""
    for attempt in range(s.retries + 1):
        if attempt:
            sleep(s.backoff_s * 2 ** (attempt - 1))
        _wait_turn(s.base_url, s.min_interval_s, sleep)
        try:
            r = session.get(url, params=params, timeout=s.timeout_s,
                            headers={"Accept": "application/json",
                                     "User-Agent": f"vivo/{__version__}"})  # fmt: skip
        except (
            requests.Timeout,
            requests.ConnectionError,
            requests.exceptions.ChunkedEncodingError,
        ) as exc:
            why = _describe(exc)
            continue
        except requests.RequestException as exc:  # an invalid URL, too many redirects, ...
            kind = type(exc).__name__
            raise EngineError(
                f"cannot query ClinicalTrials.gov at {s.base_url}: {kind}: {exc}"
            ) from exc
        if r.status_code in _RETRY_STATUS:
            why = f"HTTP {r.status_code}"
            wait = _retry_after(r.headers.get("Retry-After"))
            if wait and attempt < s.retries:
                sleep(wait)
            continue
        if r.status_code != 200:
            body = " ".join(r.text.split())[:160]
            raise EngineError(f"ClinicalTrials.gov at {s.base_url} answered HTTP "
                              f"{r.status_code}" + (f": {body}" if body else ""),
                              hint="check the search words and options")  # fmt: skip
        try:
            return r.json()
        except ValueError as exc:
            raise FormatError(f"malformed response from {url}: not JSON "
                              f"({r.text[:40]!r})") from exc  # fmt: skip
    raise EngineError(
        f"ClinicalTrials.gov at {s.base_url} failed after {s.retries + 1} tries: {why}",
        hint="check the network, try later, or use --offline for the cached answer",
    )


def _page(doc: Any, url: str) -> tuple[list[dict[str, Any]], str | None, int | None]:
    """The studies, next page token and total count of one response (shape checked)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("studies", None), list):
        raise FormatError(f"malformed response from {url}: no 'studies' list")
    studies = doc["studies"]
    if not all(isinstance(x, dict) for x in studies):
        raise FormatError(f"malformed response from {url}: a study is not an object")
    token = doc.get("nextPageToken")
    if token is not None and (not isinstance(token, str) or not token):
        raise FormatError(f"malformed response from {url}: nextPageToken is not text")
    total = doc.get("totalCount")
    if total is not None and (not isinstance(total, int) or isinstance(total, bool) or total < 0):
        raise FormatError(f"malformed response from {url}: totalCount is not a count")
    return studies, token, total


def fetch_studies(
    query: TrialQuery,
    settings: ClientSettings,
    *,
    session: Any = None,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[int, int | None], None] | None = None,
) -> CachedAnswer:
    """Every page of the answer to ``query`` (up to ``settings.max_studies`` studies).

    ``progress(fetched, total)`` is told after each page.
    """
    import requests

    url = f"{settings.base_url}/studies"
    params = query.to_params()
    own = session is None
    session = session or requests.Session()
    studies: list[dict[str, Any]] = []
    token: str | None = None
    total: int | None = None
    pages = 0
    try:
        while True:
            want = min(settings.page_size, settings.max_studies - len(studies))
            page = {**params, "pageSize": str(want)}
            page.update({"pageToken": token} if token else {"countTotal": "true"})
            batch, token, count = _page(_get(session, url, page, settings, sleep), url)
            total = count if pages == 0 else total
            pages += 1
            studies.extend(batch)
            if progress is not None:
                progress(len(studies), total)
            if not token or len(studies) >= settings.max_studies or pages >= _MAX_PAGES:
                break
    finally:
        if own:
            session.close()
    return CachedAnswer(
        base_url=settings.base_url,
        params=params,
        studies=tuple(studies[: settings.max_studies]),
        total_count=total,
        truncated=bool(token),
        retrieved=datetime.now(UTC).isoformat(timespec="seconds"),
        pages=pages,
    )
