"""Base editing: Hb G-Makassar for the sickle allele, exact transitions, bystanders, bad input."""

from __future__ import annotations

import pytest

from vivo.core.coords import Strand
from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement, translate
from vivo.editing.base_editing import (
    benign_alleles,
    design_base_edits,
    editor_names,
    get_editor,
)
from vivo.editing.edit_site import correction_site, introduction_site


@pytest.fixture(scope="module")
def sickle():
    return design_base_edits(correction_site("HBB c.20A>T"))


def test_abe_cannot_revert_sickle_but_finds_makassar(sickle) -> None:
    assert not sickle.exact_possible
    assert "transversion" in sickle.notes[0]
    best = sickle.designs[0]
    assert best.editor.kind == "ABE"
    assert best.outcome == "benign alternative: Hb G-Makassar"
    assert best.validation.protein_vs_reference == ("p.Glu7Ala",)  # vs wild type
    assert best.validation.protein_vs_start == ("p.Val7Ala",)  # vs the sickle allele
    assert best.target.ref == "T" and best.target.alt == "C"  # GTG -> GCG on the coding strand


def test_makassar_design_is_consistent_with_the_guide(sickle) -> None:
    site = sickle.site
    for d in sickle.designs:
        g = d.guide
        assert g.strand is Strand.MINUS  # the A to edit is on the minus strand
        lo, hi = d.editor.window
        assert lo <= d.target_position <= hi
        proto = site.start_genome.fetch_region(site.contig, g.protospacer.start, g.protospacer.end)
        proto = reverse_complement(proto.upper())
        assert proto == g.spacer
        assert g.spacer[d.target_position - 1] == "A"  # the editor's substrate base
        codon_plus = d.validation.edited_window
        assert "GCG" in codon_plus  # Ala codon present after editing
        for b in d.bystanders:
            assert g.spacer[b.protospacer_position - 1] == "A"
            assert b.consequence


def test_newby_2021_nrch_design_found(sickle) -> None:
    """Newby et al. 2021 (Nature 595:295, Fig. 1a) used ABE8e-NRCH for HbS -> Hb G-Makassar,
    target A7, with three potential bystander As: two silent and one non-silent."""
    nrch = [d for d in sickle.designs if d.editor.name == "ABE8e-NRCH"]
    assert nrch and nrch[0].target_position == 7
    d = nrch[0]
    assert (d.guide.spacer, d.guide.pam) == ("TTCTCCACAGGAGTCAGGTG", "CACC")
    got = [
        (b.protospacer_position, b.window, b.silent, b.hgvs_c, b.protein_change)
        for b in d.bystanders
    ]
    assert got == [
        (9, "edge", True, "HBB:c.18T>C", ()),  # Pro6 CCT>CCC
        (12, "outside", True, "HBB:c.15T>C", ()),  # Thr5 ACT>ACC
        (16, "outside", False, "HBB:c.11T>C", ("p.Leu4Pro",)),  # Leu4 CTG>CCG (legacy Leu3Pro)
    ]
    assert d.bystanders[2].consequence.startswith("missense p.Leu4Pro")
    assert d.bystanders[0].consequence.startswith("silent (synonymous)")
    assert [b.protospacer_position for b in d.bystanders_in_window] == [9]
    assert [b.protospacer_position for b in d.non_silent_bystanders] == [16]


def test_bystanders_at_splice_sites_are_not_silent() -> None:
    """IVS-I-1 (c.92+1G>A) by a CBE: the G's around the exon 1 donor are bystanders; a change
    that leaves the protein alone but lies in the splice region is not silent."""
    r = design_base_edits(introduction_site("HBB c.92+1G>A"))
    d = r.designs[0]
    assert d.outcome == "exact"
    by_c = {b.hgvs_c: b for b in d.bystanders}
    plus4 = by_c["HBB:c.92+4G>A"]
    assert plus4.term == "splice_region_variant" and not plus4.silent
    assert plus4.consequence.startswith("splice region (protein unchanged)")
    last = by_c["HBB:c.92G>A"]  # the exon's last base: Arg31 AGG>AAG
    assert last.protein_change == ("p.Arg31Lys",)
    assert "splice region" in last.consequence


def test_every_protospacer_base_is_listed(sickle) -> None:
    for d in sickle.designs:
        a = d.editor.converts[0]  # the substrate base, read on the protospacer strand
        listed = {b.protospacer_position for b in d.bystanders}
        expected = {
            i + 1 for i, x in enumerate(d.guide.spacer) if x == a and i + 1 != d.target_position
        }
        assert listed == expected
        for b in d.bystanders:
            lo, hi = d.editor.window
            elo, ehi = d.editor.extended
            want = (
                "core"
                if lo <= b.protospacer_position <= hi
                else ("edge" if elo <= b.protospacer_position <= ehi else "outside")
            )
            assert b.window == want
            assert b.in_core_window == (want == "core")


def test_exact_transition_found() -> None:
    r = design_base_edits(introduction_site("HBB c.20A>G"))
    assert r.exact_possible
    assert r.designs[0].outcome == "exact"
    assert r.designs[0].validation.reaches_goal


def test_validated_translation_matches_protein(sickle) -> None:
    """Independent check: edit the patient genome, translate HBB exon 1 by hand."""
    from vivo.editing.edit_site import apply_changes

    d = sickle.designs[0]
    edited = apply_changes(sickle.site.start_genome, [d.target])
    exon1_cds = edited.fetch_region("U01317.1", 62186, 62276).upper()  # c.1-c.90
    assert translate(exon1_cds) == "MVHLTPAEKSAVTALWGKVNVDEVGGEALG"
    patient = sickle.site.start_genome.fetch_region("U01317.1", 62186, 62276).upper()
    assert translate(patient) == "MVHLTPVEKSAVTALWGKVNVDEVGGEALG"


def test_no_design_explains_itself() -> None:
    r = design_base_edits(correction_site("HBB c.20A>T"), editors=["BE4max", "ABE7.10"])
    assert not r.possible
    assert any("no design possible" in n for n in r.notes)


def test_indel_not_base_editable() -> None:
    r = design_base_edits(correction_site("HBB c.25_26del"))
    assert not r.exact_possible
    assert "not a single-base" in r.notes[0]


def test_editor_table() -> None:
    assert {"BE4max", "ABE7.10", "ABE8e"} <= set(editor_names())
    abe = get_editor("abe8e")
    assert abe.converts == ("A", "G") and abe.window == (4, 8) and abe.source
    assert get_editor("BE4max").converts == ("C", "T")
    assert any(a.name == "Hb G-Makassar" for a in benign_alleles())
    with pytest.raises(InputError, match="unknown base editor"):
        get_editor("ABE9")


@pytest.mark.parametrize("variant", ["HBB c.20A>T", "HBB c.25_26del", "HBB c.92+1G>A"])
def test_checking_a_design_on_the_transcript_stretch_equals_the_whole_contig(
    variant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EditSite.validate works on the transcript's stretch of the contig (a chromosome is not
    copied per design); the answer is the one the whole contig gives."""
    import vivo.editing.edit_site as es

    site = correction_site(variant)
    tx = site.transcript
    starts = [site.desired.start, tx.exons[0].start + 5, tx.exons[-1].end - 7]
    designs = [site.desired]
    for p in starts[1:]:
        ref = site.start_genome.fetch_region(site.contig, p, p + 1)
        designs.append(es.GenomicChange(site.contig, p, ref, "A" if ref != "A" else "C"))
    local = [site.validate(d) for d in designs]
    monkeypatch.setattr(es, "_MARGIN", 10**9)  # the whole contig
    assert [site.validate(d) for d in designs] == local


def test_edited_genome_reads_like_a_copy_with_the_changes() -> None:
    """apply_changes: the lazy view equals the edited string for every window (indels too)."""
    import random

    from vivo.editing.edit_site import GenomicChange, apply_changes
    from vivo.genome.base import InMemoryGenome

    rng = random.Random(7)
    seq = "".join(rng.choice("ACGT") for _ in range(400))
    g = InMemoryGenome({"c": seq, "d": "ACGT"})
    for _ in range(50):
        starts = sorted(rng.sample(range(0, 390, 10), 3))
        changes = [
            GenomicChange("c", s, seq[s : s + rng.randint(0, 4)], "".join(
                rng.choice("ACGT") for _ in range(rng.randint(0, 5))))
            for s in starts
        ]  # fmt: skip
        expected = seq
        for c in reversed(changes):
            expected = expected[: c.start] + c.alt + expected[c.end :]
        e = apply_changes(g, changes)
        assert e.contig_names() == ["c"] and e.contig_length("c") == len(expected)
        for _ in range(20):
            a = rng.randint(0, len(expected))
            b = rng.randint(a, len(expected))
            assert e.fetch_region("c", a, b) == expected[a:b]
    with pytest.raises(InputError, match="overlap"):
        apply_changes(g, [GenomicChange("c", 5, seq[5:8], "A"), GenomicChange("c", 6, seq[6], "")])
    with pytest.raises(InputError, match="expects"):
        apply_changes(g, [GenomicChange("d", 0, "T", "A")])
