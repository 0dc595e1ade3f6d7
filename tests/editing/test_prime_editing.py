"""Prime editing: sickle reversion pegRNAs; RTT encodes the edit; PBS pairs with the nick."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vivo.core.coords import Interval, Strand
from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement
from vivo.editing.edit_site import apply_changes, correction_site, introduction_site
from vivo.editing.prime_editing import SPCAS9_SCAFFOLD, design_pegrnas


def _check_peg(site, p) -> None:
    g = p.guide
    start = site.start_genome
    edited = apply_changes(start, list(p.validation.changes))
    delta = sum(c.delta for c in p.validation.changes)
    n_pbs, n_rtt = p.pbs_length, p.rtt_length
    if g.strand is Strand.PLUS:
        nicked_5 = start.fetch_region(site.contig, g.cut_site - n_pbs, g.cut_site).upper()
        new_3 = edited.fetch_region(site.contig, g.cut_site, g.cut_site + n_rtt).upper()
    else:
        nicked_5 = reverse_complement(
            start.fetch_region(site.contig, g.cut_site, g.cut_site + n_pbs).upper()
        )
        nick = g.cut_site + delta
        new_3 = reverse_complement(edited.fetch_region(site.contig, nick - n_rtt, nick).upper())
    assert p.pbs == reverse_complement(nicked_5)  # PBS pairs with the nicked strand's 3' end
    assert p.rtt == reverse_complement(new_3)  # RTT templates the edited strand
    assert p.extension == p.rtt + p.pbs
    assert p.full_sequence.endswith(SPCAS9_SCAFFOLD + p.extension)
    assert p.validation.reaches_goal
    assert p.rt_overhang_nt >= 7


@pytest.fixture(scope="module")
def sickle():
    site = correction_site("HBB c.20A>T")
    return site, design_pegrnas(site)


def test_sickle_reversion_pegrnas(sickle) -> None:
    site, r = sickle
    assert r.pegrnas
    for p in r.pegrnas:
        assert 8 <= p.pbs_length <= 15  # published range (Anzalone 2019 8-17; PRIDICT2 7-15)
        assert 10 <= p.rtt_length <= 30  # PrimeDesign 10-30
        assert p.validation.protein_vs_reference == ()  # the Glu7 codon is restored
        assert p.validation.protein_vs_start == ("p.Val7Glu",)
        _check_peg(site, p)
        for ng in p.nicking_guides:
            assert ng.guide.strand is not p.guide.strand and abs(ng.distance_bp) <= 120


def test_rtt_contains_the_corrected_base(sickle) -> None:
    site, r = sickle
    p = r.pegrnas[0]
    template = reverse_complement(p.rtt)  # the new PAM-strand sequence
    assert "GAG" in (template if p.guide.strand is Strand.PLUS else reverse_complement(template))


def test_ranking_pam_disrupted_first(sickle) -> None:
    _, r = sickle
    keys = [not (p.pam_disrupted or p.silent_edits) for p in r.pegrnas]
    assert keys == sorted(keys)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(
        [
            "c.27_28insGGCGGC",
            "c.25_26del",
            "c.30del",
            "c.22_24delinsTTT",
            "c.9C>T",
            "c.52A>T",
            "c.27_28insATGGATTACAAGGATGACGACGATAAG",
        ]
    )
)
def test_property_pegrnas_encode_edits(variant: str) -> None:
    site = introduction_site(f"HBB {variant}")
    for p in design_pegrnas(site, max_designs=4).pegrnas:
        _check_peg(site, p)


def test_bad_ranges_and_nuclease() -> None:
    site = correction_site("HBB c.20A>T")
    with pytest.raises(InputError, match="PBS"):
        design_pegrnas(site, pbs_range=(2, 40))
    with pytest.raises(InputError, match="3'-PAM"):
        design_pegrnas(site, nuclease="AsCas12a")


def test_no_design_explained() -> None:
    r = design_pegrnas(correction_site("HBB c.20A>T"), max_nick_distance_nt=0, rtt_range=(5, 6))
    assert not r.pegrnas and "no design possible" in r.notes[0]


def _nicking(r, spacer: str):  # type: ignore[no-untyped-def]
    return [n for p in r.pegrnas for n in p.nicking_guides if n.guide.spacer == spacer]


def test_pam_n_difference_is_plain_pe3(sickle) -> None:
    """CATGGTGCACCTGACTCCTG has PAM AGG on the corrected allele and TGG on the sickle one:
    the edited base is the PAM's N, so the guide nicks both alleles (PE3, not PE3b)."""
    _, r = sickle
    found = _nicking(r, "CATGGTGCACCTGACTCCTG")
    assert found
    for n in found:
        assert n.guide.pam == "AGG"
        assert (n.kind, n.distinguished_by) == ("PE3", "")


def test_seed_difference_is_pe3b(sickle) -> None:
    """CAGACTTCTCCTCAGGAGTC (minus strand) carries the corrected base in its PAM-proximal
    seed: the sickle allele has no site for it, so it nicks only the edited strand."""
    _, r = sickle
    found = _nicking(r, "CAGACTTCTCCTCAGGAGTC")
    assert found and all((n.kind, n.distinguished_by) == ("PE3b", "seed") for n in found)


def test_pe3b_ranked_first_and_always_seed_or_pam(sickle) -> None:
    _, r = sickle
    for p in r.pegrnas:
        kinds = [n.kind for n in p.nicking_guides]
        assert kinds == sorted(kinds, key=lambda k: k != "PE3b")
        for n in p.nicking_guides:
            assert (n.kind == "PE3b") == (n.distinguished_by in {"seed", "pam"})


def test_allele_difference_classes() -> None:
    from vivo.editing.guides import Guide
    from vivo.editing.nucleases import get_nuclease
    from vivo.editing.prime_editing import _allele_difference

    nuc = get_nuclease("SpCas9")
    spacer = "GATCCTGAAGTCTGCATGCA"
    g = Guide(spacer, "AGG", Strand.PLUS, "c", Interval(0, 20), Interval(20, 23), 17, "SpCas9")
    assert _allele_difference(g, nuc, "TT" + spacer + "TGGTT") == ""  # PAM N only
    assert _allele_difference(g, nuc, "TT" + "T" + spacer[1:] + "AGGTT") == "distal"
    assert _allele_difference(g, nuc, "TT" + spacer[:-1] + "T" + "AGGTT") == "seed"
    assert _allele_difference(g, nuc, "TT" + spacer + "ACGTT") == "pam"
