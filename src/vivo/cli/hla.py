"""`vivo hla match` and `vivo hla donors`: HLA donor-recipient matching and donor odds."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from vivo.cli.output import console, emit, print_table, sequence_table
from vivo.cli.validate import int_option

JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of tables")]


def match(
    recipient: Annotated[
        str, typer.Option("--recipient", help='typing, e.g. "A*02:01 A*01:01 B*08:01 B*44:02 ..."')
    ],
    donor: Annotated[str, typer.Option("--donor", help="the donor's typing, same form")],
    single_is_homozygous: Annotated[
        bool,
        typer.Option(
            "--single-is-homozygous",
            help="a locus given once is homozygous (default: refused; write it twice)",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Match grade (x/8, x/10, x/12), per-locus matches and mismatch directions (GvH/HvG)."""
    from vivo.cells.hla import match as match_typings
    from vivo.cells.hla import parse_typing

    rec = parse_typing(recipient, single_as_homozygous=single_is_homozygous)
    don = parse_typing(donor, single_as_homozygous=single_is_homozygous)
    result = match_typings(rec, don)
    data = result.to_dict()
    emit(data, as_json=as_json, render=lambda: _render_match(data))


def _render_match(data: dict[str, Any]) -> None:
    grades = "  ".join(f"{g['label']}" for g in data["grades"])
    cols = ("locus", "recipient", "donor", "allele", "antigen", "direction", "mismatched")
    table = sequence_table(cols, ("recipient", "donor"), title=f"HLA match: {grades}")
    names: list[str] = []
    for lm in data["loci"]:
        allele = "?" if lm["allele_matches"] is None else f"{lm['allele_matches']}/2"
        shown = ", ".join(
            f"{m['allele']} ({m['direction']}, {m['level']})" for m in lm["mismatches"]
        )
        names += lm["recipient"] + lm["donor"]
        table.add_row(
            f"HLA-{lm['locus']}",
            " ".join(lm["recipient"]),
            " ".join(lm["donor"]),
            allele,
            f"{'?' if lm['antigen_matches'] is None else lm['antigen_matches']}/2",
            lm["direction"],
            shown or "—",
        )
    print_table(table, sequences=names, copy_hint="use --json")
    notes = [f"HLA-{lm['locus']}: {n}" for lm in data["loci"] for n in lm["notes"]]
    for note in notes + data["notes"]:
        console.print(f"• {note}", highlight=False)
    console.print(
        "GvH: a recipient allele the donor lacks (graft-versus-host direction); "
        "HvG: a donor allele the recipient lacks (rejection direction).",
        highlight=False,
    )


def donors(
    siblings: Annotated[
        int, int_option("--siblings", min=0, max=100, help="number of full siblings")
    ],
    ancestry: Annotated[
        str | None,
        typer.Option(
            "--ancestry",
            help="patient ancestry for the registry odds: a broad group of Dehn 2015 (white, "
            "hispanic, asian-pacific-islander, african-american) or one of the 21 detailed "
            "groups of Gragert 2014 by NMDP code or name (eurcau, scamb, chinese, mexican ...)",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Odds of an HLA-identical sibling (Mendelian) and of a matched unrelated donor."""
    from vivo.cells.hla import registry_match_likelihood, sibling_match_probability
    from vivo.core.errors import InputError

    reg = None
    if ancestry is not None:
        try:
            reg = registry_match_likelihood(ancestry)
        except InputError as exc:
            raise InputError(
                f"unknown --ancestry {ancestry.strip()[:60]!r}", hint=exc.hint
            ) from exc
    odds = sibling_match_probability(siblings)
    data: dict[str, Any] = {
        "schema_version": "1",
        "siblings": siblings,
        "per_sibling": {
            "identical": str(odds.identical),
            "haploidentical": str(odds.haploidentical),
            "none_shared": str(odds.none_shared),
        },
        "identical_sibling_at_least_one": {
            "fraction": str(odds.identical_at_least_one),
            "probability": float(odds.identical_at_least_one),
        },
        "haploidentical_sibling_at_least_one": {
            "fraction": str(odds.haploidentical_at_least_one),
            "probability": float(odds.haploidentical_at_least_one),
        },
        "assumptions": "1 - (3/4)^N; four distinct parental haplotypes; recombination within "
        "the HLA region ignored (it lowers the true figure slightly)",
        "unrelated": None,
    }
    if reg is not None:
        data["unrelated"] = _registry_dict(reg)
    emit(data, as_json=as_json, render=lambda: _render_donors(data))


def _registry_dict(reg: Any) -> dict[str, Any]:
    return {
        "ancestry": reg.ancestry,
        "label": reg.label,
        "study": reg.study,
        "code": reg.code,
        "registry": reg.registry,
        "as_of": reg.as_of,
        "rates": reg.rates,
        "how_read": reg.how_read,
        "sources": list(reg.sources),
        "notes": list(reg.notes),
        "broad_group": None if reg.broad is None else _registry_dict(reg.broad),
    }


def _render_donors(data: dict[str, Any]) -> None:
    n = data["siblings"]
    ident = data["identical_sibling_at_least_one"]
    haplo = data["haploidentical_sibling_at_least_one"]
    console.print(
        f"{n} full sibling(s): P(at least one HLA-identical) = {ident['fraction']} "
        f"({ident['probability']:.1%}); P(at least one haploidentical) = "
        f"{haplo['fraction']} ({haplo['probability']:.1%})",
        highlight=False,
    )
    console.print(f"  per sibling: identical 1/4, haploidentical 1/2; {data['assumptions']}")
    reg = data["unrelated"]
    if reg is None:
        console.print("  (add --ancestry for the odds of a matched unrelated donor)")
        return
    _render_registry(reg)
    broad = reg["broad_group"]
    if broad is not None:
        console.print(
            f"Context: the broad group that contains {reg['label']} ({broad['study']}, another "
            "cohort and model):",
            highlight=False,
        )
        _render_registry(broad)


def _render_registry(reg: dict[str, Any]) -> None:
    title = (
        f"Unrelated donor, {reg['label']} ({reg['study']}): {reg['registry']}, as of {reg['as_of']}"
    )
    if not reg["rates"]:
        console.print(f"{title}: no per-group figure bundled", highlight=False)
    else:
        table = Table(title=title)
        table.add_column("grade")
        table.add_column("patients with a donor", justify="right")
        table.add_column("how read")
        for grade, rate in reg["rates"].items():
            how = reg["how_read"].get(grade, "")
            table.add_row(grade, f"{rate:.0%}", how.split(":")[0].split(" (")[0])
        console.print(table)
        for grade, how in reg["how_read"].items():
            if ":" in how:  # a figure read at second hand says how, in full
                console.print(f"how read, {grade}: {how}", highlight=False)
    for s in reg["sources"]:
        console.print(f"source: {s}", highlight=False)
    for note in reg["notes"]:
        console.print(f"• {note}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``hla`` command group to the vivo app."""
    sub = typer.Typer(
        help="Allogeneic donors: HLA matching and the odds of finding a donor.",
        no_args_is_help=True,
    )
    sub.command("match")(match)
    sub.command("donors")(donors)
    app.add_typer(sub, name="hla")
