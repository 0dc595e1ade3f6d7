"""ASO chemistries (gapmer wings and gap, uniform steric blockers) and sequence-motif flags.

A chemistry says which nucleotides of an oligonucleotide carry which modification:

- **RNase H gapmers** have a central gap of DNA (phosphorothioate) that recruits RNase H1 to
  cut the target RNA, flanked by high-affinity wings (2'-MOE, LNA or cEt). 5-10-5 2'-MOE is the
  design of mipomersen and inotersen (Bennett & Swayze 2010); LNA wings of 3-4 nt around a gap
  of 7-8 DNA or more activate RNase H fully (Kurreck et al. 2002); cEt (Seth et al. 2009).
- **Steric blockers** for splice switching are modified at every position so that RNase H does
  not cut: uniform 2'-MOE phosphorothioate (nusinersen, 18-mer) or phosphorodiamidate
  morpholino oligomers, PMO (eteplirsen 30-mer, golodirsen 25, viltolarsen 21, casimersen 22);
  Havens & Hastings 2016 review both.

Motif flags (reported, and counted in the gapmer ranking):

- ``CpG``: unmethylated CpG in phosphorothioate DNA stimulates TLR9 (Krieg et al. 1995).
  Flagged for phosphorothioate chemistries (gapmers, uniform 2'-MOE), not for PMO (uncharged
  morpholino backbone). The 2'-MOE and cEt drugs use 5-methylcytosine, which lowers this risk;
  the flag stays as a reminder.
- ``G4``: runs of four G form G-quadruplexes with sequence-dependent, non-antisense effects
  (Burgess et al. 1995).
- ``TCC``/``TGC``: trinucleotides associated with hepatotoxicity of LNA gapmers in mice
  (Burdick et al. 2014); flagged for LNA and cEt wings only.

>>> get_chemistry("moe-5-10-5").pattern()
'MMMMMddddddddddMMMMM'
>>> motif_flags("ACGTGGGGTCC", get_chemistry("lna-3-10-3"))
('CpG', 'G4', 'TCC')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from vivo.core.errors import InputError
from vivo.core.provenance import Citation

__all__ = [
    "CHEMISTRIES",
    "STERIC_LENGTHS",
    "Chemistry",
    "get_chemistry",
    "motif_flags",
]

BENNETT2010 = Citation(
    key="Bennett2010",
    authors="Bennett CF, Swayze EE",
    title="RNA targeting therapeutics: molecular mechanisms of antisense oligonucleotides as a "
    "therapeutic platform",
    journal="Annu Rev Pharmacol Toxicol",
    year=2010,
    doi="10.1146/annurev.pharmtox.010909.105654",
)
KURRECK2002 = Citation(
    key="Kurreck2002",
    authors="Kurreck J, Wyszko E, Gillen C, Erdmann VA",
    title="Design of antisense oligonucleotides stabilized by locked nucleic acids",
    journal="Nucleic Acids Res",
    year=2002,
    doi="10.1093/nar/30.9.1911",
)
SETH2009 = Citation(
    key="Seth2009",
    authors="Seth PP, Siwkowski A, Allerson CR, Vasquez G, Lee S, Prakash TP, Wancewicz EV, "
    "Witchell D, Swayze EE",
    title="Short antisense oligonucleotides with novel 2'-4' conformationaly restricted nucleoside "
    "analogues show improved potency without increased toxicity in animals",
    journal="J Med Chem",
    year=2009,
    doi="10.1021/jm801294h",
)
HAVENS2016 = Citation(
    key="Havens2016",
    authors="Havens MA, Hastings ML",
    title="Splice-switching antisense oligonucleotides as therapeutic drugs",
    journal="Nucleic Acids Res",
    year=2016,
    doi="10.1093/nar/gkw533",
)
KRIEG1995 = Citation(
    key="Krieg1995",
    authors="Krieg AM, Yi AK, Matson S, Waldschmidt TJ, Bishop GA, Teasdale R, Koretzky GA, "
    "Klinman DM",
    title="CpG motifs in bacterial DNA trigger direct B-cell activation",
    journal="Nature",
    year=1995,
    doi="10.1038/374546a0",
)
BURGESS1995 = Citation(
    key="Burgess1995",
    authors="Burgess TL, Fisher EF, Ross SL, Bready JV, Qian YX, Bayewitch LA, Cohen AM, "
    "Herrera CJ, Hu SS, Kramer TB, Lott FD, Martin FH, Pierce GF, Simonet L, Farrell CL",
    title="The antiproliferative activity of c-myb and c-myc antisense oligonucleotides in smooth "
    "muscle cells is caused by a nonantisense mechanism",
    journal="Proc Natl Acad Sci USA",
    year=1995,
    doi="10.1073/pnas.92.9.4051",
)
BURDICK2014 = Citation(
    key="Burdick2014",
    authors="Burdick AD, Sciabola S, Mantena SR, Hollingshead BD, Stanton R, Warneke JA, "
    "Zeng M, Martsen E, Medvedev A, Makarov SS, Reed LA, Davis JW, Whiteley LO",
    title="Sequence motifs associated with hepatotoxicity of locked nucleic acid-modified "
    "antisense oligonucleotides",
    journal="Nucleic Acids Res",
    year=2014,
    doi="10.1093/nar/gku142",
    pmid="24550163",
)

#: Lengths of splice-switching steric blockers vivo designs (the issue's 18-30-mers; the approved
#: PMOs are 21-30 nt and nusinersen 18 nt).
STERIC_LENGTHS: Final = (18, 30)

Sugar = Literal["2'-MOE", "LNA", "cEt", "PMO"]


@dataclass(frozen=True, slots=True)
class Chemistry:
    """An oligonucleotide chemistry.

    ``kind`` is ``gapmer`` (wings + DNA gap, RNase H) or ``steric`` (uniformly modified).
    ``wing5``/``gap``/``wing3`` are 0 for steric blockers. ``pattern`` letters: ``M`` modified
    sugar (or morpholino), ``d`` DNA.
    """

    key: str
    kind: Literal["gapmer", "steric"]
    sugar: Sugar
    backbone: str
    wing5: int
    gap: int
    wing3: int
    precedent: str
    citation: Citation

    @property
    def length(self) -> int | None:
        """Fixed length of a gapmer; ``None`` for steric blockers (any of 18-30)."""
        return self.wing5 + self.gap + self.wing3 if self.kind == "gapmer" else None

    def pattern(self, length: int | None = None) -> str:
        """Per-position modification letters 5'->3'."""
        if self.kind == "gapmer":
            return "M" * self.wing5 + "d" * self.gap + "M" * self.wing3
        if length is None:
            raise InputError("a steric-blocker pattern needs the oligo length")
        return "M" * length

    def describe(self) -> str:
        """One line for reports, e.g. ``5-10-5 2'-MOE gapmer, phosphorothioate``."""
        if self.kind == "gapmer":
            return f"{self.wing5}-{self.gap}-{self.wing3} {self.sugar} gapmer, {self.backbone}"
        return f"uniform {self.sugar}, {self.backbone}"


_PS = "phosphorothioate, 5-methylcytosine"


def _gapmer(sugar: Sugar, w5: int, gap: int, w3: int, precedent: str, cite: Citation) -> Chemistry:
    tag = {"2'-MOE": "moe", "LNA": "lna", "cEt": "cet", "PMO": "pmo"}[sugar]
    return Chemistry(f"{tag}-{w5}-{gap}-{w3}", "gapmer", sugar, _PS, w5, gap, w3, precedent, cite)


#: Named chemistries (``--chemistry``); gapmers of other wing/gap sizes parse as ``moe-4-10-4``.
CHEMISTRIES: Final[dict[str, Chemistry]] = {
    c.key: c
    for c in (
        _gapmer("2'-MOE", 5, 10, 5, "mipomersen, inotersen (5-10-5 2'-MOE gapmers)", BENNETT2010),
        _gapmer("LNA", 3, 10, 3, "LNA gapmers (wings 3-4 nt, gap >= 7-8 DNA)", KURRECK2002),
        _gapmer("cEt", 3, 10, 3, "cEt gapmers (3-10-3 designs)", SETH2009),
        Chemistry("moe", "steric", "2'-MOE", _PS, 0, 0, 0,
                  "nusinersen (18-mer, uniform 2'-MOE)", HAVENS2016),
        Chemistry("pmo", "steric", "PMO", "phosphorodiamidate morpholino", 0, 0, 0,
                  "eteplirsen (30), golodirsen (25), casimersen (22), viltolarsen (21)",
                  HAVENS2016),
    )
}  # fmt: skip

_CUSTOM = re.compile(r"^(moe|lna|cet)-(\d{1,2})-(\d{1,2})-(\d{1,2})$")
#: Bounds of custom gapmers: wings 1-7 nt; a DNA gap of at least 7 (Kurreck et al. 2002 needed
#: 7-8 DNA for full RNase H activity) and at most 16.
_WING = (1, 7)
_GAP = (7, 16)


def get_chemistry(key: str) -> Chemistry:
    """A named chemistry, or a custom gapmer ``moe|lna|cet-W-G-W`` (e.g. ``moe-4-12-4``)."""
    k = key.strip().lower()
    if k in CHEMISTRIES:
        return CHEMISTRIES[k]
    m = _CUSTOM.match(k)
    if m is None:
        raise InputError(
            f"unknown ASO chemistry {key!r}",
            hint="use " + ", ".join(CHEMISTRIES) + " or a gapmer like moe-4-12-4",
        )
    sugar: Sugar = {"moe": "2'-MOE", "lna": "LNA", "cet": "cEt"}[m.group(1)]  # type: ignore[assignment]
    w5, gap, w3 = (int(m.group(i)) for i in (2, 3, 4))
    if not (
        _WING[0] <= w5 <= _WING[1] and _WING[0] <= w3 <= _WING[1] and _GAP[0] <= gap <= _GAP[1]
    ):
        raise InputError(
            f"gapmer {key!r} is out of range",
            hint=f"wings {_WING[0]}-{_WING[1]} nt, DNA gap {_GAP[0]}-{_GAP[1]} nt",
        )
    base = {"2'-MOE": BENNETT2010, "LNA": KURRECK2002, "cEt": SETH2009}[sugar]
    return _gapmer(sugar, w5, gap, w3, "custom wing/gap sizes", base)


def motif_flags(oligo: str, chemistry: Chemistry) -> tuple[str, ...]:
    """Flags of an oligo (DNA letters, 5'->3'): ``CpG``, ``G4``, and ``TCC``/``TGC`` for LNA/cEt."""
    up = oligo.upper()
    flags = []
    if "CG" in up and chemistry.sugar != "PMO":
        flags.append("CpG")
    if "GGGG" in up:
        flags.append("G4")
    if chemistry.sugar in ("LNA", "cEt"):
        flags.extend(m for m in ("TCC", "TGC") if m in up)
    return tuple(flags)
