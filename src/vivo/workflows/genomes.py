"""Resolve which genome a job runs on: the bundled locus by default, or a user's files."""

from __future__ import annotations

from vivo.genome.annotation import AnnotatedGenome
from vivo.genome.bundled import beta_globin_locus
from vivo.io.genomes import open_genome

__all__ = ["resolve_genome"]


def resolve_genome(genome: str | None = None, annotation: str | None = None) -> AnnotatedGenome:
    """The bundled beta-globin locus when ``genome`` is None, else the file at ``genome``
    (FASTA, 2bit or GenBank) with optional GTF/GFF3 ``annotation``."""
    if genome is None:
        return beta_globin_locus()
    return open_genome(genome, annotation=annotation)
