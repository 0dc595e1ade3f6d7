"""Open a genome from any supported file, optionally with GTF/GFF3 annotation."""

from __future__ import annotations

import os
from pathlib import Path

from vivo.core.errors import InputError
from vivo.genome.annotation import AnnotatedGenome, Annotation
from vivo.genome.base import GenomeBase
from vivo.io.fasta import open_fasta
from vivo.io.genbank import read_genbank
from vivo.io.gtf import read_annotation
from vivo.io.twobit import TwoBitGenome

__all__ = ["GENOME_SUFFIXES", "open_genome"]

GENOME_SUFFIXES = {
    ".fa": "fasta", ".fasta": "fasta", ".fna": "fasta", ".fas": "fasta",
    ".2bit": "2bit", ".gb": "genbank", ".gbk": "genbank", ".genbank": "genbank", ".gbff": "genbank",
}  # fmt: skip


def _kind(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in {".gz", ".bgz"}]
    for suffix in reversed(suffixes):
        if suffix in GENOME_SUFFIXES:
            return GENOME_SUFFIXES[suffix]
    raise InputError(
        f"cannot tell the format of {path.name} from its name",
        hint="use a .fa/.fasta/.fna (optionally .gz), .2bit or .gb/.gbk file",
    )


def open_genome(
    path: str | os.PathLike[str],
    *,
    annotation: str | os.PathLike[str] | None = None,
    name: str | None = None,
) -> AnnotatedGenome:
    """Open FASTA (plain, gzip, bgzip), 2bit or GenBank; add GTF/GFF3 genes if given."""
    p = Path(path)
    kind = _kind(p)
    if kind == "genbank":
        ag = read_genbank(p, name=name)
        if annotation is None:
            return ag
        return AnnotatedGenome(ag.genome, read_annotation(annotation), source=ag.source)
    genome: GenomeBase = TwoBitGenome(p, name=name) if kind == "2bit" else open_fasta(p, name=name)
    ann = read_annotation(annotation) if annotation is not None else Annotation([])
    return AnnotatedGenome(genome, ann, source=f"{kind} file {p.name}")
