"""`vivo genome add/list`: build and list on-disk genome indexes for the off-target search."""

from __future__ import annotations

from typing import Annotated

import typer

from vivo.cli.output import console, emit

genome_app = typer.Typer(help="Build and list genome indexes (off-target search).")
HomeOpt = Annotated[
    str | None, typer.Option("--home", help="index folder (default $VIVO_HOME/genomes)")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]


@genome_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="short name, e.g. hg38")],
    source: Annotated[str, typer.Argument(help="FASTA (.fa, .fa.gz) or .2bit file")],
    nuclease: Annotated[
        list[str] | None, typer.Option("--nuclease", help="nuclease(s) to index (SpCas9)")
    ] = None,
    pam: Annotated[
        list[str] | None, typer.Option("--pam", help="index only these PAMs (e.g. NGG, NAG)")
    ] = None,
    home: HomeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Build the index of a genome (2-bit sequence + PAM-site table), atomically."""
    from rich.progress import Progress

    from vivo.workflows.genome_index import build_genome_index

    nucs = tuple(nuclease or ["SpCas9"])
    pams = tuple(pam or ())
    if as_json or not console.is_terminal:
        info = build_genome_index(name, source, nucleases=nucs, home=home, pams=pams)
    else:
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("building", total=1.0)

            def report(what: str, fraction: float) -> None:
                bar.update(task, description=what, completed=fraction)

            info = build_genome_index(name, source, nucleases=nucs, home=home, progress=report,
                                      pams=pams)  # fmt: skip
    data = {"schema_version": "1", **info.to_dict()}
    emit(data, as_json=as_json, render=lambda: console.print(
        f"[bold]{info.name}[/]: {info.total_length:,} bp in {info.contigs} contigs, "
        f"PAM sets {', '.join(info.pam_sets)} → {info.path}"))  # fmt: skip


@genome_app.command("list")
def list_(home: HomeOpt = None, as_json: JsonOpt = False) -> None:
    """List the genome indexes."""
    from rich.table import Table

    from vivo.workflows.genome_index import list_genomes

    infos = list_genomes(home)
    data = {"schema_version": "1", "genomes": [i.to_dict() for i in infos]}

    def render() -> None:
        table = Table(title="genome indexes")
        for col in ("name", "length (bp)", "contigs", "PAM sets", "vivo", "source"):
            table.add_column(col)
        for i in infos:
            table.add_row(i.name, f"{i.total_length:,}", str(i.contigs), ", ".join(i.pam_sets),
                          i.vivo_version, i.source)  # fmt: skip
        console.print(table)

    emit(data, as_json=as_json, render=render)


def register(app: typer.Typer) -> None:
    """Add `vivo genome` to the vivo app."""
    app.add_typer(genome_app, name="genome")
