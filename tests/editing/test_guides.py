"""Guide finding: HBB sickle guide, coordinates vs brute force (property), flags, errors."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import InputError
from vivo.core.seq import IUPAC_CODES, iupac_matches, reverse_complement
from vivo.editing.guides import exon_locus, find_guides, parse_restriction_sites, window_locus
from vivo.editing.nucleases import custom_nuclease, get_nuclease
from vivo.genome.annotation import CodingPosition
from vivo.genome.base import InMemoryGenome

SICKLE_GUIDE = "CTTGCCCCACAGGGCAGTAA"


@pytest.fixture(scope="module")
def hbb(hbb_locus):  # type: ignore[no-untyped-def]
    tx = hbb_locus.gene("HBB").canonical
    c20 = tx.to_genomic(CodingPosition(20))
    return hbb_locus, tx, c20


def test_sickle_correction_guide_in_hbb_exon1(hbb) -> None:  # type: ignore[no-untyped-def]
    ag, tx, c20 = hbb
    assert c20 == 62205  # U01317.1:62206 (1-based), the A of GAG codon 6
    guides = find_guides(ag.genome, exon_locus(tx, 1), "SpCas9", target=c20, transcript=tx)
    hits = [g for g in guides if g.spacer == SICKLE_GUIDE]
    assert len(hits) == 1
    g = hits[0]
    assert g.strand is Strand.MINUS and g.pam == "CGG"
    assert g.protospacer == Interval(62220, 62240)  # 62221-62240 1-based
    assert g.pam_interval == Interval(62217, 62220)  # 62218-62220 1-based
    assert g.cut_site == 62223  # between 62223 and 62224 (1-based)
    assert g.target_distance_bp == 17
    assert g.exon_number == 1 and g.in_coding_exon is True
    assert g.cds_fraction_before_cut == pytest.approx((62223 - 62186) / 444)
    thirty = ag.genome.fetch(Locus("U01317.1", Interval(62217 - 3, 62240 + 4), Strand.MINUS))
    assert g.context_window(4, 3) == thirty.upper()
    assert g.context_window(4, 3)[4:27] == SICKLE_GUIDE + "CGG"
    assert ag.genome.fetch(g.locus).upper() == SICKLE_GUIDE + "CGG"


def _brute(seq: str, pam: str, side: str, length: int) -> set[tuple[str, int, int]]:
    """Every (strand, protospacer start, pam start) by testing each window."""
    out = set()
    n, plen = len(seq), len(pam)
    site = length + plen
    for strand, text in (("+", seq.upper()), ("-", reverse_complement(seq.upper()))):
        for s in range(n - site + 1):
            window = text[s : s + site]
            pam_seq = window[length:] if side == "3prime" else window[:plen]
            if not iupac_matches(pam, pam_seq):
                continue
            proto = s if side == "3prime" else s + plen
            pam_at = s + length if side == "3prime" else s
            if strand == "-":
                proto, pam_at = n - proto - length, n - pam_at - plen
            out.add((strand, proto, pam_at))
    return out


iupac = st.text(alphabet="".join(k for k in IUPAC_CODES if k != "U"), min_size=1, max_size=5)


@settings(max_examples=120, deadline=None)
@given(
    seq=st.text(alphabet="ACGTacgtN", min_size=20, max_size=160),
    pam=iupac,
    side=st.sampled_from(["3prime", "5prime"]),
    length=st.integers(16, 22),
)
def test_every_guide_matches_genome_and_none_is_missed(
    seq: str, pam: str, side: str, length: int
) -> None:
    nuc = custom_nuclease(name="p", pam=pam, pam_side=side, spacer_length=length)
    genome = InMemoryGenome({"c": seq})
    if len(seq) < length + len(pam):
        with pytest.raises(InputError, match="shorter than one"):
            find_guides(genome, "c", nuc)
        return
    guides = find_guides(genome, "c", nuc)
    found = set()
    for g in guides:
        site = genome.fetch(Locus("c", g.site, g.strand)).upper()
        expect = g.spacer + g.pam if side == "3prime" else g.pam + g.spacer
        assert site == expect
        assert genome.fetch(Locus("c", g.protospacer, g.strand)).upper() == g.spacer
        assert genome.fetch(Locus("c", g.pam_interval, g.strand)).upper() == g.pam
        assert iupac_matches(pam, g.pam)
        assert len(g.spacer) == length
        found.add((str(g.strand), g.protospacer.start, g.pam_interval.start))
    assert found == _brute(seq, pam, side, length)


@settings(max_examples=60, deadline=None)
@given(seq=st.text(alphabet="ACGT", min_size=40, max_size=120), start=st.integers(0, 30),
       width=st.integers(0, 40))  # fmt: skip
def test_cut_selection_keeps_exactly_the_guides_cutting_inside(
    seq: str, start: int, width: int
) -> None:
    genome = InMemoryGenome({"c": seq})
    end = min(len(seq), start + width)
    every = find_guides(genome, "c", "SpCas9")
    inside = find_guides(genome, Locus("c", Interval(start, end)), "SpCas9", selection="cut")
    expected = [g for g in every if start <= g.cut_site <= end]
    assert [(g.strand, g.protospacer) for g in inside] == [
        (g.strand, g.protospacer) for g in expected
    ]


def test_cut_sites_of_plus_and_minus_guides_and_cas12a_stagger() -> None:
    seq = "AAAA" + "ACGTACGTACGTACGTACGA" + "TGG" + "AAAA"
    g = find_guides(InMemoryGenome({"c": seq}), "c", "SpCas9")[0]
    assert (g.strand, g.cut_site) == (Strand.PLUS, 4 + 17)
    rc = reverse_complement(seq)
    m = find_guides(InMemoryGenome({"c": rc}), "c", "SpCas9")[0]
    assert m.strand is Strand.MINUS and m.spacer == g.spacer
    assert m.cut_site == len(seq) - g.cut_site
    cas12 = "GG" + "TTTA" + "ACGTACGTACGTACGTACGTACG" + "GGG"
    c = find_guides(InMemoryGenome({"c": cas12}), "c", "AsCas12a")
    plus = next(x for x in c if x.strand is Strand.PLUS)
    assert plus.pam == "TTTA" and plus.protospacer == Interval(6, 29)
    assert (plus.cut_site, plus.cut_site_other) == (6 + 18, 6 + 23)


def test_flags() -> None:
    seq = "CC" + "ACGTTTTTACGTacgtCGTC" + "TGG" + "CC" + "NNNNACGTACGTACGTACGTTGGAA"
    guides = find_guides(InMemoryGenome({"c": seq}), "c", "SpCas9", restriction_sites=["ACGTTT"])
    first = next(g for g in guides if g.spacer == "ACGTTTTTACGTACGTCGTC")
    assert {"poly_t", "repeat", "site:ACGTTT", "context_truncated"} <= set(first.flags)
    n_guide = next(g for g in guides if g.spacer.startswith("NNNN"))
    assert "n_bases" in n_guide.flags


def test_alternative_pams_are_optional_and_flagged() -> None:
    seq = "ACGTACGTACGTACGTACGTCAG" + "ACGTACGTACGTACGTACGTAGG"
    genome = InMemoryGenome({"c": seq})
    assert all(g.pam.endswith("GG") for g in find_guides(genome, "c"))
    alt = [g for g in find_guides(genome, "c", include_alt_pams=True) if g.pam == "CAG"]
    assert alt and alt[0].pam_activity == pytest.approx(0.259259259)
    assert "alt_pam" in alt[0].flags


def test_bad_input(hbb) -> None:  # type: ignore[no-untyped-def]
    ag, tx, _ = hbb
    with pytest.raises(InputError, match="past the end"):
        find_guides(ag.genome, Locus("U01317.1", Interval(73000, 74000)))
    with pytest.raises(InputError, match="shorter than one"):
        find_guides(ag.genome, Locus("U01317.1", Interval(100, 110)))
    with pytest.raises(InputError, match="unknown nuclease"):
        find_guides(ag.genome, "U01317.1", "Cas99")
    with pytest.raises(InputError, match="out of range"):
        find_guides(ag.genome, "U01317.1", spacer_length=12)
    with pytest.raises(InputError, match="no exon 9"):
        exon_locus(tx, 9)
    with pytest.raises(InputError, match="neither a known enzyme"):
        parse_restriction_sites(["EcoXYZ!"])
    assert window_locus("c", 100, 10).interval == Interval(90, 111)


def test_find_guides_is_sorted_and_unique(hbb) -> None:  # type: ignore[no-untyped-def]
    ag, _, _ = hbb
    locus = Locus("U01317.1", Interval(60000, 64000))
    guides = find_guides(ag.genome, locus, get_nuclease("SaCas9"))
    keys = [(g.site.start, g.strand.value) for g in guides]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert all(re.fullmatch("[ACGTN]{21}", g.spacer) for g in guides)
