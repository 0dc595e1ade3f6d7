"""Variants: HGVS parsing and formatting, normalization, consequences, inheritance."""

from vivo.variants.consequence import Consequence, ProteinChange, predict_consequence
from vivo.variants.hgvs import Edit, HgvsVariant, format_hgvs, parse_hgvs
from vivo.variants.interpret import VariantInterpretation, interpret_variant
from vivo.variants.locate import GenomicChange, NormalizedChange, locate, normalize
from vivo.variants.uncertain import UncertainVariant, format_uncertain, parse_uncertain

__all__ = [
    "Consequence",
    "Edit",
    "GenomicChange",
    "HgvsVariant",
    "NormalizedChange",
    "ProteinChange",
    "UncertainVariant",
    "VariantInterpretation",
    "format_hgvs",
    "format_uncertain",
    "interpret_variant",
    "locate",
    "normalize",
    "parse_hgvs",
    "parse_uncertain",
    "predict_consequence",
]
