"""Domain-expert review of the planner's RNA options (H10)."""

from __future__ import annotations

from vivo.planning import TherapyQuestion, VariantFacts, plan_therapy


def test_htt_oligo_option_says_the_clinical_trials_were_halted() -> None:
    opt = plan_therapy(TherapyQuestion("HTT", ())).option("rna-knockdown-allele-selective")
    halted = [r for r in opt.risks if "halted" in r.description]
    assert halted and halted[0].severity == "high"
    assert "10.1007/s40259-022-00519-9" in halted[0].description


def test_a_frameshift_inside_out_of_frame_exon_51_skips_exon_51_with_a_neighbour() -> None:
    v = VariantFacts("DMD:c.7400del", "deletion", "A", "", 1)
    opt = plan_therapy(TherapyQuestion("DMD", (v,))).option("rna-exon-skip")
    assert opt.feasibility != "impossible"
    assert "50+52" not in opt.title and ("50+51" in opt.title or "51+52" in opt.title)


def test_a_point_variant_in_out_of_frame_exon_51_is_skipped_with_a_neighbour() -> None:
    v = VariantFacts("DMD:c.7400A>T", "substitution", "A", "T", 1)
    opt = plan_therapy(TherapyQuestion("DMD", (v,))).option("rna-exon-skip")
    assert opt.title.startswith("Exon 50+51 skipping") and "51+52" in opt.rationale[1]
    assert opt.score <= 60.0  # a double skip is investigational


def test_a_point_variant_in_the_first_exon_cannot_be_skipped() -> None:
    v = VariantFacts("DMD:c.10G>T", "substitution", "G", "T", 1)
    opt = plan_therapy(TherapyQuestion("DMD", (v,))).option("rna-exon-skip")
    assert opt.feasibility == "impossible" and "start codon" in opt.rationale[0]


def test_in_vivo_gene_therapy_outside_its_us_label_age_loses_20_points() -> None:
    from vivo.planning import PatientFacts

    def aav(gene: str, age: float) -> tuple[float, tuple[str, ...]]:
        q = TherapyQuestion(gene, patient=PatientFacts(age_years=age))
        opt = next(o for o in plan_therapy(q).options if o.id.startswith("add-aav")
                   and o.feasibility != "impossible")  # fmt: skip
        return opt.score, opt.rationale

    infant, adult = aav("SMN1", 0.5), aav("SMN1", 30)
    assert abs(infant[0] - adult[0] - 20) < 1e-9
    assert any(r.startswith("Off-label: Zolgensma") for r in adult[1])
    assert not any("Off-label" in r for r in infant[1])
    assert any(r.startswith("Off-label: Elevidys") for r in aav("DMD", 3)[1])
    assert not any("Off-label" in r for r in aav("DMD", 6)[1])
