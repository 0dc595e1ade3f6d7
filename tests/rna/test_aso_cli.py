"""`vivo rna aso`: JSON, table, result folder, transcript files, off-targets, one-line errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vivo.core.seq import reverse_complement
from vivo.rna.transcript import bundled_transcript

RunVivo = Callable[..., tuple[int, str, str]]  # the run_vivo fixture (tests/conftest.py)


def test_include_json_on_bundled_smn2(run_vivo: RunVivo) -> None:
    code, out, _ = run_vivo("rna", "aso", "SMN2", "--mode", "include", "--exon", "7",
                        "--top", "4", "--json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == "vivo.rna.aso/1" and data["mode"] == "include"
    assert data["chemistry"]["key"] == "moe" and len(data["designs"]) == 4
    d = data["designs"][0]
    assert len(d["oligo_5to3"]) == 18 and d["pattern"] == "M" * 18
    assert d["location"]["genomic"][0]["assembly"] == "GRCh38"
    assert d["offtargets"]["transcriptome_by_mismatches"] is not None
    assert any("NOT a transcriptome" in n for n in data["notes"])
    assert any("genome off-targets not searched" in n for n in data["notes"])


def test_gapmer_table(run_vivo: RunVivo) -> None:
    code, out, _ = run_vivo("rna", "aso", "ADA", "--mode", "gapmer", "--top", "3")
    assert code == 0
    assert "RNase H gapmers" in out and "5-10-5 2'-MOE gapmer" in out


def test_out_folder_from_a_genbank_file_with_a_transcriptome(
    run_vivo: RunVivo, tmp_path: Path
) -> None:
    gb = tmp_path / "dmd.gb"
    gb.write_bytes(
        resources.files("vivo.rna").joinpath("data", "DMD_exon51_GRCh37.gb").read_bytes()
    )
    dmd = bundled_transcript("DMD-exon51")
    # a paralog carrying an exact copy of exon 51 nt 100-160: designs there get off-targets
    copy = dmd.mrna[99:160]
    tm = tmp_path / "tm.fa"
    tm.write_text(f">ENSTX.1|ENSGX.1|-|-|DMD-201|DMD|{len(dmd.mrna)}|\n{dmd.mrna}\n"
                  f">ENSTY.1|ENSGY.1|-|-|PARA-201|PARA|{len(copy) + 80}|\n"
                  f"{'A' * 40}{copy}{'A' * 40}\n")  # fmt: skip
    out = tmp_path / "res"
    code, _, err = run_vivo("rna", "aso", "--transcript", str(gb), "--mode", "skip",
                        "--exon", "51", "--chemistry", "pmo", "--length", "25", "--top", "12",
                        "--transcriptome", str(tm), "--out", str(out))  # fmt: skip
    assert code == 0, err
    data = json.loads((out / "aso.json").read_text())
    assert data["chemistry"]["key"] == "pmo" and data["exon"] == 51
    assert not any("NOT a transcriptome" in n for n in data["notes"])
    rows = (out / "asos.tsv").read_text().splitlines()
    assert rows[0].startswith("rank\toligo_5to3") and len(rows) == 13
    sites = (out / "offtarget_sites.tsv").read_text()
    for d in data["designs"]:
        target = reverse_complement(d["oligo_5to3"])
        in_copy = target in copy
        counts = d["offtargets"]["transcriptome_by_mismatches"]
        assert (counts[0] >= 1) == in_copy, d["location"]["label"]
    assert ("PARA" in sites) == any(
        reverse_complement(d["oligo_5to3"]) in copy for d in data["designs"]
    )


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("SMN2", "--mode", "include", "--exon", "9"), "no exon 9"),
        (("SMN2", "--mode", "include", "--exon", "7", "--length", "31"), "out of range"),
        (("SMN2", "--mode", "include", "--exon", "7", "--length", "17"), "out of range"),
        (("SMN2", "--mode", "splice"), "--mode"),
        (("SMN2", "--mode", "skip"), "needs --exon"),
        (("ADA", "--mode", "skip", "--exon", "3"), "mature mRNA"),
        (("ADA", "--chemistry", "pmo"), "steric blocker"),
        (("ADA", "--chemistry", "moe-9-2-9"), "out of range"),
        (("ADA", "--length", "18"), "20 nt"),
        (("NOSUCHGENE", "--mode", "gapmer"), "no transcript"),
        ((), "give a gene"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    run_vivo: RunVivo, tmp_path: Path, args: tuple[str, ...], match: str
) -> None:
    out = tmp_path / "res"
    code, _, err = run_vivo("rna", "aso", *args, "--out", str(out))
    assert code == 2
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("vivo: error:") and match in lines[0]
    assert not out.exists()


def test_non_nucleotide_transcript_file(run_vivo: RunVivo, tmp_path: Path) -> None:
    fa = tmp_path / "bad.fa"
    fa.write_text(">x\nACGTACGTACGTQQACGTACGTACGTACGT\n")
    code, _, err = run_vivo("rna", "aso", "--transcript", str(fa), "--mode", "gapmer")
    assert code == 2 and err.startswith("vivo: error:") and len(err.strip().splitlines()) == 1


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    gene=st.sampled_from(["SMN2", "DMD", "ADA", "smn2", "TTR", ""]),
    mode=st.sampled_from(["gapmer", "skip", "include", "Skip", "x"]),
    exon=st.one_of(st.none(), st.sampled_from(["7", "51", "0", "-1", "8", "1e3", "nan", "99999"])),
    length=st.one_of(st.none(), st.sampled_from(["18", "30", "17", "31", "20", "2.5", "inf"])),
    chemistry=st.one_of(st.none(), st.sampled_from(["moe", "pmo", "lna-3-10-3", "moe-1-7-1",
                                                    "cet-3-10-3", "MOE-5-10-5", "dna", "é"])),
)  # fmt: skip
def test_random_requests_exit_0_or_one_error_line(
    run_vivo: RunVivo,
    gene: str,
    mode: str,
    exon: str | None,
    length: str | None,
    chemistry: str | None,
) -> None:
    args = ["rna", "aso", *([gene] if gene else []), "--mode", mode, "--top", "2", "--json"]
    for flag, value in (("--exon", exon), ("--length", length), ("--chemistry", chemistry)):
        if value is not None:
            args += [flag, value]
    code, out, err = run_vivo(*args)
    assert code in (0, 2), err
    if code == 2:
        lines = [x for x in err.splitlines() if x.strip()]
        assert len(lines) == 1 and lines[0].startswith("vivo: error:")
    else:
        assert json.loads(out)["schema"] == "vivo.rna.aso/1"


def test_bundled_locus_gene_searches_the_locus_and_drops_the_on_target(
    run_vivo: RunVivo,
) -> None:
    from vivo.core.coords import Interval, Locus
    from vivo.genome import bundled_locus

    code, out, err = run_vivo("rna", "aso", "HBB", "--mode", "gapmer", "--top", "3", "--json")
    assert code == 0, err
    data = json.loads(out)
    genome = bundled_locus()
    contigs = {
        c: genome.genome.fetch(Locus(c, Interval(0, genome.genome.contig_length(c))))
        for c in genome.genome.contig_names()
    }
    for d in data["designs"]:
        target = reverse_complement(d["oligo_5to3"])
        perfect = sum(
            s.count(target) + reverse_complement(s).count(target) for s in contigs.values()
        )
        assert perfect >= 1  # the on-target copy is in the locus ...
        assert d["offtargets"]["genome_by_mismatches"][0] == perfect - 1  # ... and is not counted
    assert any("bundled locus" in n for n in data["notes"])


def test_vcf_variant_under_the_best_design_sends_it_last(run_vivo: RunVivo, tmp_path: Path) -> None:
    from vivo.io.vcf import VcfRecord, write_vcf

    base = ("rna", "aso", "SMN2", "--mode", "include", "--exon", "7", "--top", "3", "--json")
    code, out, _ = run_vivo(*base)
    best = json.loads(out)["designs"][0]
    locus = best["location"]["genomic"][0]["locus"]  # chr5:start-end(+), 1-based
    contig, span = locus.split(":")
    start = int(span.split("-")[0])
    vcf = tmp_path / "v.vcf"
    write_vcf(vcf, [VcfRecord(contig, start + 4, "A", ("G",), genotype=(0, 1))],
              samples=("P1",), contigs=((contig, 181538259),))  # fmt: skip
    code, out, err = run_vivo(*base, "--vcf", str(vcf))
    assert code == 0, err
    data = json.loads(out)
    assert data["designs"][0]["location"]["start"] != best["location"]["start"]
    assert any("1 variant position" in n for n in data["notes"])
