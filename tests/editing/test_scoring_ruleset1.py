"""Rule Set 1: published values and an independent re-computation from the table."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vivo.core.errors import InputError
from vivo.editing.scoring import ruleset1

from ._reference_scores import ruleset1 as reference

# Doench 2014 implementation values, as doctests of CRISPOR's doenchScore.py
# (maximilianh/crisporWebsite) and FlashFry's ScoreHitTest; crisprScore test-ruleset1.R (3 dp).
PUBLISHED = [
    ("TATAGCTGCGATCTGAGGTAGGGAGGGACC", 0.713089368437, 1e-6),
    ("TCCGCACCTGTCACGGTCGGGGCTTGGCGC", 0.0189838463593, 1e-6),
    ("ACCTATCGATGCTGATGCTAGATAAGGTTG", 0.144, 5e-4),
]


@pytest.mark.parametrize(("seq", "expected", "tol"), PUBLISHED)
def test_published_values(seq: str, expected: float, tol: float) -> None:
    assert ruleset1.score_sequences([seq])[0] == pytest.approx(expected, abs=tol)


def _thirty(draw_seq: str) -> str:
    return draw_seq[:25] + "GG" + draw_seq[25:28]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ACGT", min_size=28, max_size=28), min_size=1, max_size=20))
def test_matches_independent_reference(raw: list[str]) -> None:
    seqs = [_thirty(s) for s in raw]
    got = ruleset1.score_sequences(seqs)
    assert got == pytest.approx([reference(s) for s in seqs], abs=1e-9)


def test_unscorable_and_bad_length() -> None:
    base = PUBLISHED[0][0]
    out = ruleset1.score_sequences([base[:28] + "N" + base[29:], base[:25] + "CC" + base[27:]])
    assert np.isnan(out).all()  # N in the 30-mer; no GG PAM
    with pytest.raises(InputError, match="30-mers"):
        ruleset1.score_sequences(["ACGT"])
    assert ruleset1.score_sequences([]).shape == (0,)
    assert ruleset1.MODEL_INFO.citation.doi == "10.1038/nbt.3026"
    assert not math.isnan(ruleset1.score_sequences(["tatagctgcgatctgaggtagggagggacc"])[0])
