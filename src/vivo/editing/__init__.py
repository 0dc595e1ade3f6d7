"""Genome editing design: nucleases, guide finding, on-target scoring and ranking.

The guide-design core is :mod:`vivo.editing.nucleases` (the catalog of RNA-guided nucleases),
:mod:`vivo.editing.guides` (``find_guides``), :mod:`vivo.editing.scoring` (one module per
on-target model, ``score_guides``) and :mod:`vivo.editing.ranking` (``rank_guides``).
"""

from vivo.editing.guides import Guide, find_guides
from vivo.editing.nucleases import NUCLEASES, Nuclease, custom_nuclease, get_nuclease
from vivo.editing.ranking import RankedGuide, RankingWeights, rank_guides
from vivo.editing.scoring import score_guides

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
