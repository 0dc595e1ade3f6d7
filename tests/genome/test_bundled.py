"""The bundled beta-globin locus (GenBank U01317.1) and its gene structures."""

from __future__ import annotations

import hashlib
from importlib import resources

import pytest

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import InputError
from vivo.core.seq import translate
from vivo.genome import beta_globin_locus
from vivo.genome.annotation import CodingPosition
from vivo.genome.bundled import BETA_GLOBIN_SHA256

# UniProt P68871 (HBB), 147 aa, as in the GenBank /translation of AAA16334.1
HBB_PROTEIN = (
    "MVHLTPEEKSAVTALWGKVNVDEVGGEALGRLLVVYPWTQRFFESFGDLSTPDAVMGNPKVKAHGKKVLGAFSDGLAHLDNLKG"
    "TFATLSELHCDKLHVDPENFRLLGNVLVCVLAHHFGKEFTPPVQAAYQKVVAGVANALAHKYH"
)


def test_checksum_matches_sources_note() -> None:
    raw = resources.files("vivo.genome").joinpath("data", "U01317.1.gb").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == BETA_GLOBIN_SHA256


def test_all_five_globin_genes_addressable() -> None:
    ag = beta_globin_locus()
    assert ag.genome.contig_lengths() == {"U01317.1": 73308}
    for name in ("HBB", "HBD", "HBG1", "HBG2", "HBE1"):
        gene = ag.gene(name)
        tx = gene.canonical
        assert tx.strand is Strand.PLUS
        assert len(tx.exons) == 3
        protein = translate(tx.cds_sequence(ag.genome).upper())
        assert protein.startswith("M") and protein.endswith("*") and len(protein) == 148
    assert ag.gene("hbb").name == "HBB"  # case-insensitive


def test_hbb_structure_matches_record() -> None:
    ag = beta_globin_locus()
    tx = ag.gene("HBB").canonical
    # record coordinates 1-based: exons 62137..62278, 62409..62631, 63482..63742
    assert tx.exons == (Interval(62136, 62278), Interval(62408, 62631), Interval(63481, 63742))
    assert tx.cds == Interval(62186, 63610)
    assert tx.cds_length() == 444
    assert translate(tx.cds_sequence(ag.genome).upper(), to_stop=True) == HBB_PROTEIN
    assert tx.protein_id == "AAA16334.1"


def test_sickle_codon_coordinates() -> None:
    ag = beta_globin_locus()
    tx = ag.gene("HBB").canonical
    assert tx.to_genomic(CodingPosition(20)) == 62205  # record 62206, 1-based
    assert ag.genome.fetch(Locus("U01317.1", Interval(62204, 62207))) == "GAG"
    assert str(tx.to_coding(62205)) == "20"


@pytest.mark.parametrize(
    ("record_pos_1based", "hgvs"),
    [
        (62137, "-50"),  # first base of exon 1 (5'UTR is 50 nt)
        (62187, "1"),  # A of ATG
        (62278, "92"),  # last base of exon 1
        (62279, "92+1"),  # first intron base (IVS1-1)
        (62408, "93-1"),  # last intron base
        (62409, "93"),
        (63610, "444"),  # last base of the TAA stop
        (63611, "*1"),
        (63742, "*132"),
        (62109, "-78"),  # TATA box -28 (promoter, upstream of the transcript)
    ],
)
def test_coding_coordinates_round_trip(record_pos_1based: int, hgvs: str) -> None:
    tx = beta_globin_locus().gene("HBB").canonical
    pos = tx.to_coding(record_pos_1based - 1)
    assert str(pos) == hgvs
    assert tx.to_genomic(pos) == record_pos_1based - 1


def test_every_transcript_position_round_trips() -> None:
    tx = beta_globin_locus().gene("HBB").canonical
    for pos in range(tx.span.start - 300, tx.span.end):
        assert tx.to_genomic(tx.to_coding(pos)) == pos
    downstream = tx.to_coding(tx.span.end)
    assert str(downstream) == "*133"
    with pytest.raises(InputError, match=r"past the end of transcript .* c\.\*132"):
        tx.to_genomic(downstream)


def test_soft_masked_repeats() -> None:
    g = beta_globin_locus().genome
    alu = g.fetch_region("U01317.1", 10611, 10924)  # repeat_region 10612..10924 (Alu)
    assert alu.islower()
    assert g.fetch_region("U01317.1", 62204, 62207).isupper()


def test_unknown_gene_suggests_close_names() -> None:
    with pytest.raises(InputError, match="did you mean.*HBB"):
        beta_globin_locus().gene("HBBB")


def test_locus_beyond_contig_end() -> None:
    with pytest.raises(InputError, match="past the end of U01317.1"):
        beta_globin_locus().genome.fetch_region("U01317.1", 73000, 74000)
