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
    help="RNA therapies: siRNA and antisense oligonucleotide design with off-targets.",
    no_args_is_help=True,
)


# options both commands take (one declaration each)
TranscriptOpt = Annotated[
    str | None, v.input_file_option("--transcript", help="GenBank or FASTA transcript file")
]
TranscriptIdOpt = Annotated[
    str | None, typer.Option("--transcript-id", help="which transcript of the file/genome")
]
TranscriptomeOpt = Annotated[
    str | None,
    v.input_file_option("--transcriptome", help="transcript FASTA searched for off-targets"),
]
SampleOpt = Annotated[str | None, typer.Option("--sample", help="VCF sample")]
GenomeOpt = Annotated[
    str | None, v.genome_option("--genome", help="FASTA, 2bit, GenBank or a fetched genome")
]
AnnotationOpt = Annotated[
    str | None, v.input_file_option("--annotation", help="GTF/GFF3 for --genome")
]
OutOpt = Annotated[
    str | None, v.output_dir_option("--out", "-o", help="write the result folder here")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]


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
    transcript: TranscriptOpt = None,
    transcript_id: TranscriptIdOpt = None,
    region: Annotated[Region, typer.Option("--region", help="mRNA region")] = Region.cds,
    top: Annotated[int, v.int_option("--top", min=1, max=500, help="duplexes to report")] = 10,
    transcriptome: TranscriptomeOpt = None,
    vcf: Annotated[
        str | None, v.input_file_option("--vcf", help="known variants: duplexes over them go last")
    ] = None,
    sample: SampleOpt = None,
    genome: GenomeOpt = None,
    annotation: AnnotationOpt = None,
    tissue: Annotated[Tissue, typer.Option("--tissue", help="chemistry proposal")] = Tissue.liver,
    out: OutOpt = None,
    force: v.Force = False,
    as_json: JsonOpt = False,
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


class AsoModeOpt(StrEnum):
    """ASO mechanism: RNase H knockdown or splice switching."""

    gapmer = "gapmer"
    skip = "skip"
    include = "include"


class AsoTarget(StrEnum):
    """Sequence a gapmer is tiled over."""

    mrna = "mrna"
    pre_mrna = "pre-mrna"


@rna_app.command("aso")
def aso(
    gene: Annotated[str | None, typer.Argument(help="gene name, e.g. SMN2 or DMD")] = None,
    mode: Annotated[
        AsoModeOpt, typer.Option("--mode", help="gapmer (knockdown), skip or include (exon)")
    ] = AsoModeOpt.gapmer,
    exon: Annotated[
        int | None, v.int_option("--exon", min=1, max=10_000, help="exon to skip or include")
    ] = None,
    length: Annotated[
        int | None, v.int_option("--length", min=8, max=40, help="oligo length (splice: 18-30)")
    ] = None,
    chemistry: Annotated[
        str | None,
        typer.Option("--chemistry", help="moe-5-10-5, lna-3-10-3, cet-3-10-3, moe, pmo, moe-W-G-W"),
    ] = None,
    transcript: TranscriptOpt = None,
    transcript_id: TranscriptIdOpt = None,
    target: Annotated[
        AsoTarget, typer.Option("--target", help="gapmers: tile the mRNA or the pre-mRNA")
    ] = AsoTarget.mrna,
    flank: Annotated[
        int, v.int_option("--flank", min=0, max=1000, help="intron nt tiled on each exon side")
    ] = 100,
    top: Annotated[int, v.int_option("--top", min=1, max=1000, help="ASOs to report")] = 10,
    transcriptome: TranscriptomeOpt = None,
    vcf: Annotated[
        str | None, v.input_file_option("--vcf", help="known variants: ASOs over them go last")
    ] = None,
    sample: SampleOpt = None,
    genome: GenomeOpt = None,
    annotation: AnnotationOpt = None,
    out: OutOpt = None,
    force: v.Force = False,
    as_json: JsonOpt = False,
) -> None:
    """Design antisense oligonucleotides: RNase H gapmers or splice-switching oligos."""
    from vivo.workflows.rna import AsoRequest, design_aso, write_aso

    request = AsoRequest(
        gene=gene, transcript=transcript, transcript_id=transcript_id, genome=genome,
        annotation=annotation, mode=mode.value, exon=exon, length=length, chemistry=chemistry,
        top=top, flank=flank, target=target.value, transcriptome=transcriptome, vcf=vcf,
        sample=sample,
    )  # fmt: skip
    result = design_aso(request)
    if out:
        path = write_aso(result, out, force=force)
        console.print(f"wrote {len(result.designs)} ASOs to {path}", highlight=False)
        return
    emit(result.to_dict(), as_json=as_json, render=lambda: _render_aso(result))


def _render_aso(result: Any) -> None:
    what = {"gapmer": "RNase H gapmers", "skip": f"exon {result.exon} skipping",
            "include": f"exon {result.exon} inclusion"}[result.mode]  # fmt: skip
    console.print(
        f"[bold]{escape(result.gene)}[/bold] {escape(result.transcript_id)}: {what}, "
        f"{escape(result.chemistry.describe())}; {result.candidates} candidate sites",
        highlight=False,
    )
    cols = ["#", "ASO 5'-3'", "where", "GC%", "score", "tx 0/1/2", "genome 0/1/2", "flags"]
    table = sequence_table(cols, ["ASO 5'-3'"])
    oligos = []
    for d in result.designs:
        ot = d.offtargets
        txc = "/".join(map(str, ot.transcriptome)) if ot and ot.transcriptome else "-"
        gc = "/".join(map(str, ot.genome)) if ot and ot.genome else "-"
        oligos.append(d.oligo)
        table.add_row(str(d.rank), d.oligo, escape(d.location.label), f"{100 * d.gc:.0f}",
                      f"{d.score:.2f}", txc, gc, escape(", ".join(d.flags)) or "ok")  # fmt: skip
    print_table(table, sequences=oligos, copy_hint="use --json or --out DIR")
    for note in result.notes:
        console.print(f"note: {escape(note)}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `vivo rna` to the vivo app."""
    app.add_typer(rna_app, name="rna")
