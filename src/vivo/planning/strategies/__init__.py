"""Strategy rules: each builder turns the resolved facts into one scored, explained option.

A builder returns ``None`` when its strategy does not apply at all, and an option with
``feasibility="impossible"`` and a reason when it applies but cannot work (for example a 7 kb
transgene in one AAV).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from vivo.planning.context import Context
from vivo.planning.plan import Option
from vivo.planning.strategies._common import AAV_SIMULATION_PRODUCTS, BENIGN_CONVERSIONS
from vivo.planning.strategies.add import (
    add_aav_in_vivo,
    add_aav_shortened,
    add_ex_vivo_skin_grafts,
    add_lentiviral_hsc,
    add_topical_hsv,
)
from vivo.planning.strategies.cells import allogeneic_hsct
from vivo.planning.strategies.correct import (
    _correcting_editor,
    correct_base_edit,
    correct_hdr,
    correct_prime_edit,
)
from vivo.planning.strategies.exon_skip import rna_exon_skip
from vivo.planning.strategies.induce import induce_hbf, induce_other
from vivo.planning.strategies.rna import (
    rna_knockdown,
    rna_splice_inclusion,
    rna_target_knockdown,
)
from vivo.planning.strategies.silence import silence

__all__ = [
    "AAV_SIMULATION_PRODUCTS",
    "BENIGN_CONVERSIONS",
    "BUILDERS",
    "_correcting_editor",
    "build_options",
    "rank_options",
]

Builder = Callable[[Context], Option | None]
BUILDERS: tuple[Builder, ...] = (
    induce_hbf,
    induce_other,
    add_lentiviral_hsc,
    add_aav_in_vivo,
    add_aav_shortened,
    add_topical_hsv,
    add_ex_vivo_skin_grafts,
    allogeneic_hsct,
    silence,
    correct_hdr,
    correct_base_edit,
    correct_prime_edit,
    rna_knockdown,
    rna_splice_inclusion,
    rna_exon_skip,
    rna_target_knockdown,
)


def rank_options(options: list[Option]) -> tuple[Option, ...]:
    """Feasible options by score (best first), then impossible ones; ranks from 1."""
    order = {"recommended": 0, "possible": 1, "impossible": 2}
    ranked = sorted(options, key=lambda o: (order[o.feasibility], -o.score, o.id))
    return tuple(replace(o, rank=i) for i, o in enumerate(ranked, start=1))


def build_options(ctx: Context) -> tuple[Option, ...]:
    """Run every builder and rank what they return."""
    return rank_options([o for b in BUILDERS if (o := b(ctx)) is not None])
