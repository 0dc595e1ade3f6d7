"""Bae et al. 2014 microhomology (MH) and out-of-frame (OOF) scores of a Cas9 cut.

Implemented exactly as published (Bae S, Kweon J, Kim HS, Kim JS. Microhomology-based choice of
Cas9 nuclease target sites. Nat Methods 2014;11:705-706), including the rounding of the length
factor to three decimals in the published script. Reproduces the paper's EMX1 example.

>>> emx1 = "GGAGGAAGGGCCTGAGTCCGAGCAGAAGAAGAAGGGCTCCCATCACATCAACCGGTGGCG"
>>> s = bae_microhomology(emx1)
>>> round(s.mh_score, 1), round(s.oof_score, 10)
(4662.9, 50.7473889639)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from vivo.core.errors import InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.core.seq import validate_dna

__all__ = [
    "BAE2014",
    "BAE_MODEL_INFO",
    "LENGTH_WEIGHT",
    "MicrohomologyPattern",
    "MicrohomologyScore",
    "bae_microhomology",
    "mh_points",
]

BAE2014: Final = Citation(
    key="Bae2014",
    authors="Bae S, Kweon J, Kim HS, Kim JS",
    title="Microhomology-based choice of Cas9 nuclease target sites",
    journal="Nat Methods",
    year=2014,
    doi="10.1038/nmeth.3015",
)

BAE_MODEL_INFO: Final = ModelInfo(
    name="Bae2014 microhomology / out-of-frame score",
    version="1",
    citation=BAE2014,
    input_contract="DNA sequence (60-100 nt recommended) with the blunt cut after `left` bases",
    notes="length weight 20; length factor rounded to 3 decimals as in the published script",
)

LENGTH_WEIGHT: Final = 20.0


@dataclass(frozen=True, slots=True)
class MicrohomologyPattern:
    """One kept microhomology pair: left copy ``[left_start, left_end)``, right copy
    ``[right_start, right_end)`` (0-based in the input), the implied deletion and its score."""

    left_start: int
    left_end: int
    right_start: int
    right_end: int
    sequence: str
    deletion_length: int
    score: float  # 100 * round(exp(-d/20), 3) * (n_AT + 2 n_GC), as published
    score_unrounded: float  # the same without the 3-decimal rounding

    @property
    def in_frame(self) -> bool:
        """True if the deletion length is a multiple of 3."""
        return self.deletion_length % 3 == 0


@dataclass(frozen=True, slots=True)
class MicrohomologyScore:
    """Bae 2014 microhomology and out-of-frame scores with the patterns behind them."""

    patterns: tuple[MicrohomologyPattern, ...]
    mh_score: float
    oof_score: float
    mh_score_unrounded: float
    oof_score_unrounded: float
    model: ModelInfo = BAE_MODEL_INFO

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "mh_score": self.mh_score,
            "oof_score": self.oof_score,
            "mh_score_unrounded": self.mh_score_unrounded,
            "oof_score_unrounded": self.oof_score_unrounded,
            "n_patterns": len(self.patterns),
            "model": self.model.as_dict(),
        }


def mh_points(seq: str) -> int:
    """Bae 2014 points of a microhomology: 1 per A/T, 2 per G/C."""
    gc = sum(1 for b in seq if b in "GC")
    return len(seq) + gc  # A/T 1 point, G/C 2 points


def _enumerate_mh(seq: str, left: int) -> list[tuple[int, int, int, int]]:
    found: list[tuple[int, int, int, int]] = []
    for k in range(left - 1, 1, -1):
        for j in range(left, len(seq) - k + 1):
            right = seq[j : j + k]
            for i in range(0, left - k + 1):
                if seq[i : i + k] == right:
                    found.append((i, i + k, j, j + k))
    return found


def _is_nested(p: tuple[int, int, int, int], q: tuple[int, int, int, int]) -> bool:
    inside = p[0] >= q[0] and p[1] <= q[1] and p[2] >= q[2] and p[3] <= q[3]
    return inside and p[0] - q[0] == p[2] - q[2] and p[1] - q[1] == p[3] - q[3]


def _oof(s_in: float, s_out: float) -> float:
    total = s_in + s_out
    return 100.0 * s_out / total if total > 0 else 0.0


def bae_microhomology(
    seq: str, *, left: int | None = None, length_weight: float = LENGTH_WEIGHT
) -> MicrohomologyScore:
    """Bae et al. 2014 microhomology score and out-of-frame score of a cut.

    Parameters
    ----------
    seq:
        DNA around the cut (60-80 nt recommended, at most 100 nt; case ignored).
    left:
        Bases left of the blunt cut (default: half the length, 30 for a 60-mer).
    length_weight:
        The deletion-length decay constant (20 in the paper).

    Returns
    -------
    MicrohomologyScore
        ``mh_score`` and ``oof_score`` as published (length factor rounded to three
        decimals) and the same without rounding.

    Examples
    --------
    >>> s = bae_microhomology("GGAGGAAGGGCCTGAGTCCGAGCAGAAGAAGAAGGGCTCCCATCACATCAACCGGTGGCG")
    >>> len(s.patterns), round(s.mh_score, 1)
    (44, 4662.9)
    """
    s = validate_dna(seq, what="sequence").upper()
    cut = len(s) // 2 if left is None else left
    if not 2 < cut < len(s) - 1:
        raise InputError(
            f"the cut must lie inside the sequence (left={cut}, length {len(s)})",
            hint="give ~30 nt on each side of the cut, e.g. a 60-mer with left=30",
        )
    if len(s) > 100:
        raise InputError(
            f"the Bae 2014 score is defined for up to 100 nt; got {len(s)}",
            hint="pass 30 nt on each side of the cut",
        )
    kept: list[MicrohomologyPattern] = []
    raw = _enumerate_mh(s, cut)
    for idx, p in enumerate(raw):
        if any(_is_nested(p, q) for q in raw[:idx]):
            continue
        d = p[2] - p[0]
        mh = s[p[0] : p[1]]
        factor = math.exp(-d / length_weight)
        kept.append(
            MicrohomologyPattern(
                p[0], p[1], p[2], p[3], mh, d,
                100 * round(factor, 3) * mh_points(mh),
                100 * factor * mh_points(mh),
            )
        )  # fmt: skip
    s_in = sum(p.score for p in kept if p.in_frame)
    s_out = sum(p.score for p in kept if not p.in_frame)
    u_in = sum(p.score_unrounded for p in kept if p.in_frame)
    u_out = sum(p.score_unrounded for p in kept if not p.in_frame)
    return MicrohomologyScore(
        patterns=tuple(kept),
        mh_score=s_in + s_out,
        oof_score=_oof(s_in, s_out),
        mh_score_unrounded=u_in + u_out,
        oof_score_unrounded=_oof(u_in, u_out),
    )
