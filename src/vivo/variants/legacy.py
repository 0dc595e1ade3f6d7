"""Legacy protein numbering used in the clinic for some genes.

HGVS numbers amino acids from the initiator Met (p.1). Older literature numbers the
*mature* protein instead: the globin chains lose their initiator Met, so the sickle
mutation HBB p.Glu7Val is the classical "Glu6Val" (β6); factor IX is numbered after its
28-aa signal peptide and 18-aa propeptide are removed, so FIX Padua p.Arg384Leu is "R338L".

Sources: HGVS recommendations (den Dunnen et al. 2016, Hum Mutat 37:564, "legacy" numbering);
HbVar database conventions (Giardine et al. 2014, Nucleic Acids Res 42:D1063); Simioni et al.
2009, N Engl J Med 361:1671 (FIX Padua R338L); UniProt P00740 (F9 signal 1-28, propeptide
29-46); UniProt P00451 (F8 signal peptide 1-19).
"""

from __future__ import annotations

from typing import Final

__all__ = ["LEGACY_OFFSETS", "legacy_offset"]

#: gene → (amino acids removed before the legacy position 1, what the legacy numbering is)
LEGACY_OFFSETS: Final[dict[str, tuple[int, str]]] = {
    "HBB": (1, "classical globin numbering, without the initiator Met"),
    "HBD": (1, "classical globin numbering, without the initiator Met"),
    "HBG1": (1, "classical globin numbering, without the initiator Met"),
    "HBG2": (1, "classical globin numbering, without the initiator Met"),
    "HBE1": (1, "classical globin numbering, without the initiator Met"),
    "HBA1": (1, "classical globin numbering, without the initiator Met"),
    "HBA2": (1, "classical globin numbering, without the initiator Met"),
    "F9": (46, "mature factor IX numbering (28-aa signal peptide and 18-aa propeptide removed)"),
    "F8": (19, "mature factor VIII numbering (19-aa signal peptide removed)"),
}


def legacy_offset(gene: str) -> tuple[int, str] | None:
    """The legacy numbering offset of ``gene``, or ``None`` if it has none."""
    return LEGACY_OFFSETS.get(gene.upper())
