"""Review findings R1 (terminal exons, flanks) and R2 (files of several transcripts)."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from itertools import product
from pathlib import Path

import pytest

from vivo.core.errors import InputError
from vivo.rna import aso, aso_fold
from vivo.rna.transcript import bundled_transcript, transcript_from_annotation

RunVivo = Callable[..., tuple[int, str, str]]  # the run_vivo fixture (tests/conftest.py)

DATA = Path(__file__).parent / "data"


def _one_line(err: str) -> str:
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("vivo: error:"), err
    return lines[0]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ("HBB", "--mode", "skip", "--exon", "1"),
            ("exon 1 is the first exon", "internal exons: 2"),
        ),
        (("HBB", "--mode", "include", "--exon", "3"), ("exon 3 is the last exon", "donor")),
        (("SMN2", "--mode", "skip", "--exon", "8"), ("exon 8 is the last exon", "gapmer")),
    ],
)
def test_terminal_exons_are_refused_in_words(
    run_vivo: RunVivo,
    tmp_path: Path,
    args: tuple[str, ...],
    words: tuple[str],
) -> None:
    out = tmp_path / "res"
    code, _, err = run_vivo("rna", "aso", *args, "--out", str(out))
    line = _one_line(err)
    assert code == 2 and all(w in line for w in words) and "interval" not in line
    assert not out.exists()


def test_flanks_are_clipped_at_the_neighbouring_exon_and_the_record(
    run_vivo: RunVivo,
) -> None:
    code, out, err = run_vivo("rna", "aso", "HBB", "--mode", "skip", "--exon", "2",
                          "--flank", "1000", "--top", "3", "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert any("upstream flank of exon 2 clipped to 130 nt" in n for n in data["notes"])
    for d in data["designs"]:  # no tile reaches into exon 1 or exon 3
        assert "exon 1" not in d["location"]["label"] and "exon 3" not in d["location"]["label"]
    code, out, err = run_vivo("rna", "aso", "DMD", "--mode", "skip", "--exon", "51",
                          "--flank", "800", "--top", "1", "--json")  # fmt: skip
    assert code == 0, err
    assert any("record holds no more intron" in n for n in json.loads(out)["notes"])


def _transcripts() -> list[object]:
    from vivo.genome import bundled_locus

    locus = bundled_locus()
    return [bundled_transcript("SMN2-exon7"), bundled_transcript("DMD-exon51"),
            transcript_from_annotation(locus, "HBB"), transcript_from_annotation(locus, "HBD"),
            transcript_from_annotation(locus, "HBB", flank=30)]  # fmt: skip


def test_every_exon_mode_and_flank_designs_or_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any exon number (out of range, first, internal, last), both modes, flanks from none to
    more than the intron and lengths at both ends: designs, or an InputError with a hint.
    (Folding is switched off: this is about where tiles go, and it keeps the test fast.)"""
    for name in ("unpaired_probability", "opening_energy_kcal", "duplex_energy_kcal"):
        monkeypatch.setattr(aso_fold, name, lambda *a, **k: None)
    for tx in _transcripts():
        numbers = tx.exon_numbers  # type: ignore[attr-defined]
        exons = sorted({min(numbers) - 1, *numbers, max(numbers) + 1})
        for exon, mode, flank, length in product(exons, ("skip", "include"), (0, 7, 1000),
                                                 (18, 30)):  # fmt: skip
            try:
                res = aso.design_asos(tx, mode=mode, exon=exon, flank=flank, length=length,  # type: ignore[arg-type]
                                      top=2, accessibility=False)  # fmt: skip
            except InputError as exc:
                assert exc.hint and "interval" not in str(exc), (tx, exon, mode, flank, exc)
            else:
                assert res.designs and all(d.length == length for d in res.designs)


def test_gapmer_longer_than_the_transcript_says_so(tmp_path: Path) -> None:
    fa = tmp_path / "short.fa"
    fa.write_text(">short\nACGUACGUACGUACGU\n")
    from vivo.workflows.rna import AsoRequest, design_aso

    with pytest.raises(InputError, match="shorter than a 20-mer gapmer") as exc:
        design_aso(AsoRequest(transcript=str(fa), mode="gapmer"))
    assert exc.value.hint
    with pytest.raises(InputError, match="mature mRNA"):
        design_aso(AsoRequest(transcript=str(fa), mode="gapmer", target="pre-mrna"))


# -- R2: files of several transcripts ------------------------------------------------------------
@pytest.mark.parametrize("command", ["sirna", "aso"])
def test_a_file_of_several_transcripts_is_never_read_as_its_first(
    run_vivo: RunVivo, command: str
) -> None:
    fa = str(DATA / "two_transcripts.fa")
    code, _, err = run_vivo("rna", command, "--transcript", fa, "--top", "1")
    line = _one_line(err)
    assert code == 2 and "ADA-part1, ADA-part2" in line and "--transcript-id" in line
    code, _, err = run_vivo("rna", command, "ADA", "--transcript", fa, "--top", "1")
    assert code == 2 and "2 records of ADA" in _one_line(err)
    code, out, err = run_vivo("rna", command, "--transcript", fa, "--transcript-id",
                          "ADA-part2", "--top", "1", "--json",
                          *(["--region", "any"] if command == "sirna" else []))  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    tid = data["transcript"]["transcript_id"] if command == "sirna" else data["transcript_id"]
    assert tid == "ADA-part2"
    code, _, err = run_vivo("rna", command, "--transcript", fa, "--transcript-id", "NOPE")
    assert code == 2 and "its records: ADA-part1, ADA-part2" in _one_line(err)


def test_a_genbank_file_of_several_records_is_chosen_by_id(
    run_vivo: RunVivo, tmp_path: Path
) -> None:
    gb = tmp_path / "three.gb"
    gb.write_bytes(b"".join(
        resources.files("vivo.rna").joinpath("data", n).read_bytes()
        for n in ("ADA_GRCh37_derived_mRNA.gb", "DMD_exon51_GRCh37.gb", "SMN2_exon7_GRCh38.gb")
    ))  # fmt: skip
    code, _, err = run_vivo("rna", "aso", "--transcript", str(gb), "--mode", "skip",
                        "--exon", "51")  # fmt: skip
    assert code == 2 and "holds 3 transcript records" in _one_line(err)
    for chooser in (["--transcript-id", "DMD_exon51_GRCh37"], ["DMD"]):
        code, out, err = run_vivo("rna", "aso", *chooser, "--transcript", str(gb),
                              "--mode", "skip", "--exon", "51", "--top", "1", "--json")  # fmt: skip
        assert code == 0, err
        assert json.loads(out)["transcript_id"] == "DMD_exon51_GRCh37"


def test_short_transcripts_and_unknown_genes_get_a_useful_hint(
    run_vivo: RunVivo, tmp_path: Path
) -> None:
    fa = tmp_path / "short.fa"
    fa.write_text(">short\nACGUACGUACGUACGU\n")
    code, _, err = run_vivo("rna", "sirna", "--transcript", str(fa), "--region", "any")
    line = _one_line(err)
    assert code == 2 and "the mRNA of short is 16 nt" in line and "longer transcript" in line
    gb = resources.files("vivo.rna").joinpath("data", "DMD_exon51_GRCh37.gb")
    path = tmp_path / "dmd.gb"
    path.write_bytes(gb.read_bytes())
    code, _, err = run_vivo("rna", "aso", "NOPE", "--transcript", str(path), "--mode", "gapmer")
    assert code == 2 and "its genes: DMD" in _one_line(err)
