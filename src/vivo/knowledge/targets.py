"""Genes that therapies target but that do not cause the disease they treat (CD19, BCMA, BCL11A).

A planner that plans "gene addition of CD19" has mistaken the target for the disease gene. This
module says what the target is for: a curated entry (data/targets.toml) explains the logic; a
gene that is only named as the target of bundled products gets a summary of those products.

>>> t = therapeutic_target("bcl11a")
>>> t.gene, t.diseases
('BCL11A', ('sickle cell disease', 'beta-thalassemia'))
>>> therapeutic_target("CD19").products[:2]
('Kymriah', 'Yescarta')
>>> therapeutic_target("HBB") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from vivo.knowledge.diseases import diseases_for_gene
from vivo.knowledge.products import load_products
from vivo.knowledge.sources import Source, read_toml, sources_from

__all__ = ["TherapeuticTarget", "therapeutic_target"]


@dataclass(frozen=True, slots=True)
class TherapeuticTarget:
    """A gene a therapy acts on without it being the disease gene."""

    gene: str
    role: str
    logic: str
    diseases: tuple[str, ...]
    plan_instead: str
    products: tuple[str, ...]
    sources: tuple[Source, ...]

    def explanation(self) -> str:
        """One paragraph for an error message or a dossier note."""
        products = f" Products: {', '.join(self.products)}." if self.products else ""
        return (
            f"{self.gene} is a therapeutic target ({self.role}), not a disease gene vivo "
            f"plans: {self.logic}{products}"
        )


@cache
def _curated() -> dict[str, TherapeuticTarget]:
    out = {}
    for e in read_toml("targets.toml")["target"]:
        gene = e["gene"].upper()
        out[gene] = TherapeuticTarget(
            gene=gene,
            role=e["role"],
            logic=e["logic"],
            diseases=tuple(e.get("diseases", ())),
            plan_instead=e.get("plan_instead", ""),
            products=_products_for(gene),
            sources=sources_from(e.get("sources", []), where=f"target {gene}"),
        )
    return out


def _products_for(gene: str) -> tuple[str, ...]:
    return tuple(p.brand for p in load_products() if gene in p.target_genes)


def therapeutic_target(gene: str) -> TherapeuticTarget | None:
    """What ``gene`` is targeted for, or ``None`` when it is a disease gene or no target."""
    g = gene.strip().upper()
    if g in _curated():
        return _curated()[g]
    if diseases_for_gene(g):
        return None
    products = [p for p in load_products() if g in p.target_genes]
    if not products:
        return None
    kinds = sorted({p.modality.replace("_", " ") for p in products})
    uses = "; ".join(f"{p.brand}: {p.indication}" for p in products[:4])
    return TherapeuticTarget(
        gene=g,
        role=f"target of {', '.join(kinds)} products",
        logic=f"bundled products act on {g} ({uses}); vivo has no disease record caused by it.",
        diseases=(),
        plan_instead="",
        products=tuple(p.brand for p in products),
        sources=tuple(s for p in products[:4] for s in p.sources[:1]),
    )
