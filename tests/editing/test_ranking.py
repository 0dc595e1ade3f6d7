"""Ranking: composite arithmetic, weights, specificity hook, flags and distance."""

from __future__ import annotations

import pytest

from vivo.core.coords import Interval, Strand
from vivo.core.errors import InputError
from vivo.editing.guides import Guide
from vivo.editing.ranking import FLAG_PENALTIES, RankingWeights, rank_guides


def _guide(
    start: int, rs1: float | None, *, flags: tuple[str, ...] = (), dist: int | None = None
) -> Guide:
    return Guide(
        spacer="ACGT" * 5, pam="AGG", strand=Strand.PLUS, contig="c",
        protospacer=Interval(start, start + 20), pam_interval=Interval(start + 20, start + 23),
        cut_site=start + 17, nuclease="SpCas9", flags=flags, target_distance_bp=dist,
        scores=(("ruleset1", rs1),),
    )  # fmt: skip


def test_composite_is_the_weighted_mean_of_present_components() -> None:
    g = _guide(0, 0.6, flags=("low_gc",), dist=20)
    w = RankingWeights(efficiency=2, specificity=1, flags=1, distance=1, half_distance_bp=10)
    r = rank_guides([g], weights=w)[0]
    assert r.efficiency == 0.6 and r.specificity is None
    assert r.flag_score == 1 - FLAG_PENALTIES["low_gc"]
    assert r.distance_score == pytest.approx(0.25)
    assert r.composite == pytest.approx((2 * 0.6 + 1 * 0.75 + 1 * 0.25) / 4)
    assert r.to_dict()["specificity"] == "not computed"


def test_specificity_hook_callable_and_mapping() -> None:
    a, b = _guide(0, 0.8), _guide(50, 0.7)
    plain = rank_guides([a, b])
    assert [r.guide for r in plain] == [a, b]
    hooked = rank_guides([a, b], specificity={a.spacer: 0.1} | {b.guide_id: 0.9})
    assert hooked[0].guide.guide_id == b.guide_id  # mapping by id wins over spacer for b
    by_call = rank_guides([a, b], specificity=lambda g: 0.0 if g is a else 1.0)
    assert by_call[0].guide is b and by_call[0].specificity_status == "computed"
    with pytest.raises(InputError, match="outside"):
        rank_guides([a], specificity=lambda g: 2.0)


def test_flags_and_ties() -> None:
    clean, polyt = _guide(10, 0.5), _guide(0, 0.5, flags=("poly_t",))
    ranked = rank_guides([polyt, clean])
    assert ranked[0].guide is clean and ranked[1].flag_score == 0.0
    tie = rank_guides([_guide(30, 0.5), _guide(20, 0.5)])
    assert [r.guide.protospacer.start for r in tie] == [20, 30]
    assert [r.rank for r in tie] == [1, 2]


def test_weights_parse_and_validate() -> None:
    w = RankingWeights.parse("efficiency=3, flags=0")
    assert (w.efficiency, w.flags, w.specificity) == (3.0, 0.0, 1.0)
    r = rank_guides([_guide(0, 0.2, flags=("poly_t",))], weights=w)[0]
    assert r.composite == pytest.approx(0.2)  # flags weighted 0, no distance, no specificity
    for bad in ("speed=1", "efficiency", "efficiency=x"):
        with pytest.raises(InputError):
            RankingWeights.parse(bad)
    with pytest.raises(InputError):
        RankingWeights(efficiency=-1)


def test_unscored_guide_falls_back_to_flags_only() -> None:
    r = rank_guides([_guide(0, None)])[0]
    assert r.efficiency is None and r.composite == 1.0
