"""Genome editing design: nucleases, guide finding, on-target scoring and ranking.

The guide-design core is :mod:`vivo.editing.nucleases` (the catalog of RNA-guided nucleases),
:mod:`vivo.editing.guides` (``find_guides``), :mod:`vivo.editing.scoring` (one module per
on-target model, ``score_guides``) and :mod:`vivo.editing.ranking` (``rank_guides``).
"""

import typing as _typing

# loaded on first use (PEP 562): `vivo offtargets` needs the nuclease catalog, not the scorers
if _typing.TYPE_CHECKING:
    from vivo.editing.guides import Guide, find_guides
    from vivo.editing.nucleases import NUCLEASES, Nuclease, custom_nuclease, get_nuclease
    from vivo.editing.ranking import RankedGuide, RankingWeights, rank_guides
    from vivo.editing.scoring import score_guides

_LAZY = {
    "Guide": "guides", "find_guides": "guides", "NUCLEASES": "nucleases",
    "Nuclease": "nucleases", "custom_nuclease": "nucleases", "get_nuclease": "nucleases",
    "RankedGuide": "ranking", "RankingWeights": "ranking", "rank_guides": "ranking",
    "score_guides": "scoring",
}  # fmt: skip


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vivo.editing' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"vivo.editing.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "NUCLEASES",
    "Guide",
    "Nuclease",
    "RankedGuide",
    "RankingWeights",
    "custom_nuclease",
    "find_guides",
    "get_nuclease",
    "rank_guides",
    "score_guides",
]
