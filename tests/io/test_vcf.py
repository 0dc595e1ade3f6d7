"""vivo.io.vcf: plain, bgzip and tabix reads; samples; malformed records by file and line."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from vivo.core.errors import FormatError, InputError
from vivo.io.vcf import VcfRecord, read_vcf, read_vcf_header, sniff_vcf, write_vcf

HBS_REGION = ("chr11", 5227000, 5227010)


@pytest.fixture(scope="module")
def vcf_dir(data_dir: Path) -> Path:
    return data_dir / "vcf"


def test_plain_and_bgzip_tabix_give_the_same_records(vcf_dir: Path) -> None:
    region = ("chr11", 5225000, 5230000)
    h1, plain = read_vcf(vcf_dir / "hbs_b0_trans_plain.vcf", region=region)
    h2, indexed = read_vcf(vcf_dir / "hbs_b0_trans.vcf.gz", region=region)
    assert not h1.indexed and h2.indexed
    key = [(r.contig, r.pos, r.ref, r.alts, r.genotype, r.phased) for r in plain]
    assert key == [(r.contig, r.pos, r.ref, r.alts, r.genotype, r.phased) for r in indexed]
    assert [r.pos for r in plain] == [5226774, 5227002]  # the HBG1 record is outside
    assert [r.line for r in plain] == [6, 7]  # streamed: line numbers known
    assert all(r.line is None for r in indexed)  # read through the index


def test_plain_gzip_without_index_is_streamed(vcf_dir: Path, tmp_path: Path) -> None:
    gz = tmp_path / "p.vcf.gz"
    gz.write_bytes(gzip.compress((vcf_dir / "hbs_het.vcf").read_bytes()))
    header, recs = read_vcf(gz, region=HBS_REGION)
    assert not header.indexed and [r.genotype for r in recs] == [(0, 1)]


def test_header_contigs_reference_and_samples(vcf_dir: Path) -> None:
    h = read_vcf_header(vcf_dir / "two_samples.vcf")
    assert h.samples == ("MOTHER", "CHILD")
    assert h.contig_length("chr11") == 135086622 and h.reference == "GRCh38"


def test_sample_choice_errors_list_the_samples(vcf_dir: Path) -> None:
    with pytest.raises(InputError, match=r"2 samples \(MOTHER, CHILD\)"):
        read_vcf(vcf_dir / "two_samples.vcf")
    with pytest.raises(InputError, match="no sample 'FATHER'.*MOTHER, CHILD"):
        read_vcf(vcf_dir / "two_samples.vcf", sample="FATHER")
    with pytest.raises(InputError, match="no sample columns"):
        read_vcf(vcf_dir / "broken_sites_only.vcf")
    _, recs = read_vcf(vcf_dir / "two_samples.vcf", sample="CHILD")
    assert recs[0].genotype == (0, 1)


def test_malformed_record_names_file_and_line(vcf_dir: Path) -> None:
    with pytest.raises(FormatError) as exc:
        read_vcf(vcf_dir / "broken_malformed_pos.vcf")
    assert exc.value.line == 7 and "broken_malformed_pos.vcf:7" in str(exc.value)
    assert "POS must be a whole number" in str(exc.value)


@pytest.mark.parametrize(
    ("row", "why"),
    [
        ("chr11\t5227002\t.\tT?\tA\t.\tPASS\t.\tGT\t0/1", "REF must be bases"),
        ("chr11\t5227002\t.\tT\tA\t.\tPASS\t.\tGT\t0/x", "bad genotype"),
        ("chr11\t5227002\t.\tT", "at least 8"),
        ("chr11\t5227002\t.\tT\tA\t.\tPASS\t.\tGT\t0/3", "beyond the 1 ALT"),
    ],
)
def test_broken_records(tmp_path: Path, vcf_dir: Path, row: str, why: str) -> None:
    text = [*(vcf_dir / "hbs_het.vcf").read_text().splitlines()[:-1], row]
    p = tmp_path / "b.vcf"
    p.write_text("\n".join(text) + "\n")
    with pytest.raises(FormatError, match=why) as exc:
        read_vcf(p)
    assert exc.value.line == 6


def test_malformed_record_in_an_indexed_file_is_located(tmp_path: Path, vcf_dir: Path) -> None:
    lines = (vcf_dir / "hbs_het.vcf").read_text().splitlines()
    lines.append("chr11\t5227005\t.\tT\tA\t.\tPASS\t.\tGT\t0/9")
    plain = tmp_path / "x.vcf"
    plain.write_text("\n".join(lines) + "\n")
    import pysam

    pysam.tabix_compress(str(plain), str(tmp_path / "x.vcf.gz"))
    pysam.tabix_index(str(tmp_path / "x.vcf.gz"), preset="vcf")
    with pytest.raises(FormatError) as exc:
        read_vcf(tmp_path / "x.vcf.gz", region=HBS_REGION)
    assert exc.value.line == 7


def test_not_a_vcf(tmp_path: Path) -> None:
    p = tmp_path / "x.vcf"
    p.write_text(">chr1\nACGT\n")
    assert not sniff_vcf(p)
    with pytest.raises(FormatError, match="not a VCF"):
        read_vcf(p)


def test_write_read_round_trip_and_nothing_written_next_to_input(tmp_path: Path) -> None:
    recs = [
        VcfRecord("chr11", 5226774, "G", ("A",), genotype=(1, 0), phased=True),
        VcfRecord("chr11", 5227002, "T", ("A", "G"), genotype=(0, 2)),
    ]
    out = write_vcf(tmp_path / "r.vcf.gz", recs, samples=("S",), contigs=(("chr11", None),),
                    bgzip=True)  # fmt: skip
    assert sniff_vcf(out) and (tmp_path / "r.vcf.gz.tbi").is_file()
    ro = tmp_path / "ro"
    ro.mkdir()
    for name in ("r.vcf.gz", "r.vcf.gz.tbi"):
        shutil.copy(tmp_path / name, ro / name)
    ro.chmod(0o555)
    try:
        _, back = read_vcf(ro / "r.vcf.gz", region=("chr11", 5226000, 5228000))
        assert sorted(p.name for p in ro.iterdir()) == ["r.vcf.gz", "r.vcf.gz.tbi"]
    finally:
        ro.chmod(0o755)
    assert [(r.pos, r.alts, r.genotype, r.phased) for r in back] == [
        (5226774, ("A",), (1, 0), True),
        (5227002, ("A", "G"), (0, 2), False),
    ]


@pytest.mark.parametrize("index_bytes", [b"", b"\x7fELF not an index"])
def test_an_unreadable_index_is_an_error_never_an_empty_region(
    tmp_path: Path, index_bytes: bytes
) -> None:
    """A damaged .tbi next to the VCF made the region look empty ("no variant"): H10 review."""
    src = Path(__file__).parents[1] / "data" / "vcf" / "hbs_hom.vcf.gz"
    vcf = tmp_path / "p.vcf.gz"
    shutil.copy(src, vcf)
    Path(str(vcf) + ".tbi").write_bytes(index_bytes)
    with pytest.raises(InputError, match="index next to the VCF cannot be read"):
        read_vcf(vcf, region=("chr11", 5225000, 5228000))


def test_a_bom_or_a_double_gzip_is_named_in_the_error(tmp_path: Path) -> None:
    src = (Path(__file__).parents[1] / "data" / "vcf" / "hbs_het.vcf").read_bytes()
    bom = tmp_path / "bom.vcf"
    bom.write_bytes(b"\xef\xbb\xbf" + src)
    with pytest.raises(FormatError, match="byte-order mark"):
        read_vcf(bom)
    twice = tmp_path / "twice.vcf.gz"
    twice.write_bytes(gzip.compress(gzip.compress(src)))
    with pytest.raises(FormatError, match="compressed twice"):
        read_vcf(twice)
