"""Normalization properties on random sequences: the edited sequence never changes, and the
result cannot be shifted further 3'."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vivo.core.coords import Strand
from vivo.genome.base import InMemoryGenome
from vivo.variants.locate import GenomicChange, normalize


def _apply(seq: str, c: GenomicChange) -> str:
    return seq[: c.start] + c.alt + seq[c.start + len(c.ref) :]


@st.composite
def indels(draw: st.DrawFn) -> tuple[str, GenomicChange]:
    seq = draw(st.text(alphabet="AC", min_size=12, max_size=40))  # low complexity: many repeats
    start = draw(st.integers(1, len(seq) - 6))
    if draw(st.booleans()):
        n = draw(st.integers(1, 4))
        return seq, GenomicChange("c", start, seq[start : start + n], "")
    ins = draw(st.text(alphabet="AC", min_size=1, max_size=4))
    return seq, GenomicChange("c", start, "", ins)


@given(indels(), st.sampled_from([Strand.PLUS, Strand.MINUS]))
def test_normalization_keeps_the_edited_sequence(
    case: tuple[str, GenomicChange], strand: Strand
) -> None:
    seq, change = case
    genome = InMemoryGenome({"c": seq})
    norm = normalize(change, genome, strand)
    assert _apply(seq, norm.change) == _apply(seq, change)
    c = norm.change
    if strand is Strand.PLUS:
        further = (
            GenomicChange("c", c.start + 1, seq[c.start + 1 : c.end + 1], "") if c.ref else None
        )
        if further is not None and c.end < len(seq):
            assert _apply(seq, further) != _apply(seq, change)
    if norm.kind == "dup":
        assert seq[norm.interval.start : norm.interval.end] == c.alt
