"""The decision flow: mechanism → strategy family → delivery → vector/editor → cell source.

A pure function from a :class:`TherapyQuestion` to a :class:`Plan`.

>>> from vivo.planning.plan import TherapyQuestion, VariantFacts
>>> v = VariantFacts("HBB:c.20A>T", "substitution", "A", "T", protein="p.Glu7Val")
>>> plan = plan_therapy(TherapyQuestion("HBB", (v,), disease="sickle cell disease"))
>>> plan.top.id, [s.key for s in plan.steps][:3]
('induce-hbf-ex-vivo-editing', ['disease', 'variant', 'genotype'])
"""

from __future__ import annotations

import difflib
from dataclasses import replace

from vivo.core.errors import InputError
from vivo.knowledge.acquired import get_acquired_disease, is_acquired, load_acquired
from vivo.knowledge.diseases import Disease, diseases_for_gene, get_disease, load_diseases
from vivo.knowledge.genes import lookup_gene, suggest_genes
from vivo.knowledge.products import load_products
from vivo.knowledge.targets import therapeutic_target
from vivo.planning.acquired import plan_acquired
from vivo.planning.context import Context, classify_tissue, make_context, validate_tissue
from vivo.planning.genotype import Genotype, call_genotype
from vivo.planning.plan import DecisionStep, Indication, Option, Plan, TherapyQuestion
from vivo.planning.strategies import build_options
from vivo.planning.strategies.cells import HSCT_EVIDENCE
from vivo.planning.strategies.rna import RNA_GOALS, RNA_ROUTE
from vivo.variants.inheritance import offspring_risk

__all__ = [
    "PLANNER_VERSION",
    "check_scope",
    "normalize_gene",
    "plan_therapy",
    "resolve_disease",
    "resolve_gene",
]

PLANNER_VERSION = "2.1"

_FAMILY_WORDS = {
    "add": "add a working gene",
    "silence": "silence or knock out",
    "correct": "correct the variant",
    "induce": "induce a compensating gene",
    "cell": "give healthy donor cells",
}
_DELIVERY_WHY = {
    "blood": "Blood stem cells can be collected, modified outside the body and returned after "
    "conditioning (ex vivo); in vivo vectors do not reach them reliably.",
    "liver": "Hepatocytes cannot be taken out and returned, but AAV and lipid nanoparticles "
    "reach them from the bloodstream (in vivo).",
    "retina": "The retina is small and enclosed: a local subretinal injection reaches it in vivo.",
    "cns": "Neurons must be reached in place (in vivo), by systemic AAV9 or local infusion.",
    "muscle": "Muscle is the largest organ; only systemic in vivo delivery reaches enough of it.",
    "skin": "Skin cells can be grown into sheets ex vivo, or treated topically in vivo.",
    "other": "No tissue-specific rule; in vivo delivery assumed.",
}


def _known_genes() -> tuple[str, ...]:
    """Genes the knowledge base names (disease genes, compensating genes, product targets)."""
    genes = {g for d in load_diseases() for g in (*d.genes, *d.compensating_genes)}
    genes |= {g for p in load_products() for g in p.target_genes}
    return tuple(sorted(genes))


def _coverage() -> str:
    return "; ".join(f"{d.name} ({', '.join(d.genes)})" for d in load_diseases())


def normalize_gene(gene: str, *, extra: tuple[str, ...] = ()) -> tuple[str, str]:
    """The approved symbol for ``gene`` and a note when an alias was given.

    Unknown symbols raise :class:`InputError` with a did-you-mean (``HBBB`` → ``HBB``).
    """
    text = gene.strip()
    if not text:
        raise InputError(
            "no gene given",
            hint="e.g. vivo plan HBB 'c.20A>T', or vivo plan --disease 'multiple myeloma' for "
            "an acquired disease",
        )
    known = (*_known_genes(), *extra)
    rec = lookup_gene(text, extra=known)
    if rec is None:
        close = suggest_genes(text, extra=known)
        hint = (
            f"did you mean {', '.join(close)}?"
            if close
            else ("give an HGNC gene symbol; vivo plans " + _coverage())
        )
        raise InputError(f"unknown gene {text!r}: not an HGNC gene symbol", hint=hint)
    if rec.matched_via in ("previous symbol", "alias"):
        return rec.symbol, f"{text} is a {rec.matched_via} of {rec.symbol} (HGNC)."
    return rec.symbol, ""


def resolve_gene(gene: str, disease: str | None, *, extra: tuple[str, ...] = ()) -> tuple[str, str]:
    """The approved symbol of ``gene``, or the gene of a single-gene ``disease`` when no gene
    is given (``vivo plan --disease 'sickle cell disease'`` plans HBB); and a note."""
    if gene.strip() or not disease:
        return normalize_gene(gene, extra=extra)
    named = _known_disease(disease)
    if len(named.genes) != 1:
        raise InputError(
            f"{named.name} is caused by several genes ({', '.join(named.genes)})",
            hint="give the patient's gene",
        )
    return named.genes[0], f"Gene {named.genes[0]} from the disease {named.name}."


def _known_disease(name: str) -> Disease:
    """A monogenic disease by name; an unknown name lists the closest of every disease vivo
    plans (monogenic and acquired)."""
    try:
        return get_disease(name)
    except InputError:
        names = [d.name for d in load_diseases()] + [d.name for d in load_acquired()]
        close = difflib.get_close_matches(name.lower(), [n.lower() for n in names], n=3,
                                          cutoff=0.5)  # fmt: skip
        pick = [n for n in names if n.lower() in close]
        raise InputError(
            f"no disease named {name!r} in vivo's knowledge base",
            hint=f"did you mean {', '.join(pick)}?" if pick else f"vivo plans: {', '.join(names)}",
        ) from None


def check_scope(q: TherapyQuestion) -> None:
    """Refuse what vivo does not know, with what it can do instead (never a confident guess)."""
    target = therapeutic_target(q.gene)
    if target is not None and not (q.disease and q.gene in get_disease(q.disease).genes):
        hint = target.plan_instead or (
            "vivo does not plan this kind of disease yet; it plans " + _coverage()
        )
        raise InputError(target.explanation(), hint=hint)
    if not q.disease and not diseases_for_gene(q.gene):
        raise InputError(
            f"vivo has no curated disease caused by {q.gene}",
            hint=f"vivo plans: {_coverage()}; pass --disease NAME for one of these genes",
        )
    if q.zygosity != "unknown" and not q.variants:
        raise InputError("--zygosity needs a variant", hint="give the patient's variant(s)")


def resolve_disease(q: TherapyQuestion) -> tuple[Disease | None, Genotype | None]:
    """The disease and the patient's genotype, in this order of evidence.

    1. ``--disease`` (it must involve the gene); 2. the curated genotype table (HBB: HbSS,
    HbSC, HbS/beta0, beta0/beta0 …); 3. the predicted consequence (a null allele is beta0 in HBB);
    4. the gene's only disease. Otherwise an :class:`InputError` lists the candidates.
    """
    explicit = None
    if q.disease:
        explicit = _known_disease(q.disease)
        if q.gene.upper() not in explicit.genes:
            raise InputError(
                f"{explicit.name} is caused by {', '.join(explicit.genes)}, not {q.gene}",
                hint="check the gene symbol or the --disease name",
            )
    candidates = diseases_for_gene(q.gene)
    known = explicit or (candidates[0] if len(candidates) == 1 else None)
    genotype = None
    if q.variants:
        genotype = call_genotype(
            q.gene, q.variants, zygosity=q.zygosity, sex=q.patient.sex, disease=known
        )
        if known is None and genotype.disease:
            known = get_disease(genotype.disease)
        if genotype.status in ("carrier", "not_indicated"):
            return known, genotype
    if known is None:
        names = " or ".join(f"--disease {d.name!r}" for d in candidates)
        why = (
            f"{', '.join(v.hgvs for v in q.variants)} is not a curated allele and its predicted "
            "consequence does not say which"
            if q.variants
            else "no variant given, so the genotype cannot say which"
        )
        raise InputError(
            f"{q.gene} causes several diseases ({', '.join(d.name for d in candidates)}); {why}",
            hint=f"pass {names}",
        )
    return known, genotype


def _disease_step(disease: Disease, q: TherapyQuestion, g: Genotype | None) -> DecisionStep:
    others = tuple(d.name for d in diseases_for_gene(q.gene) if d != disease)
    how = (
        "named by --disease"
        if q.disease
        else f"from the genotype ({g.name})"
        if g and g.disease
        else f"the only disease in vivo's knowledge base caused by {q.gene}"
    )
    return DecisionStep(
        "disease",
        "Which disease, and how does the variant cause it?",
        f"{disease.name}: {disease.mechanism.replace('_', ' ')}, "
        f"{disease.inheritance.replace('_', ' ')}",
        f"Disease {how}. {disease.mechanism_note}",
        others,
    )


def _genotype_step(q: TherapyQuestion, g: Genotype | None) -> DecisionStep:
    question = "Which alleles does the patient carry, and is the patient affected?"
    if g is None:
        return DecisionStep(
            "genotype",
            question,
            "not given: the patient is assumed affected",
            "No variant was given, so the genotype is not known; the plan assumes the patient "
            "has the disease (confirm it genetically before treatment).",
        )
    alleles = "; ".join(f"{a.hgvs}: {a.name} ({a.allele_class}, {a.basis})" for a in g.alleles)
    return DecisionStep(
        "genotype",
        question,
        f"{g.name}: {g.status.replace('_', ' ')}"
        + (f" (assumed {g.zygosity.replace('_', ' ')})" if g.zygosity_assumed else ""),
        f"{g.explanation} Alleles: {alleles}.",
    )


def _variant_step(q: TherapyQuestion) -> DecisionStep:
    if not q.variants:
        return DecisionStep(
            "variant",
            "What does the variant change?",
            "no variant given",
            "Without a variant only gene-level strategies can be planned.",
        )
    parts = []
    for v in q.variants:
        effect = ", ".join(
            x for x in (v.protein, v.legacy and f"legacy {v.legacy}", v.consequence) if x
        )
        parts.append(f"{v.hgvs} ({effect or v.kind})")
    interpreted = all(v.interpreted for v in q.variants)
    how = (
        "interpreted on the genome in use"
        if interpreted
        else "parsed from HGVS only (the genome in use lacks the gene, so the reference base and "
        "protein effect are not checked)"
    )
    return DecisionStep(
        "variant",
        "What does the variant change?",
        "; ".join(parts),
        f"The variant{'s were' if len(parts) > 1 else ' was'} {how}.",
    )


def _family_step(ctx: Context, options: tuple[Option, ...]) -> DecisionStep:
    top = next((o for o in options if o.feasibility != "impossible"), None)
    blocked = sorted(
        {f"{o.family}: {o.reason_impossible}" for o in options if o.feasibility == "impossible"}
    )
    answer = RNA_GOALS.get(top.id, _FAMILY_WORDS[top.family]) if top else "no feasible strategy"
    if top is not None and top.id.startswith("rna-"):
        answer += f" (RNA: {top.editor})"
    why = top.rationale[0] if top else "Every strategy is blocked (see the options)."
    return DecisionStep(
        "family",
        "Add, silence, correct, or induce a compensating gene?",
        answer,
        why,
        tuple(blocked),
    )


def _delivery_steps(ctx: Context, top: Option | None) -> tuple[DecisionStep, ...]:
    if top is None:
        return ()
    editor = f" with {top.editor}" if top.editor else ""
    if top.family == "cell":
        delivery_why = (
            "A cell therapy: healthy donor cells are collected, processed outside the body and "
            "infused after conditioning; nothing is modified in the patient's own cells."
        )
        cells_why = (
            "Donor cells: the patient's blood system is replaced, with the risks of rejection "
            "and graft-versus-host disease; an HLA-identical sibling gives the best outcomes."
        )
    elif top.delivery == "ex_vivo":
        delivery_why = _DELIVERY_WHY[ctx.tissue]
        cells_why = (
            "The patient's own cells: no donor, no rejection or graft-versus-host disease; an "
            "allogeneic transplant from a matched donor is the non-genetic alternative."
        )
    elif top.id.startswith("rna-"):
        delivery_why = (
            "An oligonucleotide acts on RNA inside the patient's cells (in vivo); "
            + RNA_ROUTE[ctx.tissue][1]
        )
        cells_why = (
            "No cells are taken out and no DNA is changed: the oligonucleotide is re-dosed "
            "to keep its effect."
        )
    else:
        delivery_why = _DELIVERY_WHY[ctx.tissue]
        cells_why = (
            "No cells are taken out: the vector or editor modifies the patient's cells in place."
        )
    return (
        DecisionStep(
            "delivery", "In vivo or ex vivo?", top.delivery.replace("_", " "), delivery_why
        ),
        DecisionStep(
            "vehicle", "Which vector or editor?", f"{top.vehicle}{editor}", top.rationale[-1]
        ),
        DecisionStep("cell_source", "Which cells?", top.cell_source, cells_why),
    )


def _notes(ctx: Context, q: TherapyQuestion, gene_note: str) -> tuple[str, ...]:
    notes = [gene_note] if gene_note else []
    if not q.sequence_available:
        notes.append(
            f"The genome in use ({q.genome_name or 'none'}) does not contain {ctx.gene}: "
            f"the flow is walked, but designs need the {ctx.needs_text()}."
        )
    if ctx.disease and ctx.disease.threshold:
        notes.append(f"Therapeutic threshold: {ctx.disease.threshold}")
    return tuple(notes)


def _not_covered(ctx: Context) -> tuple[str, ...]:
    """What this plan did not consider, and why (shown in the dossier)."""
    out = []
    if ctx.tissue == "blood":
        out.append(
            "Allogeneic HSC transplantation from matched unrelated, haploidentical or cord-blood "
            "donors is not ranked (only HLA-identical siblings are"
            + (
                ")."
                if ctx.disease and ctx.disease.name in HSCT_EVIDENCE
                else ", and only for SCD, beta-thalassemia, ADA-SCID and cerebral ALD)."
            )
        )
    out.append(
        "RNA therapies are ranked where their rule applies (knockdown of a gain-of-function or "
        "dominant gene, SMN2 exon inclusion, DMD exon skipping, drug-target knockdown with an "
        "approved drug for the disease); small-molecule splicing modifiers are "
        "not considered."
    )
    out.append(
        "Non-genetic standard care (transfusion, chelation, hydroxyurea, factor replacement, "
        "enzyme replacement …) is outside vivo's scope and is not compared."
    )
    out.append(
        "Clinical trials do not enter the ranking; the dossier lists ClinicalTrials.gov studies "
        "for the disease (vivo trials; vivo plan --trials)."
    )
    return tuple(out)


def _no_therapy_plan(
    q: TherapyQuestion, disease: Disease | None, g: Genotype, gene_note: str
) -> Plan:
    """A carrier report (or a genotype that needs no gene therapy): no options are ranked."""
    steps = [_variant_step(q), _genotype_step(q, g)]
    notes = [gene_note] if gene_note else []
    if g.status == "carrier":
        x_linked = disease is not None and disease.inheritance == "x_linked_recessive"
        mode = "x-recessive" if x_linked else "recessive"
        risk = (
            offspring_risk(mode, mother="carrier", father="unaffected")
            if x_linked
            else (offspring_risk(mode, mother="carrier", father="carrier"))
        )
        partner = "with an unaffected partner" if x_linked else "if the partner is also a carrier"
        steps.append(
            DecisionStep(
                "indication",
                "Is a therapy indicated?",
                "no: carrier",
                f"{g.name}: {g.phenotype}. "
                + (
                    "Heterozygous women are carriers of an X-linked disease; some develop "
                    "symptoms (check the relevant activity and organs); no gene or cell therapy "
                    "is indicated on the genotype alone."
                    if x_linked
                    else "Carriers of an autosomal recessive allele are healthy; no gene or "
                    "cell therapy is indicated."
                ),
            )
        )
        flat = "; ".join(line.strip() for line in risk.explanation.splitlines() if line.strip())
        notes.append(f"Offspring risk {partner}: {flat}")
    else:
        steps.append(
            DecisionStep(
                "indication",
                "Is a therapy indicated?",
                "no: no gene therapy indicated",
                f"{g.name}: {g.phenotype}.",
            )
        )
    indication: Indication = "carrier" if g.status == "carrier" else "not_indicated"
    return Plan(
        q, disease, tuple(steps), (), tuple(notes), PLANNER_VERSION,
        genotype=g, indication=indication,
        not_covered=("No strategy is ranked: the genotype does not call for therapy.",),
    )  # fmt: skip


def _plan_acquired(question: TherapyQuestion) -> Plan:
    """An acquired disease (no germline genotype): the label populations decide."""
    disease = get_acquired_disease(question.disease or "")
    given = [
        name
        for name, value in (
            ("a gene", question.gene.strip()),
            ("a germline variant", question.variants),
            ("--zygosity", question.zygosity != "unknown"),
            ("--tissue", question.tissue),
        )
        if value
    ]
    if given:
        raise InputError(
            f"{disease.name} is an acquired disease, planned from label populations: "
            f"drop {' and '.join(given)}",
            hint=f"vivo plan --disease {disease.name!r} --age YEARS --prior-lines N",
        )
    plan = plan_acquired(question, disease, PLANNER_VERSION)
    p = question.patient
    unused = [
        name
        for name, value in (("--anti-aav", p.anti_aav_antibodies), ("--sex", p.sex != "unknown"))
        if value
    ]
    if unused:
        note = f"Not used for {disease.name}: {', '.join(unused)}."
        plan = replace(plan, notes=(*plan.notes, note))
    return plan


def plan_therapy(question: TherapyQuestion) -> Plan:
    """Walk the decision flow for ``question`` and rank every option.

    Parameters
    ----------
    question:
        Gene, variant facts, zygosity, disease (optional: resolved from the genotype), tissue
        override and patient facts.

    Returns
    -------
    Plan
        The steps walked, all options ranked (impossible ones last, with reasons), the
        genotype, notes and what was not covered; for a carrier, a carrier report (no options).

    Raises
    ------
    InputError
        Unknown gene, a gene vivo has no disease for, a drug target given as the gene,
        contradictory genotype input, an unknown tissue, or a disease the genotype cannot name.
    """
    if question.disease and is_acquired(question.disease):
        return _plan_acquired(question)
    gene, gene_note = resolve_gene(question.gene, question.disease)
    q = replace(question, gene=gene)
    if q.tissue is not None:
        q = replace(q, tissue=validate_tissue(q.tissue))
    check_scope(q)
    disease, genotype = resolve_disease(q)
    if genotype is not None and genotype.status in ("carrier", "not_indicated"):
        return _no_therapy_plan(q, disease, genotype, gene_note)
    assert disease is not None  # resolve_disease raises otherwise
    if q.tissue and classify_tissue(q.tissue) != classify_tissue(disease.target_tissue):
        raise InputError(
            f"--tissue {q.tissue!r} contradicts {disease.name}, whose target tissue is "
            f"{disease.target_tissue}",
            hint="drop --tissue (the disease record sets it)",
        )
    ctx = make_context(q, disease)
    options = build_options(ctx)
    top = next((o for o in options if o.feasibility != "impossible"), None)
    steps = (
        _disease_step(disease, q, genotype),
        _variant_step(q),
        _genotype_step(q, genotype),
        _family_step(ctx, options),
        *_delivery_steps(ctx, top),
    )
    return Plan(
        q, disease, steps, options, _notes(ctx, q, gene_note), PLANNER_VERSION,
        genotype=genotype, indication="therapy", not_covered=_not_covered(ctx),
    )  # fmt: skip
