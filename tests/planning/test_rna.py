"""The RNA family of strategies: knockdown, splice inclusion, exon skipping, drug targets."""

from __future__ import annotations

import pytest

from vivo.planning import TherapyQuestion, VariantFacts, plan_therapy
from vivo.planning.plan import Plan
from vivo.planning.requests import AsoDesign, SirnaDesign


def _plan(gene: str, *hgvs: str, disease: str | None = None) -> Plan:
    variants = tuple(VariantFacts(h, "deletion" if "del" in h else "substitution") for h in hgvs)
    return plan_therapy(TherapyQuestion(gene, variants, disease=disease))


def test_sma_splice_inclusion_has_the_nusinersen_precedent() -> None:
    plan = _plan("SMN1", disease="spinal muscular atrophy")
    opt = plan.option("rna-splice-inclusion")
    assert plan.top is not None and plan.top.id == "rna-splice-inclusion"
    assert opt.score == 85.0 and opt.feasibility == "recommended"
    assert opt.precedents[0].name == "Spinraza"
    assert "intrathecal" in opt.vehicle
    (req,) = opt.designs
    assert isinstance(req, AsoDesign) and (req.gene, req.mode, req.exon) == ("SMN2", "include", 7)
    assert req.precedent == "Spinraza"
    # the generic, precedent-less 'induce SMN2' option (40, no precedent) is gone
    assert "induce-compensating-gene" not in [o.id for o in plan.options]
    # the delivery step of the decision flow says how an oligonucleotide reaches the CNS
    delivery = next(s for s in plan.steps if s.key == "delivery")
    assert "cerebrospinal fluid" in delivery.rationale


def test_hattr_shows_the_four_approved_oligonucleotides() -> None:
    plan = _plan("TTR")
    opt = plan.option("rna-knockdown")
    names = {p.name for p in opt.precedents}
    assert {"Onpattro", "Amvuttra", "Tegsedi", "Wainua"} <= names
    assert plan.top is not None and plan.top.id == "rna-knockdown" and opt.score == 85.0
    tegsedi = next(p for p in opt.precedents if p.name == "Tegsedi")
    assert tegsedi.safety and tegsedi.weight < 1.0  # boxed warning
    engines = {type(d) for d in opt.designs}
    assert engines == {SirnaDesign, AsoDesign}
    sirna = next(d for d in opt.designs if isinstance(d, SirnaDesign))
    assert sirna.conjugate == "GalNAc" and sirna.precedent == "Onpattro"
    # the editing knockout stays, with its own (held) precedent only
    assert plan.option("silence-knockout").score == 58.0


def test_pcsk9_inclisiran_and_sod1_tofersen() -> None:
    pcsk9 = _plan("PCSK9").option("rna-knockdown")
    assert [p.name for p in pcsk9.precedents] == ["Leqvio"] and pcsk9.score == 85.0
    assert pcsk9.vehicle == "GalNAc conjugate, subcutaneous"
    sod1 = _plan("SOD1")
    opt = sod1.option("rna-knockdown")
    assert [p.name for p in opt.precedents] == ["Qalsody"] and "intrathecal" in opt.vehicle
    assert [type(d) for d in opt.designs] == [AsoDesign]


def test_htt_allele_selective_knockdown_is_flagged_investigational() -> None:
    opt = _plan("HTT").option("rna-knockdown-allele-selective")
    assert "investigational" in opt.title and opt.score == 60.0
    assert all(getattr(d, "allele", None) == "mutant" for d in opt.designs)
    assert opt.precedents[0].level == "clinical"  # tominersen, not allele-selective


@pytest.mark.parametrize(
    ("hgvs", "exon", "drugs"),
    [
        ("DMD:c.6913-100_7309+100del", 51, ["Exondys 51"]),  # exons 48-50
        ("DMD:c.6439-1000_7309+200del", 51, ["Exondys 51"]),  # exons 45-50
        ("DMD:c.7543-50_7660+50del", 53, ["Vyondys 53", "Viltepso"]),  # exon 52: 51 or 53
        ("DMD:c.6615-10_6912+10del", 45, ["Amondys 45"]),  # exons 46-47
        # uncertain breakpoints (exon-based HGVS, as MLPA reports write them)
        ("DMD:c.(6912+1_6913-1)_(7309+1_7310-1)del", 51, ["Exondys 51"]),
        ("DMD:c.6439-?_7309+?del", 51, ["Exondys 51"]),
        ("NM_004006.2(DMD):c.(7542+1_7543-1)_(7660+1_7661-1)del", 53, ["Vyondys 53", "Viltepso"]),
    ],
)
def test_dmd_exon_skip_is_chosen_from_the_deletion(hgvs: str, exon: int, drugs: list[str]) -> None:
    plan = _plan("DMD", hgvs)
    opt = plan.option("rna-exon-skip")
    assert opt.title.startswith(f"Exon {exon} skipping")
    assert [p.name for p in opt.precedents][:-1] == drugs
    assert opt.feasibility == "recommended" and plan.top is not None
    (req,) = opt.designs
    assert isinstance(req, AsoDesign) and (req.mode, req.exon) == ("skip", exon)


def test_dmd_exon_52_deletion_names_both_frame_restoring_skips() -> None:
    opt = _plan("DMD", "DMD:c.7543-50_7660+50del").option("rna-exon-skip")
    assert "Other frame-restoring skips: 51" in opt.rationale[1]


def test_dmd_in_frame_deletion_and_unknown_amenability() -> None:
    inframe = _plan("DMD", "DMD:c.6439-10_6912+10del").option("rna-exon-skip")  # exons 45-47
    assert inframe.feasibility == "impossible" and "keeps the reading frame" in inframe.rationale[0]
    double = _plan("DMD", "DMD:c.6615-10_7309+10del").option("rna-exon-skip")  # exons 46-50
    assert double.title.startswith("Exon 45+51 skipping") and double.score <= 60.0
    unknown = _plan("DMD")
    opt = unknown.option("rna-exon-skip")
    assert "amenability unknown" in opt.title and opt.score == 55.0
    assert unknown.top is not None and unknown.top.id == "add-aav-shortened"


def test_dmd_point_variant_in_an_in_frame_exon_can_be_skipped() -> None:
    # exon 49 is 102 nt (in frame): a nonsense variant there is skippable
    opt = _plan("DMD", "DMD:c.7150C>T").option("rna-exon-skip")
    assert opt.title.startswith("Exon 49 skipping")
    # exon 51 is 233 nt (out of frame): skipped with a neighbour, 50+51 or 51+52 (H10 review)
    double = _plan("DMD", "DMD:c.7400C>T").option("rna-exon-skip")
    assert double.title.startswith("Exon 50+51 skipping")


def test_recessive_loss_of_function_gets_no_rna_knockdown() -> None:
    ids = [o.id for o in _plan("F9").options]
    assert not [i for i in ids if i.startswith("rna-")]


def test_drug_target_knockdown_follows_the_approved_drugs_for_the_disease() -> None:
    ph1 = _plan("AGXT")
    opt = ph1.option("rna-target-knockdown")
    assert [p.name for p in opt.precedents] == ["Oxlumo", "Rivfloza"] and opt.score == 85.0
    assert "HAO1" in opt.title and opt.vehicle == "GalNAc conjugate, subcutaneous"
    (req,) = opt.designs
    assert isinstance(req, SirnaDesign) and req.gene == "HAO1" and "HAO1 mRNA" in req.needs
    fcs = _plan("LPL")
    apoc3 = fcs.option("rna-target-knockdown")
    assert {p.name for p in apoc3.precedents} == {"Tryngolza", "Waylivra"}
    assert "subcutaneous" in apoc3.vehicle and apoc3.editor == "gapmer ASO"
    assert "Glybera" in [p.name for p in fcs.option("add-aav-in-vivo").precedents]
    # a splice-switching drug is never a 'drug-target knockdown' (SMN2 for SMA)
    sma = _plan("SMN1", disease="spinal muscular atrophy")
    assert "rna-target-knockdown" not in [o.id for o in sma.options]


def test_allele_selective_knockdown_lists_the_given_snvs_as_candidates() -> None:
    snv = VariantFacts("HTT:c.100A>G", "substitution", "A", "G")
    opt = plan_therapy(TherapyQuestion("HTT", (snv,))).option("rna-knockdown-allele-selective")
    assert "HTT:c.100A>G" in opt.rationale[1] and "phasing" in opt.rationale[1]


def test_dmd_uncertain_deletion_that_may_reach_other_exons_is_not_guessed() -> None:
    opt = _plan("DMD", "DMD:c.(6900_6950)_(7309+1_7310-1)del").option("rna-exon-skip")
    assert "amenability unknown" in opt.title
    assert "reading frame cannot be known" in opt.rationale[0]
    inframe = _plan("DMD", "DMD:c.(6438+1_6439-1)_(6912+1_6913-1)del").option("rna-exon-skip")
    assert inframe.feasibility == "impossible" and "exact breakpoints" in inframe.rationale[0]
