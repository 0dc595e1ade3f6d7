"""FASTA reading: valid files (multi-record, CRLF, soft-masking, N runs, gzip, bgzip) and the
bad-input corpus in tests/data/fasta."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from Bio import bgzf

from vivo.core.coords import Strand
from vivo.core.errors import FormatError, InputError
from vivo.io.fasta import FastaGenome, FastaRecord, open_fasta, read_fasta, write_fasta
from vivo.io.genomes import open_genome


@pytest.fixture
def fasta_copy(tmp_path: Path, data_dir: Path):
    def copy(name: str) -> Path:
        dest = tmp_path / name
        shutil.copy(data_dir / "fasta" / name, dest)
        return dest

    return copy


def test_multi_record_with_softmask_and_n(fasta_copy) -> None:
    g = FastaGenome(fasta_copy("valid_multi.fa"))
    assert g.contig_lengths() == {"chr1": 26, "chr2": 16}
    assert g.fetch_region("chr1", 10, 20) == "GTacgtNNNN"
    assert g.fetch_region("chr1", 10, 16, Strand.MINUS) == "acgtAC"
    assert read_fasta(fasta_copy("valid_multi.fa"))[0] == FastaRecord(
        "chr1", "first contig", "ACGTACGTACGTacgtNNNNNNACGT"
    )


def test_crlf_line_ends(fasta_copy) -> None:
    g = FastaGenome(fasta_copy("valid_crlf.fa"))
    assert g.fetch_region("chr1", 0, 16) == "ACGTacgtNNNNACGT"
    assert g.contig_length("chr2") == 4


def test_plain_gzip_and_bgzip(tmp_path: Path, data_dir: Path) -> None:
    text = (data_dir / "fasta" / "valid_multi.fa").read_bytes()
    gz = tmp_path / "g.fa.gz"
    gz.write_bytes(gzip.compress(text))
    assert open_fasta(gz).fetch_region("chr2", 0, 4) == "TTTT"
    bgz = tmp_path / "b.fa.gz"
    with bgzf.BgzfWriter(str(bgz), "wb") as fh:
        fh.write(text)
    g = open_fasta(bgz)
    assert isinstance(g, FastaGenome)
    assert g.fetch_region("chr1", 8, 14) == "ACGTac"
    # plain gzip works with random access too (a decompressed copy in vivo's cache)
    assert FastaGenome(gz).fetch_region("chr1", 8, 14) == "ACGTac"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.fa.gz", "g.fa.gz"]


def test_read_only_folder_is_not_written(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copy(data_dir / "fasta" / "valid_multi.fa", folder / "g.fa")
    folder.chmod(0o555)
    try:
        for g in (FastaGenome(folder / "g.fa"), open_genome(folder / "g.fa").genome):
            assert g.contig_lengths() == {"chr1": 26, "chr2": 16}
        assert [p.name for p in folder.iterdir()] == ["g.fa"]
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("cut", [10, 30, -8])
def test_truncated_gzip_is_a_format_error(tmp_path: Path, data_dir: Path, cut: int) -> None:
    data = gzip.compress(b">chr1\n" + b"ACGTTGCAAC" * 6 * 300 + b"\n")
    bad = tmp_path / "t.fa.gz"
    bad.write_bytes(data[:cut])
    for reader in (read_fasta, FastaGenome, open_fasta, open_genome):
        with pytest.raises(FormatError, match=r"t\.fa\.gz: (truncated|corrupt) .*gzip"):
            reader(bad)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02\xff" * 100, "binary file"),
        (b"", "empty FASTA file"),
        (b"\n\n  \n", "empty FASTA file"),
        (b"LOCUS       X  4 bp DNA\nORIGIN\n        1 acgt\n//\n", "GenBank file, not a FASTA"),
        (b"\x43\x27\x41\x1a" + bytes(12), "2bit file, not a FASTA"),
    ],
)
def test_mislabelled_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "genome.fa"
    path.write_bytes(content)
    for reader in (read_fasta, FastaGenome, open_fasta):
        with pytest.raises(FormatError, match=message) as info:
            reader(path)
        assert "genome.fa" in str(info.value)


@pytest.mark.parametrize(
    ("name", "message", "line"),
    [
        ("no_header.fa", "not a FASTA file", 1),
        ("non_iupac.fa", "non-IUPAC character 'X'", 2),
        ("empty.fa", "empty FASTA file", None),
        ("duplicate_names.fa", "duplicate sequence name 'chr1'", 5),
        ("header_without_sequence.fa", "record 'chr1' has no sequence", 1),
    ],
)
def test_bad_fasta(fasta_copy, name: str, message: str, line: int | None) -> None:
    path = fasta_copy(name)
    for reader in (read_fasta, FastaGenome, open_genome):
        with pytest.raises(FormatError, match=message) as info:
            reader(path)
        assert info.value.line == line
        assert name in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_fasta(tmp_path / "nope.fa")


def test_write_round_trip(tmp_path: Path) -> None:
    out = write_fasta([("a", "ACGT" * 40), FastaRecord("b", "desc", "nnAC")], tmp_path / "o.fa")
    records = read_fasta(out)
    assert [r.sequence for r in records] == ["ACGT" * 40, "nnAC"]
    assert max(len(ln) for ln in out.read_text().splitlines()) == 60
    assert not list(tmp_path.glob(".*tmp"))


def test_large_plain_gzip_is_indexed_not_loaded(
    tmp_path: Path, data_dir: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import vivo.io.fasta as fasta

    gz = tmp_path / "g.fa.gz"
    gz.write_bytes(gzip.compress((data_dir / "fasta" / "valid_multi.fa").read_bytes()))
    monkeypatch.setattr(fasta, "_IN_MEMORY_GZIP_BYTES", 10)
    g = open_fasta(gz)
    assert isinstance(g, FastaGenome) and g.fetch_region("chr2", 0, 4) == "TTTT"
