"""Guide self-folding: minimum free energy of the spacer RNA with ViennaRNA — optional extra.

Strong secondary structure inside the spacer can hinder loading into the nuclease and
target pairing. vivo reports the minimum free energy (MFE, kcal/mol, 37 °C, ViennaRNA
default Turner 2004 parameters) of the spacer transcribed as RNA, alone. It is a
diagnostic column, not an activity prediction: more negative means more self-structure.

Install: ``pip install "vivo[fold]"`` (the ViennaRNA package).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from vivo.core.errors import DataError
from vivo.core.provenance import Citation, ModelInfo

__all__ = ["INSTALL_HINT", "MODEL_INFO", "NAME", "is_available", "mfe_kcal_per_mol"]

NAME = "fold_mfe"
INSTALL_HINT = 'install the optional extra: pip install "vivo[fold]"'

MODEL_INFO = ModelInfo(
    name="Spacer self-folding MFE (ViennaRNA)",
    version="ViennaRNA RNAfold MFE, 37 °C, Turner 2004",
    citation=Citation(
        key="Lorenz2011",
        authors="Lorenz R, Bernhart SH, Höner zu Siederdissen C, Tafer H, Flamm C, "
        "Stadler PF, Hofacker IL",
        title="ViennaRNA Package 2.0",
        journal="Algorithms Mol Biol",
        year=2011,
        doi="10.1186/1748-7188-6-26",
    ),
    input_contract="spacer DNA (any length); folded as RNA on its own",
    notes="kcal/mol; more negative = more self-structure; diagnostic only",
)


def is_available() -> bool:
    """True when ViennaRNA's Python module ``RNA`` is importable."""
    return importlib.util.find_spec("RNA") is not None


def mfe_kcal_per_mol(spacers: Sequence[str]) -> npt.NDArray[np.float64]:
    """MFE (kcal/mol) of each spacer folded as RNA; ``nan`` for spacers with non-ACGT bases.

    >>> float(mfe_kcal_per_mol(["AAAAAAAAAAAAAAAAAAAA"])[0])
    0.0
    """
    if not is_available():
        raise DataError("guide folding needs ViennaRNA, which is not installed", hint=INSTALL_HINT)
    import RNA

    out = np.full(len(spacers), np.nan)
    for i, spacer in enumerate(spacers):
        up = spacer.upper()
        if up and set(up) <= set("ACGT"):
            _, mfe = RNA.fold(up.replace("T", "U"))
            out[i] = round(float(mfe), 2)
    return out
