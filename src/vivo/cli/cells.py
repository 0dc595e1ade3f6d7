"""`vivo cells …`: collection plans and label doses of approved autologous cell products.

``vivo cells dose --product Casgevy --weight 60 --age 14`` plans the CD34⁺ collection of an HSC
gene therapy (mobilisation, cells to collect with the back-up, apheresis days and cycles at the
published yields, conditioning); ``vivo cells dose --product Kymriah --weight 40 --disease ALL``
gives a CAR-T product's label dose for the weight band with lymphodepletion, vein-to-vein time
and manufacturing failures. ``vivo cells products`` lists what vivo knows. Every number is
printed with its source key (vivo/cells/data/SOURCES.md) and how it was checked.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from vivo.cli.output import console, emit
from vivo.cli.validate import choice_option, float_option

cells_app = typer.Typer(
    help="Cell products: collection plans (HSC gene therapy) and label doses (CAR-T).",
    no_args_is_help=True,
)


def _product_choices() -> list[str]:
    from vivo.cells.manufacturing import load_car_t_products, load_hsc_product_facts

    products = [(p.name, p.aliases) for p in load_hsc_product_facts()]
    products += [(c.name, c.aliases) for c in load_car_t_products()]
    names = [name for name, _ in products]
    seen = {n.lower() for n in names}
    names += [a for _, aliases in products for a in aliases if a.lower() not in seen]
    return names


def _sci(x: float | None) -> str:
    """1.35 × 10^7 for cell numbers; plain for small numbers."""
    if x is None:
        return "-"
    if x == 0 or 1e-3 <= abs(x) < 1e4:
        return f"{x:g}"
    mant, exp = f"{x:.2e}".split("e")
    return f"{float(mant):g} × 10^{int(exp)}"


def _src(c: Any) -> str:
    return f"{c.source} [{c.verified}]" if c is not None else ""


def _range_text(r: Any, unit: str = "") -> str:
    if r is None:
        return "vivo does not know"
    parts = [f"{_sci(r.typical)}{unit} typical" if r.typical is not None else ""]
    if r.low is not None and r.high is not None:
        parts.append(f"range {_sci(r.low)}-{_sci(r.high)}{unit}")
    return ", ".join(p for p in parts if p)


def _counts(t: tuple[int, int, int] | None) -> str:
    if t is None:
        return "-"
    return f"{t[1]} typical (best {t[0]}, worst {t[2]})"


def _table(title: str, rows: list[tuple[str, str, str]]) -> Table:
    table = Table(title=title, show_lines=False)
    table.add_column("item", overflow="fold")
    table.add_column("value", overflow="fold")
    table.add_column("source [how checked]", overflow="fold")
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    return table


def _render_collection(p: Any) -> None:
    w = p.weight_kg
    rows = [
        ("cell source", p.cell_source, ""),
        ("mobilisation", p.mobilisation.text if p.mobilisation else "none", _src(p.mobilisation)),
        ("label minimum dose", f"{_sci(p.min_dose_cd34_per_kg.value)} CD34+/kg "
         f"({_sci(p.min_dose_cd34_total)} at {w:g} kg)", _src(p.min_dose_cd34_per_kg)),
    ]  # fmt: skip
    if p.max_dose_cd34_per_kg:
        rows.append(("label maximum dose", f"{_sci(p.max_dose_cd34_per_kg.value)} CD34+/kg",
                     _src(p.max_dose_cd34_per_kg)))  # fmt: skip
    tgt, bak = p.collection_target_cd34_per_kg, p.backup_cd34_per_kg
    none = "none found on the label"
    rows += [
        ("collection target", f"{_sci(tgt.value)} CD34+/kg" if tgt else none,
         _src(tgt)),
        ("back-up (rescue) cells", f"{_sci(bak.value)} CD34+/kg" if bak else none,
         _src(bak)),
        ("to collect", f"{_sci(p.required_cd34_per_kg)} CD34+/kg = "
         f"{_sci(p.required_cd34_total)} cells at {w:g} kg", "target (or minimum) + back-up"),
        ("yield per apheresis day", _range_text(p.yield_per_day, " /kg"), _src(p.yield_per_day)),
        ("apheresis days", _counts(p.apheresis_days), "ceil(to collect / yield)"),
        ("mobilisation cycles", _counts(p.cycles), _src(p.apheresis_days_per_cycle)),
        ("cycles in the pivotal trial", _range_text(p.trial_cycles), _src(p.trial_cycles)),
        ("conditioning", p.conditioning.text, _src(p.conditioning)),
    ]  # fmt: skip
    if p.preparation:
        rows.append(("preparation", p.preparation.text, _src(p.preparation)))
    rows.append(("timeline", p.timeline, ""))
    console.print(_table(f"{p.product} for {p.disease}: collection plan at {w:g} kg", rows))
    for note in p.notes:
        console.print(f"• {note}", markup=False, highlight=False)


def _render_dose(d: Any) -> None:
    per_kg = (
        f"{_sci(d.per_kg_low)}-{_sci(d.per_kg_high)} /kg"
        if d.per_kg_low != d.per_kg_high
        else f"{_sci(d.per_kg_low)} /kg"
    )
    total = (
        f"{_sci(d.total_cells_low)}-{_sci(d.total_cells_high)}"
        if d.total_cells_low != d.total_cells_high
        else _sci(d.total_cells_low)
    )
    mf = d.manufacturing_failure
    rows = [
        ("indication", d.indication_name, ""),
        ("weight band", f"{d.band} ({'per kg' if d.band_kind == 'per_kg' else 'flat'})", ""),
        ("label dose", per_kg if d.band_kind == "per_kg" else f"{total} (flat)",
         ", ".join(sorted({_src(c) for c in d.dose_sources}))),
        ("dose at this weight", f"{total} CAR-positive viable T cells"
         + (" (capped)" if d.cap_applied else ""), _src(d.cap) if d.cap else ""),
        ("lymphodepletion", d.lymphodepletion.text, _src(d.lymphodepletion)),
    ]  # fmt: skip
    if d.schedule:
        rows.append(("schedule", d.schedule.text, _src(d.schedule)))
    rows.append(("vein-to-vein (days)", _range_text(d.vein_to_vein_days),
                 _src(d.vein_to_vein_days)))  # fmt: skip
    if mf:
        lo, hi = mf.interval_95
        text = f"{mf.failures}/{mf.enrolled} = {mf.rate:.1%} (95 % CI {lo:.1%}-{hi:.1%})"
        rows.append(("manufacturing failures", f"{text}; {mf.note}", _src(mf)))
    else:
        rows.append(("manufacturing failures", "vivo does not know", ""))
    title = f"{d.product} ({d.generic}, {d.target}) at {d.weight_kg:g} kg"
    console.print(_table(title, rows))
    for note in d.notes:
        console.print(f"• {note}", markup=False, highlight=False)


@cells_app.command("dose")
def dose(
    product: Annotated[
        str,
        choice_option("--product", "-p", choices=_product_choices, help="product (brand name)"),
    ],
    weight: Annotated[
        float, float_option("--weight", "-w", min=0.5, max=350, help="body weight (kg)")
    ],
    age: Annotated[
        float | None,
        float_option("--age", min=0, max=120, help="age (years), checked against the label"),
    ] = None,
    disease: Annotated[
        str | None,
        typer.Option("--disease", "-d", help="labelled disease / indication (e.g. SCD, ALL)"),
    ] = None,
    subtype: Annotated[
        str | None, typer.Option("--subtype", help="labelled disease subtype (Lenmeldy)")
    ] = None,
    yield_per_day: Annotated[
        float | None,
        float_option(
            "--yield",
            min=1e3,
            max=1e9,
            help="expected CD34+ cells/kg per apheresis day (default: the published range)",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Collection plan (HSC gene therapy) or label dose (CAR-T) for one patient."""
    from vivo.cells.manufacturing import CollectionPlan, plan_dose

    plan = plan_dose(
        product,
        weight_kg=weight,
        age_years=age,
        disease=disease,
        yield_per_day_cd34_per_kg=yield_per_day,
        subtype=subtype,
    )
    if isinstance(plan, CollectionPlan):
        emit(plan.to_dict(), as_json=as_json, render=lambda: _render_collection(plan))
    else:
        emit(plan.to_dict(), as_json=as_json, render=lambda: _render_dose(plan))


@cells_app.command("products")
def products(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """The cell products vivo can plan, with their labelled diseases / indications."""
    from vivo.cells.manufacturing import load_car_t_products, load_hsc_product_facts

    rows: list[tuple[str, str, str, list[str]]] = [
        (p.name, p.generic, "HSC gene therapy", list(p.diseases)) for p in load_hsc_product_facts()
    ]
    rows += [
        (c.name, c.generic, f"CAR-T ({c.target})", [i.key for i in c.indications])
        for c in load_car_t_products()
    ]
    keys = ("product", "generic", "kind", "indications")
    doc = {"schema_version": "1", "products": [dict(zip(keys, r, strict=True)) for r in rows]}

    def render() -> None:
        table = Table(title="cell products (vivo cells dose --product NAME)")
        for col in ("product", "generic", "kind", "indications (--disease)"):
            table.add_column(col, overflow="fold")
        for name, generic, kind, indications in rows:
            table.add_row(name, generic, kind, ", ".join(indications))
        console.print(table)

    emit(doc, as_json=as_json, render=render)


def register(app: typer.Typer) -> None:
    """Add `vivo cells` to the vivo app."""
    app.add_typer(cells_app, name="cells")
