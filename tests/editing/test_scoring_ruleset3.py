"""Rule Set 3 (optional rs3 extra): README values when installed, install hint when not."""

from __future__ import annotations

import pytest

from vivo.core.errors import DataError
from vivo.editing.guides import find_guides
from vivo.editing.scoring import default_models, ruleset3, score_guides
from vivo.genome.base import InMemoryGenome

README_SEQS = ["GACGAAAGCGACAACGCGTTCATCCGGGCA", "AGAAAACACTAGCATCCCCACCCGCGGACT"]
# gpp-rnd/rs3 README: predict_seq(..., 'Hsu2013') -> [-0.90030944, 1.11451622]
README_HSU2013 = [-0.90030944, 1.11451622]

installed = pytest.mark.skipif(not ruleset3.is_available(), reason='needs pip install "vivo[rs3]"')
absent = pytest.mark.skipif(ruleset3.is_available(), reason="rs3 extra is installed")


@installed
def test_readme_values() -> None:
    got = ruleset3.score_sequences(README_SEQS, tracr="Hsu2013")
    assert got == pytest.approx(README_HSU2013, abs=1e-6)
    assert "ruleset3" in default_models("SpCas9")


@installed
def test_tracr_changes_the_prediction_and_guides_get_scores() -> None:
    hsu = ruleset3.score_sequences(README_SEQS, tracr="Hsu2013")
    chen = ruleset3.score_sequences(README_SEQS, tracr="Chen2013")
    assert abs(hsu[0] - chen[0]) > 1e-3
    genome = InMemoryGenome({"c": README_SEQS[0]})
    scored = score_guides(find_guides(genome, "c"), ["ruleset3"])
    full = [g for g in scored if g.spacer == README_SEQS[0][4:24]]
    assert full[0].score("ruleset3") == pytest.approx(README_HSU2013[0], abs=1e-6)


@absent
def test_absent_extra_says_how_to_install() -> None:
    assert "ruleset3" not in default_models("SpCas9")
    with pytest.raises(DataError, match=r"pip install \"vivo\[rs3\]\""):
        ruleset3.score_sequences(README_SEQS)
    genome = InMemoryGenome({"c": README_SEQS[0]})
    with pytest.raises(DataError, match="not installed"):
        score_guides(find_guides(genome, "c"), ["ruleset3"])
