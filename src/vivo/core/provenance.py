"""Provenance: citations, model descriptions and run records carried by results."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Citation", "ModelInfo"]


@dataclass(frozen=True, slots=True)
class Citation:
    """A published source. ``key`` is a short handle such as ``"Doench2014"``."""

    key: str
    authors: str
    title: str
    journal: str
    year: int
    doi: str | None = None
    url: str | None = None
    pmid: str | None = None

    def short(self) -> str:
        """``First-author et al., Journal Year``."""
        first = self.authors.split(",")[0].strip()
        return f"{first} et al., {self.journal} {self.year}"

    def formatted(self) -> str:
        """A one-line reference with DOI when known."""
        doi = f" doi:{self.doi}" if self.doi else ""
        return f"{self.authors}. {self.title}. {self.journal} ({self.year}).{doi}"


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What a scientific model is, where it comes from and what it accepts."""

    name: str
    version: str
    citation: Citation
    input_contract: str
    notes: str = ""
    extra_citations: tuple[Citation, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, str]:
        """A JSON-ready summary (for result provenance)."""
        return {
            "name": self.name,
            "version": self.version,
            "citation": self.citation.formatted(),
            "input": self.input_contract,
        }
