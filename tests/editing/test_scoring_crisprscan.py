"""CRISPRscan: crisprScore's published test values and an independent re-computation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vivo.core.errors import InputError
from vivo.editing.scoring import crisprscan

from ._reference_scores import crisprscan as reference

# crisprScore tests/testthat/test-crisprscan.R: values rounded to 3 decimals.
PUBLISHED = [
    ("CCCCCCCCCCCTGCTGATGCTAGATAAGGTTGTGA", 0.531),
    ("GGACCTATCGATGCTGATGCTAGATATGGTTGTGA", 0.531),
    ("GGAAAAAAAAAAACTGATGCTAGATACGGTTGTGA", 0.45),
    ("GGACCTATCGATGCTCGTGCTGGGTACGGTTGTGA", 0.712),
    ("GCCCCCCTCGATGCTGATGCTAGATAGGGCACACA", 0.618),
]


def test_published_values() -> None:
    got = crisprscan.score_sequences([s for s, _ in PUBLISHED])
    assert np.round(got, 3).tolist() == [v for _, v in PUBLISHED]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ACGT", min_size=33, max_size=33), min_size=1, max_size=20))
def test_matches_independent_reference(raw: list[str]) -> None:
    seqs = [s[:27] + "GG" + s[27:] for s in raw]
    got = crisprscan.score_sequences(seqs)
    assert got == pytest.approx([reference(s) for s in seqs], abs=1e-9)


def test_linear_scale_and_errors() -> None:
    assert "linear" in crisprscan.MODEL_INFO.notes
    with pytest.raises(InputError, match="35-mers"):
        crisprscan.score_sequences(["ACGT" * 5])
    assert np.isnan(crisprscan.score_sequences(["N" * 35]))[0]
