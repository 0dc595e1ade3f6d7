"""TALEN pairs: left and right TALE binding sites flanking a target, with their RVD arrays.

A TALEN pair is two TALE-FokI fusions binding opposite strands, head to head, across a
spacer; FokI dimerises in the spacer and cuts near its middle. The rules applied here:

* each binding site is preceded (5') by a **T** on the strand it binds (the "T0" rule:
  without it TALEN activity drops up to ~10-fold, Lamb et al. 2013); on the plus strand the
  right TALEN's T0 reads as an **A** just 3' of its site;
* binding-site length **15-20 bp** by default (one RVD per base; the last repeat is the
  half repeat), within the 12-31 RVD range of the Golden Gate kit (Cermak et al. 2011);
* spacer **13-20 bp** by default (GoldyTALEN, Ma et al. 2013); other scaffolds differ, so
  both ranges are options;
* RVD code: NI = A, HD = C, NG = T, NN = G (NN also binds A; ``g_rvd="NK"`` or ``"NH"``
  trades activity for G specificity; Boch et al. 2009, Moscou & Bogdanove 2009, Lin 2014).

Pairs are ranked by the distance from the spacer centre to the target, then by how well
they follow the Cermak 2011 composition guidelines (reported as flags, not filters).

Examples
--------
>>> rvd_array("TACGT")
('NG', 'NI', 'HD', 'NN', 'NG')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.core.seq import reverse_complement
from vivo.genome.base import GenomeBase

__all__ = [
    "MODEL_INFO",
    "RVD_CODE",
    "TaleSite",
    "TalenPair",
    "find_talen_pairs",
    "rvd_array",
]

CERMAK2011: Final = Citation(
    key="Cermak2011",
    authors="Cermak T, Doyle EL, Christian M, et al.",
    title="Efficient design and assembly of custom TALEN and other TAL effector-based "
    "constructs for DNA targeting",
    journal="Nucleic Acids Res",
    year=2011,
    doi="10.1093/nar/gkr218",
)
LAMB2013: Final = Citation(
    key="Lamb2013",
    authors="Lamb BM, Mercer AC, Barbas CF 3rd",
    title="Directed evolution of the TALE N-terminal domain for recognition of all 5' bases",
    journal="Nucleic Acids Res",
    year=2013,
    doi="10.1093/nar/gkt754",
)
MA2013: Final = Citation(
    key="Ma2013",
    authors="Ma AC, Lee HB, Clark KJ, Ekker SC",
    title="High efficiency in vivo genome engineering with a simplified 15-RVD GoldyTALEN design",
    journal="PLoS One",
    year=2013,
    doi="10.1371/journal.pone.0065259",
)
MODEL_INFO: Final = ModelInfo(
    name="vivo-talen",
    version="1",
    citation=CERMAK2011,
    input_contract="a genome locus or target position; binding 15-20 bp, spacer 13-20 bp",
    notes="T0 rule enforced; Cermak composition rules as flags; RVD NI/HD/NG/NN",
    extra_citations=(LAMB2013, MA2013),
)

GRvd = Literal["NN", "NK", "NH"]
#: Repeat-variable diresidue for each base (G configurable).
RVD_CODE: Final[dict[str, str]] = {"A": "NI", "C": "HD", "T": "NG", "G": "NN"}


def rvd_array(site: str, *, g_rvd: GRvd = "NN") -> tuple[str, ...]:
    """RVDs (N-terminal first) that bind ``site`` read 5'->3' on the bound strand."""
    code = {**RVD_CODE, "G": g_rvd}
    up = site.upper()
    bad = sorted(set(up) - set(code))
    if bad:
        raise InputError(
            f"cannot build an RVD array over ambiguous bases {''.join(bad)}",
            hint="TALE repeats need A, C, G or T at every position",
        )
    return tuple(code[b] for b in up)


@dataclass(frozen=True, slots=True)
class TaleSite:
    """One TALE binding site. ``interval`` excludes the T0 base; ``sequence`` is 5'->3' on the
    bound strand (``strand``), ``rvds`` bind it N-terminal first."""

    strand: Strand
    interval: Interval
    sequence: str
    rvds: tuple[str, ...]

    @property
    def repeats(self) -> float:
        """Repeat count as usually written (the last repeat is a half repeat)."""
        return len(self.rvds) - 0.5


@dataclass(frozen=True, slots=True)
class TalenPair:
    """A left (plus strand) and right (minus strand) TALE site around a spacer."""

    contig: str
    left: TaleSite
    right: TaleSite
    spacer: Interval
    target_distance_bp: int  # from the spacer centre to the target (0 = centred)
    flags: tuple[str, ...]

    @property
    def spacer_length(self) -> int:
        """Spacer length in bp."""
        return len(self.spacer)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record (1-based coordinates for people)."""
        return {
            "contig": self.contig,
            "left_site": self.left.sequence,
            "left_start_1based": self.left.interval.start + 1,
            "left_rvds": " ".join(self.left.rvds),
            "right_site": self.right.sequence,
            "right_end_1based": self.right.interval.end,
            "right_rvds": " ".join(self.right.rvds),
            "spacer_length": self.spacer_length,
            "spacer_start_1based": self.spacer.start + 1,
            "target_distance_bp": self.target_distance_bp,
            "flags": list(self.flags),
        }


def _composition_flags(site: str) -> list[str]:
    """Cermak 2011 guidelines (first base not T, second not A, last base T) as flags."""
    flags = []
    if site[0] == "T":
        flags.append("first_base_T")
    if len(site) > 1 and site[1] == "A":
        flags.append("second_base_A")
    if site[-1] != "T":
        flags.append("last_base_not_T")
    return flags


def _check_ranges(lengths: tuple[int, int], spacers: tuple[int, int]) -> None:
    if not 12 <= lengths[0] <= lengths[1] <= 31:
        raise InputError(
            f"binding-site lengths {lengths} are outside 12-31 bp",
            hint="TALE arrays of 12-31 RVDs can be assembled (Cermak 2011); default 15-20",
        )
    if not 1 <= spacers[0] <= spacers[1] <= 40:
        raise InputError(f"spacer range {spacers} must satisfy 1 <= min <= max <= 40")


def find_talen_pairs(
    genome: GenomeBase,
    *,
    contig: str,
    target: int | Interval,
    site_lengths: tuple[int, int] = (15, 20),
    spacer_range: tuple[int, int] = (13, 20),
    g_rvd: GRvd = "NN",
    max_pairs: int = 50,
) -> list[TalenPair]:
    """TALEN pairs whose spacer covers ``target`` (a 0-based position or interval).

    Parameters
    ----------
    genome, contig:
        Where to design.
    target:
        The base(s) to cut near; the spacer must contain them.
    site_lengths, spacer_range:
        Inclusive ranges in bp (defaults 15-20 and 13-20).
    g_rvd:
        RVD for G (``NN`` default; ``NK``/``NH`` are more specific, less active).
    max_pairs:
        Keep the best ``max_pairs`` (ranked by centring, then composition flags).

    Returns
    -------
    list[TalenPair]
        Empty when no pair satisfies the T0 rule around the target.

    Examples
    --------
    >>> from vivo.genome.bundled import beta_globin_locus
    >>> g = beta_globin_locus().genome
    >>> best = find_talen_pairs(g, contig="U01317.1", target=62205)[0]
    >>> best.spacer.start <= 62205 < best.spacer.end, best.left.sequence[:1] != ""
    (True, True)
    """
    _check_ranges(site_lengths, spacer_range)
    iv = target if isinstance(target, Interval) else Interval(target, target + 1)
    lo_len, hi_len = site_lengths
    reach = hi_len + spacer_range[1] + 2
    lo = max(0, iv.start - reach)
    hi = min(genome.contig_length(contig), iv.end + reach)
    seq = genome.fetch(Locus(contig, Interval(lo, hi))).upper()
    pairs: list[TalenPair] = []
    for s_start in range(iv.end - spacer_range[1], iv.start + 1):
        for s_len in range(spacer_range[0], spacer_range[1] + 1):
            s_end = s_start + s_len
            if s_start > iv.start or s_end < iv.end:
                continue
            pair = _best_pair(seq, lo, contig, Interval(s_start, s_end), (lo_len, hi_len), g_rvd)
            if pair is not None:
                centre2 = s_start + s_end - 1  # twice the spacer centre
                dist = abs(centre2 - (iv.start + iv.end - 1)) // 2
                pairs.append(_with_distance(pair, dist))
    pairs.sort(key=lambda p: (p.target_distance_bp, len(p.flags), -len(p.left.rvds)))
    return pairs[:max_pairs]


def _with_distance(p: TalenPair, dist: int) -> TalenPair:
    return TalenPair(p.contig, p.left, p.right, p.spacer, dist, p.flags)


def _best_pair(
    seq: str, offset: int, contig: str, spacer: Interval, lengths: tuple[int, int], g_rvd: GRvd
) -> TalenPair | None:
    """The pair around ``spacer`` with the fewest flags (longest sites on ties), or None."""
    best: TalenPair | None = None
    for n_left in range(lengths[1], lengths[0] - 1, -1):
        left = _left_site(seq, offset, spacer.start, n_left, g_rvd)
        if left is None:
            continue
        for n_right in range(lengths[1], lengths[0] - 1, -1):
            right = _right_site(seq, offset, spacer.end, n_right, g_rvd)
            if right is None:
                continue
            flags = tuple(
                [f"left:{f}" for f in _composition_flags(left.sequence)]
                + [f"right:{f}" for f in _composition_flags(right.sequence)]
            )
            cand = TalenPair(contig, left, right, spacer, 0, flags)
            if best is None or len(flags) < len(best.flags):
                best = cand
    return best


def _left_site(seq: str, offset: int, spacer_start: int, n: int, g_rvd: GRvd) -> TaleSite | None:
    start = spacer_start - n
    t0 = start - 1 - offset
    if t0 < 0 or seq[t0] != "T":
        return None
    site = seq[start - offset : spacer_start - offset]
    if set(site) - set("ACGT"):
        return None
    return TaleSite(Strand.PLUS, Interval(start, spacer_start), site, rvd_array(site, g_rvd=g_rvd))


def _right_site(seq: str, offset: int, spacer_end: int, n: int, g_rvd: GRvd) -> TaleSite | None:
    end = spacer_end + n
    t0 = end - offset  # the base just 3' of the site on the plus strand; T on the minus strand
    if t0 >= len(seq) or seq[t0] != "A":
        return None
    plus = seq[spacer_end - offset : end - offset]
    if set(plus) - set("ACGT"):
        return None
    site = reverse_complement(plus)
    return TaleSite(Strand.MINUS, Interval(spacer_end, end), site, rvd_array(site, g_rvd=g_rvd))
