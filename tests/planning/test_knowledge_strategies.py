"""Strategies the knowledge base supports: the precedent decides vector, editor and transgene."""

from __future__ import annotations

from vivo.planning import TherapyQuestion, plan_therapy


def _plan(gene: str):  # type: ignore[no-untyped-def]
    return plan_therapy(TherapyQuestion(gene))


def test_rdeb_has_the_approved_topical_hsv_and_graft_options() -> None:
    plan = _plan("COL7A1")
    ids = [o.id for o in plan.feasible]
    assert ids[:2] == ["add-hsv-topical", "add-skin-grafts"] or set(ids[:2]) == {
        "add-hsv-topical",
        "add-skin-grafts",
    }
    topical = plan.option("add-hsv-topical")
    assert topical.delivery == "in_vivo" and topical.vehicle == "HSV1"
    assert [p.name for p in topical.precedents] == ["Vyjuvek"]
    grafts = plan.option("add-skin-grafts")
    assert grafts.delivery == "ex_vivo" and [p.name for p in grafts.precedents] == ["Zevaskyn"]


def test_dmd_top_option_is_micro_dystrophin_not_the_full_cds() -> None:
    plan = _plan("DMD")
    top = plan.top
    assert top is not None and top.id == "add-aav-shortened" and "micro-dystrophin" in top.title
    cassette = next(d for d in top.designs if d.engine == "cassette")
    assert cassette.to_dict()["params"]["transgene_variant"] == "micro-dystrophin"
    assert plan.option("add-aav-in-vivo").feasibility == "impossible"


def test_ada_uses_the_vector_family_of_its_precedent() -> None:
    top = _plan("ADA").top
    assert top is not None and top.vehicle == "gRV" and "gamma-retroviral" in top.title
    assert [p.name for p in top.precedents] == ["Strimvelis"]
    assert any(r.kind == "insertional_mutagenesis" and r.severity == "high" for r in top.risks)
    sim = [d for d in top.designs if d.engine == "simulation"]
    assert all(d.to_dict()["params"]["product"] is None for d in sim)  # never Zynteglo for ADA


def test_pcsk9_follows_its_base_editing_precedent() -> None:
    top = _plan("PCSK9").top
    assert top is not None and top.editor == "ABE" and "base-editing" in top.title
    ttr = _plan("TTR").top
    assert ttr is not None and ttr.editor == "SpCas9"  # NTLA-2001 is a Cas9 nuclease
