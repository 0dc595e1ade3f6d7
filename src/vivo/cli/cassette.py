"""`vivo cassette`: design a gene-addition construct (vector, parts, codon optimisation, checks)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from vivo.cli import validate as v

JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]


class CodonMethod(StrEnum):
    """DNA Chisel codon-optimisation objective."""

    use_best_codon = "use_best_codon"
    match_codon_usage = "match_codon_usage"
    harmonize_rca = "harmonize_rca"


def cassette(
    transgene: Annotated[str | None, typer.Option(help="bundled transgene: F9, HBB, DMD")] = None,
    variant: Annotated[
        str | None, typer.Option(help="e.g. R338L (legacy numbering) or p.Arg384Leu (HGVS)")
    ] = None,
    vector: Annotated[str, typer.Option(help="AAV, scAAV, LV, RV, Ad, HDAd, HSV, ...")] = "AAV",
    tissue: Annotated[str | None, typer.Option(help="liver, muscle, erythroid, ...")] = None,
    promoter: Annotated[str | None, typer.Option(help="override the tissue promoter")] = None,
    design: Annotated[
        str | None, v.input_file_option("--design", help="design TOML file (overrides options)")
    ] = None,
    optimize: Annotated[
        bool | None, typer.Option("--optimize/--no-optimize", help="codon-optimise the CDS")
    ] = None,
    method: Annotated[
        CodonMethod, typer.Option(case_sensitive=False, help="codon-optimisation objective")
    ] = CodonMethod.use_best_codon,
    deplete_cpg: Annotated[
        bool | None, typer.Option("--deplete-cpg/--keep-cpg", help="default: on for AAV")
    ] = None,
    seed: v.Seed = 0,
    out: Annotated[
        str | None, v.output_dir_option("--out", help="new folder for GenBank, FASTA, maps")
    ] = None,
    force: v.Force = False,
    no_figures: Annotated[bool, typer.Option("--no-figures", help="skip map figures")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Design a construct, e.g. --transgene F9 --variant R338L --vector AAV --tissue liver."""
    from vivo.cli.output import console, emit
    from vivo.workflows.cassette import CassetteRequest, design_construct, load_design

    if design:
        req = load_design(design)
    else:
        req = CassetteRequest(
            transgene=transgene, variant=variant, vector=vector, tissue=tissue,
            promoter=promoter, optimize=optimize, method=method.value, deplete_cpg=deplete_cpg,
            seed=seed,
        )  # fmt: skip
    result = design_construct(
        req, outdir=out, figures=not no_figures, force=force, require_fit=True
    )
    data = result.to_dict()

    def render() -> None:
        from rich.table import Table

        c = result.cassette
        console.print(f"[bold]{c.name}[/]  {c.length_bp:,} bp  overall: {result.report.status}")
        table = Table("part", "kind", "start", "end", "bp", "strand", show_lines=False)
        for e in data["cassette"]["elements"]:
            name = e["name"] + (" [placeholder]" if e["placeholder"] else "")
            table.add_row(name, e["kind"], str(e["start_1based"]), str(e["end_1based"]),
                          str(e["length_bp"]), e["strand"])  # fmt: skip
        console.print(table)
        colour = {"pass": "green", "warn": "yellow", "fail": "red"}
        for chk in result.report.checks:
            console.print(f"[{colour[chk.status]}]{chk.status.upper():4}[/] {chk.name}: "
                          f"{chk.message}", highlight=False)  # fmt: skip
        if result.codon is not None:
            b, a = result.codon.before, result.codon.after
            gc = f"GC {b.gc_fraction:.1%}→{a.gc_fraction:.1%}"
            cpg = f"CpG {b.cpg_count}→{a.cpg_count}"
            head = f"codon optimisation ({result.codon.method}, seed {result.codon.seed})"
            console.print(f"{head}: CAI {b.cai:.3f}→{a.cai:.3f}, {gc}, {cpg}")
        for key, path in result.files.items():
            console.print(f"wrote {key}: {path}")

    emit(data, as_json=as_json, render=render)


def register(app: typer.Typer) -> None:
    """Add ``vivo cassette`` to the app."""
    app.command("cassette")(cassette)
