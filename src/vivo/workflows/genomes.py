"""Resolve which genome a job runs on: the bundled locus by default, a user's files, or a
genome fetched into the store (``vivo genome fetch``) named by its store name."""

from __future__ import annotations

import os
from pathlib import Path

from vivo.core.errors import InputError
from vivo.genome.annotation import AnnotatedGenome
from vivo.genome.bundled import beta_globin_locus
from vivo.io.genomes import open_genome

__all__ = ["resolve_genome"]


def resolve_genome(
    genome: str | None = None,
    annotation: str | None = None,
    *,
    home: str | os.PathLike[str] | None = None,
) -> AnnotatedGenome:
    """The bundled beta-globin locus when ``genome`` is None; else the file at ``genome``
    (FASTA, 2bit or GenBank) with optional GTF/GFF3 ``annotation``; else, when ``genome`` is
    no file but the name of a genome fetched into the store at ``home``, that genome with its
    fetched annotation (unless ``annotation`` names another file). When ``home`` is given
    (``vivo serve`` passes its store), a fetched genome of that name is taken before any file
    of the same name in the working folder, and a name that is no fetched genome there is an
    error, never read as a path."""
    if genome is None:
        if annotation is not None:
            raise InputError(
                "--annotation needs --genome (the bundled locus has its own annotation)",
                hint="pass the genome the annotation belongs to with --genome",
            )
        return beta_globin_locus()
    if home is not None or not Path(genome).exists():
        fetched = _fetched(genome, annotation, home)
        if fetched is not None:
            return fetched
        if home is not None:
            raise InputError(
                f"no genome {genome!r} fetched into {home}",
                hint="fetch it first: vivo genome fetch NAME --annotation",
            )
    return open_genome(genome, annotation=annotation)


def _fetched(
    name: str, annotation: str | None, home: str | os.PathLike[str] | None
) -> AnnotatedGenome | None:
    from vivo.io.annotation_index import open_annotation
    from vivo.workflows.genome_fetch import fetched_genome

    found = fetched_genome(name, home=home)
    if found is None:
        return None
    if annotation is not None or found.annotation is None:
        ag = open_genome(found.genome, annotation=annotation, name=name)
    else:
        ag = open_genome(found.genome, name=name)
        ann = open_annotation(found.annotation, index=found.annotation_index)
        ag = AnnotatedGenome(ag.genome, ann, source=ag.source)
    source = f"{found.provider} {found.assembly} (fetched into {found.folder})"
    return AnnotatedGenome(ag.genome, ag.annotation, source=source, checksum=ag.checksum)
