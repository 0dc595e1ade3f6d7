"""Approved cell and gene therapy products, one row per product, every row with its sources.

Values that none of a row's sources confirms are marked ``†`` in the data file; the loader strips
the mark and lists the field in :attr:`Product.unverified_fields`, so it is never lost silently.

>>> p = get_product("Casgevy")
>>> p.modality, p.delivery, p.cell_source, p.target_genes[0]
('gene_editing', 'ex_vivo', 'autologous', 'BCL11A')
>>> [x.brand for x in find_products(target="F9")]
['Hemgenix', 'Beqvez']
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, fields
from functools import cache
from typing import Any, Literal, get_args

from vivo.core.errors import DataError, InputError
from vivo.knowledge.sources import Source, read_data_text

__all__ = [
    "MODALITIES",
    "Delivery",
    "Modality",
    "Product",
    "find_products",
    "get_product",
    "load_products",
]

Modality = Literal[
    "gene_addition",
    "gene_editing",
    "gene_modified_cell",
    "cell_therapy",
    "oncolytic_virus",
    "rna",
    "tissue_engineered",
]
MODALITIES: tuple[str, ...] = get_args(Modality)
Delivery = Literal["in_vivo", "ex_vivo", "n/a"]
Status = Literal["active", "withdrawn", "discontinued", "restricted", "withdrawn_in_some_regions"]

_UNVERIFIED = "†"
_TEXT_FIELDS = {
    "generic": "generic",
    "sponsor": "sponsor",
    "agency": "first_approval_agency",
    "first_approval_date": "first_approval_date",
    "other_approvals_status": "other_approvals_status",
    "indication": "indication_first",
    "modality_label": "modality",
    "delivery_label": "in_vivo_ex_vivo",
    "cell_source_label": "autologous_allogeneic",
    "vector": "vector",
    "target": "target_gene_or_antigen",
    "route": "route",
    "notes": "notes",
}


@dataclass(frozen=True, slots=True)
class Product:
    """An approved product (first approval anywhere) with controlled-vocabulary fields."""

    brand: str
    generic: str
    sponsor: str
    agency: str
    first_approval_date: str
    other_approvals_status: str
    indication: str
    modality: Modality
    modality_label: str
    delivery: Delivery
    delivery_label: str
    cell_source: Literal["autologous", "allogeneic", "n/a"]
    cell_source_label: str
    vector: str
    vector_class: str
    target: str
    target_genes: tuple[str, ...]
    route: str
    notes: str
    status: Status
    verification: str
    sources: tuple[Source, ...]
    unverified_fields: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Every brand name of the product (regional brands split), lower-case."""
        parts = [p.split("(")[0].strip().lower() for p in self.brand.split(" / ")]
        return (self.brand.lower(), *parts)

    @property
    def is_current(self) -> bool:
        """False when withdrawn or discontinued everywhere."""
        return self.status not in ("withdrawn", "discontinued")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["target_genes"] = list(self.target_genes)
        d["unverified_fields"] = list(self.unverified_fields)
        d["sources"] = [s.to_dict() for s in self.sources]
        return d


def _sources(row: dict[str, str], line: int) -> tuple[Source, ...]:
    keys = row["source_keys"].split()
    urls = [u.strip() for u in row["source"].split(" | ") if u.strip()]
    if not keys or len(keys) != len(urls):
        raise DataError(
            f"products.csv line {line}: {len(keys)} source keys but {len(urls)} URLs "
            f"for {row['brand']!r}; every row needs matching keys and URLs"
        )
    return tuple(Source.parse_pair(k, u) for k, u in zip(keys, urls, strict=True))


def _product(row: dict[str, str], line: int) -> Product:
    text: dict[str, str] = {}
    unverified: list[str] = []
    for field_name, column in _TEXT_FIELDS.items():
        value = row[column]
        if _UNVERIFIED in value:
            unverified.append(field_name)
        text[field_name] = value.replace(_UNVERIFIED, "").strip()
    modality = row["modality_class"]
    if modality not in MODALITIES:
        raise DataError(f"products.csv line {line}: unknown modality_class {modality!r}")
    return Product(
        brand=row["brand"],
        modality=modality,  # type: ignore[arg-type]
        delivery=row["delivery"],  # type: ignore[arg-type]
        cell_source=row["cell_source_class"],  # type: ignore[arg-type]
        vector_class=row["vector_class"],
        target_genes=tuple(row["target_genes"].split()),
        status=row["status"],  # type: ignore[arg-type]
        verification=row["verification"],
        sources=_sources(row, line),
        unverified_fields=tuple(unverified),
        **text,
    )


@cache
def load_products() -> tuple[Product, ...]:
    """Every bundled product, in file order."""
    reader = csv.DictReader(io.StringIO(read_data_text("products.csv")))
    return tuple(_product(row, n) for n, row in enumerate(reader, start=2))


def find_products(
    *,
    modality: str | None = None,
    target: str | None = None,
    delivery: str | None = None,
    vector: str | None = None,
    current_only: bool = False,
) -> list[Product]:
    """Products matching every given filter (case-insensitive).

    ``target`` matches a gene symbol in :attr:`Product.target_genes` or a word of the target text;
    ``vector`` matches the start of the vector class (``AAV`` matches ``AAV5``).
    """
    if modality is not None and modality not in MODALITIES:
        raise InputError(f"unknown modality {modality!r}", hint=f"one of {', '.join(MODALITIES)}")
    out = []
    for p in load_products():
        if modality and p.modality != modality:
            continue
        if delivery and p.delivery != delivery:
            continue
        if vector and not p.vector_class.lower().startswith(vector.lower()):
            continue
        if target and not _matches_target(p, target):
            continue
        if current_only and not p.is_current:
            continue
        out.append(p)
    return out


def _matches_target(p: Product, target: str) -> bool:
    t = target.lower()
    return (
        t in (g.lower() for g in p.target_genes) or t in p.target.lower().replace("(", " ").split()
    )


def get_product(name: str) -> Product:
    """The product with brand (or regional brand) ``name``, case-insensitive."""
    key = name.strip().lower()
    for p in load_products():
        if key in p.names:
            return p
    brands = [p.brand for p in load_products()]
    close = difflib.get_close_matches(name, brands, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else "see `vivo kb products`"
    raise InputError(f"no product named {name!r} in the knowledge base", hint=hint)
