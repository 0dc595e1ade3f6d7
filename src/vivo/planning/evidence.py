"""Precedents for options: approved products from the knowledge base and published studies.

An option's base score is the score of its strongest precedent. A published study scores by its
level (:data:`LEVEL_SCORE`). An approved product scores by how much of the approved-product
credit it still earns: its *weight*, the product of a status factor (:data:`STATUS_FACTOR`) and
one factor per safety signal (:data:`SIGNAL_FACTOR`), floored at :data:`WEIGHT_FLOOR`::

    score = NO_EVIDENCE_SCORE + (LEVEL_SCORE["approved"] - NO_EVIDENCE_SCORE) * weight

so a current product without signals scores 85, and every boxed warning, death, clinical hold,
label restriction or distribution pause pulls it towards "no evidence" (40). The factors are a
documented ranking convention, not a fitted model (docs/knowledge.md, "Precedent weight"):
a withdrawn or lapsed product (0.7) keeps the 72 points that a withdrawn precedent had before
signals were typed; a restriction for safety (0.85) costs less than a withdrawal; deaths attributed
to the product cost most among signals. Unverified signals count: for ranking, an unconfirmed
safety report is treated as a risk, not ignored.

>>> round(precedent_score(product_precedents(targets=("BCL11A",), modality="gene_editing")[0]), 1)
85.0
>>> elevidys = product_precedents(targets=("DMD",), modality="gene_addition")[0]
>>> elevidys.name, round(precedent_weight(elevidys), 2), round(precedent_score(elevidys), 1)
('Elevidys', 0.53, 63.6)
"""

from __future__ import annotations

import re
from functools import cache

from vivo.knowledge.diseases import Disease
from vivo.knowledge.products import Product, find_products, load_products
from vivo.knowledge.sources import Source, cite
from vivo.planning.plan import Precedent

__all__ = [
    "LEVEL_SCORE",
    "NO_EVIDENCE_SCORE",
    "SIGNAL_FACTOR",
    "STATUS_FACTOR",
    "WEIGHT_FLOOR",
    "best_level_score",
    "literature",
    "precedent_score",
    "precedent_weight",
    "product_precedent",
    "product_precedents",
    "product_weight",
]

# Base score of an option by the strongest evidence behind it.
#: "established" is an accepted standard of care without a product licence (e.g. allogeneic
#: HSC transplantation from an HLA-identical sibling), weighted as an approved product.
LEVEL_SCORE = {
    "approved": 85.0,
    "established": 85.0,
    "withdrawn": 72.0,
    "clinical": 65.0,
    "preclinical": 55.0,
}
NO_EVIDENCE_SCORE = 40.0

# Share of the approved-product credit a product keeps, by its current status.
STATUS_FACTOR: dict[str, float] = {
    "approved": 1.0,
    "divesting": 0.95,  # business event: the therapy's evidence is unchanged
    "divested": 0.95,
    "unknown": 0.85,
    "restricted": 0.85,  # label narrowed for safety; the signals behind it cost more below
    "discontinued": 0.75,  # no longer supplied; the clinical evidence stands
    "not_renewed": 0.7,
    "withdrawn": 0.7,  # (72 - 40) / (85 - 40) = 0.71: the former withdrawn level
    "suspended": 0.65,
    "clinical_hold": 0.6,
}
# Multiplier per safety signal of the product (each signal counts once).
SIGNAL_FACTOR: dict[str, float] = {
    "safety_communication": 0.97,
    "distribution_pause": 0.95,
    "boxed_warning": 0.93,
    "label_restriction": 0.93,
    "clinical_hold": 0.9,
    "death": 0.88,
}
WEIGHT_FLOOR = 0.4


def product_weight(product: Product) -> float:
    """Share (0.4-1.0) of the approved-product credit ``product`` keeps: status x signals."""
    w = STATUS_FACTOR[product.status]
    for s in product.safety:
        w *= SIGNAL_FACTOR[s.kind]
    return max(WEIGHT_FLOOR, w)


@cache
def _products_by_brand() -> dict[str, Product]:
    return {p.brand: p for p in load_products()}


def precedent_weight(p: Precedent) -> float:
    """Weight of a precedent: its product's :func:`product_weight`, 1.0 for a published study."""
    product = _products_by_brand().get(p.name)
    return 1.0 if product is None else product_weight(product)


def precedent_score(p: Precedent) -> float:
    """Score of one precedent: a product by its weight, a study by its level."""
    product = _products_by_brand().get(p.name)
    if product is None:
        return LEVEL_SCORE[p.level]
    span = LEVEL_SCORE["approved"] - NO_EVIDENCE_SCORE
    return NO_EVIDENCE_SCORE + span * product_weight(product)


def _level(p: Product) -> str:
    return "approved" if p.is_current else "withdrawn"


def _summary(p: Product) -> str:
    notes = f"; {p.notes}" if p.notes else ""
    return (
        f"{p.generic}; {p.agency} {p.first_approval_date}; {p.indication}; "
        f"{p.modality_label}, {p.delivery_label}, vector: {p.vector or 'unknown'}" + notes
    )


def product_precedent(p: Product) -> Precedent:
    """The precedent of one product: level, status, as-of date, weight and safety signals."""
    return Precedent(
        p.brand,
        _level(p),  # type: ignore[arg-type]
        _summary(p),
        p.sources,
        status=p.status_line(),
        as_of=p.status_as_of,
        weight=product_weight(p),
        safety=tuple(s.text() for s in p.safety),
    )


def treats(product: Product, disease: Disease) -> bool:
    """Whether ``product``'s indication names ``disease`` (its name or an alias, whole words)."""
    text = product.indication.lower()
    return any(
        re.search(rf"(?<![a-z0-9]){re.escape(n.lower())}(?![a-z0-9])", text)
        for n in (disease.name, *disease.aliases)
    )


def product_precedents(
    *,
    targets: tuple[str, ...],
    modality: str,
    delivery: str | None = None,
    disease: Disease | None = None,
) -> tuple[Precedent, ...]:
    """Approved products of ``modality`` aimed at any of ``targets``, with status and safety.

    With ``disease``, products indicated for that disease are kept when there are any (Zynteglo
    is a precedent for beta-thalassemia, not for sickle cell disease); otherwise every product
    for the targets is kept (the same gene, another indication).
    """
    seen: dict[str, Product] = {}
    for t in targets:
        for p in find_products(target=t, modality=modality, delivery=delivery):
            seen.setdefault(p.brand, p)
    products = list(seen.values())
    if disease is not None and any(treats(p, disease) for p in products):
        products = [p for p in products if treats(p, disease)]
    return tuple(product_precedent(p) for p in products)


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
    """Score of the strongest evidence among ``precedents``, safety- and status-adjusted."""
    return max((precedent_score(p) for p in precedents), default=NO_EVIDENCE_SCORE)
