"""DMD Dp427m exon table and the reading-frame rule of exon skipping."""

from __future__ import annotations

import pytest

from vivo.core.errors import InputError
from vivo.knowledge.exons import frame_shift, load_exon_table, skips_restoring_frame

T = load_exon_table("DMD")


def test_table_matches_the_published_anchors() -> None:
    assert T.count == 79
    assert (T.exon(1).cds_first, T.exon(1).cds_last) == (1, 31)  # 244-nt 5'UTR + c.1_31
    assert T.exon(45).cds_first == 6439 and T.exon(50).cds_last == 7309
    assert (T.exon(51).cds_first, T.exon(51).cds_last, T.exon(51).length_nt) == (7310, 7542, 233)
    assert T.exon(56).cds_last == 8390  # c.8390+1 is the exon 56 donor
    # GRCh38 exon 51 = GRCh37 chrX:31,792,077-31,792,309 of the bundled record, shifted 18,117
    assert T.exon(51).chrom_start_1based + 18117 == 31792077
    # exons 2..69 are contiguous in c. numbering
    for a, b in zip(T.exons[1:68], T.exons[2:69], strict=True):
        assert a.cds_last is not None and b.cds_first == a.cds_last + 1
    assert T.exon(70).length_nt is None  # merged with the Dp40 terminal exon in the source


@pytest.mark.parametrize(
    ("deleted", "shift", "skips"),
    [
        ((48, 49, 50), 1, ((51,),)),  # eteplirsen-amenable
        ((45, 46, 47, 48, 49, 50), 1, ((51,),)),
        ((49, 50), 1, ((51,),)),
        ((50,), 1, ((51,),)),  # exon 49 is in-frame (102 nt): skipping it does not help
        ((52,), 1, ((51,), (53,))),  # exon 51 or 53
        ((45, 46, 47, 48, 49, 50, 51, 52), 1, ((53,),)),  # golodirsen/viltolarsen-amenable
        ((46, 47), 1, ((45,),)),  # casimersen-amenable
        ((44,), 1, ((43,), (45,))),
        ((45,), 2, ((44,), (46,))),
        ((51,), 2, ((50,), (52,))),
        ((46, 47, 48, 49, 50), 2, ((45, 51),)),  # needs a double skip
        ((45, 46, 47), 0, ()),  # in-frame (Becker): nothing to restore
    ],
)
def test_frame_rule_golden_cases(
    deleted: tuple[int, ...], shift: int, skips: tuple[tuple[int, ...], ...]
) -> None:
    assert frame_shift(T, deleted) == shift
    assert skips_restoring_frame(T, deleted) == skips


def test_first_and_last_exons_are_never_skipped_and_bad_exons_are_refused() -> None:
    assert all(1 not in s for s in skips_restoring_frame(T, (2,)))
    with pytest.raises(InputError, match="exons 1-79"):
        T.exon(80)
    with pytest.raises(InputError, match="not resolved"):
        frame_shift(T, (70,))
    with pytest.raises(InputError, match="no bundled exon table"):
        load_exon_table("TTR")


def test_a_small_deletion_inside_an_out_of_frame_exon_is_skipped_with_that_exon() -> None:
    """c.7400del in exon 51 (233 nt): skipping 50+52 would leave exon 51 read in a shifted
    frame; only skips that remove exon 51 itself restore the protein (H10 review)."""
    skips = skips_restoring_frame(T, {51: 1})
    assert skips == ((50, 51), (51, 52))
    assert all(51 in s for s in skips)


def test_a_small_deletion_inside_an_in_frame_exon_skips_that_exon() -> None:
    n = next(e.number for e in T.exons[1:-1] if e.coding_nt and e.coding_nt % 3 == 0)
    assert skips_restoring_frame(T, {n: 1}) == ((n,),)


def test_a_deletion_ending_inside_two_exons_skips_both() -> None:
    # from inside exon 45 to inside exon 47: both partial exons must go
    c45, c46, c47 = (T.exon(n).coding_nt or 0 for n in (45, 46, 47))
    skips = skips_restoring_frame(T, {45: 10, 46: c46, 47: 5})
    restores = (c45 + c46 + c47) % 3 == 0  # skipping 45 and 47 removes all three exons
    assert skips == (((45, 47),) if restores else ())
