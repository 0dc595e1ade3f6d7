"""Dossier sections (vivo.workflows.dossier): typed requests in, sections out, honest statuses."""

from __future__ import annotations

import pytest

from vivo.core.seq import reverse_complement
from vivo.genome.annotation import AnnotatedGenome
from vivo.genome.bundled import beta_globin_locus
from vivo.planning.plan import Option
from vivo.planning.requests import (
    BaseEditDesign,
    GuideDesign,
    OffTargetDesign,
    SimulationDesign,
)
from vivo.variants.interpret import interpret_variant
from vivo.workflows import dossier
from vivo.workflows.dossier import (
    DossierInputs,
    SectionResult,
    SpacerSet,
    build_section,
    build_sections,
)


@pytest.fixture(scope="module")
def locus() -> AnnotatedGenome:
    return beta_globin_locus()


@pytest.fixture(scope="module")
def sickle(locus: AnnotatedGenome) -> DossierInputs:
    return DossierInputs(genome=locus, variant=interpret_variant("HBB:c.20A>T", genome=locus))


def _run(req: object, inputs: DossierInputs, **kw: object) -> SectionResult:
    result, _ = build_section(req, inputs, option_id="x", sequence_available=True, **kw)  # type: ignore[arg-type]
    return result


def _column(s: SectionResult, name: str) -> list[object]:
    i = s.columns.index(name)
    return [r[i] for r in s.rows]


def test_missing_prerequisites_are_unavailable_and_bad_input_is_failed(
    locus: AnnotatedGenome,
) -> None:
    bare = DossierInputs(genome=locus, variant=None)
    s = _run(GuideDesign(purpose="p", gene="HBB", site="variant", window_bp=40), bare)
    assert s.status == "unavailable"
    assert s.message == "engine not available: no interpreted variant to design around"
    s = _run(GuideDesign(purpose="p", gene="NOSUCHGENE", site="early_exons"), bare)
    # a gene the genome in use lacks (UTRN on the beta-globin locus) needs sequence: not a failure
    assert s.status == "needs_sequence" and "does not contain NOSUCHGENE" in s.message
    s = _run(GuideDesign(purpose="p", gene="HBB", site="early_exons", nuclease="NoSuchCas"), bare)
    assert s.status == "failed" and s.message.startswith("guides could not run: ")
    s = _run(SimulationDesign(purpose="p", gene="F8X", kind="aav"), bare)
    assert s.status == "unavailable" and "Hemgenix" in s.message
    needs = GuideDesign(purpose="p", gene="F9", site="early_exons", needs="F9 sequence")
    result, spacers = build_section(needs, bare, option_id="x", sequence_available=False)
    assert result.status == "needs_sequence" and "F9 sequence" in result.message
    assert spacers is None


def test_an_engine_bug_propagates_instead_of_becoming_a_message(
    sickle: DossierInputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug inside the guide engine")

    monkeypatch.setattr(dossier.guides, "find_guides", broken)
    with pytest.raises(KeyError, match="a bug inside"):
        _run(GuideDesign(purpose="p", gene="HBB", site="variant", window_bp=40), sickle)


def test_offtargets_search_the_spacers_passed_to_them(sickle: DossierInputs) -> None:
    req = OffTargetDesign(purpose="p", gene="HBB", source="guides", top_n=1)
    s = _run(req, sickle)
    assert s.status == "unavailable" and "no guides design of HBB" in s.message
    mine = SpacerSet("guides", "HBB", "SpCas9", ("CATGGTGCACCTGACTCCTG", "GTAACGGCAGACTTCTCCTC"))
    other_gene = SpacerSet("guides", "HBG1", "SpCas9", ("CTTGTCAAGGCTATTGGTCA",))
    s = _run(req, sickle, earlier=[other_gene, mine])
    assert s.status == "ok" and set(_column(s, "spacer")) == {"CATGGTGCACCTGACTCCTG"}
    # the HBD paralog site (1 mismatch) is found next to the on-target
    assert sorted(_column(s, "mismatches"))[:2] == [0, 1]
    assert "patient allele" not in s.message
    edited = SpacerSet("guides", "HBB", "SpCas9", mine.spacers, patient_allele=True)
    assert "designed on the patient allele" in _run(req, sickle, earlier=[edited]).message


def test_hbg_promoter_guides_are_ranked_by_the_motif_they_disrupt(sickle: DossierInputs) -> None:
    req = GuideDesign(purpose="p", gene="HBG1", site="promoter", upstream_bp=300)
    result, spacers = build_section(req, sickle, option_id="x", sequence_available=True)
    assert result.status == "ok" and "BCL11A -118..-113" in result.message
    top = result.rows[0]
    assert top[0] == "CTTGTCAAGGCTATTGGTCA"  # the -115 guide of Traxler et al. 2016
    assert _column(result, "cut vs TSS")[0] == "-116/-115"
    assert str(_column(result, "disrupts")[0]).startswith("BCL11A (inside)")
    # a guide is said to disrupt BCL11A only when its cut lies within 5 bp of -118..-113
    for cut, hit in zip(_column(result, "cut vs TSS"), _column(result, "disrupts"), strict=True):
        after = int(str(cut).split("/")[1])
        assert ("BCL11A" in str(hit)) == (-118 - 5 <= after <= -113 + 5 + 1), (cut, hit)
    assert spacers is not None and spacers.spacers[0] == top[0]


def test_mutant_allele_guides_do_not_exist_on_the_normal_allele(
    sickle: DossierInputs, locus: AnnotatedGenome
) -> None:
    req = GuideDesign(purpose="p", gene="HBB", site="variant", window_bp=40, allele="mutant")
    s = _run(req, sickle)
    assert s.status == "ok" and s.rows
    # the variant is the N of this guide's PAM (CCTG|TGG): both alleles are cut, so it is left out
    assert "CATGGTGCACCTGACTCCTG" not in _column(s, "spacer")
    assert _column(s, "variant in")[0] == "spacer, 2 nt from PAM"  # seed mismatch ranks first
    contig = locus.genome.fetch_region("U01317.1", 0, locus.genome.contig_length("U01317.1"))
    for spacer, pam, where in zip(
        _column(s, "spacer"), _column(s, "PAM"), _column(s, "variant in"), strict=True
    ):
        site = f"{spacer}{pam[0]}GG" if where == "PAM" else str(spacer)
        assert site not in contig and reverse_complement(site) not in contig, where


def test_base_editing_lists_bystanders_and_hands_its_cas_variant_on(
    sickle: DossierInputs,
) -> None:
    req = BaseEditDesign(purpose="p", gene="HBB", editor="ABE", target="c.20T>C")
    result, spacers = build_section(req, sickle, option_id="x", sequence_available=True)
    assert result.status == "ok"
    assert set(_column(result, "editor")) <= {"ABE7.10", "ABE8e", "ABE8e-NRCH", "ABE8e-SpRY"}
    assert all("Makassar" in str(o) for o in _column(result, "outcome"))
    assert any("p.Leu4Pro" in str(b) for b in _column(result, "bystanders"))  # Newby 2021
    assert spacers is not None and spacers.source == "base_editing"
    assert spacers.nuclease_name != "SpCas9"  # the top design's Cas variant, searched next


def test_options_never_share_spacers(sickle: DossierInputs) -> None:
    off = OffTargetDesign(purpose="off", gene="HBB", source="guides")
    guides = GuideDesign(purpose="g", gene="HBB", site="variant", window_bp=40)

    def option(oid: str, designs: tuple[object, ...]) -> Option:
        return Option(oid, oid, "correct", "ex_vivo", "", "", "", "possible", 50.0, ("r",),
                      designs=designs)  # type: ignore[arg-type]  # fmt: skip

    out = build_sections(
        [option("a", (guides, off)), option("b", (off,))], sickle, sequence_available=True
    )
    assert [(s.option_id, s.engine, s.status) for s in out] == [
        ("a", "guides", "ok"),
        ("a", "offtargets", "ok"),
        ("b", "offtargets", "unavailable"),
    ]
