"""GTF and GFF3 annotation: genes, transcripts, exons and CDS.

Both formats use 1-based inclusive coordinates; they become 0-based half-open here. In GTF
the CDS rows exclude the stop codon, so ``stop_codon`` rows are added to the CDS span.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import FormatError
from vivo.genome.annotation import Annotation, Gene, Transcript
from vivo.io.sniff import read_text, require_format

__all__ = ["read_annotation"]

_GTF_ATTR = re.compile(r'\s*([^\s;]+)\s+"?([^";]*)"?\s*;?')


@dataclass
class _Tx:
    tx_id: str
    gene: str
    contig: str
    strand: Strand
    exons: list[Interval] = field(default_factory=list)
    cds: list[Interval] = field(default_factory=list)


def _lines(path: Path) -> tuple[list[str], bool]:
    """The file's lines and whether it is GFF3 (told from its content)."""
    kind = require_format(path, ("gtf", "gff3", "text", "empty"), what="a GTF or GFF3 file")
    return read_text(path, what="GTF/GFF3 file").splitlines(), kind.format == "gff3"


def _attrs(text: str, gff3: bool) -> dict[str, str]:
    if gff3:
        pairs = (kv.split("=", 1) for kv in text.strip().strip(";").split(";") if "=" in kv)
        return {k.strip(): v.strip() for k, v in pairs}
    return {m.group(1): m.group(2) for m in _GTF_ATTR.finditer(text)}


def _row(line: str, lineno: int, where: str) -> tuple[str, str, Interval, Strand, str]:
    cols = line.split("\t")
    if len(cols) != 9:
        raise FormatError(
            f"expected 9 tab-separated columns, found {len(cols)}", path=where, line=lineno
        )
    try:
        start, end = int(cols[3]), int(cols[4])
    except ValueError as exc:
        raise FormatError("start/end are not integers", path=where, line=lineno) from exc
    if start < 1 or end < start:
        raise FormatError(f"bad coordinates {start}-{end}", path=where, line=lineno)
    strand = Strand.MINUS if cols[6] == "-" else Strand.PLUS
    return cols[0], cols[2], Interval(start - 1, end), strand, cols[8]


def read_annotation(path: str | os.PathLike[str]) -> Annotation:
    """Read a GTF or GFF3 file (detected from its content) into an :class:`Annotation`."""
    p = Path(path)
    lines, gff3 = _lines(p)
    txs: dict[str, _Tx] = {}
    parents: dict[str, str] = {}  # GFF3 transcript id -> gene name
    gene_names: dict[str, str] = {}  # GFF3 gene id -> name
    for lineno, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        contig, kind, iv, strand, attr_text = _row(line, lineno, str(p))
        attrs = _attrs(attr_text, gff3)
        if gff3:
            _gff3_row(kind, contig, iv, strand, attrs, txs, parents, gene_names)
        else:
            _gtf_row(kind, contig, iv, strand, attrs, txs, lineno, str(p))
    if gff3:
        for tx in txs.values():
            tx.gene = gene_names.get(parents.get(tx.tx_id, ""), tx.gene)
    if not txs:
        raise FormatError("no transcripts (exon or CDS rows) found", path=str(p))
    return Annotation(_genes(txs.values()))


def _gtf_row(
    kind: str,
    contig: str,
    iv: Interval,
    strand: Strand,
    attrs: dict[str, str],
    txs: dict[str, _Tx],
    lineno: int,
    where: str,
) -> None:
    if kind not in {"exon", "CDS", "stop_codon"}:
        return
    tx_id = attrs.get("transcript_id")
    if not tx_id:
        raise FormatError(f"{kind} row without transcript_id", path=where, line=lineno)
    gene = attrs.get("gene_name") or attrs.get("gene_id") or tx_id
    tx = txs.setdefault(tx_id, _Tx(tx_id, gene, contig, strand))
    (tx.exons if kind == "exon" else tx.cds).append(iv)


def _gff3_row(
    kind: str,
    contig: str,
    iv: Interval,
    strand: Strand,
    attrs: dict[str, str],
    txs: dict[str, _Tx],
    parents: dict[str, str],
    gene_names: dict[str, str],
) -> None:
    ident = attrs.get("ID", "")
    if kind == "gene":
        gene_names[ident] = attrs.get("Name") or attrs.get("gene_name") or ident
    elif kind in {"mRNA", "transcript", "lnc_RNA", "ncRNA"}:
        parents[ident] = attrs.get("Parent", "")
        txs.setdefault(ident, _Tx(ident, gene_names.get(parents[ident], ident), contig, strand))
    elif kind in {"exon", "CDS", "stop_codon"}:
        for parent in attrs.get("Parent", "").split(","):
            tx = txs.setdefault(parent, _Tx(parent, parent, contig, strand))
            (tx.exons if kind == "exon" else tx.cds).append(iv)


def _genes(txs: object) -> list[Gene]:
    by_gene: dict[str, list[Transcript]] = defaultdict(list)
    for tx in txs:  # type: ignore[attr-defined]
        exons = _merge(tx.exons or tx.cds)
        cds = None
        if tx.cds:
            cds = Interval(min(c.start for c in tx.cds), max(c.end for c in tx.cds))
        by_gene[tx.gene].append(
            Transcript(tx.tx_id, tx.gene, tx.contig, tx.strand, tuple(exons), cds)
        )
    genes = []
    for name, transcripts in by_gene.items():
        transcripts.sort(key=lambda t: (not t.is_coding, -t.cds_length(), -t.length))
        span = transcripts[0].span
        for t in transcripts[1:]:
            span = span.hull(t.span)
        genes.append(
            Gene(
                name, Locus(transcripts[0].contig, span, transcripts[0].strand), tuple(transcripts)
            )
        )
    return genes


def _merge(ivs: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for iv in sorted(ivs):
        if out and iv.start <= out[-1].end:
            out[-1] = out[-1].hull(iv)
        else:
            out.append(iv)
    return out
