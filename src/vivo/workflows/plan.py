"""The main job: a therapy dossier for a gene and variant (``vivo plan HBB 'c.20A>T'``).

load (genome, variant) → plan (pure planner) → designs (engine registry) → render (JSON + HTML).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from vivo import __version__
from vivo.core.errors import InputError, VivoError
from vivo.genome.annotation import AnnotatedGenome
from vivo.io.atomic import atomic_dir
from vivo.knowledge.acquired import is_acquired
from vivo.planning import PatientFacts, Plan, TherapyQuestion, VariantFacts, plan_therapy
from vivo.planning.decision import resolve_gene
from vivo.planning.genotype import exon_variant_hgvs, uncertain_variant_facts
from vivo.planning.plan import Zygosity
from vivo.variants.hgvs import HgvsVariant, format_hgvs, parse_hgvs
from vivo.variants.interpret import VariantInterpretation, interpret_variant
from vivo.variants.uncertain import is_uncertain_hgvs
from vivo.workflows.dossier import DossierInputs, SectionResult, build_sections
from vivo.workflows.dossier.trials import TrialsMode, TrialsSection, trials_section
from vivo.workflows.genomes import resolve_genome

__all__ = [
    "SCHEMA_VERSION",
    "PlanRequest",
    "PlanResult",
    "default_out_dir",
    "run_plan",
    "write_dossier",
]

SCHEMA_VERSION = "1.2"
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
    second_variant: str | None = None  # the other allele: two variants = compound heterozygous
    genome: str | None = None  # a file, or the name of a fetched genome (vivo genome fetch)
    annotation: str | None = None
    genome_home: str | None = None  # a store of fetched genomes: `genome` must be one there
    patient: PatientFacts = field(default_factory=PatientFacts)
    seed: int = 0
    max_design_options: int = 5
    offtarget_genome: str | None = None  # an indexed genome (vivo genome add) for off-targets
    offtarget_home: str | None = None
    # the trials section: "cache" (default: the answer `vivo trials` cached, no network),
    # "online" (ask ClinicalTrials.gov) or "off"; trials_api_url overrides $VIVO_TRIALS_URL
    trials: TrialsMode = "cache"
    trials_api_url: str | None = None
    vcf: str | None = None  # the patient's VCF: variants and zygosity are read from it
    sample: str | None = None  # the VCF sample (default: the only one)
    assembly: str | None = None  # GRCh38/GRCh37 of the VCF on the bundled locus (default: header)
    exons: str | None = None  # whole exons deleted/duplicated, by number ("48-50"; DMD)
    exon_change: str = "del"  # what happened to ``exons``: "del" or "dup"

    def __post_init__(self) -> None:
        _check_request(self)


SEED_MAX = 2**32 - 1


def _check_request(req: PlanRequest) -> None:
    """Every field checked before any work (one line each, with a hint)."""
    if not 0 <= req.seed <= SEED_MAX:
        raise InputError(f"--seed must be from 0 to {SEED_MAX}, got {req.seed}")
    if not 1 <= req.max_design_options <= 20:
        raise InputError(f"max_design_options must be from 1 to 20, got {req.max_design_options}")
    zygosities = get_args(Zygosity)
    if req.zygosity not in zygosities:
        raise InputError(
            f"unknown zygosity {req.zygosity!r}", hint=f"choose from {', '.join(zygosities)}"
        )
    if not isinstance(req.gene, str):
        raise InputError(f"gene must be text, got {req.gene!r}")
    if req.trials not in ("cache", "online", "off"):
        raise InputError(f"unknown trials mode {req.trials!r}", hint="cache, online or off")
    if req.second_variant and not req.variant:
        raise InputError("a second variant without a first", hint="give the first variant too")
    if req.exon_change not in ("del", "dup"):
        raise InputError(f"unknown exon change {req.exon_change!r}", hint="del or dup")
    if req.exons is not None and (req.variant or req.vcf):
        raise InputError(
            "give the exons (--exons) or a variant, not both",
            hint="--exons 48-50 stands for the variant c.(6912+1_6913-1)_(7309+1_7310-1)del",
        )
    _check_vcf_request(req)


def _check_vcf_request(req: PlanRequest) -> None:
    if req.vcf is None:
        if req.sample is not None or req.assembly is not None:
            raise InputError("--sample and --assembly go with --vcf", hint="add --vcf FILE")
        return
    if req.variant or req.second_variant:
        raise InputError(
            "give the variants as HGVS or in a VCF (--vcf), not both",
            hint="drop the HGVS variants: the VCF's genotypes give them and their zygosity",
        )
    if req.zygosity != "unknown":
        raise InputError("--zygosity comes from the VCF's genotypes", hint="drop --zygosity")
    if not req.gene.strip():
        raise InputError("--vcf needs the gene", hint="add --gene HBB (or the gene as argument)")


@dataclass(frozen=True, slots=True)
class PlanResult:
    """The plan, the interpreted variant, every design section and the provenance."""

    plan: Plan
    variant: dict[str, Any] | None
    sections: tuple[SectionResult, ...]
    provenance: dict[str, Any]
    trials: TrialsSection | None = None  # ClinicalTrials.gov studies (vivo.workflows.trials)

    def to_dict(self) -> dict[str, Any]:
        """The plan.json document (validated against ``plan.schema.json``)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": "vivo.plan",
            "plan": self.plan.to_dict(),
            "variant_interpretation": self.variant,
            "sections": [s.to_dict() for s in self.sections],
            "provenance": self.provenance,
            "trials": self.trials.to_dict() if self.trials else None,
        }


def _length(v: HgvsVariant) -> tuple[int, bool]:
    """Bases the variant spans on the reference, and whether that is exact.

    Without the genome, ends in introns (``c.93+10_94-10del``) give only a lower bound: the
    introns' lengths are not known."""
    start, end = getattr(v.start, "base", v.start), getattr(v.end, "base", v.end)
    offsets = (getattr(v.start, "offset", 0) or 0, getattr(v.end, "offset", 0) or 0)
    known = offsets == (0, 0) or (start == end and v.start == v.end)
    span = abs(int(end) - int(start)) + 1 if isinstance(start, int) and isinstance(end, int) else 1
    if not known and start == end:  # both ends in one intron: the offsets measure the span
        span = abs(offsets[1] - offsets[0]) + 1
        known = True
    return max(span, len(v.edit.ref), len(v.edit.alt), 1), known


def _facts(
    text: str, gene: str, ag: AnnotatedGenome
) -> tuple[VariantFacts, VariantInterpretation | None]:
    """Interpret on the genome when it holds the gene; else parse the HGVS text only."""
    has_gene = _has_gene(ag, gene)
    if is_uncertain_hgvs(text):  # exon deletions/duplications: on the exon table/annotation
        tx = ag.gene(gene).canonical if has_gene else None
        return uncertain_variant_facts(text, gene, transcript=tx), None
    parsed = parse_hgvs(text, gene=gene)
    if not has_gene:
        hgvs = f"{gene}:{format_hgvs(parsed, with_gene=False)}"
        length, known = _length(parsed)
        return VariantFacts(
            hgvs, _KINDS[parsed.edit.kind], parsed.edit.ref, parsed.edit.alt, length,
            length_known=known,
        ), None  # fmt: skip
    r = interpret_variant(text, gene=gene, genome=ag)
    p = r.consequence.protein
    facts = VariantFacts(
        hgvs=r.hgvs_c,
        kind=_KINDS[r.normalized.kind],
        ref=r.parsed.edit.ref,
        alt=r.parsed.edit.alt,
        length_bp=max(len(r.normalized.change.ref), len(r.normalized.change.alt), 1),
        consequence=r.consequence.label,
        protein=p.hgvs if p else "",
        legacy=(p.legacy or "") if p else "",
        interpreted=True,
    )
    return facts, r


def _annotation_genes(ag: AnnotatedGenome) -> tuple[str, ...]:
    """Gene names of the annotation in use (symbols newer than vivo's HGNC snapshot count)."""
    return tuple(ag.annotation.names())


def _has_gene(ag: AnnotatedGenome, gene: str) -> bool:
    try:
        ag.gene(gene)
    except VivoError:
        return False
    return True


def _question(
    req: PlanRequest, ag: AnnotatedGenome
) -> tuple[TherapyQuestion, VariantInterpretation | None]:
    texts = tuple(v for v in (req.variant, req.second_variant) if v)
    if req.disease and is_acquired(req.disease):
        # the planner refuses a gene or variant for an acquired disease (one place says why)
        variants = tuple(VariantFacts(t, "unparsed") for t in texts)
        q = TherapyQuestion(
            req.gene.strip(), variants, zygosity=req.zygosity, disease=req.disease,
            tissue=req.tissue, patient=req.patient, genome_name=ag.name,
        )  # fmt: skip
        return q, None
    gene, _ = resolve_gene(req.gene, req.disease, extra=_annotation_genes(ag))
    if req.exons is not None:
        texts = (exon_variant_hgvs(gene, req.exons, req.exon_change),)
    variants = ()
    interp = None
    for text in texts:
        facts, found = _facts(text, gene, ag)
        variants += (facts,)
        interp = interp or found  # designs are made around the first variant
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
    plan: Plan,
    ag: AnnotatedGenome,
    interp: VariantInterpretation | None,
    req: PlanRequest,
    progress: ProgressFn | None,
) -> tuple[SectionResult, ...]:
    inputs = DossierInputs(
        genome=ag,
        variant=interp,
        seed=req.seed,
        offtarget_genome=req.offtarget_genome,
        offtarget_home=req.offtarget_home,
    )
    return build_sections(
        [o for o in plan.feasible if o.designs][: req.max_design_options],
        inputs,
        sequence_available=plan.question.sequence_available,
        progress=progress,
    )


#: ``progress(what, done, total, unit)``: told as the dossier's sections are built
ProgressFn = Callable[[str, int, int, str], None]


def run_plan(req: PlanRequest, *, progress: ProgressFn | None = None) -> PlanResult:
    """Answer a therapy question: interpret, plan, design (engines that exist), with provenance.

    Parameters
    ----------
    req:
        The question; ``genome=None`` uses the bundled beta-globin locus.
    """
    t0 = time.perf_counter()
    _check_offtarget_genome(req)
    ag = resolve_genome(req.genome, req.annotation, home=req.genome_home)
    vcf: dict[str, Any] | None = None
    if req.vcf is not None:
        req, vcf = _variants_from_vcf(req, ag)
    req = _variant_in_gene(req, ag)
    question, interp = _question(req, ag)
    plan = plan_therapy(question)
    sections = _sections(plan, ag, interp, req, progress)
    trials = trials_section(plan, mode=req.trials, api_url=req.trials_api_url)
    provenance = {
        "vivo_version": __version__,
        "planner_version": plan.planner_version,
        "genome": {"name": ag.name, "source": ag.source},
        "seed": req.seed,
        "engines": sorted({f"{s.engine}: {s.status}" for s in sections}),
        "knowledge_sources": "vivo/knowledge/data (SOURCES.md); every row cites its sources",
        "elapsed_s": round(time.perf_counter() - t0, 3),
    }
    if vcf is not None:
        provenance["vcf"] = vcf
    return PlanResult(plan, interp.to_dict() if interp else None, sections, provenance, trials)


def _variants_from_vcf(req: PlanRequest, ag: AnnotatedGenome) -> tuple[PlanRequest, dict[str, Any]]:
    """The request with the VCF's variants (5' to 3') and zygosity in place of the VCF."""
    from dataclasses import replace

    from vivo.workflows.variants import read_patient_vcf

    assert req.vcf is not None
    pv = read_patient_vcf(
        req.vcf, gene=req.gene.strip(), genome=ag, sample=req.sample, assembly=req.assembly
    )
    second = pv.hgvs[1] if len(pv.hgvs) > 1 else None
    new = replace(
        req, vcf=None, sample=None, assembly=None, variant=pv.hgvs[0], second_variant=second,
        zygosity=pv.genotype.zygosity, gene=pv.gene,
    )  # fmt: skip
    return new, pv.to_dict()


def _variant_in_gene(req: PlanRequest, ag: AnnotatedGenome) -> PlanRequest:
    """A GENE that is a whole variant (``HBB:c.20A>T``, ``NM_000518.5:c.20A>T``,
    ``NC_000011.10:g.5227002T>A``) split into the gene and the variant, accessions resolved on
    the genome as `vivo variant` does (:func:`vivo.workflows.variants.split_variant_query`)."""
    from dataclasses import replace

    from vivo.workflows.variants import looks_like_variant_query, split_variant_query

    if req.variant or req.exons is not None or not looks_like_variant_query(req.gene):
        if req.variant and looks_like_variant_query(req.gene):
            raise InputError(
                f"{req.gene!r} is a variant, given where the gene goes, and a variant follows",
                hint="give the gene and its variants (vivo plan HBB c.20A>T c.-78A>G), or one "
                "variant alone (vivo plan NM_000518.5:c.20A>T)",
            )
        return req
    found = split_variant_query(req.gene, ag)
    assert found is not None
    return replace(req, gene=found[0], variant=found[1])


def _check_offtarget_genome(req: PlanRequest) -> None:
    """An unknown ``--offtarget-genome`` is an error before any work (never a silent fallback)."""
    if not req.offtarget_genome:
        return
    from vivo.workflows.genome_index import genomes_home, list_genomes

    names = sorted({info.name for info in list_genomes(req.offtarget_home)})
    if req.offtarget_genome not in names:
        home = genomes_home(req.offtarget_home)
        raise InputError(
            f"no indexed genome {req.offtarget_genome!r} in {home}",
            hint=f"installed: {', '.join(names)}"
            if names
            else (f"build one first: vivo genome add {req.offtarget_genome} GENOME.fa.gz"),
        )


def default_out_dir(req: PlanRequest) -> str:
    """A default output folder named after the query, e.g. ``vivo-plan-HBB-c.20A_T``."""
    parts = [req.gene or req.disease or "", *(v for v in (req.variant, req.second_variant) if v)]
    if req.exons:
        parts.append(f"exons{req.exons}{req.exon_change}")
    if req.vcf:
        from vivo.workflows.variants import vcf_label

        parts.append(vcf_label(req.vcf))
    name = "-".join(re.sub(r"[^A-Za-z0-9.+-]+", "_", p.strip()) for p in parts if p.strip())
    return f"vivo-plan-{name[:80] or 'query'}"


def write_dossier(
    result: PlanResult, out_dir: str | Path, *, force: bool = False
) -> dict[str, str]:
    """Write ``plan.json`` and ``report.html`` into ``out_dir`` as one transaction.

    The folder is staged next to ``out_dir`` and moved into place only when both files are
    written and ``plan.json`` validates; an existing dossier is replaced only with ``force``.
    """
    from vivo.reports.dossier import render_html
    from vivo.reports.schema import validate_plan

    data = result.to_dict()
    validate_plan(data)
    text = json.dumps(data, indent=2, default=str, allow_nan=False) + "\n"
    html = render_html(data)
    names = {"plan_json": "plan.json", "report_html": "report.html"}
    with atomic_dir(out_dir, force=force) as stage:
        (stage / names["plan_json"]).write_text(text, encoding="utf-8")
        (stage / names["report_html"]).write_text(html, encoding="utf-8")
    return {k: str(Path(out_dir) / v) for k, v in names.items()}
