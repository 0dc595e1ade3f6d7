"""Transcriptome and genome off-targets of RNA-targeting oligonucleotides.

Two searches, both exact (every qualifying site is reported; nothing is capped):

**Seed matches** (:func:`seed_matches`). An siRNA guide strand loaded in Argonaute 2 represses
transcripts whose 3'UTR pairs with its *seed*, guide positions 2-8, the miRNA-like off-target
mechanism (Jackson et al. 2006, RNA 12:1179; Birmingham et al. 2006, Nat Methods 3:199). A
*seed match* here is the 7-nt sense site complementary to guide positions 2-8 (the "7mer-m8"
site of Lewis, Burge & Bartel 2005, Cell 120:15); it is an *8mer* when the base 3' of it (facing
guide position 1) is an A. Matches are counted (sites, transcripts, genes) and listed from a
k-mer table of the 3'UTRs (:class:`SeedIndex`): all positions sorted by their 7-mer, so a guide
reads one bucket.

**Near-complementary full-length sites** (:func:`search_near_sites`). Sites whose sense
sequence differs from the oligo's target site by at most ``max_mismatches`` substitutions, on a
*PAM-less* site index of vivo's guide off-target engine (:mod:`vivo.editing.offtarget`): every
position of every sequence is a "PAM" (the one-letter pattern ``N``), so the engine's exact
pigeonhole search over its two 10-base key tables finds every site. The sequences are laid end
to end in one text, separated and flanked by seeded random 32-nt spacers, so that sites at a
sequence end have a "PAM" too and the windows there are regular index rows; sites touching a
spacer are dropped, and sites whose neighbouring base is N (not a possible "PAM") are scored
directly, so the result is exactly the brute-force result (``tests/rna/test_offtargets.py``
checks it against a naive scan with hypothesis).

Strands: for a transcriptome, ``+`` sites lie on the transcript (the oligo pairs with it);
``-`` sites lie on the complementary strand (for an siRNA: sites of the *passenger* strand).
For a genome both strands can be transcribed, so both are reported.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import DataError, InputError
from vivo.core.seq import reverse_complement
from vivo.editing.nucleases import Nuclease
from vivo.editing.offtarget.encoding import PamSet, encode
from vivo.editing.offtarget.index import SiteIndex, build_site_index, pack_genome
from vivo.editing.offtarget.results import GuideOffTargets
from vivo.editing.offtarget.search import search_offtargets
from vivo.genome.annotation import AnnotatedGenome, Annotation
from vivo.genome.annotation import Transcript as AnnotatedTranscript
from vivo.rna.transcript import RnaTranscript, bundled_transcript, parse_transcript_header

__all__ = [
    "MAX_GENOME_BP",
    "PAMLESS_ARRAYS",
    "PAMLESS_SET",
    "SEED_ARRAYS",
    "SEED_LENGTH",
    "SHARD_BP",
    "NearSite",
    "PamlessIndex",
    "SeedIndex",
    "SeedMatches",
    "SeedSite",
    "ShardedTranscriptome",
    "Transcriptome",
    "build_pamless_index",
    "build_seed_index",
    "genome_pamless_index",
    "near_searcher",
    "pamless_index_arrays",
    "pamless_index_from_arrays",
    "search_near_sites",
    "seed_index_arrays",
    "seed_index_from_arrays",
    "seed_matches",
    "seed_site",
    "shard_of",
    "transcriptome_digest",
    "transcriptome_index",
]

I64 = npt.NDArray[np.int64]
#: Seed: guide positions 2-8 (7 nt).
SEED_LENGTH = 7
#: Largest genome indexed in memory by :func:`genome_pamless_index` (bases).
MAX_GENOME_BP = 300_000_000
#: Shortest and longest full-length target site (the engine's spacer range).
SITE_RANGE = (16, 30)
_PAMLESS = PamSet(("N",), (1.0,), "3prime")
#: The one-letter "PAM" set of the PAM-less index (the key of its site tables).
PAMLESS_SET = _PAMLESS
_NUCLEASE = Nuclease(
    name="PAM-less (RNA target)",
    pam="N",
    pam_side="3prime",
    spacer_length=19,
    spacer_range=SITE_RANGE,
    cut_offset=0,
    cut_offset_other=0,
    notes="every base is a 'PAM': a plain near-complementary site search",
)
_SMALL_INDEX = 2_000_000  # below this many rows the numpy builder/oracle is fastest (no JIT)
#: Random spacer between concatenated sequences (bases): longer than a site window, so that
#: every window next to a sequence end is a regular index row (not one scanned by every search).
_GAP = 32


# -- transcriptome -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Transcriptome:
    """Mature transcripts: ids, gene names, sequences (DNA letters) and CDS (0-based, or None)."""

    ids: tuple[str, ...]
    genes: tuple[str, ...]
    sequences: tuple[str, ...]
    cds: tuple[tuple[int, int] | None, ...]
    source: str = ""
    complete: bool = True

    def __post_init__(self) -> None:
        n = len(self.ids)
        if not n:
            raise InputError("the transcriptome is empty", hint="give at least one transcript")
        if not len(self.genes) == len(self.sequences) == len(self.cds) == n:
            raise InputError("transcriptome fields must have one entry per transcript")

    def __len__(self) -> int:
        return len(self.ids)

    def utr3(self, i: int) -> Interval | None:
        """3'UTR of transcript ``i`` (mRNA coordinates), or None (no CDS or empty UTR)."""
        cds = self.cds[i]
        if cds is None or cds[1] >= len(self.sequences[i]):
            return None
        return Interval(cds[1], len(self.sequences[i]))

    @property
    def total_length(self) -> int:
        """Sum of transcript lengths (nt)."""
        return sum(len(s) for s in self.sequences)

    @classmethod
    def from_fasta_records(
        cls, records: Iterable[tuple[str, str]], *, source: str = ""
    ) -> Transcriptome:
        """From ``(header, sequence)`` pairs, e.g. GENCODE ``transcripts.fa`` (its headers give
        gene names and CDS ranges, see :func:`~vivo.rna.transcript.parse_transcript_header`)."""
        ids, genes, seqs, cds = [], [], [], []
        for header, seq in records:
            tid, gene, c = parse_transcript_header(header)
            s = seq.upper().replace("U", "T")
            if not s.isascii() or s.encode("ascii").translate(None, b"ACGTN"):
                raise InputError(
                    f"transcript {tid!r} has letters other than A, C, G, T/U, N",
                    hint="give a nucleotide FASTA of transcripts",
                )
            ids.append(tid)
            genes.append(gene)
            seqs.append(s)
            cds.append(c if c is not None and c[1] <= len(s) else None)
        return cls(tuple(ids), tuple(genes), tuple(seqs), tuple(cds), source=source)

    @classmethod
    def from_transcripts(
        cls, transcripts: Iterable[RnaTranscript], *, source: str = "", complete: bool = True
    ) -> Transcriptome:
        """From :class:`~vivo.rna.transcript.RnaTranscript` objects (their mature mRNAs)."""
        txs = list(transcripts)
        cds = []
        for t in txs:
            iv = t.cds_interval()
            cds.append(None if iv is None else (iv.start, iv.end))
        return cls(tuple(t.transcript_id for t in txs), tuple(t.gene for t in txs),
                   tuple(t.mrna for t in txs), tuple(cds), source=source,
                   complete=complete)  # fmt: skip

    @classmethod
    def from_annotation(cls, genome: AnnotatedGenome) -> Transcriptome:
        """Every annotated transcript of a genome (spliced, strand applied)."""
        ids, genes, seqs = [], [], []
        cds: list[tuple[int, int] | None] = []
        for gene in genome.annotation:
            for tx in gene.transcripts:
                seq = tx.spliced_sequence(genome.genome).upper()
                ids.append(tx.transcript_id)
                genes.append(gene.name)
                seqs.append(seq)
                cds.append(_cds_in_mrna(tx))
        if not ids:
            raise InputError(f"genome {genome.name} has no annotated transcripts",
                             hint="pass an annotation (GTF/GFF3) with the genome")  # fmt: skip
        return cls(tuple(ids), tuple(genes), tuple(seqs), tuple(cds),
                   source=f"annotated genome {genome.name}")  # fmt: skip

    @classmethod
    def bundled(cls) -> Transcriptome:
        """The three bundled records (ADA mRNA, DMD exon 51, SMN2 exons 7-8): NOT a
        transcriptome, so off-target counts against it are not genome-wide (``complete`` is
        False and reports say so)."""
        txs = [bundled_transcript(n) for n in ("ADA", "DMD-exon51", "SMN2-exon7")]
        return cls.from_transcripts(txs, source="vivo bundled records", complete=False)


def _cds_in_mrna(tx: AnnotatedTranscript) -> tuple[int, int] | None:
    """The CDS in mRNA coordinates: exonic bases 5' of the start codon, then the CDS length."""
    cds = tx.cds
    if cds is None:
        return None
    if tx.strand is Strand.PLUS:
        before = sum(max(0, min(e.end, cds.start) - e.start) for e in tx.exons)
    else:
        before = sum(max(0, e.end - max(e.start, cds.end)) for e in tx.exons)
    return before, before + tx.cds_length()


# -- seed index ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class SeedIndex:
    """All 7-mer positions of the 3'UTRs of a transcriptome, sorted by 7-mer.

    ``bucket_start[key]`` .. ``bucket_start[key + 1]`` are the rows of 7-mer ``key`` (A0 C1 G2
    T3, first base most significant); ``pos`` is a position in the concatenated UTR text,
    ``utr_offsets`` the start of each UTR in it and ``utr_tx`` its transcript number.
    """

    transcriptome: Transcriptome
    bucket_start: I64
    pos: npt.NDArray[np.uint32] | I64
    utr_offsets: I64
    utr_tx: I64
    utr_text: npt.NDArray[np.uint8]
    gene_codes: I64
    n_utrs: int = 0


def _kmer_keys(codes: npt.NDArray[np.uint8], k: int) -> tuple[npt.NDArray[np.uint32], I64]:
    """Keys of every valid k-mer start (no non-ACGT base) and those starts."""
    n = len(codes) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64)
    key = np.zeros(n, dtype=np.uint32)
    bad = np.zeros(n, dtype=bool)
    for j in range(k):
        c = codes[j : j + n]
        key = (key << np.uint32(2)) | (c & 3).astype(np.uint32)
        bad |= c > 3
    ok = np.flatnonzero(~bad)
    return key[ok], ok.astype(np.int64)


def build_seed_index(transcriptome: Transcriptome) -> SeedIndex:
    """Index the 3'UTR 7-mers of ``transcriptome`` (transcripts without a CDS have none)."""
    utrs, txs = [], []
    for i in range(len(transcriptome)):
        iv = transcriptome.utr3(i)
        if iv is not None:
            utrs.append(transcriptome.sequences[i][iv.start : iv.end])
            txs.append(i)
    text = "N".join(utrs).encode("ascii")
    lengths = np.array([len(u) for u in utrs], dtype=np.int64)
    offsets = (np.cumsum(lengths + 1) - (lengths + 1)).astype(np.int64)  # one start per UTR
    keys, starts = _kmer_keys(encode(text), SEED_LENGTH)
    order = np.argsort(keys, kind="stable")
    pos: npt.NDArray[np.uint32] | I64 = starts[order]
    if len(text) < 2**32:
        pos = pos.astype(np.uint32)  # half the memory at human scale
    bstart = np.searchsorted(keys[order], np.arange(4**SEED_LENGTH + 1)).astype(np.int64)
    _, gene_codes = np.unique(np.array(transcriptome.genes, dtype=object), return_inverse=True)
    raw = np.frombuffer(text, dtype=np.uint8)
    return SeedIndex(transcriptome, bstart, pos, offsets, np.array(txs, dtype=np.int64), raw,
                     gene_codes.astype(np.int64).reshape(-1), n_utrs=len(utrs))  # fmt: skip


@dataclass(frozen=True, slots=True)
class SeedSite:
    """One 3'UTR seed match: transcript, gene, 0-based mRNA start of the 7-nt site, 8mer flag."""

    transcript_id: str
    gene: str
    start: int
    eight_mer: bool

    def to_dict(self) -> dict[str, object]:
        """JSON-ready fields (start also 1-based)."""
        return {"transcript_id": self.transcript_id, "gene": self.gene, "start": self.start,
                "start_1based": self.start + 1, "eight_mer": self.eight_mer}  # fmt: skip


@dataclass(frozen=True, slots=True, eq=False)
class SeedMatches:
    """Seed matches of one guide strand (columnar; :meth:`sites` decodes them)."""

    guide: str
    site: str
    n_sites: int
    n_transcripts: int
    n_genes: int
    n_eight_mer: int
    transcripts: I64 = field(repr=False)
    starts: I64 = field(repr=False)
    eight_mer: npt.NDArray[np.bool_] = field(repr=False)
    transcriptome: Transcriptome = field(repr=False)

    def sites(self) -> Iterator[SeedSite]:
        """Every match, by transcript then position."""
        t = self.transcriptome
        for i, s, e in zip(self.transcripts, self.starts, self.eight_mer, strict=True):
            yield SeedSite(t.ids[int(i)], t.genes[int(i)], int(s), bool(e))

    def summary(self) -> dict[str, object]:
        """Counts (JSON-ready)."""
        return {"seed_site": self.site, "sites": self.n_sites, "transcripts": self.n_transcripts,
                "genes": self.n_genes, "eight_mer_sites": self.n_eight_mer}  # fmt: skip


def seed_site(guide: str) -> str:
    """The 7-nt sense site that pairs with guide positions 2-8 (DNA letters).

    >>> seed_site("UUCGAAGUAUUCCGCGUACGU")
    'ACTTCGA'
    """
    g = guide.upper().replace("U", "T")
    if len(g) < SEED_LENGTH + 1 or set(g[1 : SEED_LENGTH + 1]) - set("ACGT"):
        raise InputError(f"guide {guide!r} has no A/C/G/T seed at positions 2-8")
    return reverse_complement(g[1 : SEED_LENGTH + 1])


def _key(seq: str) -> int:
    key = 0
    for c in seq:
        key = key * 4 + "ACGT".index(c)
    return key


def seed_matches(index: SeedIndex, guides: Sequence[str]) -> tuple[SeedMatches, ...]:
    """3'UTR seed matches (guide positions 2-8) of each guide strand, counted and listed."""
    out = []
    for guide in guides:
        site = seed_site(guide)
        key = _key(site)
        a, b = int(index.bucket_start[key]), int(index.bucket_start[key + 1])
        pos = index.pos[a:b].astype(np.int64)
        utr = np.searchsorted(index.utr_offsets, pos, side="right") - 1
        tx = index.utr_tx[utr]
        cds_end = np.array([index.transcriptome.cds[int(i)][1] for i in np.unique(tx)])  # type: ignore[index]
        end_of = dict(zip(np.unique(tx).tolist(), cds_end.tolist(), strict=True))
        starts = (
            np.array([end_of[int(i)] for i in tx], dtype=np.int64) + pos - index.utr_offsets[utr]
        )
        after = np.minimum(pos + SEED_LENGTH, len(index.utr_text) - 1)
        eight = index.utr_text[after] == ord("A")
        eight &= pos + SEED_LENGTH < len(index.utr_text)
        order = np.lexsort((starts, tx))
        tx, starts, eight = tx[order], starts[order], eight[order]
        out.append(SeedMatches(
            guide=guide, site=site, n_sites=len(pos), n_transcripts=len(np.unique(tx)),
            n_genes=len(np.unique(index.gene_codes[tx])), n_eight_mer=int(eight.sum()),
            transcripts=tx, starts=starts, eight_mer=eight, transcriptome=index.transcriptome,
        ))  # fmt: skip
    return tuple(out)


# -- PAM-less full-length index ------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class PamlessIndex:
    """A PAM-less site index of transcripts or genome contigs (laid end to end between random
    spacers: ``starts`` holds each sequence's start in that text)."""

    sites: SiteIndex
    kind: Literal["transcriptome", "genome"]
    names: tuple[str, ...]
    genes: tuple[str, ...]
    lengths: I64
    source: str = ""
    complete: bool = True
    cds: tuple[tuple[int, int] | None, ...] = ()
    annotation: Annotation | None = None
    n_runs: I64 = field(default_factory=lambda: np.zeros((0, 3), dtype=np.int64))
    starts: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def total_length(self) -> int:
        """Indexed bases (spacers excluded)."""
        return int(self.lengths.sum())


def build_pamless_index(
    contigs: Sequence[tuple[str, str]],
    *,
    kind: Literal["transcriptome", "genome"] = "transcriptome",
    genes: Sequence[str] | None = None,
    source: str = "",
    builder: str = "auto",
) -> PamlessIndex:
    """A PAM-less index of ``(name, sequence)`` pairs (in memory)."""
    if not contigs:
        raise InputError("nothing to index", hint="give at least one sequence")
    total = sum(len(s) for _, s in contigs)
    if builder == "auto" and total * 2 < _SMALL_INDEX:
        builder = "numpy"
    text, starts = _concatenate(contigs)
    sites = build_site_index(pack_genome([("pamless", text)]), _PAMLESS, builder=builder)
    del text
    names = tuple(n for n, _ in contigs)
    return PamlessIndex(
        sites=sites, kind=kind, names=names,
        genes=tuple(genes) if genes is not None else ("",) * len(names),
        lengths=np.array([len(s) for _, s in contigs], dtype=np.int64), source=source,
        n_runs=_non_acgt_runs(contigs), starts=starts,
    )  # fmt: skip


def _concatenate(contigs: Sequence[tuple[str, str]]) -> tuple[str, I64]:
    """All sequences in one text, separated (and flanked) by seeded random 32-nt spacers, and
    the start of each sequence in it. Sites that touch a spacer are dropped when decoding; the
    spacers give every site next to a sequence end a "PAM" and keep the windows there regular
    (a per-sequence contig would put ~40 rows per sequence into the index's irregular bucket,
    which every search scans: 10 million rows for a human transcriptome)."""
    rng = np.random.default_rng(0)
    gaps = np.frombuffer(b"ACGT", dtype=np.uint8)[rng.integers(0, 4, _GAP * (len(contigs) + 1))]
    gap_text = gaps.tobytes().decode("ascii")
    parts, starts, pos = [], [], 0
    for k, (_, seq) in enumerate(contigs):
        parts.append(gap_text[k * _GAP : (k + 1) * _GAP])
        pos += _GAP
        starts.append(pos)
        parts.append(seq)
        pos += len(seq)
    parts.append(gap_text[-_GAP:])
    return "".join(parts), np.array(starts, dtype=np.int64)


_NON_ACGT = re.compile(r"[^ACGTacgt]+")


def _non_acgt_runs(contigs: Sequence[tuple[str, str]]) -> I64:
    """``(sequence, start, end)`` of every run of non-ACGT letters (sequence coordinates)."""
    runs = [(i, m.start(), m.end()) for i, (_, seq) in enumerate(contigs)
            for m in _NON_ACGT.finditer(seq)]  # fmt: skip
    return np.array(runs, dtype=np.int64).reshape(-1, 3)


def transcriptome_index(transcriptome: Transcriptome, *, builder: str = "auto") -> PamlessIndex:
    """The PAM-less index of a transcriptome's mature sequences."""
    idx = build_pamless_index(
        list(zip(transcriptome.ids, transcriptome.sequences, strict=True)),
        kind="transcriptome", genes=transcriptome.genes, source=transcriptome.source,
        builder=builder,
    )  # fmt: skip
    return dataclasses.replace(idx, complete=transcriptome.complete, cds=transcriptome.cds)


def genome_pamless_index(genome: AnnotatedGenome, *, builder: str = "auto") -> PamlessIndex:
    """The PAM-less index of a genome's contigs (both strands), kept in memory; genomes above
    :data:`MAX_GENOME_BP` are refused (the index holds two rows per base)."""
    g = genome.genome
    names = g.contig_names()
    total = sum(g.contig_length(c) for c in names)
    if total > MAX_GENOME_BP:
        raise InputError(
            f"genome {genome.name} has {total:,} bp; a PAM-less in-memory index is limited to "
            f"{MAX_GENOME_BP:,} bp",
            hint="search the transcriptome, or restrict the genome to the chromosomes needed",
        )
    contigs = [(c, g.fetch(Locus(c, Interval(0, g.contig_length(c)))).upper()) for c in names]
    idx = build_pamless_index(contigs, kind="genome", source=f"genome {genome.name}",
                              builder=builder)  # fmt: skip
    return dataclasses.replace(idx, annotation=genome.annotation)


#: Transcriptomes larger than this (bases) are searched shard by shard (bounded memory: the
#: in-memory index holds two rows of ~36 bytes per base).
SHARD_BP = 32_000_000


@dataclass(frozen=True, slots=True, eq=False)
class ShardedTranscriptome:
    """A transcriptome searched in shards of at most ``shard_bp`` bases: each shard's PAM-less
    index is built, searched and freed in turn, so memory stays bounded (about 2.5 GB for 32 Mb)
    at the cost of rebuilding the shard indexes for every search, unless ``indexes`` holds them
    prebuilt (memory maps of the on-disk cache, :mod:`vivo.workflows.rna_index`)."""

    transcriptome: Transcriptome
    shard_bp: int = SHARD_BP
    #: Prebuilt shard indexes (e.g. memory maps of a cached build, one per :meth:`shards`
    #: slice, in order); empty: each search builds them.
    indexes: tuple[PamlessIndex, ...] = ()

    def bounds(self) -> list[tuple[int, int]]:
        """``(first, end)`` transcript numbers of each shard (see :meth:`shards`)."""
        out, lo, size = [], 0, 0
        for i, seq in enumerate(self.transcriptome.sequences):
            if size and size + len(seq) > self.shard_bp:
                out.append((lo, i))
                lo, size = i, 0
            size += len(seq)
        out.append((lo, len(self.transcriptome)))
        return out

    def shards(self) -> Iterator[Transcriptome]:
        """Consecutive slices of the transcriptome, each at most ``shard_bp`` bases (or one
        transcript)."""
        for lo, hi in self.bounds():
            yield _slice(self.transcriptome, lo, hi)


def shard_of(tm: Transcriptome, lo: int, hi: int) -> Transcriptome:
    """Transcripts ``lo`` .. ``hi`` of ``tm`` (a shard: see :meth:`ShardedTranscriptome.bounds`)."""
    return _slice(tm, lo, hi)


def _slice(tm: Transcriptome, lo: int, hi: int) -> Transcriptome:
    return Transcriptome(tm.ids[lo:hi], tm.genes[lo:hi], tm.sequences[lo:hi], tm.cds[lo:hi],
                         source=tm.source, complete=tm.complete)  # fmt: skip


def near_searcher(
    transcriptome: Transcriptome, *, shard_bp: int = SHARD_BP
) -> PamlessIndex | ShardedTranscriptome:
    """One in-memory index for a transcriptome up to ``shard_bp`` bases, else shards."""
    if transcriptome.total_length <= shard_bp:
        return transcriptome_index(transcriptome)
    return ShardedTranscriptome(transcriptome, shard_bp)


@dataclass(frozen=True, slots=True)
class NearSite:
    """A near-complementary site: ``target`` (the sense site searched for) found in ``name``
    (transcript or contig) at ``[start, end)`` on ``strand`` with ``mismatches`` substitutions;
    ``site`` reads 5'->3' on that strand; ``region`` is the transcript region (5'UTR, CDS,
    3'UTR, exon) or, in a genome, exon/intron/intergenic."""

    target: str
    name: str
    gene: str
    start: int
    end: int
    strand: str
    site: str
    mismatches: int
    region: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready fields."""
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


def _clean_targets(targets: Sequence[str]) -> list[str]:
    if isinstance(targets, str):
        targets = [targets]
    out = []
    lo, hi = SITE_RANGE
    for k, raw in enumerate(targets, start=1):
        t = raw.strip().upper().replace("U", "T")
        if not t or set(t) - set("ACGT"):
            raise InputError(f"target site {k} ({raw!r}) must be A/C/G/T/U letters only")
        if not lo <= len(t) <= hi:
            raise InputError(f"target site {k} is {len(t)} nt; full-length searches take "
                             f"{lo}-{hi} nt")  # fmt: skip
        out.append(t)
    return out


def search_near_sites(
    index: PamlessIndex | ShardedTranscriptome,
    targets: Sequence[str],
    *,
    max_mismatches: int,
    strands: Literal["both", "+"] = "both",
    backend: str = "auto",
) -> tuple[tuple[NearSite, ...], ...]:
    """Every site within ``max_mismatches`` substitutions of each target, per target.

    ``targets`` are the sense sequences the oligo pairs with (an ASO's reverse complement; an
    siRNA's passenger strand positions 1-19), 16-30 nt. The perfect on-target site is reported
    like any other (callers drop it by position).
    """
    clean = _clean_targets(targets)
    if isinstance(index, ShardedTranscriptome):
        merged: list[list[NearSite]] = [[] for _ in clean]
        built = iter(index.indexes) if index.indexes else map(transcriptome_index, index.shards())
        for shard_index in built:
            part = search_near_sites(shard_index, clean,
                                     max_mismatches=max_mismatches, strands=strands,
                                     backend=backend)  # fmt: skip
            for acc, found in zip(merged, part, strict=True):
                acc.extend(found)
        return tuple(tuple(m) for m in merged)
    if backend == "auto" and index.sites.n_sites < _SMALL_INDEX:
        backend = "numpy"
    result = search_offtargets(index.sites, clean, nuclease=_NUCLEASE,
                               max_mismatches=max_mismatches, backend=backend)  # fmt: skip
    out = []
    for target, guide in zip(clean, result.guides, strict=True):
        sites = [*_near_sites(index, target, guide, strands),
                 *_sites_next_to_n(index, target, max_mismatches, strands)]  # fmt: skip
        number = {n: i for i, n in enumerate(index.names)} if len(index.n_runs) else {}
        if number:
            sites.sort(key=lambda x: (number[x.name], x.start, x.strand))
        out.append(tuple(sites))
    return tuple(out)


def _mismatches(site: str, want: str) -> int:
    return sum(a != b or a not in "ACGT" for a, b in zip(site, want, strict=True))


def _sites_next_to_n(
    index: PamlessIndex, target: str, max_mismatches: int, strands: str
) -> Iterator[NearSite]:
    """Sites whose one-base "PAM" would be a non-ACGT letter, which the index cannot hold:
    a ``+`` site ending just before such a letter, a ``-`` site starting just after it. Only
    the first / last ``max_mismatches + 1`` letters of a run can qualify (every further one
    adds a mismatch), so this brute force touches a few windows per run."""
    n = len(target)
    rc = reverse_complement(target)
    genome = index.sites.genome
    reach = max_mismatches + 1
    for i, a, b in index.n_runs.tolist():
        length = int(index.lengths[i])
        offset = int(index.starts[i])
        for e in range(a, min(b, a + reach)):  # + site [e - n, e), "PAM" at e
            if (
                e - n >= 0
                and (mm := _mismatches(site := genome.fetch(offset + e - n, offset + e), target))
                <= max_mismatches
            ):
                yield NearSite(target, index.names[i], index.genes[i], e - n, e, "+", site, mm,
                               _region(index, i, e - n, e))  # fmt: skip
        if strands == "+":
            continue
        for q in range(max(a, b - reach), b):  # - site [q + 1, q + 1 + n), "PAM" at q
            if q + 1 + n <= length:
                plus = genome.fetch(offset + q + 1, offset + q + 1 + n)
                if (mm := _mismatches(plus, rc)) <= max_mismatches:
                    yield NearSite(target, index.names[i], index.genes[i], q + 1, q + 1 + n,
                                   "-", reverse_complement(plus), mm,
                                   _region(index, i, q + 1, q + 1 + n))  # fmt: skip


def _near_sites(
    index: PamlessIndex, target: str, guide: GuideOffTargets, strands: str
) -> Iterator[NearSite]:
    """Decode columnar hits (no alignment needed: sites are mismatch-only), keeping sites that
    lie inside one sequence (not touching a spacer) and, with ``strands="+"``, plus sites."""
    _, start, end, minus = guide.coordinates()
    seq = np.searchsorted(index.starts, start, side="right") - 1
    inside = seq >= 0
    seq = np.maximum(seq, 0)
    inside &= (start >= index.starts[seq]) & (end <= index.starts[seq] + index.lengths[seq])
    if strands == "+":
        inside &= ~minus
    genome = index.sites.genome
    for k in np.flatnonzero(inside).tolist():
        i, a, b = int(seq[k]), int(start[k]), int(end[k])
        site = genome.fetch(a, b)
        lo = a - int(index.starts[i])
        hi = lo + b - a
        yield NearSite(target, index.names[i], index.genes[i], lo, hi,
                       "-" if minus[k] else "+", reverse_complement(site) if minus[k] else site,
                       int(guide.mismatches[k]), _region(index, i, lo, hi))  # fmt: skip


def _region(index: PamlessIndex, i: int, start: int, end: int) -> str:
    if index.kind == "transcriptome":
        cds = index.cds[i] if index.cds else None
        if cds is None:
            return "exon"
        if end <= cds[0]:
            return "5'UTR"
        return "3'UTR" if start >= cds[1] else "CDS"
    if index.annotation is None:
        return ""
    locus = Locus(index.names[i], Interval(start, end), Strand.PLUS)
    genes = index.annotation.overlapping(locus)
    if not genes:
        return "intergenic"
    exonic = any(e.overlaps(locus.interval) for g in genes for t in g.transcripts for e in t.exons)
    return ("exon " if exonic else "intron ") + ",".join(g.name for g in genes)


# -- arrays of an index (for a cache; no file IO here) ------------------------------------------
#: Arrays of a :class:`SeedIndex` (:func:`seed_index_arrays`).
SEED_ARRAYS = ("bucket_start", "pos", "utr_offsets", "utr_tx", "utr_text", "gene_codes")
#: Arrays of a :class:`PamlessIndex` besides its site index (:func:`pamless_index_arrays`).
PAMLESS_ARRAYS = ("lengths", "n_runs", "starts")


def transcriptome_digest(transcriptome: Transcriptome) -> str:
    """The sha256 of a transcript set's content (ids, genes, CDS, sequences, in order): the
    key of indexes built from it (the ``source`` text and ``complete`` flag are not content)."""
    h = hashlib.sha256(f"vivo transcriptome\0{len(transcriptome)}\0".encode())
    tm = transcriptome
    for tid, gene, seq, cds in zip(tm.ids, tm.genes, tm.sequences, tm.cds, strict=True):
        h.update(f"{tid}\0{gene}\0{cds}\0{len(seq)}\0".encode())
        h.update(seq.encode())
    return h.hexdigest()


def seed_index_arrays(index: SeedIndex) -> dict[str, npt.NDArray[np.generic]]:
    """The arrays of a seed index (names :data:`SEED_ARRAYS`); the transcriptome is not
    included (:func:`seed_index_from_arrays` takes it back)."""
    return {name: getattr(index, name) for name in SEED_ARRAYS}


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise DataError(f"index arrays do not fit the transcriptome: {what}",
                        hint="rebuild the index")  # fmt: skip


def seed_index_from_arrays(
    transcriptome: Transcriptome, arrays: dict[str, npt.NDArray[np.generic]]
) -> SeedIndex:
    """A :class:`SeedIndex` of ``transcriptome`` from :func:`seed_index_arrays` output (e.g.
    memory maps), its dtypes and shapes checked (:class:`DataError` when they do not fit)."""
    _check(set(arrays) >= set(SEED_ARRAYS), "missing arrays")
    a = arrays
    bs, off, tx, text, genes = (a["bucket_start"], a["utr_offsets"], a["utr_tx"],
                                a["utr_text"], a["gene_codes"])  # fmt: skip
    for name in ("bucket_start", "utr_offsets", "utr_tx", "gene_codes"):
        _check(a[name].dtype == np.int64 and a[name].ndim == 1, f"{name} is not int64[]")
    _check(a["pos"].dtype in (np.uint32, np.int64) and a["pos"].ndim == 1, "pos dtype")
    _check(text.dtype == np.uint8 and text.ndim == 1, "utr_text is not uint8[]")
    _check(len(bs) == 4**SEED_LENGTH + 1 and int(bs[0]) == 0, "bucket_start shape")
    _check(int(bs[-1]) == len(a["pos"]), "pos length")
    _check(len(off) == len(tx), "one offset per UTR")
    _check(len(genes) == len(transcriptome), "one gene code per transcript")
    _check(not len(tx) or int(tx.max()) < len(transcriptome), "UTR transcript numbers")
    return SeedIndex(transcriptome, bs, a["pos"], off, tx, text, genes,  # type: ignore[arg-type]
                     n_utrs=len(off))  # fmt: skip


def pamless_index_arrays(index: PamlessIndex) -> dict[str, npt.NDArray[np.generic]]:
    """The arrays of a PAM-less index besides ``index.sites`` (names :data:`PAMLESS_ARRAYS`)."""
    return {name: getattr(index, name) for name in PAMLESS_ARRAYS}


def pamless_index_from_arrays(
    transcriptome: Transcriptome, sites: SiteIndex, arrays: dict[str, npt.NDArray[np.generic]]
) -> PamlessIndex:
    """The :class:`PamlessIndex` of ``transcriptome`` (as :func:`transcriptome_index` builds
    it) from its site index and :func:`pamless_index_arrays` output, checked against the
    transcript lengths (:class:`DataError` when they do not fit)."""
    _check(set(arrays) >= set(PAMLESS_ARRAYS), "missing arrays")
    lengths, runs, starts = arrays["lengths"], arrays["n_runs"], arrays["starts"]
    want = np.fromiter((len(s) for s in transcriptome.sequences), dtype=np.int64,
                       count=len(transcriptome))  # fmt: skip
    _check(lengths.dtype == np.int64 and np.array_equal(lengths, want), "transcript lengths")
    _check(starts.dtype == np.int64 and starts.shape == want.shape, "transcript starts")
    _check(runs.dtype == np.int64 and runs.ndim == 2 and runs.shape[1] == 3, "N runs")
    end = int(starts[-1] + lengths[-1]) + _GAP
    _check(sites.genome.total_length == end, "indexed text length")
    tm = transcriptome
    return PamlessIndex(sites=sites, kind="transcriptome", names=tm.ids, genes=tm.genes,
                        lengths=np.asarray(lengths), source=tm.source, complete=tm.complete,
                        cds=tm.cds, n_runs=np.asarray(runs),
                        starts=np.asarray(starts))  # fmt: skip
