"""Genome-wide off-target search: exact, indexed, with bulges, CFD/MIT scoring.

See ``docs/offtarget.md`` for the precise problem definition.
"""

from vivo.editing.offtarget.encoding import PamSet, pam_set
from vivo.editing.offtarget.index import (
    PackedGenome,
    SiteIndex,
    build_site_index,
    pack_genome,
)
from vivo.editing.offtarget.results import (
    GuideOffTargets,
    OffTargetResult,
    OffTargetSite,
    SearchSettings,
)
from vivo.editing.offtarget.search import iter_offtargets, search_offtargets
from vivo.editing.offtarget.specificity import Specificity, aggregate_specificity

__all__ = [
    "GuideOffTargets",
    "OffTargetResult",
    "OffTargetSite",
    "PackedGenome",
    "PamSet",
    "SearchSettings",
    "SiteIndex",
    "Specificity",
    "aggregate_specificity",
    "build_site_index",
    "iter_offtargets",
    "pack_genome",
    "pam_set",
    "search_offtargets",
]
