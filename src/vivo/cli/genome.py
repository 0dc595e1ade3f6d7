"""`vivo genome add/list/remove`: the on-disk genome store of the off-target search."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from vivo.cli import validate as v
from vivo.cli.output import console, emit

genome_app = typer.Typer(help="Build, list and remove genome indexes (off-target search).")


def _check_home(value: str | None) -> str | None:
    """``--home``: a folder that exists or can be created, and is writable."""
    if value is not None:
        from vivo.io.genome_store import GenomeStore

        v.as_bad_parameter(lambda: GenomeStore.at(value).check_writable())
    return value


def _nucleases() -> list[str]:
    from vivo.editing.nucleases import NUCLEASES

    return list(NUCLEASES)


HomeOpt = Annotated[
    str | None,
    typer.Option(
        "--home", callback=_check_home, help="genome store folder (default $VIVO_HOME/genomes)"
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="no progress display")]


@genome_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="short name, e.g. hg38")],
    source: Annotated[str, typer.Argument(help="FASTA (plain, gzip, bgzip), 2bit or GenBank file")],
    nuclease: Annotated[
        list[str] | None,
        v.choice_option("--nuclease", choices=_nucleases, help="nuclease(s) to index (SpCas9)"),
    ] = None,
    pam: Annotated[
        list[str] | None, typer.Option("--pam", help="index only these PAMs (e.g. NGG, NAG)")
    ] = None,
    home: HomeOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Add a genome (2-bit sequence + one PAM-site table per PAM set), or add PAM sets to it.

    PAM sets already in the store are kept; one that is rebuilt replaces only itself.
    """
    from vivo.cli._progress import progress_reporter
    from vivo.workflows.genome_index import build_genome_index

    v.as_bad_parameter(lambda: v.check_input_file(source))
    nucs = tuple(nuclease or ["SpCas9"])
    with progress_reporter(quiet=quiet or as_json) as report:
        info = build_genome_index(name, source, nucleases=nucs, home=home, progress=report,
                                  pams=tuple(pam or ()))  # fmt: skip
    data = {"schema_version": "1", **info.to_dict()}
    emit(data, as_json=as_json, render=lambda: console.print(
        f"[bold]{info.name}[/]: {info.total_length:,} bp in {info.contigs} contigs, "
        f"PAM sets {', '.join(info.pam_sets)} → {info.path}"))  # fmt: skip


@genome_app.command("list")
def list_(home: HomeOpt = None, as_json: JsonOpt = False) -> None:
    """List the genomes of the store, their PAM sets and any damage."""
    from rich.table import Table

    from vivo.io.places import genomes_home
    from vivo.workflows.genome_fetch import list_fetched
    from vivo.workflows.genome_index import list_genomes

    infos = list_genomes(home)
    fetched = list_fetched(home)
    data: dict[str, Any] = {"schema_version": "1", "home": str(genomes_home(home)),
                            "genomes": [i.to_dict() for i in infos],
                            "fetched": [f.to_dict() for f in fetched]}  # fmt: skip

    def render() -> None:
        table = Table(title=f"genome indexes in {genomes_home(home)}")
        for col in ("name", "length (bp)", "contigs", "PAM sets", "vivo", "source"):
            table.add_column(col, overflow="fold")
        for i in infos:
            if i.problem:
                table.add_row(i.name, "", "", ", ".join(i.pam_sets), "",
                              f"[red]damaged:[/] {i.problem}")  # fmt: skip
                continue
            table.add_row(i.name, f"{i.total_length:,}", str(i.contigs), ", ".join(i.pam_sets),
                          i.vivo_version, i.source)  # fmt: skip
        console.print(table)
        if fetched:
            files = Table(title="fetched genomes (vivo genome fetch)")
            for col in ("name", "provider", "assembly", "genome file", "annotation genes"):
                files.add_column(col, overflow="fold")
            for f in fetched:
                genes = "" if f.annotation_genes is None else f"{f.annotation_genes:,}"
                files.add_row(f.name, f.provider, f.assembly, str(f.genome), genes)
            console.print(files)

    emit(data, as_json=as_json, render=render)


@genome_app.command("remove")
def remove(
    name: Annotated[str, typer.Argument(help="genome name (see `vivo genome list`)")],
    pam_set: Annotated[
        str | None,
        typer.Option("--pam-set", help="remove only this PAM set, e.g. 3prime-NGG-NAG-NGA"),
    ] = None,
    home: HomeOpt = None,
) -> None:
    """Remove a genome from the store, or only one of its PAM sets."""
    from vivo.workflows.genome_index import remove_genome

    remove_genome(name, pam_set_key=pam_set, home=home)
    what = f"PAM set {pam_set} of {name}" if pam_set else name
    console.print(f"removed {what}")


@genome_app.command("fetch")
def fetch(
    assembly: Annotated[
        str,
        typer.Argument(help="assembly name (hg38, GRCh38, mm39...) or, with --provider url, a URL"),
    ],
    provider: Annotated[
        str,
        v.choice_option(
            "--provider",
            choices=lambda: ["ucsc", "ensembl", "ncbi", "gencode", "url"],
            help="where to download it from (default ucsc)",
        ),
    ] = "ucsc",
    annotation: Annotated[
        bool, typer.Option("--annotation", help="also fetch and index the gene annotation (GTF)")
    ] = False,
    index: Annotated[
        bool, typer.Option("--index", help="then build the off-target index (vivo genome add)")
    ] = False,
    name: Annotated[
        str | None, typer.Option("--name", help="name in the store (default: the assembly name)")
    ] = None,
    mirror: Annotated[
        str | None,
        typer.Option("--mirror", help="base URL of a mirror with the provider's layout (ucsc)"),
    ] = None,
    nuclease: Annotated[
        list[str] | None,
        v.choice_option("--nuclease", choices=_nucleases, help="nuclease(s) to index (SpCas9)"),
    ] = None,
    home: HomeOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    r"""Download a reference genome (and its annotation) into the store, checked against the
    provider's checksums; needs the optional extra: pip install 'vivo\[fetch]'."""
    from vivo.cli._progress import progress_reporter
    from vivo.workflows.genome_fetch import fetch_genome

    with progress_reporter(quiet=quiet or as_json) as report:
        res = fetch_genome(assembly, provider=provider, annotation=annotation, index=index,
                           name=name, mirror=mirror, nucleases=tuple(nuclease or ["SpCas9"]),
                           home=home, progress=report)  # fmt: skip

    def render() -> None:
        verb = "already in the store" if res.reused else "fetched"
        console.print(f"[bold]{res.name}[/] ({res.provider} {res.assembly}) {verb}: {res.genome}")
        for d in res.downloads:
            check = f"matches {d.checked}" if d.checked else "no published checksum"
            console.print(
                f"  {d.role}: {d.file}, {d.size:,} bytes, sha256 {d.sha256[:16]}…, {check}"
            )
        if res.annotation_genes is not None:
            console.print(f"  annotation indexed: {res.annotation_genes:,} genes")
        if res.index is not None:
            console.print(f"  off-target index: PAM sets {', '.join(res.index.pam_sets)}")
        ann = f" --annotation {res.annotation}" if res.annotation else ""
        console.print(f"  use it: --genome {res.genome}{ann}")

    emit(res.to_dict(), as_json=as_json, render=render)


def register(app: typer.Typer) -> None:
    """Add `vivo genome` to the vivo app."""
    app.add_typer(genome_app, name="genome")
