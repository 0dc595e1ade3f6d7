"""The planner's vocabulary: the therapy question in, the :class:`Plan` out.

All values are frozen dataclasses with a ``to_dict`` for plan.json.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from vivo.core.errors import InputError
from vivo.knowledge.diseases import Disease
from vivo.knowledge.sources import Source
from vivo.planning.requests import DesignRequest

if TYPE_CHECKING:
    from vivo.knowledge.acquired import AcquiredDisease
    from vivo.planning.genotype import Genotype

__all__ = [
    "DecisionStep",
    "DeliveryMode",
    "DesignRequest",
    "Engine",
    "Family",
    "Feasibility",
    "Indication",
    "Option",
    "PatientFacts",
    "Plan",
    "Precedent",
    "Risk",
    "Sex",
    "TherapyQuestion",
    "VariantFacts",
    "Zygosity",
]

Family = Literal["add", "silence", "correct", "induce", "cell", "comparator"]
DeliveryMode = Literal["in_vivo", "ex_vivo"]
Feasibility = Literal["recommended", "possible", "impossible"]
Zygosity = Literal["homozygous", "heterozygous", "hemizygous", "compound_heterozygous", "unknown"]
Sex = Literal["female", "male", "unknown"]
Indication = Literal["therapy", "carrier", "not_indicated"]
Engine = Literal[
    "guides",
    "offtargets",
    "donor",
    "base_editing",
    "prime_editing",
    "cassette",
    "simulation",
    "collection",
    "car",
    "dose",
    "sirna",
    "aso",
]


#: bounds of the patient facts (finite; a neonate's weight up to an adult's)
AGE_RANGE_YEARS = (0.0, 120.0)
WEIGHT_RANGE_KG = (0.5, 350.0)
MAX_SIBLINGS = 30
MAX_PRIOR_LINES = 20


def _check_number(name: str, value: object, lo: float, hi: float) -> None:
    if value is None:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not lo <= value <= hi
    ):
        raise InputError(
            f"{name} must be a number from {lo:g} to {hi:g}, got {value!r}",
            hint=f"give the patient's {name}",
        )


def _check_count(name: str, value: object, hi: int) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= hi:
        raise InputError(f"{name} must be a whole number from 0 to {hi}, got {value!r}")


@dataclass(frozen=True, slots=True)
class PatientFacts:
    """What is known about the patient; ``None`` means unknown."""

    age_years: float | None = None
    weight_kg: float | None = None
    anti_aav_antibodies: bool | None = None
    sex: Sex = "unknown"
    siblings: int | None = None  # full siblings (possible HLA-identical donors)
    matched_sibling: bool | None = None  # an HLA-identical sibling is known to exist (or not)
    prior_lines: int | None = None  # prior lines of systemic therapy (acquired diseases)

    def __post_init__(self) -> None:
        _check_number("age (years)", self.age_years, *AGE_RANGE_YEARS)
        _check_number("weight (kg)", self.weight_kg, *WEIGHT_RANGE_KG)
        _check_count("siblings", self.siblings, MAX_SIBLINGS)
        _check_count("prior lines of therapy", self.prior_lines, MAX_PRIOR_LINES)
        if self.sex not in ("female", "male", "unknown"):
            raise InputError(f"unknown sex {self.sex!r}", hint="female or male")
        for name in ("anti_aav_antibodies", "matched_sibling"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, bool):
                raise InputError(f"{name} must be true, false or unknown, got {value!r}")
        if self.siblings == 0 and self.matched_sibling:
            raise InputError(
                "a matched sibling with no siblings", hint="drop --siblings 0 or --matched-sibling"
            )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "age_years": self.age_years,
            "weight_kg": self.weight_kg,
            "anti_aav_antibodies": self.anti_aav_antibodies,
            "sex": self.sex,
            "siblings": self.siblings,
            "matched_sibling": self.matched_sibling,
            "prior_lines": self.prior_lines,
        }


@dataclass(frozen=True, slots=True)
class VariantFacts:
    """What the planner needs to know about one variant (from HGVS parsing or interpretation).

    ``ref``/``alt`` are on the coding strand; ``protein`` is e.g. ``"p.Glu7Val"`` when known.
    """

    hgvs: str
    kind: str
    ref: str = ""
    alt: str = ""
    length_bp: int = 1
    consequence: str = ""
    protein: str = ""
    legacy: str = ""
    interpreted: bool = False
    #: False when the variant's ends lie in introns and the genome is not loaded: ``length_bp``
    #: is then only a lower bound (the introns' lengths are not known)
    length_known: bool = True

    @property
    def is_substitution(self) -> bool:
        """A single-nucleotide substitution with known bases."""
        return self.kind == "substitution" and len(self.ref) == 1 and len(self.alt) == 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "hgvs": self.hgvs,
            "kind": self.kind,
            "ref": self.ref,
            "alt": self.alt,
            "length_bp": self.length_bp,
            "consequence": self.consequence,
            "protein": self.protein,
            "legacy": self.legacy,
            "interpreted": self.interpreted,
            "length_known": self.length_known,
        }


@dataclass(frozen=True, slots=True)
class TherapyQuestion:
    """The therapy question: gene, variants, disease and patient.

    ``sequence_available`` says whether the genome in use holds the gene, so that the design
    engines can run; the planner still walks the whole flow without it.
    """

    gene: str
    variants: tuple[VariantFacts, ...] = ()
    zygosity: Zygosity = "unknown"
    disease: str | None = None
    tissue: str | None = None
    patient: PatientFacts = field(default_factory=PatientFacts)
    sequence_available: bool = False
    genome_name: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "gene": self.gene,
            "variants": [v.to_dict() for v in self.variants],
            "zygosity": self.zygosity,
            "disease": self.disease,
            "tissue": self.tissue,
            "patient": self.patient.to_dict(),
            "sequence_available": self.sequence_available,
            "genome_name": self.genome_name,
        }


@dataclass(frozen=True, slots=True)
class DecisionStep:
    """One step of the decision flow: the question asked, the answer and why."""

    key: str
    question: str
    answer: str
    rationale: str
    alternatives: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "key": self.key,
            "question": self.question,
            "answer": self.answer,
            "rationale": self.rationale,
            "alternatives": list(self.alternatives),
        }


@dataclass(frozen=True, slots=True)
class Precedent:
    """An approved product, clinical programme or published study that supports an option.

    For a product, ``status`` and ``as_of`` are its regulatory status and the date of the latest
    evidence for it, ``safety`` its safety signals (boxed warnings, deaths, holds, restrictions)
    and ``weight`` the share of the approved-product credit it keeps
    (:func:`vivo.planning.evidence.product_weight`); a published study has weight 1.
    """

    name: str
    level: Literal["approved", "established", "withdrawn", "clinical", "preclinical"]
    summary: str
    sources: tuple[Source, ...]
    status: str = ""
    as_of: str = ""
    weight: float = 1.0
    safety: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "level": self.level,
            "summary": self.summary,
            "sources": [s.to_dict() for s in self.sources],
            "status": self.status,
            "as_of": self.as_of,
            "weight": round(self.weight, 3),
            "safety": list(self.safety),
        }


@dataclass(frozen=True, slots=True)
class Risk:
    """A risk of an option."""

    kind: Literal[
        "off_target",
        "insertional_mutagenesis",
        "immunogenicity",
        "conditioning",
        "efficacy",
        "cytokine_release",
        "neurotoxicity",
        "other",
    ]
    severity: Literal["low", "medium", "high"]
    description: str

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"kind": self.kind, "severity": self.severity, "description": self.description}


@dataclass(frozen=True, slots=True)
class Option:
    """One therapeutic strategy, scored and explained."""

    id: str
    title: str
    family: Family
    delivery: DeliveryMode
    vehicle: str
    editor: str
    cell_source: str
    feasibility: Feasibility
    score: float
    rationale: tuple[str, ...]
    precedents: tuple[Precedent, ...] = ()
    risks: tuple[Risk, ...] = ()
    designs: tuple[DesignRequest, ...] = ()
    reason_impossible: str = ""
    rank: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "rank": self.rank,
            "title": self.title,
            "family": self.family,
            "delivery": self.delivery,
            "vehicle": self.vehicle,
            "editor": self.editor,
            "cell_source": self.cell_source,
            "feasibility": self.feasibility,
            "score": round(self.score, 1),
            "rationale": list(self.rationale),
            "precedents": [p.to_dict() for p in self.precedents],
            "risks": [r.to_dict() for r in self.risks],
            "designs": [d.to_dict() for d in self.designs],
            "reason_impossible": self.reason_impossible,
        }


@dataclass(frozen=True, slots=True)
class Plan:
    """The walked decision flow and every option, ranked (impossible ones last, with reasons)."""

    question: TherapyQuestion
    disease: Disease | None
    steps: tuple[DecisionStep, ...]
    options: tuple[Option, ...]
    notes: tuple[str, ...] = ()
    planner_version: str = "1"
    genotype: Genotype | None = None
    indication: Indication = "therapy"
    not_covered: tuple[str, ...] = ()
    acquired: AcquiredDisease | None = None  # an acquired disease (cancer, GvHD, T1D)

    @property
    def feasible(self) -> tuple[Option, ...]:
        """Options that are not impossible, best first."""
        return tuple(o for o in self.options if o.feasibility != "impossible")

    @property
    def top(self) -> Option | None:
        """The best feasible option, if any."""
        return self.feasible[0] if self.feasible else None

    def option(self, option_id: str) -> Option:
        """The option with ``option_id`` (KeyError when absent)."""
        for o in self.options:
            if o.id == option_id:
                return o
        raise KeyError(option_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "planner_version": self.planner_version,
            "question": self.question.to_dict(),
            "disease": self.disease.to_dict() if self.disease else None,
            "steps": [s.to_dict() for s in self.steps],
            "options": [o.to_dict() for o in self.options],
            "chosen": self.top.id if self.top else None,
            "notes": list(self.notes),
            "genotype": self.genotype.to_dict() if self.genotype else None,
            "indication": self.indication,
            "not_covered": list(self.not_covered),
            "acquired_disease": (
                {"name": self.acquired.name, "kind": self.acquired.kind} if self.acquired else None
            ),
        }
