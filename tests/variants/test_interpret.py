"""Variant interpretation on the bundled beta-globin locus: golden descriptions.

Expected HGVS strings are the published/ClinVar descriptions of well-known HBB variants
(NM_000518.5, which matches U01317.1 over the HBB transcript): HbS c.20A>T p.Glu7Val;
IVS1-1 c.92+1G>A; IVS1-110 c.93-21G>A; codons 41/42 c.126_129delCTTT p.Phe42LeufsTer19;
-28 promoter c.-78A>G; codon 39 c.118C>T p.Gln40Ter (beta0 thalassemia); HbC c.19G>A p.Glu7Lys;
HbE c.79G>A p.Glu27Lys; initiation codon c.2T>C p.Met1?.
"""

from __future__ import annotations

import pytest

from vivo.core.errors import InputError
from vivo.variants.interpret import interpret_variant


def test_sickle_mutation() -> None:
    r = interpret_variant("HBB c.20A>T")
    p = r.consequence.protein
    assert r.hgvs_c == "HBB:c.20A>T"
    assert r.hgvs_g == "U01317.1:g.62206A>T"  # the record's own "a in normal, t in sickle" site
    assert r.consequence.label == "missense"
    assert p is not None
    assert (p.hgvs, p.short, p.legacy, p.codon_change) == (
        "p.Glu7Val",
        "p.E7V",
        "Glu6Val",
        "GAG>GTG",
    )
    assert "initiator Met" in (p.legacy_note or "")
    assert "matches" in r.reference_check


def test_both_spellings_agree() -> None:
    assert (
        interpret_variant("HBB:c.20A>T").to_dict()["protein"]
        == interpret_variant("HBB c.20A>T").to_dict()["protein"]
    )
    assert interpret_variant("c.20A>T", gene="HBB").hgvs_c == "HBB:c.20A>T"


@pytest.mark.parametrize(
    ("query", "hgvs_c", "label", "protein"),
    [
        ("HBB c.19G>A", "HBB:c.19G>A", "missense", "p.Glu7Lys"),  # HbC
        ("HBB c.79G>A", "HBB:c.79G>A", "missense", "p.Glu27Lys"),  # HbE
        ("HBB c.118C>T", "HBB:c.118C>T", "nonsense", "p.Gln40Ter"),  # codon 39 (legacy)
        ("HBB c.126_129delCTTT", "HBB:c.126_129del", "frameshift", "p.Phe42LeufsTer19"),
        ("HBB c.92+1G>A", "HBB:c.92+1G>A", "splice donor", "p.?"),
        ("HBB c.93-21G>A", "HBB:c.93-21G>A", "intronic", None),  # IVS1-110
        ("HBB c.-78A>G", "HBB:c.-78A>G", "upstream", None),  # TATA box -28
        ("HBB c.2T>C", "HBB:c.2T>C", "start loss", "p.Met1?"),
        ("HBB c.9C>T", "HBB:c.9C>T", "synonymous", "p.His3="),
        ("HBB c.*110T>C", "HBB:c.*110T>C", "3' UTR", None),
        ("HBB c.-20A>G", "HBB:c.-20A>G", "5' UTR", None),
        ("HBB c.92+5G>C", "HBB:c.92+5G>C", "splice region", None),  # IVS1-5
        ("HBB c.20dup", "HBB:c.20dup", "frameshift", "p.Glu8GlyfsTer16"),
        ("HBB c.442T>C", "HBB:c.442T>C", "stop loss", "p.Ter148GlnextTer22"),
    ],
)
def test_known_hbb_variants(query: str, hgvs_c: str, label: str, protein: str | None) -> None:
    r = interpret_variant(query)
    assert r.hgvs_c == hgvs_c
    assert r.consequence.label == label
    got = r.consequence.protein.hgvs if r.consequence.protein else None
    assert got == protein


def test_normalization_shifts_3prime() -> None:
    # c.19_21 and c.22_24 are both GAG: deleting the first GAG is described at the 3' copy
    r = interpret_variant("HBB c.19_21del")
    assert r.hgvs_c == "HBB:c.22_24del"
    assert r.consequence.protein is not None
    assert r.consequence.protein.hgvs == "p.Glu8del"
    # an insertion copying the preceding bases is a duplication
    assert interpret_variant("HBB c.21_22insGAG").hgvs_c == "HBB:c.22_24dup"
    assert interpret_variant("HBB c.21_22insGAG").consequence.protein.hgvs == "p.Glu8dup"


def test_wrong_reference_base_names_the_real_one() -> None:
    with pytest.raises(InputError, match=r"reference base at U01317.1:62206 is A, not C"):
        interpret_variant("HBB c.20C>T")
    with pytest.raises(InputError, match="are CTTT, not CTTA"):
        interpret_variant("HBB c.126_129delCTTA")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("HBB c.445A>T", r"past the end of the CDS of HBB \(444 nt"),
        ("HBB c.*200del", r"past the end of transcript .*c\.\*132"),
        ("HBB c.93+1G>A", "is not intronic"),
        ("HBZZ c.20A>T", "unknown gene 'HBZZ'.*did you mean"),
        ("c.20A>T", "names no gene"),
        ("HBB c.20_22insA", "two adjacent positions"),
        ("HBB g.80000A>T", "past the end of U01317.1"),
    ],
)
def test_bad_variants(query: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        interpret_variant(query)


def test_minus_strand_gene(data_dir) -> None:
    from vivo.io.genbank import read_genbank

    ag = read_genbank(data_dir / "genbank" / "toy_minus_strand.gb")
    # CDS ATG AAA GGG | TTT CCC TAA → MKGFP*; c.4A>T: AAA→TAA stop
    r = interpret_variant("TOY c.4A>T", genome=ag)
    assert r.consequence.protein.hgvs == "p.Lys2Ter"
    assert r.change.alt == "A" and r.change.ref == "T"  # plus strand
    # c.9+1 is the first intron base (G of GT)
    assert interpret_variant("TOY c.9+1G>C", genome=ag).consequence.label == "splice donor"
    # deleting one of the two A's of AAA (c.5 or c.6) shifts 3' to c.6
    assert interpret_variant("TOY c.5del", genome=ag).hgvs_c == "TOY:c.6del"
