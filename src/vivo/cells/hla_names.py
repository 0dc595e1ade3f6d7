"""HLA names: WHO nomenclature of alleles, serologic antigens and typings (the parser of
:mod:`vivo.cells.hla`, which re-exports everything public here).

WHO nomenclature for factors of the HLA system (Marsh et al.,
Tissue Antigens 2010;75:291-455): ``HLA-A*02:01:01:02L`` is gene ``A``, then up to four
colon-separated fields (allele group, specific HLA protein, synonymous DNA difference in the
coding region, difference outside the coding region), then an optional expression suffix (``N``
null, ``L`` low, ``S`` secreted, ``C`` cytoplasmic, ``A`` aberrant, ``Q`` questionable). ``G``
and ``P`` group names (``A*02:01:01G``, ``A*02:01P``) name alleles with the same nucleotide or
protein sequence in the antigen-recognition domain. Serologic antigens (``A2``, ``B57``,
``Cw7``, ``DR15``, ``DQ7``, ``DPw3``) are kept as serology, never converted to alleles.

>>> a = parse_allele("HLA-A*02:01:01:02L")
>>> a.locus, a.fields, a.suffix, a.expressed, str(a)
('A', ('02', '01', '01', '02'), 'L', True, 'A*02:01:01:02L')
>>> str(parse_allele("cw7")), parse_allele("DR15").locus
('Cw7', 'DRB1')

"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from vivo.core.errors import InputError
from vivo.core.provenance import Citation

__all__ = [
    "EXPRESSION_SUFFIXES",
    "GRADED_LOCI",
    "KNOWN_LOCI",
    "MARSH_2010",
    "HlaAllele",
    "LocusTyping",
    "Typing",
    "parse_allele",
    "parse_typing",
]

GRADED_LOCI = ("A", "B", "C", "DRB1", "DQB1", "DPB1")
"""Loci that enter the match grades, in the order reports list them."""
_OTHER_LOCI = ("DRB3", "DRB4", "DRB5", "DQA1", "DPA1", "E", "F", "G")
KNOWN_LOCI = GRADED_LOCI + _OTHER_LOCI
"""Gene names the parser accepts (the classical loci and the common extra ones)."""

EXPRESSION_SUFFIXES = {
    "N": "null allele (not expressed)",
    "L": "low cell-surface expression",
    "S": "secreted (soluble) molecule only, not on the cell surface",
    "C": "present in the cytoplasm, not on the cell surface",
    "A": "aberrant expression (uncertain whether expressed)",
    "Q": "questionable expression",
}
"""WHO expression suffixes (Marsh et al. 2010)."""

MARSH_2010 = Citation(
    key="Marsh2010",
    authors="Marsh SGE, Albert ED, Bodmer WF, et al.",
    title="Nomenclature for factors of the HLA system, 2010 (Tissue Antigens 75:291-455)",
    journal="Tissue Antigens",
    year=2010,
)
# serologic prefixes -> locus ("Cw" keeps its w; "DPw" names cellular DP types)
_SEROLOGY = {"A": "A", "B": "B", "CW": "C", "C": "C", "DR": "DRB1", "DQ": "DQB1",
             "DPW": "DPB1", "DP": "DPB1"}  # fmt: skip
_SEROLOGY_SHOWN = {"A": "A", "B": "B", "C": "Cw", "DRB1": "DR", "DQB1": "DQ", "DPB1": "DPw"}
_MOLECULAR = re.compile(r"(?P<locus>[A-Z]+[0-9]?)\*(?P<body>[0-9:]*)(?P<tail>[A-Z]*)")
_SERO = re.compile(r"(?P<prefix>A|B|CW|C|DR|DQ|DPW|DP)(?P<number>[0-9]{1,4})")
_FIELD = re.compile(r"[0-9]{2,3}")


def _err(name: str, why: str, hint: str) -> InputError:
    return InputError(f"malformed HLA name {name!r}: {why}", hint=hint)


# --------------------------------------------------------------------------------- alleles


@dataclass(frozen=True, slots=True)
class HlaAllele:
    """One HLA allele name (molecular, 1-4 fields, maybe a G/P group) or a serologic antigen.

    ``fields`` keep their digits as written (``("02", "01")``); ``serology`` is the antigen
    number of a serologic name (``"2"`` for ``A2``) and then ``fields`` is empty.
    """

    locus: str
    fields: tuple[str, ...] = ()
    suffix: str | None = None
    group: Literal["G", "P"] | None = None
    serology: str | None = None

    @property
    def is_serologic(self) -> bool:
        """A serologic antigen (``A2``) rather than a DNA-typed allele (``A*02:01``)."""
        return self.serology is not None

    @property
    def expressed(self) -> bool:
        """False for null alleles (suffix ``N``): no HLA molecule reaches the cell surface."""
        return self.suffix != "N"

    @property
    def antigen(self) -> int:
        """The antigen-level key: the allele group (first field) or the serologic number."""
        return int(self.serology if self.serology is not None else self.fields[0])

    @property
    def protein(self) -> tuple[str, str] | None:
        """The first two fields (one HLA protein), or None below two-field resolution."""
        if self.serology is not None or len(self.fields) < 2:
            return None
        return (self.fields[0], self.fields[1])

    @property
    def resolution(self) -> str:
        """``serology``, ``allele group`` (1 field), ``protein`` (2), ``coding`` (3),
        ``full`` (4), or ``G group`` / ``P group``."""
        if self.serology is not None:
            return "serology"
        if self.group is not None:
            return f"{self.group} group"
        return ("allele group", "protein", "coding", "full")[len(self.fields) - 1]

    def __str__(self) -> str:
        if self.serology is not None:
            return f"{_SEROLOGY_SHOWN[self.locus]}{self.serology}"
        return f"{self.locus}*{':'.join(self.fields)}{self.suffix or ''}{self.group or ''}"


def parse_allele(text: str) -> HlaAllele:
    """Parse one WHO HLA allele name or serologic antigen; raise InputError if malformed.

    Accepts an optional ``HLA-`` prefix and any letter case. Old names without colons
    (``A*0201``), ambiguity strings (``A*01:01/A*01:02``) and serologic public epitopes or
    DR51/52/53 are refused with a hint.

    >>> str(parse_allele("A*02:01P")), parse_allele("A*24:09N").expressed
    ('A*02:01P', False)
    >>> parse_allele("A*0201")
    Traceback (most recent call last):
    ...
    vivo.core.errors.InputError: malformed HLA name 'A*0201': ...
    """
    name = text.strip()
    if not name:
        raise InputError("empty HLA name", hint="write e.g. A*02:01")
    if "/" in name:
        raise _err(name, "an ambiguous typing (several alleles separated by '/')",
                   "give the one allele that was typed, or its G or P group")  # fmt: skip
    up = name.upper()
    up = up[4:] if up.startswith("HLA-") else up
    if "*" in up:
        return _parse_molecular(name, up)
    return _parse_serology(name, up)


def _parse_molecular(name: str, up: str) -> HlaAllele:
    m = _MOLECULAR.fullmatch(up)
    if m is None:
        raise _err(name, "not of the form LOCUS*NN:NN[:NN[:NN]][suffix]", "e.g. A*02:01:01:02L")
    locus, body, tail = m["locus"], m["body"], m["tail"]
    if locus not in KNOWN_LOCI:
        raise _err(name, f"unknown locus {locus!r}", "loci: " + ", ".join(KNOWN_LOCI))
    if body.endswith(":") and len(tail) >= 2:
        # NMDP multiple-allele codes (NMDP allele code service, https://hml.nmdp.org/MacUI/):
        # "XX" stands for every allele of the first field, i.e. a first-field typing
        if tail == "XX" and body.count(":") == 1:
            body, tail = body[:-1], ""
        else:
            raise _err(name, f"{tail!r} is an NMDP multiple-allele code",
                       "vivo does not bundle the NMDP code table: give the typed allele, "
                       "its G or P group, or the first field (e.g. A*02)")  # fmt: skip
    if ":" not in body and len(body) > 3:
        raise _err(name, "fields are not separated by colons",
                   "since 2010 names are written with colons, e.g. A*02:01 for A*0201")  # fmt: skip
    fields = tuple(body.split(":"))
    if not 1 <= len(fields) <= 4:
        raise _err(name, f"{len(fields)} fields", "an allele name has 1 to 4 fields")
    bad = [f for f in fields if not _FIELD.fullmatch(f)]
    if bad:
        raise _err(name, f"field {bad[0]!r} is not 2 or 3 digits", "e.g. A*02:01, B*15:101")
    suffix, group = _parse_tail(name, tail, len(fields))
    return HlaAllele(locus, fields, suffix, group)


def _parse_tail(name: str, tail: str, n_fields: int) -> tuple[str | None, Any]:
    if not tail:
        return None, None
    if len(tail) > 1:
        raise _err(name, f"unexpected letters {tail!r} after the fields",
                   "one expression suffix (N, L, S, C, A, Q) or a group letter (G, P)")  # fmt: skip
    if tail in "GP":
        wanted = (2, 3) if tail == "G" else (2,)
        if n_fields not in wanted:
            raise _err(name, f"a {tail} group with {n_fields} field(s)",
                       "G groups are named with 2-3 fields (A*02:01:01G), P groups with 2 "
                       "(A*02:01P)")  # fmt: skip
        return None, tail
    if tail not in EXPRESSION_SUFFIXES:
        raise _err(name, f"unknown suffix {tail!r}",
                   "expression suffixes: " + ", ".join(EXPRESSION_SUFFIXES))  # fmt: skip
    if n_fields < 2:
        raise _err(name, "an expression suffix on an allele group",
                   "a suffix belongs to an allele of 2 or more fields, e.g. A*24:09N")  # fmt: skip
    return tail, None


def _parse_serology(name: str, up: str) -> HlaAllele:
    if up in {"BW4", "BW6"}:
        raise _err(name, "Bw4/Bw6 are public epitopes shared by many B (and some A) antigens",
                   "give the B antigen (e.g. B57) or the allele")  # fmt: skip
    if up in {"DR51", "DR52", "DR53"}:
        raise _err(name, "DR51/52/53 are the products of DRB5/DRB3/DRB4, not DRB1",
                   "give the DR antigen (e.g. DR15) or the DRB1 allele")  # fmt: skip
    m = _SERO.fullmatch(up)
    if m is None:
        if re.fullmatch(r"[A-Z]+[0-9]?[0-9:]+[A-Z]?", up):
            raise _err(name, "a molecular name needs '*' after the locus", "e.g. A*02:01")
        raise _err(name, "neither an allele (A*02:01) nor a serologic antigen (A2)",
                   "alleles: LOCUS*NN:NN (A*02:01); antigens: A2, B57, Cw7, DR15, DQ7")  # fmt: skip
    number = m["number"].lstrip("0")
    if not number:
        raise _err(name, "antigen number 0", "e.g. A2, B57")
    return HlaAllele(_SEROLOGY[m["prefix"]], serology=number)


# --------------------------------------------------------------------------------- typings


@dataclass(frozen=True, slots=True)
class LocusTyping:
    """The two alleles typed at one locus (a homozygous locus holds the same allele twice)."""

    locus: str
    alleles: tuple[HlaAllele, HlaAllele]

    @property
    def expressed(self) -> tuple[HlaAllele, ...]:
        """Expressed alleles, two positions: one null allele leaves the other twice."""
        live = [a for a in self.alleles if a.expressed]
        return tuple(live * 2) if len(live) == 1 else tuple(live)

    @property
    def homozygous(self) -> bool:
        """Both positions carry the same name."""
        return str(self.alleles[0]) == str(self.alleles[1])


@dataclass(frozen=True, slots=True)
class Typing:
    """An HLA typing: per-locus pairs, graded loci first in :data:`GRADED_LOCI` order."""

    loci: tuple[LocusTyping, ...]

    def get(self, locus: str) -> LocusTyping | None:
        """The typing at ``locus`` (``"A"``, ``"DRB1"``), or None if not typed."""
        return next((t for t in self.loci if t.locus == locus), None)

    def __str__(self) -> str:
        return " ".join(str(a) for t in self.loci for a in t.alleles)


def parse_typing(text: str, *, single_as_homozygous: bool = False) -> Typing:
    """Parse a typing: allele names separated by spaces, commas, ``+`` or ``^`` (GL string).

    Each locus has two alleles. A homozygous locus is written twice (``A*01:01 A*01:01``);
    a locus given once is refused unless ``single_as_homozygous`` states that it is
    homozygous, because a single name in a report may also mean an untyped second allele.
    Three or more alleles at one locus are refused.

    >>> str(parse_typing("HLA-A*01:01+HLA-A*02:01^B8 B*57:01"))
    'A*01:01 A*02:01 B8 B*57:01'
    """
    tokens = [t for t in re.split(r"[\s,+^]+", text.strip()) if t]
    if not tokens:
        raise InputError("empty HLA typing", hint='e.g. "A*01:01 A*02:01 B*08:01 B*44:02 ..."')
    by_locus: dict[str, list[HlaAllele]] = {}
    for token in tokens:
        allele = parse_allele(token)
        by_locus.setdefault(allele.locus, []).append(allele)
    loci = []
    for locus in sorted(by_locus, key=KNOWN_LOCI.index):
        alleles = by_locus[locus]
        names = " ".join(str(a) for a in alleles)
        if len(alleles) > 2:
            raise InputError(f"{len(alleles)} alleles at HLA-{locus} ({names})",
                             hint="a person has two alleles per locus")  # fmt: skip
        if len(alleles) == 1:
            if not single_as_homozygous:
                raise InputError(
                    f"one allele at HLA-{locus} ({names})",
                    hint=f"write a homozygous locus twice ({names} {names}); vivo does not "
                    "assume homozygosity",
                )
            alleles = alleles * 2
        loci.append(LocusTyping(locus, (alleles[0], alleles[1])))
    return Typing(tuple(loci))
