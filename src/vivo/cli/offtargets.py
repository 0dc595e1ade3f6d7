"""`vivo offtargets`: genome-wide off-target search with CFD/MIT scores."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from vivo.cli import validate as v
from vivo.cli.output import console, emit, print_table, sequence_table


class SiteFormat(StrEnum):
    """File format of ``--output``."""

    tsv = "tsv"
    json = "json"
    bed = "bed"


class BackendChoice(StrEnum):
    """Where the search runs (``auto``: GPU if usable, else numba CPU, else numpy)."""

    auto = "auto"
    numpy = "numpy"
    cpu = "cpu"
    gpu = "gpu"
    dask = "dask"


def _nucleases() -> list[str]:
    from vivo.editing.nucleases import NUCLEASES

    return list(NUCLEASES)


def _check_home(value: str | None) -> str | None:
    """``--home`` of a search: an existing folder."""
    from pathlib import Path

    if value is not None and not Path(value).is_dir():
        raise typer.BadParameter(
            f"{value!r} is not a folder (see the genome store with: vivo genome list)"
        )
    return value


def offtargets(
    guides: Annotated[list[str] | None, typer.Argument(help="spacers (no PAM)")] = None,
    genome: Annotated[str, typer.Option("--genome", help="indexed genome name")] = "",
    guides_file: Annotated[
        str | None, v.input_file_option("--guides", help="file, one spacer per line")
    ] = None,
    nuclease: Annotated[str, v.choice_option("--nuclease", choices=_nucleases)] = "SpCas9",
    mismatches: Annotated[int, v.int_option("--mismatches", min=0, max=6)] = 4,
    dna_bulges: Annotated[int, v.int_option("--dna-bulges", min=0, max=2)] = 0,
    rna_bulges: Annotated[int, v.int_option("--rna-bulges", min=0, max=2)] = 0,
    backend: Annotated[
        BackendChoice, typer.Option("--backend", case_sensitive=False, help="where to search")
    ] = BackendChoice.auto,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address")
    ] = None,
    max_hits: Annotated[
        int | None,
        v.int_option("--max-hits", min=1, max=10**9, help="cap per guide (reported)"),
    ] = None,
    output: Annotated[
        str | None, v.output_file_option("--output", "-o", help="write sites to this file")
    ] = None,
    fmt: Annotated[
        SiteFormat, typer.Option("--format", case_sensitive=False, help="format of --output")
    ] = SiteFormat.tsv,
    home: Annotated[
        str | None, typer.Option("--home", callback=_check_home, help="genome store folder")
    ] = None,
    annotation: Annotated[
        str | None, v.input_file_option("--annotation", help="GTF/GFF3: annotate hits with genes")
    ] = None,
    pam: Annotated[
        list[str] | None, typer.Option("--pam", help="index built for these PAMs only")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress display")] = False,
    force: v.Force = False,
) -> None:
    """Find every off-target site of each guide (mismatches, DNA/RNA bulges, alt PAMs)."""
    from vivo.cli._progress import progress_reporter
    from vivo.core.errors import InputError
    from vivo.workflows.offtargets import (
        OffTargetRequest,
        guides_from,
        run_offtargets,
        write_sites,
    )

    if not genome:
        raise InputError("--genome is required", hint="list indexes with: vivo genome list")
    request = OffTargetRequest(
        genome=genome, guides=guides_from(guides or [], guides_file), nuclease=nuclease,
        max_mismatches=mismatches, dna_bulges=dna_bulges, rna_bulges=rna_bulges,
        backend=backend.value, scheduler=scheduler, home=home, max_hits_per_guide=max_hits,
        annotation=annotation, pams=tuple(pam or ()),
    )  # fmt: skip
    with progress_reporter(quiet=quiet or as_json) as report:
        run = run_offtargets(request, progress=report)
    if output:
        write_sites(run, output, fmt.value)
    data = run.to_dict() if not output else {
        "schema_version": "1", "provenance": run.provenance, "output": output,
        "guides": [g.summary() for g in run.guides],
    }  # fmt: skip

    def render() -> None:
        cols = ("guide", "sites", "by mismatches", "bulged", "MIT spec.", "CFD spec.", "capped")
        title = f"off-targets in {genome} ({run.provenance['backend']})"
        table = sequence_table(cols, ("guide",), title=title)
        for g in run.guides:
            s = g.summary()
            table.add_row(g.spacer, str(s["n_sites"]), "/".join(map(str, g.counts_by_mismatches)),
                          str(g.bulged_sites), f"{g.specificity.mit_specificity:.1f}",
                          f"{g.specificity.cfd_specificity:.3f}", "yes" if g.capped else "no")  # fmt: skip  # noqa: E501
        print_table(table, sequences=[g.spacer for g in run.guides], copy_hint="use --json")
        if output:
            console.print(f"sites written to {output}")

    emit(data, as_json=as_json, render=render)


def register(app: typer.Typer) -> None:
    """Add `vivo offtargets` to the vivo app."""
    app.command("offtargets")(offtargets)
