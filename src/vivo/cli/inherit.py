"""`vivo inherit`: offspring risks from the parents' genotypes."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from vivo.cli.output import console, emit
from vivo.cli.validate import choice_option
from vivo.variants.inheritance import MODES, offspring_risk

_STATUSES = ("noncarrier", "non-carrier", "unaffected", "carrier", "affected", "heterozygous",
             "homozygous", "hemizygous")  # fmt: skip


def inherit(
    mode: Annotated[
        str,
        choice_option(
            "--mode", choices=lambda: MODES, help="recessive, dominant, x-recessive or x-dominant"
        ),
    ],
    mother: Annotated[
        str,
        choice_option(
            "--mother",
            choices=lambda: _STATUSES,
            help="noncarrier, carrier, affected (or homozygous)",
        ),
    ],
    father: Annotated[
        str,
        choice_option(
            "--father", choices=lambda: _STATUSES, help="noncarrier/unaffected, carrier, affected"
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Offspring genotype and phenotype probabilities, with carrier status explained."""
    r = offspring_risk(mode, mother=mother, father=father)
    data = {
        "schema_version": "1",
        "mode": r.mode,
        "mother": r.mother,
        "father": r.father,
        "offspring": [
            {
                "sex": c.sex,
                "genotype": c.genotype,
                "phenotype": c.phenotype,
                "probability": float(c.probability),
                "fraction": str(c.probability),
            }
            for c in r.classes
        ],
        "explanation": r.explanation,
    }

    def render() -> None:
        table = Table(title=f"{r.mode} inheritance: mother {r.mother} × father {r.father}")
        for col in ("child", "genotype", "phenotype", "probability"):
            table.add_column(col)
        for c in r.classes:
            table.add_row(
                c.sex, c.genotype, c.phenotype, f"{c.probability} ({float(c.probability):.0%})"
            )
        console.print(table)
        console.print(r.explanation)

    emit(data, as_json=as_json, render=render)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the vivo app."""
    app.command("inherit")(inherit)
