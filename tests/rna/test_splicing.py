"""Splice-regulatory element models: bundled tables, their checks and window sums."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vivo.core.errors import DataError
from vivo.rna import splicing


def test_esrseq_table_has_every_hexamer_and_published_sign_counts() -> None:
    table = splicing._esrseq_table()
    assert table.shape == (4096,)
    # counts of enhancers / silencers / neutral hexamers in the bundled Ke 2011 table
    assert (int((table > 0).sum()), int((table < 0).sum())) == (1182, 1090)


def test_esrseq_values_from_the_table() -> None:
    # spot values of Ke 2011 (as bundled): AGAAGA strongest purine-rich enhancer, AGGTAG a silencer
    assert esr("AGAAGA") == pytest.approx(1.033911)
    assert esr("AGGTAG") == pytest.approx(-0.8712536)
    assert esr("AAAAAA") == 0.0


def esr(hexamer: str) -> float:
    return float(splicing.esrseq_scores(hexamer)[0])


def test_rna_letters_and_lowercase_are_accepted_and_n_scores_zero() -> None:
    assert esr("agaaga") == esr("AGAAGA") == esr("AGAAGA".replace("T", "U"))
    assert splicing.esrseq_scores("AGNAGA").tolist() == [0.0]
    assert splicing.esrseq_scores("AGA").size == 0


def test_fas_hex3_has_103_silencers() -> None:
    table = splicing._fas_table()
    assert int(table.sum()) == 103
    assert splicing.fas_ess_mask("TTAGGGTTAGGG").sum() >= 2  # TTAGGG is FAS-hex3
    assert not splicing.fas_ess_mask("GAAGAA").any()


def test_esefinder_matrices_and_thresholds() -> None:
    mats = splicing._sr_matrices()
    assert list(mats) == list(splicing.SR_PROTEINS)
    assert [mats[p][1] for p in splicing.SR_PROTEINS] == [1.956, 2.383, 2.67, 2.676]
    assert [mats[p][0].shape[1] for p in splicing.SR_PROTEINS] == [7, 8, 7, 6]


def test_sr_site_scores_are_sums_of_matrix_entries() -> None:
    # SF2/ASF consensus from its matrix: best base per column = C A C A C G A -> 6.59
    sites = splicing.sr_protein_sites("CACACGA")
    sf2 = [s for s in sites if s.protein == "SF2/ASF"]
    assert len(sf2) == 1
    assert sf2[0].score == pytest.approx(1.37 + 0.62 + 0.73 + 1.32 + 0.94 + 0.99 + 0.62)
    assert sf2[0].margin == pytest.approx(sf2[0].score - 1.956)


def brute_window(seq: str, start: int, end: int) -> tuple[float, float, int]:
    enh = sil = 0.0
    fas = 0
    for i in range(start, end - 5):
        value = esr(seq[i : i + 6])
        enh += max(value, 0.0)
        sil += max(-value, 0.0)
        fas += int(splicing.fas_ess_mask(seq[i : i + 6])[0])
    return enh, sil, fas


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="ACGT", min_size=6, max_size=60), st.data())
def test_window_sums_match_brute_force(seq: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(seq) - 6))
    end = data.draw(st.integers(start + 6, len(seq)))
    got = splicing.element_track(seq).window(start, end)
    enh, sil, fas = brute_window(seq, start, end)
    assert got.enhancer == pytest.approx(enh)
    assert got.silencer == pytest.approx(sil)
    assert got.fas_ess == fas


def test_sr_sites_restricted_to_an_interval() -> None:
    track = splicing.element_track("TTTTCACACGATTTT")
    assert track.window(0, 15).sr_sites >= 1
    assert track.window(0, 15, sr_within=(0, 6)).sr_sites == 0


def test_corrupt_table_is_a_data_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(splicing._SHA256, "fas_hex3_wang2004.txt", "0" * 64)
    with pytest.raises(DataError, match="sha256"):
        splicing._read("fas_hex3_wang2004.txt")


def test_all_hexamers_vectorised_equals_table_order() -> None:
    seqs = ["".join(p) for p in itertools.product("ACGT", repeat=6)][:50]
    got = np.array([esr(s) for s in seqs])
    assert np.array_equal(got, splicing._esrseq_table()[:50])
