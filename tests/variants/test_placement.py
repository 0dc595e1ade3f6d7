"""The bundled U01317.1 HBB span placed on GRCh38/GRCh37 chr11, checked against its anchors."""

from __future__ import annotations

import pytest

from vivo.core.coords import Strand
from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement
from vivo.genome.bundled import bundled_placement
from vivo.variants.hgvs import parse_hgvs


def test_every_anchor_agrees_with_one_offset_and_the_record_bases(hbb_locus) -> None:
    p = bundled_placement()
    tx = hbb_locus.gene("HBB").canonical
    seq = hbb_locus.genome
    g38, g37 = p.assembly("GRCh38"), p.assembly("GRCh37")
    assert len(p.anchors) >= 10
    for anchor in p.anchors:
        u = tx.to_genomic(parse_hgvs(f"HBB:{anchor.hgvs_c}del").start) + 1
        assert g38.to_chrom(u) == anchor.grch38, anchor.source
        if anchor.grch37:
            assert g37.to_chrom(u) == anchor.grch37, anchor.source
        base = seq.fetch_region("U01317.1", u - 1, u).upper()
        assert reverse_complement(base) == anchor.ref, anchor.source
    # the anchors span the whole placed region, promoter to poly(A) signal
    spots = [tx.to_genomic(parse_hgvs(f"HBB:{a.hgvs_c}del").start) + 1 for a in p.anchors]
    assert min(spots) == g38.placed_start and max(spots) == g38.placed_end


def test_hbs_on_both_assemblies() -> None:
    p = bundled_placement()
    assert p.assembly("GRCh38").to_locus(5227002) == 62206  # rs334, ClinVar
    assert p.assembly("hg19").to_locus(5248232) == 62206
    assert p.assembly("GRCh38").strand is Strand.MINUS
    assert p.by_accession("NC_000011.10") is p.assembly("GRCh38")
    assert p.by_accession("NC_000011.8") is None


def test_hbg1_is_not_on_the_hbb_offset(hbb_locus) -> None:
    """ClinVar RCV000016145: HBG1 c.227 is GRCh38 5,249,456; with the HBB offset the record
    position would be 63 bp off, so the placement stops at the HBB span (not assumed)."""
    tx = hbb_locus.gene("HBG1").canonical
    u = tx.to_genomic(parse_hgvs("HBG1:c.227del").start) + 1
    assert u + 5249456 == 5289271 != bundled_placement().assembly("GRCh38").sum
    with pytest.raises(InputError, match="outside the bundled HBB locus"):
        bundled_placement().assembly("GRCh38").to_locus(5249456)


def test_unknown_assembly() -> None:
    with pytest.raises(InputError, match="unknown assembly"):
        bundled_placement().assembly("GRCh36")
