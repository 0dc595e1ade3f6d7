"""Plans for acquired diseases (cancers, GvHD, type 1 diabetes): cell products by label.

There is no germline genotype to resolve: the question is which approved cell products (CAR-T,
TCR-T, TIL, MSC, islets) the patient's disease and label population allow, and what the
established non-cellular comparators are. Each option comes from a label row of
``vivo/knowledge/data/acquired.toml`` (population, age bounds, required prior lines, CRS and
neurotoxicity rates), the product's status and safety signals weigh its precedent, and an
option whose label population excludes the patient is ruled out with the reason.
"""

from __future__ import annotations

from vivo.cells.car import list_binders
from vivo.knowledge.acquired import AcquiredDisease, LabelTherapy, therapies_for
from vivo.knowledge.products import Product, get_product, load_products
from vivo.knowledge.sources import Source
from vivo.planning.evidence import best_level_score, product_precedent
from vivo.planning.plan import (
    DecisionStep,
    DeliveryMode,
    Family,
    Option,
    Plan,
    Precedent,
    Risk,
    TherapyQuestion,
)
from vivo.planning.requests import CarDesign, DesignRequest, DoseDesign, SimulationDesign
from vivo.planning.strategies import rank_options
from vivo.planning.strategies._common import finish_option

__all__ = ["CELL_KINDS", "COMPARATOR_PENALTY", "plan_acquired"]

#: label-row kinds that are cell products (the rest are comparators)
CELL_KINDS = frozenset({"car_t", "tcr_t", "til", "msc", "islet", "allo_hsct"})
#: vivo plans cell and gene therapies; non-cellular immunotherapies are listed for comparison
#: and ranked after the cell products with an approved label for the same population
COMPARATOR_PENALTY = 10.0
#: CAR-T products with a calibrated kinetics model (vivo.workflows.simulate)
_CAR_T_MODELS = frozenset({"Kymriah", "Breyanzi", "Yescarta"})
_KIND_WORDS = {
    "car_t": "CAR-T cells",
    "tcr_t": "TCR-engineered T cells",
    "til": "tumour-infiltrating lymphocytes",
    "msc": "mesenchymal stromal cells",
    "islet": "allogeneic pancreatic islet cells",
    "allo_hsct": "allogeneic HSC transplantation",
    "bispecific": "bispecific T-cell engager",
    "antibody": "monoclonal antibody",
    "cytokine": "cytokine",
    "small_molecule": "small molecule",
}


def _label_gaps(t: LabelTherapy, q: TherapyQuestion) -> tuple[str, list[str]]:
    """Why the label excludes the patient ('' if it does not; the decision is
    :meth:`LabelTherapy.admits`) and the checks still to make for facts not given."""
    age, lines = q.patient.age_years, q.patient.prior_lines
    lo = f"{t.min_age_years:g}" if t.min_age_years is not None else "0"
    hi = f"{t.max_age_years:g}" if t.max_age_years is not None else "no upper limit"
    checks = []
    if age is None and (t.min_age_years is not None or t.max_age_years is not None):
        checks.append(f"label ages {lo} to {hi} years: give --age")
    if lines is None and t.min_prior_lines:
        checks.append(
            f"label requires at least {t.min_prior_lines} prior line(s): give --prior-lines"
        )
    if not t.admits(age_years=age):
        return f"age {age:g} years is outside the label population ({lo} to {hi})", checks
    if not t.admits(prior_lines=lines):
        return (
            f"{lines} prior line(s) of therapy; the label requires at least {t.min_prior_lines}",
            checks,
        )
    return "", checks


def _scope_word(t: LabelTherapy) -> str:
    return (
        "cited evidence (a published cohort, not a label)"
        if t.kind == "allo_hsct"
        else ("label population")
    )


def _risks(t: LabelTherapy) -> tuple[Risk, ...]:
    out = []
    if t.crs_any_pct is not None:
        g3 = f", grade 3 or higher {t.crs_grade3_pct:g}%" if t.crs_grade3_pct is not None else ""
        severe = (t.crs_grade3_pct or 0) >= 10
        out.append(
            Risk(
                "cytokine_release",
                "high" if severe else "medium",
                f"Cytokine release syndrome: {t.crs_any_pct:g}% any grade{g3} (label).",
            )
        )
    if t.icans_any_pct is not None:
        g3 = (
            f", grade 3 or higher {t.icans_grade3_pct:g}%" if t.icans_grade3_pct is not None else ""
        )
        severe = (t.icans_grade3_pct or 0) >= 10
        out.append(
            Risk(
                "neurotoxicity",
                "high" if severe else "medium",
                f"Neurologic toxicity (ICANS): {t.icans_any_pct:g}% any grade{g3} (label).",
            )
        )
    return tuple(out)


def _product(t: LabelTherapy) -> Product | None:
    if t.kind not in CELL_KINDS:
        return None
    try:
        return get_product(t.name)
    except Exception:
        return next((p for p in load_products() if p.brand.startswith(t.name)), None)


def _precedent(t: LabelTherapy, product: Product | None) -> Precedent:
    if product is not None:
        return product_precedent(product)
    sources = tuple(Source(s.key, s.url) for s in t.sources)
    if t.kind == "allo_hsct":  # an established procedure, not a licensed product
        return Precedent(
            t.name, "established", f"{t.population} ({t.verified}, as of {t.label_as_of})",
            sources, status="established standard of care (published cohort)",
            as_of=t.label_as_of,
        )  # fmt: skip
    return Precedent(
        t.name,
        "approved",
        f"{t.population} ({t.verified}, label as of {t.label_as_of}); safety signals of "
        "comparators are not curated in vivo (see the label's boxed warnings)",
        sources,
        status=f"approved (label as of {t.label_as_of})",
        as_of=t.label_as_of,
    )


def _car_spec(product: Product, target: str) -> dict[str, str | None]:
    """Binder, leader, hinge, TM, costimulation, co-expressed tag and vector family of an
    approved CAR-T product, read from its knowledge-base row (``CD19 (FMC63 scFv; GM-CSFRa
    leader; IgG4 hinge; CD28 TM; 4-1BB/CD3z; EGFRt)``); unnamed parts take the defaults."""
    text = product.target
    costim = "CD28" if "CD28/CD3z" in text else "4-1BB"
    hinge = "IgG4-short" if "IgG4" in text else ("CD28" if costim == "CD28" else "CD8a")
    words = f"{text} {product.generic}".lower()
    generic = product.generic.lower()
    binder = next(
        (
            b.name
            for b in list_binders(target=target)
            if b.name.lower() in words or (generic and generic in b.notes.lower())
        ),
        None,
    )
    return {
        "binder": binder,
        "leader": "GM-CSFRa" if "GM-CSFRa leader" in text else "CD8a",
        "hinge": hinge,
        "tm": "CD28" if "CD28 TM" in text else None,
        "costim": costim,
        "safety_switch": "EGFRt" if "EGFRt" in text else "none",
        "vector": "gamma-retrovirus" if product.vector_class == "gRV" else "lentivirus",
    }


def _designs(
    t: LabelTherapy, product: Product | None, q: TherapyQuestion, disease: str
) -> tuple[DesignRequest, ...]:
    if t.kind != "car_t" or product is None:
        return ()
    out: list[DesignRequest] = []
    if t.target:
        out.append(
            CarDesign(
                purpose=f"a {t.target} CAR with the architecture of {t.name}",
                gene=t.target, target=t.target, product=t.name,
                **_car_spec(product, t.target),  # type: ignore[arg-type]
            )
        )  # fmt: skip
    out.append(
        DoseDesign(
            purpose=f"{t.name}: label dose at the patient's weight",
            gene=t.target or t.name, product=t.name, indication=disease,
            weight_kg=q.patient.weight_kg, age_years=q.patient.age_years,
        )
    )  # fmt: skip
    if t.name in _CAR_T_MODELS:
        out.append(
            SimulationDesign(
                purpose=f"{t.name}: CAR-T expansion and persistence in a virtual population",
                gene=t.target or t.name, kind="car-t", product=t.name,
                weight_kg=q.patient.weight_kg,
            )
        )  # fmt: skip
    return tuple(out)


def _option(t: LabelTherapy, q: TherapyQuestion, disease: AcquiredDisease) -> Option:
    cell = t.kind in CELL_KINDS
    family: Family = "cell" if cell else "comparator"
    delivery: DeliveryMode = "ex_vivo" if cell else "in_vivo"
    oid = f"{'cell' if cell else 'comparator'}-{t.name.lower().replace(' ', '-')}"
    product = _product(t)
    title = f"{t.name} ({_KIND_WORDS.get(t.kind, t.kind)}{', ' + t.target if t.target else ''})"
    excluded, checks = _label_gaps(t, q)
    vehicle = "none"
    if product is not None and t.kind in ("car_t", "tcr_t"):
        vehicle = product.vector_class or "none"
    if excluded:
        return Option(
            id=oid, title=title, family=family, delivery=delivery, vehicle=vehicle,
            editor="", cell_source=t.cell_source, feasibility="impossible", score=0.0,
            rationale=(f"Label population: {t.population}.",),
            reason_impossible=f"Outside the {_scope_word(t)}: {excluded}.",
        )  # fmt: skip
    precedent = _precedent(t, product)
    rationale = [f"Label population: {t.population}.", *checks]
    if not cell:
        rationale.append(
            "A non-cellular comparator: vivo plans cell and gene therapies and lists the "
            "established alternatives for comparison (ranked after the cell products)."
        )
    opt = Option(
        id=oid, title=title, family=family, delivery=delivery, vehicle=vehicle, editor="",
        cell_source=t.cell_source, feasibility="possible", score=0.0,
        rationale=tuple(rationale), precedents=(precedent,), risks=_risks(t),
        designs=_designs(t, product, q, disease.name),
    )  # fmt: skip
    score = best_level_score((precedent,)) - (0.0 if cell else COMPARATOR_PENALTY)
    return finish_option(opt, score)


def _options(q: TherapyQuestion, disease: AcquiredDisease) -> list[Option]:
    """One option per product: the first label row whose population includes the patient
    (Yescarta second line or third line), else the first row, ruled out with its reason."""
    by_name: dict[str, list[Option]] = {}
    for t in therapies_for(disease.name):
        by_name.setdefault(t.name, []).append(_option(t, q, disease))
    return [
        next((o for o in opts if o.feasibility != "impossible"), opts[0])
        for opts in by_name.values()
    ]


def plan_acquired(q: TherapyQuestion, disease: AcquiredDisease, version: str) -> Plan:
    """The ranked cell products (and comparators) for an acquired ``disease``."""
    options = rank_options(_options(q, disease))
    top = next((o for o in options if o.feasibility != "impossible"), None)
    age = f"{q.patient.age_years:g} years" if q.patient.age_years is not None else "age not given"
    lines = (
        f"{q.patient.prior_lines} prior line(s)"
        if q.patient.prior_lines is not None
        else "prior lines not given"
    )
    steps = (
        DecisionStep(
            "disease",
            "Which disease?",
            f"{disease.name} ({disease.kind}, acquired)",
            f"{disease.summary} An acquired disease: no germline genotype decides the plan; "
            "the label populations of the approved products do.",
        ),
        DecisionStep(
            "indication",
            "Which label populations include the patient?",
            f"{age}, {lines}",
            f"{sum(o.feasibility != 'impossible' for o in options)} of {len(options)} labelled "
            "therapies include the patient; the others are ruled out with the reason.",
        ),
        DecisionStep(
            "family",
            "Which kind of therapy?",
            top.title if top else "no labelled therapy for this patient",
            top.rationale[0] if top else "Every label excludes the patient (see the options).",
        ),
    )
    notes = [
        "Label populations and CRS/neurotoxicity rates come from the prescribing information "
        "(each row says how it was verified and as of when).",
    ]
    not_covered = (
        "Treatment sequencing, eligibility beyond age and prior lines (performance status, "
        "organ function, prior CAR-T or BCMA exposure), and non-cellular standard therapy are "
        "for the treating team; vivo lists labelled options only.",
        "Clinical trials do not enter the ranking; the dossier lists ClinicalTrials.gov "
        "studies for the disease (vivo trials; vivo plan --trials).",
    )
    return Plan(
        q, None, steps, options, tuple(notes), version,
        genotype=None, indication="therapy", not_covered=not_covered, acquired=disease,
    )  # fmt: skip
