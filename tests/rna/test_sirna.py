"""vivo.rna.sirna, sirna_rules and thermo: published rules, NN thermodynamics, golden ADA design."""

from __future__ import annotations

import importlib.util
import random

import pytest

from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement
from vivo.rna.sirna import design_sirnas, immune_motifs, propose_chemistry
from vivo.rna.sirna_rules import amarzguioui_score, reynolds_score, ui_tei_class
from vivo.rna.thermo import duplex_dg37, end_asymmetry
from vivo.rna.transcript import bundled_transcript, transcript_from_sequence

HAS_VIENNA = importlib.util.find_spec("RNA") is not None


# Hand-computed from the published criteria (docs/models/sirna.md, validation table).
@pytest.mark.parametrize(
    ("sense", "without_iii", "au_15_19", "gc"),
    [
        # positions: A3 yes, U10 no, G13 yes(-1), A19 yes; GC 7/19; A/U at 15-19 = 4
        ("GGAUCAUCUCAAGUCUUAA", 6, 4, 36.8),
        # GC 13/19 = 68 % (no point); G at 19 (-1); A3 no; U10 yes; G13 (-1); A/U 15-19 = 2
        ("GCGCGCAUGUCCGUAGCUG", 1, 2, 68.4),
        # all A/U: GC 0 % (no point); A3, U10 no (A), A19, 5 A/U at 15-19
        ("AUAUAUAUAAAUAUAUAUA", 7, 5, 0.0),
    ],
)
def test_reynolds_criteria(sense: str, without_iii: int, au_15_19: int, gc: float) -> None:
    r = reynolds_score(sense)
    assert r.au_15_19 == au_15_19 and r.gc_percent == gc
    assert r.score - int(bool(r.hairpin_free)) == without_iii


@pytest.mark.skipif(not HAS_VIENNA, reason="ViennaRNA is not installed")
def test_reynolds_internal_repeat_uses_a_20c_hairpin() -> None:
    # a perfect 7-bp stem with a 5-nt loop is stable at 20 °C; a poly-A/U-free random one is not
    assert reynolds_score("GGGCGCCAAAAGGCGCCCA").hairpin_free is False
    assert reynolds_score("AUAUAUAUAAAUAUAUAUA").hairpin_free in (True, False)


def test_ui_tei_and_amarzguioui() -> None:
    u = ui_tei_class("GGAUCAUCUCAAGUCUUAA")
    assert (u.au_antisense_5p, u.gc_sense_5p, u.au_antisense_seed7, u.class_i) == (
        True, True, 5, True)  # fmt: skip
    assert not ui_tei_class("AGAUCAUCUCAAGUCUUAA").class_i  # A/U at the sense 5' end
    assert not ui_tei_class("GGGGGGGGGGCAGUCUUAA").class_i  # 10-nt G/C stretch
    a = amarzguioui_score("GGAUCAUCUCAAGUCUUAA")
    # A/U 17-19 (U,A,A)=3 minus A/U 1-3 (G,G,A)=1 -> 2; S1 +1, A6 +1, W19 +1
    assert a.au_differential == 2 and a.score == 5
    # A/U 17-19 (U,A,G)=2 minus A/U 1-3 (U,G,A)=2 -> 0; no S1, A6, W19; U1 -1; G19 -1
    assert amarzguioui_score("UGAUCCUCUCAAGUCUUAG").score == -2
    with pytest.raises(InputError, match="19-nt"):
        reynolds_score("ACGU")


@pytest.mark.skipif(not HAS_VIENNA, reason="ViennaRNA is not installed")
def test_nearest_neighbour_duplex_matches_vienna() -> None:
    """Xia 1998 sums agree with ViennaRNA's Turner 2004 duplex energies (0.1-kcal rounding)."""
    import RNA

    md = RNA.md()
    md.dangles = 0
    rnd = random.Random(3)
    for _ in range(20):
        s = "".join(rnd.choice("ACGU") for _ in range(19))
        comp = reverse_complement(s.replace("U", "T")).replace("T", "U")
        _, e = RNA.fold_compound(s + "&" + comp, md).mfe_dimer()
        assert duplex_dg37(s) == pytest.approx(e, abs=0.4)


def test_end_asymmetry_sign() -> None:
    # sense 5' end G/C-rich, 3' end (guide 5' end) A/U-rich: guide end less stable -> positive
    g, s, diff = end_asymmetry("GCGGCAUCUCAAGUAUUAA")
    assert g > s and diff > 0
    assert end_asymmetry("AUUAAAUCUCAAGUCGCGG")[2] < 0


def test_immune_motifs_and_chemistry() -> None:
    assert immune_motifs("AAGUCCUUCAAGG") == ("GUCCUUCAA",)
    assert immune_motifs("ACUGUGUAA", "CCCC") == ("UGUGU",)
    chem = propose_chemistry(tissue="liver")
    assert len(chem.sense) == len(chem.antisense) == 21
    # in the paired region a 2'-F of one strand faces a 2'-OMe of the other (Allerson 2005)
    for k in range(1, 20):
        assert chem.sense[k - 1] != chem.antisense[19 - k]
    assert "GalNAc" in chem.conjugate and chem.antisense_ps == (1, 2, 19, 20)
    assert propose_chemistry(tissue="other").conjugate == "none"


def test_golden_ada_sirnas_pass_rules_and_offtargets() -> None:
    tx = bundled_transcript("ADA")
    design = design_sirnas(tx, region="cds", top=5)
    assert len(design.duplexes) == 5 and design.candidates == 1092 - 18
    cds = tx.region_interval("cds")
    for d in design.duplexes:
        assert d.passes_rules and d.passes_offtargets
        assert cds.start <= d.start and d.start + 19 <= cds.end
        # the guide pairs with the mRNA: its first 19 nt are the reverse complement of the site
        site = tx.mrna[d.start : d.start + 19]
        assert d.guide[:19] == reverse_complement(site).replace("T", "U")
        assert d.passenger[:19] == site.replace("T", "U") and len(d.guide) == 21
        assert d.guide.endswith("UU") and not d.snps
    assert not design.transcriptome_complete and design.notes
    assert [d.rank for d in design.duplexes] == [1, 2, 3, 4, 5]


def test_snps_rank_last_and_offtargets_fail_in_a_paralogue() -> None:
    tx = bundled_transcript("ADA")
    best = design_sirnas(tx, top=1).duplexes[0]
    snp = design_sirnas(tx, top=3, snp_positions=[best.start + 5])
    assert all(d.start != best.start for d in snp.duplexes)
    # a transcriptome holding a 1-mismatch copy of the best site in another gene
    from vivo.rna.offtargets import Transcriptome

    site = tx.mrna[best.start : best.start + 19]
    copy = site[:9] + ("A" if site[9] != "A" else "C") + site[10:]
    tm = Transcriptome(
        (tx.transcript_id, "PARA-201"), ("ADA", "PARA"),
        (tx.mrna, "GGG" + copy + "CCCATGAAATAA" * 3), ((128, 1220), None), source="test",
    )  # fmt: skip
    assert design_sirnas(tx, top=1, transcriptome=tm).duplexes[0].start != best.start
    # a short piece around the site: every candidate is returned, the flagged one ranks last
    piece = transcript_from_sequence("piece", tx.mrna[best.start - 5 : best.start + 24], gene="ADA")
    d = design_sirnas(piece, region="any", top=11, transcriptome=tm)
    (hit,) = [x for x in d.duplexes if x.start == 5]
    assert hit.passes_offtargets is False and hit.offtargets is not None
    assert (hit.offtargets.near_sites[0].name, hit.offtargets.near_sites[0].mismatches) == (
        "PARA-201", 1)  # fmt: skip
    flags = [bool(x.passes_offtargets) for x in d.duplexes]
    assert flags == sorted(flags, reverse=True)  # every passing duplex before every failing one


def test_bad_input() -> None:
    tx = bundled_transcript("ADA")
    with pytest.raises(InputError, match="out of range"):
        design_sirnas(tx, top=0)
    nc = transcript_from_sequence("nc", "ACGU" * 20)
    with pytest.raises(InputError, match="no annotated CDS"):
        design_sirnas(nc, region="3utr")
    short = transcript_from_sequence("s", "ACGUACGUAC")
    with pytest.raises(InputError, match="needs a 19-nt site"):
        design_sirnas(short, region="any")
    with pytest.raises(InputError, match="tissue"):
        propose_chemistry(tissue="brain")  # type: ignore[arg-type]
