"""`vivo rna sirna`: JSON, result folder, FASTA/GenBank transcripts, VCF, one-line errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from vivo.rna.transcript import bundled_transcript

RunVivo = Callable[..., tuple[int, str, str]]  # the run_vivo fixture (tests/conftest.py)


def test_sirna_json_on_bundled_ada(run_vivo: RunVivo) -> None:
    code, out, _ = run_vivo("rna", "sirna", "ADA", "--top", "3", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == "vivo.rna.sirna/1" and len(data["duplexes"]) == 3
    d = data["duplexes"][0]
    assert d["passes_rules"] and d["passes_offtargets"] and len(d["guide_antisense"]) == 21
    assert d["location"]["genomic"][0]["assembly"] == "GRCh37"
    assert data["transcriptome_complete"] is False and data["notes"]


def test_sirna_out_folder_with_fasta_transcript_and_transcriptome(
    run_vivo: RunVivo, tmp_path: Path
) -> None:
    ada = bundled_transcript("ADA").mrna
    fa = tmp_path / "ada.fa"
    fa.write_text(
        f">ENSTX.1|ENSGX.1|-|-|ADA-201|ADA|1532|UTR5:1-128|CDS:129-1220|UTR3:1221-1532|\n{ada}\n"
    )
    other = "ACGT" * 30 + ada[700:760] + "TTTT" * 20
    tm = tmp_path / "tm.fa"
    tm.write_text(f">ENSTX.1|ENSGX.1|-|-|ADA-201|ADA|1532|CDS:129-1220|\n{ada}\n"
                  f">ENSTY.1|ENSGY.1|-|-|PARA-201|PARA|{len(other)}|\n{other}\n")  # fmt: skip
    out = tmp_path / "res"
    code, _, err = run_vivo("rna", "sirna", "--transcript", str(fa), "--transcriptome",
                        str(tm), "--region", "cds", "--top", "40", "--out", str(out))  # fmt: skip
    assert code == 0, err
    data = json.loads((out / "sirna.json").read_text())
    assert data["transcript"]["cds"] == {"start_1based": 129, "end": 1220}
    assert data["transcriptome_complete"] is True
    rows = (out / "duplexes.tsv").read_text().splitlines()
    assert rows[0].startswith("rank\tstart_1based") and len(rows) == 41
    # a duplex whose site lies in the copied 60 nt has a perfect site in PARA: it fails
    near = (out / "near_sites.tsv").read_text()
    failing = [d for d in data["duplexes"] if d["passes_offtargets"] is False]
    assert all(700 <= d["start"] <= 760 - 19 for d in failing)
    assert ("PARA" in near) == bool(failing)
    assert (out / "seed_sites.tsv").is_file()
    # PARA has no CDS in its header: its 3'UTR is unknown and the result says so
    assert any("3'UTRs of 1 of 2 transcripts" in n and "1 without an annotated CDS" in n
               for n in data["notes"])  # fmt: skip


def test_sirna_vcf_positions_rank_last(run_vivo: RunVivo, tmp_path: Path) -> None:
    from vivo.io.vcf import VcfRecord, write_vcf

    code, out, _ = run_vivo("rna", "sirna", "ADA", "--top", "1", "--json")
    best = json.loads(out)["duplexes"][0]
    locus = best["location"]["genomic"][0]["locus"]  # e.g. chr20:43251..-43251..(-)
    contig, span = locus.split(":")
    start = int(span.split("-")[0])
    vcf = tmp_path / "v.vcf"
    write_vcf(vcf, [VcfRecord(contig, start + 3, "A", ("G",), genotype=(0, 1))],
              samples=("P1",), contigs=((contig, 63025520),))  # fmt: skip
    code, out, err = run_vivo("rna", "sirna", "ADA", "--top", "1", "--vcf", str(vcf), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["variants_used"] == 1 and data["duplexes"][0]["start"] != best["start"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("TTR",), "no transcript of 'TTR'"),
        (("DMD", "--region", "3utr"), "no annotated CDS"),
        (("ADA", "--top", "0"), "--top"),
        (("ADA", "--region", "intron"), "intron"),
        ((), "give a gene or --transcript"),
    ],
)
def test_sirna_bad_input_one_line(
    run_vivo: RunVivo,
    tmp_path: Path,
    args: tuple[str, ...],
    message: str,
) -> None:
    out = tmp_path / "never"
    code, _, err = run_vivo("rna", "sirna", *args, "--out", str(out))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_sirna_bad_letters_and_short_transcript(run_vivo: RunVivo, tmp_path: Path) -> None:
    bad = tmp_path / "bad.fa"
    bad.write_text(">x\nACGTXXACGTACGTACGTACGTAAA\n")
    code, _, err = run_vivo("rna", "sirna", "--transcript", str(bad), "--region", "any")
    assert code == 2 and err.startswith("vivo: error:") and len(err.strip().splitlines()) == 1
    short = tmp_path / "short.fa"
    short.write_text(">s\nACGUACGUAC\n")
    code, _, err = run_vivo("rna", "sirna", "--transcript", str(short), "--region", "any")
    assert code == 2 and "19-nt site" in err
