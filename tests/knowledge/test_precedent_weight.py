"""A precedent's weight in the planner's score carries its product's status and safety signals."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

import pytest

from vivo.knowledge import get_product
from vivo.knowledge.products import PRODUCT_STATUSES, SIGNAL_KINDS
from vivo.planning.evidence import (
    LEVEL_SCORE,
    NO_EVIDENCE_SCORE,
    SIGNAL_FACTOR,
    STATUS_FACTOR,
    WEIGHT_FLOOR,
    best_level_score,
    literature,
    precedent_score,
    precedent_weight,
    product_precedents,
    product_weight,
)


def test_every_status_and_signal_kind_has_a_factor() -> None:
    assert set(STATUS_FACTOR) == set(PRODUCT_STATUSES)
    assert set(SIGNAL_FACTOR) == set(SIGNAL_KINDS)
    assert all(0 < f <= 1 for f in [*STATUS_FACTOR.values(), *SIGNAL_FACTOR.values()])


def test_status_orders_the_weight_approved_over_restricted_over_hold_and_withdrawn() -> None:
    casgevy = get_product("Casgevy")  # approved, no signal
    assert not casgevy.safety and product_weight(casgevy) == 1.0
    w = {s: product_weight(replace(casgevy, status=s)) for s in PRODUCT_STATUSES}  # type: ignore[arg-type]
    assert w["approved"] > w["divesting"] > w["restricted"] > w["discontinued"]
    assert w["restricted"] > w["withdrawn"] > w["clinical_hold"]
    assert w["restricted"] > w["not_renewed"]


def test_each_safety_signal_lowers_the_weight() -> None:
    skysona = get_product("Skysona")
    full = product_weight(skysona)
    for i in range(len(skysona.safety)):
        fewer = replace(skysona, safety=skysona.safety[:i] + skysona.safety[i + 1 :])
        assert product_weight(fewer) > full
    floor = replace(skysona, safety=skysona.safety * 10)
    assert product_weight(floor) == WEIGHT_FLOOR


def test_named_products_rank_by_status_and_safety() -> None:
    score = {
        b: NO_EVIDENCE_SCORE
        + (LEVEL_SCORE["approved"] - NO_EVIDENCE_SCORE) * product_weight(get_product(b))
        for b in ("Casgevy", "Hemgenix", "Lyfgenia", "Kymriah", "Skysona", "Elevidys", "Glybera")
    }
    assert score["Casgevy"] == score["Hemgenix"] == LEVEL_SCORE["approved"]
    assert score["Casgevy"] > score["Lyfgenia"] > score["Kymriah"] > score["Skysona"]
    assert score["Skysona"] > score["Elevidys"] > NO_EVIDENCE_SCORE
    assert score["Glybera"] == pytest.approx(71.5)  # lapsed: about the former withdrawn level


def test_best_level_score_uses_the_adjusted_precedent() -> None:
    dmd = product_precedents(targets=("DMD",), modality="gene_addition")
    assert [p.name for p in dmd] == ["Elevidys"]
    assert best_level_score(dmd) == pytest.approx(precedent_score(dmd[0]))
    assert best_level_score(dmd) < 70.0
    f9 = product_precedents(targets=("F9",), modality="gene_addition")
    assert best_level_score(f9) == LEVEL_SCORE["approved"]  # Hemgenix; Beqvez discontinued
    beqvez = next(p for p in f9 if p.name == "Beqvez")
    assert beqvez.level == "withdrawn" and precedent_score(beqvez) < LEVEL_SCORE["approved"]
    assert best_level_score(()) == NO_EVIDENCE_SCORE


def test_published_studies_keep_their_level_score() -> None:
    study = literature("Frangoul2021", "clinical", "first patients")
    assert precedent_weight(study) == 1.0
    assert precedent_score(study) == LEVEL_SCORE["clinical"]


def test_precedents_carry_status_as_of_weight_and_safety() -> None:
    (elevidys,) = product_precedents(targets=("DMD",), modality="gene_addition")
    assert elevidys.status.startswith("restricted (as of 2025-11-14)")
    assert elevidys.as_of == "2025-11-14" and elevidys.weight < 1.0
    assert any(s.startswith("boxed warning (2025-11-14)") for s in elevidys.safety)
    assert any(s.startswith("death (2025-06)") for s in elevidys.safety)
    d = elevidys.to_dict()
    assert d["safety"] and d["status"] and d["weight"] == round(elevidys.weight, 3)
    (casgevy,) = product_precedents(targets=("BCL11A",), modality="gene_editing")
    assert casgevy.status.startswith("approved") and casgevy.safety == ()
    assert casgevy.weight == 1.0


def test_kb_show_prints_status_events_and_safety(
    cli: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["kb", "show", "Elevidys"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "restricted (as of 2025-11-14)" in out
    assert "boxed warning (2025-11-14)" in out and "[unverified]" in out
    assert "FDA-ELEVIDYS-2025 [agency]" in out
    assert cli(["kb", "show", "Glybera", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)["product"]
    assert doc["status"] == "not_renewed" and doc["status_as_of"] == "2017-10-28"
    assert [e["region"] for e in doc["events"]] == ["EU", "EU"]
    assert cli(["kb", "show", "Glybra"]) == 2
    assert "did you mean Glybera" in capsys.readouterr().err


def test_kb_products_lists_status_and_filters_current(
    cli: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["kb", "products", "--vector", "AAV", "--json"]) == 0
    every = {p["brand"]: p for p in json.loads(capsys.readouterr().out)["products"]}
    assert every["Glybera"]["status"] == "not_renewed"
    assert every["Elevidys"]["safety"] and every["Elevidys"]["status_as_of"] == "2025-11-14"
    assert cli(["kb", "products", "--vector", "AAV", "--current", "--json"]) == 0
    current = {p["brand"] for p in json.loads(capsys.readouterr().out)["products"]}
    assert "Glybera" not in current and "Roctavian" not in current and "Beqvez" not in current
    assert {"Hemgenix", "Elevidys", "Zolgensma"} <= current
