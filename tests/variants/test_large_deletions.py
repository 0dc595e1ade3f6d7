"""Large deletions that remove exons or whole transcripts get structural SO terms.

On U01317.1 HBB exon 2 is c.93..c.315 (g.62409..62631) and the transcript spans
g.62137..63742 (TSS to the end of the 3'UTR). A deletion with both of an exon's ends inside
it loses that exon (``exon_loss_variant``, SO:0001572); one that contains the whole
transcript ablates it (``transcript_ablation``, SO:0001893). Neither is a "splice acceptor"
variant, which is a change of the two intron bases at an acceptor.
"""

from __future__ import annotations

import pytest

from vivo.variants.consequence import SEVERITY
from vivo.variants.interpret import interpret_variant


def test_exon2_deletion_is_exon_loss() -> None:
    c = interpret_variant("HBB c.93-30_315+30del").consequence
    assert c.primary == "exon_loss_variant"
    assert c.label == "exon loss"
    assert c.exons_lost == (2,)
    assert c.protein is not None and c.protein.hgvs == "p.?"
    # the splice sites it removes are still listed, after the structural term
    assert {"splice_acceptor_variant", "splice_donor_variant"} <= set(c.terms)


def test_exactly_exon2_is_exon_loss() -> None:
    r = interpret_variant("HBB c.93_315del")
    assert r.hgvs_c == "HBB:c.94_315+1del"  # the same allele, 3'-shifted (G at c.93 and c.315+1)
    c = r.consequence
    assert c.primary == "exon_loss_variant" and c.exons_lost == (2,)


def test_whole_hbb_deletion_is_transcript_ablation() -> None:
    r = interpret_variant("HBB g.62000_64000del")
    assert r.hgvs_c == "HBB:c.-187_*390del"
    c = r.consequence
    assert c.terms == ("transcript_ablation",)
    assert c.label == "transcript ablation"
    assert c.exons_lost == (1, 2, 3)
    assert c.protein is not None and c.protein.hgvs == "p.0?"


def test_deletion_of_hbd_and_hbb_ablates_both() -> None:
    # a delta-beta-thalassaemia-like deletion from upstream HBD to past HBB
    for gene in ("HBB", "HBD"):
        c = interpret_variant(f"{gene} g.54000_64000del").consequence
        assert c.primary == "transcript_ablation", gene


def test_deletion_of_exons_2_and_3() -> None:
    c = interpret_variant("HBB g.62300_64000del").consequence
    assert c.primary == "exon_loss_variant" and c.exons_lost == (2, 3)


@pytest.mark.parametrize(
    ("query", "primary"),
    [
        ("HBB c.92+1G>A", "splice_donor_variant"),  # small changes keep their terms
        ("HBB c.93-2A>G", "splice_acceptor_variant"),
        ("HBB c.93-10_97del", "splice_acceptor_variant"),  # crosses, does not contain, exon 2
    ],
)
def test_small_changes_are_not_exon_loss(query: str, primary: str) -> None:
    c = interpret_variant(query).consequence
    assert c.primary == primary and c.exons_lost == ()


def test_severity_order() -> None:
    order = list(SEVERITY)
    assert order[:3] == ["transcript_ablation", "exon_loss_variant", "splice_acceptor_variant"]


def test_whole_gene_duplication_is_transcript_amplification() -> None:
    c = interpret_variant("HBB g.62000_64000dup").consequence
    assert c.terms == ("transcript_amplification",)  # not "downstream gene variant"
    assert c.exons_duplicated == (1, 2, 3) and c.protein is None


def test_exon_duplication() -> None:
    c = interpret_variant("HBB c.93-30_315+30dup").consequence
    assert c.primary == "feature_elongation" and c.label == "exon duplication"
    assert c.exons_duplicated == (2,)
    assert c.protein is not None and c.protein.hgvs == "p.?"


def test_small_duplications_unchanged() -> None:
    assert interpret_variant("HBB c.20dup").consequence.primary == "frameshift_variant"
    assert interpret_variant("HBB c.21_22insGAG").consequence.exons_duplicated == ()
