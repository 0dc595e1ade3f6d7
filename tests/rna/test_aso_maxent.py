"""MaxEntScan splice-site scores (vivo.rna.aso_maxent) against the published scorer.

Expected values: output of the original MaxEntScan Perl scorers (score5.pl / score3.pl, Yeo &
Burge 2004, as distributed in the kepbod/maxentpy mirror, commit b5e69aa) run on these sequences
(2 decimals, as they print). The same comparison on 1,202 donors and 1,201 acceptors (random
sequences, random sites with GT/AG, the distributed test files) gave no difference at 2
decimals (docs/models/aso.md).
"""

from __future__ import annotations

import pytest

from vivo.core.coords import Interval
from vivo.core.errors import DataError, InputError
from vivo.rna import aso, aso_maxent
from vivo.rna.transcript import bundled_transcript

DONORS = [("GGAgtaagt", 8.57), ("AAGgtatga", 9.11), ("cagGTAAGT", 10.86), ("acggtaagt", 11.81),
          ("TTTGTAAGT", 7.40)]  # fmt: skip
ACCEPTORS = [("ttcctttattttccttacagGGT", 10.92), ("aaaaacccaaaatattttagCTC", 3.73),
             ("ttccaaacgaacttttgtAGgga", 2.89), ("ctctactactatctatctagatc", 6.71)]  # fmt: skip


@pytest.mark.parametrize(("seq", "expected"), DONORS)
def test_score5_equals_the_published_scorer(seq: str, expected: float) -> None:
    assert round(aso_maxent.score5(seq), 2) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(("seq", "expected"), ACCEPTORS)
def test_score3_equals_the_published_scorer(seq: str, expected: float) -> None:
    assert round(aso_maxent.score3(seq), 2) == pytest.approx(expected, abs=1e-9)


def test_rna_letters_score_like_dna() -> None:
    assert aso_maxent.score5("CAGGUAAGU") == aso_maxent.score5("CAGGTAAGT")


@pytest.mark.parametrize(
    ("fn", "seq"),
    [(aso_maxent.score5, "CAGGTAAG"), (aso_maxent.score5, "CAGGTNAGT"),
     (aso_maxent.score3, "TTCCAAACGAACTTTTGTAGGG"), (aso_maxent.score3, "X" * 23)],
)  # fmt: skip
def test_bad_sites_are_input_errors(fn: object, seq: str) -> None:
    with pytest.raises(InputError):
        fn(seq)  # type: ignore[operator]


GOLDEN_EXONS = [("SMN2-exon7", 7, (10.92, 8.57)), ("DMD-exon51", 51, (3.73, 9.11))]


def test_exon_sites_of_the_golden_records() -> None:
    for name, exon, expected in GOLDEN_EXONS:
        tx = bundled_transcript(name)
        acc, don = aso_maxent.exon_site_strengths(tx.pre_mrna, aso._exon_in_pre(tx, exon))
        assert acc is not None and don is not None
        assert (round(acc, 2), round(don, 2)) == expected
        result = aso.design_splice_switching(tx, exon=exon, mode="skip", length=20, top=1)
        assert any(f"acceptor {expected[0]:.2f} bits" in n for n in result.notes)
        assert aso_maxent.MAXENT_INFO in result.models


def test_windows_off_the_sequence_are_none() -> None:
    pre = "ACGT" * 10
    assert aso_maxent.exon_site_strengths(pre, Interval(5, 38)) == (None, None)
    assert aso_maxent.exon_site_strengths("N" * 20 + "AGGGTAAGT" + "A" * 10,
                                          Interval(20, 23))[0] is None  # fmt: skip


def test_altered_tables_are_a_data_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aso_maxent, "_SHA256", "0" * 64)
    aso_maxent._tables.cache_clear()
    try:
        with pytest.raises(DataError):
            aso_maxent.score5("CAGGTAAGT")
    finally:
        monkeypatch.undo()
        aso_maxent._tables.cache_clear()
    assert round(aso_maxent.score5("CAGGTAAGT"), 2) == 10.86
