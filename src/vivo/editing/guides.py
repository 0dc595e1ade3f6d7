"""Guide finding: every candidate protospacer next to a PAM in a locus, on both strands.

Coordinates are plus-strand, 0-based half-open (:class:`~vivo.core.coords.Interval`). For a
guide on the minus strand the protospacer interval is where its reverse complement lies on
the plus strand. ``cut_site`` is the plus-strand position ``p`` such that the
(protospacer-strand) cut lies between ``p - 1`` and ``p``.

Examples
--------
>>> from vivo.genome.base import InMemoryGenome
>>> g = InMemoryGenome({"c": "ACGTACGTACGTACGTACGTAGGTTTT"})
>>> [(x.spacer, x.pam, str(x.strand), x.cut_site) for x in find_guides(g, "c")]
[('ACGTACGTACGTACGTACGT', 'AGG', '+', 17)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import InputError
from vivo.core.seq import gc_content, iupac_regex, reverse_complement, validate_dna
from vivo.editing.nucleases import Nuclease, get_nuclease
from vivo.genome.annotation import Transcript
from vivo.genome.base import GenomeBase

__all__ = [
    "CONTEXT_FLANK",
    "RESTRICTION_ENZYMES",
    "Guide",
    "Selection",
    "exon_locus",
    "find_guides",
    "parse_restriction_sites",
    "window_locus",
]

#: Bases of genomic context kept on each side of protospacer + PAM (``Guide.context``).
CONTEXT_FLANK = 10
Selection = Literal["site", "cut"]

#: Recognition sites of enzymes often used to clone guides or to check edits.
RESTRICTION_ENZYMES: Mapping[str, str] = {
    "BsmBI": "CGTCTC", "BsaI": "GGTCTC", "BbsI": "GAAGAC", "SapI": "GCTCTTC",
    "EcoRI": "GAATTC", "BamHI": "GGATCC", "HindIII": "AAGCTT", "XbaI": "TCTAGA",
    "NotI": "GCGGCCGC", "XhoI": "CTCGAG", "NheI": "GCTAGC", "KpnI": "GGTACC",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Guide:
    """One candidate guide RNA and its target site.

    Attributes
    ----------
    spacer, pam:
        Upper-case protospacer and PAM, 5'->3' on the guide's strand.
    strand, contig, protospacer, pam_interval:
        Where the site lies (plus-strand 0-based half-open intervals).
    cut_site, cut_site_other:
        Plus-strand positions of the cut on the protospacer strand and on the other strand
        (equal for blunt cutters).
    nuclease:
        Name of the nuclease.
    context:
        Protospacer and PAM with :data:`CONTEXT_FLANK` bases on each side, on the guide's
        strand (``N`` past a contig end); see :meth:`context_window`.
    gc_fraction:
        GC fraction of the spacer.
    pam_activity:
        1.0 for the canonical PAM, the relative activity of an alternative PAM otherwise.
    flags:
        Warnings: ``poly_t`` (TTTT stops U6 transcription), ``repeat`` (soft-masked bases),
        ``n_bases``, ``alt_pam``, ``low_gc`` / ``high_gc``, ``context_truncated``,
        ``site:<enzyme>`` (a listed restriction site in the spacer).
    target_distance_bp:
        Bases between the cut and the target (variant), when one was given.
    exon_number, exon_boundary_distance_bp, in_coding_exon, cds_fraction_before_cut:
        Where the cut falls in the transcript, when one was given.
    scores:
        On-target scores as ``(model, value)`` pairs; ``None`` means not scorable.
    """

    spacer: str
    pam: str
    strand: Strand
    contig: str
    protospacer: Interval
    pam_interval: Interval
    cut_site: int
    nuclease: str
    cut_site_other: int = -1
    context: str = ""
    gc_fraction: float = 0.0
    pam_activity: float = 1.0
    flags: tuple[str, ...] = ()
    target_distance_bp: int | None = None
    exon_number: int | None = None
    exon_boundary_distance_bp: int | None = None
    in_coding_exon: bool | None = None
    cds_fraction_before_cut: float | None = None
    scores: tuple[tuple[str, float | None], ...] = ()

    @property
    def site(self) -> Interval:
        """Plus-strand interval covering protospacer and PAM."""
        return self.protospacer.hull(self.pam_interval)

    @property
    def locus(self) -> Locus:
        """Protospacer + PAM as a stranded locus."""
        return Locus(self.contig, self.site, self.strand)

    @property
    def target(self) -> str:
        """Protospacer and PAM 5'->3' as they lie on the guide's strand."""
        return self.context[CONTEXT_FLANK : len(self.context) - CONTEXT_FLANK]

    def context_window(self, upstream: int, downstream: int) -> str:
        """Protospacer + PAM with ``upstream`` / ``downstream`` bases of context (<= 10).

        ``context_window(4, 3)`` is the 30-mer of the SpCas9 models (Rule Set 1/3).
        """
        if not (0 <= upstream <= CONTEXT_FLANK and 0 <= downstream <= CONTEXT_FLANK):
            raise InputError(f"context flanks must be 0-{CONTEXT_FLANK} nt")
        end = len(self.context) - CONTEXT_FLANK + downstream
        return self.context[CONTEXT_FLANK - upstream : end]

    def score(self, model: str) -> float | None:
        """The score of ``model`` (``None`` if not scored or not scorable)."""
        return dict(self.scores).get(model)

    def with_scores(self, scores: Mapping[str, float | None]) -> Guide:
        """A copy with ``scores`` added (replacing same-named ones)."""
        merged = dict(self.scores)
        merged.update(scores)
        return replace(self, scores=tuple(merged.items()))

    @property
    def guide_id(self) -> str:
        """A stable name: ``contig:start1-end(strand)`` of the protospacer."""
        return f"{self.contig}:{self.protospacer.start + 1}-{self.protospacer.end}({self.strand})"

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready record (1-based inclusive ``*_1based`` columns for people)."""
        return {
            "id": self.guide_id,
            "spacer": self.spacer,
            "pam": self.pam,
            "strand": str(self.strand),
            "contig": self.contig,
            "start": self.protospacer.start,
            "end": self.protospacer.end,
            "start_1based": self.protospacer.start + 1,
            "pam_start": self.pam_interval.start,
            "pam_end": self.pam_interval.end,
            "cut_site": self.cut_site,
            "cut_site_other": self.cut_site_other,
            "nuclease": self.nuclease,
            "context": self.context,
            "gc_fraction": round(self.gc_fraction, 4),
            "pam_activity": self.pam_activity,
            "flags": list(self.flags),
            "target_distance_bp": self.target_distance_bp,
            "exon_number": self.exon_number,
            "exon_boundary_distance_bp": self.exon_boundary_distance_bp,
            "in_coding_exon": self.in_coding_exon,
            "cds_fraction_before_cut": self.cds_fraction_before_cut,
            "scores": dict(self.scores),
        }


# --- locus helpers ---------------------------------------------------------------------------
def exon_locus(transcript: Transcript, number: int, *, flank_bp: int = 0) -> Locus:
    """The genomic locus of exon ``number`` (1-based, transcript order), widened by ``flank_bp``.

    >>> from vivo.genome.bundled import beta_globin_locus
    >>> tx = beta_globin_locus().gene("HBB").canonical
    >>> exon_locus(tx, 1).to_ucsc()
    'U01317.1:62137-62278(+)'
    """
    exons = transcript.exons_5to3
    if not 1 <= number <= len(exons):
        raise InputError(
            f"{transcript.gene_name} ({transcript.transcript_id}) has no exon {number}",
            hint=f"it has exons 1-{len(exons)}",
        )
    return Locus(transcript.contig, exons[number - 1].expand(flank_bp), transcript.strand)


def window_locus(contig: str, position: int, window_bp: int) -> Locus:
    """The locus ``position ± window_bp`` (0-based position; clipped at 0)."""
    if window_bp < 0:
        raise InputError(f"window must be >= 0 bp, got {window_bp}")
    return Locus(contig, Interval(position, position + 1).expand(window_bp))


def parse_restriction_sites(sites: Iterable[str]) -> dict[str, str]:
    """Enzyme names (``BsmBI``), ``NAME=SEQ`` pairs or bare IUPAC sequences to ``{name: seq}``.

    >>> parse_restriction_sites(["bsmbi", "my=GGNCC", "ACGT"])
    {'BsmBI': 'CGTCTC', 'my': 'GGNCC', 'ACGT': 'ACGT'}
    """
    known = {k.lower(): k for k in RESTRICTION_ENZYMES}
    out: dict[str, str] = {}
    for raw in sites:
        item = raw.strip()
        if "=" in item:
            name, seq = (part.strip() for part in item.split("=", 1))
        elif item.lower() in known:
            name = known[item.lower()]
            seq = RESTRICTION_ENZYMES[name]
        else:
            name, seq = item, item
        if not seq or any(c not in "ACGTRYSWKMBDHVN" for c in seq.upper()):
            raise InputError(
                f"restriction site {raw!r} is neither a known enzyme nor an IUPAC sequence",
                hint="known enzymes: " + ", ".join(RESTRICTION_ENZYMES),
            )
        validate_dna(seq, what=f"restriction site {name}")
        out[name] = seq.upper()
    return out


# --- finding -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Hit:
    strand: Strand
    site: Interval  # plus-strand coordinates of protospacer + PAM
    pam_activity: float


def _pam_patterns(nuclease: Nuclease, include_alt: bool) -> list[tuple[re.Pattern[str], float]]:
    pams = [(nuclease.pam, 1.0)]
    if include_alt:
        pams += list(nuclease.alt_pams)
    return [(re.compile(f"(?=({iupac_regex(p)}))"), act) for p, act in pams]


def _scan(
    seq_upper: str, offset: int, nuclease: Nuclease, length: int, include_alt: bool
) -> dict[tuple[Strand, int], _Hit]:
    """All sites in ``seq_upper`` (which starts at plus position ``offset``), both strands."""
    n = len(seq_upper)
    plen = len(nuclease.pam)
    site_len = length + plen
    hits: dict[tuple[Strand, int], _Hit] = {}
    texts = ((Strand.PLUS, seq_upper), (Strand.MINUS, reverse_complement(seq_upper)))
    for pattern, activity in _pam_patterns(nuclease, include_alt):
        for strand, text in texts:
            for m in pattern.finditer(text):
                j = m.start()
                s = j - length if nuclease.pam_side == "3prime" else j
                if s < 0 or s + site_len > n:
                    continue
                start = s if strand is Strand.PLUS else n - (s + site_len)
                key = (strand, start)
                old = hits.get(key)
                if old is None or old.pam_activity < activity:
                    hits[key] = _Hit(strand, Interval(offset + start, offset + start + site_len),
                                     activity)  # fmt: skip
    return hits


def _resolve_locus(genome: GenomeBase, locus: Locus | str) -> Locus:
    if isinstance(locus, str):
        genome.check_contig(locus)
        return Locus(locus, Interval(0, genome.contig_length(locus)))
    genome.check_locus(locus)
    return locus


def find_guides(
    genome: GenomeBase,
    locus: Locus | str,
    nuclease: Nuclease | str = "SpCas9",
    *,
    spacer_length: int | None = None,
    include_alt_pams: bool = False,
    selection: Selection = "site",
    target: int | Interval | None = None,
    transcript: Transcript | None = None,
    restriction_sites: Iterable[str] | Mapping[str, str] = (),
) -> list[Guide]:
    """Every candidate guide of ``nuclease`` in ``locus`` (both strands), sorted by position.

    Parameters
    ----------
    genome:
        Where to look.
    locus:
        A :class:`Locus` or a whole contig name; its strand is ignored (both are searched).
    nuclease:
        A :class:`Nuclease` or a built-in name (``"SpCas9"``, ``"AsCas12a"``, ...).
    spacer_length:
        Spacer length (default: the nuclease's).
    include_alt_pams:
        Also report sites with the nuclease's alternative PAMs (``alt_pam`` flag).
    selection:
        ``"site"``: protospacer and PAM lie entirely inside the locus; ``"cut"``: the cut
        (``cut_site``) lies inside the locus or on its edge (the site may extend beyond).
    target:
        A position or interval (e.g. a variant) to measure the cut distance to.
    transcript:
        Annotate exon number, exon-boundary distance, coding-exon cut and CDS fraction.
    restriction_sites:
        Enzyme names, ``NAME=SEQ`` items or a ``{name: seq}`` mapping; each found in the
        spacer (either orientation) adds a ``site:<name>`` flag.

    Raises
    ------
    InputError
        For an unknown nuclease or contig, a locus past the contig end, a spacer length out of
        range, or a locus shorter than one protospacer + PAM (with ``selection="site"``).
    """
    nuc = get_nuclease(nuclease)
    length = nuc.check_spacer_length(spacer_length)
    where = _resolve_locus(genome, locus)
    site_len = length + len(nuc.pam)
    if selection == "site" and len(where) < site_len:
        raise InputError(
            f"locus {where.to_ucsc()} is {len(where)} bp, shorter than one {nuc.name} target "
            f"site ({length} nt spacer + {len(nuc.pam)} nt PAM)",
            hint="widen the region",
        )
    if selection not in ("site", "cut"):
        raise InputError(f"unknown selection {selection!r}", hint="use 'site' or 'cut'")
    contig_len = genome.contig_length(where.contig)
    pad = site_len if selection == "cut" else 0
    scan_lo, scan_hi = max(0, where.start - pad), min(contig_len, where.end + pad)
    lo, hi = max(0, scan_lo - CONTEXT_FLANK), min(contig_len, scan_hi + CONTEXT_FLANK)
    raw = genome.fetch_region(where.contig, lo, hi)
    upper = raw.upper()
    hits = _scan(upper[scan_lo - lo : scan_hi - lo], scan_lo, nuc, length, include_alt_pams)
    sites = _site_sets(restriction_sites)
    builder = _Builder(nuc, length, where.contig, raw, upper, lo, contig_len, sites)
    guides = []
    for hit in sorted(hits.values(), key=lambda h: (h.site.start, h.strand.value)):
        guide = builder.build(hit)
        if selection == "cut" and not where.start <= guide.cut_site <= where.end:
            continue
        guides.append(_annotate(guide, target=target, transcript=transcript))
    return guides


def _site_sets(
    restriction_sites: Iterable[str] | Mapping[str, str],
) -> list[tuple[str, re.Pattern[str]]]:
    if isinstance(restriction_sites, Mapping):
        named = {k: validate_dna(v, what=f"restriction site {k}").upper()
                 for k, v in restriction_sites.items()}  # fmt: skip
    else:
        named = parse_restriction_sites(restriction_sites)
    out = []
    for name, seq in named.items():
        both = {iupac_regex(seq), iupac_regex(reverse_complement(seq))}
        out.append((name, re.compile("|".join(f"(?:{p})" for p in sorted(both)))))
    return out


@dataclass(frozen=True, slots=True)
class _Builder:
    nuc: Nuclease
    length: int
    contig: str
    raw: str  # fetched plus-strand sequence (case kept)
    upper: str
    offset: int  # plus position of raw[0]
    contig_len: int
    sites: list[tuple[str, re.Pattern[str]]]

    def build(self, hit: _Hit) -> Guide:
        nuc, length = self.nuc, self.length
        plen = len(nuc.pam)
        s, e = hit.site.start, hit.site.end
        seg = self.raw[s - self.offset : e - self.offset]
        oriented = seg if hit.strand is Strand.PLUS else reverse_complement(seg)
        up = oriented.upper()
        if nuc.pam_side == "3prime":
            spacer, pam = up[:length], up[length:]
        else:
            pam, spacer = up[:plen], up[plen:]
        proto, pam_iv = _split(hit.site, hit.strand, nuc, length)
        k1, k2 = nuc.cut_offsets(length)
        if hit.strand is Strand.PLUS:
            cut, cut_other = proto.start + k1, proto.start + k2
        else:
            cut, cut_other = proto.end - k1, proto.end - k2
        context, truncated = self._context(hit)
        flags = self._flags(spacer, oriented, hit.pam_activity < 1.0, truncated)
        return Guide(
            spacer=spacer, pam=pam, strand=hit.strand, contig=self.contig, protospacer=proto,
            pam_interval=pam_iv, cut_site=cut, nuclease=nuc.name, cut_site_other=cut_other,
            context=context, gc_fraction=gc_content(spacer), pam_activity=hit.pam_activity,
            flags=flags,
        )  # fmt: skip

    def _context(self, hit: _Hit) -> tuple[str, bool]:
        a, b = hit.site.start - CONTEXT_FLANK, hit.site.end + CONTEXT_FLANK
        left_pad, right_pad = max(0, self.offset - a), max(0, b - (self.offset + len(self.upper)))
        seq = self.upper[max(a, self.offset) - self.offset : b - self.offset]
        seq = "N" * left_pad + seq + "N" * right_pad
        truncated = bool(left_pad or right_pad)
        return (seq if hit.strand is Strand.PLUS else reverse_complement(seq)), truncated

    def _flags(self, spacer: str, oriented: str, alt: bool, truncated: bool) -> tuple[str, ...]:
        flags = []
        if "TTTT" in spacer:
            flags.append("poly_t")
        if any(c.islower() for c in oriented):
            flags.append("repeat")
        if any(c not in "ACGT" for c in spacer):
            flags.append("n_bases")
        if alt:
            flags.append("alt_pam")
        gc = gc_content(spacer)
        if gc < 0.25:
            flags.append("low_gc")
        elif gc > 0.75:
            flags.append("high_gc")
        if truncated:
            flags.append("context_truncated")
        flags += [f"site:{name}" for name, pat in self.sites if pat.search(spacer)]
        return tuple(flags)


def _split(site: Interval, strand: Strand, nuc: Nuclease, length: int) -> tuple[Interval, Interval]:
    """Protospacer and PAM intervals (plus strand) of a site."""
    plen = len(nuc.pam)
    pam_first_on_plus = (nuc.pam_side == "5prime") == (strand is Strand.PLUS)
    if pam_first_on_plus:
        return Interval(site.start + plen, site.end), Interval(site.start, site.start + plen)
    return Interval(site.start, site.start + length), Interval(site.start + length, site.end)


# --- annotation ----------------------------------------------------------------------------
def _inside(pos: int, iv: Interval) -> bool:
    """True when a cut between ``pos - 1`` and ``pos`` has both neighbours inside ``iv``."""
    return iv.start < pos < iv.end


def _annotate(
    guide: Guide, *, target: int | Interval | None, transcript: Transcript | None
) -> Guide:
    changes: dict[str, object] = {}
    p = guide.cut_site
    if target is not None:
        tiv = Interval(target, target + 1) if isinstance(target, int) else target
        changes["target_distance_bp"] = tiv.distance(Interval(p, p))
    if transcript is not None and transcript.contig == guide.contig:
        changes.update(_transcript_fields(p, transcript))
    return replace(guide, **changes) if changes else guide  # type: ignore[arg-type]


def _transcript_fields(p: int, tx: Transcript) -> dict[str, object]:
    exon_number = None
    for i, exon in enumerate(tx.exons_5to3, start=1):
        if _inside(p, exon):
            exon_number = i
    boundary = min(min(abs(p - ex.start), abs(p - ex.end)) for ex in tx.exons)
    segments = tx.cds_segments()
    coding = any(_inside(p, seg) for seg in segments)
    fraction = None
    if coding:
        total = sum(len(seg) for seg in segments)
        if tx.strand is Strand.PLUS:
            before = sum(max(0, min(seg.end, p) - seg.start) for seg in segments)
        else:
            before = sum(max(0, seg.end - max(seg.start, p)) for seg in segments)
        fraction = before / total
    return {
        "exon_number": exon_number,
        "exon_boundary_distance_bp": boundary,
        "in_coding_exon": coding if tx.is_coding else False,
        "cds_fraction_before_cut": fraction,
    }


def sort_by_position(guides: Sequence[Guide]) -> list[Guide]:
    """Guides ordered by contig, protospacer start and strand."""
    return sorted(guides, key=lambda g: (g.contig, g.protospacer.start, g.strand.value))
