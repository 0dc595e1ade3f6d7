from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vivo.core.coords import Interval, Locus, Strand, parse_region
from vivo.core.errors import InputError


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    start = draw(st.integers(0, 500))
    return Interval(start, start + draw(st.integers(0, 100)))


@given(intervals(), intervals())
def test_intersection_is_symmetric_and_inside_both(a: Interval, b: Interval) -> None:
    i = a.intersection(b)
    assert i == b.intersection(a)
    if i is None:
        assert not a.overlaps(b)
    else:
        assert a.contains(i) and b.contains(i)
        assert set(i) == set(a) & set(b)


@given(intervals(), intervals())
def test_overlap_matches_shared_positions(a: Interval, b: Interval) -> None:
    assert a.overlaps(b) == bool(set(a) & set(b))


@given(intervals(), intervals())
def test_hull_covers_both(a: Interval, b: Interval) -> None:
    h = a.hull(b)
    assert h.contains(a) and h.contains(b)
    assert len(h) == max(a.end, b.end) - min(a.start, b.start)


@given(intervals(), intervals())
def test_distance(a: Interval, b: Interval) -> None:
    d = a.distance(b)
    assert d == b.distance(a) >= 0
    if a.overlaps(b):
        assert d == 0
    elif a.end <= b.start:
        assert d == b.start - a.end


@given(intervals(), st.integers(0, 50))
def test_shift_preserves_length(a: Interval, k: int) -> None:
    s = a.shift(k)
    assert len(s) == len(a) and s.start == a.start + k
    assert s.shift(-k) == a


def test_half_open_semantics() -> None:
    iv = Interval(10, 20)
    assert 10 in iv and 19 in iv and 20 not in iv
    assert Interval(5, 5).is_empty
    assert not Interval(10, 20).overlaps(Interval(20, 30))


@pytest.mark.parametrize(("start", "end"), [(-1, 5), (10, 5)])
def test_invalid_intervals(start: int, end: int) -> None:
    with pytest.raises(InputError, match="invalid interval"):
        Interval(start, end)


def test_strand_parsing() -> None:
    assert Strand.parse("-") is Strand.MINUS
    assert Strand.parse(1) is Strand.PLUS
    assert Strand.PLUS.flip() is Strand.MINUS
    with pytest.raises(InputError):
        Strand.parse("up")


def test_region_parsing_is_one_based() -> None:
    loc = parse_region("chr11:5,227,001-5,227,100(-)")
    assert loc == Locus("chr11", Interval(5227000, 5227100), Strand.MINUS)
    assert loc.to_ucsc() == "chr11:5227001-5227100(-)"
    with pytest.raises(InputError, match="cannot read region"):
        parse_region("chr11-5")
    with pytest.raises(InputError, match="start <= end"):
        parse_region("chr1:10-5")
