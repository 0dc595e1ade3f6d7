"""Whole-exon deletions and duplications: exons changed, reading frame, what cannot be known,
the planner's exon skip, and `vivo plan --exons`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vivo.core.errors import InputError
from vivo.knowledge.exons import (
    exon_change,
    exon_range_variant,
    frame_shift,
    load_exon_table,
    parse_exon_range,
)
from vivo.planning import TherapyQuestion, plan_therapy
from vivo.planning.genotype import exon_variant_hgvs, uncertain_variant_facts
from vivo.planning.plan import Option
from vivo.planning.requests import AsoDesign
from vivo.variants.uncertain import format_uncertain, parse_uncertain
from vivo.workflows.plan import PlanRequest

RunVivo = Callable[..., tuple[int, str, str]]  # the run_vivo fixture (tests/conftest.py)

T = load_exon_table("DMD")


def _change(text: str):  # type: ignore[no-untyped-def]
    return exon_change(T, parse_uncertain(text, gene="DMD"))


@pytest.mark.parametrize(
    ("exons", "text"),
    [
        ((48, 50), "DMD:c.(6912+1_6913-1)_(7309+1_7310-1)del"),
        ((45, 50), "DMD:c.(6438+1_6439-1)_(7309+1_7310-1)del"),  # c.6439-?_7309+?del
        ((52, 52), "DMD:c.(7542+1_7543-1)_(7660+1_7661-1)del"),
        ((1, 1), "DMD:c.(?_-244)_(31+1_32-1)del"),  # exon 1: 244-nt 5'UTR + c.1_31
        ((69, 69), "DMD:c.(9974+1_9975-1)_(10086+1_10087-1)del"),
    ],
)
def test_exon_range_is_written_in_the_hgvs_exon_based_form(
    exons: tuple[int, int], text: str
) -> None:
    assert format_uncertain(exon_range_variant(T, *exons)) == text
    assert exon_change(T, exon_range_variant(T, *exons)).whole == tuple(
        range(exons[0], exons[1] + 1)
    )


@pytest.mark.parametrize(
    "text",
    [
        "DMD:c.(6912+1_6913-1)_(7309+1_7310-1)del",
        "DMD:c.6913-?_7309+?del",
        "DMD:c.(6912_6913)_(7309_7310)del",  # A and D unchanged: the exon bases decide
    ],
)
def test_three_spellings_of_the_exon_48_50_deletion_agree(text: str) -> None:
    c = _change(text)
    assert (c.whole, c.partial, c.possible) == ((48, 49, 50), (), ())
    assert c.changed_nt == {48: 186, 49: 102, 50: 109}
    # the frame comes from the one frame calculator of knowledge.exons
    assert c.frame_shift == frame_shift(T, (48, 49, 50)) == 1 and c.in_frame is False
    assert c.unknown == ("the exact breakpoints",)
    assert "397 coding nt removed, out of frame" in c.summary()


def test_in_frame_deletion_and_duplication_lengths() -> None:
    assert _change("c.(6438+1_6439-1)_(6912+1_6913-1)del").in_frame is True  # 45-47, 474 nt
    dup2 = _change("c.(31+1_32-1)_(93+1_94-1)dup")
    assert dup2.edit == "dup" and dup2.whole == (2,) and dup2.in_frame is False
    assert "62 coding nt added" in dup2.summary()


def test_what_cannot_be_known_is_said() -> None:
    open_ends = _change("c.(?_6913)_(7309_?)del")  # at least 48-50, maybe far more
    assert open_ends.whole == (48, 49, 50) and open_ends.frame_shift is None
    assert open_ends.possible[0] == 1 and 47 in open_ends.possible and 51 in open_ends.possible
    assert open_ends.changed_nt is None
    text = open_ends.summary()
    assert "reading frame cannot be known" in text and "how far the change extends 5'" in text
    assert "possibly exon(s) 1-47, 51-69" in text and "after c.10086" in text
    straddle = _change("c.(6900_6950)_(7309+1_7310-1)del")  # start inside exon 47 or 48
    assert (straddle.whole, straddle.partial, straddle.possible) == ((49, 50), (48,), (47,))
    assert straddle.frame_shift is None
    partial = _change("c.(6912+1_6913-1)_7000del")  # exact end inside exon 48
    assert partial.changed_nt == {48: 88} and partial.frame_shift == 1
    assert "the exact start breakpoint" in partial.unknown
    assert any("spliced once partly deleted" in u for u in partial.unknown)
    start = _change("c.(?_-244)_(186+1_187-1)del")  # exons 1-3: the start codon is lost
    assert start.frame_shift is None and any("start codon" in u for u in start.unknown)


def test_exon_change_needs_c_positions() -> None:
    with pytest.raises(InputError, match="c. positions"):
        exon_change(T, parse_uncertain("g.(100_200)_(300_400)del"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("50-48", "reversed"),
        ("0", "exons 1-79"),
        ("48-80", "not exon 80"),
        ("x", "cannot read exons"),
        ("48-", "cannot read exons"),
    ],
)
def test_bad_exon_ranges(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_exon_range(T, text)


def test_exons_the_table_cannot_place_are_refused() -> None:
    with pytest.raises(InputError, match="not resolved"):
        exon_range_variant(T, 70, 72)
    with pytest.raises(InputError, match="last exon"):
        exon_range_variant(T, 75, 79)
    with pytest.raises(InputError, match="no bundled exon table for HBB"):
        exon_variant_hgvs("HBB", "1-2")
    with pytest.raises(InputError, match="del or dup"):
        exon_variant_hgvs("DMD", "48", "inv")


def test_a_gene_without_a_table_keeps_the_syntax_uninterpreted() -> None:
    f = uncertain_variant_facts("c.(100+1_101-1)_(200+1_201-1)del", "CFTR")
    assert f.hgvs == "CFTR:c.(100+1_101-1)_(200+1_201-1)del"
    assert (f.kind, f.consequence) == ("deletion", "")


# ---------------------------------------------------------------------------------------------
# the planner: golden exon skips


def _skip(exons: str, edit: str = "del") -> Option:
    facts = uncertain_variant_facts(exon_variant_hgvs("DMD", exons, edit), "DMD")
    return plan_therapy(TherapyQuestion("DMD", (facts,))).option("rna-exon-skip")


@pytest.mark.parametrize(
    ("exons", "skip", "others"),
    [
        ("48-50", 51, ""),
        ("45-50", 51, ""),
        ("52", 53, "Other frame-restoring skips: 51"),  # 51 or 53; 53 has two approved drugs
        ("46-47", 45, ""),
    ],
)
def test_golden_exon_skips(exons: str, skip: int, others: str) -> None:
    opt = _skip(exons)
    assert opt.title.startswith(f"Exon {skip} skipping") and opt.feasibility == "recommended"
    assert others in opt.rationale[1]
    assert "not known: the exact breakpoints" in opt.rationale[0]
    (req,) = opt.designs
    assert isinstance(req, AsoDesign) and (req.mode, req.exon) == ("skip", skip)


def test_in_frame_deletion_is_refused_with_its_reason() -> None:
    opt = _skip("45-47")
    assert opt.feasibility == "impossible"
    assert "keeps the reading frame" in (opt.reason_impossible or "")


def test_exon_2_duplication_skip_is_cited_and_investigational() -> None:
    opt = _skip("2", "dup")
    assert opt.title == "Exon 2 skipping for the exon 2 duplication (investigational)"
    assert opt.feasibility == "possible" and opt.score <= 60.0
    assert [s.key for p in opt.precedents for s in p.sources] == ["AartsmaRus2007", "Wein2014"]
    assert "exon 5 IRES" in opt.rationale[0] and "U7 snRNA" in opt.editor
    (req,) = opt.designs
    assert isinstance(req, AsoDesign) and (req.mode, req.exon) == ("skip", 2)


def test_other_duplications() -> None:
    dup44 = _skip("44", "dup")  # out of frame: both copies skipped is out of frame again
    assert "out-of-frame transcript again" in dup44.rationale[0]
    assert [s.key for p in dup44.precedents for s in p.sources] == ["AartsmaRus2007"]
    multi = _skip("45-47", "dup")
    assert multi.feasibility == "impossible"
    assert (multi.reason_impossible or "").startswith("Not covered by vivo")


def test_a_frame_that_cannot_be_known_leaves_amenability_unknown() -> None:
    facts = uncertain_variant_facts("DMD:c.(?_6913)_(7309_?)del", "DMD")
    assert facts.consequence == "exon deletion (frame unknown)"
    opt = plan_therapy(TherapyQuestion("DMD", (facts,))).option("rna-exon-skip")
    assert "amenability unknown" in opt.title and "cannot be known" in opt.rationale[0]


# ---------------------------------------------------------------------------------------------
# PlanRequest and the CLI


def test_plan_request_refuses_exons_with_a_variant() -> None:
    with pytest.raises(InputError, match="not both"):
        PlanRequest(gene="DMD", variant="c.20A>T", exons="48")
    with pytest.raises(InputError, match="del or dup"):
        PlanRequest(gene="DMD", exons="48", exon_change="inv")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("DMD", "--exons", "50-48"), "reversed"),
        (("DMD", "--exons", "80"), "not exon 80"),
        (("HBB", "--exons", "1-2"), "no bundled exon table for HBB"),
        (("DMD", "c.20A>T", "--exons", "48"), "not both"),
        (("DMD", "c.(7000_6913)_7309+?del"), "must come after the first"),
    ],
)
def test_cli_one_line_errors(
    run_vivo: RunVivo,
    tmp_path: Path,
    args: tuple[str, ...],
    message: str,
) -> None:
    code, _, err = run_vivo("plan", *args, "--trials", "off", "--out", str(tmp_path / "o"))
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("vivo: error: ")
    assert message in lines[0]


def test_cli_plans_an_exon_deletion(run_vivo: RunVivo, tmp_path: Path) -> None:
    code, out, _ = run_vivo("plan", "DMD", "--exons", "48-50", "--trials", "off", "--json",
        "--out", str(tmp_path / "o"),
    )  # fmt: skip
    assert code == 0
    plan = json.loads(out)["plan"]
    assert plan["question"]["variants"][0]["hgvs"] == "DMD:c.(6912+1_6913-1)_(7309+1_7310-1)del"
    assert plan["question"]["variants"][0]["consequence"] == "exon deletion, frameshift"
    top = next(o for o in plan["options"] if o["rank"] == 1)
    assert top["title"].startswith("Exon 51 skipping")


# ---------------------------------------------------------------------------------------------
# genes without a bundled table: the annotation's transcript


def test_exon_table_from_the_annotation_and_an_hbb_exon_deletion() -> None:
    from vivo.knowledge.exons import exon_table_from_transcript
    from vivo.workflows.genomes import resolve_genome

    tx = resolve_genome(None, None).gene("HBB").canonical
    table = exon_table_from_transcript(tx)
    # HBB: exon 1 ends at c.92 (IVS-I-1 is c.92+1), exon 2 at c.315 (IVS-II-1 is c.315+1)
    assert [(e.cds_first, e.cds_last) for e in table.exons] == [(1, 92), (93, 315), (316, 444)]
    f = uncertain_variant_facts("c.(92+1_93-1)_(315+1_316-1)del", "HBB", transcript=tx)
    assert (f.consequence, f.length_bp) == ("exon deletion, frameshift", 223)
    tail = exon_change(table, parse_uncertain("c.(92+1_93-1)_(*10_*20)del"))
    assert tail.frame_shift is None and any("stop codon" in u for u in tail.unknown)


def test_plan_workflow_reads_an_uncertain_deletion_on_the_bundled_locus() -> None:
    from vivo.workflows.plan import run_plan

    r = run_plan(PlanRequest(gene="HBB", variant="c.(92+1_93-1)_(315+1_316-1)del", trials="off"))
    (v,) = r.plan.question.variants
    assert v.hgvs == "HBB:c.(92+1_93-1)_(315+1_316-1)del"
    assert r.plan.genotype is not None and r.plan.genotype.name == "beta0/beta0-thalassemia"
    assert r.variant is None  # no exact-position interpretation is made up


@given(
    st.sets(st.integers(1, 11000), min_size=4, max_size=4),
    st.sampled_from([0, 1, -1, 50]),
    st.booleans(),
    st.booleans(),
)
def test_exon_change_never_guesses(
    bases: set[int], off: int, open_start: bool, open_end: bool
) -> None:
    a, b, c, d = (f"{n}{'' if off == 0 else f'{off:+d}'}" for n in sorted(bases))
    start = f"(?_{b})" if open_start else f"({a}_{b})"
    end = f"({c}_?)" if open_end else f"({c}_{d})"
    change = _change(f"c.{start}_{end}del")
    groups = [set(change.whole), set(change.partial), set(change.possible)]
    assert not (groups[0] & groups[1] or groups[0] & groups[2] or groups[1] & groups[2])
    if change.frame_shift is not None:  # decided: nothing may vary and the count is the table's
        assert not change.possible and change.changed_nt is not None
        assert change.frame_shift == frame_shift(T, change.changed_nt)
    if open_start or open_end:
        assert change.frame_shift is None


def test_exact_duplications_of_whole_exons_and_of_part_of_one() -> None:
    from vivo.planning import VariantFacts

    def skip(hgvs: str) -> Option:
        q = TherapyQuestion("DMD", (VariantFacts(hgvs, "duplication"),))
        return plan_therapy(q).option("rna-exon-skip")

    whole = skip("DMD:c.32-100_93+100dup")  # exon 2, breakpoints sequenced
    assert whole.title.startswith("Exon 2 skipping for the exon 2 duplication")
    assert "not known" not in whole.rationale[0]  # both breakpoints are known
    part = skip("DMD:c.(6912+1_6913-1)_7000dup")
    assert part.feasibility == "impossible" and "only part of exon(s) 48" in (
        part.reason_impossible or ""
    )
