"""MaxEntScan splice-site strength (Yeo & Burge 2004), maximum-entropy models only.

- :func:`score5`: a 5' splice site (donor) as 9 nt, 3 exonic + 6 intronic (``CAG|GTAAGT``);
- :func:`score3`: a 3' splice site (acceptor) as 23 nt, 20 intronic + 3 exonic
  (``...TTTTGTAG|GGA``);
- :func:`exon_site_strengths`: both sites of one exon of a pre-mRNA.

Scores are log2 odds ratios (bits), as the MaxEntScan web tools report them. The model factors
are the published tables of Yeo & Burge (``me2x5``; ``me2x3acc1``..``9``), bundled in
``data/splicing/maxentscan_yeo2004.txt.gz`` with their provenance in that folder's SOURCES.md.
How the tables combine (the published method, implemented here from the paper's description of
the decomposition, not from the distributed scripts): the two consensus positions (GT of a
donor, AG of an acceptor) are scored by a consensus-vs-background ratio; the other 7 (donor) or
21 (acceptor) positions by the maximum-entropy distribution, which for the acceptor is a product
of five overlapping 7-mer factors divided by four overlap (3- and 4-mer) factors.

Used by :mod:`vivo.rna.aso` to report the strengths of the targeted exon's splice sites (one
value per exon: it does not reorder the tiles of one exon; see docs/models/aso.md).

>>> round(score5("CAGGTAAGT"), 2)
10.86
>>> round(score3("TTCCAAACGAACTTTTGTAGGGA"), 2)
2.89
"""

from __future__ import annotations

import gzip
import hashlib
import math
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Final

from vivo.core.coords import Interval
from vivo.core.errors import DataError, InputError
from vivo.core.provenance import Citation, ModelInfo

__all__ = ["MAXENT_INFO", "YEO2004", "exon_site_strengths", "score3", "score5"]

YEO2004: Final = Citation(
    key="Yeo2004",
    authors="Yeo G, Burge CB",
    title="Maximum entropy modeling of short sequence motifs with applications to RNA splicing "
    "signals",
    journal="J Comput Biol",
    year=2004,
    doi="10.1089/1066527041410418",
)
MAXENT_INFO: Final = ModelInfo(
    name="MaxEntScan splice-site strength (maximum-entropy models)",
    version="Yeo & Burge 2004 tables me2x5 and me2x3acc1-9",
    citation=YEO2004,
    input_contract="donor: 9 nt (3 exon + 6 intron); acceptor: 23 nt (20 intron + 3 exon); ACGT",
    notes="log2 odds; one value per splice site; consensus GT/AG scored by consensus/background",
)

_FILE: Final = "maxentscan_yeo2004.txt.gz"
_SHA256: Final = "f3f22202934a5d7c397c4a7693a50a102293ee158d0716816bebdec450b9bcd6"
_SIZES: Final = {
    "me2x5": 4**7, **{f"me2x3acc{i}": 4**7 for i in range(1, 6)},
    "me2x3acc6": 4**3, "me2x3acc7": 4**4, "me2x3acc8": 4**3, "me2x3acc9": 4**4,
}  # fmt: skip
_CODE: Final = {"A": 0, "C": 1, "G": 2, "T": 3, "U": 3}
#: background base frequencies and consensus-position frequencies (Yeo & Burge 2004, as used by
#: the published MaxEntScan scorers): donor G (+1) and T (+2); acceptor A (-2) and G (-1).
_BACKGROUND: Final = (0.27, 0.23, 0.23, 0.27)
_DONOR_CONS: Final = ((0.004, 0.0032, 0.9896, 0.0032), (0.0034, 0.0039, 0.0042, 0.9884))
_ACCEPTOR_CONS: Final = ((0.9903, 0.0032, 0.0034, 0.0030), (0.0027, 0.0037, 0.9905, 0.0030))
#: acceptor decomposition over the 21 non-consensus positions: numerator 7-mers and denominator
#: overlaps as (table, start, length)
_ACC_NUM: Final = (("me2x3acc1", 0, 7), ("me2x3acc2", 7, 7), ("me2x3acc3", 14, 7),
                   ("me2x3acc4", 4, 7), ("me2x3acc5", 11, 7))  # fmt: skip
_ACC_DEN: Final = (("me2x3acc6", 4, 3), ("me2x3acc7", 7, 4), ("me2x3acc8", 11, 3),
                   ("me2x3acc9", 14, 4))  # fmt: skip


@cache
def _tables() -> dict[str, tuple[float, ...]]:
    raw = resources.files("vivo.rna").joinpath("data", "splicing", _FILE).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != _SHA256:
        raise DataError(f"bundled {_FILE} has sha256 {digest[:12]}…, not {_SHA256[:12]}…",
                        hint="reinstall vivo; the MaxEntScan tables were altered")  # fmt: skip
    tables: dict[str, tuple[float, ...]] = {}
    lines = gzip.decompress(raw).decode("ascii").splitlines()
    i = 0
    while i < len(lines):
        name, n = lines[i][1:].split("\t")
        tables[name] = tuple(float(v) for v in lines[i + 1 : i + 1 + int(n)])
        i += 1 + int(n)
    if {k: len(v) for k, v in tables.items()} != _SIZES:
        raise DataError(f"{_FILE} does not hold the 10 MaxEntScan tables of the expected sizes")
    return tables


def _codes(seq: str, length: int, what: str) -> list[int]:
    s = seq.upper()
    if len(s) != length:
        raise InputError(f"a MaxEntScan {what} is {length} nt, got {len(s)}")
    bad = sorted({ch for ch in s if ch not in _CODE})
    if bad:
        raise InputError(f"MaxEntScan {what} {seq!r} has letters other than ACGT/U: {bad}")
    return [_CODE[ch] for ch in s]


def _index(codes: list[int]) -> int:
    value = 0
    for c in codes:
        value = value * 4 + c
    return value


def score5(seq: str) -> float:
    """MaxEntScan score (bits) of a donor: 3 exonic + 6 intronic nt, e.g. ``CAGGTAAGT``."""
    c = _codes(seq, 9, "5' splice site")
    cons = (_DONOR_CONS[0][c[3]] * _DONOR_CONS[1][c[4]]
            / (_BACKGROUND[c[3]] * _BACKGROUND[c[4]]))  # fmt: skip
    rest = c[:3] + c[5:]
    return math.log2(cons * _tables()["me2x5"][_index(rest)])


def score3(seq: str) -> float:
    """MaxEntScan score (bits) of an acceptor: 20 intronic + 3 exonic nt (AG at 19-20)."""
    c = _codes(seq, 23, "3' splice site")
    cons = (_ACCEPTOR_CONS[0][c[18]] * _ACCEPTOR_CONS[1][c[19]]
            / (_BACKGROUND[c[18]] * _BACKGROUND[c[19]]))  # fmt: skip
    rest = c[:18] + c[20:]
    t = _tables()
    value = 1.0
    for name, start, n in _ACC_NUM:
        value *= t[name][_index(rest[start : start + n])]
    for name, start, n in _ACC_DEN:
        value /= t[name][_index(rest[start : start + n])]
    return math.log2(cons * value)


def exon_site_strengths(pre: str, exon: Interval) -> tuple[float | None, float | None]:
    """``(acceptor, donor)`` scores of the exon ``[exon.start, exon.end)`` of ``pre``.

    ``None`` where the 23-/9-nt window runs off the sequence or holds other letters (N).
    """

    def safe(fn: Callable[[str], float], window: str) -> float | None:
        try:
            return fn(window)
        except InputError:
            return None

    acc = pre[exon.start - 20 : exon.start + 3] if exon.start >= 20 else ""
    don = pre[exon.end - 3 : exon.end + 6] if exon.end >= 3 else ""
    return (safe(score3, acc) if len(acc) == 23 else None,
            safe(score5, don) if len(don) == 9 else None)  # fmt: skip
