"""Genotype-aware planning: the curated HBB allele table, genotypes, carriers, contradictions."""

from __future__ import annotations

import pytest

import vivo
from vivo.core.errors import InputError
from vivo.knowledge.alleles import alleles_for_gene, find_allele, genotype_rule, trait
from vivo.planning import TherapyQuestion, VariantFacts, plan_therapy
from vivo.planning.genotype import call_genotype
from vivo.planning.plan import PatientFacts


def _facts(text: str) -> VariantFacts:
    """Interpret on the bundled locus, as the workflow does."""
    r = vivo.interpret_variant(f"HBB {text}")
    p = r.consequence.protein
    return VariantFacts(
        r.hgvs_c, r.normalized.kind, r.parsed.edit.ref, r.parsed.edit.alt,
        consequence=r.consequence.label, protein=p.hgvs if p else "", interpreted=True,
    )  # fmt: skip


# ------------------------------------------------------------------------ the allele table


@pytest.mark.parametrize("allele", alleles_for_gene("HBB"), ids=lambda a: a.hgvs_c)
def test_every_curated_allele_matches_the_reference_sequence(allele) -> None:  # type: ignore[no-untyped-def]
    """Each row's HGVS interprets on U01317.1 (right reference base) to the same normal form."""
    r = vivo.interpret_variant(f"HBB {allele.hgvs_c}")
    assert r.hgvs_c == f"HBB:{allele.hgvs_c}"
    assert allele.sources and all(s.url.startswith("https://") for s in allele.sources)


@pytest.mark.parametrize(
    ("typed", "cls", "protein"),
    [
        ("c.20A>T", "HbS", "p.Glu7Val"),
        ("c.19G>A", "HbC", "p.Glu7Lys"),
        ("c.79G>A", "HbE", "p.Glu27Lys"),
        ("c.364G>C", "HbD-Punjab", "p.Glu122Gln"),
        ("c.118C>T", "beta0", "p.Gln40Ter"),
        ("c.126_129delCTTT", "beta0", "p.Phe42LeufsTer19"),
        ("c.92+1G>A", "beta0", ""),
        ("c.93-21G>A", "beta+", ""),  # IVS-I-110
        ("c.-78A>G", "beta+", ""),  # -28
        ("c.-138C>T", "beta+", ""),  # -88
        ("c.-137C>G", "beta+", ""),  # -87
        ("c.27_28insG", "beta0", "p.Ser10ValfsTer14"),  # codons 8/9 (+G), typed as insG
        ("c.52A>T", "beta0", "p.Lys18Ter"),  # codon 17
        ("c.47G>A", "beta0", "p.Trp16Ter"),  # codon 15
    ],
)
def test_golden_alleles(typed: str, cls: str, protein: str) -> None:
    f = _facts(typed)
    hit = find_allele("HBB", f.hgvs)
    assert hit is not None and hit.allele_class == cls
    if protein:
        assert f.protein == protein


def test_genotype_rules_are_symmetric_and_cited() -> None:
    assert genotype_rule("HBB", "beta0", "HbS") == genotype_rule("HBB", "HbS", "beta0")
    assert genotype_rule("HBB", "HbC", "HbC").disease is None  # HbCC: no gene therapy
    assert trait("HBB", "beta+").name.startswith("beta-thalassemia trait")


# ----------------------------------------------------------------------------- genotypes


@pytest.mark.parametrize(
    ("variants", "zygosity", "name", "disease", "status"),
    [
        (("c.20A>T",), "homozygous", "HbSS", "sickle cell disease", "affected"),
        (("c.20A>T", "c.19G>A"), "unknown", "HbSC", "sickle cell disease", "affected"),
        (("c.20A>T", "c.118C>T"), "unknown", "HbS/beta0-thalassemia", "sickle cell disease",
         "affected"),
        (("c.20A>T", "c.93-21G>A"), "unknown", "HbS/beta+-thalassemia", "sickle cell disease",
         "affected"),
        (("c.118C>T",), "homozygous", "beta0/beta0-thalassemia", "beta-thalassemia", "affected"),
        (("c.118C>T", "c.93-21G>A"), "unknown", "beta0/beta+-thalassemia", "beta-thalassemia",
         "affected"),
        (("c.79G>A", "c.126_129delCTTT"), "unknown", "HbE/beta0-thalassemia", "beta-thalassemia",
         "affected"),
        (("c.20A>T",), "heterozygous", "sickle cell trait (HbAS)", None, "carrier"),
        (("c.118C>T",), "heterozygous", "beta-thalassemia trait (beta0)", None, "carrier"),
        (("c.19G>A",), "homozygous", "HbCC", None, "not_indicated"),
    ],
)  # fmt: skip
def test_golden_genotypes(variants, zygosity, name, disease, status) -> None:  # type: ignore[no-untyped-def]
    g = call_genotype("HBB", tuple(_facts(v) for v in variants), zygosity=zygosity)
    assert (g.name, g.disease, g.status) == (name, disease, status)


def test_a_novel_null_allele_is_beta0_from_its_consequence() -> None:
    f = _facts("c.135delC")  # codon 44 (-C): frameshift, not in the curated table
    assert find_allele("HBB", f.hgvs) is None
    g = call_genotype("HBB", (f, _facts("c.20A>T")), zygosity="unknown")
    assert g.alleles[0].basis == "consequence" and g.name == "HbS/beta0-thalassemia"


def test_one_variant_without_zygosity_is_assumed_homozygous_and_says_so() -> None:
    g = call_genotype("HBB", (_facts("c.20A>T"),), zygosity="unknown")
    assert g.zygosity == "homozygous" and g.zygosity_assumed and "assumed" in g.explanation


@pytest.mark.parametrize(
    ("variants", "zygosity", "message"),
    [
        (("c.20A>T", "c.118C>T"), "heterozygous", "compound heterozygosity"),
        (("c.20A>T", "c.118C>T"), "homozygous", "compound heterozygosity"),
        (("c.20A>T", "c.20A>T"), "unknown", "the same variant twice"),
        (("c.20A>T",), "compound_heterozygous", "needs two variants"),
    ],
)
def test_contradictory_genotypes_are_errors(variants, zygosity, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=message):
        call_genotype("HBB", tuple(_facts(v) for v in variants), zygosity=zygosity)


# --------------------------------------------------------------------- the plan it gives


def _plan(*variants: str, **kw):  # type: ignore[no-untyped-def]
    return plan_therapy(TherapyQuestion("HBB", tuple(_facts(v) for v in variants), **kw))


@pytest.mark.parametrize(
    ("variant", "disease"),
    [
        ("c.118C>T", "beta-thalassemia"),  # the first section's cases: not sickle cell disease
        ("c.126_129delCTTT", "beta-thalassemia"),
        ("c.92+1G>A", "beta-thalassemia"),
        ("c.20A>T", "sickle cell disease"),
    ],
)
def test_the_disease_comes_from_the_variant_not_the_gene(variant: str, disease: str) -> None:
    plan = _plan(variant)
    assert plan.disease is not None and plan.disease.name == disease
    assert plan.indication == "therapy" and plan.genotype is not None
    assert [s.key for s in plan.steps][:3] == ["disease", "variant", "genotype"]


def test_thalassemia_is_not_planned_as_gain_of_function() -> None:
    plan = _plan("c.118C>T")
    assert plan.disease is not None and plan.disease.mechanism == "loss_of_function"
    assert all("anti-sickling" not in o.title for o in plan.options)


def test_a_carrier_gets_a_carrier_report_not_a_therapy_plan() -> None:
    plan = _plan("c.20A>T", zygosity="heterozygous")
    assert plan.indication == "carrier" and plan.options == () and plan.top is None
    assert any("25% affected" in n for n in plan.notes), plan.notes


def test_hemophilia_female_heterozygote_is_a_carrier_with_x_linked_risk() -> None:
    v = VariantFacts("F9:c.1025C>T", "substitution", "C", "T")
    q = TherapyQuestion("F9", (v,), zygosity="heterozygous", patient=PatientFacts(sex="female"))
    plan = plan_therapy(q)
    assert plan.indication == "carrier" and any(
        "male child: 50% affected" in n for n in plan.notes
    ), plan.notes
    male = plan_therapy(TherapyQuestion("F9", (v,)))
    assert male.indication == "therapy" and male.genotype is not None
    assert male.genotype.zygosity == "hemizygous" and male.genotype.zygosity_assumed


def test_dominant_disease_plans_for_one_allele() -> None:
    v = VariantFacts("TTR:c.148G>A", "substitution", "G", "A")
    plan = plan_therapy(TherapyQuestion("TTR", (v,)))
    assert plan.genotype is not None and plan.genotype.zygosity == "heterozygous"
    assert plan.indication == "therapy" and plan.top is not None


def test_disease_contradicting_the_genotype_is_an_error() -> None:
    with pytest.raises(InputError, match="not sickle cell disease"):
        _plan("c.118C>T", zygosity="homozygous", disease="sickle cell disease")


def test_hemizygous_autosomal_gene_is_an_error() -> None:
    with pytest.raises(InputError, match="autosomal"):
        plan_therapy(
            TherapyQuestion(
                "TTR",
                (VariantFacts("TTR:c.148G>A", "substitution", "G", "A"),),
                zygosity="hemizygous",
            )
        )


def test_hemizygous_hbb_and_impossible_male_x_linked_genotypes_are_errors() -> None:
    with pytest.raises(InputError, match="autosomal"):
        call_genotype("HBB", (_facts("c.20A>T"),), zygosity="hemizygous")
    v = VariantFacts("F9:c.1025C>T", "substitution", "C", "T")
    for zygosity in ("heterozygous", "homozygous"):
        with pytest.raises(InputError, match="one X chromosome"):
            plan_therapy(
                TherapyQuestion("F9", (v,), zygosity=zygosity, patient=PatientFacts(sex="male"))  # type: ignore[arg-type]
            )


def test_disease_contradicting_a_carrier_or_a_benign_genotype_is_an_error() -> None:
    with pytest.raises(InputError, match="not an allele of beta-thalassemia"):
        _plan("c.20A>T", zygosity="heterozygous", disease="beta-thalassemia")
    with pytest.raises(InputError, match="HbCC"):
        _plan("c.19G>A", zygosity="homozygous", disease="sickle cell disease")


def test_x_linked_carrier_is_not_called_healthy() -> None:
    v = VariantFacts("F9:c.1025C>T", "substitution", "C", "T")
    plan = plan_therapy(
        TherapyQuestion("F9", (v,), zygosity="heterozygous", patient=PatientFacts(sex="female"))
    )
    step = next(s for s in plan.steps if s.key == "indication")
    assert "healthy" not in step.rationale and "symptoms" in step.rationale
