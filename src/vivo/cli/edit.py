"""`vivo edit`: design HDR donors, base edits, pegRNAs or knockout guides for a variant."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from vivo.cli import validate as v
from vivo.cli.output import console, emit, print_table, sequence_table


class Strategy(StrEnum):
    """How the edit is made."""

    hdr = "hdr"
    base = "base"
    prime = "prime"
    knockout = "knockout"


class Goal(StrEnum):
    """Correct the patient's allele (patient -> reference) or introduce the variant."""

    correct = "correct"
    introduce = "introduce"


def _editor_names() -> list[str]:
    from vivo.editing.base_editing import editor_names

    return editor_names()


def edit(
    query: Annotated[list[str], typer.Argument(help="e.g. HBB c.20A>T (for knockout: a gene)")],
    strategy: Annotated[
        Strategy, typer.Option("--strategy", "-s", case_sensitive=False, help="how to edit")
    ] = Strategy.hdr,
    goal: Annotated[
        Goal, typer.Option("--goal", case_sensitive=False, help="patient -> reference, or not")
    ] = Goal.correct,
    genome: Annotated[
        str | None,
        v.genome_option("--genome", help="FASTA, 2bit or GenBank (default: bundled)"),
    ] = None,
    annotation: Annotated[str | None, v.input_file_option("--annotation", help="GTF/GFF3")] = None,
    nuclease: Annotated[str, typer.Option("--nuclease", help="e.g. SpCas9, SpRY")] = "SpCas9",
    editor: Annotated[
        list[str] | None,
        v.choice_option("--editor", choices=_editor_names, help="base editor(s); default: all"),
    ] = None,
    genbank: Annotated[
        str | None,
        v.output_file_option(
            "--genbank",
            suffixes=(".gb", ".gbk", ".genbank"),
            help="HDR: write the best donors as GenBank (.gb)",
        ),
    ] = None,
    max_designs: Annotated[
        int, v.int_option("--max", min=1, max=1000, help="designs to keep")
    ] = 10,
    force: v.Force = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of tables")] = False,
) -> None:
    """Design a precise edit or a knockout, validated by in-silico translation."""
    from vivo.workflows.edit import EditRequest, run_edit

    request = EditRequest(
        variant=" ".join(query), strategy=strategy.value, goal=goal.value,
        genome=genome, annotation=annotation, nuclease=nuclease, editors=tuple(editor or ()),
        max_designs=max_designs, genbank_out=genbank,
    )  # fmt: skip
    data = run_edit(request).to_dict()
    emit(data, as_json=as_json, render=lambda: _render(data))


_SEQUENCE_COLUMNS = ("guide", "spacer", "PAM", "PBS", "RTT")


def _render(data: dict[str, Any]) -> None:
    res = data["result"]
    site = res.get("site")
    if site:
        console.print(f"[bold]{site['label']}[/]  desired change {site['desired_change']}")
    rows, columns = _rows(data["strategy"], res)
    table = sequence_table(
        columns, _SEQUENCE_COLUMNS, title=f"vivo edit --strategy {data['strategy']}"
    )
    for row in rows:
        table.add_row(*[str(x) for x in row])
    seq_index = [i for i, c in enumerate(columns) if c in _SEQUENCE_COLUMNS]
    print_table(
        table, sequences=[str(row[i]) for row in rows for i in seq_index], copy_hint="use --json"
    )
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
