"""Splice-regulatory elements: ESRseq hexamers, FAS-ESS silencers and ESEfinder SR-protein sites.

Three published models, each a numeric table bundled under ``vivo/rna/data/splicing`` (provenance
and checksums in its ``SOURCES.md``):

- **ESRseq** (Ke et al. 2011): a score for every hexamer, its measured effect on exon inclusion when
  placed in an exon (positive: enhancer, negative: silencer, 0: neutral).
- **FAS-hex3** (Wang et al. 2004): 103 exonic splicing silencer hexamers.
- **ESEfinder** (Cartegni et al. 2003): score matrices of the SR proteins SF2/ASF, SC35, SRp40 and
  SRp55 with their default thresholds; a site scoring at or above the threshold is a predicted ESE.

:func:`element_track` scores a sequence once; :meth:`ElementTrack.window` sums the elements that lie
entirely inside a window (the stretch an oligonucleotide would cover). All three models were
measured in exons; applying them to intronic bases is an extrapolation that
``docs/models/splicing_elements.md`` discusses.

>>> track = element_track("GAAGAAGAAGAA")
>>> track.window(0, 12).enhancer > 0
True
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

import numpy as np
import numpy.typing as npt

from vivo.core.errors import DataError
from vivo.core.provenance import Citation, ModelInfo

__all__ = [
    "ESEFINDER_INFO",
    "ESRSEQ_INFO",
    "FAS_ESS_INFO",
    "SR_PROTEINS",
    "ElementTrack",
    "SrSite",
    "WindowElements",
    "element_track",
    "esrseq_scores",
    "fas_ess_mask",
    "sr_protein_sites",
]

KE2011 = Citation(
    key="Ke2011",
    authors="Ke S, Shang S, Kalachikov SM, Morozova I, Yu L, Russo JJ, Ju J, Chasin LA",
    title="Quantitative evaluation of all hexamers as exonic splicing elements",
    journal="Genome Res",
    year=2011,
    doi="10.1101/gr.119628.110",
    pmid="21659425",
)
WANG2004 = Citation(
    key="Wang2004",
    authors="Wang Z, Rolish ME, Yeo G, Tung V, Mawson M, Burge CB",
    title="Systematic identification and analysis of exonic splicing silencers",
    journal="Cell",
    year=2004,
    doi="10.1016/j.cell.2004.11.010",
)
CARTEGNI2003 = Citation(
    key="Cartegni2003",
    authors="Cartegni L, Wang J, Zhu Z, Zhang MQ, Krainer AR",
    title="ESEfinder: a web resource to identify exonic splicing enhancers",
    journal="Nucleic Acids Res",
    year=2003,
    doi="10.1093/nar/gkg616",
)
SMITH2006 = Citation(
    key="Smith2006",
    authors="Smith PJ, Zhang C, Wang J, Chew SL, Zhang MQ, Krainer AR",
    title="An increased specificity score matrix for the prediction of SF2/ASF-specific exonic "
    "splicing enhancers",
    journal="Hum Mol Genet",
    year=2006,
    doi="10.1093/hmg/ddl171",
)

ESRSEQ_INFO: Final = ModelInfo(
    name="ESRseq hexamer scores",
    version="Ke 2011 table (4,096 hexamers)",
    citation=KE2011,
    input_contract="DNA/RNA letters; hexamers with other letters score 0",
    notes="measured in exons; vivo also applies it to intronic bases (extrapolation)",
)
FAS_ESS_INFO: Final = ModelInfo(
    name="FAS-hex3 exonic splicing silencers",
    version="Wang 2004 FAS-hex3 (103 hexamers)",
    citation=WANG2004,
    input_contract="DNA/RNA letters",
)
ESEFINDER_INFO: Final = ModelInfo(
    name="ESEfinder SR-protein matrices",
    version="SF2/ASF, SC35, SRp40, SRp55 with default thresholds",
    citation=CARTEGNI2003,
    input_contract="DNA/RNA letters; sites with other letters are not scored",
    extra_citations=(SMITH2006,),
)

#: SR proteins of the bundled ESEfinder matrices, in file order.
SR_PROTEINS: Final = ("SF2/ASF", "SC35", "SRp40", "SRp55")

_SHA256: Final = {
    "esrseq_ke2011.tsv": "f850dd4e7c5283d0ef925350d01eba9febf319cc50e800583d69ff1f4f86eea0",
    "fas_hex3_wang2004.txt": "8930f375d64fe1f81a9399b5aa48a107c4840fca343f1f3dc5b94fda9613d8b1",
    "esefinder_cartegni2003.json": (
        "8c713b1ad662a124c09a1556772906701234cf2e012f641561c0839c87de4990"
    ),
}
_CODE: Final = {ord(b): i for i, b in enumerate("ACGT")}


def _read(name: str) -> str:
    raw = resources.files("vivo.rna").joinpath("data", "splicing", name).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != _SHA256[name]:
        raise DataError(
            f"bundled splicing table {name} has sha256 {digest[:12]}…, not {_SHA256[name][:12]}…",
            hint="reinstall vivo; see vivo/rna/data/splicing/SOURCES.md",
        )
    return raw.decode("ascii")


@cache
def _esrseq_table() -> npt.NDArray[np.float64]:
    rows = [line.split("\t") for line in _read("esrseq_ke2011.tsv").splitlines()]
    expected = ["".join(p) for p in itertools.product("ACGT", repeat=6)]
    if [r[0] for r in rows] != expected:
        raise DataError("esrseq_ke2011.tsv is not the 4,096 hexamers in ACGT order")
    return np.array([float(r[1]) for r in rows], dtype=np.float64)


@cache
def _fas_table() -> npt.NDArray[np.bool_]:
    mask = np.zeros(4096, dtype=bool)
    for hexamer in _read("fas_hex3_wang2004.txt").split():
        mask[_hexamer_index(hexamer)] = True
    return mask


@cache
def _sr_matrices() -> dict[str, tuple[npt.NDArray[np.float64], float]]:
    data = json.loads(_read("esefinder_cartegni2003.json"))
    return {
        name: (
            np.array([data[name][b] for b in "ACGT"], dtype=np.float64),
            float(data[name]["threshold"]),
        )
        for name in SR_PROTEINS
    }


def _hexamer_index(hexamer: str) -> int:
    idx = 0
    for ch in hexamer:
        idx = idx * 4 + _CODE[ord(ch)]
    return idx


def _codes(seq: str) -> npt.NDArray[np.int64]:
    """0-3 for A, C, G, T/U; -1 for anything else."""
    up = seq.upper().replace("U", "T")
    return np.array([_CODE.get(ord(ch), -1) for ch in up], dtype=np.int64)


def _kmer_index(
    codes: npt.NDArray[np.int64], k: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    n = codes.size - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    windows = np.lib.stride_tricks.sliding_window_view(codes, k)
    valid: npt.NDArray[np.bool_] = np.asarray((windows >= 0).all(axis=1), dtype=bool)
    weights = 4 ** np.arange(k - 1, -1, -1, dtype=np.int64)
    return (np.where(windows >= 0, windows, 0) @ weights).astype(np.int64), valid


def esrseq_scores(seq: str) -> npt.NDArray[np.float64]:
    """ESRseq score of the hexamer starting at each position (``len(seq) - 5`` values).

    Hexamers with letters other than A, C, G, T/U score 0.

    >>> [round(float(x), 3) for x in esrseq_scores("AGAAGA")]
    [1.034]
    """
    idx, valid = _kmer_index(_codes(seq), 6)
    return np.where(valid, _esrseq_table()[idx], 0.0)


def fas_ess_mask(seq: str) -> npt.NDArray[np.bool_]:
    """True where the hexamer starting at that position is a FAS-hex3 silencer.

    >>> fas_ess_mask("GGGGGG").tolist()
    [True]
    """
    idx, valid = _kmer_index(_codes(seq), 6)
    return np.asarray(valid & _fas_table()[idx], dtype=bool)


@dataclass(frozen=True, slots=True)
class SrSite:
    """An ESEfinder site at or above its protein's threshold (0-based half-open in the sequence)."""

    protein: str
    start: int
    end: int
    score: float
    threshold: float

    @property
    def margin(self) -> float:
        """Score above the threshold (>= 0)."""
        return self.score - self.threshold


def sr_protein_sites(seq: str) -> tuple[SrSite, ...]:
    """ESEfinder SR-protein sites of ``seq`` at or above the default thresholds, by position.

    >>> [s.protein for s in sr_protein_sites("CACACGA")]
    ['SF2/ASF']
    """
    codes = _codes(seq)
    sites: list[SrSite] = []
    for name, (matrix, threshold) in _sr_matrices().items():
        k = matrix.shape[1]
        if codes.size < k:
            continue
        windows = np.lib.stride_tricks.sliding_window_view(codes, k)
        valid = (windows >= 0).all(axis=1)
        scores = matrix[np.where(windows >= 0, windows, 0), np.arange(k)].sum(axis=1)
        for start in np.flatnonzero(valid & (scores >= threshold - 1e-9)):
            sites.append(
                SrSite(name, int(start), int(start) + k, round(float(scores[start]), 3), threshold)
            )
    return tuple(sorted(sites, key=lambda s: (s.start, s.protein)))


@dataclass(frozen=True, slots=True)
class WindowElements:
    """Elements lying entirely inside one window.

    ``enhancer`` / ``silencer`` are the sums of positive ESRseq scores and of minus the negative
    ones; ``fas_ess`` counts FAS-hex3 hexamers; ``sr_sites`` counts ESEfinder hits and ``sr_margin``
    sums their scores above threshold.
    """

    enhancer: float
    silencer: float
    fas_ess: int
    sr_sites: int
    sr_margin: float

    def as_dict(self) -> dict[str, float | int]:
        """JSON-ready values, rounded."""
        return {
            "esrseq_enhancer": round(self.enhancer, 3),
            "esrseq_silencer": round(self.silencer, 3),
            "fas_ess_hexamers": self.fas_ess,
            "esefinder_sites": self.sr_sites,
            "esefinder_margin": round(self.sr_margin, 3),
        }


@dataclass(frozen=True, slots=True)
class ElementTrack:
    """Per-position element scores of one sequence, for fast window sums."""

    sequence: str
    esrseq: npt.NDArray[np.float64]
    fas_ess: npt.NDArray[np.bool_]
    sr_sites: tuple[SrSite, ...]

    def window(
        self, start: int, end: int, *, sr_within: tuple[int, int] | None = None
    ) -> WindowElements:
        """Elements entirely inside ``[start, end)``.

        ``sr_within`` restricts the ESEfinder sites to those also inside that interval (ESEfinder
        is an exonic model: pass the exon to ignore intronic hits).
        """
        hexa = self.esrseq[start : max(start, end - 5)]
        lo, hi = sr_within if sr_within is not None else (0, len(self.sequence))
        inside = [s for s in self.sr_sites if s.start >= max(start, lo) and s.end <= min(end, hi)]
        return WindowElements(
            enhancer=float(hexa[hexa > 0].sum()),
            silencer=float(-hexa[hexa < 0].sum()) + 0.0,
            fas_ess=int(self.fas_ess[start : max(start, end - 5)].sum()),
            sr_sites=len(inside),
            sr_margin=float(sum(s.margin for s in inside)),
        )


def element_track(seq: str) -> ElementTrack:
    """Score ``seq`` (DNA or RNA letters) with all three element models."""
    return ElementTrack(seq, esrseq_scores(seq), fas_ess_mask(seq), sr_protein_sites(seq))
