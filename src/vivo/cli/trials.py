"""`vivo trials`: gene and cell therapy trials on ClinicalTrials.gov for a disease or gene."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from vivo.cli import validate as v
from vivo.cli.output import console, emit, err_console


class StatusOpt(StrEnum):
    """A study's overall status (API v2 names in lower case)."""

    recruiting = "recruiting"
    not_yet_recruiting = "not_yet_recruiting"
    active_not_recruiting = "active_not_recruiting"
    enrolling_by_invitation = "enrolling_by_invitation"
    completed = "completed"
    suspended = "suspended"
    terminated = "terminated"
    withdrawn = "withdrawn"
    unknown = "unknown"


class PhaseOpt(StrEnum):
    """A study phase."""

    early1 = "early1"
    p1 = "1"
    p2 = "2"
    p3 = "3"
    p4 = "4"
    na = "na"


class ModalityOpt(StrEnum):
    """The therapy modality vivo infers from a study's interventions."""

    gene_addition = "gene_addition"
    gene_editing = "gene_editing"
    base_editing = "base_editing"
    prime_editing = "prime_editing"
    rna = "rna"
    car_t = "car_t"
    cell_therapy = "cell_therapy"
    other = "other"


class TypeOpt(StrEnum):
    """Intervention types asked of the service."""

    genetic = "genetic"
    biological = "biological"
    drug = "drug"
    procedure = "procedure"
    any = "any"


_STATUS_HELP = (
    "repeatable (default: recruiting, not yet recruiting, enrolling by invitation, active)"
)
_URL_HELP = "API v2 base URL (default: $VIVO_TRIALS_URL or https://clinicaltrials.gov/api/v2)"


def trials(
    gene: Annotated[
        str | None, typer.Argument(help="gene or product name, searched in every field")
    ] = None,
    disease: Annotated[
        str | None, typer.Option("--disease", help="condition, e.g. 'sickle cell disease'")
    ] = None,
    intervention: Annotated[
        str | None, typer.Option("--intervention", help="intervention name, e.g. exa-cel")
    ] = None,
    status: Annotated[
        list[StatusOpt] | None,
        typer.Option("--status", help=_STATUS_HELP),
    ] = None,
    phase: Annotated[list[PhaseOpt] | None, typer.Option("--phase", help="repeatable")] = None,
    modality: Annotated[
        list[ModalityOpt] | None,
        typer.Option("--modality", help="repeatable; inferred by vivo from the interventions"),
    ] = None,
    age: Annotated[
        float | None,
        v.float_option("--age", min=0, max=120, help="patient age, years (eligibility)"),
    ] = None,
    country: Annotated[
        list[str] | None, typer.Option("--country", help="a site country, repeatable")
    ] = None,
    itype: Annotated[
        list[TypeOpt] | None,
        typer.Option("--type", help="intervention types asked (default: genetic, biological)"),
    ] = None,
    fmt: v.FormatOpt = v.TableFormat.table,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON (as --format json)")] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="use only the cached answer (says how old it is)")
    ] = False,
    api_url: Annotated[
        str | None,
        typer.Option("--api-url", help=_URL_HELP),
    ] = None,
    max_studies: Annotated[
        int, v.int_option("--max", min=1, max=10_000, help="most studies fetched")
    ] = 500,
    timeout: Annotated[
        float, v.float_option("--timeout", min=0, max=600, min_open=True, help="seconds")
    ] = 30.0,
) -> None:
    """Find gene and cell therapy trials on ClinicalTrials.gov (API v2), with vivo's modality."""
    from vivo.knowledge.trials import DEFAULT_STATUSES, parse_phase, parse_status
    from vivo.workflows.trials import TrialsRequest, find_trials

    types = [t.value for t in itype or (TypeOpt.genetic, TypeOpt.biological)]
    req = TrialsRequest(
        disease=disease or "",
        gene=gene or "",
        intervention=intervention or "",
        statuses=tuple(parse_status(s.value) for s in status) if status else DEFAULT_STATUSES,
        phases=tuple(parse_phase(p.value) for p in phase or ()),
        modalities=tuple(m.value for m in modality or ()),
        age_years=age,
        countries=tuple(country or ()),
        intervention_types=() if "any" in types else tuple(t.upper() for t in types),
        mode="offline" if offline else "online",
        api_url=api_url,
        max_studies=max_studies,
        timeout_s=timeout,
    )
    result = find_trials(req)
    if fmt == "tsv" and not as_json:
        sys.stdout.write(_tsv(result))
        _print_notes(result)  # on stderr: a cut-off answer or skipped records are never silent
        return
    emit(result.to_dict(), as_json=as_json or fmt == "json", render=lambda: _render(result))


_COLUMNS = ("nct_id", "status", "phase", "modality", "rule", "product", "ages", "sponsor",
            "countries", "start", "completion", "title", "url")  # fmt: skip


def _row(s: Any) -> tuple[str, ...]:
    return (
        s.nct_id, s.status.lower(), s.phase_label, s.modality.modality, s.modality.rule,
        ",".join(s.products), s.age_label, s.sponsor, ",".join(s.countries), s.start_date,
        s.completion_date, s.title, s.url,
    )  # fmt: skip


def _clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def _tsv(result: Any) -> str:
    lines = [f"# {_header(result)}", "\t".join(_COLUMNS)]
    lines += ["\t".join(_clean(c) for c in _row(s)) for s in result.studies]
    return "\n".join(lines) + "\n"


def _header(result: Any) -> str:
    where = "cache" if result.source == "cache" else result.base_url
    total = f", {result.total_count:,} in total" if result.total_count is not None else ""
    return (
        f"{len(result.studies)} shown of {result.fetched} studies fetched{total}; from {where}, "
        f"{result.age_text()}"
    )


def _print_notes(result: Any) -> None:
    for note in (*result.notes, *result.skipped):
        err_console.print(f"note: {note}", style="yellow", markup=False, highlight=False)


def _render(result: Any) -> None:
    from rich.table import Table

    from vivo.cli.output import print_table

    table = Table(title=_header(result), title_justify="left")
    for col in ("NCT id", "status", "phase", "modality (rule)", "ages", "sponsor", "countries",
                "title"):  # fmt: skip
        table.add_column(col, overflow="fold")
    for s in result.studies:
        label = s.modality.modality.replace("_", " ")
        rule = f"{s.modality.rule}: {','.join(s.products)}" if s.products else s.modality.rule
        table.add_row(
            f"[link={s.url}]{s.nct_id}[/link]", s.status.lower().replace("_", " "), s.phase_label,
            f"{label} ({rule})", s.age_label, s.sponsor or "—",
            ", ".join(s.countries[:4]) + (" …" if len(s.countries) > 4 else ""), s.title,
        )  # fmt: skip
    print_table(table, copy_hint="use --format tsv or --json")
    _print_notes(result)
    if not result.studies:
        console.print("no study passes the filters", style="dim")


def register(app: typer.Typer) -> None:
    """Add `vivo trials` to the vivo app."""
    app.command("trials")(trials)
