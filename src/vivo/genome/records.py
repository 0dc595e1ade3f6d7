"""Turn annotated sequence records (Biopython ``SeqRecord``) into vivo genomes and genes.

The file reading (paths, compression, error lines) lives in :mod:`vivo.io.genbank`; this
module only converts parsed records, so the bundled loci can use it without the I/O layer.

Genes are built from ``gene``/``mRNA``/``CDS``/``exon`` features grouped by their ``/gene``
qualifier. A transcript's exons come from its ``mRNA`` feature (or, failing that, from the
``exon`` features or the CDS parts); its CDS is the ``CDS`` feature that lies inside it.
``repeat_region`` features can be soft-masked (lower-cased), as RepeatMasker output is.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import InputError
from vivo.genome.annotation import AnnotatedGenome, Annotation, Gene, Transcript
from vivo.genome.base import InMemoryGenome

__all__ = ["genes_from_record", "genome_from_records"]


def _parts(feature: Any) -> tuple[tuple[Interval, ...], Strand]:
    loc = feature.location
    parts = tuple(sorted(Interval(int(p.start), int(p.end)) for p in loc.parts))
    strand = Strand.MINUS if loc.strand == -1 else Strand.PLUS
    return parts, strand


def _name(feature: Any) -> str | None:
    for key in ("gene", "locus_tag"):
        values = feature.qualifiers.get(key)
        if values:
            return str(values[0])
    return None


def _first(feature: Any, key: str) -> str:
    values = feature.qualifiers.get(key)
    return str(values[0]) if values else ""


def genes_from_record(record: Any, *, contig: str | None = None) -> list[Gene]:
    """Build :class:`Gene` objects from one record's features."""
    contig = contig or record.id
    by_gene: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for feature in record.features:
        if feature.type in {"gene", "mRNA", "CDS", "exon"} and "pseudo" not in feature.qualifiers:
            name = _name(feature)
            if name:
                by_gene[name][feature.type].append(feature)
    genes = []
    for name, feats in by_gene.items():
        transcripts = _transcripts(name, feats, contig, record.id)
        if not transcripts:
            continue
        span = transcripts[0].span
        for tx in transcripts[1:]:
            span = span.hull(tx.span)
        for g in feats.get("gene", []):
            span = span.hull(_parts(g)[0][0].hull(_parts(g)[0][-1]))
        genes.append(Gene(name, Locus(contig, span, transcripts[0].strand), tuple(transcripts)))
    return genes


def _transcripts(
    name: str, feats: dict[str, list[Any]], contig: str, record_id: str
) -> list[Transcript]:
    cdss = [(*_parts(f), f) for f in feats.get("CDS", [])]
    out: list[Transcript] = []
    sources = [_parts(f) for f in feats.get("mRNA", [])]
    if not sources and feats.get("exon"):
        exon_parts = [_parts(f) for f in feats["exon"]]
        sources = [(tuple(sorted(p[0][0] for p in exon_parts)), exon_parts[0][1])]
    if not sources:
        sources = [(c[0], c[1]) for c in cdss]
    for i, (exons, strand) in enumerate(sources, start=1):
        cds_iv, cds_feature = _matching_cds(exons, cdss)
        tx_id = f"{record_id}:{name}" + (f".{i}" if len(sources) > 1 else "")
        out.append(
            Transcript(
                transcript_id=tx_id,
                gene_name=name,
                contig=contig,
                strand=strand,
                exons=exons,
                cds=cds_iv,
                product=_first(cds_feature, "product") if cds_feature is not None else "",
                protein_id=_first(cds_feature, "protein_id") if cds_feature is not None else "",
            )
        )
    out.sort(key=lambda t: (not t.is_coding, -t.cds_length() if t.is_coding else -t.length))
    return out


def _matching_cds(
    exons: Sequence[Interval], cdss: Iterable[tuple[tuple[Interval, ...], Strand, Any]]
) -> tuple[Interval | None, Any]:
    span = Interval(exons[0].start, exons[-1].end)
    for parts, _strand, feature in cdss:
        cds = Interval(parts[0].start, parts[-1].end)
        inside = all(any(e.contains(p) for e in exons) for p in parts)
        if span.contains(cds) and inside:
            return cds, feature
    return None, None


def _soft_mask(seq: str, record: Any) -> str:
    chars = list(seq)
    for feature in record.features:
        if feature.type == "repeat_region":
            for part in feature.location.parts:
                start, end = int(part.start), int(part.end)
                chars[start:end] = seq[start:end].lower()
    return "".join(chars)


def genome_from_records(
    records: Sequence[Any],
    *,
    name: str,
    source: str = "",
    mask_repeats: bool = False,
) -> AnnotatedGenome:
    """An :class:`AnnotatedGenome` from parsed GenBank records (one contig per record)."""
    if not records:
        raise InputError("no sequence records to build a genome from")
    contigs: dict[str, str] = {}
    genes: list[Gene] = []
    digest = hashlib.sha256()
    for record in records:
        seq = str(record.seq)
        digest.update(seq.upper().encode())
        if mask_repeats:
            seq = _soft_mask(seq, record)
        if record.id in contigs:
            raise InputError(f"duplicate record name {record.id!r}")
        contigs[record.id] = seq
        genes.extend(genes_from_record(record))
    genome = InMemoryGenome(contigs, name=name)
    return AnnotatedGenome(genome, Annotation(genes), source=source, checksum=digest.hexdigest())
