"""RNA/RNA duplex stability from nearest-neighbour parameters (Xia et al. 1998).

Watson-Crick nearest-neighbour free energies at 37 °C in 1 M NaCl (kcal/mol), from Table 4
of Xia T, SantaLucia J Jr, Burkard ME, et al. (1998) *Biochemistry* 37:14719-14735; the same
values are the Watson-Crick stacks of the Turner 2004 set (Mathews et al. 2004, PNAS
101:7287; NNDB, Turner & Mathews 2010, NAR 38:D280). A stack ``XY`` is 5'-XY-3' paired with
its complement 3'-X'Y'-5'. The duplex ΔG°37 is the sum of the stacks plus the initiation
(+4.09) and +0.45 per terminal A-U pair (Xia 1998); a self-complementary duplex adds +0.43.

:func:`end_asymmetry` is the siRNA strand-selection measure of Khvorova, Reynolds & Jayasena
(2003, Cell 115:209) and Schwarz et al. (2003, Cell 115:199): the guide strand is the one
whose 5' end sits in the less stable duplex end. vivo compares the ΔG of the four stacks at
each end of the 19-bp duplex (5 bp each).

>>> round(duplex_dg37("GCGC"), 2)  # init 4.09 + GC/CG + CG/GC + GC/CG (self-compl. + 0.43)
-4.68
"""

from __future__ import annotations

from typing import Final

from vivo.core.errors import InputError
from vivo.core.provenance import Citation, ModelInfo

__all__ = [
    "INITIATION",
    "MODEL_INFO",
    "NN_DG37",
    "SYMMETRY",
    "TERMINAL_AU",
    "duplex_dg37",
    "end_asymmetry",
    "stack_dg37",
]

#: ΔG°37 (kcal/mol) of Watson-Crick stacks 5'-XY-3'/3'-X'Y'-5' (Xia 1998, Table 4).
NN_DG37: Final[dict[str, float]] = {
    "AA": -0.93, "UU": -0.93,
    "AU": -1.10,
    "UA": -1.33,
    "CU": -2.08, "AG": -2.08,
    "CA": -2.11, "UG": -2.11,
    "GU": -2.24, "AC": -2.24,
    "GA": -2.35, "UC": -2.35,
    "CG": -2.36,
    "GG": -3.26, "CC": -3.26,
    "GC": -3.42,
}  # fmt: skip
#: Helix initiation (kcal/mol), Xia 1998.
INITIATION: Final = 4.09
#: Per terminal A-U pair (kcal/mol), Xia 1998.
TERMINAL_AU: Final = 0.45
#: Symmetry correction for self-complementary duplexes (kcal/mol), Xia 1998.
SYMMETRY: Final = 0.43

XIA1998 = Citation(
    key="Xia1998",
    authors="Xia T, SantaLucia J Jr, Burkard ME, Kierzek R, Schroeder SJ, Jiao X, Cox C, Turner DH",
    title="Thermodynamic parameters for an expanded nearest-neighbor model for formation of "
    "RNA duplexes with Watson-Crick base pairs",
    journal="Biochemistry",
    year=1998,
    doi="10.1021/bi9809425",
)
KHVOROVA2003 = Citation(
    key="Khvorova2003",
    authors="Khvorova A, Reynolds A, Jayasena SD",
    title="Functional siRNAs and miRNAs exhibit strand bias",
    journal="Cell",
    year=2003,
    doi="10.1016/S0092-8674(03)00801-8",
)
SCHWARZ2003 = Citation(
    key="Schwarz2003",
    authors="Schwarz DS, Hutvágner G, Du T, Xu Z, Aronin N, Zamore PD",
    title="Asymmetry in the assembly of the RNAi enzyme complex",
    journal="Cell",
    year=2003,
    doi="10.1016/S0092-8674(03)00759-1",
)
MODEL_INFO = ModelInfo(
    name="RNA duplex nearest-neighbour ΔG°37 and siRNA end asymmetry",
    version="Xia1998-WC",
    citation=XIA1998,
    input_contract="perfectly paired RNA (or DNA letters read as RNA), 2+ nt",
    notes="kcal/mol at 37 °C, 1 M NaCl; asymmetry = ΔG(guide 5' end) - ΔG(sense 5' end) "
    "over the 4 terminal stacks",
    extra_citations=(KHVOROVA2003, SCHWARZ2003),
)


def _rna(seq: str) -> str:
    s = seq.upper().replace("T", "U")
    if set(s) - set("ACGU"):
        raise InputError(f"duplex sequence {seq!r} must be A/C/G/U(T) letters")
    return s


def stack_dg37(seq: str) -> float:
    """Sum of the nearest-neighbour stacks of ``seq`` paired with its complement (kcal/mol)."""
    s = _rna(seq)
    return sum(NN_DG37[s[i : i + 2]] for i in range(len(s) - 1))


def duplex_dg37(seq: str) -> float:
    """ΔG°37 (kcal/mol) of ``seq`` (5'->3') with its perfect complement: stacks, initiation,
    terminal A-U penalties and the symmetry term (Xia 1998)."""
    s = _rna(seq)
    if len(s) < 2:
        raise InputError("a duplex needs at least 2 base pairs")
    dg = stack_dg37(s) + INITIATION
    dg += TERMINAL_AU * sum(1 for b in (s[0], s[-1]) if b in "AU")
    comp = s[::-1].translate(str.maketrans("ACGU", "UGCA"))
    if comp == s:
        dg += SYMMETRY
    return dg


def end_asymmetry(sense19: str, *, stacks: int = 4) -> tuple[float, float, float]:
    """``(ΔG guide 5' end, ΔG sense 5' end, difference)`` of a 19-bp siRNA duplex.

    ``sense19`` is the passenger (sense) strand's paired region 5'->3'. The guide 5' end pairs
    with sense positions 15-19, the sense 5' end is positions 1-5. A positive difference (the
    guide's end is less stable) favours loading the guide strand (Khvorova 2003; Schwarz 2003).
    """
    s = _rna(sense19)
    if len(s) != 19:
        raise InputError(f"the paired region of an siRNA is 19 nt, got {len(s)}")
    guide_end = stack_dg37(s[19 - stacks - 1 :])
    sense_end = stack_dg37(s[: stacks + 1])
    return guide_end, sense_end, round(guide_end - sense_end, 2)
