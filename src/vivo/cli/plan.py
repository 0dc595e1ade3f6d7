"""`vivo plan`: the therapy dossier (terminal summary, plan.json, offline HTML report)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from vivo.cli._progress import progress_reporter
from vivo.cli.output import console, emit, err_console
from vivo.cli.validate import (
    Force,
    Seed,
    float_option,
    genome_option,
    input_file_option,
    int_option,
    output_dir_option,
)
from vivo.io.atomic import check_output_dir


class ZygosityOpt(StrEnum):
    """How many copies of the variant the patient carries."""

    homozygous = "homozygous"
    heterozygous = "heterozygous"
    hemizygous = "hemizygous"
    compound_heterozygous = "compound_heterozygous"


class TrialsOpt(StrEnum):
    """Where the dossier's clinical-trials section comes from."""

    cache = "cache"
    online = "online"
    off = "off"


class ExonChangeOpt(StrEnum):
    """What happened to the exons given by --exons."""

    deletion = "del"
    duplication = "dup"


class SexOpt(StrEnum):
    """The patient's sex (X-linked diseases)."""

    female = "female"
    male = "male"


def plan(
    gene: Annotated[
        str | None,
        typer.Argument(
            help="gene symbol, e.g. HBB, or a whole variant (HBB:c.20A>T, NM_000518.5:c.20A>T, "
            "NC_000011.10:g.5227002T>A); omit for an acquired disease (--disease)"
        ),
    ] = None,
    variant: Annotated[str | None, typer.Argument(help="HGVS c. variant, e.g. 'c.20A>T'")] = None,
    variant2: Annotated[
        str | None,
        typer.Argument(help="the other allele's variant (two variants: compound heterozygous)"),
    ] = None,
    exons: Annotated[
        str | None,
        typer.Option(
            "--exons",
            help="whole exons deleted (or duplicated: --exon-change dup) by number, e.g. 48-50 "
            "(DMD; in place of a variant)",
        ),
    ] = None,
    exon_change: Annotated[
        ExonChangeOpt,
        typer.Option("--exon-change", help="what happened to --exons: del or dup"),
    ] = ExonChangeOpt.deletion,
    zygosity: Annotated[
        ZygosityOpt | None,
        typer.Option("--zygosity", help="copies of the variant (default: assumed and stated)"),
    ] = None,
    sex: Annotated[SexOpt | None, typer.Option("--sex", help="patient sex (X-linked)")] = None,
    disease: Annotated[
        str | None,
        typer.Option("--disease", help="disease name (default: resolved from the genotype)"),
    ] = None,
    tissue: Annotated[
        str | None, typer.Option("--tissue", help="target tissue override, e.g. liver")
    ] = None,
    genome: Annotated[
        str | None,
        genome_option(
            "--genome", help="FASTA, 2bit or GenBank (default: bundled beta-globin locus)"
        ),
    ] = None,
    annotation: Annotated[str | None, input_file_option("--annotation", help="GTF/GFF3")] = None,
    vcf: Annotated[
        str | None,
        input_file_option(
            "--vcf",
            help="the patient's VCF: variants and zygosity of --gene from its genotypes "
            "(GRCh38/GRCh37 chr11 on the bundled locus)",
        ),
    ] = None,
    gene_opt: Annotated[
        str | None, typer.Option("--gene", help="gene symbol (same as the GENE argument)")
    ] = None,
    sample: Annotated[
        str | None, typer.Option("--sample", help="VCF sample (default: the only one)")
    ] = None,
    assembly: Annotated[
        str | None,
        typer.Option("--assembly", help="GRCh38 or GRCh37 of --vcf (default: from its header)"),
    ] = None,
    offtarget_genome: Annotated[
        str | None,
        typer.Option(
            "--offtarget-genome",
            help="indexed genome (vivo genome add) searched for off-targets of the designed "
            "guides (default: the locus in use)",
        ),
    ] = None,
    offtarget_home: Annotated[
        str | None, typer.Option("--offtarget-home", help="folder of the genome indexes")
    ] = None,
    age: Annotated[
        float | None, float_option("--age", min=0, max=120, help="patient age, years")
    ] = None,
    weight: Annotated[
        float | None,
        float_option("--weight", min=0.5, max=350, help="patient weight, kg (sets doses)"),
    ] = None,
    anti_aav: Annotated[
        bool | None,
        typer.Option("--anti-aav/--no-anti-aav", help="pre-existing anti-AAV antibodies"),
    ] = None,
    siblings: Annotated[
        int | None,
        int_option("--siblings", min=0, max=30, help="full siblings (possible HSC donors)"),
    ] = None,
    prior_lines: Annotated[
        int | None,
        int_option("--prior-lines", min=0, max=20, help="prior lines of therapy (cancers)"),
    ] = None,
    matched_sibling: Annotated[
        bool | None,
        typer.Option(
            "--matched-sibling/--no-matched-sibling",
            help="an HLA-identical sibling is known to exist (or not)",
        ),
    ] = None,
    trials: Annotated[
        TrialsOpt,
        typer.Option(
            "--trials",
            help="clinical trials section: cache (what `vivo trials` cached; no network), "
            "online (ask ClinicalTrials.gov) or off",
        ),
    ] = TrialsOpt.cache,
    trials_api_url: Annotated[
        str | None,
        typer.Option("--trials-api-url", help="ClinicalTrials.gov API v2 base URL (a mirror)"),
    ] = None,
    out: Annotated[
        str | None,
        output_dir_option("--out", help="output folder (default: vivo-plan-GENE-VARIANT)"),
    ] = None,
    force: Force = False,
    seed: Seed = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print plan.json to stdout")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress display")] = False,
) -> None:
    """Plan a gene or cell therapy: genotype, decision flow, ranked strategies, designs, dossier."""
    from vivo.planning import PatientFacts
    from vivo.workflows.plan import PlanRequest, default_out_dir, run_plan, write_dossier

    if gene_opt and gene and gene_opt.upper() != gene.upper():
        from vivo.core.errors import InputError

        raise InputError(f"two genes given: {gene} and --gene {gene_opt}", hint="give one")
    req = PlanRequest(
        gene=gene or gene_opt or "",
        vcf=vcf,
        sample=sample,
        assembly=assembly,
        variant=variant,
        second_variant=variant2,
        exons=exons,
        exon_change=exon_change.value,
        zygosity=zygosity.value if zygosity else "unknown",
        disease=disease,
        tissue=tissue,
        genome=genome,
        annotation=annotation,
        seed=seed,
        offtarget_genome=offtarget_genome,
        offtarget_home=offtarget_home,
        trials=trials.value,
        trials_api_url=trials_api_url,
        patient=PatientFacts(
            age_years=age,
            weight_kg=weight,
            anti_aav_antibodies=anti_aav,
            sex=sex.value if sex else "unknown",
            siblings=siblings,
            matched_sibling=matched_sibling,
            prior_lines=prior_lines,
        ),
    )
    target = out or default_out_dir(req)
    if out is None:
        check_output_dir(target, force=force)  # before any work, like --out
    with progress_reporter(quiet=quiet or as_json) as progress:
        result = run_plan(req, progress=progress)
    for w in (result.variant or {}).get("warnings", ()):  # e.g. another transcript version
        err_console.print(f"vivo: warning: {w}", markup=False, highlight=False, soft_wrap=True)
    paths = write_dossier(result, target, force=force)
    emit(result.to_dict(), as_json=as_json, render=lambda: _render(result, paths))


def _render(result: object, paths: dict[str, str]) -> None:
    from rich.table import Table

    from vivo.workflows.plan import PlanResult

    assert isinstance(result, PlanResult)
    plan = result.plan
    variants = " + ".join(v.hgvs for v in plan.question.variants)
    console.print(f"[bold]{plan.question.gene}[/] {variants} — {_disease_label(plan)}")
    _print_vcf(result.provenance.get("vcf"))
    for s in plan.steps:
        console.print(f"  [cyan]{s.key:<11}[/] {s.answer}")
    if plan.indication != "therapy":
        for n in plan.notes:
            console.print(f"[dim]{n}[/]")
        console.print(f"report: {paths['report_html']}  plan: {paths['plan_json']}")
        return
    table = Table(title="strategies (best first)")
    for col in ("#", "strategy", "delivery", "precedents", "score", "designs"):
        table.add_column(col)
    for o in plan.feasible:
        ok = [x for x in result.sections if x.option_id == o.id]
        done = sum(1 for x in ok if x.status == "ok")
        table.add_row(
            str(o.rank),
            o.title,
            o.delivery.replace("_", " "),
            ", ".join(p.name for p in o.precedents[:3]) or "—",
            f"{o.score:.0f}",
            f"{done}/{len(ok)} engines ran" if ok else "no designs",
        )
    console.print(table)
    for o in plan.options:
        if o.feasibility == "impossible":
            console.print(f"  [dim]ruled out:[/] {o.title}: {o.reason_impossible}")
    for n in plan.notes:
        console.print(f"[dim]{n}[/]")
    for n in plan.not_covered:
        console.print(f"[dim]not covered: {n}[/]")
    if result.trials is not None:
        console.print(f"[dim]trials: {result.trials.message}[/]", highlight=False)
    console.print(f"dossier: {paths['report_html']}  plan: {paths['plan_json']}")


def _print_vcf(vcf: dict[str, Any] | None) -> None:
    """Where the genotype came from when it was read from a VCF."""
    if not vcf:
        return
    console.print(
        f"[dim]from {vcf['path']} sample {vcf['sample']}"
        + (f" ({vcf['assembly']})" if vcf["assembly"] else "")
        + f": {vcf['zygosity'].replace('_', ' ')}[/]",
        highlight=False,
    )
    for n in vcf["notes"]:
        console.print(f"[dim]{n}[/]", highlight=False)


def _disease_label(plan: object) -> str:
    from vivo.planning import Plan

    assert isinstance(plan, Plan)
    if plan.disease:
        return plan.disease.name
    if plan.acquired:
        return f"{plan.acquired.name} (acquired)"
    return plan.genotype.name if plan.genotype else "no disease"


def register(app: typer.Typer) -> None:
    """Add `vivo plan` to the vivo app."""
    app.command("plan")(plan)
