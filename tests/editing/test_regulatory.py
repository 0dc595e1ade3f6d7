"""HBG1/HBG2 promoter motifs and the guides that disrupt them: golden positions.

Published positions relative to the HBG transcription start (+1 = first transcribed base):
BCL11A binds the distal TGACCA, -118 to -113 (Liu et al. 2018 Cell 173:430: "-119 to -113"
with its 5' T; the -115 HPFH cluster, Martyn et al. 2018 Nat Genet 50:498); ZBTB7A/LRF binds
CCCCTTCCCC, -203 to -194 (Yang et al. 2021 Cell Rep 36:109759; the -200 site of Martyn et
al. 2018); the HPFH 13-nt deletion is -102 to -114 (Traxler et al. 2016 Nat Med 22:987).
HPFH point mutations fall on the expected bases: -117 G (Greek HPFH -117 G>A), -114 C
(-114 C>T), -198 T (British -198 T>C), -175 T (-175 T>C), -202 C (-202 C>G).
"""

from __future__ import annotations

import pytest

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement
from vivo.editing.guides import find_guides
from vivo.editing.regulatory import (
    find_hbg_promoter_motifs,
    label_promoter_guides,
    tss_position,
)
from vivo.editing.scoring import score_guides
from vivo.genome.annotation import AnnotatedGenome, Annotation, Gene, Transcript
from vivo.genome.base import InMemoryGenome
from vivo.genome.bundled import beta_globin_locus

TRAXLER_115 = "CTTGTCAAGGCTATTGGTCA"  # Traxler et al. 2016, AGG PAM, cut -116/-115


def _promoter_guides(ag: AnnotatedGenome, gene: str):  # type: ignore[no-untyped-def]
    g = ag.gene(gene)
    tx = g.canonical
    tss = tss_position(tx)
    iv = Interval(tss - 300, tss) if tx.strand is Strand.PLUS else Interval(tss + 1, tss + 301)
    guides = find_guides(ag.genome, Locus(tx.contig, iv, tx.strand), "SpCas9", selection="cut")
    return score_guides(guides, ["ruleset1"])


@pytest.mark.parametrize("gene", ["HBG1", "HBG2"])
def test_motif_positions_match_the_literature(gene: str) -> None:
    motifs = find_hbg_promoter_motifs(beta_globin_locus(), gene)
    got = {m.factor: (m.rel_start, m.rel_end, m.sequence) for m in motifs}
    assert got == {
        "BCL11A": (-118, -113, "TGACCA"),
        "HPFH deletion": (-114, -102, "CAATAGCCTTGAC"),
        "ZBTB7A": (-203, -194, "CCCCTTCCCC"),
    }
    for m in motifs:
        assert len(m.interval) == m.rel_end - m.rel_start + 1
        assert m.source
        d = m.to_dict()
        assert d["end_1based"] - d["start_1based"] + 1 == len(m.sequence)


def test_hpfh_point_mutation_bases() -> None:
    ag = beta_globin_locus()
    tx = ag.gene("HBG1").canonical
    tss = tss_position(tx)

    def base(rel: int) -> str:
        return ag.genome.fetch_region(tx.contig, tss + rel, tss + rel + 1).upper()

    assert [base(r) for r in (-117, -114, -198, -175, -202)] == ["G", "C", "T", "T", "C"]


def test_deletion_reach_spans_the_microhomology() -> None:
    (d,) = [
        m for m in find_hbg_promoter_motifs(beta_globin_locus(), "HBG2") if m.kind == "deletion"
    ]
    assert len(d.interval) == 13
    assert (d.reach.start, d.reach.end) == (d.interval.start - 8, d.interval.end)


@pytest.mark.parametrize("gene", ["HBG1", "HBG2"])
def test_the_115_guide_ranks_first(gene: str) -> None:
    ag = beta_globin_locus()
    guides = _promoter_guides(ag, gene)
    by_score = sorted(guides, key=lambda g: -(g.score("ruleset1") or 0.0))
    assert [g.spacer for g in by_score].index(TRAXLER_115) > 30  # what score alone does
    ranked = label_promoter_guides(guides, find_hbg_promoter_motifs(ag, gene))
    top = ranked[0]
    assert top.guide.spacer == TRAXLER_115
    assert top.cut_rel_tss == (-116, -115)
    assert top.disrupts == ("BCL11A", "HPFH deletion")
    assert top.inside == 2 and top.distance_bp == 0
    assert top.to_dict()["cut_tss_relative"] == "-116/-115"
    # every guide that disrupts something ranks before every guide that does not
    flags = [bool(x.disrupts) for x in ranked]
    assert flags == sorted(flags, reverse=True)
    assert sum(flags) == 12


def test_lrf_guides_and_window() -> None:
    ag = beta_globin_locus()
    ranked = label_promoter_guides(
        _promoter_guides(ag, "HBG1"), find_hbg_promoter_motifs(ag, "HBG1")
    )
    lrf = {x.cut_label: x for x in ranked if "ZBTB7A" in x.disrupts}
    assert lrf["-198/-197"].inside == 1  # inside CCCCTTCCCC
    assert lrf["-209/-208"].distance_bp == 5  # at the edge of the 5-bp window
    narrow = label_promoter_guides(
        _promoter_guides(ag, "HBG1"), find_hbg_promoter_motifs(ag, "HBG1"), window_bp=0
    )
    assert "-209/-208" not in {x.cut_label for x in narrow if x.disrupts}


def test_minus_strand_promoter() -> None:
    """The same promoter on the other strand gives the same TSS-relative answers."""
    ag = beta_globin_locus()
    tx = ag.gene("HBG1").canonical
    lo, hi = tx.span.start - 400, tx.span.end + 50
    seq = reverse_complement(ag.genome.fetch_region(tx.contig, lo, hi))
    n = hi - lo

    def flip(iv: Interval) -> Interval:
        return Interval(n - (iv.end - lo), n - (iv.start - lo))

    rtx = Transcript(
        "t", "HBG1", "rc", Strand.MINUS, tuple(flip(e) for e in tx.exons), flip(tx.cds)
    )
    gene = Gene("HBG1", Locus("rc", rtx.span, Strand.MINUS), (rtx,))
    rag = AnnotatedGenome(InMemoryGenome({"rc": seq}, name="rc"), Annotation([gene]))
    motifs = find_hbg_promoter_motifs(rag, "HBG1")
    assert [(m.factor, m.rel_start, m.rel_end) for m in motifs] == [
        ("BCL11A", -118, -113),
        ("HPFH deletion", -114, -102),
        ("ZBTB7A", -203, -194),
    ]
    top = label_promoter_guides(_promoter_guides(rag, "HBG1"), motifs)[0]
    assert top.guide.spacer == TRAXLER_115 and top.cut_rel_tss == (-116, -115)


def test_bad_input() -> None:
    ag = beta_globin_locus()
    with pytest.raises(InputError, match="HBG1 and HBG2 only"):
        find_hbg_promoter_motifs(ag, "HBB")
    with pytest.raises(InputError, match="no promoter motifs"):
        label_promoter_guides([], ())
    with pytest.raises(InputError, match="window_bp"):
        label_promoter_guides([], find_hbg_promoter_motifs(ag, "HBG1"), window_bp=-1)
