"""`vivo plan`: the therapy dossier (terminal summary, plan.json, offline HTML report)."""

from __future__ import annotations

from typing import Annotated

import typer

from vivo.cli.output import console, emit


def plan(
    gene: Annotated[str, typer.Argument(help="gene symbol, e.g. HBB")],
    variant: Annotated[str | None, typer.Argument(help="HGVS c. variant, e.g. 'c.20A>T'")] = None,
    disease: Annotated[
        str | None,
        typer.Option("--disease", help="disease name (default: looked up from the gene)"),
    ] = None,
    tissue: Annotated[str | None, typer.Option("--tissue", help="target tissue override")] = None,
    genome: Annotated[
        str | None,
        typer.Option(
            "--genome", help="FASTA, 2bit or GenBank (default: bundled beta-globin locus)"
        ),
    ] = None,
    annotation: Annotated[str | None, typer.Option("--annotation", help="GTF/GFF3")] = None,
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
    age: Annotated[float | None, typer.Option("--age", help="patient age, years")] = None,
    weight: Annotated[float | None, typer.Option("--weight", help="patient weight, kg")] = None,
    anti_aav: Annotated[
        bool | None,
        typer.Option("--anti-aav/--no-anti-aav", help="pre-existing anti-AAV antibodies"),
    ] = None,
    out: Annotated[str, typer.Option("--out", help="output folder")] = "vivo-plan",
    seed: Annotated[int, typer.Option("--seed", help="random seed for simulations")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print plan.json to stdout")] = False,
) -> None:
    """Plan a gene or cell therapy: decision flow, ranked strategies, designs, dossier."""
    from vivo.planning import PatientFacts
    from vivo.workflows.plan import PlanRequest, run_plan, write_dossier

    req = PlanRequest(
        gene=gene,
        variant=variant,
        disease=disease,
        tissue=tissue,
        genome=genome,
        annotation=annotation,
        seed=seed,
        offtarget_genome=offtarget_genome,
        offtarget_home=offtarget_home,
        patient=PatientFacts(age_years=age, weight_kg=weight, anti_aav_antibodies=anti_aav),
    )
    result = run_plan(req)
    paths = write_dossier(result, out)
    emit(result.to_dict(), as_json=as_json, render=lambda: _render(result, paths))


def _render(result: object, paths: dict[str, str]) -> None:
    from rich.table import Table

    from vivo.workflows.plan import PlanResult

    assert isinstance(result, PlanResult)
    plan = result.plan
    d = plan.disease
    console.print(
        f"[bold]{plan.question.gene}[/] "
        f"{plan.question.variants[0].hgvs if plan.question.variants else ''}"
        f" — {d.name if d else 'disease not in the knowledge base'}"
    )
    for s in plan.steps:
        console.print(f"  [cyan]{s.key:<11}[/] {s.answer}")
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
            f"{done}/{len(ok)} engines ran",
        )
    console.print(table)
    for o in plan.options:
        if o.feasibility == "impossible":
            console.print(f"  [dim]ruled out:[/] {o.title}: {o.reason_impossible}")
    for n in plan.notes:
        console.print(f"[dim]{n}[/]")
    console.print(f"dossier: {paths['report_html']}  plan: {paths['plan_json']}")


def register(app: typer.Typer) -> None:
    """Add `vivo plan` to the vivo app."""
    app.command("plan")(plan)
