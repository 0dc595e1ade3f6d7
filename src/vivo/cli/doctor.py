"""`vivo doctor`: versions, backends, kernel cache, genomes and optional extras."""

from __future__ import annotations

from typing import Annotated

import typer

from vivo.cli.output import console, emit


def doctor(
    home: Annotated[
        str | None, typer.Option("--home", help="genome store folder (default $VIVO_HOME/genomes)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Say what this installation can do: versions, off-target backends (probed), numba's
    kernel cache, vivo's folders, installed genomes with their PAM sets, optional extras."""
    from rich.markup import escape
    from rich.table import Table

    from vivo.workflows.doctor import run_doctor

    report = run_doctor(home=home)

    def render() -> None:
        v = report.versions
        console.print(f"[bold]vivo {v['vivo']}[/] on Python {v['python']} ({v['platform']})")
        console.print(", ".join(f"{k} {x}" for k, x in v.items()
                                if k not in {"vivo", "python", "platform"}))  # fmt: skip
        table = Table(title=f"off-target backends (auto → {report.auto_backend})")
        for col in ("backend", "status", "detail"):
            table.add_column(col, overflow="fold")
        for b in report.backends:
            colour = "green" if b.status == "available" else "yellow"
            table.add_row(b.name, f"[{colour}]{b.status}[/]", escape(b.detail))
        console.print(table)
        kc = report.kernel_cache
        console.print(
            f"numba kernel cache: {kc.cached}/{kc.total} cached in {kc.folder}: {kc.detail}"
        )
        for name, path in report.folders.items():
            console.print(f"{name}: {path}")
        genomes = Table(title="genomes")
        for col in ("name", "length (bp)", "PAM sets", "state"):
            genomes.add_column(col, overflow="fold")
        for g in report.genomes:
            state = f"[red]damaged:[/] {escape(g.problem)}" if g.problem else "ok"
            genomes.add_row(g.name, f"{g.total_length:,}", ", ".join(g.pam_sets) or "none", state)
        console.print(genomes if report.genomes else "genomes: none (add one: vivo genome add)")
        extras = Table(title="optional extras")
        for col in ("extra", "installed", "enables", "detail"):
            extras.add_column(col, overflow="fold")
        for e in report.extras:
            extras.add_row(e.name, "yes" if e.installed else "no", e.enables, escape(e.detail))
        console.print(extras)

    emit(report.to_dict(), as_json=as_json, render=render)


def register(app: typer.Typer) -> None:
    """Add `vivo doctor` to the vivo app."""
    app.command("doctor")(doctor)
