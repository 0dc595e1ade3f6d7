"""The odds of finding an HLA-matched donor: full siblings (Mendelian) and unrelated registries.

A full sibling inherits one of each parent's two HLA haplotypes, so is HLA-identical to the
patient with probability 1/4 (Punnett square from :mod:`vivo.variants.inheritance`), and at least
one of N siblings is with probability 1 - (3/4)^N. Recombination within the HLA region is ignored
(it lowers the true figure slightly), and the four parental haplotypes are assumed distinct.
Unrelated-donor match rates by ancestry are the published registry figures bundled in
``data/hla_registry.toml``: the four broad U.S. groups of Dehn et al. (Biol Blood Marrow
Transplant 2015;21:137-141) and the 21 detailed U.S. groups of Gragert et al. (N Engl J Med
2014;371:339-348), of which only the figures that could be read are bundled (each with how it
was read; the others are named as not bundled, never estimated). Model page:
``docs/models/hla_matching.md``.

>>> str(sibling_match_probability(2).identical_at_least_one)
'7/16'
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

from vivo.core.errors import DataError, InputError

__all__ = [
    "RegistryLikelihood",
    "SiblingOdds",
    "registry_ancestries",
    "registry_ancestry_names",
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

    ``rates`` maps a grade (``"8/8"``, ``"10/10"``, ``"7/8 or better"``, ``"8/8 (available
    adult donor)"``) to a fraction; each figure is one study's estimate for one registry at one
    date (``as_of``). ``rates`` holds only figures that were read in a cited source: it is empty
    for a Gragert 2014 group whose value could not be read, and ``how_read`` says, per grade,
    how each figure was read. ``study`` names the study; ``code`` is the NMDP population code
    of a Gragert group; ``broad`` is the Dehn 2015 broad group that contains it (context only:
    another study, another cohort), or None.
    """

    ancestry: str
    label: str
    registry: str
    as_of: str
    rates: dict[str, float]
    sources: tuple[str, ...]
    notes: tuple[str, ...]
    study: str = "Dehn et al. 2015"
    code: str | None = None
    how_read: dict[str, str] = field(default_factory=dict)
    broad: RegistryLikelihood | None = None


@cache
def _registry_table() -> dict[str, Any]:
    try:
        raw = resources.files("vivo.cells").joinpath("data", "hla_registry.toml").read_text()
        return tomllib.loads(raw)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"bundled HLA registry table unreadable: {exc}") from exc


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-")


@cache
def _names() -> dict[str, tuple[str, str]]:
    """Accepted spelling (slug) -> (table, key): Dehn keys, Gragert keys and group labels.

    A Gragert label that collides with a Dehn key (``african-american``) keeps the Dehn
    meaning; the detailed group stays reachable by its code (``aafa``).
    """
    table = _registry_table()
    names: dict[str, tuple[str, str]] = {}
    for key in table["ancestry"]:
        names[_slug(key)] = ("ancestry", key)
    for key, row in table.get("gragert", {}).get("population", {}).items():
        names.setdefault(_slug(key), ("gragert", key))
        names.setdefault(_slug(row["label"]), ("gragert", key))
    return names


def registry_ancestries() -> tuple[str, ...]:
    """The canonical ancestry names: the Dehn 2015 broad groups (``white``, ``hispanic``,
    ``asian-pacific-islander``, ``african-american``), then the NMDP codes of the 21 Gragert
    2014 detailed groups in lower case (``eurcau``, ``scamb`` ...)."""
    table = _registry_table()
    return tuple(table["ancestry"]) + tuple(table.get("gragert", {}).get("population", {}))


def registry_ancestry_names() -> tuple[str, ...]:
    """Every accepted spelling (canonical names and the Gragert group labels as slugs)."""
    return tuple(_names())


def registry_match_likelihood(ancestry: str) -> RegistryLikelihood:
    """The bundled, cited unrelated-donor match rates for one ancestry group.

    ``ancestry`` is a Dehn 2015 broad group, a Gragert 2014 NMDP code or that group's label
    (any case; spaces, hyphens and underscores alike).

    >>> r = registry_match_likelihood("white")
    >>> r.rates["8/8"], r.as_of
    (0.72, '2012')
    >>> g = registry_match_likelihood("Black South or Central American")
    >>> g.code, g.rates["8/8 (available adult donor)"], g.broad.ancestry
    ('SCAMB', 0.16, 'african-american')
    """
    if not isinstance(ancestry, str) or not ancestry.strip():
        raise InputError("empty ancestry", hint="choose from: " + ", ".join(registry_ancestries()))
    names = _names()
    hit = names.get(_slug(ancestry))
    if hit is None:
        close = difflib.get_close_matches(_slug(ancestry), list(names), n=1, cutoff=0.6)
        guess = f"did you mean {close[0]!r}? " if close else ""
        choices = ", ".join(registry_ancestries())
        raise InputError(f"unknown ancestry {ancestry.strip()[:60]!r}",
                         hint=f"{guess}choose from: {choices}")  # fmt: skip
    kind, key = hit
    return _dehn(key) if kind == "ancestry" else _gragert(key)


def _citations(keys: list[str]) -> tuple[str, ...]:
    src = _registry_table()["sources"]
    try:
        return tuple(src[s]["citation"] for s in keys)
    except KeyError as exc:
        raise DataError(f"hla_registry.toml: unknown source key {exc}") from exc


def _how_read(where: str, row: dict[str, Any]) -> dict[str, str]:
    how = {str(k): str(v) for k, v in row.get("how_read", {}).items()}
    if set(how) != set(row.get("rates", {})):
        raise DataError(f"hla_registry.toml: {where}: each rate needs its how_read (only those)")
    return how


def _dehn(key: str) -> RegistryLikelihood:
    table = _registry_table()
    row = table["ancestry"][key]
    return RegistryLikelihood(
        ancestry=key,
        label=row["label"],
        registry=table["registry"],
        as_of=row["as_of"],
        rates={k: float(v) for k, v in row["rates"].items()},
        sources=_citations(row["sources"]),
        notes=tuple(table.get("notes", ())),
        how_read=_how_read(f"ancestry.{key}", row),
    )


def _gragert(key: str) -> RegistryLikelihood:
    block = _registry_table()["gragert"]
    row = block["population"][key]
    rates = {k: float(v) for k, v in row.get("rates", {}).items()}
    how = _how_read(f"gragert.population.{key}", row)
    notes = list(block.get("notes", ()))
    if not rates:
        notes.insert(0, f"{row['label']} ({row['code']}): the per-group likelihood of Gragert et "
                     "al. 2014 is NOT bundled (its table could not be read); vivo does not "
                     "estimate it")  # fmt: skip
    dehn = row.get("dehn")
    return RegistryLikelihood(
        ancestry=key,
        label=f"{row['label']} ({row['code']})",
        registry=block["registry"],
        as_of=block["as_of"],
        rates=rates,
        sources=_citations(block["sources"]),
        notes=tuple(notes),
        study=block["study"],
        code=row["code"],
        how_read=how,
        broad=_dehn(dehn) if dehn else None,
    )
