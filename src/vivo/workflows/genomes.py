"""Resolve which genome a job runs on: the bundled locus by default, or a user's files."""

from __future__ import annotations

from vivo.core.errors import InputError
from vivo.genome.annotation import AnnotatedGenome
from vivo.genome.bundled import beta_globin_locus
from vivo.io.genomes import open_genome

__all__ = ["resolve_genome"]


def resolve_genome(genome: str | None = None, annotation: str | None = None) -> AnnotatedGenome:
    """The bundled beta-globin locus when ``genome`` is None, else the file at ``genome``
    (FASTA, 2bit or GenBank) with optional GTF/GFF3 ``annotation``."""
    if genome is None:
        if annotation is not None:
            raise InputError(
                "--annotation needs --genome (the bundled locus has its own annotation)",
                hint="pass the genome the annotation belongs to with --genome",
            )
        return beta_globin_locus()
    return open_genome(genome, annotation=annotation)
