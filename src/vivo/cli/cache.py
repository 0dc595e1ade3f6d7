"""`vivo cache info|clear`: what vivo keeps in its cache folder, and removing it."""

from __future__ import annotations

from typing import Annotated

import typer

from vivo.cli import validate as v
from vivo.cli.output import console, emit

cache_app = typer.Typer(help="See and clear vivo's cache (indexes vivo can rebuild).")

JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]


def _human(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n = n / 1000  # type: ignore[assignment]
    return f"{n:,.1f} GB"  # pragma: no cover


@cache_app.command("info")
def info(as_json: JsonOpt = False) -> None:
    """List the cache's entries by kind (size, last use) and the folders vivo leaves alone."""
    from rich.markup import escape
    from rich.table import Table

    from vivo.workflows.cache import CLEARABLE, cache_inventory

    inv = cache_inventory()

    def render() -> None:
        console.print(f"vivo cache: {escape(str(inv.root))}")
        kinds = Table(title="kinds (vivo cache clear KIND)")
        for col in ("kind", "entries", "size", "what"):
            kinds.add_column(col, overflow="fold")
        for kind, what in CLEARABLE.items():
            n = sum(e.kind == kind for e in inv.entries)
            kinds.add_row(kind, str(n), _human(inv.bytes_of(kind)), what)
        console.print(kinds)
        rna = [e for e in inv.entries if e.kind == "rna-index"]
        if rna:
            table = Table(title="transcriptome indexes")
            for col in ("entry", "size", "last used (UTC)", "detail"):
                table.add_column(col, overflow="fold")
            for e in sorted(rna, key=lambda e: e.last_used):
                stamp = e.to_dict()["last_used"]
                table.add_row(e.path.name, _human(e.bytes), str(stamp), escape(e.detail))
            console.print(table)
        for name, _path, size, why in inv.kept:
            console.print(f"left alone: {escape(name)} ({_human(size)}): {escape(why)}")

    emit(inv.to_dict(), as_json=as_json, render=render)


@cache_app.command("clear")
def clear(
    kinds: Annotated[
        list[str] | None,
        typer.Argument(help="kinds: rna-index, fasta, annotation, trials (default: all)"),
    ] = None,
    older_than: Annotated[
        float | None,
        v.float_option(
            "--older-than", min=0, max=1e6, help="only entries last used more than N days ago"
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="say what would be removed, remove nothing")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Remove cache entries (all, or those of KINDS, or those unused for --older-than days).
    Entries being built by another process are skipped; `vivo serve`'s jobs are never touched."""
    from rich.markup import escape

    from vivo.workflows.cache import clear_cache

    report = clear_cache(tuple(kinds or ()), older_than_days=older_than, dry_run=dry_run)

    def render() -> None:
        verb = "would remove" if report.dry_run else "removed"
        for e in report.removed:
            console.print(f"{verb} {e.kind} {escape(str(e.path))} ({_human(e.bytes)})")
        for e, why in report.skipped:
            console.print(f"kept {e.kind} {escape(str(e.path))}: {escape(why)}")
        n = len(report.removed)
        console.print(f"{verb} {n} entr{'y' if n == 1 else 'ies'}, {_human(report.freed_bytes)}")

    emit(report.to_dict(), as_json=as_json, render=render)


def register(app: typer.Typer) -> None:
    """Add `vivo cache` to the vivo app."""
    app.add_typer(cache_app, name="cache")
