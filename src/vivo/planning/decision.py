"""The decision flow: mechanism → strategy family → delivery → vector/editor → cell source.

A pure function from a :class:`TherapyQuestion` to a :class:`Plan`.

>>> from vivo.planning.plan import TherapyQuestion, VariantFacts
>>> v = VariantFacts("HBB:c.20A>T", "substitution", "A", "T", protein="p.Glu7Val")
>>> plan = plan_therapy(TherapyQuestion("HBB", (v,), disease="sickle cell disease"))
>>> plan.top.id, [s.key for s in plan.steps][:3]
('induce-hbf-ex-vivo-editing', ['disease', 'variant', 'family'])
"""

from __future__ import annotations

from vivo.core.errors import InputError
from vivo.knowledge.diseases import Disease, diseases_for_gene, get_disease
from vivo.planning.context import Context, make_context
from vivo.planning.plan import DecisionStep, Option, Plan, TherapyQuestion
from vivo.planning.strategies import build_options

__all__ = ["PLANNER_VERSION", "plan_therapy", "resolve_disease"]

PLANNER_VERSION = "1.0"

_FAMILY_WORDS = {
    "add": "add a working gene",
    "silence": "silence or knock out",
    "correct": "correct the variant",
    "induce": "induce a compensating gene",
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


def resolve_disease(q: TherapyQuestion) -> Disease | None:
    """The disease named in the question, or the first one known for the gene (else None)."""
    if q.disease:
        d = get_disease(q.disease)
        if q.gene.upper() not in d.genes:
            raise InputError(
                f"{d.name} is caused by {', '.join(d.genes)}, not {q.gene}",
                hint="check the gene symbol or the --disease name",
            )
        return d
    known = diseases_for_gene(q.gene)
    return known[0] if known else None


def _disease_step(ctx: Context, q: TherapyQuestion) -> DecisionStep:
    others = tuple(d.name for d in diseases_for_gene(q.gene) if ctx.disease and d != ctx.disease)
    if ctx.disease is None:
        return DecisionStep(
            "disease",
            "Which disease, and how does the variant cause it?",
            f"unknown disease for {ctx.gene}: loss of function assumed",
            "The knowledge base has no disease record for this gene; pass --disease to use one. "
            "Loss of function is the commonest mechanism, so adding or correcting is assumed.",
        )
    d = ctx.disease
    return DecisionStep(
        "disease",
        "Which disease, and how does the variant cause it?",
        f"{d.name}: {d.mechanism.replace('_', ' ')}, {d.inheritance.replace('_', ' ')}",
        d.mechanism_note,
        others,
    )


def _variant_step(q: TherapyQuestion) -> DecisionStep:
    if not q.variants:
        return DecisionStep(
            "variant",
            "What does the variant change?",
            "no variant given",
            "Without a variant only gene-level strategies can be planned.",
        )
    v = q.variants[0]
    effect = ", ".join(
        x for x in (v.protein, v.legacy and f"legacy {v.legacy}", v.consequence) if x
    )
    how = (
        "interpreted on the genome in use"
        if v.interpreted
        else "parsed from HGVS only (the genome in use lacks the gene, so the reference base and "
        "protein effect are not checked)"
    )
    return DecisionStep(
        "variant",
        "What does the variant change?",
        f"{v.hgvs} ({effect or v.kind})",
        f"The variant was {how}.",
    )


def _family_step(ctx: Context, options: tuple[Option, ...]) -> DecisionStep:
    top = next((o for o in options if o.feasibility != "impossible"), None)
    blocked = sorted(
        {f"{o.family}: {o.reason_impossible}" for o in options if o.feasibility == "impossible"}
    )
    answer = _FAMILY_WORDS[top.family] if top else "no feasible strategy"
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
    return (
        DecisionStep(
            "delivery",
            "In vivo or ex vivo?",
            top.delivery.replace("_", " "),
            _DELIVERY_WHY[ctx.tissue],
        ),
        DecisionStep(
            "vehicle", "Which vector or editor?", f"{top.vehicle}{editor}", top.rationale[-1]
        ),
        DecisionStep(
            "cell_source",
            "Which cells?",
            top.cell_source,
            "The patient's own cells: no donor, no rejection or graft-versus-host disease; an "
            "allogeneic transplant from a matched donor is the non-genetic alternative."
            if top.delivery == "ex_vivo"
            else "No cells are taken out: the vector or editor "
            "modifies the patient's cells in place.",
        ),
    )


def _notes(ctx: Context, q: TherapyQuestion) -> tuple[str, ...]:
    notes = []
    if not q.sequence_available:
        notes.append(
            f"The genome in use ({q.genome_name or 'none'}) does not contain {ctx.gene}: "
            f"the flow is walked, but designs need the {ctx.needs_text()}."
        )
    if ctx.disease and ctx.disease.threshold:
        notes.append(f"Therapeutic threshold: {ctx.disease.threshold}")
    if q.patient.age_years is not None and q.patient.age_years < 12 and ctx.tissue == "blood":
        notes.append(
            "The approved ex vivo HSC products for hemoglobinopathies are indicated "
            "from 12 years of age."
        )
    return tuple(notes)


def plan_therapy(question: TherapyQuestion) -> Plan:
    """Walk the decision flow for ``question`` and rank every option.

    Parameters
    ----------
    question:
        Gene, variant facts, disease (optional: looked up from the gene), tissue override and
        patient facts.

    Returns
    -------
    Plan
        The steps walked, all options ranked (impossible ones last, with reasons), and notes.
    """
    if not question.gene.strip():
        raise InputError("no gene given", hint="e.g. vivo plan HBB 'c.20A>T'")
    disease = resolve_disease(question)
    ctx = make_context(question, disease)
    options = build_options(ctx)
    top = next((o for o in options if o.feasibility != "impossible"), None)
    steps = (
        _disease_step(ctx, question),
        _variant_step(question),
        _family_step(ctx, options),
        *_delivery_steps(ctx, top),
    )
    return Plan(question, disease, steps, options, _notes(ctx, question), PLANNER_VERSION)
