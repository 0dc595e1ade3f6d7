"""Curated disease alleles, the genotypes two alleles make, and what one allele means (carriers).

The planner resolves a disease from the patient's genotype, not from the gene: HBB c.20A>T twice
is sickle cell disease (HbSS), c.20A>T with c.118C>T is HbS/beta0-thalassemia (also sickle cell
disease), c.118C>T twice is beta-thalassemia, and one c.20A>T is sickle cell trait (a healthy
carrier). Every row cites ClinVar, HbVar or a paper (data/alleles.toml).

>>> find_allele("HBB", "c.20A>T").allele_class
'HbS'
>>> genotype_rule("HBB", "beta0", "HbS").name, genotype_rule("HBB", "HbS", "beta0").disease
('HbS/beta0-thalassemia', 'sickle cell disease')
>>> trait("HBB", "HbS").name
'sickle cell trait (HbAS)'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from vivo.core.errors import DataError
from vivo.knowledge.sources import Source, read_toml, sources_from

__all__ = [
    "Allele",
    "GenotypeRule",
    "Trait",
    "allele_classes",
    "alleles_for_gene",
    "disease_classes",
    "find_allele",
    "genotype_rule",
    "trait",
]

_FILE = "alleles.toml"


@dataclass(frozen=True, slots=True)
class Allele:
    """One curated allele: its normalised HGVS c. description, names and class."""

    gene: str
    hgvs_c: str
    names: tuple[str, ...]
    allele_class: str
    effect: str
    sources: tuple[Source, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "gene": self.gene,
            "hgvs_c": self.hgvs_c,
            "names": list(self.names),
            "allele_class": self.allele_class,
            "effect": self.effect,
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass(frozen=True, slots=True)
class GenotypeRule:
    """Two allele classes of a gene and what they make: a disease, or none indicated."""

    gene: str
    classes: frozenset[str]
    name: str
    disease: str | None
    phenotype: str
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class Trait:
    """The carrier state of one heterozygous allele of a class."""

    gene: str
    allele_class: str
    name: str
    note: str
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class _Tables:
    alleles: tuple[Allele, ...]
    genotypes: tuple[GenotypeRule, ...]
    traits: tuple[Trait, ...]


def _str(e: dict[str, Any], key: str, where: str) -> str:
    value = e.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"data/{_FILE}: {where} has no {key!r}")
    return value


@cache
def _tables() -> _Tables:
    data = read_toml(_FILE)
    alleles = tuple(
        Allele(
            gene=_str(e, "gene", "an allele").upper(),
            hgvs_c=_str(e, "hgvs_c", "an allele"),
            names=tuple(e.get("names", ())),
            allele_class=_str(e, "allele_class", e["hgvs_c"]),
            effect=_str(e, "effect", e["hgvs_c"]),
            sources=sources_from(e.get("sources", []), where=f"allele {e['hgvs_c']}"),
        )
        for e in data.get("allele", [])
    )
    genotypes = []
    for e in data.get("genotype", []):
        classes = e.get("alleles", [])
        if len(classes) != 2:
            raise DataError(f"data/{_FILE}: genotype {e.get('name')!r} needs two allele classes")
        genotypes.append(
            GenotypeRule(
                gene=_str(e, "gene", "a genotype").upper(),
                classes=frozenset(classes),
                name=_str(e, "name", "a genotype"),
                disease=e.get("disease"),
                phenotype=_str(e, "phenotype", e["name"]),
                sources=sources_from(e.get("sources", []), where=f"genotype {e['name']}"),
            )
        )
    traits = tuple(
        Trait(
            gene=_str(e, "gene", "a trait").upper(),
            allele_class=_str(e, "allele_class", "a trait"),
            name=_str(e, "name", "a trait"),
            note=_str(e, "note", e["name"]),
            sources=sources_from(e.get("sources", []), where=f"trait {e['name']}"),
        )
        for e in data.get("trait", [])
    )
    return _Tables(alleles, tuple(genotypes), traits)


def alleles_for_gene(gene: str) -> tuple[Allele, ...]:
    """Every curated allele of ``gene``."""
    g = gene.strip().upper()
    return tuple(a for a in _tables().alleles if a.gene == g)


def allele_classes(gene: str) -> frozenset[str]:
    """The allele classes the genotype rules of ``gene`` use (empty: no curated rules)."""
    g = gene.strip().upper()
    return frozenset(c for r in _tables().genotypes if r.gene == g for c in r.classes)


def disease_classes(gene: str, disease: str) -> frozenset[str]:
    """The allele classes that take part in a genotype causing ``disease`` (HbS and beta0
    for sickle cell disease, beta0/beta+/HbE for beta-thalassemia)."""
    g = gene.strip().upper()
    return frozenset(
        c for r in _tables().genotypes if r.gene == g and r.disease == disease for c in r.classes
    )


def find_allele(gene: str, hgvs_c: str) -> Allele | None:
    """The curated allele with the normalised description ``hgvs_c`` (``c.…``, no gene prefix)."""
    key = hgvs_c.split(":", 1)[-1].strip()
    return next((a for a in alleles_for_gene(gene) if a.hgvs_c == key), None)


def genotype_rule(gene: str, class_a: str, class_b: str) -> GenotypeRule | None:
    """What alleles of classes ``class_a`` and ``class_b`` of ``gene`` make together."""
    g, pair = gene.strip().upper(), frozenset((class_a, class_b))
    return next((r for r in _tables().genotypes if r.gene == g and r.classes == pair), None)


def trait(gene: str, allele_class: str) -> Trait | None:
    """The carrier state of one allele of ``allele_class``."""
    g = gene.strip().upper()
    return next(
        (t for t in _tables().traits if t.gene == g and t.allele_class == allele_class), None
    )
