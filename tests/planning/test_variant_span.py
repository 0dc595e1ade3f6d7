"""The size of a variant whose ends lie in introns (H10 review): prime editing is never
proposed for a deletion whose size vivo does not know or that is too long."""

from __future__ import annotations

import pytest

from vivo.workflows.plan import PlanRequest, run_plan


def _prime(gene: str, variant: str, tmp_path) -> tuple[str, str]:
    result = run_plan(PlanRequest(gene=gene, variant=variant, trials="off", max_design_options=1))
    opt = next(o for o in result.plan.options if o.id == "correct-prime-edit")
    return opt.feasibility, " ".join(opt.rationale)


def test_intron_to_intron_deletion_without_the_genome_has_an_unknown_size(tmp_path) -> None:
    feasibility, why = _prime("DMD", "c.93+10_94-10del", tmp_path)
    assert feasibility == "impossible" and "size is not known" in why


def test_intron_to_intron_deletion_on_the_genome_is_measured(tmp_path) -> None:
    # HBB c.92+2_93-2del removes 128 bp of intron 1 (c. positions alone said 2 bp)
    feasibility, why = _prime("HBB", "c.92+2_93-2del", tmp_path)
    assert feasibility == "impossible" and "spans 128 bp" in why


@pytest.mark.parametrize(("gene", "variant"), [("DMD", "c.93+10_93+20del"), ("HBB", "c.20A>T")])
def test_small_variants_keep_prime_editing(gene: str, variant: str, tmp_path) -> None:
    assert _prime(gene, variant, tmp_path)[0] != "impossible"
