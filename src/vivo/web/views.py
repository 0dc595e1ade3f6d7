"""Rendering helpers of the pages: the Jinja2 environment (autoescaped), view models of job
results (the dossier's own view model for plans), and the shared job submission."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from vivo import __version__
from vivo.web.jobs import Job, JobManager
from vivo.web.security import CSRF_FIELD
from vivo.web.settings import DEFAULT_HOST, ServeSettings

__all__ = ["client_id", "one_line", "plan_view", "records_table", "render", "submit"]

NAV = (
    ("/plan", "Plan"),
    ("/design", "Design"),
    ("/offtargets", "Off-targets"),
    ("/trials", "Trials"),
    ("/knowledge", "Knowledge"),
    ("/genomes", "Genomes"),
    ("/jobs", "Jobs"),
    ("/docs", "API"),
)


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("vivo.web", "templates"),
        autoescape=True,  # every template, whatever its name: all user text is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = _cell
    return env


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={_cell(v)}" for k, v in value.items())
    return str(value)


def one_line(text: str) -> str:
    """An error message on one line (control characters and line breaks removed)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())[:1000]


def render(request: Request, name: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render page ``name`` with the layout's context (navigation, CSRF token, bind note)."""
    settings: ServeSettings | None = getattr(request.app.state, "settings", None)
    html = (
        _env()
        .get_template(name)
        .render(
            nav=NAV,
            path=request.url.path,
            csrf=getattr(request.state, "csrf", ""),
            csrf_field=CSRF_FIELD,
            version=__version__,
            local_only=request.url.hostname in (DEFAULT_HOST, "localhost", "testserver"),
            settings=settings,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code)


def client_id(request: Request) -> str:
    """Who a job belongs to for the per-client cap: the peer address."""
    return request.client.host if request.client else "unknown"


def submit(request: Request, kind: str, params: dict[str, Any], title: str) -> Job:
    """Create and start a job of ``kind`` for this client (raises when over the caps)."""
    manager: JobManager = request.app.state.jobs
    job = manager.create(kind, title=title, client=client_id(request))
    manager.start(job, params)
    return job


# ------------------------------------------------------------------------------- view models
def plan_view(job: Job) -> dict[str, Any]:
    """The dossier's view model (``vivo.reports.dossier.build_view``) of a finished plan, with
    the flow diagram as markup (vivo draws it and escapes the text in it)."""
    from vivo.reports.dossier import build_view

    data = json.loads((job.out / "dossier" / "plan.json").read_text(encoding="utf-8"))
    view = build_view(data)
    view["flow_svg_markup"] = Markup(view["flow_svg"])
    return view


def records_table(records: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Columns (every scalar or short-list field, in first-seen order) and rows of records."""
    records = [_flatten(r) for r in records]
    columns: list[str] = []
    for r in records:
        for k, v in r.items():
            if k not in columns and not isinstance(v, dict) and not _long_list(v):
                columns.append(k)
    return columns, [[r.get(c) for c in columns] for r in records]


def _flatten(record: dict[str, Any]) -> dict[str, Any]:
    """One level of nested records spelled ``outer.inner`` (scalars only)."""
    out: dict[str, Any] = {}
    for k, v in record.items():
        if isinstance(v, dict):
            out.update({f"{k}.{k2}": v2 for k2, v2 in v.items() if not isinstance(v2, dict | list)})
        else:
            out[k] = v
    return out


def _long_list(v: Any) -> bool:
    return isinstance(v, list) and (len(v) > 8 or any(isinstance(x, dict | list) for x in v))


def downloads(manager: JobManager, job: Job) -> list[dict[str, Any]]:
    """The job's output files: name (relative), size."""
    out = []
    for p in manager.files(job):
        rel = p.relative_to(job.out).as_posix()
        if not any(part.startswith(".") for part in Path(rel).parts):
            out.append({"name": rel, "size": p.stat().st_size})
    return out
