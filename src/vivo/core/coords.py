"""Coordinates: strands, 0-based half-open intervals and stranded loci.

Inside vivo every position is 0-based and every range half-open (``start <= pos < end``).
1-based positions exist only at the edges (HGVS, VCF, GTF, tables for people), and the
names there say so (``start_1based``).

Examples
--------
>>> a = Interval(10, 20)
>>> b = Interval(15, 30)
>>> a.intersection(b)
Interval(start=15, end=20)
>>> len(a)
10
>>> Locus("chr11", Interval(0, 5), Strand.MINUS).to_ucsc()
'chr11:1-5(-)'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from vivo.core.errors import InputError

__all__ = ["Interval", "Locus", "Strand", "parse_region"]


class Strand(Enum):
    """DNA strand; ``str(Strand.PLUS) == "+"``."""

    PLUS = "+"
    MINUS = "-"

    def __str__(self) -> str:
        return self.value

    @property
    def sign(self) -> int:
        """+1 for PLUS, -1 for MINUS."""
        return 1 if self is Strand.PLUS else -1

    def flip(self) -> Strand:
        """The other strand."""
        return Strand.MINUS if self is Strand.PLUS else Strand.PLUS

    @classmethod
    def parse(cls, value: str | int | Strand) -> Strand:
        """Accept ``+``/``-``, ``1``/``-1``, ``plus``/``minus``, ``fwd``/``rev``."""
        if isinstance(value, Strand):
            return value
        key = str(value).strip().lower()
        if key in {"+", "1", "+1", "plus", "fwd", "forward"}:
            return cls.PLUS
        if key in {"-", "-1", "minus", "rev", "reverse"}:
            return cls.MINUS
        raise InputError(f"unknown strand {value!r}", hint="use '+' or '-'")


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """A 0-based half-open interval ``[start, end)`` of positions on a sequence."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise InputError(
                f"invalid interval [{self.start}, {self.end}): "
                "need 0 <= start <= end (0-based, half-open)"
            )

    def __len__(self) -> int:
        return self.end - self.start

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.start, self.end))

    def __contains__(self, pos: object) -> bool:
        return isinstance(pos, int) and self.start <= pos < self.end

    @property
    def is_empty(self) -> bool:
        """True for a zero-length interval (an insertion point)."""
        return self.start == self.end

    def contains(self, other: Interval) -> bool:
        """True if ``other`` lies entirely inside this interval."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Interval) -> bool:
        """True if the two intervals share at least one position (never for an empty one)."""
        return (
            self.start < other.end
            and other.start < self.end
            and not self.is_empty
            and not other.is_empty
        )

    def intersection(self, other: Interval) -> Interval | None:
        """The shared part, or ``None`` if they do not overlap."""
        start, end = max(self.start, other.start), min(self.end, other.end)
        return Interval(start, end) if start < end else None

    def hull(self, other: Interval) -> Interval:
        """The smallest interval that covers both."""
        return Interval(min(self.start, other.start), max(self.end, other.end))

    def shift(self, offset: int) -> Interval:
        """The interval moved by ``offset`` positions."""
        return Interval(self.start + offset, self.end + offset)

    def expand(self, left: int, right: int | None = None) -> Interval:
        """Widen by ``left`` (and ``right``, default the same), clipped at 0."""
        right = left if right is None else right
        return Interval(max(0, self.start - left), self.end + right)

    def distance(self, other: Interval) -> int:
        """Number of positions between the two intervals (0 if they overlap or touch)."""
        if self.overlaps(other):
            return 0
        return max(other.start - self.end, self.start - other.end, 0)


@dataclass(frozen=True, slots=True)
class Locus:
    """A stranded interval on a named contig."""

    contig: str
    interval: Interval
    strand: Strand = Strand.PLUS

    @property
    def start(self) -> int:
        """0-based start on the contig."""
        return self.interval.start

    @property
    def end(self) -> int:
        """0-based exclusive end on the contig."""
        return self.interval.end

    def __len__(self) -> int:
        return len(self.interval)

    def with_strand(self, strand: Strand) -> Locus:
        """The same interval on ``strand``."""
        return Locus(self.contig, self.interval, strand)

    def to_ucsc(self) -> str:
        """``contig:start-end(strand)`` with a 1-based inclusive start, as genome browsers show."""
        return f"{self.contig}:{self.start + 1}-{self.end}({self.strand})"


_REGION = re.compile(
    r"^(?P<contig>[^:\s]+):(?P<start>[\d,]+)-(?P<end>[\d,]+)(?:\((?P<strand>[+-])\))?$"
)


def parse_region(text: str) -> Locus:
    """Parse ``contig:start-end`` (1-based inclusive, as genome browsers write it).

    >>> parse_region("chr11:5,227,000-5,227,100")
    Locus(contig='chr11', interval=Interval(start=5226999, end=5227100), strand=<Strand.PLUS: '+'>)
    """
    m = _REGION.match(text.strip())
    if m is None:
        raise InputError(
            f"cannot read region {text!r}",
            hint="write contig:start-end with 1-based inclusive positions, e.g. chr11:1000-2000",
        )
    start = int(m["start"].replace(",", ""))
    end = int(m["end"].replace(",", ""))
    if start < 1 or end < start:
        raise InputError(f"region {text!r} needs 1 <= start <= end")
    return Locus(m["contig"], Interval(start - 1, end), Strand.parse(m["strand"] or "+"))
