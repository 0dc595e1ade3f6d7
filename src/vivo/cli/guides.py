"""`vivo guides` (design, score and rank guide RNAs) and `vivo nucleases` (the catalog)."""

from __future__ import annotations

import math
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from vivo.cli import validate as v
from vivo.cli.output import console, emit, print_table, sequence_table

JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]


class PamSide(StrEnum):
    """Where a custom PAM lies relative to the protospacer."""

    three_prime = "3prime"
    five_prime = "5prime"


def _model_names() -> list[str]:
    from vivo.editing.scoring import MODELS

    return list(MODELS)


def _weights(value: str) -> Any:
    """``--weights``: ``name=value`` pairs, each finite, 0..1000, not all zero."""
    from vivo.editing.ranking import RankingWeights

    if not value:
        return RankingWeights()
    w = v.as_bad_parameter(lambda: RankingWeights.parse(value))
    numbers = w.to_dict()
    bad = [f"{k}={x!r}" for k, x in numbers.items() if not (math.isfinite(x) and 0 <= x <= 1000)]
    if bad:
        raise typer.BadParameter(f"{', '.join(bad)}: each weight must be a finite number 0..1000")
    if not any(numbers[k] for k in ("efficiency", "specificity", "flags", "distance")):
        raise typer.BadParameter("at least one of the four weights must be above 0")
    return w


def guides(
    gene: Annotated[str | None, typer.Argument(help="gene name, e.g. HBB")] = None,
    nuclease: Annotated[
        str, typer.Option("--nuclease", "-n", help="built-in nuclease (see `vivo nucleases`)")
    ] = "SpCas9",
    exon: Annotated[
        int | None, v.int_option("--exon", min=1, max=10_000, help="exon number (transcript order)")
    ] = None,
    around: Annotated[
        str | None, typer.Option(help="position or variant: c.20, c.92+1, g.62206, c.20A>T")
    ] = None,
    window: Annotated[
        int, v.int_option("--window", min=1, max=100_000, help="bp each side of --around")
    ] = 50,
    region: Annotated[str | None, typer.Option(help="contig:start-end (1-based)")] = None,
    genome: Annotated[
        str | None, v.genome_option("--genome", help="FASTA, 2bit, GenBank or a fetched genome")
    ] = None,
    annotation: Annotated[
        str | None, v.input_file_option("--annotation", help="GTF/GFF3 for --genome")
    ] = None,
    model: Annotated[
        list[str] | None,
        v.choice_option("--model", "-m", choices=_model_names, help="score model (repeatable)"),
    ] = None,
    spacer_length: Annotated[
        int | None, v.int_option("--spacer-length", min=10, max=60, help="spacer length in nt")
    ] = None,
    pam: Annotated[
        str | None, typer.Option(help="custom IUPAC PAM (defines a nuclease named --nuclease)")
    ] = None,
    pam_side: Annotated[
        PamSide, typer.Option("--pam-side", help="where a custom --pam lies")
    ] = PamSide.three_prime,
    alt_pams: Annotated[bool, typer.Option(help="include alternative PAMs (e.g. NAG)")] = False,
    site: Annotated[
        list[str] | None, typer.Option("--site", help="restriction site to flag: BsmBI or SEQ")
    ] = None,
    weights: Annotated[
        Any,
        typer.Option(
            parser=_weights,
            metavar="TEXT",
            help="ranking weights, e.g. efficiency=1,flags=0.5,distance=1",
        ),
    ] = "",
    top: Annotated[
        int | None, v.int_option("--top", min=1, max=v.MAX_COUNT, help="show only the best N")
    ] = None,
    offtarget_genome: Annotated[
        str | None,
        typer.Option("--offtarget-genome", help="indexed genome (vivo genome add) for specificity"),
    ] = None,
    mismatches: Annotated[
        int, v.int_option("--mismatches", min=0, max=6, help="off-target mismatches")
    ] = 4,
    offtarget_home: Annotated[
        str | None, typer.Option("--offtarget-home", help="index folder of --offtarget-genome")
    ] = None,
    fmt: v.FormatOpt = v.TableFormat.table,
    out: Annotated[
        str | None,
        v.output_file_option(
            "--out",
            "-o",
            suffixes=(".tsv", ".json", ".bed"),
            help="write to a .tsv, .json or .bed file",
        ),
    ] = None,
    force: v.Force = False,
    as_json: JsonOpt = False,
) -> None:
    """Find, score and rank guide RNAs in a gene, exon, region or around a variant."""
    from vivo.workflows.guides import GuideRequest, design_guides, write_guides

    request = GuideRequest(
        gene=gene, nuclease=nuclease, exon=exon, around=around, window_bp=window,
        region=region, genome=genome, annotation=annotation,
        models=tuple(model) if model else None, spacer_length=spacer_length,
        include_alt_pams=alt_pams, restriction_sites=tuple(site or ()),
        weights=weights, top=top, pam=pam, pam_side=pam_side.value,
        offtarget_genome=offtarget_genome, offtarget_mismatches=mismatches,
        offtarget_home=offtarget_home,
    )  # fmt: skip
    result = design_guides(request)
    if out:
        path = write_guides(result, out, force=force)
        console.print(f"wrote {len(result.ranked)} guides to {path}", highlight=False)
    elif fmt == "tsv" and not as_json:
        sys.stdout.write(result.to_tsv())
    else:
        emit(result.to_dict(), as_json=as_json or fmt == "json", render=lambda: _render(result))


def _render(result: object) -> None:
    from rich import box

    from vivo.workflows.guides import GuideResult

    assert isinstance(result, GuideResult)
    short = [_SHORT.get(m, m) for m in result.models]
    ot = result.offtargets
    cols = ["#", "spacer", "PAM", "±", "cut", "score", *short, "dist"]
    cols += ["off-targets by mm", "CFD spec."] if ot is not None else []
    cols.append("flags")
    table = sequence_table(
        cols, ("spacer", "PAM"), title=f"{result.nuclease.name} guides in "
        f"{result.locus.to_ucsc()} ({len(result.ranked)} of {result.total_found})",
        box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
    )  # fmt: skip
    for col in table.columns:
        col.justify = "left" if col.header in ("spacer", "flags") else "right"
    for r in result.ranked:
        g = r.guide
        scores = [_fmt(g.score(m)) for m in result.models]
        dist = "" if g.target_distance_bp is None else str(g.target_distance_bp)
        extra = []
        if ot is not None:
            o = ot.get(g.guide_id, {})
            extra = ["/".join(map(str, o.get("offtargets_by_mismatches", []))),  # type: ignore[call-overload]
                     f"{o.get('cfd_specificity', float('nan')):.3f}"]  # fmt: skip
        table.add_row(
            str(r.rank), g.spacer, g.pam, str(g.strand), str(g.cut_site),
            f"{r.composite:.2f}", *scores, dist, *extra, ",".join(g.flags),
        )  # fmt: skip
    print_table(table, sequences=[r.guide.spacer for r in result.ranked])
    w = result.to_dict()["weights"]
    console.print(
        "composite = weighted mean of efficiency, specificity, flags, distance; weights "
        + ", ".join(f"{k}={x:g}" for k, x in w.items()),
        style="dim",
        highlight=False,
        markup=False,
    )
    for note in result.notes:
        console.print(f"note: {note}", style="yellow", highlight=False, markup=False)


_SHORT = {"ruleset1": "RS1", "crisprscan": "CRS", "ruleset3": "RS3", "fold_mfe": "MFE"}


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def nucleases(as_json: JsonOpt = False) -> None:
    """List the built-in nucleases: PAM, side, spacer lengths and cut offsets."""
    from vivo.editing.nucleases import NUCLEASES

    data = {"schema_version": "1", "nucleases": [n.to_dict() for n in NUCLEASES.values()]}

    def render() -> None:
        from rich.table import Table

        table = Table(title="nucleases")
        for col in ("name", "PAM", "side", "spacer", "range", "cut", "alt PAMs", "notes"):
            table.add_column(col)
        for n in NUCLEASES.values():
            alts = ", ".join(f"{p} ({a:.2f})" for p, a in n.alt_pams)
            table.add_row(
                n.name, n.pam, n.pam_side, str(n.spacer_length),
                f"{n.spacer_range[0]}-{n.spacer_range[1]}",
                f"{n.cut_offset}/{n.cut_offset_other}", alts, n.notes,
            )  # fmt: skip
        console.print(table)

    emit(data, as_json=as_json, render=render)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the vivo app."""
    app.command("guides")(guides)
    app.command("nucleases")(nucleases)
