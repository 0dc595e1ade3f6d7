"""Prime editing: pegRNA design for substitutions, small insertions and deletions.

For an :class:`~vivo.editing.edit_site.EditSite`, every SpCas9-family spacer whose nick
(3 nt 5' of the PAM, on the PAM strand) lies 5' of the edit on that strand, within
``max_nick_distance_nt``, is a candidate. For each, vivo enumerates primer-binding-site (PBS)
lengths (default 8-15 nt; Anzalone 2019 explored 8-17, PRIDICT2 uses 7-15) and RT-template
(RTT) lengths (default 10-30 nt, the PrimeDesign range) and keeps the best pair:

* the RTT must copy the edit plus at least ``min_rt_overhang_nt`` of homology 3' of it;
* extensions starting with C are avoided (PrimeDesign ``filter_c1``: it can pair with the
  scaffold); a PBS near 13 nt with 40-60 % GC and an RTT giving ~10-16 nt homology preferred;
* poly-T runs (TTTT, a U6 terminator) in the spacer or extension are flagged.

pegRNAs are ranked as PrimeDesign does: PAM disrupted by the edit first, then the distance of
the edit from the nick. An optional silent PAM edit (synonymous in the reading frame) is added
when the PAM is intact and inside the RTT. PE3 nicking guides lie on the other strand 0-120 bp
from the pegRNA nick (PrimeDesign code default; 40-90 bp preferred); PE3b guides (spacer
matching only the edited allele) rank first. Each design is validated by applying its changes
to the starting genome and translating.

The 3' extension is written 5'->3' as DNA letters (RTT then PBS); the full pegRNA is
spacer + scaffold + extension, ready to order as a DNA template or synthetic RNA.

Examples
--------
>>> from vivo.editing.edit_site import correction_site
>>> r = design_pegrnas(correction_site("HBB c.20A>T"))
>>> p = r.pegrnas[0]
>>> 8 <= p.pbs_length <= 15 and 10 <= p.rtt_length <= 30, p.validation.reaches_goal
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.core.seq import gc_content, iupac_matches, reverse_complement
from vivo.editing.donors import _silent_context
from vivo.editing.edit_site import EditSite, EditValidation, apply_changes
from vivo.editing.guides import Guide, find_guides
from vivo.editing.nucleases import Nuclease, get_nuclease
from vivo.variants.locate import GenomicChange

__all__ = [
    "MODEL_INFO",
    "SPCAS9_SCAFFOLD",
    "NickingGuide",
    "PegRNA",
    "PrimeEditingResult",
    "design_pegrnas",
]

#: The standard S. pyogenes sgRNA scaffold (as DNA), used for pegRNAs by Anzalone et al. 2019.
SPCAS9_SCAFFOLD: Final = (
    "GTTTTAGAGCTAGAAATAGCAAGTTAAAATAAGGCTAGTCCGTTATCAACTTGAAAAAGTGGCACCGAGTCGGTGC"
)
ANZALONE2019: Final = Citation(
    key="Anzalone2019",
    authors="Anzalone AV, Randolph PB, Davis JR, et al.",
    title="Search-and-replace genome editing without double-strand breaks or donor DNA",
    journal="Nature",
    year=2019,
    doi="10.1038/s41586-019-1711-4",
)
HSU2021: Final = Citation(
    key="Hsu2021",
    authors="Hsu JY, Grünewald J, Szalay R, et al.",
    title="PrimeDesign software for rapid and simplified design of prime editing guide RNAs",
    journal="Nat Commun",
    year=2021,
    doi="10.1038/s41467-021-21337-7",
)
MODEL_INFO: Final = ModelInfo(
    name="vivo-pegRNA",
    version="1",
    citation=ANZALONE2019,
    input_contract="an EditSite (substitution, insertion or deletion up to ~40 nt)",
    notes="rule-based ranking compatible with PrimeDesign; no efficiency model",
    extra_citations=(HSU2021,),
)


@dataclass(frozen=True, slots=True)
class NickingGuide:
    """A PE3/PE3b nicking sgRNA on the strand opposite the pegRNA."""

    guide: Guide
    distance_bp: int  # signed: ngRNA nick minus pegRNA nick (plus-strand coordinates)
    kind: str  # "PE3b" (no site on the unedited allele) or "PE3"
    distinguished_by: str = ""  # PE3b: "seed" or "pam"; PE3: "" (or "distal": tolerated)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        return {
            "spacer": self.guide.spacer,
            "pam": self.guide.pam,
            "strand": str(self.guide.strand),
            "distance_bp": self.distance_bp,
            "kind": self.kind,
            "distinguished_by": self.distinguished_by,
        }


@dataclass(frozen=True, slots=True)
class PegRNA:
    """A pegRNA: spacer, PBS, RT template, extension and full sequence, with checks."""

    guide: Guide
    nick_site: int  # plus-strand position p: nick between p-1 and p on the PAM strand
    edit_distance_nt: int  # bases from the nick to the first edited base (PAM strand)
    pbs: str
    rtt: str
    rt_overhang_nt: int
    pam_disrupted: bool
    silent_edits: tuple[GenomicChange, ...]
    flags: tuple[str, ...]
    nicking_guides: tuple[NickingGuide, ...]
    validation: EditValidation

    @property
    def pbs_length(self) -> int:
        """PBS length in nt."""
        return len(self.pbs)

    @property
    def rtt_length(self) -> int:
        """RT-template length in nt."""
        return len(self.rtt)

    @property
    def extension(self) -> str:
        """The 3' extension 5'->3' (RTT then PBS), DNA letters."""
        return self.rtt + self.pbs

    @property
    def spacer_for_u6(self) -> str:
        """The spacer with a 5' G added when it lacks one (U6 transcription start)."""
        s = self.guide.spacer
        return s if s.startswith("G") else "G" + s

    @property
    def full_sequence(self) -> str:
        """Spacer (with 5' G for U6) + scaffold + extension, 5'->3' (DNA letters)."""
        return self.spacer_for_u6 + SPCAS9_SCAFFOLD + self.extension

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        return {
            "spacer": self.guide.spacer,
            "pam": self.guide.pam,
            "strand": str(self.guide.strand),
            "guide_id": self.guide.guide_id,
            "edit_distance_nt": self.edit_distance_nt,
            "pbs": self.pbs,
            "pbs_length": self.pbs_length,
            "rtt": self.rtt,
            "rtt_length": self.rtt_length,
            "rt_overhang_nt": self.rt_overhang_nt,
            "extension": self.extension,
            "full_sequence": self.full_sequence,
            "pam_disrupted": self.pam_disrupted,
            "silent_edits": [c.to_vcf_like() for c in self.silent_edits],
            "flags": list(self.flags),
            "nicking_guides": [n.to_dict() for n in self.nicking_guides[:5]],
            "validation": self.validation.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class PrimeEditingResult:
    """Ranked pegRNAs for a site, or why there are none."""

    site: EditSite
    pegrnas: tuple[PegRNA, ...]
    notes: tuple[str, ...]
    model: ModelInfo = MODEL_INFO

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "site": self.site.to_dict(),
            "pegrnas": [p.to_dict() for p in self.pegrnas],
            "notes": list(self.notes),
            "model": self.model.as_dict(),
        }


def _nick_distance(g: Guide, d: GenomicChange) -> int | None:
    """Bases from the nick to the edit on the PAM strand (None if the edit is 5' of it)."""
    if g.strand is Strand.PLUS:
        return d.start - g.cut_site if d.start >= g.cut_site else None
    return g.cut_site - d.end if d.end <= g.cut_site else None


def _template(site: EditSite, g: Guide, changes: list[GenomicChange], n: int) -> str:
    """The edited PAM-strand sequence starting at the nick, ``n`` nt (5'->3')."""
    edited = apply_changes(site.start_genome, changes)
    delta = sum(c.delta for c in changes)
    if g.strand is Strand.PLUS:
        return edited.fetch_region(site.contig, g.cut_site, g.cut_site + n).upper()
    nick = g.cut_site + delta
    return reverse_complement(edited.fetch_region(site.contig, nick - n, nick).upper())


def _pbs(site: EditSite, g: Guide, n: int) -> str:
    """PBS: reverse complement of the ``n`` PAM-strand bases 5' of the nick."""
    if g.strand is Strand.PLUS:
        return reverse_complement(site.start_genome.fetch_region(site.contig, g.cut_site - n,
                                                                  g.cut_site).upper())  # fmt: skip
    return site.start_genome.fetch_region(site.contig, g.cut_site, g.cut_site + n).upper()


def _pam_disrupted(site: EditSite, g: Guide, nuc: Nuclease, changes: list[GenomicChange]) -> bool:
    if any(c.delta and g.pam_interval.overlaps(Interval(c.start, c.end + 1)) for c in changes):
        return True
    subs = [
        c for c in changes if c.delta == 0 and g.pam_interval.contains(Interval(c.start, c.end))
    ]
    if not subs:
        return False
    pam = apply_changes(site.start_genome, subs).fetch(
        Locus(site.contig, g.pam_interval, g.strand)
    ).upper()  # fmt: skip
    return not iupac_matches(nuc.pam, pam)


def _silent_pam_edit(site: EditSite, g: Guide, nuc: Nuclease) -> GenomicChange | None:
    edited = apply_changes(site.start_genome, [site.desired])
    goal = site.validate(site.desired).edited_protein
    pam_pos = list(g.pam_interval)
    if g.strand is Strand.MINUS:
        pam_pos = pam_pos[::-1]
    for pos, code in zip(pam_pos, nuc.pam, strict=True):
        if code == "N" or Interval(site.desired.start, site.desired.end + 1).overlaps(
            Interval(pos, pos + 1)
        ):
            continue
        ref = site.start_genome.fetch_region(site.contig, pos, pos + 1).upper()
        for alt in "ACGT":
            change = GenomicChange(site.contig, pos, ref, alt)
            if (
                alt != ref
                and _silent_context(site, edited, change) is not None
                and _pam_disrupted(site, g, nuc, [change])
                and site.validate([site.desired, change]).edited_protein == goal
            ):
                return change
    return None


def _choose_lengths(
    site: EditSite, g: Guide, changes: list[GenomicChange],
    pbs_range: tuple[int, int], rtt_range: tuple[int, int], min_overhang: int,
) -> tuple[str, str, int] | None:  # fmt: skip
    """(PBS, RTT, overhang): PBS nearest 13 nt with 40-60 % GC; RTT with ~13 nt homology 3'
    of the last change, avoiding a C at the extension's 5' end."""
    last = max(_edit_end_on_strand(g, c, changes) for c in changes)
    pbs_opts = [_pbs(site, g, n) for n in range(pbs_range[0], pbs_range[1] + 1)]
    pbs = min(pbs_opts, key=lambda p: abs(len(p) - 13) + (0 if 0.4 <= gc_content(p) <= 0.6 else 3))
    best: tuple[float, str, int] | None = None
    for n in range(rtt_range[0], rtt_range[1] + 1):
        overhang = n - last
        if overhang < min_overhang:
            continue
        rtt = reverse_complement(_template(site, g, changes, n))
        penalty = (5.0 if rtt.startswith("C") else 0.0) + abs(overhang - 13) / 10
        if best is None or penalty < best[0]:
            best = (penalty, rtt, overhang)
    return None if best is None else (pbs, best[1], best[2])


def _edit_end_on_strand(g: Guide, c: GenomicChange, changes: list[GenomicChange]) -> int:
    """Bases from the nick to the far end of change ``c`` on the edited PAM strand."""
    if g.strand is Strand.PLUS:
        left = sum(x.delta for x in changes if x.start < c.start)
        return c.start + left + len(c.alt) - g.cut_site
    return g.cut_site - c.start + sum(x.delta for x in changes if x.start >= c.start)


def _flags(g: Guide, pbs: str, rtt: str) -> tuple[str, ...]:
    flags = []
    if "TTTT" in g.spacer:
        flags.append("poly_t_spacer")
    if "TTTT" in rtt + pbs:
        flags.append("poly_t_extension")
    if rtt.startswith("C"):
        flags.append("extension_starts_with_C")
    if not 0.3 <= gc_content(pbs) <= 0.7:
        flags.append("pbs_gc_extreme")
    if not g.spacer.startswith("G"):
        flags.append("5prime_G_added")
    return tuple(flags)


#: PAM-proximal spacer bases whose mismatches block Cas9 (Jinek 2012; Cong 2013).
SEED_NT: Final = 10


def _allele_difference(ng: Guide, nuc: Nuclease, unedited: str) -> str:
    """How the unedited allele (``unedited``, on ``ng``'s strand) keeps ``ng`` off it.

    ``""``: it has a site with the same spacer and a PAM (``ng`` nicks it too);
    ``"distal"``: a site whose seed and PAM match, mismatched PAM-distal only (tolerated);
    ``"pam"``: the seed matches but no PAM follows it; ``"seed"``: the seed is absent.
    """
    seed, n_sp, n_pam = ng.spacer[-SEED_NT:], len(ng.spacer), len(nuc.pam)
    found = "seed"
    start = unedited.find(seed)
    while start >= 0:
        pam = unedited[start + SEED_NT : start + SEED_NT + n_pam]
        if len(pam) == n_pam and iupac_matches(nuc.pam, pam):
            head = start + SEED_NT - n_sp
            if head >= 0 and unedited[head : start + SEED_NT] == ng.spacer:
                return ""
            found = "distal"
        elif found == "seed":
            found = "pam"
        start = unedited.find(seed, start + 1)
    return found


def _nicking_guides(
    site: EditSite, g: Guide, nuc: Nuclease, changes: list[GenomicChange], max_bp: int
) -> tuple[NickingGuide, ...]:
    """Guides on the other strand of the edited allele; PE3b when the unedited has no site."""
    edited = apply_changes(site.start_genome, changes)
    nick = g.cut_site if g.strand is Strand.PLUS else g.cut_site + sum(c.delta for c in changes)
    length = edited.contig_length(site.contig)
    lo, hi = max(0, nick - max_bp - 30), min(length, nick + max_bp + 30)
    start_len = site.start_genome.contig_length(site.contig)
    before = {
        strand: site.start_genome.fetch(
            Locus(site.contig, Interval(max(0, lo - 50), min(start_len, hi + 50)), strand)
        ).upper()
        for strand in Strand
    }
    out = []
    for ng in find_guides(edited, Locus(site.contig, Interval(lo, hi)), nuc):
        dist = ng.cut_site - nick
        if ng.strand is g.strand or abs(dist) > max_bp:
            continue
        why = _allele_difference(ng, nuc, before[ng.strand])
        kind = "PE3b" if why in {"seed", "pam"} else "PE3"
        out.append(NickingGuide(ng, dist, kind, why))
    out.sort(key=lambda n: (n.kind != "PE3b", 0 if 40 <= abs(n.distance_bp) <= 90 else 1,
                            abs(n.distance_bp)))  # fmt: skip
    return tuple(out)


def design_pegrnas(
    site: EditSite,
    *,
    nuclease: str | Nuclease = "SpCas9",
    pbs_range: tuple[int, int] = (8, 15),
    rtt_range: tuple[int, int] = (10, 30),
    min_rt_overhang_nt: int = 7,
    max_nick_distance_nt: int = 25,
    nicking_max_bp: int = 120,
    silent_pam_edit: bool = True,
    max_designs: int = 20,
) -> PrimeEditingResult:
    """pegRNAs (and PE3/PE3b nicking guides) that make ``site.desired``.

    Parameters
    ----------
    site:
        The edit; its starting genome is what the pegRNA acts on.
    nuclease:
        A 3'-PAM nuclease (default SpCas9).
    pbs_range, rtt_range:
        Inclusive PBS and RTT lengths (defaults 8-15 and 10-30 nt).
    min_rt_overhang_nt:
        Least homology the RTT must copy 3' of the edit.
    max_nick_distance_nt:
        Largest nick-to-edit distance (PRIDICT2 designs edits <= 25 nt from the PAM side).
    nicking_max_bp:
        PE3 search range from the pegRNA nick (PrimeDesign default 120).
    silent_pam_edit:
        Add a synonymous PAM mutation when the edit leaves the PAM intact.
    max_designs:
        Keep the best pegRNAs only.
    """
    nuc = get_nuclease(nuclease)
    if nuc.pam_side != "3prime":
        raise InputError(
            f"prime editing is designed here for 3'-PAM Cas9 nickases, not {nuc.name}",
            hint="use SpCas9, SpCas9-NG or SpRY",
        )
    _check_ranges(pbs_range, rtt_range)
    d = site.desired
    span = Interval(max(0, d.start - max_nick_distance_nt - 25), d.end + max_nick_distance_nt + 25)
    guides = find_guides(site.start_genome, Locus(site.contig, span), nuc)
    pegs: list[PegRNA] = []
    for g in guides:
        dist = _nick_distance(g, d)
        if dist is None or dist > max_nick_distance_nt:
            continue
        peg = _design_one(site, g, nuc, dist, pbs_range, rtt_range, min_rt_overhang_nt,
                          nicking_max_bp, silent_pam_edit)  # fmt: skip
        if peg is not None:
            pegs.append(peg)
    pegs.sort(key=lambda p: (not p.pam_disrupted and not p.silent_edits, p.edit_distance_nt,
                             len(p.flags), abs(p.pbs_length - 13)))  # fmt: skip
    notes = []
    if not pegs:
        notes.append(
            f"no design possible: no {nuc.name} nick lies within {max_nick_distance_nt} nt 5' "
            "of the edit with an RT template in range; try SpRY or a longer RTT range"
        )
    return PrimeEditingResult(site, tuple(pegs[:max_designs]), tuple(notes))


def _check_ranges(pbs: tuple[int, int], rtt: tuple[int, int]) -> None:
    if not 4 <= pbs[0] <= pbs[1] <= 20:
        raise InputError(f"PBS range {pbs} must lie within 4-20 nt", hint="default 8-15")
    if not 5 <= rtt[0] <= rtt[1] <= 80:
        raise InputError(f"RTT range {rtt} must lie within 5-80 nt", hint="default 10-30")


def _design_one(
    site: EditSite, g: Guide, nuc: Nuclease, dist: int, pbs_range: tuple[int, int],
    rtt_range: tuple[int, int], min_overhang: int, nicking_max_bp: int, silent: bool,
) -> PegRNA | None:  # fmt: skip
    changes = [site.desired]
    disrupted = _pam_disrupted(site, g, nuc, changes)
    extra: tuple[GenomicChange, ...] = ()
    if not disrupted and silent:
        pam_edit = _silent_pam_edit(site, g, nuc)
        if pam_edit is not None:
            extra = (pam_edit,)
    all_changes = [*changes, *extra]
    chosen = _choose_lengths(site, g, all_changes, pbs_range, rtt_range, min_overhang)
    if chosen is None and extra:  # the PAM edit may lie beyond the RTT range; drop it
        extra, all_changes = (), changes
        chosen = _choose_lengths(site, g, all_changes, pbs_range, rtt_range, min_overhang)
    if chosen is None:
        return None
    pbs, rtt, overhang = chosen
    return PegRNA(
        guide=g, nick_site=g.cut_site, edit_distance_nt=dist, pbs=pbs, rtt=rtt,
        rt_overhang_nt=overhang, pam_disrupted=disrupted, silent_edits=extra,
        flags=_flags(g, pbs, rtt),
        nicking_guides=_nicking_guides(site, g, nuc, all_changes, nicking_max_bp),
        validation=site.validate(all_changes),
    )  # fmt: skip
