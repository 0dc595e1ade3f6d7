"""Transcripts for RNA targeting: mature mRNA and pre-mRNA with exon/intron/UTR coordinates.

An :class:`RnaTranscript` wraps a :class:`vivo.genome.annotation.Transcript` (which owns the
exon/CDS coordinate logic) laid on a *local sequence*: the stretch of genome (or the GenBank
record, or the FASTA sequence) that holds the transcript, read on the plus strand of that
local sequence. It adds what oligonucleotide design needs:

- the mature mRNA (:attr:`RnaTranscript.mrna`) and, when the introns are known, the pre-mRNA
  (:attr:`RnaTranscript.pre_mrna`), both 5'->3' in DNA letters;
- exon numbers as the source numbers them (a record of DMD exon 51 calls it exon 51), and the
  numbers of partial flanking introns;
- labels of any position (``exon 51 nt 66``, ``intron 7 +10``, ``intron 50 -12``) and its
  region (5'UTR, CDS, 3'UTR);
- genome coordinates of any site, through :class:`GenomeBlock` maps (an annotated genome maps
  itself; GenBank records are mapped from coordinates written in their DEFINITION line or in
  their exon/intron notes, e.g. ``GRCh37 chrX:31792077-31792309, minus strand``).

Coordinates are 0-based half-open; positions in the mRNA or pre-mRNA count from its 5' end.

Examples
--------
>>> tx = transcript_from_sequence("toy", "GGGAUGAAAUAGCCC", cds=(3, 12))
>>> tx.mrna, tx.region_interval("3utr")
('GGGATGAAATAGCCC', Interval(start=12, end=15))
>>> str(tx.label_mrna(4))
'exon 1 nt 5 (CDS)'
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import DataError, InputError
from vivo.core.seq import reverse_complement
from vivo.genome.annotation import AnnotatedGenome, Transcript
from vivo.genome.base import InMemoryGenome
from vivo.genome.records import genes_from_record

__all__ = [
    "BUNDLED_TRANSCRIPTS",
    "GenomeBlock",
    "PositionLabel",
    "RnaTranscript",
    "SiteLocation",
    "TargetRegion",
    "bundled_transcript",
    "clean_nucleotides",
    "parse_transcript_header",
    "transcript_from_annotation",
    "transcript_from_record",
    "transcript_from_sequence",
]

#: Regions a design can be restricted to (mRNA coordinates).
TargetRegion = Literal["cds", "3utr", "5utr", "any"]
SequenceKind = Literal["mrna", "pre-mrna"]
_LOCAL = "local"
I64 = npt.NDArray[np.int64]


def clean_nucleotides(seq: str, *, what: str = "sequence") -> str:
    """Upper-case DNA letters of an RNA or DNA sequence (U -> T); whitespace is dropped.

    Letters other than A, C, G, T, U and N raise an :class:`InputError`.

    >>> clean_nucleotides("acgu n")
    'ACGTN'
    """
    s = "".join(seq.split()).upper().replace("U", "T")
    if not s.isascii() or s.encode("ascii").translate(None, b"ACGTN"):
        bad = sorted({c for c in s if c not in "ACGTN"})
        shown = "".join(bad[:10]).encode("unicode_escape").decode("ascii")
        raise InputError(
            f"{what} has letters other than A, C, G, T/U, N: {shown!r}",
            hint="give a nucleotide sequence (RNA or DNA letters)",
        )
    if not s:
        raise InputError(f"{what} is empty", hint="give a nucleotide sequence")
    return s


@dataclass(frozen=True, slots=True)
class GenomeBlock:
    """A stretch of the local sequence and where it lies in a genome assembly.

    ``local`` and ``genomic`` have the same length; ``strand`` is MINUS when the local
    sequence reads the genome's minus strand (local position ``local.start`` is genomic
    ``genomic.end - 1``).
    """

    local: Interval
    assembly: str
    contig: str
    genomic: Interval
    strand: Strand

    def __post_init__(self) -> None:
        if len(self.local) != len(self.genomic):
            raise InputError("a genome block needs local and genomic intervals of one length")

    def genomic_of(self, pos: I64) -> I64:
        """Genomic positions of local positions (all inside ``local``)."""
        if self.strand is Strand.PLUS:
            return self.genomic.start + (pos - self.local.start)
        return self.genomic.end - 1 - (pos - self.local.start)


@dataclass(frozen=True, slots=True)
class PositionLabel:
    """Where a position lies: ``kind`` ``exon``/``intron``/``upstream``/``downstream``.

    ``number`` is the exon or intron number (``None`` for flanks); ``offset`` is the 1-based
    position in the exon, the signed distance into an intron (``+k``: k-th base after the
    exon upstream, ``-k``: k-th base before the exon downstream, the nearer one as in HGVS),
    or the distance beyond the transcript for flanks. ``region`` is ``5'UTR``, ``CDS``,
    ``3'UTR`` or ``exon`` (non-coding) for exonic positions, else ``intron``/``flank``.
    """

    kind: Literal["exon", "intron", "upstream", "downstream"]
    number: int | None
    offset: int
    region: str

    def __str__(self) -> str:
        if self.kind == "exon":
            return f"exon {self.number} nt {self.offset} ({self.region})"
        if self.kind == "intron":
            return f"intron {self.number} {self.offset:+d}"
        return f"{self.kind} {self.offset:+d}"


@dataclass(frozen=True, slots=True)
class SiteLocation:
    """A site on a transcript, in transcript and genome coordinates.

    ``start``/``end`` are 0-based in the ``kind`` sequence (mRNA or pre-mRNA); ``first`` and
    ``last`` label its 5'-most and 3'-most bases; ``genomic`` holds one locus per contiguous
    genomic piece (two for a site across an exon junction), empty when the transcript has
    no genome map; ``coding`` is the HGVS ``c.`` range when the transcript is coding.
    """

    kind: SequenceKind
    start: int
    end: int
    first: PositionLabel
    last: PositionLabel
    genomic: tuple[tuple[str, Locus], ...]
    coding: str

    @property
    def label(self) -> str:
        """``first`` .. ``last`` in words, e.g. ``intron 7 +10 .. intron 7 +27``."""
        if self.first == self.last:
            return str(self.first)
        return f"{self.first} .. {self.last}"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready fields (genomic loci as UCSC strings with their assembly)."""
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "start_1based": self.start + 1,
            "label": self.label,
            "genomic": [
                {"assembly": asm, "locus": loc.to_ucsc(), "strand": str(loc.strand)}
                for asm, loc in self.genomic
            ],
            "coding": self.coding,
        }


@dataclass(frozen=True, slots=True)
class RnaTranscript:
    """A transcript on its local sequence, with exon numbers and a genome map.

    Attributes
    ----------
    transcript_id, gene:
        Names.
    sequence:
        The local sequence (plus strand, upper-case DNA letters).
    model:
        The exon/CDS structure as a :class:`~vivo.genome.annotation.Transcript` on the
        contig ``"local"`` (= ``sequence``).
    pre_span:
        Local interval of the pre-mRNA (the transcript span, or more when the record holds
        flanking intron sequence).
    exon_numbers:
        Exon numbers in 5'->3' order (1..n unless the source numbers them).
    flank_introns:
        Numbers of the partial introns upstream and downstream of the exons (``None``: the
        flank is not intronic, or unknown).
    introns_known:
        False for mature mRNA records (exons abut; there is no pre-mRNA).
    blocks:
        Genome map of the local sequence (may be empty).
    source:
        Where the transcript came from, for reports.
    """

    transcript_id: str
    gene: str
    sequence: str
    model: Transcript
    pre_span: Interval
    exon_numbers: tuple[int, ...]
    flank_introns: tuple[int | None, int | None] = (None, None)
    introns_known: bool = True
    blocks: tuple[GenomeBlock, ...] = ()
    source: str = ""

    def __post_init__(self) -> None:
        if len(self.exon_numbers) != len(self.model.exons):
            raise InputError(f"transcript {self.transcript_id}: one exon number per exon needed")
        if not self.pre_span.contains(self.model.span) or self.pre_span.end > len(self.sequence):
            raise InputError(f"transcript {self.transcript_id}: pre-mRNA span is out of range")

    # -- sequences --------------------------------------------------------------------------
    @property
    def strand(self) -> Strand:
        """Strand of the transcript on the local sequence."""
        return self.model.strand

    def _local_genome(self) -> InMemoryGenome:
        return InMemoryGenome({_LOCAL: self.sequence}, name=self.transcript_id)

    @property
    def mrna(self) -> str:
        """Mature mRNA 5'->3' (DNA letters)."""
        return self.model.spliced_sequence(self._local_genome())

    @property
    def pre_mrna(self) -> str:
        """Pre-mRNA 5'->3' (DNA letters): exons, introns and any flanking intron sequence."""
        if not self.introns_known:
            raise InputError(
                f"transcript {self.transcript_id} is a mature mRNA record: its introns are unknown",
                hint="give a genomic record (exon and intron features) or an annotated genome",
            )
        seq = self.sequence[self.pre_span.start : self.pre_span.end]
        return seq if self.strand is Strand.PLUS else reverse_complement(seq)

    def sequence_of(self, kind: SequenceKind) -> str:
        """The mRNA or the pre-mRNA."""
        return self.mrna if kind == "mrna" else self.pre_mrna

    @property
    def is_coding(self) -> bool:
        """Whether a CDS is annotated."""
        return self.model.is_coding

    # -- mRNA coordinates -------------------------------------------------------------------
    def local_of_mrna(self) -> I64:
        """Local position of every mRNA base (index = mRNA position)."""
        parts = [np.arange(e.start, e.end, dtype=np.int64) for e in self.model.exons_5to3]
        if self.strand is Strand.MINUS:
            parts = [p[::-1] for p in parts]
        return np.concatenate(parts)

    def local_of_pre(self) -> I64:
        """Local position of every pre-mRNA base."""
        span = np.arange(self.pre_span.start, self.pre_span.end, dtype=np.int64)
        return span if self.strand is Strand.PLUS else span[::-1]

    def exon_intervals(self) -> tuple[tuple[int, Interval], ...]:
        """``(exon number, mRNA interval)`` 5'->3'."""
        out, start = [], 0
        for number, exon in zip(self.exon_numbers, self.model.exons_5to3, strict=True):
            out.append((number, Interval(start, start + len(exon))))
            start += len(exon)
        return tuple(out)

    def cds_interval(self) -> Interval | None:
        """The CDS (start codon to stop codon) in mRNA coordinates, or ``None``."""
        if self.model.cds is None:
            return None
        local = self.local_of_mrna()
        inside = np.flatnonzero((local >= self.model.cds.start) & (local < self.model.cds.end))
        return Interval(int(inside[0]), int(inside[-1]) + 1)

    def region_interval(self, region: TargetRegion) -> Interval:
        """mRNA interval of ``cds``, ``3utr``, ``5utr`` or ``any`` (the whole mRNA).

        An :class:`InputError` says so when the transcript has no such region.
        """
        length = self.model.length
        if region == "any":
            return Interval(0, length)
        if region not in ("cds", "3utr", "5utr"):
            raise InputError(f"unknown region {region!r}", hint="use cds, 3utr, 5utr or any")
        cds = self.cds_interval()
        if cds is None:
            raise InputError(
                f"transcript {self.transcript_id} has no annotated CDS, so no {region} region",
                hint="use --region any, or give a transcript with a CDS",
            )
        iv = {"cds": cds, "5utr": Interval(0, cds.start), "3utr": Interval(cds.end, length)}
        if len(iv[region]) == 0:
            raise InputError(
                f"transcript {self.transcript_id} has an empty {region} "
                f"(CDS {cds.start + 1}-{cds.end} of {length} nt)",
                hint="choose another --region",
            )
        return iv[region]

    # -- labels -----------------------------------------------------------------------------
    def label_local(self, pos: int) -> PositionLabel:
        """Label of local position ``pos`` (exon/intron number and offset, region)."""
        ex = self.model.exon_number(pos)
        if ex is not None:
            exon = self.model.exons_5to3[ex - 1]
            inside = pos - exon.start if self.strand is Strand.PLUS else exon.end - 1 - pos
            return PositionLabel("exon", self.exon_numbers[ex - 1], inside + 1, self._region(pos))
        intron = self.model.intron_number(pos)
        if intron is not None:
            iv = self.model.introns_5to3[intron - 1]
            d5 = pos - iv.start + 1 if self.strand is Strand.PLUS else iv.end - pos
            d3 = len(iv) - d5 + 1
            offset = d5 if d5 <= d3 else -d3
            return PositionLabel("intron", self.exon_numbers[intron - 1], offset, "intron")
        return self._flank_label(pos)

    def _flank_label(self, pos: int) -> PositionLabel:
        span = self.model.span
        before = pos < span.start if self.strand is Strand.PLUS else pos >= span.end
        dist = span.start - pos if pos < span.start else pos - span.end + 1
        intron = self.flank_introns[0] if before else self.flank_introns[1]
        if intron is not None:
            return PositionLabel("intron", intron, -dist if before else dist, "intron")
        return PositionLabel("upstream" if before else "downstream", None,
                             -dist if before else dist, "flank")  # fmt: skip

    def _region(self, pos: int) -> str:
        cds = self.model.cds
        if cds is None:
            return "exon"
        if pos in cds:
            return "CDS"
        upstream = (pos < cds.start) == (self.strand is Strand.PLUS)
        return "5'UTR" if upstream else "3'UTR"

    def label_mrna(self, index: int) -> PositionLabel:
        """Label of mRNA position ``index``."""
        return self.label_local(int(self.local_of_mrna()[index]))

    def label_pre(self, index: int) -> PositionLabel:
        """Label of pre-mRNA position ``index``."""
        return self.label_local(int(self.local_of_pre()[index]))

    # -- sites ------------------------------------------------------------------------------
    def locate(self, start: int, end: int, *, kind: SequenceKind = "mrna") -> SiteLocation:
        """Transcript and genome coordinates of ``[start, end)`` of the mRNA or pre-mRNA."""
        local_all = self.local_of_mrna() if kind == "mrna" else self.local_of_pre()
        if kind == "pre-mrna" and not self.introns_known:
            self.pre_mrna  # noqa: B018 - raises the InputError that explains why
        if not 0 <= start < end <= len(local_all):
            raise InputError(
                f"site {start + 1}-{end} is outside the {kind} of {self.transcript_id} "
                f"({len(local_all)} nt)"
            )
        local = local_all[start:end]
        coding = ""
        if self.is_coding:
            a = self.model.to_coding(int(local[0]))
            b = self.model.to_coding(int(local[-1]))
            coding = f"c.{a}_{b}" if end - start > 1 else f"c.{a}"
        return SiteLocation(kind, start, end, self.label_local(int(local[0])),
                            self.label_local(int(local[-1])), self.genomic_loci(local),
                            coding)  # fmt: skip

    def genomic_loci(self, local: I64) -> tuple[tuple[str, Locus], ...]:
        """Genome loci (with assembly) of local positions, merged into contiguous pieces."""
        out: list[tuple[str, Locus]] = []
        for block in self.blocks:
            sel = local[(local >= block.local.start) & (local < block.local.end)]
            if len(sel) == 0:
                continue
            g = np.sort(block.genomic_of(sel))
            breaks = np.flatnonzero(np.diff(g) != 1)
            for a, b in zip(np.r_[0, breaks + 1], np.r_[breaks, len(g) - 1], strict=True):
                strand = self.strand if block.strand is Strand.PLUS else self.strand.flip()
                iv = Interval(int(g[a]), int(g[b]) + 1)
                out.append((block.assembly, Locus(block.contig, iv, strand)))
        return tuple(out)

    def summary(self) -> dict[str, object]:
        """JSON-ready description (lengths, exons, CDS, genome map)."""
        cds = self.cds_interval()
        return {
            "transcript_id": self.transcript_id,
            "gene": self.gene,
            "mrna_length": self.model.length,
            "pre_mrna_length": len(self.pre_span) if self.introns_known else None,
            "exons": [
                {"number": n, "start_1based": iv.start + 1, "end": iv.end}
                for n, iv in self.exon_intervals()
            ],
            "cds": None if cds is None else {"start_1based": cds.start + 1, "end": cds.end},
            "assemblies": sorted({b.assembly for b in self.blocks}),
            "source": self.source,
        }


# -- constructors ----------------------------------------------------------------------------
def transcript_from_annotation(
    genome: AnnotatedGenome,
    gene: str,
    *,
    transcript_id: str | None = None,
    flank: int = 0,
) -> RnaTranscript:
    """The transcript of ``gene`` (its canonical one, or ``transcript_id``) of an annotated
    genome, with ``flank`` nt of genome on each side of its pre-mRNA kept in the sequence."""
    g = genome.gene(gene)
    if not g.transcripts:
        raise InputError(f"gene {g.name} has no annotated transcript", hint="choose another gene")
    if transcript_id is None:
        tx = g.canonical
    else:
        found = [t for t in g.transcripts if t.transcript_id == transcript_id]
        if not found:
            known = ", ".join(t.transcript_id for t in g.transcripts)
            raise InputError(f"gene {g.name} has no transcript {transcript_id!r}",
                             hint=f"known: {known}")  # fmt: skip
        tx = found[0]
    size = genome.genome.contig_length(tx.contig)
    window = Interval(max(0, tx.span.start - flank), min(size, tx.span.end + flank))
    seq = genome.genome.fetch(Locus(tx.contig, window)).upper()
    shifted = dataclasses.replace(
        tx,
        contig=_LOCAL,
        exons=tuple(e.shift(-window.start) for e in tx.exons),
        cds=None if tx.cds is None else tx.cds.shift(-window.start),
    )
    block = GenomeBlock(Interval(0, len(window)), genome.name, tx.contig, window, Strand.PLUS)
    return RnaTranscript(
        transcript_id=tx.transcript_id,
        gene=tx.gene_name,
        sequence=seq,
        model=shifted,
        pre_span=tx.span.shift(-window.start),
        exon_numbers=tuple(range(1, len(tx.exons) + 1)),
        blocks=(block,),
        source=f"{genome.name} annotation" + (f" ({genome.source})" if genome.source else ""),
    )


def transcript_from_sequence(
    name: str,
    sequence: str,
    *,
    cds: tuple[int, int] | None = None,
    gene: str = "",
    source: str = "",
) -> RnaTranscript:
    """A mature mRNA given as a plain sequence (FASTA); ``cds`` is 0-based half-open."""
    seq = clean_nucleotides(sequence, what=f"transcript {name!r}")
    if cds is not None and not 0 <= cds[0] < cds[1] <= len(seq):
        raise InputError(f"CDS {cds[0] + 1}-{cds[1]} lies outside transcript {name!r} "
                         f"({len(seq)} nt)")  # fmt: skip
    model = Transcript(
        transcript_id=name,
        gene_name=gene or name,
        contig=_LOCAL,
        strand=Strand.PLUS,
        exons=(Interval(0, len(seq)),),
        cds=None if cds is None else Interval(*cds),
    )
    return RnaTranscript(name, gene or name, seq, model, Interval(0, len(seq)), (1,),
                         introns_known=False, source=source or "sequence")  # fmt: skip


def transcript_from_record(
    record: Any, *, gene: str | None = None, source: str = ""
) -> RnaTranscript:
    """A transcript from a Biopython GenBank ``SeqRecord``.

    mRNA records (``/mol_type="mRNA"`` or abutting exons) give a mature transcript; genomic
    records with ``exon`` (and ``intron``) features give the pre-mRNA of the whole record,
    numbered as the features' ``/number`` qualifiers say. A record without exon, mRNA or CDS
    features is taken as one mRNA exon. Genome coordinates come from the DEFINITION line or
    the exon/intron notes (``GRCh37 chr20:43280216-43280376 (minus strand)``) when present.
    """
    seq = clean_nucleotides(str(record.seq), what=f"record {record.id}")
    genes = genes_from_record(record, contig=_LOCAL)
    if gene is not None:
        names = ", ".join(g.name for g in genes) or "none annotated"
        genes = [g for g in genes if g.name.upper() == gene.upper()]
        if not genes:
            raise InputError(f"record {record.id} has no transcript of gene {gene!r}",
                             hint=f"its genes: {names}; or leave the gene out")  # fmt: skip
    if not genes:
        cds = _cds_feature_span(record)
        return transcript_from_sequence(record.id, seq, cds=cds, source=source or record.id)
    tx = genes[0].canonical
    abutting = all(a.end == b.start for a, b in zip(tx.exons, tx.exons[1:], strict=False))
    mol_type = str(_source_qualifier(record, "mol_type"))
    is_mrna = "RNA" in mol_type or (len(tx.exons) > 1 and abutting)
    if tx.cds is None and (span := _cds_feature_span(record, tx.gene_name)) is not None:
        tx = dataclasses.replace(tx, cds=Interval(*span))  # a CDS across abutting exons
    numbers = _exon_numbers(record, tx)
    pre = Interval(0, len(seq)) if not is_mrna else tx.span
    return RnaTranscript(
        transcript_id=record.id,
        gene=tx.gene_name,
        sequence=seq,
        model=tx,
        pre_span=pre,
        exon_numbers=numbers,
        flank_introns=_flank_introns(record, tx, numbers),
        introns_known=not is_mrna,
        blocks=_blocks_from_record(record),
        source=source or f"GenBank record {record.id}",
    )


def _source_qualifier(record: Any, key: str) -> str:
    for f in record.features:
        if f.type == "source" and f.qualifiers.get(key):
            return str(f.qualifiers[key][0])
    return ""


def _cds_feature_span(record: Any, gene: str | None = None) -> tuple[int, int] | None:
    for f in record.features:
        name = (f.qualifiers.get("gene") or [None])[0]
        if f.type == "CDS" and (gene is None or name in (None, gene)) and f.location.strand != -1:
            return int(f.location.start), int(f.location.end)
    return None


def _exon_numbers(record: Any, tx: Transcript) -> tuple[int, ...]:
    """Exon numbers 5'->3' from ``/number`` qualifiers of exon features (else 1..n)."""
    by_start: dict[int, int] = {}
    for f in record.features:
        num = f.qualifiers.get("number")
        if f.type == "exon" and num and str(num[0]).isdigit():
            by_start[int(f.location.start)] = int(num[0])
    numbers = [by_start.get(e.start) for e in tx.exons_5to3]
    if any(n is None for n in numbers):
        return tuple(range(1, len(tx.exons) + 1))
    return tuple(n for n in numbers if n is not None)


def _flank_introns(
    record: Any, tx: Transcript, numbers: Sequence[int]
) -> tuple[int | None, int | None]:
    """Numbers of ``intron`` features lying before / after the exons (5'->3')."""
    up: int | None = None
    down: int | None = None
    span = tx.span
    for f in record.features:
        num = f.qualifiers.get("number")
        if f.type != "intron" or not num or not str(num[0]).isdigit():
            continue
        start, end = int(f.location.start), int(f.location.end)
        if end <= span.start:
            up, down = (int(num[0]), down) if tx.strand is Strand.PLUS else (up, int(num[0]))
        elif start >= span.end:
            up, down = (up, int(num[0])) if tx.strand is Strand.PLUS else (int(num[0]), down)
    if up is None and numbers[0] > 1 and span.start > 0:
        up = numbers[0] - 1
    return (up, down)


_COORD = re.compile(
    r"(GRCh3[78]|hg19|hg38)[\s,]+(?:chromosome\s+)?(chr[0-9A-Za-z_]+|[0-9XYM]+)"
    r":([\d,]+)-([\d,]+)([^)\n]*)"
)


def _parse_coords(text: str, length: int) -> tuple[str, str, Interval, Strand] | None:
    """``(assembly, contig, genomic interval, strand)`` written in ``text`` for ``length`` nt."""
    for m in _COORD.finditer(" ".join(text.split())):
        start, end = int(m.group(3).replace(",", "")), int(m.group(4).replace(",", ""))
        if end - start + 1 == length:
            strand = Strand.MINUS if "minus" in m.group(5) else Strand.PLUS
            return m.group(1), m.group(2), Interval(start - 1, end), strand
    return None


def _blocks_from_record(record: Any) -> tuple[GenomeBlock, ...]:
    whole = _parse_coords(str(record.description), len(record.seq))
    if whole is not None:
        return (GenomeBlock(Interval(0, len(record.seq)), whole[0], whole[1], whole[2], whole[3]),)
    blocks = []
    for f in record.features:
        if f.type not in ("exon", "intron") or len(f.location.parts) != 1:
            continue
        local = Interval(int(f.location.start), int(f.location.end))
        note = " ".join(str(n) for n in f.qualifiers.get("note", []))
        found = _parse_coords(note, len(local))
        if found is not None:
            blocks.append(GenomeBlock(local, found[0], found[1], found[2], found[3]))
    return tuple(blocks)


_HEADER_CDS = re.compile(r"\|CDS:(\d+)-(\d+)\|")
_HEADER_GENE = re.compile(r"gene_symbol:(\S+)")


def parse_transcript_header(header: str) -> tuple[str, str, tuple[int, int] | None]:
    """``(transcript id, gene name, CDS)`` from a FASTA header (CDS 0-based half-open).

    Understands GENCODE ``transcripts.fa`` headers (``ENST…|ENSG…|…|name|GENE|len|UTR5:…|
    CDS:61-1041|UTR3:…|``) and Ensembl cDNA headers (``gene_symbol:GENE``); otherwise the
    first word is both the id and the gene, with no CDS.

    >>> parse_transcript_header("ENST1.1|ENSG1.1|-|-|A-201|A|90|UTR5:1-10|CDS:11-70|UTR3:71-90|")
    ('ENST1.1', 'A', (10, 70))
    """
    text = header.strip().lstrip(">")
    first = text.split()[0] if text.split() else text
    fields = first.split("|")
    tid = fields[0]
    gene = fields[5] if len(fields) > 6 and fields[5] not in ("", "-") else ""
    if not gene and (m := _HEADER_GENE.search(text)):
        gene = m.group(1)
    cds = None
    if (c := _HEADER_CDS.search(first + "|")) is not None:
        cds = (int(c.group(1)) - 1, int(c.group(2)))
    return tid, gene or tid, cds


# -- bundled records -------------------------------------------------------------------------
#: Bundled records: name -> (file in vivo/rna/data, sha256). Provenance: data/SOURCES.md.
BUNDLED_TRANSCRIPTS: dict[str, tuple[str, str]] = {
    "ADA": (
        "ADA_GRCh37_derived_mRNA.gb",
        "73cd79efe40da41f43d3b9a6670440b8811e453edb7ac1ed263a6fefde8804ac",
    ),
    "DMD-exon51": (
        "DMD_exon51_GRCh37.gb",
        "747df0114bbef5501938e7974cd963b5e8c825a13637c597bc48f840e1a365ed",
    ),
    "SMN2-exon7": (
        "SMN2_exon7_GRCh38.gb",
        "cfc56b9a4c802e4ea4597e7766b0c4af4f640aed0649b881834eea4160f4142c",
    ),
}


@cache
def bundled_transcript(name: str) -> RnaTranscript:
    """A bundled transcript record: ``ADA`` (mRNA, GRCh37-derived), ``DMD-exon51`` (exon 51
    with 500 nt of introns 50 and 51, GRCh37) or ``SMN2-exon7`` (intron 6 end, exon 7,
    intron 7, exon 8 start; GRCh38). Provenance: ``vivo/rna/data/SOURCES.md``."""
    key = next((k for k in BUNDLED_TRANSCRIPTS if k.upper() == name.strip().upper()), None)
    if key is None:
        raise InputError(f"no bundled transcript {name!r}",
                         hint="bundled: " + ", ".join(BUNDLED_TRANSCRIPTS))  # fmt: skip
    filename, sha = BUNDLED_TRANSCRIPTS[key]
    try:
        raw = resources.files("vivo.rna").joinpath("data", filename).read_bytes()
    except FileNotFoundError as exc:
        raise DataError(f"bundled transcript file {filename} is missing; reinstall vivo") from exc
    if hashlib.sha256(raw).hexdigest() != sha:
        raise DataError(f"bundled transcript file {filename} is corrupt (checksum mismatch)")
    from Bio import SeqIO  # imported here: Biopython's parsers cost ~0.2 s at import

    record = next(SeqIO.parse(io.StringIO(raw.decode("ascii")), "genbank"))  # type: ignore[no-untyped-call]
    return transcript_from_record(record, source=f"bundled record {filename} (vivo/rna/data)")
