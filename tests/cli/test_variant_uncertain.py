"""`vivo variant` on exon deletions/duplications with uncertain breakpoints (MLPA reports)."""

from __future__ import annotations

import json

import pytest

from vivo.workflows.variants import run_uncertain_variant

DEL_48_50 = "c.(6912+1_6913-1)_(7309+1_7310-1)del"


@pytest.mark.parametrize(
    "query",
    [
        ["DMD", DEL_48_50],
        [f"DMD:{DEL_48_50}"],
        ["DMD", "c.6913-?_7309+?del"],
        [f"NM_004006.2:{DEL_48_50}"],
        [f"NM_004006.2(DMD):{DEL_48_50}"],
    ],
)
def test_dmd_exons_48_50_deletion_is_read_not_refused(
    cli, capsys: pytest.CaptureFixture[str], query: list[str]
) -> None:  # type: ignore[no-untyped-def]
    assert cli(["variant", *query, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "vivo.variant.uncertain" and data["gene"] == "DMD"
    assert data["exons_whole"] == [48, 49, 50] and data["exons_possible"] == []
    # 186 + 102 + 109 = 397 coding nt, 397 % 3 = 1: out of frame (Monaco reading-frame rule)
    assert data["changed_coding_nt_total"] == 397 and data["frame_shift"] == 1
    assert data["in_frame"] is False and "the exact breakpoints" in data["not_known"]


def test_the_table_says_what_is_certain_possible_and_unknown(
    cli, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    # the 3' breakpoint may lie in intron 50 or inside exon 51: exon 51 possibly changed and
    # the frame depends on where
    assert cli(["variant", "DMD", "c.(6614+1_6615-1)_(7309+1_7542)del"]) == 0
    out = capsys.readouterr().out
    assert "46, 47, 48, 49, 50" in out and "51" in out and "cannot be known" in out
    data = run_uncertain_variant("DMD c.(6614+1_6615-1)_(7309+1_7542)del").to_dict()
    assert data["exons_possible"] == [51] and data["frame_shift"] is None
    assert data["in_frame"] is None and data["changed_coding_nt"] is None


def test_an_in_frame_duplication_and_an_annotated_gene() -> None:
    # exon 49 (c.7099-c.7200) is 102 nt, a multiple of 3
    dup = run_uncertain_variant("DMD c.(7098+1_7099-1)_(7200+1_7201-1)dup").to_dict()
    assert dup["variant_type"] == "duplication" and dup["exons_whole"] == [49]
    assert dup["changed_coding_nt_total"] == 102 and dup["in_frame"] is True
    hbb = run_uncertain_variant("HBB c.(92+1_93-1)_(315+1_316-1)del").to_dict()
    assert hbb["exons_whole"] == [2] and hbb["changed_coding_nt_total"] == 223
    assert "annotation of U01317.1" in hbb["exon_table"]


def test_start_codon_loss_leaves_the_frame_unknown() -> None:
    d = run_uncertain_variant("DMD c.(?_-244)_(31+1_32-1)del").to_dict()
    assert d["exons_whole"] == [1] and d["frame_shift"] is None
    assert any("start codon" in n for n in d["not_known"])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (["c.6913-?_7309+?del"], "names no gene"),
        (["DMD", "g.(?_100)_(200_?)del"], "c. positions"),
        (["NOPE1", DEL_48_50], "unknown gene"),
        (["NM_999999.1:c.6913-?_7309+?del"], "NM_999999.1 is not in the annotation"),
        (["DMD", "c.(6912+1_6913-1)_(9" + "9" * 20 + "+1_7310-1)del"], "digits"),
    ],
)
def test_bad_uncertain_variants_are_one_line_errors(
    cli, capsys: pytest.CaptureFixture[str], query: list[str], message: str
) -> None:  # type: ignore[no-untyped-def]
    assert cli(["variant", *query]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err
    assert err.startswith("vivo: error:") and message in err and len(err.splitlines()) == 1, err
