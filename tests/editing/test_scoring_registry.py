"""score_guides: model choice per nuclease, Cas12a never silently Cas9-scored, folding."""

from __future__ import annotations

import pytest

from vivo.core.errors import InputError
from vivo.editing.guides import find_guides
from vivo.editing.nucleases import custom_nuclease
from vivo.editing.scoring import MODELS, default_models, folding, score_guides
from vivo.genome.base import InMemoryGenome

SEQ = "TATAGCTGCGATCTGAGGTAGGGAGGGACCTTTACGTACGTACGTACGTACGTACGGGCC"


def test_every_model_has_model_info_with_citation() -> None:
    for model in MODELS.values():
        assert model.info.citation.year > 2000 and model.info.input_contract


def test_cas12a_guides_are_unscored_not_cas9_scored() -> None:
    genome = InMemoryGenome({"c": SEQ})
    guides = find_guides(genome, "c", "AsCas12a")
    assert guides and default_models("AsCas12a") == []
    scored = score_guides(guides)
    assert all(g.scores == () and "unscored" in g.flags for g in scored)
    with pytest.raises(InputError, match="SpCas9 model"):
        score_guides(guides, ["ruleset1"])


def test_unknown_model_and_non_20nt_guides() -> None:
    genome = InMemoryGenome({"c": SEQ})
    with pytest.raises(InputError, match="unknown score model"):
        score_guides(find_guides(genome, "c"), ["azimuth"])
    long = score_guides(find_guides(genome, "c", spacer_length=21), ["ruleset1"])
    assert all(g.score("ruleset1") is None for g in long)
    custom = custom_nuclease(name="mine", pam="NGG", pam_side="3prime", spacer_length=20)
    mine = score_guides(find_guides(genome, "c", custom), nuclease=custom)
    assert any(g.score("ruleset1") is not None for g in mine)


@pytest.mark.skipif(not folding.is_available(), reason="needs ViennaRNA")
def test_folding_mfe_hairpin_is_negative() -> None:
    hairpin, flat = "GGGGCCCCAAAAGGGGCCCC", "AAAAAAAAAAAAAAAAAAAA"
    mfe = folding.mfe_kcal_per_mol([hairpin, flat, "ACGN"])
    assert mfe[0] < -3 and mfe[1] == 0.0 and mfe[2] != mfe[2]
