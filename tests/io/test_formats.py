"""BED, TSV, JSON and the one FASTA parser: sniff/read/write, valid and broken fixtures by case."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vivo.core.errors import FormatError, InputError
from vivo.genome.fasta_format import parse_fasta_text
from vivo.io.bed import BedRecord, format_bed, read_bed, write_bed
from vivo.io.jsonio import dumps_versioned, read_json, write_json
from vivo.io.sniff import sniff
from vivo.io.tsv import format_tsv, read_tsv, write_tsv


def test_bed_round_trip(data_dir: Path, tmp_path: Path) -> None:
    rows = read_bed(data_dir / "broken" / "valid.bed")
    assert rows == [
        BedRecord("chr1", 10, 33, "g1", 870, "-"),
        BedRecord("chr1", 40, 63, "g2", 120, "+"),
    ]
    out = write_bed(rows, tmp_path / "x.bed", track="vivo guides")
    assert out.read_text() == (data_dir / "broken" / "valid.bed").read_text()
    assert sniff(out).format == "bed"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("broken_columns.bed", "at least 3 tab-separated columns"),
        ("non_numeric.bed", "must be numbers"),
        ("bad_strand.bed", "strand"),
    ],
)
def test_broken_bed(data_dir: Path, name: str, message: str) -> None:
    with pytest.raises(FormatError, match=message) as info:
        read_bed(data_dir / "broken" / name)
    assert info.value.line == 1


def test_bed_scores_are_clamped_and_fields_checked() -> None:
    assert format_bed([BedRecord("c", 0, 1, "n", 5000)]) == "c\t0\t1\tn\t1000\t.\n"
    with pytest.raises(InputError):
        BedRecord("c\t1", 0, 1)
    with pytest.raises(InputError):
        format_bed([], track='say "hi"')


def test_tsv(data_dir: Path, tmp_path: Path) -> None:
    header, rows = read_tsv(data_dir / "broken" / "valid.tsv")
    assert header == ["gene", "score"] and rows == [["HBB", "0.5"], ["ADA", ""]]
    with pytest.raises(FormatError, match="3 cells for 2 columns") as info:
        read_tsv(data_dir / "broken" / "ragged.tsv")
    assert info.value.line == 2
    with pytest.raises(InputError, match="tab or a line break"):
        format_tsv(["a"], [["x\ty"]])
    path = write_tsv(["a", "b"], [[1, None]], tmp_path / "t.tsv")
    assert read_tsv(path) == (["a", "b"], [["1", ""]])


@given(
    st.lists(
        st.lists(
            st.text(
                alphabet=st.characters(
                    blacklist_characters="\t\r\n\x85\x0b\x0c\x1c\x1d\x1e\u2028\u2029"
                ),
                min_size=1,
            ),
            min_size=2,
            max_size=2,
        ),
        max_size=5,
    )
)
def test_tsv_round_trip_property(rows: list[list[str]]) -> None:
    text = format_tsv(["a", "b"], rows)
    lines = text.splitlines()
    assert [ln.split("\t") for ln in lines[1:]] == rows


def test_json(data_dir: Path, tmp_path: Path) -> None:
    assert read_json(data_dir / "broken" / "valid.json", schema_versions={"1"})["genes"] == ["HBB"]
    with pytest.raises(FormatError, match="not one this vivo reads"):
        read_json(data_dir / "broken" / "valid.json", schema_versions={"2"})
    with pytest.raises(FormatError, match="no schema_version"):
        read_json(data_dir / "broken" / "no_schema.json")
    with pytest.raises(FormatError, match="malformed JSON") as info:
        read_json(data_dir / "broken" / "malformed.json")
    assert info.value.line == 4
    with pytest.raises(FormatError, match="is an object"):
        read_json(data_dir / "broken" / "not_object.json")
    out = write_json({"x": 1}, tmp_path / "a.json", schema_version="3")
    assert read_json(out) == {"schema_version": "3", "x": 1}
    assert sniff(out).format == "json"
    with pytest.raises(InputError, match="schema_version"):
        dumps_versioned({"schema_version": "1"}, "2")
    with pytest.raises(ValueError):
        dumps_versioned({"x": float("nan")}, "1")


def test_one_fasta_parser_for_text_and_files() -> None:
    recs = parse_fasta_text(">a desc\r\nACGT\r\n\r\nnn\n>b\nMKV*\n", alphabet="protein")
    assert [(r.name, r.description, r.sequence) for r in recs] == [
        ("a", "desc", "ACGTnn"),
        ("b", "", "MKV*"),
    ]
    with pytest.raises(FormatError, match="non-IUPAC character 'E'") as info:
        parse_fasta_text(">b\nMKE\n", where="x.fa")
    assert (info.value.path, info.value.line) == ("x.fa", 2)
    with pytest.raises(FormatError, match="duplicate sequence name"):
        parse_fasta_text(">a\nA\n>a\nC\n")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("[design]\nname = 'x'\n", "text"), ("[[parts]]\nname = 'x'\n", "text"),
     ("[1, 2]\n", "json"), ('[{"a": 1}]\n', "json"), ("[[1, 2]]\n", "json"),
     ("chr1\t5\t3\n", "text"), ("browser position chr1\nchr1\t0\t10\n", "bed")],
)  # fmt: skip
def test_sniff_bed_and_json_not_toml(tmp_path: Path, text: str, kind: str) -> None:
    p = tmp_path / "f"
    p.write_text(text)
    assert sniff(p).format == kind
