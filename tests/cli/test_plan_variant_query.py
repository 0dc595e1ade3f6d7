"""`vivo plan` given a whole variant where the gene goes (HBB:c.20A>T, NM_000518.5:c.20A>T)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vivo.genome.bundled import beta_globin_locus
from vivo.workflows.variants import looks_like_variant_query, split_variant_query

DMD_48_50 = "c.(6912+1_6913-1)_(7309+1_7310-1)del"


@pytest.mark.parametrize(
    ("text", "gene", "variant"),
    [
        ("HBB:c.20A>T", "HBB", "c.20A>T"),
        ("HBB c.20A>T", "HBB", "c.20A>T"),
        ("NM_000518.5:c.20A>T", "HBB", "NM_000518.5:c.20A>T"),
        ("NM_000518.4:c.20A>T", "HBB", "NM_000518.4:c.20A>T"),  # the interpretation warns
        ("ENST00000335295.4:c.20A>T", "HBB", "ENST00000335295.4:c.20A>T"),
        ("NC_000011.10:g.5227002T>A", "HBB", "NC_000011.10:g.5227002T>A"),
        ("NC_000011.9:g.5248232T>A", "HBB", "NC_000011.9:g.5248232T>A"),
        (f"NM_004006.2:{DMD_48_50}", "DMD", f"NM_004006.2:{DMD_48_50}"),
        ("NM_004006.2(DMD):c.6913-?_7309+?del", "DMD", "NM_004006.2(DMD):c.6913-?_7309+?del"),
        ("DMD:c.6913-?_7309+?del", "DMD", "c.6913-?_7309+?del"),
    ],
)
def test_a_variant_given_as_the_gene_is_split(text: str, gene: str, variant: str) -> None:
    assert looks_like_variant_query(text)
    assert split_variant_query(text, beta_globin_locus()) == (gene, variant)


@pytest.mark.parametrize("text", ["HBB", "sickle cell disease", "DMD", ""])
def test_a_gene_alone_is_not_split(text: str) -> None:
    assert not looks_like_variant_query(text)
    assert split_variant_query(text, beta_globin_locus()) is None


def test_plan_resolves_an_accession_with_another_version_and_warns(
    cli, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "dossier"
    args = ["plan", "NM_000518.4:c.20A>T", "--trials", "off", "--json", "--out", str(out)]
    assert cli(args) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    q = data["plan"]["question"]
    assert q["gene"] == "HBB" and q["variants"][0]["hgvs"] == "HBB:c.20A>T"
    assert q["variants"][0]["protein"] == "p.Glu7Val"
    warning = [ln for ln in captured.err.splitlines() if ln.startswith("vivo: warning:")]
    assert len(warning) == 1 and "NM_000518.4" in warning[0] and "NM_000518.5" in warning[0]
    assert any("NM_000518.4" in w for w in data["variant_interpretation"]["warnings"])
    assert (out / "plan.json").is_file()


def test_plan_reads_a_dmd_deletion_on_its_transcript_accession(
    cli, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "dmd"
    args = ["plan", f"NM_004006.2:{DMD_48_50}", "--trials", "off", "--json", "--out", str(out)]
    assert cli(args) == 0
    q = json.loads(capsys.readouterr().out)["plan"]["question"]
    assert q["gene"] == "DMD" and q["variants"][0]["hgvs"] == f"DMD:{DMD_48_50}"
    assert q["variants"][0]["consequence"] == "exon deletion, frameshift"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NM_999999.1:c.20A>T"], "NM_999999.1 is not in the annotation"),
        (["NM_000518.5:g.20A>T"], "write its variants as c."),
        (["NC_000011.10:g.5227002C>A"], "is T, not C"),
        (["HBB:c.20A>T", "c.-78A>G"], "is a variant, given where the gene goes"),
        (["HBB:c.20A"], "cannot read HGVS"),
    ],
)
def test_bad_variant_queries_are_one_line_and_write_nothing(
    cli, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "never"
    assert cli(["plan", *args, "--trials", "off", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vivo: error:") and message in err and len(err.splitlines()) == 1, err
    assert not out.exists() and list(tmp_path.iterdir()) == []
