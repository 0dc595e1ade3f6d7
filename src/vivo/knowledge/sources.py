"""Sources and published references behind every knowledge-base row.

>>> cite("Frangoul2021").short()
'Frangoul H et al., N Engl J Med 2021'
>>> Source.parse_pair("OMIM-603903", "https://omim.org/entry/603903").key
'OMIM-603903'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from vivo.core.errors import DataError, InputError
from vivo.core.provenance import Citation

__all__ = ["Source", "cite", "load_literature", "read_data_text", "read_toml", "sources_from"]

_PACKAGE = "vivo.knowledge"


@dataclass(frozen=True, slots=True)
class Source:
    """One cited page or paper: a stable ``key`` and the ``url`` where it can be read."""

    key: str
    url: str

    @staticmethod
    def parse_pair(key: str, url: str) -> Source:
        """Build a source, refusing an empty key or URL (a row without a source is an error)."""
        if not key.strip() or not url.strip():
            raise DataError(f"source with empty key or url: {key!r} {url!r}")
        return Source(key.strip(), url.strip())

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"key": self.key, "url": self.url}


def read_data_text(name: str) -> str:
    """Text of a bundled data file of the knowledge layer (``data/<name>``)."""
    try:
        return resources.files(_PACKAGE).joinpath("data", name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:  # pragma: no cover - broken installation
        raise DataError(f"bundled knowledge file data/{name} is missing; reinstall vivo") from exc


def read_toml(name: str) -> dict[str, Any]:
    """Parse a bundled TOML data file."""
    try:
        return tomllib.loads(read_data_text(name))
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - caught by the tests
        raise DataError(f"bundled knowledge file data/{name} is not valid TOML: {exc}") from exc


def sources_from(entries: list[dict[str, str]], *, where: str) -> tuple[Source, ...]:
    """Turn ``[{key=…, url=…}]`` into sources; a row with none is a :class:`DataError`."""
    if not entries:
        raise DataError(f"{where} has no source; every knowledge-base row must cite one")
    return tuple(Source.parse_pair(e.get("key", ""), e.get("url", "")) for e in entries)


@cache
def load_literature() -> dict[str, Citation]:
    """Every published paper the knowledge base cites, keyed like ``"Frangoul2021"``."""
    out: dict[str, Citation] = {}
    for p in read_toml("literature.toml")["paper"]:
        doi = p.get("doi")
        out[p["key"]] = Citation(
            key=p["key"],
            authors=p["authors"],
            title=p["title"],
            journal=p["journal"],
            year=int(p["year"]),
            doi=doi,
            url=f"https://doi.org/{doi}" if doi else p.get("url"),
        )
    return out


def cite(key: str) -> Citation:
    """The :class:`~vivo.core.provenance.Citation` for ``key``; InputError if unknown."""
    papers = load_literature()
    if key not in papers:
        raise InputError(f"unknown reference {key!r}", hint=f"known: {', '.join(sorted(papers))}")
    return papers[key]
