"""`vivo kb …` (knowledge base) and `vivo explain TERM` (glossary)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from vivo.cli.output import console, emit
from vivo.cli.validate import choice_option

JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]
kb_app = typer.Typer(
    help="Browse the knowledge base: products, diseases, vectors, cell types.", no_args_is_help=True
)


def _lines(lines: list[str]) -> Callable[[], None]:
    def render() -> None:
        for line in lines:
            console.print(line)

    return render


def _doc(items: list[Any], key: str) -> dict[str, Any]:
    return {"schema_version": "1", key: [i.to_dict() for i in items]}


def _keys(sources: Any) -> str:
    return ", ".join(s.key for s in sources) or "no source"


def _all_sources(p: Any) -> list[Any]:
    """Every source of a product once: descriptive, status, events, signals."""
    seen: dict[str, Any] = {}
    groups = [p.sources, p.status_sources, *(e.sources for e in p.events)]
    groups += [s.sources for s in p.safety]
    for group in groups:
        for s in group:
            seen.setdefault(s.key, s)
    return list(seen.values())


def _modalities() -> tuple[str, ...]:
    from vivo.knowledge.products import MODALITIES

    return tuple(MODALITIES)


@kb_app.command("products")
def products(
    modality: Annotated[
        str | None, choice_option("--modality", choices=_modalities, help="e.g. gene_editing")
    ] = None,
    target: Annotated[str | None, typer.Option("--target", help="gene or antigen, e.g. F9")] = None,
    delivery: Annotated[
        str | None,
        choice_option(
            "--delivery", choices=lambda: ("in_vivo", "ex_vivo"), help="in_vivo or ex_vivo"
        ),
    ] = None,
    vector: Annotated[str | None, typer.Option("--vector", help="e.g. AAV, LV")] = None,
    current: Annotated[
        bool, typer.Option("--current", help="only products not withdrawn, lapsed or discontinued")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """List approved products with their dated status and safety signals, filtered."""
    from rich.table import Table

    from vivo.knowledge import find_products

    found = find_products(
        modality=modality, target=target, delivery=delivery, vector=vector, current_only=current
    )

    def render() -> None:
        t = Table(title=f"{len(found)} products")
        for c in (
            "brand",
            "modality",
            "delivery",
            "vector",
            "target",
            "first approval",
            "status (as of)",
            "safety signals",
        ):
            t.add_column(c)
        for p in found:
            t.add_row(
                p.brand,
                p.modality,
                p.delivery,
                p.vector_class,
                " ".join(p.target_genes),
                f"{p.agency} {p.first_approval_date}",
                p.status_line(),
                ", ".join(sorted({s.kind.replace("_", " ") for s in p.safety})) or "-",
            )
        console.print(t)

    emit(_doc(found, "products"), as_json=as_json, render=render)


@kb_app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="brand name, e.g. Casgevy")], as_json: JsonOpt = False
) -> None:
    """Show one product: every field, its dated status, events, safety signals and sources."""
    from vivo.knowledge import get_product
    from vivo.knowledge.products import load_product_sources

    p = get_product(name)

    skip = {"sources", "status_sources", "events", "safety", "unverified_fields", "unknown_fields"}
    skip |= {"status", "status_as_of", "status_checked", "status_verified", "status_summary"}

    def render() -> None:
        for k, v in p.to_dict().items():
            if k in skip:
                continue
            mark = " †unverified" if k in p.unverified_fields else ""
            if k in p.unknown_fields:
                v, mark = "unknown", ""
            console.print(f"[bold]{k:>22}[/] {v}{mark}", markup=True, highlight=False)
        console.print(
            f"[bold]{'status':>22}[/] {p.status_line()}, checked {p.status_checked}",
            highlight=False,
        )
        console.print(f"{'':>22} {p.status_summary}", markup=False, highlight=False)
        console.print(f"{'':>22} sources: {_keys(p.status_sources)}", markup=False)
        for e in p.events:
            mark = "" if e.verified else " [unverified]"
            console.print(
                f"{'event':>22} {e.date} {e.region} {e.kind.replace('_', ' ')}{mark}: {e.summary}"
                f" ({_keys(e.sources)})",
                markup=False,
                highlight=False,
            )
        for sig in p.safety:
            console.print(f"[bold red]{'safety':>22}[/] ", end="", markup=True, highlight=False)
            console.print(f"{sig.text()} ({_keys(sig.sources)})", markup=False, highlight=False)
        if not p.safety:
            console.print(f"{'safety':>22} no safety signal recorded", markup=False)
        registry = load_product_sources()
        for s in _all_sources(p):
            kind = registry[s.key].kind if s.key in registry else "?"
            console.print(f"{'source':>22} {s.key} [{kind}]: {s.url}", markup=False)

    emit({"schema_version": "1", "product": p.to_dict()}, as_json=as_json, render=render)


@kb_app.command("disease")
def disease(
    name: Annotated[str, typer.Argument(help="e.g. 'sickle cell disease'")],
    as_json: JsonOpt = False,
) -> None:
    """Show a disease: genes, inheritance, mechanism, target tissue, threshold."""
    from vivo.knowledge import get_disease

    d = get_disease(name)

    def render() -> None:
        for k, v in d.to_dict().items():
            if k != "sources" and v not in ("", [], None):
                console.print(f"[bold]{k:>20}[/] {v}", highlight=False)
        for s in d.sources:
            console.print(f"{'source':>20} {s.key}: {s.url}", markup=False)

    emit({"schema_version": "1", "disease": d.to_dict()}, as_json=as_json, render=render)


@kb_app.command("diseases")
def diseases(as_json: JsonOpt = False) -> None:
    """List every disease the planner knows."""
    from vivo.knowledge import load_diseases

    items = list(load_diseases())
    emit(
        _doc(items, "diseases"),
        as_json=as_json,
        render=_lines(
            [f"{d.name} ({', '.join(d.genes)}): {d.mechanism}, {d.inheritance}" for d in items]
        ),
    )


@kb_app.command("cells")
def cells(as_json: JsonOpt = False) -> None:
    """Cell sources, cell-therapy types and immunotherapy types, and how they differ."""
    from vivo.knowledge import load_cell_types

    items = list(load_cell_types())
    emit(
        _doc(items, "cell_types"),
        as_json=as_json,
        render=_lines([f"[bold]{t.name}[/] [dim]({t.group})[/]: {t.summary}" for t in items]),
    )


@kb_app.command("glossary")
def glossary(as_json: JsonOpt = False) -> None:
    """Every glossary term."""
    from vivo.knowledge import load_glossary

    items = list(load_glossary())
    emit(
        _doc(items, "terms"),
        as_json=as_json,
        render=_lines([f"[bold]{t.term}[/]: {t.definition}" for t in items]),
    )


def explain(
    term: Annotated[list[str], typer.Argument(help="e.g. homology-directed repair")],
    as_json: JsonOpt = False,
) -> None:
    """Explain a term of the field, and where vivo uses it."""
    from vivo.knowledge import explain as lookup

    t = lookup(" ".join(term))

    def render() -> None:
        console.print(f"[bold]{t.term}[/]" + (f" ({', '.join(t.aliases)})" if t.aliases else ""))
        console.print(t.definition)
        console.print(f"[dim]used in: {'; '.join(t.used_in)}[/]")
        for s in t.sources:
            console.print(f"[dim]source {s.key}: {s.url}[/]")

    emit({"schema_version": "1", "term": t.to_dict()}, as_json=as_json, render=render)


def register(app: typer.Typer) -> None:
    """Add `vivo kb` and `vivo explain` to the vivo app."""
    app.add_typer(kb_app, name="kb")
    app.command("explain")(explain)
