"""Clinical trials as vivo reads them: a typed study record, the modality vivo infers, filters.

This module is pure: it turns the JSON of a ClinicalTrials.gov API v2 study (``studies[]`` of
``GET /api/v2/studies``) into a :class:`Study`, infers the therapy modality from the
interventions with the rule that decided it, and filters studies by modality, age and country.
The HTTP client and the on-disk cache live in :mod:`vivo.io.clinicaltrials`.

Field paths read (API v2 data structure, https://clinicaltrials.gov/data-api/about-api):
``protocolSection.identificationModule.{nctId, briefTitle}``,
``statusModule.{overallStatus, startDateStruct.date, completionDateStruct.date}``,
``designModule.phases``, ``conditionsModule.conditions``,
``armsInterventionsModule.interventions[].{type, name, description, otherNames}``,
``eligibilityModule.{minimumAge, maximumAge}`` (text such as ``"12 Years"``),
``sponsorCollaboratorsModule.leadSponsor.name`` and ``contactsLocationsModule.locations[].country``.
A missing optional field loads as empty; a study without an NCT id is malformed.

Modality rules, tried in order (the first that matches decides; :attr:`ModalityCall.rule`
records which, :attr:`ModalityCall.evidence` the words it matched):

1. ``product``: an intervention names an approved product of vivo's knowledge base (brand,
   generic name or its short form, e.g. ``exa-cel``; development code ``CTX001`` of Casgevy,
   Frangoul H et al., N Engl J Med 2021;384:252-260);
2. ``car_t``: chimeric antigen receptor T cells (``CAR-T``, ``-cabtagene`` INN stem);
3. ``prime_editing``: prime editing, pegRNA;
4. ``base_editing``: base editing (adenine or cytosine base editors);
5. ``gene_editing``: CRISPR/Cas nucleases, zinc-finger nucleases, TALENs, meganucleases, "gene
   editing", "edited";
6. ``rna``: siRNA, antisense oligonucleotides (ASO, gapmer) and the USAN stems ``-siran``
   (small interfering RNA) and ``-rsen`` (antisense oligonucleotide);
7. ``gene_addition``: AAV, lentiviral or (gamma-)retroviral vectors, "gene transfer", "gene
   therapy", transgenes, the USAN stem ``-vec`` (viral vector);
8. ``cell_therapy``: other cell products (cells, stem cells, HSCT, ``-cel`` INN stem, umbilical
   cord blood: a graft of hematopoietic stem cells since Gluckman E et al., N Engl J Med
   1989;321:1174-1178, doi:10.1056/NEJM198910263211707) among biological, genetic, procedure or
   other interventions;
9. ``other``: nothing above matched (drugs, devices, observational follow-up without product).

Behavioural, dietary, device, radiation and diagnostic interventions are not read.

>>> s = study_from_api({"protocolSection": {
...     "identificationModule": {"nctId": "NCT05329649", "briefTitle": "CTX001 in children"},
...     "statusModule": {"overallStatus": "RECRUITING"},
...     "designModule": {"phases": ["PHASE3"]},
...     "armsInterventionsModule": {"interventions": [{"type": "BIOLOGICAL", "name": "CTX001"}]},
...     "eligibilityModule": {"minimumAge": "2 Years", "maximumAge": "11 Years"}}})
>>> s.modality.modality, s.modality.rule, s.products, s.min_age_years, s.max_age_years
('gene_editing', 'product', ('Casgevy',), 2.0, 11.0)
>>> age_fits(s, 8), age_fits(s, 12)
(True, False)
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, get_args

from vivo.core.errors import FormatError, InputError
from vivo.knowledge.products import Product, load_products

__all__ = [
    "DEFAULT_STATUSES",
    "INTERVENTION_TYPES",
    "MODALITIES",
    "OPEN_STATUSES",
    "PHASES",
    "STATUSES",
    "STUDY_FIELDS",
    "Intervention",
    "Modality",
    "ModalityCall",
    "Study",
    "TrialQuery",
    "age_fits",
    "country_fits",
    "filter_studies",
    "infer_modality",
    "parse_age",
    "parse_phase",
    "parse_status",
    "study_from_api",
]

Modality = Literal[
    "gene_addition",
    "gene_editing",
    "base_editing",
    "prime_editing",
    "rna",
    "car_t",
    "cell_therapy",
    "other",
]
MODALITIES: tuple[str, ...] = get_args(Modality)

#: ``overallStatus`` values of API v2 (enum ``Status``)
STATUSES: tuple[str, ...] = (
    "RECRUITING",
    "NOT_YET_RECRUITING",
    "ACTIVE_NOT_RECRUITING",
    "ENROLLING_BY_INVITATION",
    "COMPLETED",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
    "UNKNOWN",
)
#: statuses in which a patient may still enter a study
OPEN_STATUSES: tuple[str, ...] = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION")
#: what ``vivo trials`` and the dossier ask for by default: open studies and active ones
DEFAULT_STATUSES: tuple[str, ...] = (*OPEN_STATUSES, "ACTIVE_NOT_RECRUITING")
#: ``designModule.phases`` values of API v2 (enum ``Phase``)
PHASES: tuple[str, ...] = ("EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA")
#: ``interventions[].type`` values of API v2 (enum ``InterventionType``)
INTERVENTION_TYPES: tuple[str, ...] = (
    "BEHAVIORAL", "BIOLOGICAL", "COMBINATION_PRODUCT", "DEVICE", "DIAGNOSTIC_TEST",
    "DIETARY_SUPPLEMENT", "DRUG", "GENETIC", "OTHER", "PROCEDURE", "RADIATION",
)  # fmt: skip
#: the field pieces vivo asks for (``fields=``), enough to fill a :class:`Study`
STUDY_FIELDS: tuple[str, ...] = (
    "NCTId", "BriefTitle", "OverallStatus", "Phase", "Condition", "InterventionType",
    "InterventionName", "InterventionDescription", "InterventionOtherName", "MinimumAge",
    "MaximumAge", "LeadSponsorName", "LocationCountry", "StartDate", "CompletionDate",
)  # fmt: skip
_READ_TYPES = frozenset(
    {"BIOLOGICAL", "COMBINATION_PRODUCT", "DRUG", "GENETIC", "OTHER", "PROCEDURE", ""}
)
_CELL_TYPES = frozenset({"BIOLOGICAL", "GENETIC", "PROCEDURE", "OTHER", ""})
_NCT = re.compile(r"^NCT\d{8}$")
STUDY_URL = "https://clinicaltrials.gov/study/"


# ------------------------------------------------------------------------------ vocabularies


def _closest(value: str, pool: Iterable[str]) -> str:
    close = difflib.get_close_matches(value.lower(), [p.lower() for p in pool], n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""


_STATUS_ALIASES = {"active": "ACTIVE_NOT_RECRUITING", "open": "RECRUITING"}


def parse_status(name: str) -> str:
    """The API v2 status for a user's name (``recruiting``, ``not-yet-recruiting``, ``active``).

    >>> parse_status("not yet recruiting"), parse_status("active")
    ('NOT_YET_RECRUITING', 'ACTIVE_NOT_RECRUITING')
    """
    key = re.sub(r"[\s-]+", "_", name.strip()).upper()
    if key in STATUSES:
        return key
    if key.lower() in _STATUS_ALIASES:
        return _STATUS_ALIASES[key.lower()]
    names = [s.lower() for s in STATUSES]
    raise InputError(
        f"unknown trial status {name[:60]!r}",
        hint=f"{_closest(key, names)}choose from: {', '.join(names)}",
    )


def parse_phase(name: str) -> str:
    """The API v2 phase for ``1``, ``phase2``, ``early1``, ``na`` ...

    >>> parse_phase("2"), parse_phase("Phase 3"), parse_phase("early1"), parse_phase("n/a")
    ('PHASE2', 'PHASE3', 'EARLY_PHASE1', 'NA')
    """
    key = re.sub(r"[\s_/-]+", "", name.strip()).upper()
    key = {"EARLY1": "EARLYPHASE1", "0": "EARLYPHASE1"}.get(key, key)
    if key.isdigit():
        key = f"PHASE{key}"
    for p in PHASES:
        if p.replace("_", "") == key:
            return p
    shown = ["early1", "1", "2", "3", "4", "na"]
    raise InputError(
        f"unknown trial phase {name[:60]!r}",
        hint=f"{_closest(name, shown)}choose from: {', '.join(shown)}",
    )


# ------------------------------------------------------------------------------------ ages

_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.I)
_PER_YEAR = {"year": 1.0, "month": 12.0, "week": 52.1775, "day": 365.25, "hour": 8766.0,
             "minute": 525960.0}  # fmt: skip


def parse_age(text: str | None) -> float | None:
    """Years for an eligibility age such as ``"18 Years"``, ``"6 Months"``; None when absent
    or not understood (the record's text is kept on the study).

    >>> parse_age("18 Years"), parse_age("6 Months"), parse_age("N/A"), parse_age(None)
    (18.0, 0.5, None, None)
    """
    if not text:
        return None
    m = _AGE.match(text)
    if not m:
        return None
    return round(float(m[1]) / _PER_YEAR[m[2].lower()], 4)


# ---------------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Intervention:
    """One intervention of a study: its API type (``GENETIC``, ``BIOLOGICAL``, ...) and name."""

    type: str
    name: str
    description: str = ""
    other_names: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "type": self.type,
            "name": self.name,
            "description": self.description,
            "other_names": list(self.other_names),
        }


@dataclass(frozen=True, slots=True)
class ModalityCall:
    """The modality vivo infers, the rule that decided it and the words it matched."""

    modality: Modality
    rule: str
    explanation: str
    evidence: str = ""

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {
            "modality": self.modality,
            "rule": self.rule,
            "explanation": self.explanation,
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class Study:
    """A ClinicalTrials.gov study as vivo shows it (ages in years; None = no limit stated)."""

    nct_id: str
    title: str
    status: str
    phases: tuple[str, ...]
    conditions: tuple[str, ...]
    interventions: tuple[Intervention, ...]
    modality: ModalityCall
    products: tuple[str, ...]
    min_age: str
    max_age: str
    min_age_years: float | None
    max_age_years: float | None
    sponsor: str
    countries: tuple[str, ...]
    start_date: str
    completion_date: str

    @property
    def url(self) -> str:
        """The study's page on ClinicalTrials.gov."""
        return STUDY_URL + self.nct_id

    @property
    def phase_label(self) -> str:
        """``1/2``, ``3``, ``early 1``, ``n/a`` or ``—`` when not given."""
        labels = [
            "early 1" if p == "EARLY_PHASE1" else "n/a" if p == "NA" else p.removeprefix("PHASE")
            for p in self.phases
        ]
        return "/".join(labels) or "—"

    @property
    def age_label(self) -> str:
        """``2 Years–11 Years``, ``18 Years+``, ``any age`` (as the record states them)."""
        if not self.min_age and not self.max_age:
            return "any age"
        if not self.max_age:
            return f"{self.min_age}+"
        return f"{self.min_age or '0'}–{self.max_age}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "nct_id": self.nct_id,
            "title": self.title,
            "status": self.status,
            "phases": list(self.phases),
            "conditions": list(self.conditions),
            "interventions": [i.to_dict() for i in self.interventions],
            "modality": self.modality.to_dict(),
            "products": list(self.products),
            "min_age": self.min_age,
            "max_age": self.max_age,
            "min_age_years": self.min_age_years,
            "max_age_years": self.max_age_years,
            "sponsor": self.sponsor,
            "countries": list(self.countries),
            "start_date": self.start_date,
            "completion_date": self.completion_date,
            "url": self.url,
        }


def _get(d: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(d, Mapping):
            return None
        d = d.get(key)
    return d


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(v.strip() for v in value if isinstance(v, str) and v.strip())


def _interventions(arms: Any) -> tuple[Intervention, ...]:
    items = _get(arms, "interventions")
    out = []
    for it in items if isinstance(items, list) else ():
        name = _text(_get(it, "name"))
        if not name:
            continue
        out.append(
            Intervention(
                type=_text(_get(it, "type")).upper(),
                name=name,
                description=_text(_get(it, "description")),
                other_names=_texts(_get(it, "otherNames")),
            )
        )
    return tuple(out)


def _countries(contacts: Any) -> tuple[str, ...]:
    locations = _get(contacts, "locations")
    seen: dict[str, None] = {}
    for loc in locations if isinstance(locations, list) else ():
        country = _text(_get(loc, "country"))
        if country:
            seen.setdefault(country, None)
    return tuple(seen)


def study_from_api(raw: Any) -> Study:
    """A :class:`Study` from one element of ``studies`` in an API v2 response.

    Missing optional fields load as empty; a study that is not an object or has no valid
    NCT id raises :class:`FormatError` (the caller adds where it came from).
    """
    proto = _get(raw, "protocolSection")
    raw_nct = _get(proto, "identificationModule", "nctId")
    nct = _text(raw_nct)
    if not _NCT.match(nct):
        raise FormatError(f"a study has no valid protocolSection.identificationModule.nctId "
                          f"(got {str(raw_nct)[:20]!r})")  # fmt: skip
    status_mod = _get(proto, "statusModule")
    elig = _get(proto, "eligibilityModule")
    interventions = _interventions(_get(proto, "armsInterventionsModule"))
    products = linked_products(interventions)
    min_age, max_age = _text(_get(elig, "minimumAge")), _text(_get(elig, "maximumAge"))
    status = _text(_get(status_mod, "overallStatus")).upper()
    return Study(
        nct_id=nct,
        title=_text(_get(proto, "identificationModule", "briefTitle")) or "(no title)",
        status=status if status in STATUSES else (status or "UNKNOWN"),
        phases=tuple(p for p in _texts(_get(proto, "designModule", "phases"))),
        conditions=_texts(_get(proto, "conditionsModule", "conditions")),
        interventions=interventions,
        modality=infer_modality(interventions, products),
        products=tuple(p.brand for p in products),
        min_age=min_age,
        max_age=max_age,
        min_age_years=parse_age(min_age),
        max_age_years=parse_age(max_age),
        sponsor=_text(_get(proto, "sponsorCollaboratorsModule", "leadSponsor", "name")),
        countries=_countries(_get(proto, "contactsLocationsModule")),
        start_date=_text(_get(status_mod, "startDateStruct", "date")),
        completion_date=_text(_get(status_mod, "completionDateStruct", "date")),
    )


# ---------------------------------------------------------------------------------- products

#: development codes of approved products, each with its citation
_CODES: dict[str, tuple[str, str]] = {
    "ctx001": ("Casgevy", "Frangoul H et al., N Engl J Med 2021;384:252-260"),
}
_GENERIC_WORDS = frozenset(
    {"cell", "cells", "tissue", "blood", "autologous", "allogeneic", "recombinant", "human",
     "cord", "hpc", "processed", "cultured"}
)  # fmt: skip


def _product_names(p: Product) -> tuple[str, ...]:
    names = set(p.names)
    generic = p.generic.lower()
    base, _, inner = generic.partition("(")
    for candidate in (base, *inner.rstrip(")").split(",")):
        c = candidate.strip()
        if c and len(c) >= 4 and len(c.split()) <= 3 and not set(c.split()) & _GENERIC_WORDS:
            names.add(c)
    return tuple(sorted(n for n in names if len(n) >= 4))


@cache
def _product_patterns() -> tuple[tuple[Product, re.Pattern[str]], ...]:
    out = []
    for p in load_products():
        names = [*_product_names(p), *(c for c, (brand, _) in _CODES.items() if brand == p.brand)]
        alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        out.append((p, re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])", re.I)))
    return tuple(out)


def _intervention_text(i: Intervention) -> str:
    return " ; ".join((i.name, *i.other_names, i.description))


def linked_products(interventions: Sequence[Intervention]) -> tuple[Product, ...]:
    """Approved products of the knowledge base that the interventions name."""
    text = " ; ".join(_intervention_text(i) for i in interventions)
    return tuple(p for p, pattern in _product_patterns() if pattern.search(text))


# --------------------------------------------------------------------------------- modality

_PRODUCT_MODALITY: dict[str, Modality] = {
    "gene_addition": "gene_addition",
    "gene_editing": "gene_editing",
    "rna": "rna",
    "cell_therapy": "cell_therapy",
}
_RULES: tuple[tuple[Modality, str, str, frozenset[str]], ...] = (
    ("car_t", r"\bcar[- ]?t(?:[- ]cells?)?\b|chimeric antigen receptor|\w+cabtagene\b",
     "names CAR-T cells (chimeric antigen receptor; INN stem -cabtagene)", _READ_TYPES),
    ("prime_editing", r"prime[- ]edit\w*|\bpegrnas?\b", "names prime editing", _READ_TYPES),
    ("base_editing", r"\bbase[- ]edit\w*|adenine base|cytosine base|\babe8\w*",
     "names base editing", _READ_TYPES),
    ("gene_editing",
     r"crispr|\bcas9\b|\bcas12\w*|zinc[- ]finger nucleases?|\bzfns?\b|\btalens?\b|"
     r"meganucleases?|\bgen(?:e|ome)[- ]edit\w*|\bedited\b",
     "names a CRISPR/Cas, zinc-finger, TALE or meganuclease edit", _READ_TYPES),
    ("rna", r"\bsirnas?\b|small interfering rna|\bantisense\b|\basos?\b|\bgapmers?\b|"
     r"\b\w{3,}siran\b|\b\w{4,}rsen\b",
     "names an siRNA or antisense oligonucleotide (USAN stems -siran, -rsen)", _READ_TYPES),
    ("gene_addition",
     r"\baav\w*|adeno[- ]associated|lentivir\w*|lentiglobin|retrovir\w*|viral vector|"
     r"gene transfer|gene therapy|transgene\w*|\b\w{4,}vec\b",
     "names a viral vector or gene transfer (AAV, lentiviral, retroviral; USAN stem -vec)",
     _READ_TYPES),
    ("cell_therapy",
     r"\bcells?\b|stem[- ]cell|\bhsct\b|transplant\w*|\b\w{4,}cel\b|\bcar[- ]?nk\b|"
     r"\bcord[- ]blood\b",
     "names a cell product, (umbilical) cord blood or transplant (INN stem -cel)", _CELL_TYPES),
)  # fmt: skip
_COMPILED = tuple((m, re.compile(p, re.I), why, types) for m, p, why, types in _RULES)


def _product_call(products: Sequence[Product]) -> ModalityCall | None:
    for p in products:
        modality: Modality = _PRODUCT_MODALITY.get(p.modality, "other")
        if p.modality == "gene_modified_cell":
            # INN stem -cabtagene, or the knowledge base's CAR-T label (tisagenlecleucel,
            # named before the stem existed)
            car = "cabtagene" in p.generic.lower() or "CAR-T" in p.modality_label
            modality = "car_t" if car else "cell_therapy"
        return ModalityCall(
            modality, "product",
            f"names {p.brand} ({p.generic}), a {p.modality.replace('_', ' ')} product of "
            "vivo's knowledge base", p.brand,
        )  # fmt: skip
    return None


def infer_modality(
    interventions: Sequence[Intervention], products: Sequence[Product] = ()
) -> ModalityCall:
    """The modality of a study from its interventions (rules in the module doc, in order).

    >>> infer_modality([Intervention("GENETIC", "BEAM-101", "base edited CD34+ cells")]).rule
    'base_editing'
    >>> infer_modality([Intervention("DRUG", "hydroxyurea")]).modality
    'other'
    """
    called = _product_call(products)
    if called is not None:
        return called
    for modality, pattern, why, types in _COMPILED:
        for i in interventions:
            if i.type not in types:
                continue
            m = pattern.search(_intervention_text(i))
            if m:
                return ModalityCall(modality, modality, f"{i.type.lower() or 'an'} intervention "
                                    f"{why}", f"{i.name}: {m[0]}")  # fmt: skip
    return ModalityCall("other", "none", "no gene, RNA or cell therapy named in the interventions")


# ---------------------------------------------------------------------------------- filters


def age_fits(study: Study, age_years: float) -> bool:
    """True when ``age_years`` is within the study's eligibility ages (a missing limit is no
    limit; an age text vivo cannot read is treated as no limit, and the text is shown)."""
    lo, hi = study.min_age_years, study.max_age_years
    return (lo is None or age_years >= lo) and (hi is None or age_years <= hi)


#: common short forms -> the country names ClinicalTrials.gov writes in locations[].country
_COUNTRY_ALIASES = {
    "usa": "United States", "us": "United States", "u.s.": "United States",
    "u.s.a.": "United States", "united states of america": "United States",
    "uk": "United Kingdom", "u.k.": "United Kingdom", "great britain": "United Kingdom",
    "britain": "United Kingdom", "england": "United Kingdom", "scotland": "United Kingdom",
    "wales": "United Kingdom", "northern ireland": "United Kingdom",
    "south korea": "Korea, Republic of", "korea": "Korea, Republic of",
    "russia": "Russian Federation", "holland": "Netherlands", "the netherlands": "Netherlands",
}  # fmt: skip


def country_name(text: str) -> str:
    """The ClinicalTrials.gov spelling of a country (``"USA"`` -> ``"United States"``).

    >>> country_name("usa"), country_name(" France ")
    ('United States', 'France')
    """
    name = " ".join(text.split())
    if not name or '"' in name:
        raise InputError(
            f"country {text[:40]!r} is empty or has a double quote",
            hint="give a country as ClinicalTrials.gov writes it, e.g. 'United States'",
        )
    return _COUNTRY_ALIASES.get(name.lower(), name)


def country_fits(study: Study, countries: Iterable[str]) -> bool:
    """True when the study has a site in one of ``countries`` (case-insensitive)."""
    wanted = {country_name(c).lower() for c in countries}
    return any(c.lower() in wanted for c in study.countries)


def filter_studies(
    studies: Iterable[Study],
    *,
    modalities: Iterable[str] = (),
    age_years: float | None = None,
    countries: Iterable[str] = (),
) -> tuple[Study, ...]:
    """The studies that pass every given filter, in their order."""
    mods = set(modalities)
    unknown = mods - set(MODALITIES)
    if unknown:
        raise InputError(f"unknown modality {sorted(unknown)[0]!r}",
                         hint=f"choose from: {', '.join(MODALITIES)}")  # fmt: skip
    places = tuple(countries)
    return tuple(
        s for s in studies
        if (not mods or s.modality.modality in mods)
        and (age_years is None or age_fits(s, age_years))
        and (not places or country_fits(s, places))
    )  # fmt: skip


# ------------------------------------------------------------------------------------ query


@dataclass(frozen=True, slots=True)
class TrialQuery:
    """What is asked of ClinicalTrials.gov (server-side; age and modality are filtered by vivo).

    ``condition`` goes to ``query.cond``, ``term`` (a gene, a product) to ``query.term``,
    ``intervention`` to ``query.intr``; statuses to ``filter.overallStatus``; phases,
    intervention types and countries to ``filter.advanced`` as Essie ``AREA[...]`` expressions.
    """

    condition: str = ""
    term: str = ""
    intervention: str = ""
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    phases: tuple[str, ...] = ()
    intervention_types: tuple[str, ...] = ("GENETIC", "BIOLOGICAL")
    countries: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not (self.condition.strip() or self.term.strip() or self.intervention.strip()):
            raise InputError("a trial search needs a disease, a gene or an intervention",
                             hint="e.g. vivo trials --disease 'sickle cell disease'")  # fmt: skip
        for text in (self.condition, self.term, self.intervention, *self.countries):
            if len(text) > 200 or any(not (c.isprintable() or c == " ") for c in text):
                raise InputError(f"search text {text[:40]!r}... is too long or has control "
                                 "characters", hint="at most 200 printable characters")  # fmt: skip
        for c in self.countries:
            country_name(c)  # InputError for an empty name or a quote
        for s in self.statuses:
            if s not in STATUSES:
                raise InputError(f"unknown trial status {s!r}")
        for p in self.phases:
            if p not in PHASES:
                raise InputError(f"unknown trial phase {p!r}")
        for t in self.intervention_types:
            if t not in INTERVENTION_TYPES:
                raise InputError(f"unknown intervention type {t!r}",
                                 hint=f"choose from: {', '.join(INTERVENTION_TYPES)}")  # fmt: skip

    def advanced(self) -> str:
        """The ``filter.advanced`` Essie expression (empty when nothing to add)."""
        parts = []
        if self.phases:
            parts.append(f"AREA[Phase]({' OR '.join(self.phases)})")
        if self.intervention_types:
            parts.append(f"AREA[InterventionType]({' OR '.join(self.intervention_types)})")
        if self.countries:
            quoted = " OR ".join(f'"{country_name(c)}"' for c in self.countries)
            parts.append(f"AREA[LocationCountry]({quoted})")
        return " AND ".join(parts)

    def to_params(self) -> dict[str, str]:
        """The query parameters of ``GET /api/v2/studies`` (without paging).

        >>> TrialQuery(condition="sickle cell disease", statuses=("RECRUITING",)).to_params()[
        ...     "filter.advanced"]
        'AREA[InterventionType](GENETIC OR BIOLOGICAL)'
        """
        params = {
            "query.cond": self.condition.strip(),
            "query.term": self.term.strip(),
            "query.intr": self.intervention.strip(),
            "filter.overallStatus": ",".join(self.statuses),
            "filter.advanced": self.advanced(),
            "fields": ",".join(STUDY_FIELDS),
            "format": "json",
        }
        return {k: v for k, v in params.items() if v}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "condition": self.condition,
            "term": self.term,
            "intervention": self.intervention,
            "statuses": list(self.statuses),
            "phases": list(self.phases),
            "intervention_types": list(self.intervention_types),
            "countries": list(self.countries),
        }
