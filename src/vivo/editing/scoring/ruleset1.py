"""Rule Set 1 on-target score (Doench et al. 2014) for SpCas9 20-nt guides.

Input: 30-mers ``[4 nt][20-nt spacer][NGG][3 nt]`` on the protospacer strand.
``x = intercept + Σ w_f·[feature f present] + GC term``; the GC term is
``(10 − gc)·gc_low`` when the spacer has gc < 10 G/C bases and ``(gc − 10)·gc_high`` when
gc > 10. Score = ``1 / (1 + exp(−x))`` in (0, 1); higher is more active.

>>> round(float(score_sequences(["TATAGCTGCGATCTGAGGTAGGGAGGGACC"])[0]), 6)
0.713089
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

from vivo.core.provenance import Citation, ModelInfo
from vivo.editing.scoring._motifs import MotifTable, encode, load_table

__all__ = ["DOWNSTREAM", "LENGTH", "MODEL_INFO", "NAME", "UPSTREAM", "score_sequences"]

NAME = "ruleset1"
#: Context bases before and after protospacer + PAM, and the full input length.
UPSTREAM, DOWNSTREAM, LENGTH = 4, 3, 30

MODEL_INFO = ModelInfo(
    name="Rule Set 1",
    version="Doench2014 (coefficients as distributed with crisprScore 1.7.3)",
    citation=Citation(
        key="Doench2014",
        authors="Doench JG, Hartenian E, Graham DB, Tothova Z, Hegde M, Smith I, Sullender M, "
        "Ebert BL, Xavier RJ, Root DE",
        title="Rational design of highly active sgRNAs for CRISPR-Cas9-mediated gene inactivation",
        journal="Nat Biotechnol",
        year=2014,
        doi="10.1038/nbt.3026",
    ),
    input_contract="30-mer 5'-[4 nt][20-nt spacer][NGG][3 nt]-3' on the protospacer strand; "
    "SpCas9-family nucleases with 20-nt spacers and an NGG PAM",
    notes="logistic regression; score in (0, 1)",
)


@cache
def _table() -> MotifTable:
    return load_table("ruleset1_coefficients.csv", name_column="Name", value_column="Coefficient")


def score_sequences(sequences: Sequence[str]) -> npt.NDArray[np.float64]:
    """Rule Set 1 scores of 30-mers; ``nan`` where a 30-mer has a non-ACGT base or no GG PAM.

    Raises
    ------
    InputError
        If a sequence is not 30 nt long.
    """
    codes, ok = encode(sequences, LENGTH)
    ok &= (codes[:, 25] == ord("G")) & (codes[:, 26] == ord("G"))
    table = _table()
    x = table.linear(codes)
    spacer = codes[:, UPSTREAM : UPSTREAM + 20]
    gc = ((spacer == ord("G")) | (spacer == ord("C"))).sum(axis=1)
    x += np.where(gc < 10, (10 - gc) * table.extra("gc_low"), 0.0)
    x += np.where(gc > 10, (gc - 10) * table.extra("gc_high"), 0.0)
    scores = 1.0 / (1.0 + np.exp(-x))
    return np.where(ok, scores, np.nan)
