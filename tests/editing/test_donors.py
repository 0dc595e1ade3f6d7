"""HDR donors: sickle correction, arms match the genome, blocking mutations are silent."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vivo.core.coords import Strand
from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement, translate
from vivo.editing.donors import design_donors, donor_records
from vivo.editing.edit_site import apply_changes, correction_site, introduction_site


@pytest.fixture(scope="module")
def sickle_site():
    return correction_site("HBB c.20A>T")


@pytest.fixture(scope="module")
def sickle(sickle_site):
    return design_donors(sickle_site)


def _check_design(site, d) -> None:
    genome = site.start_genome
    edited = apply_changes(genome, list(d.changes))
    for donor in (d.ssodn, d.dsdna):
        # the donor equals the edited allele over its span; outside the changes it is the genome
        delta = sum(c.delta for c in d.changes)
        plus = edited.fetch_region(site.contig, donor.interval.start, donor.interval.end + delta)
        expect = plus.upper() if donor.strand is Strand.PLUS else reverse_complement(plus.upper())
        assert donor.sequence == expect
        start_plus = genome.fetch_region(site.contig, donor.interval.start, donor.interval.end)
        start_seq = start_plus.upper()
        if donor.strand is Strand.MINUS:
            start_seq = reverse_complement(start_seq)
        assert donor.sequence[: donor.arm_5prime_nt] == start_seq[: donor.arm_5prime_nt]
        assert donor.sequence[-donor.arm_3prime_nt :] == start_seq[-donor.arm_3prime_nt :]
    assert d.validation.reaches_goal  # edit + blocking give exactly the goal protein
    for b in d.blocking:
        assert "synonymous" in b.context or b.context in {"intron", "intergenic"}


def test_sickle_correction_donors(sickle, sickle_site) -> None:
    assert sickle.designs
    for d in sickle.designs:
        assert d.cut_to_edit_bp <= 10
        assert d.blocked_by_edit or d.blocking
        _check_design(sickle_site, d)
    best = sickle.designs[0]
    assert best.ssodn.kind == "ssODN" and len(best.ssodn.sequence) == 36 + 91
    assert best.dsdna is not None and best.dsdna.arm_5prime_nt == 800


def test_blocking_really_blocks(sickle, sickle_site) -> None:
    """After all changes the protospacer+PAM no longer matches with NGG and <2 seed mismatches."""
    for d in sickle.designs:
        g = d.guide
        edited = apply_changes(sickle_site.start_genome, list(d.changes))
        site = edited.fetch_region(g.contig, g.site.start, g.site.end).upper()
        if g.strand is Strand.MINUS:
            site = reverse_complement(site)
        proto, pam = site[:20], site[20:]
        seed_mm = sum(a != b for a, b in zip(proto[10:], g.spacer[10:], strict=True))
        assert pam[1:] != "GG" or seed_mm >= 2


def test_blocking_mutation_synonymous_by_translation(sickle, sickle_site) -> None:
    for d in sickle.designs:
        edited = apply_changes(sickle_site.start_genome, list(d.changes))
        cds = sickle_site.transcript.cds_sequence(edited).upper()
        assert translate(cds) == translate(
            sickle_site.transcript.cds_sequence(
                apply_changes(sickle_site.start_genome, [sickle_site.desired])
            ).upper()
        )


def test_genbank_records(sickle) -> None:
    recs = donor_records(sickle.designs[0], name="HBB_fix")
    assert [r.id.split("_")[-1] for r in recs] == ["dsDNA", "ssODN"]
    text = recs[0].format("genbank")
    assert "homology arm" in text and "variation" in text
    for rec in recs:
        for f in rec.features:
            if f.type == "variation" and "edit" in f.qualifiers["label"]:
                base = str(f.extract(rec.seq))
                assert base in {"A", "T"}  # the corrected A (or its complement on the ssODN)


def test_arm_longer_than_sequence(sickle_site) -> None:
    with pytest.raises(InputError, match="beyond the available"):
        design_donors(sickle_site, dsdna_arm_bp=20_000)


def test_bad_preset(sickle_site) -> None:
    with pytest.raises(InputError, match="preset"):
        design_donors(sickle_site, ssodn_preset="long")  # type: ignore[arg-type]


def test_insertion_donor_tag() -> None:
    site = introduction_site("HBB c.27_28insGGCGGC")
    r = design_donors(site, ssodn_preset="liang2017", dsdna_arm_bp=500)
    assert r.designs
    d = r.designs[0]
    assert d.validation.reaches_goal
    assert d.ssodn.arm_5prime_nt >= 50 and d.ssodn.arm_3prime_nt >= 30
    _check_design(site, d)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=10, max_value=85), st.sampled_from("ACGT"))
def test_random_hbb_exon1_substitutions(c_pos: int, alt: str) -> None:
    """Property: for any exon-1 SNV correction, every design's arms match the genome and its
    blocking mutations are synonymous (the goal protein is reached exactly)."""
    tx = correction_site("HBB c.20A>T").transcript
    from vivo.genome.annotation import CodingPosition
    from vivo.genome.bundled import beta_globin_locus

    pos = tx.to_genomic(CodingPosition(c_pos))
    base = beta_globin_locus().genome.fetch_region("U01317.1", pos, pos + 1).upper()
    if base == alt:
        return
    site = correction_site(f"HBB c.{c_pos}{base}>{alt}")
    for d in design_donors(site, dsdna_arm_bp=200, max_designs=3).designs:
        _check_design(site, d)
