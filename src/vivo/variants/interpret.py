"""Interpret a variant end to end: parse, locate, check reference, normalize, predict.

>>> r = interpret_variant("HBB c.20A>T")
>>> r.hgvs_c, r.consequence.label, r.consequence.protein.hgvs, r.consequence.protein.legacy
('HBB:c.20A>T', 'missense', 'p.Glu7Val', 'Glu6Val')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vivo.core.coords import Strand
from vivo.genome.annotation import AnnotatedGenome, Transcript
from vivo.genome.bundled import beta_globin_locus
from vivo.variants.accessions import resolve_accession
from vivo.variants.consequence import Consequence, predict_consequence
from vivo.variants.hgvs import HgvsVariant, parse_hgvs
from vivo.variants.locate import (
    GenomicChange,
    NormalizedChange,
    describe_coding,
    describe_genomic,
    locate,
    normalize,
)

__all__ = ["VariantInterpretation", "interpret_variant"]


@dataclass(frozen=True, slots=True)
class VariantInterpretation:
    """Everything vivo knows about one variant on one transcript."""

    query: str
    parsed: HgvsVariant
    transcript: Transcript
    change: GenomicChange  # as stated (before normalization)
    normalized: NormalizedChange
    hgvs_c: str
    hgvs_g: str
    consequence: Consequence
    reference_check: str
    genome_name: str
    genome_source: str
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        p = self.consequence.protein
        return {
            "query": self.query,
            "gene": self.transcript.gene_name,
            "transcript": self.transcript.transcript_id,
            "protein_id": self.transcript.protein_id or None,
            "strand": str(self.transcript.strand),
            "hgvs_c": self.hgvs_c,
            "hgvs_g": self.hgvs_g,
            "normalized_from_query": self.hgvs_c.split(":", 1)[-1] != _canonical_query(self.parsed),
            "variant_type": self.normalized.kind,
            "genomic_change": self.normalized.change.to_vcf_like(),
            "consequence": self.consequence.label,
            "consequence_terms": list(self.consequence.terms),
            "exon": self.consequence.exon,
            "intron": self.consequence.intron,
            "protein": None
            if p is None
            else {
                "hgvs": p.hgvs,
                "short": p.short,
                "legacy": p.legacy,
                "legacy_note": p.legacy_note,
                "codon_change": p.codon_change,
                "new_stop_distance": p.new_stop_distance,
            },
            "reference_check": self.reference_check,
            "genome": {"name": self.genome_name, "source": self.genome_source},
            "warnings": list(self.warnings),
        }


def _canonical_query(v: HgvsVariant) -> str:
    from vivo.variants.hgvs import format_hgvs

    return format_hgvs(v, with_gene=False)


def interpret_variant(
    text: str,
    *,
    gene: str | None = None,
    genome: AnnotatedGenome | None = None,
) -> VariantInterpretation:
    """Parse ``text`` (``HBB c.20A>T``, ``HBB:c.20A>T``, or ``c.20A>T`` with ``gene``); interpret.

    The genome defaults to the bundled beta-globin locus (GenBank U01317.1). References may be
    accessions (``NM_000518.5:c.20A>T``, ``ENST…:c.``, ``NC_000011.10:g.5227002T>A``), resolved
    by :func:`vivo.variants.accessions.resolve_accession`; its warnings (another version of a
    transcript) are kept in ``warnings``.
    """
    ag = genome or beta_globin_locus()
    parsed = parse_hgvs(text, gene=gene)
    if gene is not None and parsed.gene is None:
        parsed = HgvsVariant(gene, parsed.kind, parsed.start, parsed.end, parsed.edit)
    parsed, named_tx, warnings = resolve_accession(parsed, ag)
    tx, change = locate(parsed, ag, transcript=named_tx)
    norm = normalize(change, ag.genome, tx.strand)
    g_norm = normalize(change, ag.genome, Strand.PLUS)
    stated = parsed.edit.ref
    where = change.to_vcf_like()
    check = (
        f"stated reference {stated} matches {ag.name} at {change.contig}:{change.start + 1}"
        if stated
        else f"no reference bases stated; reference at {where.split(':', 2)[0]}:"
        f"{change.start + 1} is {change.ref or '(insertion point)'}"
    )
    return VariantInterpretation(
        query=text,
        parsed=parsed,
        transcript=tx,
        change=change,
        normalized=norm,
        hgvs_c=describe_coding(norm, tx),
        hgvs_g=describe_genomic(g_norm),
        consequence=predict_consequence(norm, tx, ag.genome),
        reference_check=check,
        genome_name=ag.name,
        genome_source=ag.source,
        warnings=warnings,
    )
