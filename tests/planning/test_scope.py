"""Honest scope: unknown genes, genes without a curated disease, drug targets, bad tissues."""

from __future__ import annotations

import pytest

from vivo.core.errors import InputError
from vivo.knowledge.genes import lookup_gene, suggest_genes
from vivo.planning import TherapyQuestion, plan_therapy
from vivo.planning.context import validate_tissue


@pytest.mark.parametrize(
    ("gene", "message", "hint"),
    [
        ("HBBB", "unknown gene 'HBBB'", "HBB"),
        ("NOTAGENE", "unknown gene 'NOTAGENE'", "HGNC"),
        ("CFTR", "no curated disease caused by CFTR", "--disease"),
        ("CD19", "CD19 is a therapeutic target", "--disease 'B-cell acute"),
        ("BCL11A", "BCL11A is a therapeutic target", "vivo plan HBB"),
        ("BCMA", "TNFRSF17 is a therapeutic target", "--disease 'multiple myeloma'"),
        ("HBG1", "HBG1 is a therapeutic target", "vivo plan HBB"),
    ],
)
def test_what_vivo_does_not_plan_is_an_error_with_a_hint(
    gene: str, message: str, hint: str
) -> None:
    with pytest.raises(InputError) as e:
        plan_therapy(TherapyQuestion(gene))
    assert message in str(e.value) and hint in str(e.value)


def test_a_gene_with_several_diseases_and_no_genotype_lists_them() -> None:
    with pytest.raises(InputError) as e:
        plan_therapy(TherapyQuestion("HBB"))
    assert "sickle cell disease" in str(e.value) and "beta-thalassemia" in str(e.value)
    plan = plan_therapy(TherapyQuestion("HBB", disease="beta-thalassemia"))
    assert plan.disease is not None and plan.disease.name == "beta-thalassemia"


def test_no_option_adds_a_target_gene() -> None:
    for gene in ("F9", "TTR", "DMD", "ADA", "COL7A1", "PCSK9"):
        plan = plan_therapy(TherapyQuestion(gene))
        for o in plan.feasible:
            assert not ("addition of" in o.title and gene in ("PCSK9", "TTR")), o.title


def test_unknown_tissue_is_an_error_with_did_you_mean() -> None:
    with pytest.raises(InputError, match="did you mean bone marrow"):
        plan_therapy(TherapyQuestion("HBB", disease="SCD", tissue="bonemarow"))
    assert validate_tissue("Liver") == "liver"


def test_gene_symbols() -> None:
    assert lookup_gene("hbb") is not None and lookup_gene("HBBB") is None
    rec = lookup_gene("BCMA")
    assert rec is not None and rec.symbol == "TNFRSF17" and rec.matched_via == "previous symbol"
    assert suggest_genes("HBBB")[0] == "HBB"


def test_every_plan_lists_what_it_did_not_cover() -> None:
    plan = plan_therapy(TherapyQuestion("F9"))
    assert plan.not_covered and any("RNA therapies" in n for n in plan.not_covered)


def test_a_single_gene_disease_gives_its_gene_and_unknown_diseases_suggest_names() -> None:
    plan = plan_therapy(TherapyQuestion("", disease="hemophilia B"))
    assert plan.question.gene == "F9"
    with pytest.raises(InputError, match="multiple myeloma"):
        plan_therapy(TherapyQuestion("", disease="multiple myelom"))


def test_a_tissue_that_contradicts_the_disease_is_an_error() -> None:
    with pytest.raises(InputError, match="contradicts"):
        plan_therapy(TherapyQuestion("PCSK9", tissue="bone marrow"))
    plan = plan_therapy(TherapyQuestion("DMD", tissue="heart"))  # same class: muscle
    assert plan.top is not None
