"""GTF/GFF3 streaming and the on-disk annotation index: same genes as the in-memory reader."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import DataError, FormatError, InputError
from vivo.genome.annotation import Gene, Transcript
from vivo.io import annotation_index as ai
from vivo.io.annotation_index import IndexedAnnotation, index_annotation, open_annotation
from vivo.io.genbank import read_genbank
from vivo.io.gtf import iter_features, read_annotation, transcripts_to_genes, write_gtf


def _genes(n: int) -> list[Gene]:
    """``n`` genes on two contigs, both strands, coding and non-coding, 2 transcripts each."""
    txs = []
    for g in range(n):
        contig, strand = f"c{g % 2}", (Strand.PLUS if g % 3 else Strand.MINUS)
        base = 1000 * g + 10
        exons = (Interval(base, base + 50), Interval(base + 100, base + 180),
                 Interval(base + 300, base + 340))  # fmt: skip
        cds = Interval(base + 20, base + 320) if g % 4 else None
        txs.append(Transcript(f"T{g}.1", f"GENE{g}", contig, strand, exons, cds))
        txs.append(Transcript(f"T{g}b.2", f"GENE{g}", contig, strand, exons[:2], None))
    return transcripts_to_genes(txs, gene_ids={t.transcript_id: f"ENSG{int(t.gene_name[4:]):05d}.3"
                                               for t in txs})  # fmt: skip


@pytest.fixture
def big_gtf(tmp_path: Path) -> Path:
    return write_gtf(_genes(60), tmp_path / "genes.gtf")


def test_write_gtf_round_trip(big_gtf: Path) -> None:
    back = read_annotation(big_gtf)
    for gene in _genes(60):
        got = back.gene(gene.name)
        assert got == gene
        assert got.canonical.cds_length() == gene.canonical.cds_length()


def test_index_matches_in_memory(big_gtf: Path, tmp_path: Path) -> None:
    mem = read_annotation(big_gtf)
    idx = IndexedAnnotation(index_annotation(big_gtf, tmp_path / "a.sqlite"))
    assert idx.names() == mem.names()
    assert len(idx) == len(mem) == 60
    assert list(idx) == list(mem)
    assert idx.gene("gene7") == mem.gene("GENE7")  # case-insensitive
    assert idx.gene("ENSG00007") == mem.gene("ENSG00007.3")  # stable id, any version
    assert idx.transcript("T7") == mem.transcript("T7.9") == mem.gene("GENE7").transcripts[0]
    locus = Locus("c1", Interval(1000, 3100))
    assert [g.name for g in idx.overlapping(locus)] == [g.name for g in mem.overlapping(locus)]
    with pytest.raises(InputError, match="unknown gene 'GENE999X'"):
        idx.gene("GENE999X")
    with pytest.raises(InputError, match="transcript 'NM_1' is not in the annotation"):
        idx.transcript("NM_1")


@pytest.mark.parametrize("name", ["toy.gtf", "toy.gff3"])
def test_toy_index_matches_genbank(data_dir: Path, tmp_path: Path, name: str) -> None:
    ref = read_genbank(data_dir / "genbank" / "toy_minus_strand.gb").gene("TOY").canonical
    idx = IndexedAnnotation(index_annotation(data_dir / "annotation" / name, tmp_path / "i"))
    tx = idx.gene("TOY").canonical
    assert (tx.exons, tx.cds, tx.strand) == (ref.exons, ref.cds, ref.strand)


def test_gzip_gtf_streams(big_gtf: Path, tmp_path: Path) -> None:
    import gzip

    gz = tmp_path / "genes.gtf.gz"
    gz.write_bytes(gzip.compress(big_gtf.read_bytes()))
    assert read_annotation(gz).names() == read_annotation(big_gtf).names()


def test_open_annotation_indexes_large_files_in_the_cache(
    big_gtf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ai, "IN_MEMORY_MAX_BYTES", 100)
    monkeypatch.setenv("VIVO_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "ro"
    folder.mkdir()
    src = folder / "genes.gtf"
    src.write_bytes(big_gtf.read_bytes())
    folder.chmod(0o555)  # a read-only input folder works: the index goes to the cache
    try:
        ann = open_annotation(src)
        assert isinstance(ann, IndexedAnnotation)
        assert ann.path.parent == tmp_path / "cache" / "annotation"
        assert open_annotation(src).gene("GENE3") == ann.gene("GENE3")
        assert sorted(os.listdir(folder)) == ["genes.gtf"]
    finally:
        folder.chmod(0o755)
    # a changed file gets a new index (the cache key has its size and mtime)
    src.write_text(big_gtf.read_text().replace('"GENE3"', '"RENAMED3"'))
    assert "RENAMED3" in open_annotation(src)


def test_failed_indexing_leaves_nothing(tmp_path: Path) -> None:
    src = tmp_path / "bad.gtf"
    good = 'c1\tt\texon\t1\t10\t.\t+\t.\tgene_id "g"; transcript_id "t";\n'
    src.write_text(good * 5 + "c1\tt\texon\t1\n")
    target = tmp_path / "idx" / "a.sqlite"
    with pytest.raises(FormatError, match="expected 9 tab-separated columns") as info:
        index_annotation(src, target)
    assert info.value.line == 6
    assert list(target.parent.iterdir()) == []


def test_wrong_schema_or_damaged_index(big_gtf: Path, tmp_path: Path) -> None:
    target = index_annotation(big_gtf, tmp_path / "a.sqlite")
    with sqlite3.connect(target) as db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    with pytest.raises(DataError, match="schema '0'"):
        IndexedAnnotation(target)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(DataError, match="cannot be read"):
        IndexedAnnotation(junk)


@pytest.mark.parametrize(
    ("name", "message", "line"),
    [
        ("broken_columns.gtf", "expected 9 tab-separated columns", 1),
        ("negative_coords.gtf", "bad coordinates|not integers", 1),
        ("binary.gtf", "not a GTF or GFF3 file", None),
        ("missing_parent.gff3", "exon row without Parent", 3),
        ("no_transcript_id.gtf", "exon row without transcript_id", 1),
        ("end_before_start.gtf", "bad coordinates 20-10", 1),
    ],
)
def test_broken_fixtures(data_dir: Path, name: str, message: str, line: int | None) -> None:
    with pytest.raises(FormatError, match=message) as info:
        list(iter_features(data_dir / "broken" / name))
    if line is not None:
        assert info.value.line == line


def test_gff3_multi_parent_exons_and_late_transcript_rows(tmp_path: Path) -> None:
    """GFF3 parts may name several parents and come before their transcript row."""
    text = (
        "##gff-version 3\n"
        "c1\tt\texon\t1\t10\t.\t+\t.\tParent=tx1,tx2\n"
        "c1\tt\texon\t21\t30\t.\t+\t.\tParent=tx1\n"
        "c1\tt\tmRNA\t1\t30\t.\t+\t.\tID=tx1;Parent=g1\n"
        "c1\tt\tmRNA\t1\t10\t.\t+\t.\tID=tx2;Parent=g1\n"
        "c1\tt\tgene\t1\t30\t.\t+\t.\tID=g1;Name=AB%3BC\n"
    )
    src = tmp_path / "a.gff3"
    src.write_text(text)
    mem = read_annotation(src)
    idx = IndexedAnnotation(index_annotation(src, tmp_path / "a.sqlite"))
    assert mem.names() == idx.names() == ["AB;C"]
    assert mem.gene("AB;C") == idx.gene("AB;C")
    assert [t.transcript_id for t in idx.gene("g1").transcripts] == ["tx1", "tx2"]
