"""HDR donor design: guides by cut-to-edit distance, ssODN and long dsDNA donors, re-cut blocking.

For a desired change (:class:`~vivo.editing.edit_site.EditSite`) vivo

1. finds the guides (any nuclease of :mod:`vivo.editing.nucleases`) whose cut lies within
   ``max_cut_distance_bp`` of the edit (default 10 bp; HDR falls with distance, Paquet 2016);
2. checks whether the edit itself destroys the PAM or puts >= 2 mismatches in the seed (the 10
   PAM-proximal nt); if not, adds silent blocking mutations - in the PAM first, otherwise in
   the seed - each checked to be synonymous in the reading frame of the transcript (or in an
   intron outside the splice region; UTR and splice-region bases are never used);
3. writes a single-stranded oligo donor (default Richardson et al. 2016: complementary to the
   non-target strand, 36 nt PAM-distal / 91 nt PAM-proximal of the cut; presets below) and a
   long double-stranded donor with homology arms of a chosen length (default 800 bp, within the
   500-1,000 bp of common practice), both carrying the edit and the blocking mutations;
4. validates the design by applying all its changes to the starting genome and translating.

Examples
--------
>>> from vivo.editing.edit_site import correction_site
>>> r = design_donors(correction_site("HBB c.20A>T"))
>>> d = r.designs[0]
>>> d.cut_to_edit_bp <= 10, d.validation.reaches_goal, len(d.ssodn.sequence)
(True, True, 127)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import InputError
from vivo.core.seq import iupac_matches, reverse_complement, translate
from vivo.editing.edit_site import EditSite, EditValidation, apply_changes, codon_of
from vivo.editing.guides import Guide, find_guides
from vivo.editing.nucleases import Nuclease, get_nuclease
from vivo.variants.locate import GenomicChange

__all__ = [
    "SSODN_PRESETS",
    "BlockingMutation",
    "Donor",
    "DonorDesign",
    "DonorResult",
    "design_donors",
    "donor_records",
]

Preset = Literal["richardson2016", "liang2017", "symmetric"]
#: ssODN presets: (arm A, arm B, how arms are measured, donor strand).
#: richardson2016: 36 nt PAM-distal / 91 nt PAM-proximal of the cut, donor = target strand
#: (complementary to the non-target strand); liang2017: 50 nt 5' / 30 nt 3' of the change in
#: the donor's orientation (">40 nt 5', 30 nt 3'"); symmetric: 60 / 60 around the change.
SSODN_PRESETS: Final[dict[str, tuple[int, int, str, str]]] = {
    "richardson2016": (36, 91, "cut", "target"),
    "liang2017": (50, 30, "edit", "target"),
    "symmetric": (60, 60, "edit", "target"),
}
SEED_NT: Final = 10
SPLICE_REGION_NT: Final = 8


@dataclass(frozen=True, slots=True)
class BlockingMutation:
    """A silent change that stops the nuclease re-cutting the edited allele."""

    change: GenomicChange
    where: Literal["pam", "seed"]
    context: str  # "codon 8 GAG>GAA (E, synonymous)", "intron" or "intergenic"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        return {"change": self.change.to_vcf_like(), "where": self.where, "context": self.context}


@dataclass(frozen=True, slots=True)
class Donor:
    """A donor sequence with its homology arms (lengths in nt of unchanged homology)."""

    kind: Literal["ssODN", "dsDNA"]
    sequence: str  # 5'->3'
    strand: Strand  # the genomic strand the sequence reads along
    interval: Interval  # starting-genome span covered (plus strand)
    arm_5prime_nt: int  # homology 5' of the first change, in the donor's orientation
    arm_3prime_nt: int
    preset: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        return {
            "kind": self.kind,
            "sequence": self.sequence,
            "length_nt": len(self.sequence),
            "strand": str(self.strand),
            "start_1based": self.interval.start + 1,
            "end_1based": self.interval.end,
            "arm_5prime_nt": self.arm_5prime_nt,
            "arm_3prime_nt": self.arm_3prime_nt,
            "preset": self.preset,
        }


@dataclass(frozen=True, slots=True)
class DonorDesign:
    """A guide with its donors, blocking mutations and validation."""

    guide: Guide
    cut_to_edit_bp: int
    blocked_by_edit: bool
    blocking: tuple[BlockingMutation, ...]
    ssodn: Donor
    dsdna: Donor | None
    validation: EditValidation
    notes: tuple[str, ...]

    @property
    def changes(self) -> tuple[GenomicChange, ...]:
        """All changes the donor carries (edit + blocking), starting-genome coordinates."""
        return self.validation.changes

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        return {
            "guide": self.guide.to_dict(),
            "cut_to_edit_bp": self.cut_to_edit_bp,
            "blocked_by_edit": self.blocked_by_edit,
            "blocking_mutations": [b.to_dict() for b in self.blocking],
            "ssodn": self.ssodn.to_dict(),
            "dsdna": None if self.dsdna is None else self.dsdna.to_dict(),
            "validation": self.validation.to_dict(),
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class DonorResult:
    """HDR donor designs for a site, best first, or why there are none."""

    site: EditSite
    designs: tuple[DonorDesign, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "site": self.site.to_dict(),
            "designs": [d.to_dict() for d in self.designs],
            "notes": list(self.notes),
        }


def _distance(cut: int, iv: Interval) -> int:
    if iv.start <= cut <= iv.end:
        return 0
    return min(abs(cut - iv.start), abs(cut - iv.end))


def _edited_local(site: EditSite, changes: list[GenomicChange], lo: int, hi: int) -> str:
    """Plus-strand sequence of starting-genome span [lo, hi) after ``changes``."""
    seq = site.start_genome.fetch_region(site.contig, lo, hi).upper()
    for c in sorted(changes, key=lambda c: c.start, reverse=True):
        if not (lo <= c.start and c.end <= hi):
            raise InputError("a change lies outside the donor span")
        seq = seq[: c.start - lo] + c.alt + seq[c.end - lo :]
    return seq


def _site_after(site: EditSite, guide: Guide, changes: list[GenomicChange]) -> tuple[str, str]:
    """(protospacer, PAM) of ``guide`` read on its strand after ``changes`` (no indel shift)."""
    lo, hi = guide.site.start, guide.site.end
    inside = [c for c in changes if lo <= c.start and c.end <= hi and c.delta == 0]
    seq = _edited_local(site, inside, lo, hi)
    if guide.strand is Strand.MINUS:
        seq = reverse_complement(seq)
    n = len(guide.spacer)
    return seq[:n], seq[n:]


def _is_blocked(site: EditSite, guide: Guide, nuc: Nuclease, changes: list[GenomicChange]) -> bool:
    if any(c.delta != 0 and guide.site.overlaps(Interval(c.start, max(c.end, c.start + 1)))
           for c in changes):  # fmt: skip
        return True  # an indel inside protospacer + PAM
    proto, pam = _site_after(site, guide, changes)
    if not iupac_matches(nuc.pam, pam):
        return True
    seed = slice(len(proto) - SEED_NT, len(proto))
    mismatches = sum(a != b for a, b in zip(proto[seed], guide.spacer[seed], strict=True))
    return mismatches >= 2


def _silent_context(site: EditSite, edited: Any, change: GenomicChange) -> str | None:
    """Why ``change`` is silent in the edited allele, or None if it is not."""
    tx = site.transcript
    codon = codon_of(edited, tx, change.start)
    if codon is not None:
        alt = change.alt if tx.strand is Strand.PLUS else reverse_complement(change.alt)
        new = codon.bases[: codon.index] + alt + codon.bases[codon.index + 1 :]
        if translate(new) != translate(codon.bases):
            return None
        return f"codon {codon.number} {codon.bases}>{new} ({translate(new)}, synonymous)"
    for exon in tx.exons:
        if (
            abs(change.start - exon.start) < SPLICE_REGION_NT
            or abs(change.start - (exon.end - 1)) < SPLICE_REGION_NT
        ):
            return None  # splice region: not safe
    if tx.span.start <= change.start < tx.span.end and tx.exon_number(change.start) is None:
        return "intron"
    if tx.exon_number(change.start) is not None:
        return None  # UTR: may carry regulatory elements (Kozak, polyA), not used
    return "intergenic"


def _chosen_changes(chosen: list[BlockingMutation]) -> list[GenomicChange]:
    """The genomic changes of blocking mutations."""
    return [b.change for b in chosen]


def _keeps_protein(site: EditSite, extra: list[GenomicChange], protein: str) -> bool:
    """True if the edit plus ``extra`` gives ``protein`` (a frame-aware synonymy check)."""
    return site.validate([site.desired, *extra]).edited_protein == protein


def _positions_to_try(guide: Guide, nuc: Nuclease) -> list[tuple[int, str]]:
    """(plus position, 'pam'|'seed') in preference order: fixed PAM bases, then seed 20->11."""
    out: list[tuple[int, str]] = []
    pam_pos = list(guide.pam_interval)
    if guide.strand is Strand.MINUS:
        pam_pos = pam_pos[::-1]
    out += [(p, "pam") for p, code in zip(pam_pos, nuc.pam, strict=True) if code != "N"]
    proto = list(guide.protospacer)
    if guide.strand is Strand.MINUS:
        proto = proto[::-1]
    out += [(p, "seed") for p in reversed(proto[-SEED_NT:])]
    return out


def _blocking(
    site: EditSite, guide: Guide, nuc: Nuclease, max_mutations: int
) -> tuple[BlockingMutation, ...] | None:
    edited = apply_changes(site.start_genome, [site.desired])
    goal = site.validate(site.desired).edited_protein
    chosen: list[BlockingMutation] = []
    for pos, where in _positions_to_try(guide, nuc):
        if Interval(site.desired.start, max(site.desired.end, site.desired.start + 1)).overlaps(
            Interval(pos - 1, pos + 2)
        ):
            continue
        ref = site.start_genome.fetch_region(site.contig, pos, pos + 1).upper()
        for alt in "ACGT":
            change = GenomicChange(site.contig, pos, ref, alt)
            ctx = None if alt == ref else _silent_context(site, edited, change)
            if ctx is None or not _keeps_protein(site, [*_chosen_changes(chosen), change], goal):
                continue
            trial = [site.desired, *(b.change for b in chosen), change]
            if where == "pam" and not _is_blocked(site, guide, nuc, trial):
                continue
            chosen.append(BlockingMutation(change, "pam" if where == "pam" else "seed", ctx))
            if _is_blocked(site, guide, nuc, trial):
                return tuple(chosen)
            break
        if len(chosen) >= max_mutations:
            break
    return None


def _ssodn(site: EditSite, guide: Guide, changes: list[GenomicChange], preset: str) -> Donor:
    a, b, mode, _strand = SSODN_PRESETS[preset]
    first = min(c.start for c in changes)
    last = max(c.end for c in changes)
    if mode == "cut":
        distal, proximal = a, b
        if guide.strand is Strand.PLUS:
            lo, hi = guide.cut_site - distal, guide.cut_site + proximal
        else:
            lo, hi = guide.cut_site - proximal, guide.cut_site + distal
        lo, hi = min(lo, first - 10), max(hi, last + 10)
    else:
        # arms in the donor orientation (target strand = reverse of the protospacer strand)
        five, three = a, b
        donor_plus = guide.strand is Strand.MINUS
        left, right = (five, three) if donor_plus else (three, five)
        lo, hi = first - left, last + right
    return _donor("ssODN", site, guide, changes, lo, hi, preset)


def _donor(
    kind: Literal["ssODN", "dsDNA"], site: EditSite, guide: Guide,
    changes: list[GenomicChange], lo: int, hi: int, preset: str,
) -> Donor:  # fmt: skip
    length = site.start_genome.contig_length(site.contig)
    if lo < 0 or hi > length:
        raise InputError(
            f"the {kind} donor needs {site.contig}:{lo + 1}-{hi}, beyond the available "
            f"sequence (1-{length})",
            hint="use shorter homology arms",
        )
    plus = _edited_local(site, changes, lo, hi)
    first = min(c.start for c in changes)
    last = max(c.end for c in changes)
    left_arm, right_arm = first - lo, hi - last
    on_plus = kind == "dsDNA" or guide.strand is Strand.MINUS  # ssODN = target strand
    seq = plus if on_plus else reverse_complement(plus)
    arms = (left_arm, right_arm) if on_plus else (right_arm, left_arm)
    strand = Strand.PLUS if on_plus else Strand.MINUS
    return Donor(kind, seq, strand, Interval(lo, hi), arms[0], arms[1], preset)


def design_donors(
    site: EditSite,
    *,
    nuclease: str | Nuclease = "SpCas9",
    max_cut_distance_bp: int = 10,
    ssodn_preset: Preset = "richardson2016",
    dsdna_arm_bp: int | None = 800,
    max_blocking: int = 2,
    max_designs: int = 10,
) -> DonorResult:
    """HDR donors for ``site``: guides near the edit, blocking mutations, ssODN and dsDNA.

    Parameters
    ----------
    site:
        The edit (see :mod:`vivo.editing.edit_site`); the donor acts on its starting genome.
    nuclease:
        Nuclease name or object (default SpCas9).
    max_cut_distance_bp:
        Largest cut-to-edit distance (default 10 bp).
    ssodn_preset:
        ``"richardson2016"`` (default), ``"liang2017"`` or ``"symmetric"``.
    dsdna_arm_bp:
        Homology-arm length of the long dsDNA donor (``None``: no dsDNA donor).
    max_blocking:
        Most silent mutations to add in the seed when the PAM cannot be mutated silently.
    max_designs:
        Keep the closest designs only.
    """
    if ssodn_preset not in SSODN_PRESETS:
        raise InputError(
            f"unknown ssODN preset {ssodn_preset!r}", hint=f"use {', '.join(SSODN_PRESETS)}"
        )
    if max_cut_distance_bp < 0:
        raise InputError("max_cut_distance_bp must be >= 0")
    nuc = get_nuclease(nuclease)
    iv = site.interval
    window = Locus(site.contig, Interval(max(0, iv.start - max_cut_distance_bp),
                                         iv.end + max_cut_distance_bp))  # fmt: skip
    guides = find_guides(site.start_genome, window, nuc, selection="cut")
    near = sorted(
        (g for g in guides if _distance(g.cut_site, iv) <= max_cut_distance_bp),
        key=lambda g: (_distance(g.cut_site, iv), -g.pam_activity),
    )
    designs: list[DonorDesign] = []
    notes: list[str] = []
    for g in near:
        design = _design_one(site, g, nuc, ssodn_preset, dsdna_arm_bp, max_blocking)
        if isinstance(design, str):
            notes.append(design)
        else:
            designs.append(design)
    if not designs:
        notes.append(
            f"no design possible: no {nuc.name} guide cuts within {max_cut_distance_bp} bp of "
            "the edit with a silent way to block re-cutting; try another nuclease (e.g. SpRY) "
            "or a larger max_cut_distance_bp"
        )
    return DonorResult(site, tuple(designs[:max_designs]), tuple(notes))


def _design_one(
    site: EditSite, g: Guide, nuc: Nuclease, preset: str, arm_bp: int | None, max_blocking: int
) -> DonorDesign | str:
    blocked = _is_blocked(site, g, nuc, [site.desired])
    blocking: tuple[BlockingMutation, ...] = ()
    if not blocked:
        found = _blocking(site, g, nuc, max_blocking)
        if found is None:
            return f"{g.guide_id}: no silent PAM or seed mutation blocks re-cutting; skipped"
        blocking = found
    changes = [site.desired, *(b.change for b in blocking)]
    validation = site.validate(changes)
    ssodn = _ssodn(site, g, changes, preset)
    dsdna = None
    if arm_bp is not None:
        first = min(c.start for c in changes)
        last = max(c.end for c in changes)
        dsdna = _donor("dsDNA", site, g, changes, first - arm_bp, last + arm_bp, f"{arm_bp} bp")
    notes = []
    if len(ssodn.sequence) > 200:
        notes.append("ssODN longer than 200 nt: order as a long ssDNA or use the dsDNA donor")
    return DonorDesign(
        g, _distance(g.cut_site, site.interval), blocked, blocking, ssodn, dsdna, validation,
        tuple(notes),
    )  # fmt: skip


def donor_records(design: DonorDesign, *, name: str = "donor") -> list[Any]:
    """Annotated Biopython ``SeqRecord`` objects (dsDNA and ssODN) for GenBank output."""
    from Bio.Seq import Seq
    from Bio.SeqRecord import SeqRecord

    records = []
    for donor in (design.dsdna, design.ssodn):
        if donor is None:
            continue
        n = len(donor.sequence)
        feats = [
            _feature(0, donor.arm_5prime_nt, "misc_feature", {"label": ["5' homology arm"]}),
            _feature(n - donor.arm_3prime_nt, n, "misc_feature", {"label": ["3' homology arm"]}),
        ]
        for c, label in _labelled_changes(design):
            pos = _donor_offset(donor, c, design.changes)
            qualifiers = {"label": [label], "note": [c.to_vcf_like()]}
            feats.append(_feature(pos, pos + max(1, len(c.alt)), "variation", qualifiers))
        rec = SeqRecord(
            Seq(donor.sequence), id=f"{name}_{donor.kind}"[:16], name=f"{name}_{donor.kind}"[:16],
            description=f"vivo {donor.kind} donor, guide {design.guide.spacer}",
            features=feats, annotations={"molecule_type": "DNA"},
        )  # fmt: skip
        records.append(rec)
    return records


def _labelled_changes(design: DonorDesign) -> list[tuple[GenomicChange, str]]:
    out = [(design.changes[0], "edit")]
    out += [(b.change, f"blocking ({b.where})") for b in design.blocking]
    return out


def _feature(start: int, end: int, kind: str, qualifiers: dict[str, list[str]]) -> Any:
    from Bio.SeqFeature import FeatureLocation, SeqFeature

    location = FeatureLocation(start, end, 1)  # type: ignore[no-untyped-call]
    return SeqFeature(location, type=kind, qualifiers=qualifiers)  # type: ignore[no-untyped-call]


def _donor_offset(donor: Donor, c: GenomicChange, changes: tuple[GenomicChange, ...]) -> int:
    """0-based offset of change ``c`` in the donor sequence."""
    offset = c.start - donor.interval.start + sum(x.delta for x in changes if x.start < c.start)
    if donor.strand is Strand.MINUS:
        offset = len(donor.sequence) - offset - max(1, len(c.alt))
    return max(0, offset)
