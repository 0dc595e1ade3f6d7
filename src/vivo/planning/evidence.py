"""Precedents for options: approved products from the knowledge base and published studies."""

from __future__ import annotations

from vivo.knowledge.products import Product, find_products
from vivo.knowledge.sources import Source, cite
from vivo.planning.plan import Precedent

__all__ = ["LEVEL_SCORE", "best_level_score", "literature", "product_precedents"]

# Base score of an option by the strongest evidence behind it.
LEVEL_SCORE = {"approved": 85.0, "withdrawn": 72.0, "clinical": 65.0, "preclinical": 55.0}
NO_EVIDENCE_SCORE = 40.0


def _level(p: Product) -> str:
    return "approved" if p.is_current else "withdrawn"


def _summary(p: Product) -> str:
    status = "" if p.status == "active" else f"; status: {p.status.replace('_', ' ')}"
    notes = f"; {p.notes}" if p.notes else ""
    return (
        f"{p.generic}; {p.agency} {p.first_approval_date}; {p.indication}; "
        f"{p.modality_label}, {p.delivery_label}, vector: {p.vector}{status}{notes}"
    )


def product_precedents(
    *, targets: tuple[str, ...], modality: str, delivery: str | None = None
) -> tuple[Precedent, ...]:
    """Approved products of ``modality`` aimed at any of ``targets``."""
    seen: dict[str, Precedent] = {}
    for t in targets:
        for p in find_products(target=t, modality=modality, delivery=delivery):
            seen.setdefault(p.brand, Precedent(p.brand, _level(p), _summary(p), p.sources))  # type: ignore[arg-type]
    return tuple(seen.values())


def literature(key: str, level: str, summary: str) -> Precedent:
    """A published study as a precedent."""
    c = cite(key)
    return Precedent(
        name=c.short(),
        level=level,  # type: ignore[arg-type]
        summary=summary,
        sources=(Source(key, c.url or ""),),
    )


def best_level_score(precedents: tuple[Precedent, ...]) -> float:
    """Score of the strongest evidence among ``precedents``."""
    return max((LEVEL_SCORE[p.level] for p in precedents), default=NO_EVIDENCE_SCORE)
