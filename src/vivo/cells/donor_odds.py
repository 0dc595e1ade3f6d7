"""The odds of finding an HLA-matched donor: full siblings (Mendelian) and unrelated registries.

A full sibling inherits one of each parent's two HLA haplotypes, so is HLA-identical to the
patient with probability 1/4 (Punnett square from :mod:`vivo.variants.inheritance`), and at least
one of N siblings is with probability 1 - (3/4)^N. Recombination within the HLA region is ignored
(it lowers the true figure slightly), and the four parental haplotypes are assumed distinct.
Unrelated-donor match rates by ancestry are the published registry figures bundled in
``data/hla_registry.toml`` (Dehn et al., Biol Blood Marrow Transplant 2015;21:137-141). Model
page: ``docs/models/hla_matching.md``.

>>> str(sibling_match_probability(2).identical_at_least_one)
'7/16'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

from vivo.core.errors import DataError, InputError

__all__ = [
    "RegistryLikelihood",
    "SiblingOdds",
    "registry_ancestries",
    "registry_match_likelihood",
    "sibling_match_probability",
]


@dataclass(frozen=True, slots=True)
class SiblingOdds:
    """Exact Mendelian probabilities for full siblings of a patient (recombination ignored).

    Per sibling: ``identical`` (both haplotypes shared) 1/4, ``haploidentical`` (one shared)
    1/2, ``none_shared`` 1/4. ``identical_at_least_one`` = 1 - (1 - 1/4)^siblings.
    """

    siblings: int
    identical: Fraction
    haploidentical: Fraction
    none_shared: Fraction
    identical_at_least_one: Fraction
    haploidentical_at_least_one: Fraction


def sibling_match_probability(siblings: int) -> SiblingOdds:
    """Probability that at least one of ``siblings`` full siblings is HLA-identical.

    Built on :func:`vivo.variants.inheritance.offspring_risk`: call the haplotype that each
    parent passed to the patient ``a`` and the parent's other haplotype ``A``; each parent is
    then ``Aa`` and a sibling who inherited ``aa`` is HLA-identical to the patient (1/4), ``Aa``
    haploidentical (1/2). Assumes four distinct parental haplotypes and no recombination.

    >>> o = sibling_match_probability(3)
    >>> str(o.identical), str(o.identical_at_least_one)
    ('1/4', '37/64')
    """
    from vivo.variants.inheritance import offspring_risk

    if isinstance(siblings, bool) or not isinstance(siblings, int) or not 0 <= siblings <= 100:
        raise InputError(f"siblings must be a whole number 0..100, not {siblings!r}")
    punnett = offspring_risk("recessive", mother="carrier", father="carrier")
    by_genotype = {c.genotype: c.probability for c in punnett.classes}
    identical, haplo, none = by_genotype["aa"], by_genotype["Aa"], by_genotype["AA"]
    return SiblingOdds(
        siblings=siblings,
        identical=identical,
        haploidentical=haplo,
        none_shared=none,
        identical_at_least_one=1 - (1 - identical) ** siblings,
        haploidentical_at_least_one=1 - (1 - haplo) ** siblings,
    )


@dataclass(frozen=True, slots=True)
class RegistryLikelihood:
    """Published likelihood that a patient of ``ancestry`` has a matched unrelated donor.

    ``rates`` maps a grade (``"8/8"``, ``"10/10"``, ``"7/8 or better"``) to a fraction; each
    figure is one study's estimate for one registry at one date (``as_of``).
    """

    ancestry: str
    label: str
    registry: str
    as_of: str
    rates: dict[str, float]
    sources: tuple[str, ...]
    notes: tuple[str, ...]


@cache
def _registry_table() -> dict[str, Any]:
    try:
        raw = resources.files("vivo.cells").joinpath("data", "hla_registry.toml").read_text()
        return tomllib.loads(raw)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"bundled HLA registry table unreadable: {exc}") from exc


def registry_ancestries() -> tuple[str, ...]:
    """The ancestry names of the bundled registry table (``white``, ``hispanic`` ...)."""
    return tuple(_registry_table()["ancestry"])


def registry_match_likelihood(ancestry: str) -> RegistryLikelihood:
    """The bundled, cited unrelated-donor match rates for one ancestry group.

    >>> r = registry_match_likelihood("white")
    >>> r.rates["8/8"], r.as_of
    (0.72, '2012')
    """
    table = _registry_table()
    key = ancestry.strip().lower().replace("_", "-").replace(" ", "-")
    groups = table["ancestry"]
    if key not in groups:
        raise InputError(f"unknown ancestry {ancestry!r}",
                         hint="choose from: " + ", ".join(groups))  # fmt: skip
    row = groups[key]
    src = table["sources"]
    return RegistryLikelihood(
        ancestry=key,
        label=row["label"],
        registry=table["registry"],
        as_of=row["as_of"],
        rates={k: float(v) for k, v in row["rates"].items()},
        sources=tuple(src[s]["citation"] for s in row["sources"]),
        notes=tuple(table.get("notes", ())),
    )
