"""Published siRNA functional rules: Reynolds 2004, Ui-Tei 2004, Amarzguioui & Prydz 2004.

All three read the 19-nt paired region of the *sense* (passenger) strand, 5'->3', positions
1-19 (= the target mRNA site); the guide (antisense) strand's 5' end pairs with sense
position 19. Letters are RNA or DNA (T is read as U). See ``docs/models/sirna.md``.

**Reynolds et al. 2004** (Nat Biotechnol 22:326), eight criteria summed to a score (a duplex
scoring >= 6 was called functional):
I 30-52 % G/C (+1); II +1 per A/U at positions 15-19; III no internal repeat, i.e. no
hairpin of the sense strand with Tm >= 20 °C (+1); IV A at 19 (+1); V A at 3 (+1); VI U at 10
(+1); VII G or C at 19 (-1); VIII G at 13 (-1).
Criterion III is evaluated with ViennaRNA: a unimolecular hairpin melts below 20 °C exactly
when its folding free energy at 20 °C is not negative, so vivo folds the sense 19-mer at
20 °C and awards the point when the minimum free energy structure is the open chain. Without
ViennaRNA the criterion is not evaluated (``None``, no point) and results say so.

**Ui-Tei et al. 2004** (Nucleic Acids Res 32:936), class I (highly effective) when all four
hold: (i) A/U at the 5' end of the antisense strand (sense position 19); (ii) G/C at the 5'
end of the sense strand; (iii) at least 5 A/U in the 5'-terminal one-third (7 nt) of the
antisense strand (sense positions 13-19); (iv) no G/C stretch longer than 9 nt.

**Amarzguioui & Prydz 2004** (BBRC 316:1050): determinants correlated with function were the
duplex-end asymmetry (the A/U differential of the three terminal base pairs at either end),
S1 (G/C at sense position 1), A6 and W19 (A/U at 19), positive; U1 and G19, negative. vivo
sums them: (A/U among positions 17-19) - (A/U among 1-3) + S1 + A6 + W19 - U1 - G19. The
paper's own weights and threshold were not available offline to check, so vivo reports this
sum and its terms but uses no pass threshold for it.

>>> s = reynolds_score("GGAUCAUCUCAAGUCUUAA")  # hand-checked in docs/models/sirna.md
>>> s.gc_percent, s.au_15_19, s.score - int(bool(s.hairpin_free))
(36.8, 4, 6)
>>> ui_tei_class("GGAUCAUCUCAAGUCUUAA").class_i
True
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Final

from vivo.core.errors import InputError
from vivo.core.provenance import Citation, ModelInfo

__all__ = [
    "AMARZGUIOUI_MODEL",
    "REYNOLDS_FUNCTIONAL",
    "REYNOLDS_MODEL",
    "UI_TEI_MODEL",
    "AmarzguiouiScore",
    "ReynoldsScore",
    "UiTeiClass",
    "amarzguioui_score",
    "reynolds_score",
    "ui_tei_class",
]

#: Reynolds 2004: duplexes scoring at least this were called functional.
REYNOLDS_FUNCTIONAL: Final = 6
#: Reynolds 2004 G/C window (percent, inclusive).
REYNOLDS_GC_PERCENT: Final = (30.0, 52.0)
#: Reynolds 2004 criterion III: hairpin Tm below this (°C) earns the point.
REYNOLDS_HAIRPIN_TM_C: Final = 20.0

REYNOLDS_MODEL = ModelInfo(
    name="Reynolds siRNA rational design score",
    version="Reynolds2004",
    citation=Citation(
        key="Reynolds2004",
        authors="Reynolds A, Leake D, Boese Q, Scaringe S, Marshall WS, Khvorova A",
        title="Rational siRNA design for RNA interference",
        journal="Nat Biotechnol",
        year=2004,
        doi="10.1038/nbt936",
    ),
    input_contract="19-nt sense (passenger) strand paired region, 5'->3'",
    notes="score -2..10; functional >= 6; criterion III (hairpin Tm < 20 °C) via ViennaRNA",
)
UI_TEI_MODEL = ModelInfo(
    name="Ui-Tei class I siRNA rule",
    version="UiTei2004",
    citation=Citation(
        key="UiTei2004",
        authors="Ui-Tei K, Naito Y, Takahashi F, Haraguchi T, Ohki-Hamazaki H, Juni A, "
        "Ueda R, Saigo K",
        title="Guidelines for the selection of highly effective siRNA sequences for mammalian "
        "and chick RNA interference",
        journal="Nucleic Acids Res",
        year=2004,
        doi="10.1093/nar/gkh247",
    ),
    input_contract="19-nt sense strand paired region, 5'->3'",
    notes="class I = all four conditions",
)
AMARZGUIOUI_MODEL = ModelInfo(
    name="Amarzguioui-Prydz siRNA determinants",
    version="Amarzguioui2004-sum",
    citation=Citation(
        key="Amarzguioui2004",
        authors="Amarzguioui M, Prydz H",
        title="An algorithm for selection of functional siRNA sequences",
        journal="Biochem Biophys Res Commun",
        year=2004,
        doi="10.1016/j.bbrc.2004.02.157",
    ),
    input_contract="19-nt sense strand paired region, 5'->3'",
    notes="unweighted sum of the published determinants; no threshold (not verified)",
)


def _sense19(seq: str) -> str:
    s = seq.strip().upper().replace("T", "U")
    if len(s) != 19 or set(s) - set("ACGU"):
        raise InputError(
            f"siRNA rules read a 19-nt A/C/G/U sense region, got {seq!r}",
            hint="give positions 1-19 of the sense (passenger) strand",
        )
    return s


def _au(s: str) -> int:
    return sum(1 for b in s if b in "AU")


@dataclass(frozen=True, slots=True)
class ReynoldsScore:
    """Reynolds 2004 criteria of one duplex (``hairpin_free`` None: not evaluated)."""

    score: int
    gc_percent: float
    au_15_19: int
    hairpin_free: bool | None
    criteria: tuple[tuple[str, int], ...]

    @property
    def functional(self) -> bool:
        """Score >= 6 (Reynolds 2004)."""
        return self.score >= REYNOLDS_FUNCTIONAL


def _hairpin_free_at_20c(s: str) -> bool | None:
    """True when the sense strand has no structure with ΔG < 0 at 20 °C (Tm < 20 °C)."""
    if importlib.util.find_spec("RNA") is None:
        return None
    import RNA

    md = RNA.md()
    md.temperature = REYNOLDS_HAIRPIN_TM_C
    _, mfe = RNA.fold_compound(s, md).mfe()
    return float(mfe) >= 0.0


def reynolds_score(sense19: str) -> ReynoldsScore:
    """The eight Reynolds 2004 criteria and their sum."""
    s = _sense19(sense19)
    gc = 100.0 * sum(1 for b in s if b in "GC") / 19
    hairpin_free = _hairpin_free_at_20c(s)
    lo, hi = REYNOLDS_GC_PERCENT
    crit = (
        ("I gc_30_52", int(lo <= gc <= hi)),
        ("II au_15_19", _au(s[14:19])),
        ("III no_internal_repeat", int(bool(hairpin_free))),
        ("IV A19", int(s[18] == "A")),
        ("V A3", int(s[2] == "A")),
        ("VI U10", int(s[9] == "U")),
        ("VII not_GC19", -int(s[18] in "GC")),
        ("VIII not_G13", -int(s[12] == "G")),
    )
    return ReynoldsScore(sum(v for _, v in crit), round(gc, 1), _au(s[14:19]), hairpin_free, crit)


@dataclass(frozen=True, slots=True)
class UiTeiClass:
    """Ui-Tei 2004 conditions (i)-(iv); class I when all hold."""

    au_antisense_5p: bool
    gc_sense_5p: bool
    au_antisense_seed7: int
    longest_gc_stretch: int

    @property
    def class_i(self) -> bool:
        """All four conditions hold."""
        return (
            self.au_antisense_5p
            and self.gc_sense_5p
            and self.au_antisense_seed7 >= 5
            and self.longest_gc_stretch <= 9
        )


def _longest_gc(s: str) -> int:
    best = run = 0
    for b in s:
        run = run + 1 if b in "GC" else 0
        best = max(best, run)
    return best


def ui_tei_class(sense19: str) -> UiTeiClass:
    """Ui-Tei 2004 conditions of one duplex."""
    s = _sense19(sense19)
    return UiTeiClass(s[18] in "AU", s[0] in "GC", _au(s[12:19]), _longest_gc(s))


@dataclass(frozen=True, slots=True)
class AmarzguiouiScore:
    """Amarzguioui & Prydz 2004 determinants and their unweighted sum."""

    score: int
    au_differential: int
    terms: tuple[tuple[str, int], ...]


def amarzguioui_score(sense19: str) -> AmarzguiouiScore:
    """Sum of the Amarzguioui & Prydz 2004 determinants (see the module docstring)."""
    s = _sense19(sense19)
    diff = _au(s[16:19]) - _au(s[0:3])
    terms = (
        ("au_differential", diff),
        ("S1", int(s[0] in "GC")),
        ("A6", int(s[5] == "A")),
        ("W19", int(s[18] in "AU")),
        ("U1", -int(s[0] == "U")),
        ("G19", -int(s[18] == "G")),
    )
    return AmarzguiouiScore(sum(v for _, v in terms), diff, terms)
