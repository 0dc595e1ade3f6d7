"""Monogenic diseases: genes, inheritance, mechanism, target tissue and therapeutic threshold.

>>> d = get_disease("SCD")
>>> d.name, d.mechanism, d.compensating_genes
('sickle cell disease', 'gain_of_function', ('HBG1', 'HBG2'))
>>> [x.name for x in diseases_for_gene("F9")]
['hemophilia B']
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from vivo.core.errors import DataError, InputError
from vivo.knowledge.sources import Source, read_toml, sources_from

__all__ = [
    "Disease",
    "Inheritance",
    "Mechanism",
    "diseases_for_gene",
    "get_disease",
    "load_diseases",
]

Inheritance = Literal["autosomal_recessive", "autosomal_dominant", "x_linked_recessive"]
Mechanism = Literal["loss_of_function", "gain_of_function", "dominant_negative"]
_INHERITANCE = ("autosomal_recessive", "autosomal_dominant", "x_linked_recessive")
_MECHANISMS = ("loss_of_function", "gain_of_function", "dominant_negative")


@dataclass(frozen=True, slots=True)
class Disease:
    """A disease and the biology that decides which therapeutic strategy can work."""

    name: str
    aliases: tuple[str, ...]
    genes: tuple[str, ...]
    inheritance: Inheritance
    mechanism: Mechanism
    mechanism_note: str
    target_tissue: str
    target_cells: str
    compensating_genes: tuple[str, ...]
    cds_length_bp: int
    threshold: str
    threshold_measure: str
    threshold_value: float | None
    sources: tuple[Source, ...]

    @property
    def is_dominant(self) -> bool:
        """True for autosomal-dominant inheritance."""
        return self.inheritance == "autosomal_dominant"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "genes": list(self.genes),
            "inheritance": self.inheritance,
            "mechanism": self.mechanism,
            "mechanism_note": self.mechanism_note,
            "target_tissue": self.target_tissue,
            "target_cells": self.target_cells,
            "compensating_genes": list(self.compensating_genes),
            "cds_length_bp": self.cds_length_bp,
            "threshold": self.threshold,
            "threshold_measure": self.threshold_measure,
            "threshold_value": self.threshold_value,
            "sources": [s.to_dict() for s in self.sources],
        }


def _disease(e: dict[str, Any]) -> Disease:
    name = e["name"]
    if e["inheritance"] not in _INHERITANCE or e["mechanism"] not in _MECHANISMS:
        raise DataError(f"diseases.toml: {name!r} has an unknown inheritance or mechanism")
    value = e.get("threshold_value")
    return Disease(
        name=name,
        aliases=tuple(e.get("aliases", ())),
        genes=tuple(e["genes"]),
        inheritance=e["inheritance"],
        mechanism=e["mechanism"],
        mechanism_note=e["mechanism_note"],
        target_tissue=e["target_tissue"],
        target_cells=e["target_cells"],
        compensating_genes=tuple(e.get("compensating_genes", ())),
        cds_length_bp=int(e["cds_length_bp"]),
        threshold=e.get("threshold", ""),
        threshold_measure=e.get("threshold_measure", ""),
        threshold_value=float(value) if value is not None else None,
        sources=sources_from(e.get("sources", []), where=f"disease {name!r}"),
    )


@cache
def load_diseases() -> tuple[Disease, ...]:
    """Every bundled disease record."""
    return tuple(_disease(e) for e in read_toml("diseases.toml")["disease"])


def get_disease(name: str) -> Disease:
    """The disease called ``name`` (or one of its aliases), case-insensitive."""
    key = name.strip().lower()
    for d in load_diseases():
        if key == d.name.lower() or key in (a.lower() for a in d.aliases):
            return d
    names = [d.name for d in load_diseases()]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.4)
    hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(names)}"
    raise InputError(f"no disease named {name!r} in the knowledge base", hint=hint)


def diseases_for_gene(gene: str) -> list[Disease]:
    """Diseases caused by variants in ``gene`` (HGNC symbol, case-insensitive)."""
    g = gene.strip().upper()
    return [d for d in load_diseases() if g in d.genes]
