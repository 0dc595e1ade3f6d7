"""GTF and GFF3 annotation: sniff, stream, read, write.

Both formats use 1-based inclusive coordinates; they become 0-based half-open here. In GTF
the CDS rows exclude the stop codon, so ``stop_codon`` rows are added to the CDS span.

The file is read line by line (plain, gzip or bgzip), never whole into memory:
:func:`iter_features` yields one :class:`Feature` per exon, CDS or stop-codon row and one per
GFF3 gene / transcript row, and both :func:`read_annotation` (small files, in memory) and the
on-disk index (:mod:`vivo.io.annotation_index`, genome-scale files) are built from it, so the
two give the same genes. A malformed row is a :class:`FormatError` naming the file and line.

>>> from vivo.io.gtf import parse_gtf_attributes
>>> parse_gtf_attributes('gene_id "ENSG1"; transcript_id "ENST1.2"; gene_name "ADA";')
{'gene_id': 'ENSG1', 'transcript_id': 'ENST1.2', 'gene_name': 'ADA'}
"""

from __future__ import annotations

import io
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import FormatError
from vivo.genome.annotation import Annotation, Gene, Transcript
from vivo.io.atomic import atomic_write
from vivo.io.sniff import open_binary, require_file, require_format, sniff

__all__ = [
    "Feature",
    "FeatureKind",
    "is_annotation",
    "iter_features",
    "iter_rows",
    "parse_gtf_attributes",
    "read_annotation",
    "transcripts_to_genes",
    "write_gtf",
]

_GTF_ATTR = re.compile(r'\s*([^\s;]+)\s+"?([^";]*)"?\s*;?')
_TX_KINDS = frozenset({"mRNA", "transcript", "lnc_RNA", "ncRNA", "miRNA", "snRNA", "snoRNA",
                       "rRNA", "tRNA", "misc_RNA", "primary_transcript", "pseudogenic_transcript",
                       "unconfirmed_transcript", "V_gene_segment", "C_gene_segment",
                       "D_gene_segment", "J_gene_segment"})  # fmt: skip
_PART_KINDS = frozenset({"exon", "CDS", "stop_codon"})

FeatureKind = Literal["exon", "cds", "gene", "transcript"]


@dataclass(frozen=True, slots=True)
class Feature:
    """One row that matters for genes: an exon or CDS piece of transcript ``transcript_id``
    (GTF stop codons count as CDS), or a GFF3 gene / transcript row.

    ``gene`` is the gene name (GTF ``gene_name``, else ``gene_id``; GFF3 gene rows ``Name``),
    ``gene_id`` the stable identifier (GTF ``gene_id``; GFF3 the ``ID`` of the gene row), and
    ``parent`` the GFF3 ``Parent`` of a transcript row. Coordinates are 0-based half-open.
    """

    kind: FeatureKind
    transcript_id: str
    contig: str
    interval: Interval
    strand: Strand
    gene: str = ""
    gene_id: str = ""
    parent: str = ""


def is_annotation(path: str | os.PathLike[str]) -> bool:
    """True if the content of ``path`` is GTF or GFF3 (told by :func:`vivo.io.sniff.sniff`)."""
    return sniff(path).format in ("gtf", "gff3")


def parse_gtf_attributes(text: str) -> dict[str, str]:
    """GTF column 9 (``key "value";`` pairs) as a dict (the last value of a repeated key)."""
    return {m.group(1): m.group(2) for m in _GTF_ATTR.finditer(text)}


def _gff3_attributes(text: str) -> dict[str, str]:
    pairs = (kv.split("=", 1) for kv in text.strip().strip(";").split(";") if "=" in kv)
    return {k.strip(): _unescape(v.strip()) for k, v in pairs}


def _unescape(value: str) -> str:
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), value)


def _check_kind(path: Path) -> bool:
    """Whether ``path`` is GFF3 (else GTF); anything else is a :class:`FormatError`."""
    kind = require_format(path, ("gtf", "gff3", "text", "empty"), what="a GTF or GFF3 file")
    return kind.format == "gff3"


def _columns(line: str, lineno: int, where: str) -> list[str]:
    cols = line.rstrip("\r\n").split("\t")
    if len(cols) != 9:
        raise FormatError(
            f"expected 9 tab-separated columns, found {len(cols)}",
            path=where,
            line=lineno,
            hint="GTF/GFF3 rows have 9 columns separated by tabs (not spaces)",
        )
    return cols


def _interval(cols: list[str], lineno: int, where: str) -> tuple[int, int]:
    """0-based half-open (start, end) of a row."""
    try:
        start, end = int(cols[3]), int(cols[4])
    except ValueError as exc:
        raise FormatError("start/end are not integers", path=where, line=lineno) from exc
    if start < 1 or end < start:
        raise FormatError(f"bad coordinates {start}-{end}", path=where, line=lineno)
    return start - 1, end


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Numbered text lines of ``path`` (plain, gzip or bgzip); binary data is an error."""
    with open_binary(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        lineno = 0
        try:
            for lineno, line in enumerate(text, start=1):
                yield lineno, line
        except UnicodeDecodeError as exc:
            raise FormatError(
                "binary data: this is not a GTF/GFF3 text file",
                path=str(path),
                line=lineno + 1,
                hint="give a UTF-8 GTF or GFF3 file (gzip allowed)",
            ) from exc


#: a gene-model row as plain values: (kind, transcript id(s), contig, start (0-based), end,
#: strand sign, gene, gene id, parent)
Row = tuple[FeatureKind, str, str, int, int, int, str, str, str]


def iter_features(path: str | os.PathLike[str]) -> Iterator[Feature]:
    """Stream the gene-model rows of a GTF or GFF3 file (format told from its content)."""
    for kind, tx, contig, start, end, sign, gene, gene_id, parent in iter_rows(path):
        strand = Strand.MINUS if sign < 0 else Strand.PLUS
        yield Feature(kind, tx, contig, Interval(start, end), strand, gene, gene_id, parent)


def iter_rows(path: str | os.PathLike[str]) -> Iterator[Row]:
    """:func:`iter_features` as plain tuples (no objects per row: the indexer's fast path)."""
    p = require_file(path, "annotation file")
    gff3 = _check_kind(p)
    where = str(p)
    for lineno, line in _lines(p):
        if line.startswith("#") or not line.strip():
            if line.startswith("##FASTA"):
                return  # GFF3: sequences follow
            continue
        if "\x00" in line:
            raise FormatError("binary data (NUL byte)", path=where, line=lineno)
        cols = _columns(line, lineno, where)
        kind = cols[2]
        if gff3:
            feature = _gff3_feature(kind, cols, lineno, where)
        elif kind in _PART_KINDS:
            feature = _gtf_feature(kind, cols, lineno, where)
        else:
            continue
        if feature is not None:
            yield feature


def _strand(cols: list[str]) -> int:
    return -1 if cols[6] == "-" else 1


def _value(text: str, key: str) -> str:
    """The value of attribute ``key`` in GTF column 9 (only the three vivo needs are looked
    for, with ``str.find``: parsing every pair of GENCODE's long attribute column was half the
    indexing time)."""
    i = text.find(key)
    while i > 0 and text[i - 1] not in "; \t":
        i = text.find(key, i + 1)  # e.g. 'havana_gene_id' when looking for 'gene_id'
    if i < 0:
        return ""
    j = i + len(key)
    if j >= len(text) or text[j] not in " \t":
        return _value(text[j:], key) if j < len(text) else ""
    j += 1
    while j < len(text) and text[j] in " \t":
        j += 1
    if j < len(text) and text[j] == '"':
        end = text.find('"', j + 1)
        return text[j + 1 : end if end >= 0 else len(text)].strip()
    end = text.find(";", j)
    return text[j : end if end >= 0 else len(text)].strip()


def _gtf_feature(kind: str, cols: list[str], lineno: int, where: str) -> Row:
    text = cols[8]
    tx_id = _value(text, "transcript_id")
    if not tx_id:
        raise FormatError(f"{kind} row without transcript_id", path=where, line=lineno)
    gene_id = _value(text, "gene_id")
    gene = _value(text, "gene_name") or gene_id or tx_id
    part: FeatureKind = "exon" if kind == "exon" else "cds"
    start, end = _interval(cols, lineno, where)
    return (part, tx_id, cols[0], start, end, _strand(cols), gene, gene_id, "")


def _gff3_feature(kind: str, cols: list[str], lineno: int, where: str) -> Row | None:
    if kind not in _PART_KINDS and kind not in _TX_KINDS and kind not in ("gene", "ncRNA_gene"):
        return None
    attrs = _gff3_attributes(cols[8])
    start, end = _interval(cols, lineno, where)
    contig, sign = cols[0], _strand(cols)
    ident = attrs.get("ID", "")
    if kind in ("gene", "ncRNA_gene"):
        name = attrs.get("Name") or attrs.get("gene_name") or ident
        return ("gene", "", contig, start, end, sign, name, ident, "")
    if kind in _TX_KINDS:
        if not ident:
            raise FormatError(f"{kind} row without ID", path=where, line=lineno)
        parent = attrs.get("Parent", "").split(",")[0]
        return ("transcript", ident, contig, start, end, sign, "", "", parent)
    parent = attrs.get("Parent", "")
    if not parent:
        raise FormatError(f"{kind} row without Parent", path=where, line=lineno)
    part: FeatureKind = "exon" if kind == "exon" else "cds"
    # a part shared by several transcripts names them all (Parent=tx1,tx2)
    return (part, parent, contig, start, end, sign, "", "", "")


@dataclass
class _Tx:
    tx_id: str
    gene: str
    gene_id: str
    contig: str
    strand: Strand
    exons: list[Interval] = field(default_factory=list)
    cds: list[Interval] = field(default_factory=list)


def read_annotation(path: str | os.PathLike[str]) -> Annotation:
    """Read a GTF or GFF3 file (detected from its content) into an in-memory
    :class:`Annotation`. For genome-scale files use
    :func:`vivo.io.annotation_index.open_annotation`, which indexes the file once on disk."""
    txs: dict[str, _Tx] = {}
    tx_parent: dict[str, str] = {}
    gene_rows: dict[str, str] = {}  # GFF3 gene ID -> name
    for f in iter_features(path):
        if f.kind == "gene":
            gene_rows[f.gene_id] = f.gene
        elif f.kind == "transcript":
            tx_parent[f.transcript_id] = f.parent
            txs.setdefault(f.transcript_id, _Tx(f.transcript_id, "", "", f.contig, f.strand))
        else:
            for tx_id in f.transcript_id.split(","):
                tx = txs.setdefault(tx_id, _Tx(tx_id, f.gene, f.gene_id, f.contig, f.strand))
                (tx.exons if f.kind == "exon" else tx.cds).append(f.interval)
    for tx in txs.values():
        if tx.tx_id in tx_parent:
            tx.gene_id = tx_parent[tx.tx_id]
            tx.gene = gene_rows.get(tx.gene_id, tx.gene_id or tx.tx_id)
    built = [_transcript(t.tx_id, t.gene or t.tx_id, t.contig, t.strand, t.exons, t.cds)
             for t in txs.values() if t.exons or t.cds]  # fmt: skip
    if not built:
        raise FormatError("no transcripts (exon or CDS rows) found", path=str(path))
    ids = {t.tx_id: t.gene_id for t in txs.values()}
    return Annotation(transcripts_to_genes(built, gene_ids=ids))


def _transcript(
    tx_id: str, gene: str, contig: str, strand: Strand, exons: list[Interval], cds: list[Interval]
) -> Transcript:
    merged = _merge(exons or cds)
    cds_iv = Interval(min(c.start for c in cds), max(c.end for c in cds)) if cds else None
    return Transcript(tx_id, gene, contig, strand, tuple(merged), cds_iv)


def canonical_order(transcripts: list[Transcript]) -> list[Transcript]:
    """Coding transcripts first, then the longest CDS, then the longest transcript, then id."""
    return sorted(
        transcripts, key=lambda t: (not t.is_coding, -t.cds_length(), -t.length, t.transcript_id)
    )


def transcripts_to_genes(
    transcripts: Iterable[Transcript], *, gene_ids: dict[str, str] | None = None
) -> list[Gene]:
    """Group transcripts by gene name into :class:`Gene` objects (canonical transcript first;
    the gene's stable id, when known, becomes a synonym)."""
    by_gene: dict[str, list[Transcript]] = defaultdict(list)
    for tx in transcripts:
        by_gene[tx.gene_name].append(tx)
    return [_gene(name, txs, gene_ids or {}) for name, txs in by_gene.items()]


def _gene(name: str, transcripts: list[Transcript], gene_ids: dict[str, str]) -> Gene:
    ordered = canonical_order(transcripts)
    first = ordered[0]
    span = first.span
    for t in ordered[1:]:
        span = span.hull(t.span)
    ids = sorted({gene_ids.get(t.transcript_id, "") for t in ordered} - {"", name})
    return Gene(name, Locus(first.contig, span, first.strand), tuple(ordered),
                synonyms=tuple(ids))  # fmt: skip


def _merge(ivs: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for iv in sorted(ivs):
        if out and iv.start <= out[-1].end:
            out[-1] = out[-1].hull(iv)
        else:
            out.append(iv)
    return out


def write_gtf(genes: Iterable[Gene], path: str | os.PathLike[str], *, source: str = "vivo") -> Path:
    """Write genes as GTF 2.2 (exon and CDS rows; the stop codon inside the last CDS row is
    written as a ``stop_codon`` row, as GENCODE does), atomically."""
    with atomic_write(path, "w") as fh:
        fh.write("##description: written by vivo\n")
        for gene in genes:
            for tx in gene.transcripts:
                fh.writelines(_gtf_rows(gene, tx, source))
    return Path(path)


def _gtf_rows(gene: Gene, tx: Transcript, source: str) -> Iterator[str]:
    gid = gene.synonyms[0] if gene.synonyms else gene.name
    attrs = f'gene_id "{gid}"; transcript_id "{tx.transcript_id}"; gene_name "{gene.name}";'
    strand = "-" if tx.strand is Strand.MINUS else "+"

    def row(kind: str, iv: Interval, phase: str = ".") -> str:
        cols = (tx.contig, source, kind, str(iv.start + 1), str(iv.end), ".", strand, phase)
        return "\t".join(cols) + f"\t{attrs}\n"

    for exon in tx.exons:
        yield row("exon", exon)
    segments = list(tx.cds_segments())
    if not segments:
        return
    # GTF CDS rows exclude the stop codon (3 nt at the 3' end of the CDS)
    stop_left = 3
    order = segments[::-1] if tx.strand is Strand.PLUS else segments
    trimmed: list[Interval] = []
    stops: list[Interval] = []
    for seg in order:
        take = min(stop_left, len(seg))
        stop_left -= take
        if tx.strand is Strand.PLUS:
            core, stop = Interval(seg.start, seg.end - take), Interval(seg.end - take, seg.end)
        else:
            core, stop = Interval(seg.start + take, seg.end), Interval(seg.start, seg.start + take)
        if take:
            stops.append(stop)
        if len(core):
            trimmed.append(core)
    done = 0
    for seg in sorted(trimmed, reverse=tx.strand is Strand.MINUS):
        yield row("CDS", seg, str((3 - done % 3) % 3))
        done += len(seg)
    for stop in sorted(stops):
        yield row("stop_codon", stop)
