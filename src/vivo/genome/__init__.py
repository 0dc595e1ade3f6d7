"""Genomes and gene annotation."""

from vivo.genome.annotation import AnnotatedGenome, Annotation, CodingPosition, Gene, Transcript
from vivo.genome.base import Genome, GenomeBase, InMemoryGenome
from vivo.genome.bundled import beta_globin_locus, bundled_locus

__all__ = [
    "AnnotatedGenome",
    "Annotation",
    "CodingPosition",
    "Gene",
    "Genome",
    "GenomeBase",
    "InMemoryGenome",
    "Transcript",
    "beta_globin_locus",
    "bundled_locus",
]
