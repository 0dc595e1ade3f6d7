"""The FastAPI application of `vivo serve`: pages (Jinja2) and a JSON API over the workflows.

:func:`create_app` builds it from :class:`~vivo.web.settings.ServeSettings`. Pages are
rendered on the server, work offline (one CSS and one JS file served by the app, no CDN) and
post forms with a CSRF token; the API mirrors them (``/api/...``, OpenAPI at
``/openapi.json``, an offline reference at ``/docs``). Long work runs as jobs
(:mod:`vivo.web.jobs`). Errors are one line (a VivoError's message); a bug is "internal
error" with no stack trace (the trace goes to the server log).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from vivo import __version__
from vivo.core.errors import VivoError
from vivo.web import api, pages
from vivo.web.jobs import JobLimitError, JobManager
from vivo.web.security import CSRF_COOKIE, PAGE_CSP, BodyLimit, new_token
from vivo.web.settings import ServeSettings
from vivo.web.views import one_line, render

__all__ = ["create_app"]

log = logging.getLogger("vivo.web")


def create_app(settings: ServeSettings) -> FastAPI:
    """The web application for ``settings`` (jobs under ``settings.data_dir``)."""
    manager = JobManager(
        settings.jobs_dir,
        workers=settings.workers,
        keep_s=settings.keep_hours * 3600,
        max_per_client=settings.max_jobs_per_client,
        max_queued=settings.max_queued_jobs,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(_warm_up)
        yield
        manager.shutdown()

    app = FastAPI(
        title="vivo",
        version=__version__,
        description="Plan, design and simulate gene and cell therapies (the JSON API of "
        "`vivo serve`; every job endpoint answers 202 with a job id to poll).",
        docs_url=None,  # Swagger UI would load from a CDN: /docs is an offline page instead
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.jobs = manager
    app.mount("/static", StaticFiles(packages=[("vivo.web", "static")]), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)
    _handlers(app)
    app.middleware("http")(_headers_and_csrf_cookie)
    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_bytes + 64 * 1024)
    return app


def _warm_up() -> None:
    """Import the workflows and load the knowledge base once, before the first request (else
    the first requests wait for them together)."""
    import importlib

    from vivo.knowledge import load_diseases, load_glossary, load_products
    from vivo.web import knowledge

    for name in ("vivo.workflows.plan", "vivo.web.forms"):
        importlib.import_module(name)
    load_products(), load_diseases(), load_glossary()
    knowledge.product_filters()


async def _headers_and_csrf_cookie(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    token = request.cookies.get(CSRF_COOKIE)
    request.state.csrf = token or new_token()
    response = await call_next(request)
    if not token:
        response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="strict")
    response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    return response


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    return render(request, "error.html.j2", status_code=status, message=message)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(JobLimitError)
    async def limit(request: Request, exc: JobLimitError) -> Response:
        return _error(request, 429, one_line(str(exc)))

    @app.exception_handler(VivoError)
    async def vivo_error(request: Request, exc: VivoError) -> Response:
        return _error(request, 400, one_line(str(exc)))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        first = errors[0] if errors else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
        return _error(request, 422, one_line(f"{where}: {first.get('msg', 'invalid input')}"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        return _error(request, exc.status_code, one_line(message))

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return _error(request, 500, "internal error (the details are in the server log)")


def file_response(path: Path, *, name: str) -> FileResponse:
    """A download of ``path`` (a job's output file) named ``name``."""
    return FileResponse(path, filename=Path(name).name)
