"""Format detection by content (vivo.io.sniff): magic numbers, compression, text formats."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from Bio import bgzf

from vivo.core.errors import FormatError, InputError
from vivo.io.genbank import read_genbank
from vivo.io.gtf import read_annotation
from vivo.io.sniff import read_text, require_format, sniff
from vivo.io.twobit import write_twobit

CASES = {
    "fasta": b">chr1 x\nACGT\n",
    "genbank": b"LOCUS       X   4 bp    DNA\n",
    "embl": b"ID   X; SV 1; linear; DNA\n",
    "gff3": b"##gff-version 3\nchr1\t.\tgene\t1\t9\t.\t+\t.\tID=g\n",
    "gtf": b'chr1\tx\texon\t1\t9\t.\t+\t.\tgene_id "g"; transcript_id "t";\n',
    "vcf": b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n",
    "text": b"hello world\n",
    "binary": b"\x00\x01\x02\x03" * 10,
    "empty": b"",
}


@pytest.mark.parametrize("fmt", sorted(CASES))
@pytest.mark.parametrize("compression", [None, "gzip", "bgzip"])
def test_formats_by_content(tmp_path: Path, fmt: str, compression: str | None) -> None:
    path = tmp_path / "file.txt"  # the name says nothing
    data = CASES[fmt]
    if compression == "gzip":
        path.write_bytes(gzip.compress(data))
    elif compression == "bgzip":
        with bgzf.BgzfWriter(str(path), "wb") as fh:
            fh.write(data)
    else:
        path.write_bytes(data)
    kind = sniff(path)
    assert (kind.format, kind.compression) == (fmt, compression)


def test_twobit_magic(tmp_path: Path) -> None:
    path = tmp_path / "g.fa"  # mislabelled
    write_twobit({"c": "ACGT"}, path)
    assert sniff(path).format == "2bit"
    with pytest.raises(FormatError, match=r"g\.fa: this is a UCSC \.2bit file, not a FASTA"):
        require_format(path, ("fasta",), what="a FASTA file")


def test_missing_folder_and_corrupt_gzip(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        sniff(tmp_path / "nope")
    with pytest.raises(InputError, match="is a folder"):
        sniff(tmp_path)
    bad = tmp_path / "x.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00garbage-not-deflate")
    with pytest.raises(FormatError, match="x.gz"):
        sniff(bad)
    with pytest.raises(FormatError, match="x.gz"):
        read_text(bad)


def test_binary_annotation_and_genbank(tmp_path: Path) -> None:
    junk = tmp_path / "junk.gtf"
    junk.write_bytes(b"\xff\xfe\x00\x00" * 50)
    with pytest.raises(FormatError, match="junk.gtf: this is a binary file"):
        read_annotation(junk)
    gb = tmp_path / "junk.gb"
    gb.write_bytes(b"LOCUS x\n\xff\xfe broken")
    with pytest.raises(FormatError, match="junk.gb: this is a binary file"):
        read_genbank(gb)
    # past the sniffed head: the reader names the line
    gb.write_bytes(b"LOCUS x\n" + b"FEATURES\n" * 9000 + b"\xff\xfe broken")
    with pytest.raises(FormatError, match="junk.gb:9002: binary data"):
        read_genbank(gb)
    trunc = tmp_path / "t.gtf.gz"
    trunc.write_bytes(gzip.compress(CASES["gtf"] * 200)[:-10])
    with pytest.raises(FormatError, match="t.gtf.gz: truncated or corrupt gzip"):
        read_annotation(trunc)
