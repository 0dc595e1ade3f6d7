"""HbVar-style legacy protein names: residue positions shift, stop distances do not.

Golden HGVS names are the ClinVar / HbVar descriptions on NM_000518.5: codons 41/42
(-CTTT) c.126_129del p.Phe42LeufsTer19; codons 22/23/24 (-AAGTTGG) c.68_74del
p.Glu23ValfsTer37, "Glu22fs when numbered from the mature protein" (HbVar ID 803, ClinVar
869360); c.371_378del p.Thr124SerfsTer14; codon 39 c.118C>T p.Gln40Ter; codons 8/9 (+G)
c.27dup; codon 8 (-AA) c.25_26del. The legacy (mature-chain) position is the HGVS position
minus one for the globins; a frameshift's ``fsTer`` N and a stop loss's ``extTer`` N count
codons from the first changed residue, so they are the same in both numberings.
"""

from __future__ import annotations

import pytest

from vivo.variants.interpret import interpret_variant
from vivo.variants.legacy import to_legacy


@pytest.mark.parametrize(
    ("query", "hgvs", "legacy"),
    [
        ("HBB c.126_129delCTTT", "p.Phe42LeufsTer19", "Phe41LeufsTer19"),  # codons 41/42
        ("HBB c.68_74delAAGTTGG", "p.Glu23ValfsTer37", "Glu22ValfsTer37"),  # codons 22-24
        ("HBB c.371_378delCCCCACCA", "p.Thr124SerfsTer14", "Thr123SerfsTer14"),
        ("HBB c.27dupG", "p.Ser10ValfsTer14", "Ser9ValfsTer14"),  # codons 8/9 (+G)
        ("HBB c.25_26delAA", "p.Lys9ValfsTer14", "Lys8ValfsTer14"),  # codon 8 (-AA)
        ("HBB c.118C>T", "p.Gln40Ter", "Gln39Ter"),  # codon 39 nonsense
        ("HBB c.20A>T", "p.Glu7Val", "Glu6Val"),  # HbS, beta6
        ("HBB c.442T>C", "p.Ter148GlnextTer22", "Ter147GlnextTer22"),  # stop loss
        ("HBB c.22_24del", "p.Glu8del", "Glu7del"),
    ],
)
def test_hbb_legacy_names(query: str, hgvs: str, legacy: str) -> None:
    p = interpret_variant(query).consequence.protein
    assert p is not None
    assert (p.hgvs, p.legacy) == (hgvs, legacy)


def test_frameshift_distance_is_kept() -> None:
    p = interpret_variant("HBB c.126_129delCTTT").consequence.protein
    assert p is not None and p.new_stop_distance == 19
    assert p.legacy is not None and p.legacy.endswith("fsTer19")


@pytest.mark.parametrize(
    ("body", "offset", "expected"),
    [
        ("Arg384Leu", 46, "Arg338Leu"),  # FIX Padua R338L
        ("Val99_Gly101del", 1, "Val98_Gly100del"),
        ("Lys17_Val18insGly", 1, "Lys16_Val17insGly"),
        ("Phe42LeufsTer?", 1, "Phe41LeufsTer?"),
        ("Ter148GlnextTer?", 1, "Ter147GlnextTer?"),
        ("Glu7=", 1, "Glu6="),
    ],
)
def test_to_legacy(body: str, offset: int, expected: str) -> None:
    assert to_legacy(body, offset) == expected
