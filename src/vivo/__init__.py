"""vivo: plan, design and simulate gene and cell therapies in silico.

The public API is re-exported here; ``tests/test_public_api.py`` keeps this list honest.
"""

import typing as _typing

from vivo._version import __version__

# the names below are loaded on first use (PEP 562), so `import vivo` stays fast
if _typing.TYPE_CHECKING:
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

#: public name -> module that defines it
_LAZY = {
    **dict.fromkeys(
        ("Citation", "DataError", "EngineError", "FormatError", "InputError", "Interval",
         "Locus", "ModelInfo", "Strand", "VivoError", "gc_content", "reverse_complement",
         "translate"),
        "vivo.core",
    ),
    **dict.fromkeys(("find_guides", "get_nuclease", "rank_guides", "score_guides"),
                    "vivo.editing"),
    **dict.fromkeys(("AnnotatedGenome", "Gene", "InMemoryGenome", "Transcript",
                     "beta_globin_locus"), "vivo.genome"),
    **dict.fromkeys(("format_hgvs", "interpret_variant", "parse_hgvs"), "vivo.variants"),
    "offspring_risk": "vivo.variants.inheritance",
}  # fmt: skip


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vivo' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


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
