"""Open a genome from any supported file (format told from its content), optionally with
GTF/GFF3 annotation."""

from __future__ import annotations

import os

from vivo.genome.annotation import AnnotatedGenome, Annotation
from vivo.genome.base import GenomeBase
from vivo.io.annotation_index import open_annotation
from vivo.io.fasta import open_fasta
from vivo.io.genbank import read_genbank
from vivo.io.sniff import Format, require_file, require_format
from vivo.io.twobit import TwoBitGenome

__all__ = ["GENOME_FORMATS", "open_genome"]

#: formats a genome can be read from (told from the content by :func:`vivo.io.sniff.sniff`)
GENOME_FORMATS: tuple[Format, ...] = ("fasta", "2bit", "genbank")


def open_genome(
    path: str | os.PathLike[str],
    *,
    annotation: str | os.PathLike[str] | None = None,
    name: str | None = None,
) -> AnnotatedGenome:
    """Open FASTA (plain, gzip, bgzip), 2bit or GenBank (told from the content, not the
    name); add GTF/GFF3 genes if given (a genome-scale annotation is indexed once on disk,
    see :func:`vivo.io.annotation_index.open_annotation`)."""
    p = require_file(path, "genome file")
    kind = require_format(p, (*GENOME_FORMATS, "text", "empty"), what="a genome file").format
    if kind in ("text", "empty"):
        kind = "fasta"  # the FASTA reader names the line that is wrong
    if kind == "genbank":
        ag = read_genbank(p, name=name)
        if annotation is None:
            return ag
        return AnnotatedGenome(ag.genome, open_annotation(annotation), source=ag.source)
    genome: GenomeBase = TwoBitGenome(p, name=name) if kind == "2bit" else open_fasta(p, name=name)
    ann = open_annotation(annotation) if annotation is not None else Annotation([])
    return AnnotatedGenome(genome, ann, source=f"{kind} file {p.name}")
