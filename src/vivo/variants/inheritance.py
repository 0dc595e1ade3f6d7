"""Mendelian inheritance: offspring genotype and phenotype probabilities.

A Punnett square over the parents' gametes, for autosomal recessive, autosomal dominant,
X-linked recessive and X-linked dominant disease, with complete penetrance by default.
Probabilities are exact fractions. Two carriers of a recessive allele have, for every child,
1/4 affected, 1/2 carriers and 1/4 unaffected non-carriers (Mendel's segregation; see e.g.
Strachan & Read, Human Molecular Genetics, 5th ed., ch. 5).

>>> r = offspring_risk("recessive", mother="carrier", father="carrier")
>>> [(c.genotype, str(c.probability), c.phenotype) for c in r.classes]
[('AA', '1/4', 'unaffected'), ('Aa', '1/2', 'carrier'), ('aa', '1/4', 'affected')]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from itertools import product
from typing import Literal

from vivo.core.errors import InputError

__all__ = ["MODES", "InheritanceResult", "OffspringClass", "offspring_risk"]

Mode = Literal["recessive", "dominant", "x-recessive", "x-dominant"]
MODES: dict[str, Mode] = {
    "recessive": "recessive", "ar": "recessive", "autosomal recessive": "recessive",
    "autosomal-recessive": "recessive",
    "dominant": "dominant", "ad": "dominant", "autosomal dominant": "dominant",
    "autosomal-dominant": "dominant",
    "x-recessive": "x-recessive", "xlr": "x-recessive", "x-linked": "x-recessive",
    "x-linked recessive": "x-recessive", "x-linked-recessive": "x-recessive",
    "x-dominant": "x-dominant", "xld": "x-dominant", "x-linked dominant": "x-dominant",
    "x-linked-dominant": "x-dominant",
}  # fmt: skip

# parent status -> genotype ('a' is the disease allele; 'Y' the Y chromosome)
_AUTOSOMAL = {
    "recessive": {"noncarrier": "AA", "unaffected": "AA", "carrier": "Aa", "affected": "aa"},
    "dominant": {"unaffected": "AA", "noncarrier": "AA", "affected": "Aa",
                 "heterozygous": "Aa", "homozygous": "aa"},
}  # fmt: skip
_X_MOTHER = {"noncarrier": "AA", "unaffected": "AA", "carrier": "Aa", "heterozygous": "Aa",
             "affected": "aa", "homozygous": "aa"}  # fmt: skip
_X_FATHER = {"unaffected": "AY", "noncarrier": "AY", "affected": "aY", "hemizygous": "aY"}


@dataclass(frozen=True, slots=True)
class OffspringClass:
    """One offspring genotype with its probability (among children of that ``sex``)."""

    sex: Literal["any", "female", "male"]
    genotype: str
    phenotype: Literal["affected", "carrier", "unaffected"]
    probability: Fraction


@dataclass(frozen=True, slots=True)
class InheritanceResult:
    """Offspring classes and a plain-language explanation."""

    mode: Mode
    mother: str
    father: str
    classes: tuple[OffspringClass, ...]
    explanation: str

    def probability(self, phenotype: str, sex: str = "any") -> Fraction:
        """P(phenotype) for a child of ``sex`` (``any``: averaged over a 1:1 sex ratio)."""
        rows = [c for c in self.classes if c.phenotype == phenotype]
        if self.mode in {"recessive", "dominant"}:
            return sum((c.probability for c in rows), Fraction(0))
        by_sex = {
            s: sum((c.probability for c in rows if c.sex == s), Fraction(0))
            for s in ("female", "male")
        }
        return by_sex[sex] if sex in by_sex else (by_sex["female"] + by_sex["male"]) / 2


def _status(table: dict[str, str], status: str, who: str, mode: str) -> str:
    key = status.strip().lower().replace("_", "-").replace("non-carrier", "noncarrier")
    if key not in table:
        raise InputError(
            f"unknown {who} status {status!r} for {mode} inheritance",
            hint="use one of: " + ", ".join(sorted(table)),
        )
    return table[key]


def _phenotype(genotype: str, mode: Mode) -> Literal["affected", "carrier", "unaffected"]:
    disease = genotype.count("a")
    male = "Y" in genotype
    if mode in {"dominant", "x-dominant"}:
        return "affected" if disease else "unaffected"
    if disease == 2 or (male and disease == 1):
        return "affected"
    return "carrier" if disease == 1 else "unaffected"


def offspring_risk(mode: str, *, mother: str, father: str) -> InheritanceResult:
    """Offspring probabilities for parents of the given statuses.

    Statuses: ``noncarrier``/``unaffected``, ``carrier``, ``affected`` (recessive);
    ``unaffected``, ``affected`` (heterozygous) or ``homozygous`` (dominant); for X-linked
    modes the mother is ``noncarrier``/``carrier``/``affected`` and the father
    ``unaffected``/``affected``.
    """
    key = mode.strip().lower()
    if key not in MODES:
        raise InputError(
            f"unknown inheritance mode {mode!r}",
            hint="use " + ", ".join(["recessive", "dominant", "x-recessive", "x-dominant"]),
        )
    m = MODES[key]
    if m in _AUTOSOMAL:
        mg = _status(_AUTOSOMAL[m], mother, "mother", m)
        fg = _status(_AUTOSOMAL[m], father, "father", m)
    else:
        mg = _status(_X_MOTHER, mother, "mother", m)
        fg = _status(_X_FATHER, father, "father", m)
    counts: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
    for a, b in product(mg, fg):
        genotype = "".join(sorted(a + b, key=lambda ch: ("A", "a", "Y").index(ch)))
        sex = "any" if m in _AUTOSOMAL else ("male" if "Y" in genotype else "female")
        counts[(sex, genotype)] += Fraction(1, 4) * (1 if sex == "any" else 2)
    classes = tuple(
        OffspringClass(sex, g, _phenotype(g, m), p)  # type: ignore[arg-type]
        for (sex, g), p in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1]))
    )
    result = InheritanceResult(m, mother, father, classes, "")
    return InheritanceResult(m, mother, father, classes, _explain(result))


def _pct(x: Fraction) -> str:
    return f"{float(x) * 100:.0f}%"


def _explain(r: InheritanceResult) -> str:
    names = {
        "recessive": "autosomal recessive",
        "dominant": "autosomal dominant",
        "x-recessive": "X-linked recessive",
        "x-dominant": "X-linked dominant",
    }
    lines = [
        f"{names[r.mode].capitalize()} inheritance, mother {r.mother}, father {r.father}: "
        "each child independently has"
    ]
    sexes = ["any"] if r.mode in {"recessive", "dominant"} else ["female", "male"]
    for sex in sexes:
        parts = [
            f"{_pct(r.probability(p, sex))} {p}"
            for p in ("affected", "carrier", "unaffected")
            if r.probability(p, sex) > 0
        ]
        who = "  " if sex == "any" else f"  {sex} child: "
        lines.append(who + ", ".join(parts))
    if r.mode in {"recessive", "x-recessive"}:
        lines.append(
            "A carrier has one disease allele and one working allele; the working copy is enough, "
            "so a carrier is usually healthy but can pass the allele on."
            + (
                " Sons have one X chromosome, so one disease allele makes a son affected."
                if r.mode == "x-recessive"
                else ""
            )
        )
    else:
        lines.append(
            "One disease allele is enough to cause the disease (complete penetrance "
            "assumed), so there are no unaffected carriers."
        )
    return "\n".join(lines)
