"""Target accessibility, oligo-target duplex energy and self-complementarity of ASOs.

- **Accessibility**: the probability that each target base is unpaired in the local secondary
  structure ensemble, from ViennaRNA's RNAplfold algorithm (Bernhart et al. 2006; Lorenz et al.
  2011) with window W = 80 and base-pair span L = 40, the settings Tafer et al. 2008 found
  predictive of siRNA target accessibility. A site's accessibility is the mean over its bases.
- **Duplex energy**: ViennaRNA ``duplexfold`` free energy (kcal/mol, 37 °C, Turner 2004 RNA
  parameters) of the target with its full complement. Modified chemistries (2'-MOE, LNA, PMO)
  bind more tightly than RNA; the value ranks sites, it is not the oligo's true ΔG.
- **Opening energy**: −RT ln of the RNAplfold probability that the whole target stretch is
  unpaired (same W and L, u = oligo length); added to the duplex energy it gives the binding
  energy used to rank splice-switching oligos.
- **Self-complementarity** (no ViennaRNA needed): the longest run of contiguous Watson-Crick
  pairs the oligo can form with a copy of itself (dimer) and within itself with a loop of at
  least 3 nt (hairpin).

ViennaRNA (the ``RNA`` module) is optional; without it accessibility and duplex energy are
``None`` and the results say so.

>>> self_complementarity("GAATTC")
(6, 1)
"""

from __future__ import annotations

import importlib.util
from typing import Final

import numpy as np
import numpy.typing as npt

from vivo.core.provenance import Citation, ModelInfo
from vivo.core.seq import reverse_complement

__all__ = [
    "ACCESSIBILITY_INFO",
    "PLFOLD_SPAN",
    "PLFOLD_WINDOW",
    "duplex_energy_kcal",
    "folding_available",
    "folding_version",
    "opening_energy_kcal",
    "self_complementarity",
    "unpaired_probability",
]

#: RNAplfold window and maximum base-pair span (Tafer et al. 2008).
PLFOLD_WINDOW: Final = 80
PLFOLD_SPAN: Final = 40

TAFER2008 = Citation(
    key="Tafer2008",
    authors="Tafer H, Ameres SL, Obernosterer G, Gebeshuber CA, Schroeder R, Martinez J, "
    "Hofacker IL",
    title="The impact of target site accessibility on the design of effective siRNAs",
    journal="Nat Biotechnol",
    year=2008,
    doi="10.1038/nbt1404",
)
BERNHART2006 = Citation(
    key="Bernhart2006",
    authors="Bernhart SH, Hofacker IL, Stadler PF",
    title="Local RNA base pairing probabilities in large sequences",
    journal="Bioinformatics",
    year=2006,
    doi="10.1093/bioinformatics/bti804",
)
LORENZ2011 = Citation(
    key="Lorenz2011",
    authors="Lorenz R, Bernhart SH, Höner zu Siederdissen C, Tafer H, Flamm C, Stadler PF, "
    "Hofacker IL",
    title="ViennaRNA Package 2.0",
    journal="Algorithms Mol Biol",
    year=2011,
    doi="10.1186/1748-7188-6-26",
)
ACCESSIBILITY_INFO: Final = ModelInfo(
    name="Target accessibility (RNAplfold unpaired probability)",
    version=f"ViennaRNA pfl_fold_up, W={PLFOLD_WINDOW}, L={PLFOLD_SPAN}, u=1",
    citation=BERNHART2006,
    input_contract="target RNA (DNA letters accepted), any length",
    notes="mean per-base unpaired probability over the site; 0..1, higher = more accessible",
    extra_citations=(TAFER2008, LORENZ2011),
)

_PAIR: Final = {("A", "T"), ("T", "A"), ("G", "C"), ("C", "G")}


def folding_available() -> bool:
    """True when ViennaRNA's Python module ``RNA`` is importable."""
    return importlib.util.find_spec("RNA") is not None


def folding_version() -> str | None:
    """The installed ViennaRNA version (for provenance), or ``None``."""
    if not folding_available():
        return None
    import RNA

    return str(getattr(RNA, "__version__", "unknown"))


def unpaired_probability(seq: str) -> npt.NDArray[np.float64] | None:
    """Per-base unpaired probability of ``seq`` (RNAplfold W=80, L=40).

    ``None`` when ViennaRNA is not installed.

    Bases other than ACGT/U are folded as given (ViennaRNA treats them as unpairable).
    """
    if not folding_available() or not seq:
        return None
    import RNA

    rna = seq.upper().replace("T", "U")
    window = min(PLFOLD_WINDOW, len(rna))
    span = min(PLFOLD_SPAN, window)
    up = RNA.pfl_fold_up(rna, 1, window, span)
    return np.array([float(up[i + 1][1]) for i in range(len(rna))], dtype=np.float64)


#: RT at 37 °C (kcal/mol): R = 1.98717e-3 kcal/(mol K), T = 310.15 K.
RT_37: Final = 1.98717e-3 * 310.15


def opening_energy_kcal(seq: str, starts: list[int], length: int) -> list[float] | None:
    """Free energy (kcal/mol) needed to open each ``[start, start + length)`` stretch of ``seq``.

    ΔG_open = −RT ln P(all ``length`` bases unpaired), P from RNAplfold (W = 80, L = 40,
    u = ``length``), the opening-energy term of RNAup-style oligo binding (Tafer et al. 2008).
    ``None`` without ViennaRNA. Probabilities are floored at 1e-30 (ΔG_open <= 42.6 kcal/mol).
    """
    if not folding_available() or not starts:
        return None
    import RNA

    rna = seq.upper().replace("T", "U")
    window = min(PLFOLD_WINDOW, len(rna))
    up = RNA.pfl_fold_up(rna, length, window, min(PLFOLD_SPAN, window))
    out = []
    for start in starts:
        p = max(float(up[start + length][length]), 1e-30)
        out.append(round(-RT_37 * float(np.log(p)), 3))
    return out


def duplex_energy_kcal(targets: list[str]) -> list[float] | None:
    """ViennaRNA duplex free energy of each target with its perfect complement (RNA/RNA proxy)."""
    if not folding_available():
        return None
    import RNA

    out = []
    for target in targets:
        rna = target.upper().replace("T", "U")
        comp = reverse_complement(target.upper()).replace("T", "U")
        out.append(round(float(RNA.duplexfold(rna, comp).energy), 2))
    return out


def _longest_dimer(seq: str) -> int:
    n, best = len(seq), 0
    for total in range(n * 2 - 1):  # pairs (i, total - i): antiparallel alignment with itself
        run = 0
        for i in range(max(0, total - n + 1), min(n, total + 1)):
            j = total - i
            run = run + 1 if (seq[i], seq[j]) in _PAIR and i != j else 0
            best = max(best, run)
    return best


def _longest_hairpin(seq: str, min_loop: int = 3) -> int:
    """Longest stem (i, j), (i+1, j-1), ... whose innermost pair closes a loop >= ``min_loop``."""
    n, best = len(seq), 0
    for total in range(n * 2 - 1):  # a stem lies on one anti-diagonal i + j = total
        run = 0
        for i in range(max(0, total - n + 1), n):
            j = total - i
            if j - i - 1 < min_loop:
                break
            run = run + 1 if (seq[i], seq[j]) in _PAIR else 0
            best = max(best, run)
    return best


def self_complementarity(oligo: str) -> tuple[int, int]:
    """``(dimer, hairpin)``: longest contiguous Watson-Crick runs of the oligo with itself.

    >>> self_complementarity("AAAAAAAA")
    (0, 0)
    >>> self_complementarity("GGGGAAATCCCC")[1]
    4
    """
    up = oligo.upper().replace("U", "T")
    return _longest_dimer(up), _longest_hairpin(up)
