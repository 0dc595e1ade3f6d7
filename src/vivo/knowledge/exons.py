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

from dataclasses import dataclass
from functools import cache

from vivo.core.errors import DataError, InputError
from vivo.knowledge.sources import Source, read_data_text

__all__ = [
    "Exon",
    "ExonTable",
    "frame_shift",
    "load_exon_table",
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

    Candidates are the exons next to the deletion (and any exon it removed only in part);
    single skips are returned when any works, else the double skips. An in-frame deletion
    returns ``()`` (nothing to restore).
    """
    removed = _deleted_nt(table, deleted)
    shift = sum(removed.values()) % 3
    if shift == 0:
        return ()
    gone = {n for n, nt in removed.items() if nt >= (table.exon(n).coding_nt or 0)}
    lo, hi = min(removed), max(removed)
    near = sorted({lo - 1, hi + 1, *(n for n in removed if n not in gone)})
    singles = []
    for n in near:
        nt = _skippable(table, n, removed)
        if nt is not None and (shift + nt) % 3 == 0:
            singles.append((n,))
    if singles or max_exons < 2:
        return tuple(singles)
    pairs = [(lo - 2, lo - 1), (lo - 1, hi + 1), (hi + 1, hi + 2)]
    doubles = []
    for a, b in pairs:
        na, nb = _skippable(table, a, removed), _skippable(table, b, removed)
        if na is not None and nb is not None and (shift + na + nb) % 3 == 0:
            doubles.append((a, b))
    return tuple(doubles)
