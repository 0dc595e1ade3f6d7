"""HGVS deletions and duplications whose breakpoints are uncertain (exon deletions from MLPA).

Clinical reports of copy-number tests (MLPA, arrays, qPCR) know which exons are lost or doubled
but not where in the introns the breakpoints lie. HGVS writes such a breakpoint as a range of
positions in parentheses, ``?`` for an unknown position:

- ``c.(6912+1_6913-1)_(7309+1_7310-1)del``: the recommended exon-based form (deletion of the
  exons from c.6913 to c.7309, breakpoints in the flanking introns; HGVS SVD-WG003, 2015);
- ``c.6913-?_7309+?del``: the older form of the same, ``-?``/``+?`` an unknown offset into the
  intron before/after the base;
- ``c.(?_-244)_(31+1_32-1)del``: a deletion that may extend beyond the transcript (``?``).

In ``(A_B)_(C_D)`` the first changed base lies after ``A`` and at or before ``B``, and the last
changed base at or after ``C`` and before ``D`` (``A`` and ``D`` are unchanged: HGVS
recommendations, "Uncertain"). Sources: den Dunnen et al. 2016, Hum Mutat 37:564;
https://hgvs-nomenclature.org/stable/recommendations/uncertain/;
http://www.hgvs.org/mutnomen/comments003.html (exon deletions/duplications).

This module reads and writes the syntax; which exons are lost and what it does to the reading
frame are :func:`vivo.knowledge.exons.exon_change`'s (the exact breakpoints cannot be known).

>>> v = parse_uncertain("NM_004006.2(DMD):c.(6912+1_6913-1)_(7309+1_7310-1)del")
>>> v.gene, v.edit, str(v.start), str(v.end)
('DMD', 'del', '(6912+1_6913-1)', '(7309+1_7310-1)')
>>> format_uncertain(parse_uncertain("DMD:c.6913-?_7309+?dup"))
'DMD:c.6913-?_7309+?dup'
>>> is_uncertain_hgvs("c.(?_-244)_(31+1_32-1)del"), is_uncertain_hgvs("c.20A>T")
(True, False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from vivo.core.errors import InputError
from vivo.genome.annotation import CodingPosition
from vivo.variants.hgvs import MAX_POSITION_DIGITS, Position

__all__ = [
    "Breakpoint",
    "UncertainVariant",
    "format_uncertain",
    "is_uncertain_hgvs",
    "parse_uncertain",
]

UncertainEdit = Literal["del", "dup"]
Side = Literal["", "-", "+"]

_REF = r"(?:(?P<acc>[A-Za-z][A-Za-z0-9_.\-]*)(?:\((?P<paren>[A-Za-z0-9_.\-]+)\))?\s*[:\s]\s*)?"
_POS = r"[-*]?\d+(?:[+-]\d+)?"
_BOUND = rf"(?:{_POS}|\?)"
_BREAK = rf"(?:\({_BOUND}_{_BOUND}\)|\d+[+-]\?|{_POS})"
_PATTERN = re.compile(
    rf"^{_REF}(?P<kind>[cg])\.(?P<start>{_BREAK})_(?P<end>{_BREAK})(?P<edit>del|dup)$",
    re.IGNORECASE,
)
_POS_RE = re.compile(r"^(?P<pre>[-*]?)(?P<base>\d+)(?P<off>[+-]\d+)?$")
#: the shape of an uncertain description, for telling it apart from exact HGVS
_LOOKS_UNCERTAIN = re.compile(r"[cg]\.[^ ]*(?:\(|\?)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Breakpoint:
    """Where one end of the change lies: a range ``(lo_hi)``, ``N-?``/``N+?`` or one position.

    ``lo``/``hi`` ``None`` is ``?`` (unknown). ``side`` ``"-"``/``"+"`` is an unknown offset into
    the intron before/after ``lo`` (= ``hi``, an exonic ``c.`` position); ``exact`` is one known
    position.
    """

    lo: Position | None
    hi: Position | None
    side: Side = ""
    exact: bool = False

    def __str__(self) -> str:
        if self.side:
            return f"{self.lo}{self.side}?"
        if self.exact:
            return str(self.lo)
        return f"({_bound(self.lo)}_{_bound(self.hi)})"


def _bound(p: Position | None) -> str:
    return "?" if p is None else str(p)


@dataclass(frozen=True, slots=True)
class UncertainVariant:
    """A deletion or duplication with at least one uncertain breakpoint."""

    gene: str | None
    kind: Literal["c", "g"]
    start: Breakpoint
    end: Breakpoint
    edit: UncertainEdit
    accession: str | None = None


def is_uncertain_hgvs(text: str) -> bool:
    """Whether ``text`` is written with uncertain positions (parentheses or ``?``)."""
    return _LOOKS_UNCERTAIN.search(text) is not None


def _number(digits: str, full: str) -> int:
    if len(digits) > MAX_POSITION_DIGITS:
        raise InputError(f"{full[:40]!r}...: a number of {len(digits):,} digits is no position")
    return int(digits)


def _position(text: str, kind: str, full: str) -> Position:
    m = _POS_RE.match(text)
    if m is None:  # pragma: no cover - the outer regex guarantees the shape
        raise InputError(f"bad position {text!r} in {full!r}")
    if kind == "g":
        if m["pre"] or m["off"]:
            raise InputError(f"{full!r}: g. positions are positive integers, got {text!r}")
        value = _number(m["base"], full)
        if value < 1:
            raise InputError(f"{full!r}: g. positions start at 1")
        return value
    base = _number(m["base"], full)
    if base == 0:
        raise InputError(f"{full!r}: there is no position 0 in HGVS c. numbering")
    region = {"": "cds", "-": "utr5", "*": "utr3"}[m["pre"]]
    return CodingPosition(base, region, _number(m["off"] or "0", full))  # type: ignore[arg-type]


def _key(p: Position) -> tuple[int, int, int]:
    return p.sort_key() if isinstance(p, CodingPosition) else (1, p, 0)


def _breakpoint(text: str, kind: str, full: str) -> Breakpoint:
    if text.startswith("("):
        a, b = text[1:-1].split("_")
        lo = None if a == "?" else _position(a, kind, full)
        hi = None if b == "?" else _position(b, kind, full)
        if lo is None and hi is None:
            raise InputError(f"{full!r}: (?_?) says nothing; write ? for an unknown breakpoint")
        if lo is not None and hi is not None and _key(hi) <= _key(lo):
            raise InputError(
                f"{full!r}: in ({a}_{b}) the second position must come after the first",
                hint="write ranges 5' to 3', e.g. (6912+1_6913-1)",
            )
        return Breakpoint(lo, hi)
    if text.endswith("?"):
        if kind == "g":
            raise InputError(f"{full!r}: N-?/N+? is written in c. (intron) positions only")
        pos = _position(text[:-2], kind, full)
        return Breakpoint(pos, pos, side=text[-2])  # type: ignore[arg-type]
    pos = _position(text, kind, full)
    return Breakpoint(pos, pos, exact=True)


def _lowest(b: Breakpoint) -> tuple[int, int, int] | None:
    if b.lo is None:
        return None
    k = _key(b.lo)
    return (k[0], k[1], -(10**9)) if b.side == "-" else k


def _highest(b: Breakpoint) -> tuple[int, int, int] | None:
    if b.hi is None:
        return None
    k = _key(b.hi)
    return (k[0], k[1], 10**9) if b.side == "+" else k


def parse_uncertain(text: str, *, gene: str | None = None) -> UncertainVariant:
    """Parse an HGVS deletion/duplication with uncertain breakpoints; ``gene`` if absent."""
    full = text.strip()
    m = _PATTERN.match(full)
    if m is None:
        raise InputError(
            f"cannot read {text!r} as a deletion or duplication with uncertain breakpoints",
            hint="write e.g. DMD:c.(6912+1_6913-1)_(7309+1_7310-1)del or DMD:c.6913-?_7309+?del",
        )
    kind = m["kind"].lower()
    start = _breakpoint(m["start"], kind, full)
    end = _breakpoint(m["end"], kind, full)
    if start.exact and end.exact:
        raise InputError(f"{full!r}: both breakpoints are exact", hint="write it as c.START_ENDdel")
    lo, hi = _lowest(start), _highest(end)
    if lo is not None and hi is not None and hi <= lo:
        raise InputError(
            f"{full!r}: the end breakpoint comes before the start",
            hint="write the breakpoints 5' to 3'",
        )
    acc, paren = m["acc"], m["paren"]
    return UncertainVariant(
        gene=paren or acc or gene,
        kind=kind,  # type: ignore[arg-type]
        start=start,
        end=end,
        edit=m["edit"].lower(),  # type: ignore[arg-type]
        accession=acc if paren else None,
    )


def format_uncertain(variant: UncertainVariant, *, with_gene: bool = True) -> str:
    """HGVS text of ``variant`` (the inverse of :func:`parse_uncertain`)."""
    prefix = ""
    if with_gene and variant.gene:
        prefix = (
            f"{variant.accession}({variant.gene}):" if variant.accession else f"{variant.gene}:"
        )
    return f"{prefix}{variant.kind}.{variant.start}_{variant.end}{variant.edit}"
