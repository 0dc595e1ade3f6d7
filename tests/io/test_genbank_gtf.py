"""GenBank and GTF/GFF3: a minus-strand two-exon toy gene read three ways must agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from vivo.core.coords import Strand
from vivo.core.errors import FormatError
from vivo.core.seq import translate
from vivo.io.genbank import read_genbank
from vivo.io.genomes import open_genome
from vivo.io.gtf import read_annotation


def test_genbank_minus_strand_gene(data_dir: Path) -> None:
    ag = read_genbank(data_dir / "genbank" / "toy_minus_strand.gb")
    tx = ag.gene("TOY").canonical
    assert tx.strand is Strand.MINUS
    assert translate(tx.cds_sequence(ag.genome)) == "MKGFP*"
    assert tx.spliced_sequence(ag.genome) == "CCATGAAAGGGTTTCCCTAAGG"
    assert str(tx.to_coding(tx.exons[1].end - 1)) == "-2"  # first transcript base
    assert tx.protein_id == "TOY_P"


@pytest.mark.parametrize("annotation", ["toy.gtf", "toy.gff3"])
def test_gtf_and_gff3_match_genbank(data_dir: Path, annotation: str) -> None:
    ag = open_genome(data_dir / "fasta" / "toy.fa", annotation=data_dir / "annotation" / annotation)
    ref = read_genbank(data_dir / "genbank" / "toy_minus_strand.gb").gene("TOY").canonical
    tx = ag.gene("TOY").canonical
    assert (tx.exons, tx.cds, tx.strand) == (ref.exons, ref.cds, ref.strand)
    assert translate(tx.cds_sequence(ag.genome)) == "MKGFP*"


def test_truncated_genbank(data_dir: Path) -> None:
    with pytest.raises(FormatError, match="truncated GenBank file") as info:
        read_genbank(data_dir / "genbank" / "truncated.gb")
    assert info.value.line is not None


def test_not_genbank(data_dir: Path) -> None:
    with pytest.raises(FormatError, match="must start with a LOCUS line") as info:
        read_genbank(data_dir / "genbank" / "embl_not_genbank.gb")
    assert info.value.line == 1


def test_malformed_genbank_length(tmp_path: Path, data_dir: Path) -> None:
    text = (data_dir / "genbank" / "toy_minus_strand.gb").read_text()
    broken = text.replace("104 bp", "999 bp")
    path = tmp_path / "bad_length.gb"
    path.write_text(broken)
    with pytest.raises(FormatError, match="malformed GenBank record"):
        read_genbank(path)


def test_bad_gtf_columns(data_dir: Path) -> None:
    with pytest.raises(FormatError, match="expected 9 tab-separated columns") as info:
        read_annotation(data_dir / "annotation" / "bad_columns.gtf")
    assert info.value.line == 1
