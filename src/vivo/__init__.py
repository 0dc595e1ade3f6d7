"""vivo: plan, design and simulate gene and cell therapies in silico.

The public API is re-exported here; ``tests/test_public_api.py`` keeps this list honest.
"""

from vivo._version import __version__
from vivo.core import (
    Citation,
    DataError,
    EngineError,
    FormatError,
    InputError,
    Interval,
    Locus,
    ModelInfo,
    Strand,
    VivoError,
    gc_content,
    reverse_complement,
    translate,
)
from vivo.editing import find_guides, get_nuclease, rank_guides, score_guides
from vivo.genome import AnnotatedGenome, Gene, InMemoryGenome, Transcript, beta_globin_locus
from vivo.variants import format_hgvs, interpret_variant, parse_hgvs
from vivo.variants.inheritance import offspring_risk

__all__ = [
    "AnnotatedGenome",
    "Citation",
    "DataError",
    "EngineError",
    "FormatError",
    "Gene",
    "InMemoryGenome",
    "InputError",
    "Interval",
    "Locus",
    "ModelInfo",
    "Strand",
    "Transcript",
    "VivoError",
    "__version__",
    "beta_globin_locus",
    "find_guides",
    "format_hgvs",
    "gc_content",
    "get_nuclease",
    "interpret_variant",
    "offspring_risk",
    "parse_hgvs",
    "rank_guides",
    "reverse_complement",
    "score_guides",
    "translate",
]
