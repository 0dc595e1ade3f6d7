"""MIT (Hsu et al. 2013) off-target hit score, as defined by the crispr.mit.edu site.

For mismatches at positions p₁ < … < p_m (1 = PAM-distal, 20 = PAM-proximal):
hit = 100 × Π(1 − M[p_i]) × 1/(((19 − d̄)/19)·4 + 1) × 1/m², with d̄ = (p_m − p₁)/(m − 1)
(the second factor is 1 when m < 2, the last is 1 when m = 0). Weights M from
``vivo/editing/data/mit.weights.txt``. A site base that is not A/C/G/T counts as a mismatch.

>>> round(mit_hit_score("AAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAC"), 1)
41.7
>>> round(mit_hit_score("ATGGTCGGACTCCCTGCCAG", "ATGATCCAAATCCCTGCCAG"), 4)
0.8586
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from vivo.core.errors import DataError, InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.editing.offtarget.encoding import encode

__all__ = ["MODEL_INFO", "mit_hit_score", "mit_hit_scores", "mit_weights"]

MODEL_INFO = ModelInfo(
    name="MIT",
    version="Hsu2013-crisprmitedu",
    citation=Citation(
        key="Hsu2013",
        authors="Hsu PD, Scott DA, Weinstein JA, et al.",
        title="DNA targeting specificity of RNA-guided Cas9 nucleases",
        journal="Nat Biotechnol",
        year=2013,
        doi="10.1038/nbt.2647",
    ),
    input_contract="20-nt spacer and 20-nt protospacer; mismatches only (no bulges)",
    notes="within-site mean mismatch spacing (crispr.mit.edu/CRISPOR), not FlashFry's variant",
)


@cache
def mit_weights() -> npt.NDArray[np.float64]:
    """The 20 position weights M (index 0 = position 1, PAM-distal)."""
    try:
        text = resources.files("vivo.editing").joinpath("data", "mit.weights.txt").read_text()
    except (FileNotFoundError, OSError) as exc:  # pragma: no cover - packaging error
        raise DataError("bundled MIT weight table is missing; reinstall vivo") from exc
    rows = [line.split() for line in text.splitlines()[1:] if line.strip()]
    w = np.array([float(r[1]) for r in sorted(rows, key=lambda r: int(r[0]))])
    if len(w) != 20:  # pragma: no cover
        raise DataError(f"MIT weight table has {len(w)} rows, expected 20")
    return w


def mit_hit_scores(mismatch: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    """Hit scores (0-100) from an ``(m, 20)`` mismatch matrix (column 0 = position 1)."""
    w = mit_weights()
    m = mismatch.sum(axis=1)
    term1 = np.prod(np.where(mismatch, 1.0 - w[None, :], 1.0), axis=1)
    pos = np.arange(1, 21)
    first = np.where(mismatch, pos, 99).min(axis=1)
    last = np.where(mismatch, pos, 0).max(axis=1)
    mean_d = np.where(m >= 2, (last - first) / np.maximum(m - 1, 1), 19.0)
    term2 = 1.0 / (((19.0 - mean_d) / 19.0) * 4.0 + 1.0)
    term3 = 1.0 / np.maximum(m, 1) ** 2
    out: npt.NDArray[np.float64] = 100.0 * term1 * term2 * term3
    return out


def mit_hit_score(spacer: str, protospacer: str) -> float:
    """MIT hit score (0-100) of one 20-nt site."""
    if len(spacer) != 20 or len(protospacer) != 20:
        raise InputError(
            "the MIT score needs a 20-nt spacer and a 20-nt protospacer",
            hint=f"got {len(spacer)} and {len(protospacer)} nt",
        )
    s, t = encode(spacer), encode(protospacer)
    return float(mit_hit_scores(((s != t) | (t > 3))[None, :])[0])
