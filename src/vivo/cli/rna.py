"""`vivo rna …`: RNA therapies (siRNA design; antisense oligonucleotides are added here too).

``vivo rna sirna ADA`` designs 21-nt siRNA duplexes on the bundled ADA mRNA;
``vivo rna sirna --transcript my.gb --region 3utr --top 20 --transcriptome gencode.fa --out d``
uses any GenBank/FASTA transcript and a transcript FASTA for off-targets.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.markup import escape

from vivo.cli import validate as v
from vivo.cli.output import console, emit, print_table, sequence_table

rna_app = typer.Typer(
    help="RNA therapies: siRNA design with transcriptome off-targets.",
    no_args_is_help=True,
)


class Region(StrEnum):
    """mRNA region a design may target."""

    cds = "cds"
    utr3 = "3utr"
    utr5 = "5utr"
    any = "any"


class Tissue(StrEnum):
    """Target tissue of the chemistry proposal (liver: GalNAc conjugate)."""

    liver = "liver"
    other = "other"


@rna_app.command("sirna")
def sirna(
    gene: Annotated[str | None, typer.Argument(help="gene name, e.g. ADA")] = None,
    transcript: Annotated[
        str | None, v.input_file_option("--transcript", help="GenBank or FASTA transcript file")
    ] = None,
    transcript_id: Annotated[
        str | None, typer.Option("--transcript-id", help="which transcript of the file/genome")
    ] = None,
    region: Annotated[Region, typer.Option("--region", help="mRNA region")] = Region.cds,
    top: Annotated[int, v.int_option("--top", min=1, max=500, help="duplexes to report")] = 10,
    transcriptome: Annotated[
        str | None,
        v.input_file_option("--transcriptome", help="transcript FASTA searched for off-targets"),
    ] = None,
    vcf: Annotated[
        str | None, v.input_file_option("--vcf", help="known variants: duplexes over them go last")
    ] = None,
    sample: Annotated[str | None, typer.Option("--sample", help="VCF sample")] = None,
    genome: Annotated[
        str | None, v.input_file_option("--genome", help="FASTA, 2bit or GenBank genome")
    ] = None,
    annotation: Annotated[
        str | None, v.input_file_option("--annotation", help="GTF/GFF3 for --genome")
    ] = None,
    tissue: Annotated[Tissue, typer.Option("--tissue", help="chemistry proposal")] = Tissue.liver,
    out: Annotated[
        str | None, v.output_dir_option("--out", "-o", help="write the result folder here")
    ] = None,
    force: v.Force = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
) -> None:
    """Design 21-nt siRNA duplexes on a transcript, with rules, off-targets and chemistry."""
    from vivo.workflows.rna import SiRNARequest, design_sirna, write_sirna

    request = SiRNARequest(
        gene=gene, transcript=transcript, transcript_id=transcript_id, genome=genome,
        annotation=annotation, region=region.value, top=top, transcriptome=transcriptome,
        vcf=vcf, sample=sample, tissue=tissue.value,
    )  # fmt: skip
    result = design_sirna(request)
    if out:
        path = write_sirna(result, out, force=force)
        console.print(f"wrote {len(result.design.duplexes)} siRNA duplexes to {path}",
                      highlight=False)  # fmt: skip
        return
    emit(result.to_dict(), as_json=as_json, render=lambda: _render(result))


def _render(result: Any) -> None:
    design = result.design
    tx = design.transcript
    console.print(
        f"[bold]{escape(tx.gene)}[/bold] {escape(tx.transcript_id)}: {design.candidates} "
        f"candidate sites ({design.region}); off-targets in {escape(design.transcriptome)}",
        highlight=False,
    )
    cols = ["#", "pos", "guide (antisense 5'-3')", "where", "Reyn.", "Ui-Tei", "Amar.",
            "ΔΔG", "seed tx", "near 0/1/2/3", "flags"]  # fmt: skip
    table = sequence_table(cols, ["guide (antisense 5'-3')"])
    guides = []
    for d in design.duplexes:
        ot = d.offtargets
        near = "/".join(str(sum(1 for s in ot.near_sites if s.mismatches == k)) for k in range(4))
        flags = [*(f"immune:{m}" for m in d.immune), *(["SNP"] if d.snps else [])]
        if not d.passes_rules:
            flags.append("rules")
        if d.passes_offtargets is False:
            flags.append("off-target")
        guides.append(d.guide)
        table.add_row(
            str(d.rank), str(d.start + 1), d.guide, escape(d.location.label), str(d.reynolds.score),
            "I" if d.ui_tei.class_i else "-", str(d.amarzguioui.score), f"{d.asymmetry_kcal:+.2f}",
            str(ot.seed_other_transcripts) if ot else "-", near if ot else "-",
            escape(", ".join(flags)) or "ok",
        )  # fmt: skip
    print_table(table, sequences=guides, copy_hint="use --json or --out DIR")
    if design.duplexes:
        chem = design.duplexes[0].chemistry
        console.print(f"chemistry: {escape(chem.name)} ({escape(chem.conjugate)})",
                      highlight=False)  # fmt: skip
    for note in design.notes:
        console.print(f"note: {escape(note)}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `vivo rna` to the vivo app."""
    app.add_typer(rna_app, name="rna")
