"""`vivo edit`: design HDR donors, base edits, pegRNAs or knockout guides for a variant."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from vivo.cli.output import console, emit


def edit(
    query: Annotated[list[str], typer.Argument(help="e.g. HBB c.20A>T (for knockout: a gene)")],
    strategy: Annotated[
        str, typer.Option("--strategy", "-s", help="hdr | base | prime | knockout")
    ] = "hdr",
    goal: Annotated[
        str, typer.Option("--goal", help="correct (patient -> reference) or introduce")
    ] = "correct",
    genome: Annotated[
        str | None, typer.Option("--genome", help="FASTA, 2bit or GenBank (default: bundled)")
    ] = None,
    annotation: Annotated[str | None, typer.Option("--annotation", help="GTF/GFF3")] = None,
    nuclease: Annotated[str, typer.Option("--nuclease", help="e.g. SpCas9, SpRY")] = "SpCas9",
    editor: Annotated[
        list[str] | None, typer.Option("--editor", help="base editor(s); default: all bundled")
    ] = None,
    genbank: Annotated[
        str | None, typer.Option("--genbank", help="HDR: write the best donors as GenBank")
    ] = None,
    max_designs: Annotated[int, typer.Option("--max", help="designs to keep")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of tables")] = False,
) -> None:
    """Design a precise edit or a knockout, validated by in-silico translation."""
    from vivo.workflows.edit import EditRequest, run_edit

    request = EditRequest(
        variant=" ".join(query),
        strategy=strategy,  # type: ignore[arg-type]  # validated by run_edit
        goal=goal,  # type: ignore[arg-type]
        genome=genome,
        annotation=annotation,
        nuclease=nuclease,
        editors=tuple(editor or ()),
        max_designs=max_designs,
        genbank_out=genbank,
    )
    result = run_edit(request)
    data = result.to_dict()
    emit(data, as_json=as_json, render=lambda: _render(data))


def _render(data: dict[str, Any]) -> None:
    from rich.table import Table

    res = data["result"]
    site = res.get("site")
    if site:
        console.print(f"[bold]{site['label']}[/]  desired change {site['desired_change']}")
    rows, columns = _rows(data["strategy"], res)
    table = Table(title=f"vivo edit --strategy {data['strategy']}")
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*[str(x) for x in row])
    console.print(table)
    for note in res.get("notes", []):
        console.print(f"[yellow]note:[/] {note}")
    for path in data["files"]:
        console.print(f"wrote {path}")


def _rows(strategy: str, res: dict[str, Any]) -> tuple[list[list[object]], list[str]]:
    if strategy == "hdr":
        cols = ["guide", "PAM", "str", "cut→edit", "blocking", "ssODN (nt)", "protein"]
        return [
            [d["guide"]["spacer"], d["guide"]["pam"], d["guide"]["strand"], d["cut_to_edit_bp"],
             "; ".join(b["context"] for b in d["blocking_mutations"]) or "edit blocks",
             len(d["ssodn"]["sequence"]), _protein(d["validation"])]
            for d in res["designs"]
        ], cols  # fmt: skip
    if strategy == "base":
        cols = ["editor", "spacer", "PAM", "str", "pos", "outcome", "protein", "bystanders"]
        return [
            [d["editor"], d["spacer"], d["pam"], d["strand"], d["target_protospacer_position"],
             d["outcome"], ", ".join(d["protein_vs_reference"]) or "= reference",
             "; ".join(f"{b['protospacer_position']}:{b['consequence']}" for b in d["bystanders"])
             or "none"]
            for d in res["designs"]
        ], cols  # fmt: skip
    if strategy == "prime":
        cols = ["spacer", "str", "nick→edit", "PBS", "RTT", "PAM off", "ngRNA", "protein"]
        return [
            [p["spacer"], p["strand"], p["edit_distance_nt"], p["pbs"], p["rtt"],
             "yes" if p["pam_disrupted"] or p["silent_edits"] else "no",
             (f"{p['nicking_guides'][0]['kind']} {p['nicking_guides'][0]['distance_bp']:+d}"
              if p["nicking_guides"] else "—"),
             _protein(p["validation"])]
            for p in res["pegrnas"]
        ], cols  # fmt: skip
    cols = ["guide", "PAM", "str", "frameshift", "knockout", "top outcome"]
    return [
        [d["guide"]["spacer"], d["guide"]["pam"], d["guide"]["strand"],
         f"{d['frameshift_fraction']:.2f}", f"{d['knockout']['knockout_probability']:.2f}",
         d["top_outcomes"][0]["label"] if d["top_outcomes"] else "—"]
        for d in res["designs"]
    ], cols  # fmt: skip


def _protein(validation: dict[str, Any]) -> str:
    diffs = validation["protein_vs_reference"]
    ok = "✓" if validation["reaches_goal"] else "✗"
    return f"{ok} {', '.join(diffs)}"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the vivo app."""
    app.command("edit")(edit)
