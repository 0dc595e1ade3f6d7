"""`vivo car design` / `vivo car tcr`: CAR and TCR constructs in retroviral transfer vectors."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from vivo.cli import validate as v

car_app = typer.Typer(help="Design CAR and TCR constructs (protein, vector, checks, files).")

JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]


class BinderFormat(StrEnum):
    """Binder layout."""

    scfv_vl_vh = "scfv-vl-vh"
    scfv_vh_vl = "scfv-vh-vl"
    vhh = "vhh"


class Hinge(StrEnum):
    """Hinge / spacer."""

    CD8a = "CD8a"
    CD28 = "CD28"
    IgG4_short = "IgG4-short"
    IgG4_long = "IgG4-long"


class Tm(StrEnum):
    """Transmembrane domain."""

    CD8a = "CD8a"
    CD28 = "CD28"


class Costim(StrEnum):
    """Costimulatory domain."""

    bb = "4-1BB"
    CD28 = "CD28"
    none = "none"


class Switch(StrEnum):
    """Safety switch."""

    none = "none"
    EGFRt = "EGFRt"
    iCasp9 = "iCasp9"


class Vector(StrEnum):
    """Transfer vector."""

    lentivirus = "lentivirus"
    gamma_retrovirus = "gamma-retrovirus"


class Promoter(StrEnum):
    """Expression promoter."""

    EF1a = "EF1a"
    MND = "MND"
    MSCV = "MSCV"


class Leader(StrEnum):
    """Signal peptide."""

    CD8a = "CD8a"
    GM_CSFRa = "GM-CSFRa"


class Linker(StrEnum):
    """scFv linker."""

    Whitlow = "Whitlow"
    G4S3 = "G4S3"


class Skip(StrEnum):
    """Ribosome-skipping 2A peptide."""

    T2A = "T2A"
    P2A = "P2A"


class Order(StrEnum):
    """TCR chain order."""

    beta_alpha = "beta-alpha"
    alpha_beta = "alpha-beta"


def _opt(help: str, *decls: str) -> Any:
    return typer.Option(*decls, case_sensitive=False, help=help)


VectorOpt = Annotated[Vector, _opt("transfer vector")]
SkipOpt = Annotated[Skip, _opt("2A peptide before the second protein", "--2a")]
PromoterOpt = Annotated[
    Promoter | None, _opt("EF1a (bundled); MSCV = LTR-driven γ-retrovirus; MND needs a file")
]
PromoterFile = Annotated[
    str | None, v.input_file_option("--promoter-file", help="promoter DNA FASTA (first record)")
]
AvoidOpt = Annotated[
    list[str] | None, typer.Option("--avoid-site", help="restriction enzyme to exclude (repeat)")
]
OptimizeOpt = Annotated[
    bool, typer.Option("--optimize/--no-optimize", help="human codon optimisation (DNA Chisel)")
]
OutOpt = Annotated[str, v.output_dir_option("--out", help="new folder for GenBank, FASTA, maps")]
NoFig = Annotated[bool, typer.Option("--no-figures", help="skip the construct map")]


def _is_file(value: str) -> bool:
    return Path(value).suffix.lower() in {".fa", ".fasta", ".faa"} or Path(value).is_file()


@car_app.command("design")
def design(
    target: Annotated[str, typer.Option(help="target antigen, e.g. CD19, BCMA, CD22")],
    out: OutOpt,
    binder: Annotated[
        str | None, typer.Option(help="bundled binder (FMC63, ide-cel, m971) or VH/VL FASTA")
    ] = None,
    fmt: Annotated[BinderFormat, _opt("binder layout", "--format")] = BinderFormat.scfv_vl_vh,
    hinge: Annotated[Hinge, _opt("hinge / spacer")] = Hinge.CD8a,
    tm: Annotated[Tm | None, _opt("transmembrane domain (default: the hinge's)")] = None,
    costim: Annotated[Costim, _opt("costimulatory domain")] = Costim.bb,
    safety_switch: Annotated[
        Switch, _opt("safety switch (EGFRt after, iCasp9 before the 2A)")
    ] = Switch.none,
    skip: SkipOpt = Skip.T2A,
    leader: Annotated[Leader, _opt("signal peptide")] = Leader.CD8a,
    linker: Annotated[Linker, _opt("scFv linker")] = Linker.Whitlow,
    vector: VectorOpt = Vector.lentivirus,
    promoter: PromoterOpt = None,
    promoter_file: PromoterFile = None,
    domains: Annotated[
        str | None, v.input_file_option("--domains", help="protein FASTA of extra segments")
    ] = None,
    avoid_site: AvoidOpt = None,
    optimize: OptimizeOpt = True,
    seed: v.Seed = 0,
    force: v.Force = False,
    no_figures: NoFig = False,
    as_json: JsonOpt = False,
) -> None:
    """Design a CAR, e.g. --target CD19 --binder FMC63 --hinge CD8a --costim 4-1BB --out DIR."""
    from vivo.workflows.car import CarRequest, design_car_construct

    binder_file = None
    if binder is not None and _is_file(binder):
        binder_file = str(v.check_input_file(binder))
        binder = None
    req = CarRequest(
        target=target, binder=binder, binder_file=binder_file, format=fmt.value,
        leader=leader.value, linker=linker.value, hinge=hinge.value,
        tm=tm.value if tm else None, costim=costim.value, safety_switch=safety_switch.value,
        skip=skip.value, vector=vector.value, promoter=promoter.value if promoter else None,
        promoter_file=promoter_file, domains_file=domains,
        avoid_sites=tuple(avoid_site or ()), optimize=optimize, seed=seed,
    )  # fmt: skip
    result = design_car_construct(req, outdir=out, force=force, figures=not no_figures)
    _emit(result, as_json=as_json)


@car_app.command("tcr")
def tcr(
    alpha: Annotated[str, v.input_file_option("--alpha", help="TCR alpha chain protein FASTA")],
    beta: Annotated[str, v.input_file_option("--beta", help="TCR beta chain protein FASTA")],
    out: OutOpt,
    target: Annotated[str, typer.Option(help="label for the construct")] = "TCR",
    order: Annotated[Order, _opt("chain order around the 2A")] = Order.beta_alpha,
    skip: SkipOpt = Skip.T2A,
    vector: VectorOpt = Vector.lentivirus,
    promoter: PromoterOpt = None,
    promoter_file: PromoterFile = None,
    avoid_site: AvoidOpt = None,
    optimize: OptimizeOpt = True,
    seed: v.Seed = 0,
    force: v.Force = False,
    no_figures: NoFig = False,
    as_json: JsonOpt = False,
) -> None:
    """Join user TCR chains with a 2A in a vector, e.g. --alpha a.fa --beta b.fa --out DIR."""
    from vivo.workflows.car import TcrRequest, design_tcr_construct

    req = TcrRequest(
        alpha=alpha, beta=beta, target=target, order=order.value, skip=skip.value,
        vector=vector.value,
        promoter=promoter.value if promoter else None, promoter_file=promoter_file,
        avoid_sites=tuple(avoid_site or ()), optimize=optimize, seed=seed,
    )  # fmt: skip
    result = design_tcr_construct(req, outdir=out, force=force, figures=not no_figures)
    _emit(result, as_json=as_json)


@car_app.command("domains")
def domains(as_json: JsonOpt = False) -> None:
    """List the bundled segments and binders (UniProt residues, sources) and what is not bundled."""
    from vivo.cells.car import list_binders, list_domains, unbundled_domains
    from vivo.cli.output import console, emit

    data = {
        "domains": [d.to_dict() for d in list_domains()],
        "binders": [b.to_dict() for b in list_binders()],
        "not_bundled": unbundled_domains(),
    }

    def render() -> None:
        from rich.table import Table

        table = Table("segment", "kind", "aa", "UniProt/RefSeq", "residues", "sources")
        for d in list_domains():
            table.add_row(d.key, d.kind, str(d.length_aa), d.uniprot or "-", d.residues,
                          str(len(d.sources)))  # fmt: skip
        console.print(table)
        for b in list_binders():
            console.print(f"binder {b.name} ({b.target}): {b.verification}", highlight=False)
        for key, why in unbundled_domains().items():
            console.print(f"[yellow]not bundled[/] {key}: {why}", highlight=False)

    emit(data, as_json=as_json, render=render)


def _emit(result: Any, *, as_json: bool) -> None:
    from vivo.cli.output import console, emit

    data = result.to_dict()

    def render() -> None:
        from rich.table import Table

        c, cas = result.construct, result.cassette
        console.print(f"[bold]{c.name}[/] ({c.kind}, {c.length_aa} aa) in {cas.vector}: "
                      f"{cas.length_bp:,} bp, payload {cas.payload_bp():,} bp, overall "
                      f"{result.report.status}")  # fmt: skip
        table = Table("segment", "aa", "UniProt", "residues")
        for s in c.segments:
            d = s.domain
            table.add_row(d.key, f"{s.start + 1}-{s.end}", d.uniprot or "-", d.residues or "-")
        console.print(table)
        colour = {"pass": "green", "warn": "yellow", "fail": "red"}
        for chk in result.report.checks:
            console.print(f"[{colour[chk.status]}]{chk.status.upper():4}[/] {chk.name}: "
                          f"{chk.message}", highlight=False)  # fmt: skip
        if result.comparison:
            cols = ("product", "binder", "hinge", "tm", "costimulation", "vector", "promoter")
            cmp = Table(*cols, title="vs approved CAR-T products (all columns: comparison TSV)")
            for row in result.comparison:
                cmp.add_row(*(row[c] for c in cols))
            console.print(cmp)
        for key, path in result.files.items():
            console.print(f"wrote {key}: {path}")

    emit(data, as_json=as_json, render=render)


def register(app: typer.Typer) -> None:
    """Add ``vivo car`` to the app."""
    app.add_typer(car_app, name="car")
