"""HGVS deletions/duplications with uncertain breakpoints: parse, format, refuse."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vivo.core.errors import InputError
from vivo.genome.annotation import CodingPosition
from vivo.variants.hgvs import parse_hgvs
from vivo.variants.uncertain import (
    Breakpoint,
    format_uncertain,
    is_uncertain_hgvs,
    parse_uncertain,
)


def test_exon_based_form_reads_the_two_intron_ranges() -> None:
    v = parse_uncertain("NM_004006.2(DMD):c.(6912+1_6913-1)_(7309+1_7310-1)del")
    assert (v.gene, v.accession, v.kind, v.edit) == ("DMD", "NM_004006.2", "c", "del")
    assert v.start == Breakpoint(CodingPosition(6912, offset=1), CodingPosition(6913, offset=-1))
    assert v.end == Breakpoint(CodingPosition(7309, offset=1), CodingPosition(7310, offset=-1))


def test_old_intron_form_unknown_ends_and_one_exact_end() -> None:
    v = parse_uncertain("c.6913-?_7309+?dup", gene="DMD")
    assert (v.gene, v.edit, v.start.side, v.end.side) == ("DMD", "dup", "-", "+")
    w = parse_uncertain("DMD:c.(?_-244)_(31+1_32-1)del")
    assert w.start.lo is None and w.start.hi == CodingPosition(244, "utr5")
    x = parse_uncertain("c.(6912+1_6913-1)_7000del")
    assert x.end.exact and x.end.lo == CodingPosition(7000)
    g = parse_uncertain("g.(100_200)_(300_?)del")
    assert (g.start.lo, g.start.hi, g.end.lo, g.end.hi) == (100, 200, 300, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("c.(7000_6913)_(7309+1_7310-1)del", "must come after the first"),
        ("c.7309+?_6913-?del", "end breakpoint comes before the start"),
        ("c.(?_?)_7000del", "says nothing"),
        ("c.100_200del", "both breakpoints are exact"),
        ("g.100-?_200del", "written in c. "),
        ("c.(0_5)_(7_9)del", "no position 0"),
        ("c.(6912+1_6913-1)_(7309+1_7310-1)ins", "cannot read"),
        ("c.(6912+1_6913-1)_(7309+1_7310-1)delinsA", "cannot read"),
        ("c.(1_2)_(3_" + "9" * 40 + ")del", "digits"),
    ],
)
def test_bad_uncertain_descriptions_are_refused(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_uncertain(text)


def test_the_exact_parser_names_uncertain_forms_in_its_error() -> None:
    assert is_uncertain_hgvs("DMD:c.6913-?_7309+?del") and not is_uncertain_hgvs("c.20A>T")
    assert not is_uncertain_hgvs("NM_000518.5(HBB):c.20A>T")
    with pytest.raises(InputError, match="uncertain breakpoints") as exc:
        parse_hgvs("c.(6912+1_6913-1)_(7309+1_7310-1)del")
    assert "--exons" in (exc.value.hint or "")


_C_POS = st.builds(
    lambda pre, base, off: f"{pre}{base}{'' if off == 0 else f'{off:+d}'}",
    st.sampled_from(["", "", "-", "*"]),
    st.integers(1, 20000),
    st.sampled_from([0, 0, 1, -1, 7, -250]),
)


@st.composite
def _ordered(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """Four c. positions 5' to 3' (distinct CDS bases, offsets within their intron)."""
    bases = sorted(draw(st.sets(st.integers(1, 20000), min_size=4, max_size=4)))
    offs = [draw(st.sampled_from([0, 1, -1, 30])) for _ in bases]
    return tuple(f"{b}{'' if o == 0 else f'{o:+d}'}" for b, o in zip(bases, offs, strict=True))  # type: ignore[return-value]


@given(
    _ordered(),
    st.sampled_from(["range", "range", "side", "exact", "open"]),
    st.sampled_from(["range", "side", "exact", "open"]),
    st.sampled_from(["del", "dup"]),
    st.sampled_from(["", "DMD:", "NM_004006.2(DMD):"]),
)
def test_format_inverts_parse(
    pos: tuple[str, str, str, str], left: str, right: str, edit: str, ref: str
) -> None:
    a, b, c, d = pos
    base_b, base_c = b.split("+")[0].split("-")[0], c.split("+")[0].split("-")[0]
    start = {"range": f"({a}_{b})", "side": f"{base_b}-?", "exact": b, "open": f"(?_{b})"}[left]
    end = {"range": f"({c}_{d})", "side": f"{base_c}+?", "exact": c, "open": f"({c}_?)"}[right]
    if left == right == "exact":
        start = f"({a}_{b})"
    text = f"{ref}c.{start}_{end}{edit}"
    v = parse_uncertain(text)
    assert format_uncertain(v) == text
    assert parse_uncertain(format_uncertain(v)) == v


@given(_C_POS)
def test_one_position_round_trips_as_an_exact_end(pos: str) -> None:
    text = f"c.(?_{pos})_(*30000_?)del"
    try:
        v = parse_uncertain(text)
    except InputError:
        return  # a 3'UTR start after c.*30000 is refused as reversed
    assert format_uncertain(v) == text


@given(st.text(alphabet="c.g()_?+-*0123456789delupDMD: ", max_size=40))
def test_any_text_is_read_or_refused_with_an_input_error(text: str) -> None:
    try:
        v = parse_uncertain(text)
    except InputError:
        return
    assert parse_uncertain(format_uncertain(v)) == v


def test_uncertain_syntax_is_public_from_vivo_variants() -> None:
    import vivo.variants as vv

    assert {"UncertainVariant", "parse_uncertain", "format_uncertain"} <= set(vv.__all__)
    v = vv.parse_uncertain("DMD:c.6913-?_7309+?del")
    assert isinstance(v, vv.UncertainVariant)
    assert vv.format_uncertain(v) == "DMD:c.6913-?_7309+?del"
