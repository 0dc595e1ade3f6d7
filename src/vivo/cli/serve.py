"""`vivo serve`: the web application (FastAPI + uvicorn; the ``web`` extra)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Annotated

import typer

from vivo.cli.validate import float_option, int_option

INSTALL_HINT = "vivo: error: vivo serve needs the web extra: pip install 'vivo[web]'"


def _missing_web_extra() -> list[str]:
    mods = ("fastapi", "uvicorn", "multipart")
    return [m for m in mods if importlib.util.find_spec(m) is None]


def serve(
    host: Annotated[
        str, typer.Option("--host", help="address to bind (default: this machine only)")
    ] = "127.0.0.1",
    port: Annotated[int, int_option("--port", min=1, max=65535, help="TCP port")] = 8000,
    workers: Annotated[
        int, int_option("--workers", min=1, max=64, help="jobs that run at once")
    ] = 2,
    data_dir: Annotated[
        str | None,
        typer.Option("--data-dir", help="folder of the jobs' files (default: vivo's cache)"),
    ] = None,
    keep_hours: Annotated[
        float, float_option("--keep-hours", min=0.01, max=24 * 365, help="keep results this long")
    ] = 24.0,
    max_upload_mb: Annotated[
        float, float_option("--max-upload-mb", min=0.01, max=10_000, help="upload size limit")
    ] = 50.0,
    max_jobs_per_client: Annotated[
        int,
        int_option("--max-jobs-per-client", min=1, max=1000, help="unfinished jobs per address"),
    ] = 4,
    genomes_home: Annotated[
        str | None,
        typer.Option("--genomes-home", help="genome store of the Genomes/Off-targets pages"),
    ] = None,
) -> None:
    """Serve the web application (pages and JSON API) on HOST:PORT (127.0.0.1 by default)."""
    missing = _missing_web_extra()
    if missing:
        typer.echo(INSTALL_HINT, err=True)
        sys.exit(2)
    import uvicorn

    from vivo.web.app import create_app
    from vivo.web.settings import DEFAULT_HOST, ServeSettings

    settings = ServeSettings(
        data_dir=Path(data_dir) if data_dir else _default_data_dir(),
        workers=workers,
        keep_hours=keep_hours,
        max_upload_mb=max_upload_mb,
        max_jobs_per_client=max_jobs_per_client,
        genomes_home=Path(genomes_home) if genomes_home else None,
    )
    where = "this machine only" if host == DEFAULT_HOST else "REACHABLE FROM THE NETWORK"
    typer.echo(f"vivo serve: http://{host}:{port} ({where}); jobs in {settings.data_dir}", err=True)
    if host != DEFAULT_HOST:
        typer.echo("vivo serve: no login: anyone who can reach this address can run jobs", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def _default_data_dir() -> Path:
    from vivo.io.places import cache_dir

    return cache_dir() / "web"


def register(app: typer.Typer) -> None:
    """Add `vivo serve` to the vivo app."""
    app.command("serve")(serve)
