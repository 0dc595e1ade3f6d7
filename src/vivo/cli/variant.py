"""`vivo variant` and `vivo locus`: interpret a variant, show a gene's structure."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from vivo.cli.output import console, emit, err_console
from vivo.cli.validate import genome_option, input_file_option
from vivo.core.errors import InputError

GenomeOpt = Annotated[
    str | None,
    genome_option(
        "--genome", help="FASTA, 2bit or GenBank file (default: bundled beta-globin locus)"
    ),
]
AnnotationOpt = Annotated[
    str | None, input_file_option("--annotation", help="GTF/GFF3 gene annotation for --genome")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]
VcfOpt = Annotated[
    str | None,
    input_file_option(
        "--vcf", help="the patient's VCF (plain or bgzip; GRCh38/GRCh37 on the bundled locus)"
    ),
]
GeneOpt = Annotated[str | None, typer.Option("--gene", help="gene to read from --vcf, e.g. HBB")]
SampleOpt = Annotated[
    str | None, typer.Option("--sample", help="VCF sample (default: the only one)")
]
AssemblyOpt = Annotated[
    str | None,
    typer.Option("--assembly", help="GRCh38 or GRCh37 (default: from the VCF header)"),
]


def variant(
    query: Annotated[
        list[str] | None,
        typer.Argument(
            help="e.g. HBB c.20A>T, NM_000518.5:c.20A>T, NC_000011.10:g.5227002T>A, or an exon "
            "deletion/duplication with uncertain breakpoints: DMD 'c.6913-?_7309+?del'"
        ),
    ] = None,
    genome: GenomeOpt = None,
    annotation: AnnotationOpt = None,
    vcf: VcfOpt = None,
    gene: GeneOpt = None,
    sample: SampleOpt = None,
    assembly: AssemblyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Interpret an HGVS variant, or a patient's variants in a gene from a VCF: reference
    check, normalization, consequence, protein change (and zygosity for a VCF). An exon
    deletion/duplication with uncertain breakpoints gives the exons changed and the frame."""
    if vcf is not None or gene is not None or sample is not None or assembly is not None:
        _variant_vcf(query, vcf, gene, sample, assembly, genome, annotation, as_json)
        return
    if not query:
        raise InputError("give a variant, e.g. HBB c.20A>T", hint="or --vcf FILE --gene HBB")
    from vivo.variants.uncertain import is_uncertain_hgvs
    from vivo.workflows.variants import run_variant

    if is_uncertain_hgvs(" ".join(query)):
        _variant_uncertain(" ".join(query), genome, annotation, as_json)
        return
    result = run_variant(" ".join(query), genome=genome, annotation=annotation)
    for w in result.warnings:
        err_console.print(f"vivo: warning: {w}", markup=False, highlight=False)
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


def _variant_uncertain(
    text: str, genome: str | None, annotation: str | None, as_json: bool
) -> None:
    """An exon deletion/duplication with uncertain breakpoints: the exons and the frame."""
    from vivo.workflows.variants import run_uncertain_variant

    report = run_uncertain_variant(text, genome=genome, annotation=annotation)
    data = {"schema_version": "1", **report.to_dict()}

    def render() -> None:
        def exons(key: str) -> str:
            return ", ".join(str(n) for n in data[key]) or "—"

        table = Table(title=f"{data['hgvs']}  ({data['transcript']})", show_header=False)
        table.add_column(style="bold")
        table.add_column()
        total, shift = data["changed_coding_nt_total"], data["frame_shift"]
        verb = "removed" if data["variant_type"] == "deletion" else "added"
        frame = (
            "cannot be known"
            if shift is None
            else f"{'kept (in frame)' if shift == 0 else 'shifted (out of frame)'}: "
            f"{total} coding nt {verb}"
        )
        rows = [
            ("type", f"{data['variant_type']}, breakpoints uncertain"),
            ("exons, whole", exons("exons_whole")),
            ("exons, in part", exons("exons_partial")),
            ("exons, possibly", exons("exons_possible")),
            ("reading frame", frame),
            ("not known", "; ".join(data["not_known"]) or "—"),
            ("exons from", data["exon_table"]),
        ]
        for k, v in rows:
            table.add_row(k, v)
        console.print(table)
        console.print(data["summary"], highlight=False)

    emit(data, as_json=as_json, render=render)


def _variant_vcf(
    query: list[str] | None,
    vcf: str | None,
    gene: str | None,
    sample: str | None,
    assembly: str | None,
    genome: str | None,
    annotation: str | None,
    as_json: bool,
) -> None:
    if vcf is None:
        raise InputError("--gene, --sample and --assembly go with --vcf", hint="add --vcf FILE")
    if query:
        raise InputError(
            "give a variant or --vcf, not both", hint="vivo variant --vcf FILE --gene HBB"
        )
    if not gene:
        raise InputError("--vcf needs the gene to read", hint="add --gene HBB")
    from vivo.workflows.variants import run_variant_vcf

    pv, interpretations = run_variant_vcf(
        vcf, gene=gene, sample=sample, assembly=assembly, genome=genome, annotation=annotation
    )
    data = {
        "schema_version": "1",
        "kind": "vivo.variant.vcf",
        **pv.to_dict(),
        "interpretations": [r.to_dict() for r in interpretations],
    }

    def render() -> None:
        where = f" ({pv.assembly}, {pv.placement})" if pv.placement else ""
        console.print(f"[bold]{pv.sample}[/] {pv.gene} from {pv.path}{where}")
        table = Table()
        for col in ("VCF record", "HGVS c.", "copies", "consequence", "protein"):
            table.add_column(col)
        for v, r in zip(pv.genotype.variants, interpretations, strict=True):
            p = r.consequence.protein
            table.add_row(
                v.source, r.hgvs_c, f"{v.copies}/{v.ploidy}", r.consequence.label,
                f"{p.hgvs} ({p.legacy})" if p and p.legacy else (p.hgvs if p else "—"),
            )  # fmt: skip
        console.print(table)
        phase = {"trans": ", in trans (phased)", "unknown": ", phase not known"}
        console.print(
            f"zygosity: {pv.genotype.zygosity.replace('_', ' ')}{phase.get(pv.genotype.phase, '')}"
        )
        for n in (*pv.notes, *pv.genotype.notes):
            console.print(f"[dim]{n}[/]", highlight=False)

    emit(data, as_json=as_json, render=render)


def locus(
    gene: Annotated[str, typer.Argument(help="gene name, e.g. HBB")],
    genome: GenomeOpt = None,
    annotation: AnnotationOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a gene's structure: exons, introns, CDS and coding coordinates."""
    from vivo.workflows.variants import describe_locus

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
