"""Base codes, PAM sets and site windows: the shared vocabulary of the off-target engine.

Bases are coded A=0, C=1, G=2, T=3 and 4 for anything else (N and other IUPAC letters); case
(soft-masking) is ignored for matching. A *site window* holds up to :data:`WINDOW` bases read
on the site's strand from the PAM outward: base 0 is the protospacer base next to the PAM.

Examples
--------
>>> encode("ACgtN").tolist()
[0, 1, 2, 3, 4]
>>> pam_set("SpCas9").patterns
('NGG', 'NAG', 'NGA')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from vivo.core.errors import InputError
from vivo.core.seq import IUPAC_CODES
from vivo.editing.nucleases import Nuclease, PamSide, get_nuclease

__all__ = [
    "NON_ACGT",
    "WINDOW",
    "PamSet",
    "complement_codes",
    "decode",
    "encode",
    "guide_outward",
    "pam_set",
]

#: Code of a base that is not A, C, G or T; it never matches anything.
NON_ACGT: Final = 4
#: Bases held per site window (spacer <= 30 nt plus up to 2 DNA bulges).
WINDOW: Final = 32
_LOOKUP = np.full(256, NON_ACGT, dtype=np.uint8)
for _i, _b in enumerate("ACGT"):
    _LOOKUP[ord(_b)] = _i
    _LOOKUP[ord(_b.lower())] = _i
_COMP = np.array([3, 2, 1, 0, NON_ACGT], dtype=np.uint8)


def encode(seq: str | bytes) -> npt.NDArray[np.uint8]:
    """Base codes of ``seq`` (A0 C1 G2 T3, anything else 4), case ignored."""
    raw = seq.encode("ascii") if isinstance(seq, str) else seq
    return _LOOKUP[np.frombuffer(raw, dtype=np.uint8)]


def decode(codes: npt.NDArray[np.uint8]) -> str:
    """Letters of base codes (4 becomes ``N``).

    >>> decode(encode("ACGTN"))
    'ACGTN'
    """
    return bytes(np.frombuffer(b"ACGTN", dtype=np.uint8)[codes]).decode("ascii")


def complement_codes(codes: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Complement of base codes (4 stays 4)."""
    return _COMP[codes]


def guide_outward(spacer: str, pam_side: PamSide) -> npt.NDArray[np.uint8]:
    """Codes of a spacer in PAM-outward order (base 0 next to the PAM)."""
    codes = encode(spacer)
    return codes[::-1].copy() if pam_side == "3prime" else codes


def _pattern_masks(pattern: str) -> npt.NDArray[np.uint8]:
    """Per PAM position, a 5-entry table: 1 where the base code is allowed."""
    masks = np.zeros((len(pattern), 5), dtype=np.uint8)
    for t, letter in enumerate(pattern):
        for base in IUPAC_CODES[letter]:
            masks[t, "ACGT".index(base)] = 1
    return masks


@dataclass(frozen=True, slots=True)
class PamSet:
    """The PAM patterns an index is built for: canonical first, then alternatives.

    Attributes
    ----------
    patterns:
        IUPAC patterns, 5'->3' on the protospacer strand, all of one length.
    weights:
        Relative activity of each pattern (1 for the canonical PAM).
    side:
        ``"3prime"`` or ``"5prime"``.
    """

    patterns: tuple[str, ...]
    weights: tuple[float, ...]
    side: PamSide

    def __post_init__(self) -> None:
        if not self.patterns or len({len(p) for p in self.patterns}) != 1:
            raise InputError("a PAM set needs one or more patterns of one length")
        if len(self.patterns) > 31:
            raise InputError("a PAM set holds at most 31 patterns")

    @property
    def length(self) -> int:
        """PAM length in bases."""
        return len(self.patterns[0])

    @property
    def key(self) -> str:
        """A file-name-safe identifier, e.g. ``3prime-NGG-NAG-NGA``."""
        return "-".join((self.side, *self.patterns))

    def masks(self) -> list[npt.NDArray[np.uint8]]:
        """Allowed-code tables of every pattern (see :func:`_pattern_masks`)."""
        return [_pattern_masks(p) for p in self.patterns]


def pam_set(
    nuclease: Nuclease | str, *, alternative_pams: bool = True, pams: tuple[str, ...] = ()
) -> PamSet:
    """The PAM set of ``nuclease``: its canonical PAM plus (by default) its alternative PAMs.

    ``pams`` restricts the set to the listed patterns (each must be the canonical PAM or one of
    the nuclease's alternatives).
    """
    nuc = get_nuclease(nuclease)
    table = [(nuc.pam, 1.0), *(nuc.alt_pams if alternative_pams else ())]
    if pams:
        known = {p for p, _ in [(nuc.pam, 1.0), *nuc.alt_pams]}
        wanted = [p.strip().upper() for p in pams]
        unknown = [p for p in wanted if p not in known]
        if unknown:
            raise InputError(
                f"PAM(s) {', '.join(unknown)} are not PAMs of {nuc.name}",
                hint="choose from " + ", ".join(sorted(known)),
            )
        table = [(p, w) for p, w in [(nuc.pam, 1.0), *nuc.alt_pams] if p in wanted]
    return PamSet(tuple(p for p, _ in table), tuple(w for _, w in table), nuc.pam_side)
