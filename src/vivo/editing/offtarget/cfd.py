"""CFD (Cutting Frequency Determination) off-target score of Doench et al. 2016.

Per site: CFD = Π over mismatched protospacer positions of w(spacer base, site base, position)
× w_PAM(2nd and 3rd PAM bases). Tables: ``vivo/editing/data/cfd.mm.scores.cas9.txt`` (key
``XYn``: spacer base X, protospacer base Y on the spacer's strand, position n = 1 PAM-distal …
20 PAM-proximal) and ``cfd.pam.scores.cas9.txt``. Defined for 20-nt SpCas9 spacers, 3-nt PAMs
and mismatch-only sites; a site base that is not A/C/G/T scores 0.

>>> round(cfd_score("ATGGTCGGACTCCCTGCCAG", "ATGGTGGGACTCCCTGCCAG", "AGG"), 6)
0.5
>>> round(cfd_score("GGGGGGGGGGGGGGGGGGGG", "GGGGGGGGGGGGGGGGGGGG", "AAG"), 6)
0.259259
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from vivo.core.errors import DataError, InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.editing.offtarget.encoding import encode

__all__ = ["MODEL_INFO", "cfd_score", "cfd_scores", "cfd_tables"]

MODEL_INFO = ModelInfo(
    name="CFD",
    version="Doench2016-crisprScore-1.7.3",
    citation=Citation(
        key="Doench2016",
        authors="Doench JG, Fusi N, Sullender M, et al.",
        title="Optimized sgRNA design to maximize activity and minimize off-target effects of "
        "CRISPR-Cas9",
        journal="Nat Biotechnol",
        year=2016,
        doi="10.1038/nbt.3437",
    ),
    input_contract="20-nt SpCas9 spacer, 20-nt protospacer (same strand), 3-nt PAM; "
    "mismatches only (no bulges)",
    notes="tables copied from crisprScore 1.7.3 (MIT licence); see docs/models/cfd.md",
)
SPACER_LENGTH = 20


def _read(name: str) -> list[list[str]]:
    try:
        text = resources.files("vivo.editing").joinpath("data", name).read_text("utf-8")
    except (FileNotFoundError, OSError) as exc:  # pragma: no cover - packaging error
        raise DataError(f"bundled CFD table {name} is missing; reinstall vivo") from exc
    return [line.split() for line in text.splitlines() if line.strip()]


@cache
def cfd_tables() -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """``(mismatch[20, 5, 5], pam[5, 5])`` weights indexed by base codes (4 = non-ACGT → 0)."""
    mm = np.zeros((SPACER_LENGTH, 5, 5))
    for p in range(SPACER_LENGTH):
        for b in range(4):
            mm[p, b, b] = 1.0
    rows = _read("cfd.mm.scores.cas9.txt")
    for key, value in rows:
        mm[int(key[2:]) - 1, "ACGT".index(key[0]), "ACGT".index(key[1])] = float(value)
    pam = np.zeros((5, 5))
    for key, value in _read("cfd.pam.scores.cas9.txt"):
        pam["ACGT".index(key[0]), "ACGT".index(key[1])] = float(value)
    if len(rows) != 240:  # pragma: no cover - packaging error
        raise DataError(f"CFD mismatch table has {len(rows)} rows, expected 240")
    return mm, pam


def cfd_scores(
    spacer: npt.NDArray[np.uint8], sites: npt.NDArray[np.uint8], pams: npt.NDArray[np.uint8]
) -> npt.NDArray[np.float64]:
    """CFD of many sites: ``spacer`` (20 codes, 5'->3'), ``sites`` (m, 20) codes 5'->3',
    ``pams`` (m, 2) codes of the 2nd and 3rd PAM bases."""
    mm, pam = cfd_tables()
    pos = np.arange(SPACER_LENGTH)
    weights = mm[pos[None, :], spacer[None, :], sites]
    out: npt.NDArray[np.float64] = np.prod(weights, axis=1) * pam[pams[:, 0], pams[:, 1]]
    return out


def cfd_score(spacer: str, protospacer: str, pam: str) -> float:
    """CFD of one site (all three strings 5'->3' on the protospacer strand)."""
    if len(spacer) != SPACER_LENGTH or len(protospacer) != SPACER_LENGTH or len(pam) != 3:
        raise InputError(
            "CFD needs a 20-nt spacer, a 20-nt protospacer and a 3-nt PAM",
            hint=f"got {len(spacer)}, {len(protospacer)} and {len(pam)} nt",
        )
    s = encode(spacer.upper())
    if (s > 3).any():
        raise InputError(f"spacer {spacer!r} has letters other than A, C, G, T")
    p = encode(pam)[1:][None, :]
    return float(cfd_scores(s, encode(protospacer)[None, :], p)[0])
