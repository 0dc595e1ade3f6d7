"""Shared pieces of the strategy rules: constants, design requests, scoring helpers."""

from __future__ import annotations

from dataclasses import replace

from vivo.delivery.transgenes import TRANSGENES
from vivo.planning.context import Context, TissueClass
from vivo.planning.plan import DeliveryMode, DesignRequest, Engine, Family, Option

__all__ = [
    "AAV_OVERHEAD_BP",
    "AAV_SEROTYPE",
    "AAV_SIMULATION_PRODUCTS",
    "BENIGN_CONVERSIONS",
    "EDIT_ROUTE",
    "LV_OVERHEAD_BP",
    "MAX_PRIME_EDIT_BP",
    "design_request",
    "finish_option",
    "impossible_option",
]


AAV_OVERHEAD_BP = 1300  # promoter (~0.7 kb) + polyA (~0.25 kb) + two ITRs (~0.3 kb)
LV_OVERHEAD_BP = 3000  # erythroid/ubiquitous regulatory elements inside a lentiviral vector
MAX_PRIME_EDIT_BP = 40

# (delivery, vehicle, editor-compatible cell source) for editing, by tissue class.
EDIT_ROUTE: dict[TissueClass, tuple[DeliveryMode, str, str]] = {
    "blood": ("ex_vivo", "RNP-electroporation", "autologous CD34+ HSPC"),
    "liver": ("in_vivo", "LNP", "n/a (hepatocytes in place)"),
    "retina": ("in_vivo", "AAV", "n/a (retinal cells in place)"),
    "cns": ("in_vivo", "AAV", "n/a (neurons in place)"),
    "muscle": ("in_vivo", "AAV", "n/a (muscle in place)"),
    "skin": ("ex_vivo", "RNP-electroporation", "autologous keratinocytes"),
    "other": ("in_vivo", "LNP", "n/a"),
}
AAV_SEROTYPE: dict[TissueClass, str] = {
    "liver": "AAV5 or AAV8-like (liver-tropic; Hemgenix AAV5, Beqvez AAVrh74var)",
    "retina": "AAV2 (subretinal; Luxturna)",
    "cns": "AAV9 (Zolgensma) or AAV2 by local infusion (Upstaza)",
    "muscle": "AAVrh74 (Elevidys)",
    "other": "tissue-matched serotype",
}
# Known benign alternatives that a base editor can reach when direct correction cannot be made.
BENIGN_CONVERSIONS: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("HBB", "p.Glu7Val"): (
        "ABE",
        "c.20T>C",
        "Hb G-Makassar (p.Glu7Ala, legacy Glu6Ala), a natural non-sickling variant",
        "Newby2021",
    ),
}


def _needs(ctx: Context) -> str:
    return ctx.needs_text()


#: genes whose AAV expression course has a calibrated model (vivo.simulation.aav)
AAV_SIMULATION_PRODUCTS = {"F9": "Hemgenix", "F8": "Roctavian"}


def design_request(
    ctx: Context,
    engine: Engine,
    purpose: str,
    *,
    region: str = "variant",
    gene: str | None = None,
    **params: str,
) -> DesignRequest:
    return DesignRequest(
        engine=engine,
        purpose=purpose,
        gene=gene or ctx.gene,
        region=region,
        params=tuple(sorted(params.items())),
        needs=""
        if (gene or ctx.gene) != ctx.gene or _engine_ships_sequence(engine, ctx.gene)
        else _needs(ctx),
    )


def _engine_ships_sequence(engine: Engine, gene: str) -> bool:
    """Engines that carry their own sequence for ``gene`` need none from the genome in use."""
    if engine == "simulation":
        return True
    return engine == "cassette" and gene.upper() in TRANSGENES


def finish_option(option: Option, base: float) -> Option:
    feas = option.feasibility
    if feas != "impossible":
        feas = "recommended" if base >= 70 else "possible"
    return replace(option, score=max(0.0, min(100.0, base)), feasibility=feas)


def impossible_option(
    ctx: Context,
    oid: str,
    title: str,
    family: Family,
    reason: str,
    *,
    delivery: DeliveryMode = "in_vivo",
    vehicle: str = "",
    editor: str = "",
) -> Option:
    return Option(
        id=oid,
        title=title,
        family=family,
        delivery=delivery,
        vehicle=vehicle,
        editor=editor,
        cell_source="n/a",
        feasibility="impossible",
        score=0.0,
        rationale=(reason,),
        reason_impossible=reason,
    )
