"""Exon structure of a transcript and the reading-frame rule of exon skipping (DMD Dp427m).

The planner decides which exon skip restores the dystrophin reading frame from the exon lengths
of the muscle transcript Dp427m (RefSeq NM_004006), bundled in ``data/dmd_exons.tsv`` with its
provenance (``data/SOURCES.md``). The rule is the reading-frame rule (Monaco et al. 1988): a
deletion whose length is not a multiple of 3 shifts the frame (Duchenne); skipping one or two
neighbouring exons so that the total removed is a multiple of 3 restores an in-frame, shorter
dystrophin (Becker-like), the basis of exon-skipping therapy (Aartsma-Rus et al. 2009).

>>> t = load_exon_table("DMD")
>>> t.exon(51).length_nt, t.exon(51).cds_first, t.exon(51).cds_last
(233, 7310, 7542)
>>> frame_shift(t, (48, 49, 50)), skips_restoring_frame(t, (48, 49, 50))
(1, ((51,),))
>>> skips_restoring_frame(t, (52,))
((51,), (53,))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from vivo.core.errors import DataError, InputError
from vivo.genome.annotation import CodingPosition, Transcript
from vivo.knowledge.sources import Source, read_data_text
from vivo.variants.hgvs import HgvsVariant, Position, format_hgvs
from vivo.variants.uncertain import Breakpoint, UncertainVariant, format_uncertain

__all__ = [
    "Exon",
    "ExonChange",
    "ExonTable",
    "exact_as_uncertain",
    "exon_change",
    "exon_range_variant",
    "exon_table_from_transcript",
    "exon_table_gene",
    "frame_shift",
    "load_exon_table",
    "parse_exon_range",
    "remaining_after",
    "skips_restoring_frame",
]

_TABLES = {"DMD": "dmd_exons.tsv"}
_SOURCES = (
    Source(
        "RefSeq-DMD-subread-2.0.3",
        "https://packages.debian.org/source/sid/subread",
    ),
    Source("Monaco1988", "https://doi.org/10.1016/0888-7543(88)90113-9"),
    Source("AartsmaRus2009", "https://doi.org/10.1002/humu.20918"),
)


@dataclass(frozen=True, slots=True)
class Exon:
    """One exon: its number, length and CDS span (``None`` where the source does not resolve it)."""

    number: int
    chrom_start_1based: int
    chrom_end_1based: int
    length_nt: int | None
    cds_first: int | None
    cds_last: int | None

    @property
    def coding_nt(self) -> int | None:
        """Coding bases in the exon (the whole exon for internal exons)."""
        if self.cds_first is None or self.cds_last is None:
            return None
        return self.cds_last - self.cds_first + 1


@dataclass(frozen=True, slots=True)
class ExonTable:
    """The exons of one transcript, 5' to 3'."""

    gene: str
    transcript: str
    assembly: str
    exons: tuple[Exon, ...]
    sources: tuple[Source, ...]

    @property
    def count(self) -> int:
        """Number of exons."""
        return len(self.exons)

    def exon(self, number: int) -> Exon:
        """Exon ``number`` (1-based); InputError when out of range."""
        if not 1 <= number <= self.count:
            raise InputError(
                f"{self.gene} has exons 1-{self.count} ({self.transcript}), not exon {number}",
                hint="give an exon number of the transcript",
            )
        return self.exons[number - 1]

    def exon_of_cds(self, position: int) -> Exon | None:
        """The exon holding coding position ``position`` (c.N), if the table resolves it."""
        for e in self.exons:
            if (
                e.cds_first is not None
                and e.cds_last is not None
                and (e.cds_first <= position <= e.cds_last)
            ):
                return e
        return None


def _row(line: str, lineno: int, name: str) -> Exon:
    cells = line.split("\t")
    if len(cells) != 6:
        raise DataError(f"{name} line {lineno}: expected 6 tab-separated cells")

    def opt(text: str) -> int | None:
        return int(text) if text.strip() else None

    return Exon(
        number=int(cells[0]),
        chrom_start_1based=int(cells[1]),
        chrom_end_1based=int(cells[2]),
        length_nt=opt(cells[3]),
        cds_first=opt(cells[4]),
        cds_last=opt(cells[5]),
    )


@cache
def load_exon_table(gene: str) -> ExonTable:
    """The bundled exon table of ``gene`` (only DMD Dp427m, NM_004006, ships)."""
    name = _TABLES.get(gene.upper())
    if name is None:
        raise InputError(
            f"no bundled exon table for {gene}", hint=f"tables exist for {', '.join(_TABLES)}"
        )
    lines = [ln for ln in read_data_text(name).splitlines() if ln and not ln.startswith("#")]
    exons = tuple(_row(ln, i, name) for i, ln in enumerate(lines[1:], start=2))
    if [e.number for e in exons] != list(range(1, len(exons) + 1)):
        raise DataError(f"{name}: exons are not numbered 1..N in order")
    return ExonTable("DMD", "NM_004006 (Dp427m)", "GRCh38", exons, _SOURCES)


def exon_table_gene(accession: str) -> str | None:
    """The gene whose bundled exon table is of transcript ``accession`` (any version: the
    table records the RefSeq accession without one), else ``None``.

    >>> exon_table_gene("NM_004006.2"), exon_table_gene("NM_000518.5")
    ('DMD', None)
    """
    stem = accession.strip().split(".")[0].upper()
    for gene in _TABLES:
        if load_exon_table(gene).transcript.split()[0].upper() == stem:
            return gene
    return None


def exon_table_from_transcript(tx: Transcript) -> ExonTable:
    """The exon table of an annotated coding transcript (the annotation in use).

    Exons wholly in the UTRs have no coding span (``cds_first``/``cds_last`` ``None``).
    """
    if not tx.is_coding:
        raise InputError(
            f"transcript {tx.transcript_id} is non-coding: no exons in c. numbering",
            hint="exon changes are read on a coding transcript",
        )
    cds_nt = tx.cds_length()
    exons = []
    for number, e in enumerate(tx.exons_5to3, start=1):
        five, three = (e.start, e.end - 1) if tx.strand.sign > 0 else (e.end - 1, e.start)
        c5, c3 = tx.to_coding(five), tx.to_coding(three)
        coding = not (c3.region == "utr5" or c5.region == "utr3")
        exons.append(
            Exon(
                number=number,
                chrom_start_1based=e.start + 1,
                chrom_end_1based=e.end,
                length_nt=len(e),
                cds_first=(c5.base if c5.region == "cds" else 1) if coding else None,
                cds_last=(c3.base if c3.region == "cds" else cds_nt) if coding else None,
            )
        )
    return ExonTable(tx.gene_name, tx.transcript_id, "annotation in use", tuple(exons), ())


def remaining_after(table: ExonTable, deleted_nt: dict[int, int]) -> dict[int, int | None]:
    """Coding bases left in each exon after a deletion that removed ``deleted_nt[exon]`` bases."""
    out: dict[int, int | None] = {}
    for e in table.exons:
        n = e.coding_nt
        out[e.number] = None if n is None else n - deleted_nt.get(e.number, 0)
    return out


def _deleted_nt(table: ExonTable, deleted: tuple[int, ...] | dict[int, int]) -> dict[int, int]:
    if isinstance(deleted, dict):
        return dict(deleted)
    out = {}
    for n in deleted:
        nt = table.exon(n).coding_nt
        if nt is None:
            raise InputError(
                f"the length of {table.gene} exon {n} is not resolved in vivo's exon table",
                hint="the reading frame cannot be computed for this deletion",
            )
        out[n] = nt
    return out


def frame_shift(table: ExonTable, deleted: tuple[int, ...] | dict[int, int]) -> int:
    """Frame shift (0, 1 or 2) of removing whole exons ``deleted`` or ``{exon: bases}``."""
    return sum(_deleted_nt(table, deleted).values()) % 3


def _skippable(table: ExonTable, n: int, removed: dict[int, int]) -> int | None:
    """Coding bases that skipping exon ``n`` removes (None when it cannot be skipped)."""
    if not 2 <= n <= table.count - 1:
        return None  # first and last exons hold the start and stop codons
    e = table.exon(n)
    if e.coding_nt is None:
        return None
    left = e.coding_nt - removed.get(n, 0)
    return left if left > 0 else None


def skips_restoring_frame(
    table: ExonTable, deleted: tuple[int, ...] | dict[int, int], *, max_exons: int = 2
) -> tuple[tuple[int, ...], ...]:
    """Exon skips (one exon, else two contiguous or flanking exons) that restore the frame.

    Candidates are the exons next to the deletion; single skips are returned when any works,
    else the double skips. An exon the deletion removed only in part (a small deletion inside
    an exon) stays in the transcript read in a shifted frame unless it is skipped itself, so
    every skip then includes it (Aartsma-Rus et al. 2009, *Hum Mutat* 30:293: small mutations
    are treated by skipping the exon that carries them, with a neighbour when that exon is out
    of frame). An in-frame deletion returns ``()`` (nothing to restore).

    >>> table = load_exon_table("DMD")
    >>> skips_restoring_frame(table, {51: 1})  # c.7400del in exon 51 (233 nt): 50+51 or 51+52
    ((50, 51), (51, 52))
    """
    removed = _deleted_nt(table, deleted)
    shift = sum(removed.values()) % 3
    if shift == 0:
        return ()
    gone = {n for n, nt in removed.items() if nt >= (table.exon(n).coding_nt or 0)}
    partial = sorted(n for n in removed if n not in gone)
    lo, hi = min(removed), max(removed)
    if partial:
        near = partial if len(partial) == 1 else []
        pairs = (
            [(partial[0] - 1, partial[0]), (partial[0], partial[0] + 1)]
            if len(partial) == 1
            else [(partial[0], partial[-1])]
            if len(partial) == 2
            else []
        )
    else:
        near = [lo - 1, hi + 1]
        pairs = [(lo - 2, lo - 1), (lo - 1, hi + 1), (hi + 1, hi + 2)]
    singles = []
    for n in near:
        nt = _skippable(table, n, removed)
        if nt is not None and (shift + nt) % 3 == 0:
            singles.append((n,))
    if singles or max_exons < 2:
        return tuple(singles)
    doubles = []
    for a, b in pairs:
        na, nb = _skippable(table, a, removed), _skippable(table, b, removed)
        if na is not None and nb is not None and (shift + na + nb) % 3 == 0:
            doubles.append((a, b))
    return tuple(doubles)


# ---------------------------------------------------------------------------------------------
# deletions and duplications of whole exons, with uncertain breakpoints

ExonEdit = Literal["del", "dup"]
_RANGE = re.compile(r"^\s*(\d{1,4})\s*(?:[-_\u2013]\s*(\d{1,4})\s*)?$")


def parse_exon_range(table: ExonTable, text: str) -> tuple[int, int]:
    """First and last exon of ``"48-50"`` (or ``"52"``), checked against ``table``.

    >>> parse_exon_range(load_exon_table("DMD"), "48-50")
    (48, 50)
    """
    m = _RANGE.match(text)
    if m is None:
        raise InputError(
            f"cannot read exons {text!r}", hint="give an exon number or a range, e.g. 48-50"
        )
    first = int(m[1])
    last = int(m[2]) if m[2] else first
    if last < first:
        raise InputError(
            f"exon range {text!r} is reversed", hint=f"write it 5' to 3': {last}-{first}"
        )
    table.exon(first), table.exon(last)  # InputError when out of range
    return first, last


def exon_range_variant(
    table: ExonTable, first: int, last: int, edit: ExonEdit = "del"
) -> UncertainVariant:
    """The HGVS exon-based description of a deletion/duplication of exons ``first..last``.

    The breakpoints lie in the flanking introns, written ``(X+1_Y-1)`` (HGVS SVD-WG003); a
    first exon reaches upstream of the transcript: ``(?_-U)``.

    >>> format_uncertain(exon_range_variant(load_exon_table("DMD"), 48, 50))
    'DMD:c.(6912+1_6913-1)_(7309+1_7310-1)del'
    """
    a, b = table.exon(first), table.exon(last)
    if last == table.count:
        raise InputError(
            f"{table.gene} exon {last} is the last exon: its 3' end is not in vivo's exon table",
            hint="give the deletion as HGVS (c.(X+1_Y-1)_(*N_?)del)",
        )
    if a.cds_first is None or b.cds_last is None:
        raise InputError(
            f"the c. positions of {table.gene} exons {first}-{last} are not resolved in "
            f"vivo's exon table ({table.transcript})",
            hint="exon-level planning is covered where the table places the exons in c. "
            "numbering (DMD: exons 1-69)",
        )
    if first == 1:
        utr5 = (a.length_nt or a.cds_last or 0) - (a.coding_nt or 0)
        start = Breakpoint(None, CodingPosition(utr5, "utr5") if utr5 else CodingPosition(1))
    else:
        prev = table.exon(first - 1)
        assert prev.cds_last is not None  # exons 1-69 are contiguous in c. numbering
        start = Breakpoint(
            CodingPosition(prev.cds_last, offset=1), CodingPosition(a.cds_first, offset=-1)
        )
    # internal exons are contiguous in c. numbering: the next exon starts at c.(last + 1)
    end = Breakpoint(
        CodingPosition(b.cds_last, offset=1), CodingPosition(b.cds_last + 1, offset=-1)
    )
    return UncertainVariant(table.gene, "c", start, end, edit)


@dataclass(frozen=True, slots=True)
class ExonChange:
    """What an exon deletion/duplication does to a transcript, and what cannot be known.

    ``whole``: exons certainly deleted/duplicated whole; ``partial``: exons certainly changed in
    part; ``possible``: exons that may be changed, depending on where the breakpoints lie.
    ``changed_nt`` (coding bases per exon) and ``frame_shift`` are ``None`` when the breakpoints
    do not decide them; ``unknown`` says what cannot be known.
    """

    gene: str
    transcript: str
    hgvs: str
    edit: ExonEdit
    whole: tuple[int, ...]
    partial: tuple[int, ...]
    possible: tuple[int, ...]
    changed_nt: dict[int, int] | None
    frame_shift: int | None
    unknown: tuple[str, ...]

    @property
    def in_frame(self) -> bool | None:
        """Whether the reading frame is kept (``None``: cannot be known)."""
        return None if self.frame_shift is None else self.frame_shift == 0

    @property
    def exons(self) -> tuple[int, ...]:
        """Every exon the change certainly touches, 5' to 3'."""
        return tuple(sorted({*self.whole, *self.partial}))

    def summary(self) -> str:
        """One sentence: exons changed, frame, and what cannot be known."""
        what = {"del": "deletion", "dup": "duplication"}[self.edit]
        parts = [f"{what} of exon(s) {_span(self.whole)}" if self.whole else f"{what}"]
        if self.partial:
            parts.append(f"part of exon(s) {_span(self.partial)}")
        if self.possible:
            parts.append(f"possibly exon(s) {_span(self.possible)}")
        if self.frame_shift is None:
            frame = "reading frame cannot be known"
        else:
            nt = sum((self.changed_nt or {}).values())
            verb = "removed" if self.edit == "del" else "added"
            frame = f"{nt} coding nt {verb}, " + (
                "in frame" if self.frame_shift == 0 else "out of frame"
            )
        text = f"{self.gene} {', '.join(parts)}: {frame}."
        return text + (f" Not known: {'; '.join(self.unknown)}." if self.unknown else "")


def _span(exons: tuple[int, ...]) -> str:
    """``48-50`` for consecutive exons, ``1-3, 51`` for runs."""
    runs: list[list[int]] = []
    for n in exons:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _first_base(p: Position, cds_end: int) -> int:
    """First coding base changed when the change starts at ``p``."""
    if not isinstance(p, CodingPosition):
        raise InputError("exon changes are read from c. positions", hint="write c.(...)")
    if p.region == "utr5":
        return 1
    if p.region == "utr3":
        return cds_end + 1
    return p.base + 1 if p.offset > 0 else p.base


def _last_base(p: Position, cds_end: int) -> int:
    """Last coding base changed when the change ends at ``p``."""
    if not isinstance(p, CodingPosition):
        raise InputError("exon changes are read from c. positions", hint="write c.(...)")
    if p.region == "utr5":
        return 0
    if p.region == "utr3":
        return cds_end
    return p.base - 1 if p.offset < 0 else p.base


def _exonic(p: Position | None) -> bool:
    return isinstance(p, CodingPosition) and p.region == "cds" and p.offset == 0


def _start_range(b: Breakpoint, end: int) -> tuple[int | None, int | None]:
    """Lowest and highest first coding base changed (``None``: unbounded, a ``?``)."""
    if b.side:  # c.N-?: in the intron before N (first coding base N); c.N+?: after N
        assert b.lo is not None
        base = _first_base(b.lo, end) + (0 if b.side == "-" else 1)
        return base, base
    if b.exact:
        assert b.lo is not None
        return _first_base(b.lo, end), _first_base(b.lo, end)
    lo = None if b.lo is None else _first_base(b.lo, end) + (1 if _exonic(b.lo) else 0)
    hi = None if b.hi is None else _first_base(b.hi, end)
    return lo, hi


def _end_range(b: Breakpoint, end: int) -> tuple[int | None, int | None]:
    """Lowest and highest last coding base changed (``None``: unbounded, a ``?``)."""
    if b.side:
        assert b.lo is not None
        base = _last_base(b.lo, end) - (1 if b.side == "-" else 0)
        return base, base
    if b.exact:
        assert b.lo is not None
        return _last_base(b.lo, end), _last_base(b.lo, end)
    lo = None if b.lo is None else _last_base(b.lo, end)
    hi = None if b.hi is None else _last_base(b.hi, end) - (1 if _exonic(b.hi) else 0)
    return lo, hi


def _resolved_end(table: ExonTable) -> int:
    """The last coding base the table places in an exon."""
    return max(e.cds_last for e in table.exons if e.cds_last is not None)


def exact_as_uncertain(variant: HgvsVariant) -> UncertainVariant:
    """An exact deletion/duplication (``c.6913-100_7309+100dup``) in the breakpoint form, so
    that :func:`exon_change` reads it (both breakpoints known)."""
    if variant.edit.kind not in ("del", "dup"):
        raise InputError(
            f"{format_hgvs(variant)} is not a deletion or duplication",
            hint="exon changes are deletions or duplications",
        )
    start = Breakpoint(variant.start, variant.start, exact=True)
    end = Breakpoint(variant.end, variant.end, exact=True)
    return UncertainVariant(
        variant.gene,
        variant.kind,
        start,
        end,
        variant.edit.kind,
        variant.accession,
    )


def exon_change(table: ExonTable, variant: UncertainVariant) -> ExonChange:
    """Which exons a deletion/duplication with uncertain breakpoints changes, and the frame.

    The reading frame is decided only when both breakpoints fall where every possible position
    leaves out the same coding bases (e.g. both in introns); then it is :func:`frame_shift` of
    the changed bases. The exact breakpoints themselves cannot be known from the description.

    >>> t = load_exon_table("DMD")
    >>> from vivo.variants.uncertain import parse_uncertain
    >>> c = exon_change(t, parse_uncertain("DMD:c.(6912+1_6913-1)_(7309+1_7310-1)del"))
    >>> c.whole, c.frame_shift, c.in_frame
    ((48, 49, 50), 1, False)
    """
    if variant.kind != "c":
        raise InputError(
            "exon changes are read from c. positions",
            hint=f"give the {table.gene} change on {table.transcript} (c.)",
        )
    end = _resolved_end(table)
    s_lo, s_hi = _start_range(variant.start, end)
    e_lo, e_hi = _end_range(variant.end, end)
    unknown = [x for x in (_which_breakpoints(variant),) if x]
    if s_lo is None:
        unknown.append("how far the change extends 5'")
    if e_hi is None:
        unknown.append("how far the change extends 3'")
    sure_lo, sure_hi = (s_hi if s_hi is not None else end + 1), (e_lo if e_lo is not None else 0)
    any_lo, any_hi = (s_lo if s_lo is not None else 1), (e_hi if e_hi is not None else end + 1)
    whole, partial, possible, changed = _classify(table, (sure_lo, sure_hi), (any_lo, any_hi))
    decided = s_lo == s_hi and e_lo == e_hi and s_lo is not None and e_lo is not None
    if any_hi > end:
        unknown.append(
            f"whether it reaches the exons after c.{end}, which vivo's exon table does not "
            "place in c. numbering"
        )
        decided = False
    if sure_lo <= 1 <= sure_hi:
        unknown.append("the protein: the start codon is changed")
        decided = False
    if table.exons[-1].cds_last == end and sure_lo <= end <= sure_hi:
        unknown.append("the protein's end: the stop codon is changed")
        decided = False
    if partial:
        unknown.append(
            f"how exon(s) {_span(partial)} are spliced once partly deleted (the frame counts "
            "the bases left)"
        )
    shift = frame_shift(table, changed) if decided and changed else None
    if decided and not changed:
        unknown.append("an effect on coding bases: none are changed")
    return ExonChange(
        table.gene, table.transcript, format_uncertain(variant), variant.edit, whole, partial,
        possible, changed if decided else None, shift, tuple(unknown),
    )  # fmt: skip


def _which_breakpoints(v: UncertainVariant) -> str:
    if v.start.exact and v.end.exact:
        return ""
    if v.start.exact:
        return "the exact end breakpoint"
    if v.end.exact:
        return "the exact start breakpoint"
    return "the exact breakpoints"


def _classify(
    table: ExonTable, sure: tuple[int, int], anywhere: tuple[int, int]
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], dict[int, int]]:
    whole: list[int] = []
    partial: list[int] = []
    possible: list[int] = []
    changed: dict[int, int] = {}
    for e in table.exons:
        if e.cds_first is None or e.cds_last is None:
            continue
        lo, hi = max(sure[0], e.cds_first), min(sure[1], e.cds_last)
        if lo <= hi:
            changed[e.number] = hi - lo + 1
            (whole if (lo, hi) == (e.cds_first, e.cds_last) else partial).append(e.number)
        elif max(anywhere[0], e.cds_first) <= min(anywhere[1], e.cds_last):
            possible.append(e.number)
    return tuple(whole), tuple(partial), tuple(possible), changed
