"""The field's vocabulary in our own words, each term linked to where vivo uses it.

>>> explain("HDR").term
'homology-directed repair'
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from typing import Any

from vivo.core.errors import InputError
from vivo.knowledge.sources import Source, read_toml, sources_from

__all__ = ["Term", "explain", "load_glossary"]


@dataclass(frozen=True, slots=True)
class Term:
    """One glossary entry."""

    term: str
    aliases: tuple[str, ...]
    definition: str
    used_in: tuple[str, ...]
    sources: tuple[Source, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "term": self.term,
            "aliases": list(self.aliases),
            "definition": self.definition,
            "used_in": list(self.used_in),
            "sources": [s.to_dict() for s in self.sources],
        }


@cache
def load_glossary() -> tuple[Term, ...]:
    """Every glossary term, in file order."""
    return tuple(
        Term(
            term=e["term"],
            aliases=tuple(e.get("aliases", ())),
            definition=e["definition"],
            used_in=tuple(e["used_in"]),
            sources=sources_from(e.get("sources", []), where=f"term {e['term']!r}"),
        )
        for e in read_toml("glossary.toml")["term"]
    )


def explain(word: str) -> Term:
    """The glossary entry for ``word`` (a term or one of its aliases, case-insensitive)."""
    key = word.strip().lower()
    for t in load_glossary():
        if key == t.term.lower() or key in (a.lower() for a in t.aliases):
            return t
    names = [t.term for t in load_glossary()] + [a for t in load_glossary() for a in t.aliases]
    close = difflib.get_close_matches(word, names, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else "see `vivo kb glossary`"
    raise InputError(f"{word!r} is not in the glossary", hint=hint)
