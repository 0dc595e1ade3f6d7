"""Rows of the Knowledge page and API: products, diseases and glossary terms, each with its
sources (the same loaders as ``vivo kb`` and ``vivo explain``)."""

from __future__ import annotations

from typing import Any

__all__ = ["diseases", "glossary", "product_filters", "products"]


def _sources(*groups: Any) -> list[dict[str, str]]:
    seen: dict[str, str] = {}
    for group in groups:
        for s in group:
            seen.setdefault(s.key, s.url)
    return [{"key": k, "url": v} for k, v in seen.items()]


def _safe_url(url: str) -> str:
    """Only http(s) links are made clickable."""
    return url if url.startswith(("https://", "http://")) else ""


def products(
    modality: str = "", status: str = "", target: str = "", vector: str = "", q: str = ""
) -> list[dict[str, Any]]:
    """Approved products filtered by modality, status, target gene/antigen and vector class."""
    from vivo.knowledge import load_products

    rows = []
    for p in load_products():
        if (modality and p.modality != modality) or (status and p.status != status):
            continue
        if target and target.upper() not in {t.upper() for t in p.target_genes} | {
            p.target.upper()
        }:
            continue
        if vector and vector.lower() not in (p.vector_class.lower(), p.vector.lower()):
            continue
        if q and q.lower() not in f"{p.brand} {p.generic} {p.indication}".lower():
            continue
        groups = [p.sources, p.status_sources, *(e.sources for e in p.events)]
        groups += [s.sources for s in p.safety]
        rows.append({
            "brand": p.brand, "generic": p.generic, "modality": p.modality,
            "delivery": p.delivery, "vector": p.vector_class, "target": " ".join(p.target_genes),
            "indication": p.indication, "first_approval": f"{p.agency} {p.first_approval_date}",
            "status": p.status, "status_line": p.status_line(),
            "safety": sorted({s.kind.replace("_", " ") for s in p.safety}),
            "sources": [dict(s, url=_safe_url(s["url"])) for s in _sources(*groups)],
        })  # fmt: skip
    return rows


def product_filters() -> dict[str, list[str]]:
    """The values the product filters offer."""
    from vivo.knowledge import load_products

    items = load_products()
    return {
        "status": sorted({p.status for p in items}),
        "vector": sorted({p.vector_class for p in items}),
    }


def diseases(q: str = "") -> list[dict[str, Any]]:
    """Diseases the planner knows (filtered by name or gene when ``q``)."""
    from vivo.knowledge import load_diseases

    rows = []
    for d in load_diseases():
        if q and q.lower() not in f"{d.name} {' '.join(d.genes)} {' '.join(d.aliases)}".lower():
            continue
        rows.append({
            "name": d.name, "genes": " ".join(d.genes), "inheritance": d.inheritance,
            "mechanism": d.mechanism, "target_tissue": d.target_tissue,
            "sources": [dict(s, url=_safe_url(s["url"])) for s in _sources(d.sources)],
        })  # fmt: skip
    return rows


def glossary(q: str = "") -> list[dict[str, Any]]:
    """Glossary terms (``vivo explain``), filtered by term or alias when ``q``."""
    from vivo.knowledge import load_glossary

    rows = []
    for t in load_glossary():
        if q and q.lower() not in f"{t.term} {' '.join(t.aliases)} {t.definition}".lower():
            continue
        rows.append({
            "term": t.term, "aliases": list(t.aliases), "definition": t.definition,
            "used_in": list(t.used_in),
            "sources": [dict(s, url=_safe_url(s["url"])) for s in _sources(t.sources)],
        })  # fmt: skip
    return rows
