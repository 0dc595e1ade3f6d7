"""Golden values: CFD (CRISPOR calcCfdScore docstrings, crisprScore tests) and MIT (Hsu 2013)."""

from __future__ import annotations

import numpy as np
import pytest

from vivo.core.errors import InputError
from vivo.editing.offtarget.cfd import cfd_score
from vivo.editing.offtarget.mit import mit_hit_score
from vivo.editing.offtarget.specificity import aggregate_specificity


@pytest.mark.parametrize(
    ("guide", "site", "expected"),
    [
        ("GGGGGGGGGGGGGGGGGGGGGGG", "GGGGGGGGGGGGGGGGGAAAGGG", 0.4635989007074176),
        ("GGGGGGGGGGGGGGGGGGGGGGG", "aaaaGaGaGGGGGGGGGGGGGGG", 0.5140384614450001),
        ("ATGGTCGGACTCCCTGCCAGAGG", "ATGGTGGGACTCCCTGCCAGAGG", 0.5),
        ("ATGGTCGGACTCCCTGCCAGAGG", "ATGATCCAAATCCCTGCCAGAGG", 0.53625000020625),
        ("ATGTGGAGATTGCCACCTACCGG", "ATCTGGAGATTGCCACCTACAGG", 0.384615385),
    ],
)
def test_cfd_published_vectors(guide: str, site: str, expected: float) -> None:
    site = site.upper()
    assert cfd_score(guide[:20], site[:20], site[20:]) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("pam", "weight"), [("AGG", 1.0), ("CAG", 0.259259259), ("TGA", 0.069444444), ("GTT", 0.0)]
)
def test_cfd_pam_weights(pam: str, weight: float) -> None:
    g = "ACGTACGTACGTACGTACGT"
    assert cfd_score(g, g, pam) == pytest.approx(weight, abs=1e-9)


def test_mit_published_vectors() -> None:
    a = "A" * 20
    assert mit_hit_score(a, a) == pytest.approx(100.0)
    assert mit_hit_score(a, "A" * 19 + "C") == pytest.approx(41.7, abs=1e-9)
    assert mit_hit_score(a, "C" + "A" * 19) == pytest.approx(100.0)
    got = mit_hit_score("ATGGTCGGACTCCCTGCCAG", "ATGATCCAAATCCCTGCCAG")
    assert got == pytest.approx(0.8586, abs=5e-5)


def test_scores_reject_bad_lengths() -> None:
    with pytest.raises(InputError):
        cfd_score("ACGT", "ACGT", "AGG")
    with pytest.raises(InputError):
        mit_hit_score("A" * 19, "A" * 20)


def test_aggregate_specificity_formulas() -> None:
    s = aggregate_specificity(np.array([0.2, 0.3, np.nan]), np.array([10.0, 15.0, np.nan]))
    assert s.cfd_specificity == pytest.approx(1 / 1.5)
    assert s.mit_specificity == pytest.approx(100 * 100 / 125)
    assert s.scored_offtargets == 2
    assert aggregate_specificity(np.array([]), np.array([])).mit_specificity == 100.0
