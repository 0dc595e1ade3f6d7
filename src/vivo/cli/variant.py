"""`vivo variant` and `vivo locus`: interpret a variant, show a gene's structure."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from vivo.cli.output import console, emit
from vivo.cli.validate import input_file_option
from vivo.workflows.variants import describe_locus, run_variant

GenomeOpt = Annotated[
    str | None,
    input_file_option(
        "--genome", help="FASTA, 2bit or GenBank file (default: bundled beta-globin locus)"
    ),
]
AnnotationOpt = Annotated[
    str | None, input_file_option("--annotation", help="GTF/GFF3 gene annotation for --genome")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]


def variant(
    query: Annotated[list[str], typer.Argument(help="e.g. HBB c.20A>T or HBB:c.20A>T")],
    genome: GenomeOpt = None,
    annotation: AnnotationOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Interpret an HGVS variant: reference check, normalization, consequence, protein change."""
    result = run_variant(" ".join(query), genome=genome, annotation=annotation)
    data = {"schema_version": "1", **result.to_dict()}

    def render() -> None:
        table = Table(title=f"{data['hgvs_c']}  ({data['transcript']})", show_header=False)
        table.add_column(style="bold")
        table.add_column()
        p = data["protein"] or {}
        rows = [
            ("genomic", data["hgvs_g"]),
            ("type", data["variant_type"]),
            ("consequence", f"{data['consequence']}  ({', '.join(data['consequence_terms'])})"),
            ("protein", f"{p.get('hgvs', '—')}  ({p.get('short', '—')})" if p else "—"),
            ("codon", p.get("codon_change") or "—"),
            ("legacy name", f"{p['legacy']} — {p['legacy_note']}" if p.get("legacy") else "—"),
            ("exon / intron", f"{data['exon'] or '—'} / {data['intron'] or '—'}"),
            ("reference", data["reference_check"]),
        ]
        for k, v in rows:
            table.add_row(k, str(v))
        console.print(table)

    emit(data, as_json=as_json, render=render)


def locus(
    gene: Annotated[str, typer.Argument(help="gene name, e.g. HBB")],
    genome: GenomeOpt = None,
    annotation: AnnotationOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a gene's structure: exons, introns, CDS and coding coordinates."""
    data = describe_locus(gene, genome=genome, annotation=annotation)

    def render() -> None:
        console.print(
            f"[bold]{data['gene']}[/] {data['contig']}:{data['start_1based']:,}-"
            f"{data['end_1based']:,} ({data['strand']})  [dim]{data['source']}[/]"
        )
        for tx in data["transcripts"]:
            table = Table(title=tx["transcript_id"])
            for col in ("exon", "start (1-based)", "end", "length", "c. start", "c. end"):
                table.add_column(col, justify="right")
            for e in tx["exons"]:
                table.add_row(
                    str(e["number"]),
                    f"{e['start_1based']:,}",
                    f"{e['end_1based']:,}",
                    str(e["length"]),
                    e["c_start"] or "",
                    e["c_end"] or "",
                )
            console.print(table)
            if "cds_length" in tx:
                console.print(
                    f"CDS {tx['cds_start_1based']:,}-{tx['cds_end_1based']:,}: "
                    f"{tx['cds_length']} nt"
                    f" → {tx['protein_length']} aa ({tx['product'] or 'protein'}, "
                    f"{tx['protein_id'] or 'no protein id'})"
                )

    emit(data, as_json=as_json, render=render)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the vivo app."""
    app.command("variant")(variant)
    app.command("locus")(locus)
