"""HLA nomenclature, donor-recipient matching and the odds of finding a donor.

Three parts, each small and cited (the model page is ``docs/models/hla_matching.md``):

**Names** (:mod:`vivo.cells.hla_names`, re-exported here): WHO nomenclature for factors of the
HLA system (Marsh et al., Tissue Antigens 2010;75:291-455), serologic antigens kept as such, and
typings of two alleles per locus.

**Matching** (:func:`match`). Per locus, at the antigen level (first field, or the serologic
antigen) and at the allele level (first two fields: the same HLA protein). A mismatch in the
graft-versus-host (GvH) direction is a recipient antigen or allele the donor lacks (the donor's
T cells see it as foreign); one in the host-versus-graft (HvG, rejection) direction is a donor
antigen or allele the recipient lacks (Nunes et al., Blood 2011;118:e180). A locus counts
``2 - max(GvH, HvG)`` matches and a homozygous mismatch counts twice. Grades: x/8 (A, B, C,
DRB1), x/10 (+ DQB1), x/12 (+ DPB1) at the allele level, and the cord-blood x/6 (A and B at the
antigen level, DRB1 at the allele level; WMDA). Every DPB1 mismatch is an antigen mismatch (WMDA
2024 rule). A recipient homozygous
for A*01:01 with an A*01:01/A*02:01 donor has only an HvG mismatch (rejection direction); the
reverse pair has only a GvH mismatch. Null alleles are not expressed: a locus with one null
allele is compared as homozygous for the expressed one.

>>> r = match("A*01:01 A*01:01 B*08:01 B*08:01 C*07:01 C*07:01 DRB1*03:01 DRB1*03:01",
...           "A*01:01 A*02:01 B*08:01 B*08:01 C*07:01 C*07:01 DRB1*03:01 DRB1*03:01")
>>> r.grade(8).label, r.locus("A").direction
('7/8', 'HvG only')

**Donor odds** (:mod:`vivo.cells.donor_odds`, re-exported here). A full
sibling inherits one of each parent's two HLA haplotypes, so is HLA-identical to the patient
with probability 1/4 (Punnett square from :mod:`vivo.variants.inheritance`), and at least one
of N siblings is with probability 1 - (3/4)^N. Recombination within the HLA region is ignored
(it lowers the true figure slightly), and the four parental haplotypes are assumed distinct.
Unrelated-donor match rates by ancestry are the published registry figures bundled in
``data/hla_registry.toml``: Dehn et al. (Biol Blood Marrow Transplant 2015;21:137-141) for four
broad U.S. groups, and Gragert et al. (N Engl J Med 2014;371:339-348) for 21 detailed groups, of
which only the figures that could be read are bundled.

>>> str(sibling_match_probability(2).identical_at_least_one)
'7/16'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from vivo.cells.donor_odds import (
    RegistryLikelihood,
    SiblingOdds,
    registry_ancestries,
    registry_ancestry_names,
    registry_match_likelihood,
    sibling_match_probability,
)
from vivo.cells.hla_names import (
    EXPRESSION_SUFFIXES,
    GRADED_LOCI,
    KNOWN_LOCI,
    MARSH_2010,
    HlaAllele,
    LocusTyping,
    Typing,
    parse_allele,
    parse_typing,
)
from vivo.core.errors import InputError
from vivo.core.provenance import Citation, ModelInfo

__all__ = [
    "CORD_BLOOD_LOCI",
    "EXPRESSION_SUFFIXES",
    "GRADED_LOCI",
    "GRADES",
    "KNOWN_LOCI",
    "MODEL_INFO",
    "Grade",
    "HlaAllele",
    "LocusMatch",
    "LocusTyping",
    "MatchResult",
    "Mismatch",
    "RegistryLikelihood",
    "SiblingOdds",
    "Typing",
    "match",
    "parse_allele",
    "parse_typing",
    "registry_ancestries",
    "registry_ancestry_names",
    "registry_match_likelihood",
    "sibling_match_probability",
]

GRADES: dict[int, tuple[str, ...]] = {
    8: ("A", "B", "C", "DRB1"),
    10: ("A", "B", "C", "DRB1", "DQB1"),
    12: ("A", "B", "C", "DRB1", "DQB1", "DPB1"),
}
"""Match grades: x/8 (NMDP/CIBMTR standard), x/10 (adds DQB1), x/12 (adds DPB1)."""
CORD_BLOOD_LOCI = ("A", "B", "DRB1")
"""The cord-blood grade x/6: HLA-A and -B at the antigen level, HLA-DRB1 at the allele level
(WMDA Search & Match documentation: "Match class (e.g. 5/6, 4/6) is based on Antigen level
matching at the A* and B* locus whereas regular matching at antigen recognition domain (ARD)
level is used for DRB1"; Politikos I et al., Guidelines for cord blood unit selection, Biol
Blood Marrow Transplant 2020;26:2190-2196, abstract: "6-loci (HLA-A, -B antigen, -DRB1 allele)
and 8-allele (HLA-A, -B, -C, -DRB1)" match, so the x/8 grade applies to cord blood too)."""
_NO_ALLELE_LEVEL = frozenset({"DPB1"})
"""Loci where every mismatch is an antigen mismatch: "Any HLA-DPB1 mismatch is considered an
Antigen mismatch ... Therefore, there cannot be any allele mismatches" (WMDA Bioinformatics &
Innovation Committee recommendation finalised 2024-02-07, WMDA Search & Match documentation)."""

NUNES_2011 = Citation(
    key="Nunes2011",
    authors="Nunes E, Heslop H, Fernandez-Vina M, et al.",
    title="Definitions of histocompatibility typing terms (Blood 118:e180)",
    journal="Blood",
    year=2011,
)
DEHN_2015 = Citation(
    key="Dehn2015",
    authors="Dehn J, Buck K, Maiers M, Confer D, Hartzman R, Kollman C, et al.",
    title="8/8 and 10/10 high-resolution match rate for the Be The Match unrelated donor registry",
    journal="Biol Blood Marrow Transplant",
    year=2015,
    doi="10.1016/j.bbmt.2014.10.002",
)
GRAGERT_2014 = Citation(
    key="Gragert2014",
    authors="Gragert L, Eapen M, Williams E, Freeman J, Spellman S, Baitty R, Hartzman R, et al.",
    title="HLA match likelihoods for hematopoietic stem-cell grafts in the U.S. registry",
    journal="N Engl J Med",
    year=2014,
    doi="10.1056/NEJMsa1311707",
)
MODEL_INFO = ModelInfo(
    name="HLA matching",
    version="vivo-hla-1",
    citation=NUNES_2011,
    input_contract="two typings in WHO nomenclature (1-4 fields, N/L/S/C/A/Q suffixes, G/P "
    "groups, serology), two alleles per locus; HLA-A, -B, -C, -DRB1 required, DQB1/DPB1 optional",
    notes="GvH = recipient allele absent from the donor; HvG = donor allele absent from the "
    "recipient; locus matches = 2 - max(GvH, HvG); allele level = first two fields; null "
    "alleles not expressed; cord-blood x/6 = A, B antigen + DRB1 allele; every DPB1 mismatch "
    "is an antigen mismatch (WMDA); sibling odds 1 - (3/4)^N; registry rates from Dehn 2015 (4 "
    "broad groups) and Gragert 2014 (21 detailed groups; only figures read are bundled)",
    extra_citations=(MARSH_2010, DEHN_2015, GRAGERT_2014),
)

# -------------------------------------------------------------------------------- matching

Direction = Literal["GvH", "HvG"]
_Verdict = Literal["match", "mismatch", "unknown"]


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One mismatched allele: the recipient's (GvH direction) or the donor's (HvG direction).

    ``level`` is ``antigen`` when no allele of the other person shares its antigen (first
    field), ``allele`` when one does but the protein (second field) differs.
    """

    locus: str
    allele: str
    direction: Direction
    level: Literal["antigen", "allele"]


@dataclass(frozen=True, slots=True)
class LocusMatch:
    """The comparison at one locus.

    ``antigen_matches`` and ``allele_matches`` are 0-2 (``allele_matches`` is None when the
    typings do not resolve the protein, and so is ``antigen_matches`` at DPB1, whose antigen
    level is its alleles'); ``gvh_mismatches``/``hvg_mismatches`` are counted at
    ``resolution``, the finest level at which the comparison was possible.
    """

    locus: str
    recipient: tuple[str, str]
    donor: tuple[str, str]
    antigen_matches: int | None
    allele_matches: int | None
    gvh_mismatches: int
    hvg_mismatches: int
    resolution: Literal["allele", "antigen"]
    mismatches: tuple[Mismatch, ...]
    notes: tuple[str, ...]

    @property
    def direction(self) -> str:
        """``match``, ``bidirectional``, ``GvH only`` or ``HvG only``; at an unresolved DPB1
        pair (no level known for some alleles) ``undetermined``, or the direction of the
        mismatches that are known with ``(at least)``."""
        g, h = self.gvh_mismatches > 0, self.hvg_mismatches > 0
        if self.antigen_matches is None and not (g or h):
            return "undetermined"
        known = {(False, False): "match", (True, True): "bidirectional",
                 (True, False): "GvH", (False, True): "HvG"}[(g, h)]  # fmt: skip
        if self.antigen_matches is None:
            return f"{known} (at least; other alleles undetermined)"
        return known if known in ("match", "bidirectional") else f"{known} only"


@dataclass(frozen=True, slots=True)
class Grade:
    """A match grade over a set of loci: ``allele_matches``/``out_of`` (None if unresolved)."""

    out_of: int
    loci: tuple[str, ...]
    allele_matches: int | None
    antigen_matches: int | None  # None: unknown too (an unresolved DPB1 pair, see _grade)

    @property
    def label(self) -> str:
        """``7/8`` at the allele level, or ``?/8 (antigen 8/8)`` when alleles are unresolved;
        the cord-blood grade reads ``5/6 cord blood``."""
        tail = " cord blood" if self.out_of == 6 else ""
        if self.allele_matches is None:
            shown = "?" if self.antigen_matches is None else self.antigen_matches
            return f"?/{self.out_of}{tail} (antigen {shown}/{self.out_of})"
        return f"{self.allele_matches}/{self.out_of}{tail}"


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Recipient-donor comparison: per locus, the grades that the typed loci allow, notes."""

    recipient: Typing
    donor: Typing
    loci: tuple[LocusMatch, ...]
    grades: tuple[Grade, ...]
    notes: tuple[str, ...]

    def locus(self, name: str) -> LocusMatch:
        """The comparison at ``name`` (``"A"``); KeyError if that locus was not compared."""
        for lm in self.loci:
            if lm.locus == name:
                return lm
        raise KeyError(name)

    def grade(self, out_of: int) -> Grade:
        """The x/8, x/10 or x/12 grade; KeyError if its loci were not typed in both."""
        for g in self.grades:
            if g.out_of == out_of:
                return g
        raise KeyError(out_of)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (schema version 1)."""
        return {
            "schema_version": "1",
            "recipient": str(self.recipient),
            "donor": str(self.donor),
            "grades": [
                {
                    "grade": f"x/{g.out_of}",
                    "loci": list(g.loci),
                    "label": g.label,
                    "allele_matches": g.allele_matches,
                    "antigen_matches": g.antigen_matches,
                    "out_of": g.out_of,
                }
                for g in self.grades
            ],
            "loci": [_locus_dict(lm) for lm in self.loci],
            "notes": list(self.notes),
            "definitions": "GvH: recipient allele/antigen the donor lacks; HvG: donor "
            "allele/antigen the recipient lacks (Nunes et al., Blood 2011)",
        }


def _locus_dict(lm: LocusMatch) -> dict[str, Any]:
    return {
        "locus": lm.locus,
        "recipient": list(lm.recipient),
        "donor": list(lm.donor),
        "antigen_matches": lm.antigen_matches,
        "allele_matches": lm.allele_matches,
        "gvh_mismatches": lm.gvh_mismatches,
        "hvg_mismatches": lm.hvg_mismatches,
        "direction": lm.direction,
        "resolution": lm.resolution,
        "mismatches": [
            {"allele": m.allele, "direction": m.direction, "level": m.level} for m in lm.mismatches
        ],
        "notes": list(lm.notes),
    }


def _allele_verdict(a: HlaAllele, b: HlaAllele) -> _Verdict:
    """Same protein? ``unknown`` when the names do not resolve it."""
    if a.antigen != b.antigen:
        return "mismatch"
    pa, pb = a.protein, b.protein
    if pa is None or pb is None:
        return "unknown"
    if a.group is not None and a.group == b.group:
        return "match" if a.fields == b.fields else "mismatch"  # groups are disjoint
    if pa == pb:
        return "match"
    if a.group is not None or b.group is not None:
        return "unknown"  # a group also holds alleles named otherwise (A*02:09 in A*02:01P)
    return "mismatch"


def _one_way(
    source: tuple[HlaAllele, ...], target: tuple[HlaAllele, ...], direction: Direction
) -> tuple[int, int | None, list[Mismatch]]:
    """Antigen and allele mismatch counts of ``source`` alleles absent from ``target``."""
    antigen = allele = 0
    unresolved = False
    found: list[Mismatch] = []
    for s in source:
        same_antigen = [t for t in target if t.antigen == s.antigen]
        if not same_antigen:
            antigen += 1
            allele += 1
            found.append(Mismatch(s.locus, str(s), direction, "antigen"))
            continue
        verdicts = {_allele_verdict(s, t) for t in same_antigen}
        if "match" in verdicts:
            continue
        if "unknown" in verdicts:
            unresolved = True
            continue
        allele += 1
        if s.locus in _NO_ALLELE_LEVEL:  # WMDA 2024: a DPB1 mismatch is an antigen mismatch
            antigen += 1
            found.append(Mismatch(s.locus, str(s), direction, "antigen"))
        else:
            found.append(Mismatch(s.locus, str(s), direction, "allele"))
    return antigen, (None if unresolved else allele), found


def _compare_locus(rec: LocusTyping, don: LocusTyping) -> LocusMatch:
    r, d = rec.expressed, don.expressed
    g_ant, g_all, g_list = _one_way(r, d, "GvH")
    h_ant, h_all, h_list = _one_way(d, r, "HvG")
    resolved = g_all is not None and h_all is not None
    gvh, hvg = (g_all or 0, h_all or 0) if resolved else (g_ant, h_ant)
    mismatches = tuple(m for m in g_list + h_list if resolved or m.level == "antigen")
    return LocusMatch(
        locus=rec.locus,
        recipient=(str(rec.alleles[0]), str(rec.alleles[1])),
        donor=(str(don.alleles[0]), str(don.alleles[1])),
        antigen_matches=(
            None if rec.locus in _NO_ALLELE_LEVEL and not resolved else 2 - max(g_ant, h_ant)
        ),
        allele_matches=2 - max(gvh, hvg) if resolved else None,
        gvh_mismatches=gvh,
        hvg_mismatches=hvg,
        resolution="allele" if resolved else "antigen",
        mismatches=mismatches,
        notes=_locus_notes(rec, don, resolved),
    )


def _locus_notes(rec: LocusTyping, don: LocusTyping, resolved: bool) -> tuple[str, ...]:
    notes = []
    for who, t in (("recipient", rec), ("donor", don)):
        for a in t.alleles:
            if a.suffix == "N":
                live = [str(x) for x in t.alleles if x.expressed]
                rest = f"compared as homozygous for {live[0]}" if live else "no antigen"
                notes.append(f"{who} {a} is a null allele (not expressed): {rest}")
            elif a.suffix is not None:
                notes.append(f"{who} {a}: {EXPRESSION_SUFFIXES[a.suffix]}; compared as expressed")
    serologic = any(a.is_serologic for t in (rec, don) for a in t.alleles)
    molecular = any(not a.is_serologic for t in (rec, don) for a in t.alleles)
    if serologic and molecular:
        notes.append(
            "serology compared with DNA typing: the allele group (first field) is taken as the "
            "serologic antigen, which holds for most groups but not all (B*15 alleles carry "
            "B62, B63, B70 and others); check the WHO HLA dictionary"
        )
    if not resolved and rec.locus in _NO_ALLELE_LEVEL:
        notes.append("typing does not resolve every allele: beyond the mismatches listed, the "
                     "match is undetermined at both levels (DPB1 has no antigen level apart from "
                     "its alleles)")  # fmt: skip
    elif not resolved:
        notes.append("typing resolves the antigen only: allele-level match undetermined")
    return tuple(notes)


def match(recipient: Typing | str, donor: Typing | str) -> MatchResult:
    """Compare a recipient with a donor at every locus typed in both.

    Strings are parsed with :func:`parse_typing`. HLA-A, -B, -C and -DRB1 must be typed in
    both (the x/8 grade); x/10 and x/12 are added when DQB1 and DPB1 are typed in both.

    >>> r = match("A*01:01 A*02:01 B*07:02 B*08:01 C*07:01 C*07:02 DRB1*13:01 DRB1*15:01",
    ...           "A*01:01 A*03:01 B*07:02 B*08:01 C*07:01 C*07:02 DRB1*13:01 DRB1*15:01")
    >>> r.grade(8).label, [(m.allele, m.direction) for m in r.locus("A").mismatches]
    ('7/8', [('A*02:01', 'GvH'), ('A*03:01', 'HvG')])
    """
    rec = parse_typing(recipient) if isinstance(recipient, str) else recipient
    don = parse_typing(donor) if isinstance(donor, str) else donor
    missing = [
        f"HLA-{locus} ({who})"
        for locus in GRADES[8]
        for who, t in (("recipient", rec), ("donor", don))
        if t.get(locus) is None
    ]
    if missing:
        raise InputError("cannot grade the match: not typed: " + ", ".join(missing),
                         hint="type HLA-A, -B, -C and -DRB1 in both (the x/8 grade)")  # fmt: skip
    loci = tuple(
        _compare_locus(r, d)
        for locus in GRADED_LOCI
        if (r := rec.get(locus)) is not None and (d := don.get(locus)) is not None
    )
    compared = {lm.locus for lm in loci}
    grades = [
        _grade(out_of, names, loci) for out_of, names in GRADES.items() if compared >= set(names)
    ]
    grades.append(_cord_blood_grade(loci))
    notes = [
        f"HLA-{t.locus} typed in the {who} only: not compared"
        for who, typing, other in (("recipient", rec, don), ("donor", don, rec))
        for t in typing.loci
        if t.locus in GRADED_LOCI and other.get(t.locus) is None
    ]
    notes += [
        f"HLA-{t.locus} is not part of the x/8-x/12 grades: not compared"
        for t in rec.loci
        if t.locus not in GRADED_LOCI
    ]
    return MatchResult(rec, don, loci, tuple(grades), tuple(notes))


def _cord_blood_grade(loci: tuple[LocusMatch, ...]) -> Grade:
    """x/6 for cord blood: antigen matches at A and B plus allele matches at DRB1."""
    by = {lm.locus: lm for lm in loci}
    a, b, dr = (by[locus] for locus in CORD_BLOOD_LOCI)
    ant_a, ant_b, ant_dr = (x.antigen_matches or 0 for x in (a, b, dr))  # A, B, DRB1: never None
    score = None if dr.allele_matches is None else ant_a + ant_b + dr.allele_matches
    return Grade(6, CORD_BLOOD_LOCI, score, ant_a + ant_b + ant_dr)


def _grade(out_of: int, names: tuple[str, ...], loci: tuple[LocusMatch, ...]) -> Grade:
    chosen = [lm for lm in loci if lm.locus in names]
    alleles = [lm.allele_matches for lm in chosen]
    total = None if any(a is None for a in alleles) else sum(a or 0 for a in alleles)
    # DPB1 has no antigen level apart from its alleles (WMDA: any DPB1 mismatch is an antigen
    # mismatch), so an unresolved DPB1 pair leaves the antigen count unknown as well
    counts = [lm.antigen_matches for lm in chosen]
    antigen = None if any(c is None for c in counts) else sum(c or 0 for c in counts)
    return Grade(out_of, names, total, antigen)
