"""`vivo offtargets`: genome-wide off-target search with CFD/MIT scores."""

from __future__ import annotations

from typing import Annotated

import typer

from vivo.cli.output import console, emit


def offtargets(
    guides: Annotated[list[str] | None, typer.Argument(help="spacers (no PAM)")] = None,
    genome: Annotated[str, typer.Option("--genome", help="indexed genome name")] = "",
    guides_file: Annotated[
        str | None, typer.Option("--guides", help="file, one spacer per line")
    ] = None,
    nuclease: Annotated[str, typer.Option("--nuclease")] = "SpCas9",
    mismatches: Annotated[int, typer.Option("--mismatches", help="0-6")] = 4,
    dna_bulges: Annotated[int, typer.Option("--dna-bulges", help="0-2")] = 0,
    rna_bulges: Annotated[int, typer.Option("--rna-bulges", help="0-2")] = 0,
    backend: Annotated[str, typer.Option("--backend", help="auto|numpy|cpu|gpu|dask")] = "auto",
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address")
    ] = None,
    max_hits: Annotated[
        int | None, typer.Option("--max-hits", help="cap per guide (reported)")
    ] = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="write sites to this file")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="tsv|json|bed for --output")] = "tsv",
    home: Annotated[str | None, typer.Option("--home", help="index folder")] = None,
    annotation: Annotated[
        str | None, typer.Option("--annotation", help="GTF/GFF3: annotate hits with genes")
    ] = None,
    pam: Annotated[
        list[str] | None, typer.Option("--pam", help="index built for these PAMs only")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Find every off-target site of each guide (mismatches, DNA/RNA bulges, alt PAMs)."""
    from rich.table import Table

    from vivo.core.errors import InputError
    from vivo.workflows.offtargets import (
        OffTargetRequest,
        guides_from,
        run_offtargets,
        write_sites,
    )

    if not genome:
        raise InputError("--genome is required", hint="list indexes with: vivo genome list")
    if fmt not in ("tsv", "json", "bed"):
        raise InputError(f"unknown --format {fmt!r}", hint="use tsv, json or bed")
    request = OffTargetRequest(
        genome=genome, guides=guides_from(guides or [], guides_file), nuclease=nuclease,
        max_mismatches=mismatches, dna_bulges=dna_bulges, rna_bulges=rna_bulges,
        backend=backend, scheduler=scheduler, home=home, max_hits_per_guide=max_hits,
        annotation=annotation, pams=tuple(pam or ()),
    )  # fmt: skip
    run = run_offtargets(request)
    if output:
        write_sites(run, output, fmt)  # type: ignore[arg-type]
    data = run.to_dict() if not output else {
        "schema_version": "1", "provenance": run.provenance, "output": output,
        "guides": [g.summary() for g in run.guides],
    }  # fmt: skip

    def render() -> None:
        table = Table(title=f"off-targets in {genome} ({run.provenance['backend']})")
        for col in (
            "guide",
            "sites",
            "by mismatches",
            "bulged",
            "MIT spec.",
            "CFD spec.",
            "capped",
        ):
            table.add_column(col)
        for g in run.guides:
            s = g.summary()
            table.add_row(g.spacer, str(s["n_sites"]), "/".join(map(str, g.counts_by_mismatches)),
                          str(g.bulged_sites), f"{g.specificity.mit_specificity:.1f}",
                          f"{g.specificity.cfd_specificity:.3f}", "yes" if g.capped else "no")  # fmt: skip  # noqa: E501
        console.print(table)
        if output:
            console.print(f"sites written to {output}")

    emit(data, as_json=as_json, render=render)


def register(app: typer.Typer) -> None:
    """Add `vivo offtargets` to the vivo app."""
    app.command("offtargets")(offtargets)
