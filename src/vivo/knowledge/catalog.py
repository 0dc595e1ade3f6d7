"""Vectors, editors and cell-therapy types the planner chooses between, each with sources.

>>> get_vector("AAV").capacity_kb
4.7
>>> [t.id for t in load_cell_types() if t.group == "immunotherapy"]
['adoptive-cell-therapy', 'cytokine', 'monoclonal-antibody']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from vivo.core.errors import InputError
from vivo.knowledge.sources import Source, read_toml, sources_from

__all__ = [
    "CellType",
    "EditorInfo",
    "VectorInfo",
    "get_editor",
    "get_vector",
    "load_cell_types",
    "load_editors",
    "load_vectors",
]


@dataclass(frozen=True, slots=True)
class VectorInfo:
    """A delivery vehicle: capacity, integration, typical use and risks."""

    id: str
    name: str
    capacity_kb: float
    capacity_note: str
    integrating: bool
    transduces_dividing_only: bool
    typical_delivery: Literal["in_vivo", "ex_vivo"]
    risks: tuple[str, ...]
    sources: tuple[Source, ...]

    def fits(self, cargo_kb: float) -> bool:
        """Whether ``cargo_kb`` fits; vehicles without a packaging limit (capacity 0) always fit."""
        return self.capacity_kb == 0.0 or cargo_kb <= self.capacity_kb


@dataclass(frozen=True, slots=True)
class EditorInfo:
    """A genome editor: nuclease, base editor or prime editor."""

    id: str
    kind: Literal["nuclease", "base_editor", "prime_editor"]
    description: str
    pam: str
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class CellType:
    """A cell source, cell type or immunotherapy type, and how it differs from the others."""

    id: str
    group: Literal["cell_source", "cell_type", "immunotherapy"]
    name: str
    summary: str
    examples: tuple[str, ...]
    sources: tuple[Source, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "group": self.group,
            "name": self.name,
            "summary": self.summary,
            "examples": list(self.examples),
            "sources": [s.to_dict() for s in self.sources],
        }


@cache
def load_vectors() -> tuple[VectorInfo, ...]:
    """Every bundled vector record."""
    return tuple(
        VectorInfo(
            id=e["id"],
            name=e["name"],
            capacity_kb=float(e["capacity_kb"]),
            capacity_note=e["capacity_note"],
            integrating=bool(e["integrating"]),
            transduces_dividing_only=bool(e["transduces_dividing_only"]),
            typical_delivery=e["typical_delivery"],
            risks=tuple(e["risks"]),
            sources=sources_from(e.get("sources", []), where=f"vector {e['id']!r}"),
        )
        for e in read_toml("vectors.toml")["vector"]
    )


@cache
def load_editors() -> tuple[EditorInfo, ...]:
    """Every bundled editor record."""
    return tuple(
        EditorInfo(
            id=e["id"],
            kind=e["kind"],
            description=e["description"],
            pam=e["pam"],
            sources=sources_from(e.get("sources", []), where=f"editor {e['id']!r}"),
        )
        for e in read_toml("nucleases.toml")["editor"]
    )


@cache
def load_cell_types() -> tuple[CellType, ...]:
    """Cell sources, cell types and immunotherapy types."""
    return tuple(
        CellType(
            id=e["id"],
            group=e["group"],
            name=e["name"],
            summary=e["summary"],
            examples=tuple(e.get("examples", ())),
            sources=sources_from(e.get("sources", []), where=f"cell type {e['id']!r}"),
        )
        for e in read_toml("cell_types.toml")["type"]
    )


def get_vector(vector_id: str) -> VectorInfo:
    """The vector with ``vector_id`` (e.g. ``"AAV"``, ``"LV"``)."""
    for v in load_vectors():
        if v.id.lower() == vector_id.lower():
            return v
    known = ", ".join(v.id for v in load_vectors())
    raise InputError(f"unknown vector {vector_id!r}", hint=f"one of {known}")


def get_editor(editor_id: str) -> EditorInfo:
    """The editor with ``editor_id`` (e.g. ``"SpCas9"``, ``"ABE"``, ``"PE"``)."""
    for e in load_editors():
        if e.id.lower() == editor_id.lower():
            return e
    known = ", ".join(e.id for e in load_editors())
    raise InputError(f"unknown editor {editor_id!r}", hint=f"one of {known}")
