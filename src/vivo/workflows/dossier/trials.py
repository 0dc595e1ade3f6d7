"""The dossier's clinical trials section: open trials for the planned disease, under the strategy
each one tests, filtered by the patient's age.

The section never needs the network unless asked: ``mode="cache"`` (the default of
``vivo plan``) reads the answer that ``vivo trials --disease NAME`` cached for the same search,
and without one the section says so (status ``unavailable``) instead of failing;
``mode="online"`` asks ClinicalTrials.gov (and caches the answer); ``mode="off"`` leaves the
section out. A service or cache error becomes a ``failed`` section with the message.

A study goes under the first ranked feasible option that one of these rules matches (the rule is
recorded with the match):

1. ``precedent``: the study names an approved product that is a precedent of the option (e.g. a
   CTX001 / exa-cel study under the option whose precedent is Casgevy);
2. ``modality``: the inferred modality fits the option: nuclease editing under an option that
   edits with a Cas nuclease (not a base or prime editor); base editing under a base-editor
   option; prime editing under a prime-editor option; gene addition under an ``add`` option with
   the same vector class (AAV, lentiviral, retroviral; any ``add`` option when the study names
   none); RNA under an RNA silencing option; CAR-T under a CAR option; other cell therapy under
   a cell option that is not CAR-T.

Studies matching no feasible option are listed as other trials for the disease.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from vivo.core.errors import VivoError
from vivo.knowledge.trials import Study, age_fits
from vivo.planning import Plan
from vivo.planning.plan import Option
from vivo.workflows.trials import TrialsRequest, TrialsResult, find_trials

__all__ = ["TrialMatch", "TrialsMode", "TrialsSection", "match_option", "trials_section"]

TrialsMode = Literal["cache", "online", "off"]
SectionStatus = Literal["ok", "none_found", "unavailable", "failed"]


@dataclass(frozen=True, slots=True)
class TrialMatch:
    """A study and the option it was put under (``None``: no option fits), with the rule."""

    study: Study
    option_id: str | None
    rule: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"option_id": self.option_id, "rule": self.rule, "study": self.study.to_dict()}


@dataclass(frozen=True, slots=True)
class TrialsSection:
    """The trials section of a dossier (``to_dict`` is plan.json's ``trials``)."""

    status: SectionStatus
    message: str
    disease: str
    age_years: float | None = None
    matches: tuple[TrialMatch, ...] = ()
    excluded_by_age: int = 0
    source: str = "none"
    retrieved: str = ""
    age_days: float | None = None
    base_url: str = ""
    notes: tuple[str, ...] = ()

    def for_option(self, option_id: str | None) -> tuple[TrialMatch, ...]:
        """The matches under ``option_id`` (``None``: the unmatched ones)."""
        return tuple(m for m in self.matches if m.option_id == option_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "status": self.status,
            "message": self.message,
            "disease": self.disease,
            "age_years": self.age_years,
            "source": self.source,
            "retrieved": self.retrieved,
            "age_days": None if self.age_days is None else round(self.age_days, 3),
            "base_url": self.base_url,
            "excluded_by_age": self.excluded_by_age,
            "notes": list(self.notes),
            "matches": [m.to_dict() for m in self.matches],
        }


# ---------------------------------------------------------------------------------- matching

_VECTORS = (("AAV", r"\baav|adeno[- ]associated"), ("LV", r"lentivir|lentiglobin|\blv\b"),
            ("RV", r"retrovir"))  # fmt: skip


def _vector_of(study: Study) -> str | None:
    text = " ".join(f"{i.name} {i.description} {' '.join(i.other_names)}"
                    for i in study.interventions).lower()  # fmt: skip
    for name, pattern in _VECTORS:
        if re.search(pattern, text):
            return name
    return None


def _editor(o: Option) -> str:
    return o.editor.lower()


def _is_base(o: Option) -> bool:
    return _editor(o).startswith(("abe", "cbe")) or "base" in o.id


def _is_prime(o: Option) -> bool:
    return _editor(o).startswith("pe") or "prime" in o.id


def _is_car(o: Option) -> bool:
    return "car" in re.findall(r"[a-z]+", f"{o.id} {o.title}".lower())


def _fits(study: Study, o: Option) -> str | None:
    """The modality rule under which ``study`` fits option ``o`` (None: it does not)."""
    m = study.modality.modality
    fit = {
        "gene_editing": "cas" in _editor(o) and not (_is_base(o) or _is_prime(o)),
        "base_editing": _is_base(o),
        "prime_editing": _is_prime(o),
        # the RNA options of any family (knockdown, exon skipping, exon inclusion)
        "rna": o.id.startswith("rna-") or (
            o.family == "silence" and any(w in f"{o.id} {o.title} {o.vehicle}".lower()
                                          for w in ("rna", "aso", "antisense", "oligo"))),
        "car_t": o.family == "cell" and _is_car(o),
        "cell_therapy": o.family == "cell" and not _is_car(o),
        "gene_addition": o.family == "add" and _vector_fits(study, o),
    }.get(m, False)  # fmt: skip
    if not fit:
        return None
    return f"{m.replace('_', ' ')} study ({study.modality.rule} rule) fits this {o.family} option"


def _vector_fits(study: Study, o: Option) -> bool:
    vector = _vector_of(study)
    return vector is None or o.vehicle.upper().startswith(vector)


def match_option(study: Study, options: tuple[Option, ...]) -> tuple[str | None, str]:
    """The option (ranked order) that ``study`` tests, and the rule; ``(None, why)`` if none."""
    for o in options:
        names = {p.name.lower() for p in o.precedents}
        linked = [p for p in study.products if p.lower() in names]
        if linked:
            return o.id, f"names {linked[0]}, a precedent of this option"
    for o in options:
        rule = _fits(study, o)
        if rule:
            return o.id, rule
    kind = study.modality.modality.replace("_", " ")
    return None, f"no feasible option of the plan fits this {kind} study"


# ----------------------------------------------------------------------------------- section


def _disease(plan: Plan) -> str:
    if plan.disease is not None:
        return plan.disease.name
    if plan.acquired is not None:
        return plan.acquired.name
    return plan.question.disease or ""


def _search(disease: str, mode: TrialsMode, api_url: str | None) -> TrialsResult:
    return find_trials(TrialsRequest(disease=disease, mode="online" if mode == "online" else
                                     "cache", api_url=api_url))  # fmt: skip


def trials_section(
    plan: Plan, *, mode: TrialsMode = "cache", api_url: str | None = None
) -> TrialsSection | None:
    """The trials section for ``plan`` (None when ``mode="off"``); never raises a VivoError."""
    if mode == "off":
        return None
    disease = _disease(plan)
    age = plan.question.patient.age_years
    if not disease or plan.indication != "therapy":
        why = (
            f"no therapy indicated ({plan.indication.replace('_', ' ')})"
            if plan.indication != "therapy"
            else "no disease to search for"
        )
        return TrialsSection("unavailable", f"trials not searched: {why}", disease, age)
    try:
        result = _search(disease, mode, api_url)
    except VivoError as exc:
        return TrialsSection("failed", f"trials could not be searched: {exc}", disease, age)
    if result.source == "none":
        return TrialsSection(
            "unavailable",
            f"no cached ClinicalTrials.gov answer for {disease!r}: the dossier does not go online "
            f"by default; run `vivo trials --disease '{disease}'` once, then plan again",
            disease, age, base_url=result.base_url,
        )  # fmt: skip
    return _section(plan, disease, age, result)


def _section(plan: Plan, disease: str, age: float | None, result: TrialsResult) -> TrialsSection:
    kept = [s for s in result.studies if age is None or age_fits(s, age)]
    options = plan.feasible
    matches = []
    for s in kept:
        option_id, rule = match_option(s, options)
        matches.append(TrialMatch(s, option_id, rule))
    order = {o.id: i for i, o in enumerate(options)}
    matches.sort(key=lambda m: order.get(m.option_id or "", len(order)))
    under = sum(1 for m in matches if m.option_id)
    who = f" open to a patient aged {age:g} years" if age is not None else ""
    message = (
        f"{len(kept)} of {len(result.studies)} ClinicalTrials.gov studies of {disease}{who}; "
        f"{under} under a strategy of this plan; {result.age_text()}"
        f"{' from the cache' if result.source == 'cache' else ''}."
    )
    notes = list(result.notes)
    if age is None:
        notes.append("no patient age given (vivo plan --age): studies are not filtered by age")
    return TrialsSection(
        "ok" if kept else "none_found", message, disease, age, tuple(matches),
        excluded_by_age=len(result.studies) - len(kept), source=result.source,
        retrieved=result.retrieved, age_days=result.age_days, base_url=result.base_url,
        notes=tuple(notes),
    )  # fmt: skip
