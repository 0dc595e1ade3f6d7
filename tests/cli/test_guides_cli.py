"""`vivo guides` and `vivo nucleases`: JSON/TSV/BED output, files, errors (exit 2)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

RunVivo = Callable[..., tuple[int, str, str]]  # the run_vivo fixture (tests/conftest.py)

SICKLE = "CTTGCCCCACAGGGCAGTAA"


def test_guides_json_around_c20(run_vivo: RunVivo) -> None:
    code, out, _ = run_vivo("guides", "HBB", "--around", "c.20", "--window", "30", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["schema_version"] == "1" and data["weights"]["efficiency"] == 1.0
    sickle = next(g for g in data["guides"] if g["spacer"] == SICKLE)
    assert (sickle["strand"], sickle["pam"], sickle["target_distance_bp"]) == ("-", "CGG", 17)
    assert sickle["specificity"] == "not computed"
    assert set(sickle["scores"]) == set(data["provenance"]["models"])


def test_guides_exon_tsv_and_bed_files(run_vivo: RunVivo, tmp_path: Path) -> None:
    code, out, _ = run_vivo("guides", "HBB", "--exon", "1", "--format", "tsv")
    header, *rows = out.strip().split("\n")
    assert code == 0 and header.startswith("rank\tid\tspacer") and any(SICKLE in r for r in rows)
    bed = tmp_path / "g.bed"
    code, _, _ = run_vivo("guides", "HBB", "--exon", "1", "--out", str(bed))
    lines = bed.read_text().splitlines()
    assert code == 0 and lines[0].startswith("track")
    fields = next(line for line in lines if SICKLE in line).split("\t")
    assert fields[:3] == ["U01317.1", "62220", "62240"] and fields[5] == "-"


def test_cas12a_region_is_marked_unscored(run_vivo: RunVivo) -> None:
    code, out, _ = run_vivo(
        "guides", "--region", "U01317.1:62100-62300", "-n", "AsCas12a", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["guides"]
    assert all("unscored" in g["flags"] and g["scores"] == {} for g in data["guides"])
    assert any("unscored" in note for note in data["notes"])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["guides", "HBB", "-n", "Cas13"], "SpCas9, SpCas9-NG"),
        (["guides", "HBB", "--pam", "NXG"], "IUPAC"),
        (["guides", "HBB", "--spacer-length", "40"], "out of range"),
        (["guides", "--region", "U01317.1:73300-73400"], "past the end"),
        (["guides", "--region", "U01317.1:100-110"], "shorter than one"),
        (["guides", "HBB", "--exon", "1", "-n", "AsCas12a", "-m", "ruleset1"], "SpCas9 model"),
        (["guides", "HBB", "--exon", "7"], "no exon 7"),
        (["guides", "HBB", "--around", "c." + "9" * 5000], "13 or more digits"),
        (["guides", "HBB", "--around", "g.9999999999"], "lies outside U01317.1"),
        (["guides", "HBB", "--around", "c.20", "--window", "0"], "outside the range 1..100000"),
        (["guides", "HBB", "--top", "nan"], "--top"),
        (["guides", "HBB", "--weights", "efficiency=inf"], "finite"),
        (
            ["guides", "HBB", "--weights", "efficiency=0,specificity=0,flags=0,distance=0"],
            "above 0",
        ),
        (["guides", "HBB", "--format", "xml"], "'table', 'tsv', 'json'"),
        (["guides", "HBB", "--pam-side", "left"], "'3prime', '5prime'"),
        (["guides", "HBB", "-o", "/proc/x.tsv"], "system folder"),
    ],
)
def test_bad_input_exits_2(run_vivo: RunVivo, args: list[str], needle: str) -> None:
    code, _, err = run_vivo(*args)
    assert code == 2 and needle in err and err.startswith("vivo: error:") and err.count("\n") == 1


def test_nucleases_json(run_vivo: RunVivo) -> None:
    code, out, _ = run_vivo("nucleases", "--json")
    names = [n["name"] for n in json.loads(out)["nucleases"]]
    assert code == 0 and {"SpCas9", "SaCas9-KKH", "enAsCas12a"} <= set(names)
