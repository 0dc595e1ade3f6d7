"""HGVS syntax: parse/format round trips and malformed input."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from vivo.core.errors import InputError
from vivo.genome.annotation import CodingPosition
from vivo.variants.hgvs import format_hgvs, parse_hgvs

bases = st.text(alphabet="ACGT", min_size=1, max_size=6)


@st.composite
def coding_positions(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(["", "-", "*"]))
    base = draw(st.integers(1, 3000))
    offset = draw(st.sampled_from([0, 0, 1, -1, 2, -5, 25]))
    return f"{region}{base}" + (f"{offset:+d}" if offset else "")


@st.composite
def variants(draw: st.DrawFn) -> str:
    gene = draw(st.sampled_from(["HBB", "BRCA1", "F9"]))
    kind = draw(st.sampled_from(["c", "g"]))
    pos = draw(coding_positions()) if kind == "c" else str(draw(st.integers(1, 10**8)))
    edit = draw(st.sampled_from(["sub", "del", "dup", "ins", "delins"]))
    if edit == "sub":
        ref, alt = draw(st.sampled_from([("A", "T"), ("G", "C"), ("C", "A")]))
        return f"{gene}:{kind}.{pos}{ref}>{alt}"
    end = draw(coding_positions()) if kind == "c" else str(draw(st.integers(1, 10**8)))
    assume(end != pos)
    rng = f"{pos}_{end}" if edit in {"ins"} or draw(st.booleans()) else pos
    if kind == "g" and "_" in rng:
        a, b = sorted(int(x) for x in rng.split("_"))
        rng = f"{a}_{b}" if a != b else f"{a}_{a + 1}"
    suffix = {"del": "del", "dup": "dup", "ins": "ins", "delins": "delins"}[edit]
    alt = draw(bases) if edit in {"ins", "delins"} else ""
    return f"{gene}:{kind}.{rng}{suffix}{alt}"


@given(variants())
def test_format_inverts_parse(text: str) -> None:
    assert format_hgvs(parse_hgvs(text)) == text


@pytest.mark.parametrize(
    ("text", "gene", "start", "kind"),
    [
        ("HBB c.20A>T", "HBB", CodingPosition(20), "sub"),
        ("HBB:c.20A>T", "HBB", CodingPosition(20), "sub"),
        ("NM_000518.5(HBB):c.20A>T", "HBB", CodingPosition(20), "sub"),
        ("c.92+1G>A", None, CodingPosition(92, "cds", 1), "sub"),
        ("c.-78A>G", None, CodingPosition(78, "utr5"), "sub"),
        ("c.*10del", None, CodingPosition(10, "utr3"), "del"),
        ("c.93-2_93-1delinsTT", None, CodingPosition(93, "cds", -2), "delins"),
        ("c.27_29delGAGinsT", None, CodingPosition(27), "delins"),
        ("g.62206dup", None, 62206, "dup"),
    ],
)
def test_parse_examples(text: str, gene: str | None, start: object, kind: str) -> None:
    v = parse_hgvs(text)
    assert (v.gene, v.start, v.edit.kind) == (gene, start, kind)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("HBB c.20A", "cannot read HGVS variant"),
        ("HBB p.Glu7Val", "cannot read HGVS variant"),
        ("HBB c.20A>A", "reference and new base are the same"),
        ("HBB c.0A>T", "no position 0"),
        ("c.20_22A>T", "a substitution changes one base"),
        ("c.20insA", "an insertion lies between two positions"),
        ("g.100_90del", "range end comes before its start"),
        ("c.5_5insA", "two different positions"),
        ("c.20A>X", "cannot read HGVS variant"),
    ],
)
def test_malformed(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_hgvs(text)
