"""Odd genotypes in a patient's VCF (H10 review): polyploid, half-missing and haploid calls."""

from __future__ import annotations

from pathlib import Path

import pytest

from vivo.core.errors import FormatError, InputError
from vivo.workflows.variants import read_patient_vcf

_HEADER = (
    "##fileformat=VCFv4.2\n##reference=GRCh38\n##contig=<ID=chr11,length=135086622>\n"
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tPATIENT\n"
)


def _vcf(tmp_path: Path, *rows: str, pos: str = "5227002") -> str:
    path = tmp_path / "p.vcf"
    body = "".join(f"chr11\t{pos}\t.\tT\tA\t.\tPASS\t.\tGT\t{gt}\n" for gt in rows)
    path.write_text(_HEADER + body)
    return str(path)


def test_a_triploid_call_is_refused_not_called_homozygous(tmp_path: Path, hbb_locus) -> None:
    with pytest.raises(InputError, match=r"genotype 0/1/1 has 3 copies"):
        read_patient_vcf(_vcf(tmp_path, "0/1/1"), gene="HBB", genome=hbb_locus)


def test_a_half_missing_call_says_the_other_allele_is_unknown(tmp_path: Path, hbb_locus) -> None:
    pv = read_patient_vcf(_vcf(tmp_path, "./1"), gene="HBB", genome=hbb_locus)
    assert pv.genotype.zygosity == "heterozygous"
    assert any("second allele is unknown" in n for n in pv.notes)


def test_a_haploid_call_on_an_autosome_is_flagged(tmp_path: Path, hbb_locus) -> None:
    pv = read_patient_vcf(_vcf(tmp_path, "1"), gene="HBB", genome=hbb_locus)
    assert pv.genotype.zygosity == "hemizygous"
    assert any("not a sex chromosome" in n for n in pv.notes)


def test_a_plain_diploid_call_has_no_genotype_note(tmp_path: Path, hbb_locus) -> None:
    pv = read_patient_vcf(_vcf(tmp_path, "0/1"), gene="HBB", genome=hbb_locus)
    assert not any("copy is not called" in n or "haploid" in n for n in pv.notes)


def test_a_position_beyond_32_bits_is_a_format_error_with_its_line(
    tmp_path: Path, hbb_locus
) -> None:
    path = _vcf(tmp_path, "0/1", pos="99999999999999999999")
    with pytest.raises(FormatError, match=r"beyond the largest position") as info:
        read_patient_vcf(path, gene="HBB", genome=hbb_locus)
    assert ":6" in str(info.value)  # the record's line


def test_a_known_gene_missing_from_the_genome_is_not_called_unknown(
    tmp_path: Path, hbb_locus
) -> None:
    with pytest.raises(InputError, match=r"SMN1 is not in the genome in use") as info:
        read_patient_vcf(_vcf(tmp_path, "0/1"), gene="SMN1", genome=hbb_locus)
    assert "unknown gene" not in str(info.value) and "--genome" in info.value.hint
