"""Sequence-hygiene scans for cassettes and codon optimisation.

Cryptic polyadenylation signals (the canonical AATAAA and its most common variant ATTAAA),
splice-site consensus matches, CpG counts, homopolymer runs and restriction sites. The splice
scans are consensus heuristics (donor MAG|GTRAGT, acceptor: pyrimidine tract + CAG; Shapiro &
Senapathy 1987), not a splice-strength model.

Examples
--------
>>> count_cpg("ACGTTCGA")
2
>>> find_polya_signals("GGAATAAAGG")
[2]
>>> longest_homopolymer("ACGTTTTTG")
('T', 5, 3)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from Bio.Restriction import RestrictionBatch  # type: ignore[attr-defined]
from Bio.Seq import Seq

from vivo.core.errors import InputError

__all__ = [
    "DEFAULT_ENZYMES",
    "POLYA_SIGNALS",
    "MotifScan",
    "count_cpg",
    "find_homopolymers",
    "find_polya_signals",
    "find_restriction_sites",
    "find_splice_acceptors",
    "find_splice_donors",
    "longest_homopolymer",
    "scan_motifs",
]

#: Canonical polyA signal and its most frequent variant (Beaudoing et al. 2000, Genome Res).
POLYA_SIGNALS: Final[tuple[str, ...]] = ("AATAAA", "ATTAAA")
_DONOR: Final = re.compile(r"(?=[AC]AGGT[AG]AGT)")
_ACCEPTOR: Final = re.compile(r"(?=[CT]{12}[ACGT]{0,3}CAG[AG])")
#: Enzymes scanned by default: common cloning and Golden Gate enzymes.
DEFAULT_ENZYMES: Final[tuple[str, ...]] = (
    "EcoRI", "BamHI", "HindIII", "NotI", "XbaI", "XhoI", "SalI", "NheI", "KpnI", "MluI",
    "AgeI", "SpeI", "PacI", "AscI", "EcoRV", "BsaI", "BsmBI",
)  # fmt: skip


def count_cpg(seq: str) -> int:
    """Number of CpG dinucleotides (case-insensitive)."""
    return seq.upper().count("CG")


def _positions(regex: re.Pattern[str], seq: str) -> list[int]:
    return [m.start() for m in regex.finditer(seq.upper())]


def find_polya_signals(seq: str) -> list[int]:
    """0-based starts of AATAAA/ATTAAA on the given strand."""
    pattern = re.compile("(?=" + "|".join(POLYA_SIGNALS) + ")")
    return _positions(pattern, seq)


def find_splice_donors(seq: str) -> list[int]:
    """0-based starts of strong 5' splice-site consensus matches (MAGGTRAGT)."""
    return _positions(_DONOR, seq)


def find_splice_acceptors(seq: str) -> list[int]:
    """0-based starts of 3' splice-site-like motifs (12-nt pyrimidine tract, then CAG)."""
    return _positions(_ACCEPTOR, seq)


def find_homopolymers(seq: str, *, min_length: int) -> list[tuple[str, int, int]]:
    """Runs of one base at least ``min_length`` long: (base, length, 0-based start)."""
    if min_length < 2:
        raise InputError(f"min_length must be >= 2, got {min_length}")
    return [
        (m.group(0)[0], len(m.group(0)), m.start())
        for m in re.finditer(r"A+|C+|G+|T+", seq.upper())
        if len(m.group(0)) >= min_length
    ]


def longest_homopolymer(seq: str) -> tuple[str, int, int]:
    """The longest run of one base: (base, length, 0-based start); ('', 0, 0) if empty."""
    runs = find_homopolymers(seq, min_length=2) if len(seq) > 1 else []
    if not runs:
        return (seq[:1].upper(), len(seq[:1]), 0)
    return max(runs, key=lambda r: (r[1], -r[2]))


def find_restriction_sites(
    seq: str, enzymes: Iterable[str] = DEFAULT_ENZYMES, *, circular: bool = False
) -> dict[str, list[int]]:
    """0-based cut positions per enzyme (Biopython's REBASE data); unknown enzyme → InputError."""
    names = list(enzymes)
    try:
        batch = RestrictionBatch(names)
    except ValueError as exc:
        raise InputError(f"unknown restriction enzyme in {names}: {exc}") from exc
    up = seq.upper()
    found = batch.search(Seq(up), linear=not circular)
    out: dict[str, list[int]] = {}
    for enz, pos in sorted(found.items(), key=str):
        span = enz.size + abs(enz.fst5 or 0) + abs(enz.fst3 or 0) + 1
        # Sites that touch N (a placeholder or unknown base) are not real sites.
        out[str(enz)] = sorted(
            p - 1 for p in pos if "N" not in up[max(0, p - 1 - span) : p - 1 + span]
        )
    return out


@dataclass(frozen=True, slots=True)
class MotifScan:
    """A hygiene summary of one sequence (positions 0-based)."""

    length_bp: int
    gc_fraction: float
    cpg_count: int
    cpg_per_kb: float
    polya_signals: tuple[int, ...]
    splice_donors: tuple[int, ...]
    splice_acceptors: tuple[int, ...]
    homopolymers: tuple[tuple[str, int, int], ...]
    restriction_sites: dict[str, list[int]]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view."""
        return {
            "length_bp": self.length_bp,
            "gc_fraction": round(self.gc_fraction, 4),
            "cpg_count": self.cpg_count,
            "cpg_per_kb": round(self.cpg_per_kb, 2),
            "polya_signals": list(self.polya_signals),
            "splice_donors": list(self.splice_donors),
            "splice_acceptors": list(self.splice_acceptors),
            "homopolymers": [list(h) for h in self.homopolymers],
            "restriction_sites": self.restriction_sites,
        }


def scan_motifs(
    seq: str, *, max_homopolymer: int = 6, enzymes: Iterable[str] = DEFAULT_ENZYMES
) -> MotifScan:
    """Scan ``seq`` for everything a cassette or codon report lists."""
    from vivo.core.seq import gc_content

    up = seq.upper()
    cpg = count_cpg(up)
    return MotifScan(
        len(up),
        gc_content(up),
        cpg,
        1000 * cpg / len(up) if up else 0.0,
        tuple(find_polya_signals(up)),
        tuple(find_splice_donors(up)),
        tuple(find_splice_acceptors(up)),
        tuple(find_homopolymers(up, min_length=max_homopolymer + 1)),
        find_restriction_sites(up, enzymes) if up else {},
    )
