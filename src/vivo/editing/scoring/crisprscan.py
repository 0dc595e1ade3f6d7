"""CRISPRscan on-target score (Moreno-Mateos et al. 2015) for SpCas9 20-nt guides.

Input: 35-mers ``[6 nt][20-nt spacer][NGG][6 nt]`` on the protospacer strand. The score is
linear: ``intercept + Σ w_f·[feature f present]``, the raw sum as in the published table
(crisprScore reports the same scale; CRISPOR multiplies by 100). Trained on T7-transcribed
guides injected into zebrafish embryos: it may fit U6-expressed guides in human cells poorly.

>>> round(float(score_sequences(["GGACCTATCGATGCTCGTGCTGGGTACGGTTGTGA"])[0]), 3)
0.712
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

from vivo.core.provenance import Citation, ModelInfo
from vivo.editing.scoring._motifs import MotifTable, encode, load_table

__all__ = ["DOWNSTREAM", "LENGTH", "MODEL_INFO", "NAME", "UPSTREAM", "score_sequences"]

NAME = "crisprscan"
#: Context bases before and after protospacer + PAM, and the full input length.
UPSTREAM, DOWNSTREAM, LENGTH = 6, 6, 35

MODEL_INFO = ModelInfo(
    name="CRISPRscan",
    version="MorenoMateos2015 (supplementary table as distributed with crisprScore 1.7.3)",
    citation=Citation(
        key="MorenoMateos2015",
        authors="Moreno-Mateos MA, Vejnar CE, Beaudoin JD, Fernandez JP, Mis EK, Khokha MK, "
        "Giraldez AJ",
        title="CRISPRscan: designing highly efficient sgRNAs for CRISPR-Cas9 targeting in vivo",
        journal="Nat Methods",
        year=2015,
        doi="10.1038/nmeth.3543",
    ),
    input_contract="35-mer 5'-[6 nt][20-nt spacer][NGG][6 nt]-3' on the protospacer strand; "
    "SpCas9-family nucleases with 20-nt spacers and an NGG PAM",
    notes="linear model; raw sum (roughly 0-1), not multiplied by 100",
)


@cache
def _table() -> MotifTable:
    return load_table("crisprscan_coefficients.csv", name_column="Label", value_column="Value")


def score_sequences(sequences: Sequence[str]) -> npt.NDArray[np.float64]:
    """CRISPRscan scores of 35-mers; ``nan`` where a 35-mer has a non-ACGT base or no GG PAM.

    Raises
    ------
    InputError
        If a sequence is not 35 nt long.
    """
    codes, ok = encode(sequences, LENGTH)
    ok &= (codes[:, 27] == ord("G")) & (codes[:, 28] == ord("G"))
    return np.where(ok, _table().linear(codes), np.nan)
