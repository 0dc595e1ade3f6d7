"""Regulatory motifs of the fetal globin (HBG1/HBG2) promoters, and the guides that hit them.

Hereditary persistence of fetal haemoglobin (HPFH) maps to two clusters of HBG1/HBG2
promoter mutations, about 115 and 200 bp upstream of the transcription start site (TSS),
where the two main fetal-globin repressors bind (Martyn et al. 2018, Nat Genet 50:498,
doi:10.1038/s41588-018-0085-0), and to a 13-bp deletion of the -115 region. Editing designs
that induce HbF from the promoter aim to disrupt one of these elements; this module finds
them on the sequence and says which element each nuclease guide's cut disrupts.

The elements, with positions relative to the TSS (+1 is the first transcribed base, -1 the
base before it, no position 0), as located on GenBank U01317.1 and as published:

================================  =====================  ==================================
element                           U01317.1 (both genes)  published
================================  =====================  ==================================
BCL11A binding site (TGACCA)      -118 to -113           distal TGACCA core of the
                                                         duplicated motif, -119 to -113
                                                         with its 5' T; BCL11A occupies the
                                                         distal copy (Liu et al. 2018, Cell
                                                         173:430); the -115 HPFH cluster
                                                         (-117 G>A, -114 C>T ...) lies in it
                                                         (Martyn et al. 2018); BCL11A ZF4-6
                                                         bound to it: Yang et al. 2019, Cell
                                                         Res 29:960
ZBTB7A/LRF binding site           -203 to -194           CCCCTTCCCC, -203 to -194 (ITHANET
(CCCCTTCCCC)                                             IthaGenes ZBTB7A; structure of the
                                                         two C:G quadruples: Yang et al.
                                                         2021, Cell Rep 36:109759; Martyn
                                                         et al. 2018: binds the -200 site)
13-bp HPFH deletion               -114 to -102           13-nt deletion -102 to -114
(between GCCTTGAC repeats)                               (Traxler et al. 2016, Nat Med
                                                         22:987), recreated there with Cas9
================================  =====================  ==================================

How the elements are located: each is a sequence pattern searched on the gene's strand
within 300 bp upstream of the TSS of the gene's canonical transcript; when the pattern
occurs more than once (TGACCA occurs twice, at -118 and -91), the copy nearest the
published position is taken, and one further than :data:`ANCHOR_TOLERANCE_BP` from it is
not reported. The 13-bp deletion is found as the two 8-bp ``GCCTTGAC`` direct repeats 13 bp
apart whose microhomology Cas9-induced microhomology-mediated end joining uses; it is
reported at its 3'-most equivalent placement (the HGVS 3' rule), -114 to -102.

Guides: :func:`label_promoter_guides` reports, for each guide, which elements its cut
disrupts. A cut disrupts a binding site when it falls inside it or at most
:data:`DISRUPTION_WINDOW_BP` bases from its nearest base: SpCas9 repair outcomes are mostly
1-bp insertions and deletions of a few bases that start at the cut (Allen et al. 2019, Nat
Biotechnol 37:64; Shen et al. 2018, Nature 563:646), so a cut a few bases away still
changes the site. The 5-bp window is vivo's choice, not a published threshold. A cut can
produce the 13-bp deletion when it lies within the span of the deletion's equivalent
placements (from the first base of the 5' repeat to the last of the 3' one), because a
microhomology deletion must span the break.

Ranking: guides whose cut lies inside more elements first, then those with more elements
within the window, then by on-target score. A cut inside a site is more certain to change
it than one beside it; the -115 guide of Traxler et al. (``CTTGTCAAGGCTATTGGTCA`` AGG,
cut between -116 and -115) is inside both the BCL11A site and the deletion span and ranks
first in both promoters, where Rule Set 1 alone puts it 44th of 49 (HBG1).

Note: Casgevy (exa-cel; Frangoul et al. 2021, N Engl J Med 384:252) edits the BCL11A
erythroid enhancer on chromosome 2, not the HBG promoters; these motifs are the
promoter-editing alternative.

>>> from vivo.genome.bundled import beta_globin_locus
>>> [(m.factor, m.rel_start, m.rel_end) for m in find_hbg_promoter_motifs(
...     beta_globin_locus(), "HBG1")]
[('BCL11A', -118, -113), ('HPFH deletion', -114, -102), ('ZBTB7A', -203, -194)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from vivo.core.coords import Interval, Strand
from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement
from vivo.editing.guides import Guide
from vivo.genome.annotation import AnnotatedGenome, Transcript

__all__ = [
    "ANCHOR_TOLERANCE_BP",
    "DISRUPTION_WINDOW_BP",
    "HBG_GENES",
    "MotifGuide",
    "RegulatoryMotif",
    "find_hbg_promoter_motifs",
    "label_promoter_guides",
    "tss_position",
]

#: Bases from a binding site within which a cut counts as disrupting it (vivo's choice).
DISRUPTION_WINDOW_BP: Final = 5
#: Largest shift between a located motif and its published position that is accepted.
ANCHOR_TOLERANCE_BP: Final = 10
#: Genes whose promoters carry these elements.
HBG_GENES: Final = ("HBG1", "HBG2")
_PROMOTER_BP: Final = 300

MotifKind = Literal["binding_site", "deletion"]


@dataclass(frozen=True, slots=True)
class _Spec:
    name: str
    factor: str
    kind: MotifKind
    pattern: str  # on the gene's strand; deletion: repeat, gap, repeat
    anchor: int  # published TSS-relative position of the element's 5' base
    source: str


_SPECS: Final = (
    _Spec(
        "BCL11A binding site (-115 region)",
        "BCL11A",
        "binding_site",
        "TGACCA",
        -118,
        "Liu et al. 2018, Cell 173:430 (BCL11A occupies the distal TGACCA, -119 to -113); "
        "Martyn et al. 2018, Nat Genet 50:498 (BCL11A binds the -115 HPFH site)",
    ),
    _Spec(
        "13-bp HPFH deletion (-114 to -102)",
        "HPFH deletion",
        "deletion",
        "GCCTTGAC.{5}GCCTTGAC",
        -114,
        "Traxler et al. 2016, Nat Med 22:987 (13-nt HPFH deletion -102 to -114, recreated "
        "with Cas9 by microhomology-mediated end joining)",
    ),
    _Spec(
        "ZBTB7A/LRF binding site (-200 region)",
        "ZBTB7A",
        "binding_site",
        "CCCCTTCCCC",
        -203,
        "Martyn et al. 2018, Nat Genet 50:498 (ZBTB7A binds the -200 HPFH site); Yang et al. "
        "2021, Cell Rep 36:109759 (crystal structure: two C:G quadruples, CCCCTTCCCC); "
        "ITHANET IthaGenes ZBTB7A entry (site spans -203 to -194)",
    ),
)


@dataclass(frozen=True, slots=True)
class RegulatoryMotif:
    """One regulatory element located in a promoter.

    ``interval`` is plus-strand, 0-based half-open: the binding site, or the deleted bases
    (3'-most placement) of a deletion. ``reach`` is where a cut affects it: the site itself
    for a binding site, the span of all equivalent placements for a deletion.
    ``rel_start`` / ``rel_end`` are the TSS-relative positions of its 5'- and 3'-most bases
    on the gene's strand (``-118`` / ``-113``). ``sequence`` reads on the gene's strand.
    """

    name: str
    factor: str
    kind: MotifKind
    gene: str
    contig: str
    strand: Strand  # the gene's strand
    interval: Interval
    reach: Interval
    sequence: str
    rel_start: int
    rel_end: int
    tss: int
    source: str

    @property
    def label(self) -> str:
        """``"BCL11A -118..-113"``."""
        return f"{self.factor} {self.rel_start}..{self.rel_end}"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record (``start_1based`` / ``end_1based``: plus-strand, inclusive)."""
        return {
            "name": self.name,
            "factor": self.factor,
            "kind": self.kind,
            "gene": self.gene,
            "contig": self.contig,
            "start_1based": self.interval.start + 1,
            "end_1based": self.interval.end,
            "sequence": self.sequence,
            "tss_relative": [self.rel_start, self.rel_end],
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class MotifGuide:
    """A guide with the promoter elements its cut disrupts.

    ``cut_rel_tss`` is the pair of TSS-relative positions the cut falls between (5' then
    3' on the gene's strand, e.g. ``(-116, -115)``). ``disrupts`` lists the factors of the
    elements hit, those the cut lies inside first; ``inside`` counts the elements the cut lies
    inside, ``near`` those within the window only. ``distance_bp`` is the distance from the
    cut to the nearest element (0 inside), ``None`` when none is within the window.
    """

    guide: Guide
    gene: str
    cut_rel_tss: tuple[int, int]
    disrupts: tuple[str, ...]
    inside: int
    near: int
    distance_bp: int | None
    score: float | None

    @property
    def cut_label(self) -> str:
        """``"-116/-115"``."""
        return f"{self.cut_rel_tss[0]}/{self.cut_rel_tss[1]}"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        return {
            "spacer": self.guide.spacer,
            "pam": self.guide.pam,
            "strand": str(self.guide.strand),
            "gene": self.gene,
            "cut_tss_relative": self.cut_label,
            "disrupts": list(self.disrupts),
            "inside": self.inside,
            "near": self.near,
            "distance_bp": self.distance_bp,
            "score": self.score,
        }


def tss_position(tx: Transcript) -> int:
    """Plus-strand 0-based position of the transcript's first base (+1)."""
    return tx.span.start if tx.strand is Strand.PLUS else tx.span.end - 1


def _relative(pos: int, tss: int, strand: Strand) -> int:
    """TSS-relative position of plus-strand base ``pos`` (no position 0)."""
    d = pos - tss if strand is Strand.PLUS else tss - pos
    return d + 1 if d >= 0 else d


def _promoter(ag: AnnotatedGenome, tx: Transcript) -> tuple[str, int]:
    """Gene-strand sequence of the promoter window and the plus-strand start of the window."""
    tss = tss_position(tx)
    length = ag.genome.contig_length(tx.contig)
    if tx.strand is Strand.PLUS:
        lo, hi = max(0, tss - _PROMOTER_BP), tss
        return ag.genome.fetch_region(tx.contig, lo, hi).upper(), lo
    lo, hi = tss + 1, min(length, tss + 1 + _PROMOTER_BP)
    return reverse_complement(ag.genome.fetch_region(tx.contig, lo, hi).upper()), lo


def _to_plus(tx: Transcript, lo: int, n: int, a: int, b: int) -> Interval:
    """Plus-strand interval of gene-strand window offsets ``[a, b)`` (window length ``n``)."""
    if tx.strand is Strand.PLUS:
        return Interval(lo + a, lo + b)
    return Interval(lo + n - b, lo + n - a)


def _locate(spec: _Spec, ag: AnnotatedGenome, gene: str, tx: Transcript) -> RegulatoryMotif | None:
    seq, lo = _promoter(ag, tx)
    n, tss = len(seq), tss_position(tx)
    best: tuple[int, int, int, int, int] | None = None  # shift, element, reach
    for m in re.finditer(f"(?=({spec.pattern}))", seq):
        r0, r1 = m.start(), m.start() + len(m.group(1))
        # a deletion's 3'-most placement: from after the 5' repeat to the 3' repeat's end
        a = r0 + len(spec.pattern.split(".")[0]) if spec.kind == "deletion" else r0
        shift = abs(-(n - a) - spec.anchor)
        if shift <= ANCHOR_TOLERANCE_BP and (best is None or shift < best[0]):
            best = (shift, a, r1, r0, r1)
    if best is None:
        return None
    _, a, b, r0, r1 = best
    iv = _to_plus(tx, lo, n, a, b)
    return RegulatoryMotif(
        name=spec.name,
        factor=spec.factor,
        kind=spec.kind,
        gene=gene,
        contig=tx.contig,
        strand=tx.strand,
        interval=iv,
        reach=_to_plus(tx, lo, n, r0, r1),
        sequence=seq[a:b],
        rel_start=-(n - a),
        rel_end=-(n - b) - 1,
        tss=tss,
        source=spec.source,
    )


def find_hbg_promoter_motifs(ag: AnnotatedGenome, gene: str) -> tuple[RegulatoryMotif, ...]:
    """The BCL11A site, the 13-bp HPFH deletion and the ZBTB7A site of an HBG promoter.

    Elements not found near their published positions are left out (a genome with a
    variant promoter may lack one); the order is that of the table in the module docstring.
    """
    name = gene.upper()
    if name not in HBG_GENES:
        raise InputError(
            f"promoter motifs are curated for HBG1 and HBG2 only, not {gene!r}",
            hint="use HBG1 or HBG2",
        )
    tx = ag.gene(name).canonical
    found = (_locate(spec, ag, name, tx) for spec in _SPECS)
    return tuple(m for m in found if m is not None)


def _distance(cut: int, iv: Interval) -> int:
    """Bases between a cut (between ``cut - 1`` and ``cut``) and ``iv`` (0 when inside)."""
    if iv.start <= cut <= iv.end:
        return 0
    return iv.start - cut if cut < iv.start else cut - iv.end


def _default_score(g: Guide, model: str | None) -> float | None:
    if model is not None:
        return g.score(model)
    return next((v for _, v in g.scores if v is not None), None)


def _label(
    g: Guide, motifs: Sequence[RegulatoryMotif], tss: int, strand: Strand, gene: str,
    window_bp: int, model: str | None,
) -> MotifGuide:  # fmt: skip
    cuts = {g.cut_site, g.cut_site_other if g.cut_site_other >= 0 else g.cut_site}
    inside: list[str] = []
    near: list[str] = []
    best: int | None = None
    for m in motifs:
        d = min(_distance(c, m.reach) for c in cuts)
        limit = window_bp if m.kind == "binding_site" else 0
        if d <= limit:
            (inside if d == 0 else near).append(m.factor)
            best = d if best is None else min(best, d)
    a, b = _relative(g.cut_site - 1, tss, strand), _relative(g.cut_site, tss, strand)
    pair = (a, b) if strand is Strand.PLUS else (b, a)
    return MotifGuide(
        g, gene, pair, tuple(inside + near), len(inside), len(near), best, _default_score(g, model)
    )


def label_promoter_guides(
    guides: Iterable[Guide],
    motifs: Sequence[RegulatoryMotif],
    *,
    window_bp: int = DISRUPTION_WINDOW_BP,
    score_model: str | None = None,
) -> tuple[MotifGuide, ...]:
    """Label guides by the promoter elements their cut disrupts, and rank them.

    ``motifs`` come from :func:`find_hbg_promoter_motifs` (one gene). ``score_model`` names
    the on-target score to rank by (default: the guide's first score). Ranking: more
    elements with the cut inside, then more within ``window_bp``, then higher score.
    """
    if window_bp < 0:
        raise InputError(f"window_bp must be >= 0, got {window_bp}")
    if not motifs:
        raise InputError("no promoter motifs to label guides with", hint="check the gene")
    genes = {m.gene for m in motifs}
    if len(genes) != 1:
        raise InputError(f"motifs of one gene expected, got {sorted(genes)}")
    first = motifs[0]
    labelled = [
        _label(g, motifs, first.tss, first.strand, first.gene, window_bp, score_model)
        for g in guides
    ]

    def key(x: MotifGuide) -> tuple[int, int, float, int]:
        score = x.score if x.score is not None else float("-inf")
        return (-x.inside, -x.near, -score, x.guide.cut_site)

    return tuple(sorted(labelled, key=key))
