"""Dossier sections of RNA options (vivo.workflows.dossier.rna) on the bundled records."""

from __future__ import annotations

import re

import pytest

from vivo.planning.plan import Plan
from vivo.workflows.dossier import SectionResult
from vivo.workflows.plan import PlanRequest, PlanResult, run_plan

pytest.importorskip("RNA", reason="ViennaRNA (RNA module) not installed")


def _rna_sections(result: PlanResult) -> list[SectionResult]:
    return [s for s in result.sections if s.option_id.startswith("rna-")]


def test_sma_dossier_designs_inclusion_oligos_and_finds_the_nusinersen_site() -> None:
    result = run_plan(PlanRequest("SMN1", disease="spinal muscular atrophy"))
    (s,) = _rna_sections(result)
    assert s.engine == "aso" and s.status == "ok"
    assert "SMN2-exon7" in s.message and "nusinersen" in s.message
    m = re.search(r"nusinersen .* site: design rank (\d+)", s.message)
    assert m is not None and int(m.group(1)) <= 5  # the golden of issue 15
    assert s.columns[-1] == "vs approved drug" and len(s.rows) == 5
    assert any("overlap with nusinersen" in r[-1] for r in s.rows)
    assert "not transcriptome-wide" in s.message  # the bundled genome is not a transcriptome


def test_dmd_48_50_dossier_skips_exon_51_and_compares_with_eteplirsen() -> None:
    result = run_plan(PlanRequest("DMD", "DMD:c.6913-100_7309+100del"))
    plan: Plan = result.plan
    assert plan.top is not None and plan.top.id == "rna-exon-skip"
    (s,) = _rna_sections(result)
    assert s.status == "ok" and "DMD-exon51" in s.message and "PMO" in s.message
    # the rank is the ASO model's (docs/models/aso.md: 5th of the 30-mer PMO tiles, score v3)
    m = re.search(r"eteplirsen \(30-mer PMO\) site: design rank (\d+)", s.message)
    assert m is not None and 1 <= int(m.group(1)) <= 10
    assert all(r[2] == 30 for r in s.rows)  # the approved drug's length


def test_without_a_transcript_the_section_needs_a_sequence() -> None:
    ttr = run_plan(PlanRequest("TTR"))
    secs = _rna_sections(ttr)
    assert {s.engine for s in secs} == {"sirna", "aso"}
    assert all(s.status == "needs_sequence" and "TTR mRNA" in s.message for s in secs)
    exon53 = run_plan(PlanRequest("DMD", "DMD:c.7543-50_7660+50del"))
    (s,) = _rna_sections(exon53)
    assert s.status == "needs_sequence" and "bundles DMD exon 51 only" in s.message


def test_sirna_section_on_the_bundled_ada_mrna() -> None:
    from vivo.planning.requests import SirnaDesign
    from vivo.workflows.dossier import DossierInputs, build_section
    from vivo.workflows.genomes import resolve_genome

    inputs = DossierInputs(genome=resolve_genome(None, None), variant=None)
    req = SirnaDesign(purpose="siRNAs against ADA", gene="ADA", top_n=3, conjugate="none")
    s, _ = build_section(req, inputs, option_id="rna-x", sequence_available=False)
    assert s.status == "ok" and len(s.rows) == 3 and "bundled record ADA" in s.message
    assert "passing the Reynolds and Ui-Tei rules" in s.message
    assert all(len(r[1]) == 21 and len(r[2]) == 21 for r in s.rows)  # 19 + 2-nt overhangs
