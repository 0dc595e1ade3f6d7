"""vivo.variants.calls: left-alignment (property-based) and zygosity from genotypes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vivo.core.errors import InputError
from vivo.genome.base import InMemoryGenome
from vivo.variants.calls import ObservedVariant, call_zygosity, left_align
from vivo.variants.locate import GenomicChange


def _apply(seq: str, c: GenomicChange) -> str:
    return seq[: c.start] + c.alt + seq[c.start + len(c.ref) :]


@settings(max_examples=200, deadline=None)
@given(
    seq=st.text("ACG", min_size=8, max_size=40).map(lambda s: s + "ACACACAC"),
    pos=st.integers(0, 47),
    size=st.integers(1, 4),
    insert=st.booleans(),
)
def test_left_align_keeps_the_edited_sequence_and_is_leftmost(
    seq: str, pos: int, size: int, insert: bool
) -> None:
    pos = min(pos, len(seq) - size)
    g = InMemoryGenome({"c": seq})
    if insert:
        change = GenomicChange("c", pos, "", seq[pos : pos + size])  # a duplication
    else:
        change = GenomicChange("c", pos, seq[pos : pos + size], "")
    out = left_align(change, g)
    assert _apply(seq, out) == _apply(seq, change)
    assert out.start <= change.start
    if out.start > 0:  # one more step left would change the sequence or is impossible
        moved = out.ref or out.alt
        assert seq[out.start - 1] != moved[-1]


def test_padded_multibase_alleles_are_trimmed() -> None:
    g = InMemoryGenome({"c": "TTGCATTT"})
    assert left_align(GenomicChange("c", 2, "GCA", "GTA"), g) == GenomicChange("c", 3, "C", "T")
    with pytest.raises(InputError, match="REF and ALT are the same"):
        left_align(GenomicChange("c", 2, "GC", "GC"), g)


def _v(start: int, haps: tuple[int, ...], *, ploidy: int = 2, phased: bool = False,
       ps: int | None = None, site: str = "") -> ObservedVariant:  # fmt: skip
    return ObservedVariant(
        GenomicChange("c", start, "A", "T"), f"c:{start + 1}", haps, ploidy, phased, ps, site
    )


@pytest.mark.parametrize(
    ("variants", "zygosity", "phase"),
    [
        ([_v(5, (1,))], "heterozygous", "not_applicable"),
        ([_v(5, (0, 1))], "homozygous", "not_applicable"),
        ([_v(5, (0,), ploidy=1)], "hemizygous", "not_applicable"),
        ([_v(5, (0,), phased=True), _v(9, (1,), phased=True)], "compound_heterozygous", "trans"),
        ([_v(5, (0,)), _v(9, (1,))], "compound_heterozygous", "unknown"),
        ([_v(5, (0,), site="r1"), _v(5, (1,), site="r1")], "homozygous", "not_applicable"),
        ([_v(5, (0,), site="r1"), _v(9, (1,), site="r1")], "compound_heterozygous", "trans"),
    ],
)
def test_zygosity(variants: list[ObservedVariant], zygosity: str, phase: str) -> None:
    call = call_zygosity("S", variants, gene="HBB")
    assert (call.zygosity, call.phase) == (zygosity, phase)
    assert bool(call.notes) == (phase == "unknown")


def test_duplicate_records_of_one_variant_merge_to_homozygous() -> None:
    call = call_zygosity("S", [_v(5, (0,)), _v(5, (1,))], gene="HBB")
    assert call.zygosity == "homozygous" and len(call.variants) == 1


@pytest.mark.parametrize(
    ("variants", "message"),
    [
        ([], "carries no variant allele"),
        ([_v(1, (0,)), _v(2, (1,)), _v(3, (0,))], "3 variant alleles"),
        ([_v(1, (0,), phased=True), _v(2, (0,), phased=True)], "in cis"),
        ([_v(1, (0, 1)), _v(2, (1,))], "do not fit two alleles"),
    ],
)
def test_refused(variants: list[ObservedVariant], message: str) -> None:
    with pytest.raises(InputError, match=message):
        call_zygosity("S", variants, gene="HBB")


def test_different_phase_sets_are_not_phased_together() -> None:
    a = _v(1, (0,), phased=True, ps=100)
    b = _v(9, (0,), phased=True, ps=200)
    assert call_zygosity("S", [a, b], gene="HBB").phase == "unknown"
