"""Typed results of an off-target search: sites, per-guide summaries, the whole run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vivo import __version__
from vivo.core.coords import Interval, Locus, Strand
from vivo.editing.nucleases import Nuclease
from vivo.editing.offtarget import cfd as cfd_model
from vivo.editing.offtarget import mit as mit_model
from vivo.editing.offtarget._kernels import Limits
from vivo.editing.offtarget.alignment import align_many
from vivo.editing.offtarget.encoding import encode
from vivo.editing.offtarget.index import PackedGenome, SiteIndex
from vivo.editing.offtarget.specificity import Specificity, aggregate_specificity
from vivo.genome.annotation import Annotation

__all__ = ["GuideOffTargets", "OffTargetResult", "OffTargetSite", "SearchSettings"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class SearchSettings:
    """What was searched and how (recorded in every result)."""

    nuclease: str
    pams: tuple[str, ...]
    limits: Limits
    backend: str
    max_hits_per_guide: int | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready provenance."""
        return {
            "nuclease": self.nuclease,
            "pams": list(self.pams),
            "max_mismatches": self.limits.mismatches,
            "dna_bulges": self.limits.dna_bulges,
            "rna_bulges": self.limits.rna_bulges,
            "backend": self.backend,
            "max_hits_per_guide": self.max_hits_per_guide,
            "models": [cfd_model.MODEL_INFO.as_dict(), mit_model.MODEL_INFO.as_dict()],
            "vivo_version": __version__,
        }


@dataclass(frozen=True, slots=True)
class OffTargetSite:
    """One reported site. ``start``/``end`` are the protospacer's plus-strand coordinates
    (0-based, half-open); ``site`` and ``pam`` read 5'->3' on ``strand``; ``cut`` is the
    plus-strand position p of the protospacer-strand cut (between p-1 and p)."""

    guide: str
    contig: str
    start: int
    end: int
    strand: str
    pam: str
    site: str
    aligned_guide: str
    aligned_site: str
    mismatches: int
    dna_bulges: int
    rna_bulges: int
    cfd: float | None
    mit: float | None
    pam_weight: float
    cut: int
    soft_masked: bool
    on_target: bool
    genes: tuple[str, ...] = ()
    region: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready fields."""
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


def _geometry(index: SiteIndex, rows: I64, length: I64) -> tuple[I64, I64, I64, I64]:
    """Protospacer start/end (global), minus flag and PAM start (global) of each row."""
    pos = index.pos[rows].astype(np.int64)
    minus = (index.meta[rows] & 1).astype(np.int64)
    plen = index.pams.length
    left = pos - length  # protospacer left of the PAM
    right = pos + plen
    if index.pams.side == "3prime":
        start = np.where(minus == 1, right, left)
    else:
        start = np.where(minus == 1, left, right)
    return start, start + length, minus, pos


def _scores(
    index: SiteIndex, spacer: str, rows: I64, minus: I64, pos: I64, plain: npt.NDArray[np.bool_]
) -> tuple[F64, F64]:
    """CFD and MIT (× PAM weight) of mismatch-only 20-nt sites; NaN elsewhere."""
    cfd = np.full(len(rows), np.nan)
    mit = np.full(len(rows), np.nan)
    scorable = plain.copy()
    if len(spacer) != 20 or index.pams.side != "3prime" or index.pams.length != 3:
        return cfd, mit
    if not scorable.any():
        return cfd, mit
    from vivo.editing.offtarget._kernels.search.reference import unpack_windows

    r = rows[scorable]
    codes, flags = unpack_windows(index.win[r], index.nmask[r])
    site = np.where(flags, 4, codes)[:, :20][:, ::-1]  # PAM-outward -> 5'->3'
    m = minus[scorable]
    p = pos[scorable]
    b2 = np.where(m == 1, p + 1, p + 1)
    b3 = np.where(m == 1, p, p + 2)
    c2 = index.genome.base_codes(b2)
    c3 = index.genome.base_codes(b3)
    comp = np.array([3, 2, 1, 0, 4], dtype=np.uint8)
    c2 = np.where(m == 1, comp[c2], c2)
    c3 = np.where(m == 1, comp[c3], c3)
    g = encode(spacer)
    cfd[scorable] = cfd_model.cfd_scores(g, site, np.stack([c2, c3], axis=1))
    pam_w = np.array(index.pams.weights)[(index.meta[r] >> 1) & 31]
    mit[scorable] = mit_model.mit_hit_scores((site != g[None, :]) | (site > 3)) * pam_w
    return cfd, mit


_SITE_CHUNK = 1 << 15
_COMPLEMENT = np.array([3, 2, 1, 0, 4], dtype=np.uint8)
_ASCII = np.frombuffer(b"ACGTN", dtype=np.uint8)  # base code -> letter (non-ACGT as N)


def _strand_codes(
    genome: PackedGenome, start: I64, length: I64, minus: I64
) -> npt.NDArray[np.uint8]:
    """Base codes of global intervals [start, start + length) read 5'->3' on their strand
    (reverse complement where ``minus``), padded with 4 to the longest."""
    width = int(length.max()) if len(length) else 0
    k = np.arange(width, dtype=np.int64)[None, :]
    inside = k < length[:, None]
    at = np.where(minus[:, None] == 1, start[:, None] + length[:, None] - 1 - k, start[:, None] + k)
    codes = genome.base_codes(np.where(inside, at, start[:, None]).ravel()).reshape(at.shape)
    codes = np.where(minus[:, None] == 1, _COMPLEMENT[codes], codes)
    return np.where(inside, codes, 4).astype(np.uint8)


@dataclass(frozen=True, slots=True)
class GuideOffTargets:
    """All sites of one guide (columnar), with counts and specificity.

    ``n_sites`` counts every site found (the on-target included); ``capped`` is True when
    ``max_hits_per_guide`` kept fewer rows than were found.
    """

    spacer: str
    index: SiteIndex
    nuclease: Nuclease
    rows: I64
    length: I64
    mismatches: npt.NDArray[np.int8]
    dna: npt.NDArray[np.int8]
    rna: npt.NDArray[np.int8]
    cfd: F64
    mit: F64
    on_target_row: int
    on_target_assumed: bool
    n_sites: int
    capped: bool
    specificity: Specificity
    counts_by_mismatches: tuple[int, ...]
    bulged_sites: int
    annotation: Annotation | None = None

    @classmethod
    def from_hits(
        cls,
        *,
        spacer: str,
        index: SiteIndex,
        nuclease: Nuclease,
        rows: I64,
        mismatches: npt.NDArray[np.int8],
        dna: npt.NDArray[np.int8],
        rna: npt.NDArray[np.int8],
        settings: SearchSettings,
        on_target: Locus | None,
        annotation: Annotation | None,
    ) -> GuideOffTargets:
        """Score, count and cap the sorted hits of one guide."""
        length = len(spacer) + dna.astype(np.int64) - rna.astype(np.int64)
        start, end, minus, pos = _geometry(index, rows, length)
        plain = (dna == 0) & (rna == 0)
        cfd, mit = _scores(index, spacer, rows, minus, pos, plain)
        on_row, assumed = _on_target(index, rows, start, end, minus, mismatches, plain, on_target)
        keep = np.ones(len(rows), dtype=bool)
        if on_row >= 0:
            keep[on_row] = False
        spec = aggregate_specificity(cfd[keep & plain], mit[keep & plain])
        counts = tuple(
            int(((mismatches == k) & plain & keep).sum())
            for k in range(settings.limits.mismatches + 1)
        )
        cap = settings.max_hits_per_guide
        n = len(rows)
        sl = slice(0, n if cap is None else min(n, cap))
        return cls(
            spacer=spacer, index=index, nuclease=nuclease, rows=rows[sl], length=length[sl],
            mismatches=mismatches[sl], dna=dna[sl], rna=rna[sl], cfd=cfd[sl], mit=mit[sl],
            on_target_row=on_row if on_row < sl.stop else -1, on_target_assumed=assumed,
            n_sites=n, capped=cap is not None and n > cap, specificity=spec,
            counts_by_mismatches=counts, bulged_sites=int((~plain).sum()), annotation=annotation,
        )  # fmt: skip

    def __len__(self) -> int:
        return len(self.rows)

    def coordinates(self) -> tuple[I64, I64, I64, npt.NDArray[np.bool_]]:
        """Columnar contig number (into ``index.genome.names``), protospacer start and end
        (0-based, half-open, on the contig) and minus-strand flag of the kept sites, without
        decoding them (fast for millions of sites)."""
        start, end, minus, _ = _geometry(self.index, self.rows, self.length)
        contig, local = self.index.genome.locate(start)
        contig = np.asarray(contig, dtype=np.int64)
        local = np.asarray(local, dtype=np.int64)
        return contig, local, local + (end - start), minus.astype(bool)

    def sites(self) -> Iterator[OffTargetSite]:
        """The kept sites as :class:`OffTargetSite` records (decoded lazily, in chunks: the
        sequences and alignments of a chunk are computed together)."""
        for a in range(0, len(self.rows), _SITE_CHUNK):
            yield from self._chunk(a, min(a + _SITE_CHUNK, len(self.rows)))

    def _chunk(self, lo: int, hi: int) -> Iterator[OffTargetSite]:
        for fields in zip(*self._columns(lo, hi).values(), strict=True):
            yield OffTargetSite(*fields)

    def site_columns(self) -> Iterator[dict[str, list[object]]]:
        """The kept sites as columns (the fields of :class:`OffTargetSite`, one list each),
        a chunk at a time: what :meth:`sites` yields as records, without building them
        (writers of millions of sites use this)."""
        for a in range(0, len(self.rows), _SITE_CHUNK):
            yield self._columns(a, min(a + _SITE_CHUNK, len(self.rows)))

    def _columns(self, lo: int, hi: int) -> dict[str, list[object]]:
        idx = self.index
        g = idx.genome
        rows, length = self.rows[lo:hi], self.length[lo:hi]
        start, end, minus, pos = _geometry(idx, rows, length)
        contig, local = g.locate(start)
        masked = g.masked_fraction_any(start, end)
        n = len(self.spacer)
        cut_from_pam = (n - self.nuclease.cut_offsets(n)[0]) if idx.pams.side == "3prime" \
            else self.nuclease.cut_offsets(n)[0]  # fmt: skip
        plen = idx.pams.length
        site_codes = _strand_codes(g, start, length, minus)
        pam_codes = _strand_codes(g, pos, np.full(len(pos), plen, dtype=np.int64), minus)
        dna, rna = self.dna[lo:hi].astype(np.int64), self.rna[lo:hi].astype(np.int64)
        aligned = align_many(self.spacer, site_codes, length, dna, rna, pam_side=idx.pams.side)
        offsets = g.offsets[contig]
        pam_lo, pam_hi = pos - offsets, pos + plen - offsets
        toward = (idx.pams.side == "3prime") != (minus == 1)
        cut = np.where(toward, pam_lo - cut_from_pam, pam_hi + cut_from_pam)
        pid = (idx.meta[rows] >> 1) & 31
        weights = np.asarray(idx.pams.weights, dtype=float)[pid]
        cfd, mit = self.cfd[lo:hi], self.mit[lo:hi]
        names = np.array(g.names, dtype=object)[contig]
        st = local.astype(np.int64)
        site_txt = _ASCII[site_codes]
        pam_txt = _ASCII[pam_codes]
        count = hi - lo
        if self.annotation is None:
            genes: list[object] = [()] * count
            region: list[object] = [""] * count
        else:
            notes = [self._annotate(c, int(a), int(b)) for c, a, b in
                     zip(names, st, st + (end - start), strict=True)]  # fmt: skip
            genes, region = [x[0] for x in notes], [x[1] for x in notes]
        on = np.zeros(count, dtype=bool)
        if lo <= self.on_target_row < hi:
            on[self.on_target_row - lo] = True
        return {
            "guide": [self.spacer] * count,
            "contig": names.tolist(),
            "start": st.tolist(),
            "end": (st + (end - start)).tolist(),
            "strand": np.where(minus == 1, "-", "+").tolist(),
            "pam": [r.tobytes().decode() for r in pam_txt],
            "site": [r[: int(m)].tobytes().decode() for r, m in zip(site_txt, length, strict=True)],
            "aligned_guide": [x[0] for x in aligned],
            "aligned_site": [x[1] for x in aligned],
            "mismatches": self.mismatches[lo:hi].astype(np.int64).tolist(),
            "dna_bulges": dna.tolist(),
            "rna_bulges": rna.tolist(),
            "cfd": [None if v != v else v for v in cfd.tolist()],
            "mit": [None if v != v else v for v in mit.tolist()],
            "pam_weight": weights.tolist(),
            "cut": cut.astype(np.int64).tolist(),
            "soft_masked": masked.tolist(),
            "on_target": on.tolist(),
            "genes": genes,
            "region": region,
        }

    def _annotate(self, contig: str, start: int, end: int) -> tuple[tuple[str, ...], str]:
        if self.annotation is None:
            return (), ""
        locus = Locus(contig, Interval(start, end), Strand.PLUS)
        genes = self.annotation.overlapping(locus)
        if not genes:
            return (), "intergenic"
        exonic = any(
            e.overlaps(locus.interval) for gene in genes for t in gene.transcripts for e in t.exons
        )
        return tuple(gene.name for gene in genes), "exon" if exonic else "intron"

    def summary(self) -> dict[str, object]:
        """Counts and specificity, JSON-ready."""
        return {
            "guide": self.spacer,
            "n_sites": self.n_sites,
            "reported_sites": len(self.rows),
            "capped": self.capped,
            "on_target_found": self.on_target_row >= 0 or self.on_target_assumed,
            "on_target_assumed": self.on_target_assumed,
            "offtargets_by_mismatches": list(self.counts_by_mismatches),
            "bulged_sites": self.bulged_sites,
            **self.specificity.to_dict(),
        }


def _on_target(
    index: SiteIndex,
    rows: I64,
    start: I64,
    end: I64,
    minus: I64,
    mismatches: npt.NDArray[np.int8],
    plain: npt.NDArray[np.bool_],
    on_target: Locus | None,
) -> tuple[int, bool]:
    """Row number of the on-target site among the hits (-1 if absent) and whether assumed."""
    perfect = plain & (mismatches == 0) & (((index.meta[rows] >> 1) & 31) == 0)
    if on_target is None:
        found = np.flatnonzero(perfect)
        return (int(found[0]), True) if len(found) else (-1, False)
    names = index.genome.names
    if on_target.contig not in names:
        return -1, False
    off = int(index.genome.offsets[names.index(on_target.contig)])
    want = (
        (start == on_target.start + off)
        & (end == on_target.end + off)
        & (minus == int(on_target.strand is Strand.MINUS))
        & plain
    )
    found = np.flatnonzero(want)
    return (int(found[0]), False) if len(found) else (-1, False)


@dataclass(frozen=True, slots=True)
class OffTargetResult:
    """Per-guide results of one search and the settings (with the backend actually used)."""

    guides: tuple[GuideOffTargets, ...]
    settings: SearchSettings

    def sites(self) -> Iterator[OffTargetSite]:
        """Every kept site of every guide."""
        for g in self.guides:
            yield from g.sites()
