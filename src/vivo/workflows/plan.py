"""The main job: a therapy dossier for a gene and variant (``vivo plan HBB 'c.20A>T'``).

load (genome, variant) → plan (pure planner) → designs (engine registry) → render (JSON + HTML).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vivo import __version__
from vivo.core.errors import InputError, VivoError
from vivo.genome.annotation import AnnotatedGenome
from vivo.io.atomic import atomic_write
from vivo.planning import PatientFacts, Plan, TherapyQuestion, VariantFacts, plan_therapy
from vivo.planning.plan import Zygosity
from vivo.variants.hgvs import HgvsVariant, format_hgvs, parse_hgvs
from vivo.variants.interpret import VariantInterpretation, interpret_variant
from vivo.workflows.genomes import resolve_genome
from vivo.workflows.plan_sections import SectionContext, SectionResult, build_section

__all__ = ["SCHEMA_VERSION", "PlanRequest", "PlanResult", "run_plan", "write_dossier"]

SCHEMA_VERSION = "1.0"
_KINDS = {
    "sub": "substitution",
    "del": "deletion",
    "dup": "duplication",
    "ins": "insertion",
    "delins": "deletion-insertion",
}


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """A therapy question as the user asks it."""

    gene: str
    variant: str | None = None
    disease: str | None = None
    tissue: str | None = None
    zygosity: Zygosity = "unknown"
    genome: str | None = None
    annotation: str | None = None
    patient: PatientFacts = field(default_factory=PatientFacts)
    seed: int = 0
    max_design_options: int = 5
    offtarget_genome: str | None = None  # an indexed genome (vivo genome add) for off-targets
    offtarget_home: str | None = None


@dataclass(frozen=True, slots=True)
class PlanResult:
    """The plan, the interpreted variant, every design section and the provenance."""

    plan: Plan
    variant: dict[str, Any] | None
    sections: tuple[SectionResult, ...]
    provenance: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The plan.json document (validated against ``plan.schema.json``)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": "vivo.plan",
            "plan": self.plan.to_dict(),
            "variant_interpretation": self.variant,
            "sections": [s.to_dict() for s in self.sections],
            "provenance": self.provenance,
        }


def _length(v: HgvsVariant) -> int:
    start, end = getattr(v.start, "base", v.start), getattr(v.end, "base", v.end)
    span = abs(int(end) - int(start)) + 1 if isinstance(start, int) and isinstance(end, int) else 1
    return max(span, len(v.edit.ref), len(v.edit.alt), 1)


def _facts(
    text: str, gene: str, ag: AnnotatedGenome
) -> tuple[VariantFacts, VariantInterpretation | None]:
    """Interpret on the genome when it holds the gene; else parse the HGVS text only."""
    has_gene = _has_gene(ag, gene)
    parsed = parse_hgvs(text, gene=gene)
    if not has_gene:
        hgvs = f"{gene}:{format_hgvs(parsed, with_gene=False)}"
        return VariantFacts(
            hgvs, _KINDS[parsed.edit.kind], parsed.edit.ref, parsed.edit.alt, _length(parsed)
        ), None
    r = interpret_variant(text, gene=gene, genome=ag)
    p = r.consequence.protein
    facts = VariantFacts(
        hgvs=r.hgvs_c,
        kind=_KINDS[r.normalized.kind],
        ref=r.parsed.edit.ref,
        alt=r.parsed.edit.alt,
        length_bp=_length(r.parsed),
        consequence=r.consequence.label,
        protein=p.hgvs if p else "",
        legacy=(p.legacy or "") if p else "",
        interpreted=True,
    )
    return facts, r


def _has_gene(ag: AnnotatedGenome, gene: str) -> bool:
    try:
        ag.gene(gene)
    except VivoError:
        return False
    return True


def _question(
    req: PlanRequest, ag: AnnotatedGenome
) -> tuple[TherapyQuestion, VariantInterpretation | None]:
    gene = req.gene.strip().upper()
    if not gene:
        raise InputError("no gene given", hint="e.g. vivo plan HBB 'c.20A>T'")
    variants: tuple[VariantFacts, ...] = ()
    interp = None
    if req.variant:
        facts, interp = _facts(req.variant, gene, ag)
        variants = (facts,)
    q = TherapyQuestion(
        gene=gene,
        variants=variants,
        zygosity=req.zygosity,
        disease=req.disease,
        tissue=req.tissue,
        patient=req.patient,
        sequence_available=_has_gene(ag, gene),
        genome_name=ag.name,
    )
    return q, interp


def _sections(
    plan: Plan, ag: AnnotatedGenome, interp: VariantInterpretation | None, req: PlanRequest
) -> tuple[SectionResult, ...]:
    ctx = SectionContext(
        genome=ag,
        variant=interp,
        seed=req.seed,
        offtarget_genome=req.offtarget_genome,
        offtarget_home=req.offtarget_home,
    )
    out = []
    for option in plan.feasible[: req.max_design_options]:
        ctx.spacers, ctx.nuclease = {}, "SpCas9"  # designs of one option never leak to another
        for design in option.designs:
            out.append(
                build_section(
                    ctx,
                    design,
                    option_id=option.id,
                    sequence_available=plan.question.sequence_available,
                )
            )
    return tuple(out)


def run_plan(req: PlanRequest) -> PlanResult:
    """Answer a therapy question: interpret, plan, design (engines that exist), with provenance.

    Parameters
    ----------
    req:
        The question; ``genome=None`` uses the bundled beta-globin locus.
    """
    t0 = time.perf_counter()
    ag = resolve_genome(req.genome, req.annotation)
    question, interp = _question(req, ag)
    plan = plan_therapy(question)
    sections = _sections(plan, ag, interp, req)
    provenance = {
        "vivo_version": __version__,
        "planner_version": plan.planner_version,
        "genome": {"name": ag.name, "source": ag.source},
        "seed": req.seed,
        "engines": sorted({f"{s.engine}: {s.status}" for s in sections}),
        "knowledge_sources": "vivo/knowledge/data (SOURCES.md); every row cites its sources",
        "elapsed_s": round(time.perf_counter() - t0, 3),
    }
    return PlanResult(plan, interp.to_dict() if interp else None, sections, provenance)


def write_dossier(result: PlanResult, out_dir: str | Path) -> dict[str, str]:
    """Write ``plan.json`` and ``report.html`` atomically into ``out_dir``; return their paths."""
    from vivo.reports.dossier import render_html
    from vivo.reports.schema import validate_plan

    data = result.to_dict()
    validate_plan(data)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"plan_json": out / "plan.json", "report_html": out / "report.html"}
    with atomic_write(paths["plan_json"]) as fh:
        fh.write(json.dumps(data, indent=2, default=str) + "\n")
    with atomic_write(paths["report_html"]) as fh:
        fh.write(render_html(data))
    return {k: str(v) for k, v in paths.items()}
