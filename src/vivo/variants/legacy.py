"""Legacy protein numbering used in the clinic for some genes.

HGVS numbers amino acids from the initiator Met (p.1). Older literature numbers the
*mature* protein instead: the globin chains lose their initiator Met, so the sickle
mutation HBB p.Glu7Val is the classical "Glu6Val" (β6); factor IX is numbered after its
28-aa signal peptide and 18-aa propeptide are removed, so FIX Padua p.Arg384Leu is "R338L".

Sources: HGVS recommendations (den Dunnen et al. 2016, Hum Mutat 37:564, "legacy" numbering);
HbVar database conventions (Giardine et al. 2014, Nucleic Acids Res 42:D1063); Simioni et al.
2009, N Engl J Med 361:1671 (FIX Padua R338L); UniProt P00740 (F9 signal 1-28, propeptide
29-46); UniProt P00451 (F8 signal peptide 1-19).

Only residue positions are renumbered. The distance to a new stop codon in a frameshift
(``fsTer19``) or a stop-loss extension (``extTer22``) counts codons from the first changed
residue, so it is the same in either numbering and is kept as it is: HBB
``p.Phe42LeufsTer19`` (c.126_129delCTTT, codons 41/42) is legacy ``Phe41LeufsTer19`` (HGVS
recommendations, den Dunnen et al. 2016, "fs" and "ext" descriptions; HbVar lists codons
41/42 -CTTT as a frameshift at β41/42).
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["LEGACY_OFFSETS", "legacy_offset", "to_legacy"]

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


#: a residue and its position: a three-letter amino acid (or Ter) followed by digits, not
#: the ``Ter`` of a frameshift's or extension's stop distance (``fsTer19``, ``extTer22``)
_RESIDUE = re.compile(r"(?<!fs)(?<!ext)([A-Z][a-z]{2})(\d+)")


def to_legacy(body: str, offset: int) -> str:
    """Renumber the residue positions of an HGVS protein description body by ``-offset``.

    ``body`` is the three-letter description without ``p.`` (``"Glu7Val"``,
    ``"Phe42LeufsTer19"``, ``"Ter148GlnextTer22"``, ``"Val99_Gly101del"``). Stop
    distances after ``fs`` / ``ext`` are not positions and stay unchanged.

    >>> to_legacy("Glu7Val", 1)
    'Glu6Val'
    >>> to_legacy("Phe42LeufsTer19", 1)
    'Phe41LeufsTer19'
    >>> to_legacy("Ter148GlnextTer22", 1)
    'Ter147GlnextTer22'
    >>> to_legacy("Arg384Leu", 46)
    'Arg338Leu'
    """
    return _RESIDUE.sub(lambda m: f"{m.group(1)}{int(m.group(2)) - offset}", body)
