"""Human gene symbols (HGNC): is a symbol a real gene, which approved symbol an alias means.

The planner uses this to tell a mistyped gene (``HBBB``: exit 2 with a did-you-mean) from a real
gene vivo has no curated disease for (``CFTR``: exit 2 saying what vivo can plan), and to map an
old or alias symbol (``BCMA``) to its approved one (``TNFRSF17``).

The bundled list is the HGNC protein-coding gene set (19,078 approved symbols with their previous
and alias symbols; HGNC data are public domain, CC0). It is a 2013 snapshot: symbols approved
since then are not in it, which is why :func:`lookup_gene` also accepts genes named by the
knowledge base or by the genome annotation in use (see ``extra``).

>>> lookup_gene("hbb").symbol, lookup_gene("BCMA").symbol
('HBB', 'TNFRSF17')
>>> lookup_gene("BCMA").matched_via
'previous symbol'
>>> lookup_gene("HBBB") is None
True
>>> suggest_genes("HBBB")[:1]
['HBB']
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from vivo.core.errors import DataError
from vivo.knowledge.sources import Source, read_data_text

__all__ = ["HGNC_SOURCE", "GeneRecord", "lookup_gene", "suggest_genes"]

HGNC_SOURCE = Source("HGNC", "https://www.genenames.org/download/statistics-and-files/")
_FILE = "hgnc_protein_coding.tsv"

Match = Literal["approved symbol", "previous symbol", "alias", "knowledge base", "annotation"]


@dataclass(frozen=True, slots=True)
class GeneRecord:
    """A gene symbol as HGNC approves it, and how the user's text matched it."""

    symbol: str
    hgnc_id: str
    location: str
    matched_via: Match
    query: str


@dataclass(frozen=True, slots=True)
class _Table:
    approved: dict[str, tuple[str, str]]  # symbol -> (hgnc_id, location)
    previous: dict[str, str]  # previous symbol -> approved symbol (only unambiguous ones)
    alias: dict[str, str]  # alias symbol -> approved symbol (only unambiguous ones)


def _unambiguous(
    pairs: list[tuple[str, str]], approved: dict[str, tuple[str, str]]
) -> dict[str, str]:
    seen: dict[str, set[str]] = {}
    for old, new in pairs:
        if old not in approved:  # an approved symbol never means another gene
            seen.setdefault(old, set()).add(new)
    return {old: next(iter(new)) for old, new in seen.items() if len(new) == 1}


@cache
def _table() -> _Table:
    lines = read_data_text(_FILE).splitlines()
    if not lines or not lines[0].startswith("hgnc_id\tsymbol"):
        raise DataError(f"bundled knowledge file data/{_FILE} has no header; reinstall vivo")
    approved: dict[str, tuple[str, str]] = {}
    prev: list[tuple[str, str]] = []
    alias: list[tuple[str, str]] = []
    for n, line in enumerate(lines[1:], start=2):
        cols = line.split("\t")
        if len(cols) != 5:
            raise DataError(f"data/{_FILE} line {n}: expected 5 columns, got {len(cols)}")
        hgnc_id, symbol, location, previous, aliases = cols
        approved[symbol.upper()] = (hgnc_id, location)
        prev += [(p.upper(), symbol.upper()) for p in previous.split("|") if p]
        alias += [(a.upper(), symbol.upper()) for a in aliases.split("|") if a]
    return _Table(approved, _unambiguous(prev, approved), _unambiguous(alias, approved))


def lookup_gene(text: str, *, extra: Iterable[str] = ()) -> GeneRecord | None:
    """The gene that ``text`` names, or ``None`` when it is no known human gene symbol.

    Parameters
    ----------
    text:
        A gene symbol as the user typed it (case-insensitive).
    extra:
        Further symbols known to be genes (the knowledge base's, the genome annotation's); they
        count as approved symbols even when the bundled HGNC snapshot predates them.
    """
    q = text.strip().upper()
    if not q:
        return None
    t = _table()
    if q in t.approved:
        hgnc_id, loc = t.approved[q]
        return GeneRecord(q, hgnc_id, loc, "approved symbol", text)
    extras = {e.strip().upper() for e in extra}
    if q in extras:
        return GeneRecord(q, "", "", "annotation", text)
    for via, mapping in (("previous symbol", t.previous), ("alias", t.alias)):
        if q in mapping:
            symbol = mapping[q]
            hgnc_id, loc = t.approved[symbol]
            return GeneRecord(symbol, hgnc_id, loc, via, text)  # type: ignore[arg-type]
    return None


def suggest_genes(text: str, *, extra: Iterable[str] = (), n: int = 3) -> list[str]:
    """Close approved symbols for a mistyped ``text`` (``extra`` symbols are preferred)."""
    q = text.strip().upper()
    preferred = sorted({e.strip().upper() for e in extra})
    close = difflib.get_close_matches(q, preferred, n=n, cutoff=0.6)
    if len(close) < n:
        more = difflib.get_close_matches(q, list(_table().approved), n=n, cutoff=0.75)
        close += [m for m in more if m not in close]
    return close[:n]
