"""Jobs about variants and gene structure."""

from __future__ import annotations

import re
from typing import Any

from vivo.core.errors import InputError
from vivo.core.seq import translate
from vivo.genome.annotation import AnnotatedGenome
from vivo.variants.interpret import VariantInterpretation, interpret_variant
from vivo.workflows.genomes import resolve_genome

__all__ = ["check_variant_text", "describe_locus", "run_variant"]

SCHEMA_VERSION = "1"
_MAX_DIGITS = 12  # no genome coordinate needs 13 digits (the largest chromosome is ~2.5e8 bp)


def check_variant_text(text: str) -> str:
    """Refuse a variant with a number of 13 or more digits before it reaches the parser.

    Such a position cannot exist, and a number of over 4,300 digits would stop ``int()``.

    >>> check_variant_text("HBB c.20A>T")
    'HBB c.20A>T'
    """
    huge = re.search(rf"\d{{{_MAX_DIGITS + 1},}}", text)
    if huge:
        raise InputError(
            f"variant {text[:40]!r}...: a number of {len(huge[0]):,} digits cannot be a position",
            hint="write e.g. HBB:c.20A>T",
        )
    return text


def run_variant(
    text: str, *, genome: str | None = None, annotation: str | None = None
) -> VariantInterpretation:
    """Interpret ``text`` (e.g. ``HBB c.20A>T``) on the chosen genome."""
    return interpret_variant(check_variant_text(text), genome=resolve_genome(genome, annotation))


def describe_locus(
    gene: str, *, genome: str | None = None, annotation: str | None = None
) -> dict[str, Any]:
    """Gene structure: transcripts, exons (genomic, 1-based), CDS, c. ranges, protein length."""
    ag: AnnotatedGenome = resolve_genome(genome, annotation)
    g = ag.gene(gene)
    transcripts = []
    for tx in g.transcripts:
        exons = []
        for n, ex in enumerate(tx.exons_5to3, start=1):
            first, last = (
                (ex.start, ex.end - 1) if tx.strand.value == "+" else (ex.end - 1, ex.start)
            )
            exons.append(
                {
                    "number": n,
                    "start_1based": ex.start + 1,
                    "end_1based": ex.end,
                    "length": len(ex),
                    "c_start": f"c.{tx.to_coding(first)}" if tx.is_coding else None,
                    "c_end": f"c.{tx.to_coding(last)}" if tx.is_coding else None,
                }
            )
        entry: dict[str, Any] = {
            "transcript_id": tx.transcript_id,
            "strand": str(tx.strand),
            "exons": exons,
            "introns": [
                {"number": i, "length": len(iv)} for i, iv in enumerate(tx.introns_5to3, 1)
            ],
            "transcript_length": tx.length,
        }
        if tx.cds is not None:
            cds = tx.cds_sequence(ag.genome)
            protein = translate(cds.upper(), partial="ignore")
            entry.update(
                {
                    "cds_start_1based": tx.cds.start + 1,
                    "cds_end_1based": tx.cds.end,
                    "cds_length": len(cds),
                    "protein_length": len(protein.rstrip("*")),
                    "protein_id": tx.protein_id or None,
                    "product": tx.product or None,
                    "protein": protein,
                }
            )
        transcripts.append(entry)
    return {
        "schema_version": SCHEMA_VERSION,
        "gene": g.name,
        "contig": g.locus.contig,
        "start_1based": g.locus.start + 1,
        "end_1based": g.locus.end,
        "strand": str(g.locus.strand),
        "genome": ag.name,
        "source": ag.source,
        "transcripts": transcripts,
    }
