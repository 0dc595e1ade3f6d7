"""Core vocabulary: sequences, coordinates, errors, provenance, units."""

from vivo.core.coords import Interval, Locus, Strand, parse_region
from vivo.core.errors import DataError, EngineError, FormatError, InputError, VivoError
from vivo.core.provenance import Citation, ModelInfo
from vivo.core.seq import gc_content, reverse_complement, translate, validate_dna

__all__ = [
    "Citation",
    "DataError",
    "EngineError",
    "FormatError",
    "InputError",
    "Interval",
    "Locus",
    "ModelInfo",
    "Strand",
    "VivoError",
    "gc_content",
    "parse_region",
    "reverse_complement",
    "translate",
    "validate_dna",
]
