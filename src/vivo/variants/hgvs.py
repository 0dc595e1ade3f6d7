"""HGVS nomenclature (syntax only): parse and format ``c.`` and ``g.`` DNA variants.

Supported: substitutions (``c.20A>T``), deletions (``c.27del``, ``c.27_29delGAG``),
duplications (``c.27dup``), insertions (``c.27_28insTTT``) and deletion-insertions
(``c.27_29delinsAT``), with intronic offsets (``c.92+1G>A``, ``c.93-2del``), 5'UTR
(``c.-78A>G``) and 3'UTR (``c.*10del``) positions, and ranges. The reference may be given as
``HBB:c.20A>T``, ``HBB c.20A>T`` or ``NM_000518.5(HBB):c.20A>T``.
Reference: den Dunnen et al. 2016, Hum Mutat 37:564 (HGVS recommendations, varnomen.hgvs.org).

>>> v = parse_hgvs("HBB:c.20A>T")
>>> v.gene, str(v.start), v.edit.kind, v.edit.ref, v.edit.alt
('HBB', '20', 'sub', 'A', 'T')
>>> format_hgvs(parse_hgvs("c.92+1G>A"))
'c.92+1G>A'
>>> format_hgvs(parse_hgvs("HBB c.-78_-77insT"))
'HBB:c.-78_-77insT'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from vivo.core.errors import InputError
from vivo.genome.annotation import CodingPosition

__all__ = ["Edit", "HgvsVariant", "format_hgvs", "parse_hgvs"]

EditKind = Literal["sub", "del", "dup", "ins", "delins"]
Position = CodingPosition | int

_NT = "ACGTN"
_REF = r"(?:(?P<acc>[A-Za-z][A-Za-z0-9_.\-]*)(?:\((?P<paren>[A-Za-z0-9_.\-]+)\))?\s*[:\s]\s*)?"
_CPOS = r"[-*]?\d+(?:[+-]\d+)?"
_EDIT = (
    rf"(?:(?P<sref>[{_NT}])>(?P<salt>[{_NT}])"
    rf"|delins(?P<dialt>[{_NT}]+)"
    rf"|del(?P<diref>[{_NT}]+)ins(?P<dialt2>[{_NT}]+)"
    rf"|del(?P<dref>[{_NT}]*)"
    rf"|dup(?P<dupref>[{_NT}]*)"
    rf"|ins(?P<ialt>[{_NT}]+))"
)
_PATTERN = re.compile(
    rf"^{_REF}(?P<kind>[cg])\.(?P<start>{_CPOS})(?:_(?P<end>{_CPOS}))?{_EDIT}$", re.IGNORECASE
)
#: uncertain positions (parentheses or ``?`` after ``c.``/``g.``): vivo.variants.uncertain
_UNCERTAIN = re.compile(r"[cg]\.[^ ]*(?:\(|\?)", re.IGNORECASE)
_CPOS_RE = re.compile(r"^(?P<pre>[-*]?)(?P<base>\d+)(?P<off>[+-]\d+)?$")


@dataclass(frozen=True, slots=True)
class Edit:
    """What happens at the positions: kind, stated reference bases, new bases."""

    kind: EditKind
    ref: str = ""
    alt: str = ""


@dataclass(frozen=True, slots=True)
class HgvsVariant:
    """A parsed HGVS DNA variant. ``g.`` positions are 1-based integers."""

    gene: str | None
    kind: Literal["c", "g"]
    start: Position
    end: Position
    edit: Edit
    accession: str | None = None

    @property
    def is_range(self) -> bool:
        """True if the variant spans two positions (``start_end``)."""
        return self.start != self.end


#: the longest number a position may have (the longest human chromosome has 9 digits)
MAX_POSITION_DIGITS = 12


def _number(digits: str, full: str) -> int:
    """``int(digits)`` for a position, refusing numbers no genome has (and that ``int`` would
    refuse past 4,300 digits)."""
    if len(digits) > MAX_POSITION_DIGITS:
        raise InputError(
            f"{full[:40]!r}...: a number of {len(digits):,} digits cannot be a position",
            hint="write e.g. HBB:c.20A>T",
        )
    return int(digits)


def _coding(text: str, full: str) -> CodingPosition:
    m = _CPOS_RE.match(text)
    if m is None:  # pragma: no cover - the outer regex guarantees the shape
        raise InputError(f"bad position {text!r} in {full!r}")
    region = {"": "cds", "-": "utr5", "*": "utr3"}[m["pre"]]
    base = _number(m["base"], full)
    if base == 0:
        raise InputError(
            f"{full!r}: there is no position 0 in HGVS c. numbering",
            hint="c.1 is the A of the ATG and c.-1 the base before it",
        )
    return CodingPosition(base, region, _number(m["off"] or "0", full))  # type: ignore[arg-type]


def _genomic(text: str, full: str) -> int:
    if not text.isdigit() or _number(text, full) < 1:
        raise InputError(f"{full!r}: g. positions are positive integers, got {text!r}")
    return int(text)


def parse_hgvs(text: str, *, gene: str | None = None) -> HgvsVariant:
    """Parse an HGVS ``c.``/``g.`` DNA variant; ``gene`` supplies the reference if absent."""
    full = text.strip()
    m = _PATTERN.match(full)
    if m is None:
        if _UNCERTAIN.search(full):
            raise InputError(
                f"{text!r} has uncertain breakpoints: it names no exact bases to work on",
                hint="vivo variant and vivo plan read exon deletions/duplications written so "
                "(DMD c.(6912+1_6913-1)_(7309+1_7310-1)del); vivo plan also --exons 48-50",
            )
        raise InputError(
            f"cannot read HGVS variant {text!r}",
            hint="write e.g. HBB:c.20A>T, c.92+1G>A, c.-78A>G, c.*10del, c.27_29delinsAT "
            "or g.62206A>T",
        )
    kind = m["kind"].lower()
    conv = (lambda s: _coding(s, full)) if kind == "c" else (lambda s: _genomic(s, full))
    start = conv(m["start"])
    end = conv(m["end"]) if m["end"] else start
    if m["end"] and start == end:
        raise InputError(f"{full!r}: a range needs two different positions")
    if kind == "g" and isinstance(start, int) and isinstance(end, int) and end < start:
        raise InputError(f"{full!r}: range end comes before its start")
    edit = _edit(m, full, is_range=m["end"] is not None)
    acc, paren = m["acc"], m["paren"]
    ref_gene = paren or acc or gene
    return HgvsVariant(
        gene=ref_gene,
        kind=kind,  # type: ignore[arg-type]
        start=start,
        end=end,
        edit=edit,
        accession=acc if paren else None,
    )


def _edit(m: re.Match[str], full: str, *, is_range: bool) -> Edit:
    up = {k: (v.upper() if isinstance(v, str) else v) for k, v in m.groupdict().items()}
    if up["sref"] is not None:
        if is_range:
            raise InputError(f"{full!r}: a substitution changes one base; ranges use delins")
        if up["sref"] == up["salt"]:
            raise InputError(f"{full!r}: reference and new base are the same")
        return Edit("sub", up["sref"], up["salt"])
    if up["dialt"] is not None or up["dialt2"] is not None:
        return Edit("delins", up["diref"] or "", up["dialt"] or up["dialt2"])
    if up["dref"] is not None:
        return Edit("del", up["dref"])
    if up["dupref"] is not None:
        return Edit("dup", up["dupref"])
    if not is_range:
        raise InputError(
            f"{full!r}: an insertion lies between two positions",
            hint="write the two flanking positions, e.g. c.27_28insTTT",
        )
    return Edit("ins", "", up["ialt"])


def _fmt_pos(pos: Position) -> str:
    return str(pos)


def format_hgvs(variant: HgvsVariant, *, with_gene: bool = True) -> str:
    """Format a variant back to HGVS text (the inverse of :func:`parse_hgvs`)."""
    pos = _fmt_pos(variant.start)
    if variant.is_range:
        pos += "_" + _fmt_pos(variant.end)
    e = variant.edit
    edit = {
        "sub": f"{e.ref}>{e.alt}",
        "del": f"del{e.ref}",
        "dup": f"dup{e.ref}",
        "ins": f"ins{e.alt}",
        "delins": f"delins{e.alt}",
    }[e.kind]
    prefix = ""
    if with_gene and variant.gene:
        prefix = (
            f"{variant.accession}({variant.gene}):" if variant.accession else f"{variant.gene}:"
        )
    return f"{prefix}{variant.kind}.{pos}{edit}"
