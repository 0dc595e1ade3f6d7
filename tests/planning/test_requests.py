"""Typed design requests: validation, JSON form, and what the strategies build."""

from __future__ import annotations

import json
import math
import typing

import pytest

from vivo.core.errors import InputError
from vivo.planning import PatientFacts, TherapyQuestion, VariantFacts, plan_therapy
from vivo.planning.plan import Engine
from vivo.planning.requests import (
    BaseEditDesign,
    CassetteDesign,
    DesignRequest,
    GuideDesign,
    OffTargetDesign,
    SimulationDesign,
)


def test_every_engine_has_exactly_one_request_type() -> None:
    engines = sorted(t.engine for t in typing.get_args(DesignRequest))
    assert engines == sorted(typing.get_args(Engine))


def test_json_keeps_numbers_as_numbers() -> None:
    g = GuideDesign(purpose="p", gene="HBG1", site="promoter", upstream_bp=300)
    d = json.loads(json.dumps(g.to_dict()))
    assert d["engine"] == "guides" and d["region"] == "HBG1 promoter"
    assert d["params"]["upstream_bp"] == 300 and d["params"]["window_bp"] is None
    assert set(d) == {"engine", "purpose", "gene", "region", "params", "needs"}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"site": "variant"},  # no window
        {"site": "variant", "window_bp": 0},
        {"site": "promoter"},  # no extent
        {"site": "promoter", "upstream_bp": -5, "downstream_bp": 10},
        {"site": "early_exons", "window_bp": 40},
        {"site": "early_exons", "upstream_bp": 300},
        {"site": "promoter", "upstream_bp": 300, "allele": "mutant"},
    ],
)
def test_inconsistent_guide_requests_are_refused(kwargs: dict[str, typing.Any]) -> None:
    with pytest.raises(ValueError):
        GuideDesign(purpose="p", gene="HBB", **kwargs)


def test_other_requests_validate_their_fields() -> None:
    with pytest.raises(ValueError):
        OffTargetDesign(purpose="p", gene="HBB", source="guides", top_n=0)
    with pytest.raises(ValueError):
        BaseEditDesign(purpose="p", gene="HBB", editor="ABE", target="Glu7Ala")
    with pytest.raises(ValueError):
        CassetteDesign(purpose=" ", gene="F9", vector="AAV")
    for bad in (math.nan, math.inf, -3.0, 0.0):
        with pytest.raises(InputError):
            SimulationDesign(purpose="p", gene="F9", kind="aav", weight_kg=bad)


def _designs(gene: str, hgvs: str, **patient: float) -> dict[str, list[DesignRequest]]:
    v = VariantFacts(hgvs=f"{gene}:{hgvs}", kind="substitution", ref=hgvs[-3], alt=hgvs[-1])
    plan = plan_therapy(
        TherapyQuestion(
            gene=gene, variants=(v,), patient=PatientFacts(**patient), sequence_available=True
        )
    )
    return {o.id: list(o.designs) for o in plan.feasible}


def test_sickle_cell_strategies_build_typed_requests() -> None:
    designs = _designs("HBB", "c.20A>T", weight_kg=20.0)
    induce = designs["induce-hbf-ex-vivo-editing"]
    promoters = [d for d in induce if isinstance(d, GuideDesign)]
    assert [(d.gene, d.site, d.upstream_bp) for d in promoters] == [
        ("HBG1", "promoter", 300),
        ("HBG2", "promoter", 300),
    ]
    assert all("BCL11A binding site)" not in d.purpose for d in promoters)
    off = next(d for d in induce if isinstance(d, OffTargetDesign))
    assert (off.source, off.gene) == ("guides", "HBG1")
    sim = next(d for d in induce if isinstance(d, SimulationDesign))
    assert (sim.kind, sim.product, sim.weight_kg) == ("hsc", "Casgevy", 20.0)
    hdr = designs["correct-hdr"]
    assert isinstance(hdr[0], GuideDesign) and hdr[0].window_bp == 40
    assert [d.engine for d in hdr] == ["guides", "donor", "offtargets"]
    lv = designs["add-lv-hsc"]
    cassette = next(d for d in lv if isinstance(d, CassetteDesign))
    assert (cassette.vector, cassette.tissue, cassette.transgene_variant) == (
        "LV",
        "erythroid",
        "T87Q",
    )
