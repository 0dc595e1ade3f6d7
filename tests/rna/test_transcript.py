"""vivo.rna.transcript: sequences, exon/intron labels and genome coordinates (golden records)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vivo.core.coords import Strand
from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement, translate
from vivo.rna.transcript import (
    bundled_transcript,
    clean_nucleotides,
    parse_transcript_header,
    transcript_from_annotation,
    transcript_from_sequence,
)

NUSINERSEN = "TCACTTTCATAATGCTGG"
ETEPLIRSEN = "CTCCAACATCAAGGAAGATGGCATTTCTAG"


def test_smn2_nusinersen_site_is_intron7_plus10_to_27() -> None:
    tx = bundled_transcript("SMN2-exon7")
    pre = tx.pre_mrna
    assert len(pre) == 1098 and pre[500:554].startswith("GGTTTTAGAC")
    start = pre.find(reverse_complement(NUSINERSEN))
    site = tx.locate(start, start + 18, kind="pre-mrna")
    assert site.label == "intron 7 +10 .. intron 7 +27"
    ((asm, locus),) = site.genomic
    # record 564-581 = GRCh38 chr5:70,076,021 + 563 ... (1-based)
    assert asm == "GRCh38" and locus.to_ucsc().startswith("chr5:70076584-70076601")
    assert tx.exon_numbers == (7, 8) and str(tx.label_pre(0)) == "intron 6 -500"


def test_dmd_eteplirsen_site_is_exon51_66_to_95_on_chrx() -> None:
    tx = bundled_transcript("DMD-exon51")
    start = tx.pre_mrna.find(reverse_complement(ETEPLIRSEN))
    site = tx.locate(start, start + 30, kind="pre-mrna")
    assert (site.first.number, site.first.offset, site.last.offset) == (51, 66, 95)
    ((_, locus),) = site.genomic
    assert locus.strand is Strand.MINUS
    assert (locus.interval.start + 1, locus.interval.end) == (31792215, 31792244)
    assert str(tx.label_pre(499)) == "intron 50 -1" and str(tx.label_pre(733)) == "intron 51 +1"
    assert tx.mrna == tx.pre_mrna[500:733]


def test_ada_mrna_cds_translates_and_maps_across_a_junction() -> None:
    tx = bundled_transcript("ADA")
    assert len(tx.mrna) == 1532 and not tx.introns_known
    cds = tx.region_interval("cds")
    protein = translate(tx.mrna[cds.start : cds.end])
    assert len(protein) == 364 and protein.startswith("MAQTPAFDK") and protein.endswith("*")
    assert tx.region_interval("3utr").start == 1220
    site = tx.locate(158, 165)  # exon 1 / exon 2 junction (exon 1 is 161 nt)
    assert site.first.number == 1 and site.last.number == 2 and len(site.genomic) == 2
    assert site.coding == "c.31_37"
    assert [loc.to_ucsc() for _, loc in site.genomic] == [
        "chr20:43280216-43280218(-)",
        "chr20:43264926-43264929(-)",
    ]
    with pytest.raises(InputError, match="mature mRNA"):
        _ = tx.pre_mrna


def test_annotated_genome_minus_and_plus_strand(hbb_locus) -> None:  # type: ignore[no-untyped-def]
    tx = transcript_from_annotation(hbb_locus, "HBB", flank=50)
    model = hbb_locus.gene("HBB").canonical
    assert tx.mrna == model.spliced_sequence(hbb_locus.genome).upper()
    assert len(tx.pre_mrna) == len(model.span)
    cds = tx.region_interval("cds")
    assert translate(tx.mrna[cds.start : cds.end]).startswith("MVHLTPEEK")
    site = tx.locate(cds.start, cds.start + 3)
    ((_, locus),) = site.genomic
    assert hbb_locus.genome.fetch(locus).upper() == "ATG"
    # intron 1 label: first intronic base after exon 1 is +1
    exon1 = tx.exon_intervals()[0][1]
    assert str(tx.label_pre(len(exon1))) == "intron 1 +1"


def test_region_errors_and_letters() -> None:
    tx = transcript_from_sequence("nc", "ACGUACGUACGU")
    with pytest.raises(InputError, match="no annotated CDS"):
        tx.region_interval("3utr")
    coding = transcript_from_sequence("c", "ATGAAATAG", cds=(0, 9))
    with pytest.raises(InputError, match="empty 3utr"):
        coding.region_interval("3utr")
    with pytest.raises(InputError, match="letters other than"):
        clean_nucleotides("ACGTX")
    with pytest.raises(InputError, match="outside"):
        transcript_from_sequence("c", "ATGAAATAG", cds=(0, 12))
    with pytest.raises(InputError, match="no bundled transcript"):
        bundled_transcript("TTR")


def test_gencode_and_plain_headers() -> None:
    h = "ENST00000269305.9|ENSG00000141510.18|-|-|TP53-201|TP53|2512|UTR5:1-202|CDS:203-1384|"
    assert parse_transcript_header(h) == ("ENST00000269305.9", "TP53", (202, 1384))
    assert parse_transcript_header("my_tx some words") == ("my_tx", "my_tx", None)
    ens = "ENST1.1 cdna chromosome:GRCh38:1:1:9:1 gene:ENSG1 gene_symbol:ABC"
    assert parse_transcript_header(ens)[1] == "ABC"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(5, 40), min_size=1, max_size=5),
    st.lists(st.integers(1, 30), min_size=4, max_size=4),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_mrna_positions_map_back_to_their_bases(exon_lens, intron_lens, minus, rnd) -> None:  # type: ignore[no-untyped-def]
    """Every mRNA base equals the local base it maps to (complemented on the minus strand)."""
    from vivo.core.coords import Interval
    from vivo.genome.annotation import Transcript
    from vivo.rna.transcript import RnaTranscript

    exons, pos = [], 7
    for k, n in enumerate(exon_lens):
        exons.append(Interval(pos, pos + n))
        pos += n + intron_lens[k % 4]
    seq = "".join(rnd.choice("ACGT") for _ in range(pos + 7))
    strand = Strand.MINUS if minus else Strand.PLUS
    model = Transcript("t", "G", "local", strand, tuple(exons))
    tx = RnaTranscript("t", "G", seq, model, model.span, tuple(range(1, len(exons) + 1)))
    mrna, local = tx.mrna, tx.local_of_mrna()
    for i in range(len(mrna)):
        base = seq[local[i]]
        assert mrna[i] == (reverse_complement(base) if minus else base)
        assert tx.label_mrna(i).kind == "exon"
    pre, plocal = tx.pre_mrna, tx.local_of_pre()
    assert len(pre) == len(plocal) == len(model.span)
