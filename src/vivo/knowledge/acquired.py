"""Acquired diseases (cancers, immune and metabolic disorders) and their label-defined therapies.

A monogenic disease is planned from its gene; an acquired disease is not: it is planned from
the therapies a regulator has approved for it, each for a stated population. The bundled
``data/acquired.toml`` holds, per disease, one :class:`AcquiredDisease` record and, per product
(or comparator) and label indication, one :class:`LabelTherapy` row with that population in
numbers the planner can test (age bounds, minimum number of prior lines of systemic therapy)
and the cytokine release syndrome (CRS) and neurologic toxicity (ICANS / neurologic events)
rates the label reports. Every row cites its sources and states the label version it was read
from (``label_as_of``) and how it was verified (``label``, ``paper``, ``secondary`` or
``unverified``); a number that could not be verified is left out rather than guessed.

Cell products (``car_t``, ``tcr_t``, ``til``, ``msc``, ``islet``) must name a brand of the
product table (``products.csv``); comparators (bispecific antibodies, cytokines) are named by
their INN.

>>> d = get_acquired_disease("B-ALL")
>>> d.name, d.kind
('B-cell acute lymphoblastic leukemia', 'cancer')
>>> k = next(t for t in therapies_for("B-ALL") if t.name == "Kymriah")
>>> k.kind, k.cell_source, k.target, k.max_age_years
('car_t', 'autologous', 'CD19', 25.0)
>>> k.admits(age_years=30.0)
False
>>> is_acquired("multiple myeloma"), is_acquired("sickle cell disease")
(True, False)
"""

from __future__ import annotations

import csv
import datetime as _dt
import difflib
import io
import math
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, get_args

from vivo.core.errors import DataError, InputError
from vivo.knowledge.sources import Source, read_data_text, sources_from

__all__ = [
    "CELL_PRODUCT_KINDS",
    "DISEASE_KINDS",
    "THERAPY_KINDS",
    "VERIFICATIONS",
    "AcquiredDisease",
    "DiseaseKind",
    "LabelTherapy",
    "TherapyKind",
    "Verification",
    "get_acquired_disease",
    "is_acquired",
    "load_acquired",
    "load_label_therapies",
    "parse_acquired",
    "product_brands",
    "therapies_for",
]

DiseaseKind = Literal["cancer", "immune", "metabolic"]
DISEASE_KINDS: tuple[str, ...] = get_args(DiseaseKind)
TherapyKind = Literal[
    "car_t",
    "tcr_t",
    "til",
    "msc",
    "islet",
    "allo_hsct",
    "bispecific",
    "antibody",
    "cytokine",
    "small_molecule",
]
THERAPY_KINDS: tuple[str, ...] = get_args(TherapyKind)
#: Kinds that are approved cell products and must name a brand of ``products.csv``.
CELL_PRODUCT_KINDS: frozenset[str] = frozenset({"car_t", "tcr_t", "til", "msc", "islet"})
CellSourceKind = Literal["autologous", "allogeneic", "n/a"]
_CELL_SOURCES: tuple[str, ...] = get_args(CellSourceKind)
Verification = Literal["label", "paper", "secondary", "unverified"]
VERIFICATIONS: tuple[str, ...] = get_args(Verification)

_FILE = "acquired.toml"
_DISEASE_KEYS = frozenset({"name", "aliases", "kind", "summary", "sources"})
_PCT_KEYS = ("crs_any_pct", "crs_grade3_pct", "icans_any_pct", "icans_grade3_pct")
_THERAPY_REQUIRED = frozenset(
    {
        "disease",
        "name",
        "kind",
        "cell_source",
        "target",
        "population",
        "label_as_of",
        "verified",
        "sources",
    }
)
_THERAPY_KEYS = _THERAPY_REQUIRED | {
    "min_age_years",
    "max_age_years",
    "min_prior_lines",
    *_PCT_KEYS,
}


@dataclass(frozen=True, slots=True)
class AcquiredDisease:
    """A disease that is not planned from a gene: a cancer, an immune or a metabolic disorder."""

    name: str
    aliases: tuple[str, ...]
    kind: DiseaseKind
    summary: str
    sources: tuple[Source, ...]

    def matches(self, name: str) -> bool:
        """True when ``name`` is this disease's name or one of its aliases (case-insensitive)."""
        key = name.strip().casefold()
        return key == self.name.casefold() or any(key == a.casefold() for a in self.aliases)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "kind": self.kind,
            "summary": self.summary,
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass(frozen=True, slots=True)
class LabelTherapy:
    """One product (or comparator) for one label indication, with the label's population.

    ``min_prior_lines`` is the minimum number of prior lines of systemic therapy the label
    requires (0 = first line); "relapsed or refractory" without a count is 1; ``None`` where
    lines of therapy do not apply. The four percentages are the label's cytokine release
    syndrome and neurologic toxicity rates (any grade, grade 3 or higher) in the indication's
    pivotal population; the ``icans_*`` fields hold the label's neurologic-toxicity figures
    (which include ICANS); ``None`` where not applicable or not verified. ``verified`` names the
    weakest kind of source behind the row (see ``data/acquired.toml``).
    """

    disease: str
    name: str
    kind: TherapyKind
    cell_source: CellSourceKind
    target: str
    population: str
    min_age_years: float | None
    max_age_years: float | None
    min_prior_lines: int | None
    crs_any_pct: float | None
    crs_grade3_pct: float | None
    icans_any_pct: float | None
    icans_grade3_pct: float | None
    label_as_of: str
    verified: Verification
    sources: tuple[Source, ...]

    @property
    def is_cell_product(self) -> bool:
        """True for an approved cell product (CAR-T, TCR-T, TIL, MSC, islets)."""
        return self.kind in CELL_PRODUCT_KINDS

    def admits(self, *, age_years: float | None = None, prior_lines: int | None = None) -> bool:
        """False when the stated age or number of prior lines is outside the label population.

        A fact not given (``None``) does not exclude; neither does a bound the label lacks.
        ``max_age_years`` is the last year of age included: a label "up to 25 years of age"
        (recorded as 25) admits a patient of 25.9 years and excludes one of 26.

        >>> t = next(t for t in therapies_for("multiple myeloma") if t.name == "Abecma")
        >>> t.admits(prior_lines=1), t.admits(prior_lines=2), t.admits(age_years=12.0)
        (False, True, False)
        """
        if age_years is not None:
            if self.min_age_years is not None and age_years < self.min_age_years:
                return False
            # max_age_years is the last year of age included ("up to 25 years of age" admits
            # a 25.9-year-old), so the bound excludes from the next birthday on.
            if self.max_age_years is not None and age_years >= self.max_age_years + 1.0:
                return False
        return not (
            prior_lines is not None
            and self.min_prior_lines is not None
            and prior_lines < self.min_prior_lines
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "disease": self.disease,
            "name": self.name,
            "kind": self.kind,
            "cell_source": self.cell_source,
            "target": self.target,
            "population": self.population,
            "min_age_years": self.min_age_years,
            "max_age_years": self.max_age_years,
            "min_prior_lines": self.min_prior_lines,
            "crs_any_pct": self.crs_any_pct,
            "crs_grade3_pct": self.crs_grade3_pct,
            "icans_any_pct": self.icans_any_pct,
            "icans_grade3_pct": self.icans_grade3_pct,
            "label_as_of": self.label_as_of,
            "verified": self.verified,
            "sources": [s.to_dict() for s in self.sources],
        }


# ---------------------------------------------------------------------------------------------
# parsing


def product_brands(csv_text: str) -> frozenset[str]:
    """Brand names of ``products.csv``: each brand cell up to the first ``" ("`` or ``" /"``.

    >>> sorted(product_brands("brand,generic\\nKymriah,x\\nLibmeldy (EU/UK) / Lenmeldy (US),y\\n"))
    ['Kymriah', 'Libmeldy']
    """
    out: set[str] = set()
    for row in csv.DictReader(io.StringIO(csv_text)):
        brand = (row.get("brand") or "").strip()
        for sep in (" (", " /"):
            brand = brand.split(sep, 1)[0]
        if brand.strip():
            out.add(brand.strip())
    return frozenset(out)


def _str(e: dict[str, Any], key: str, where: str, *, empty_ok: bool = False) -> str:
    value = e.get(key)
    if not isinstance(value, str) or (not empty_ok and not value.strip()):
        raise DataError(f"{where}: {key!r} must be a non-empty string, got {value!r}")
    return value.strip()


def _number(e: dict[str, Any], key: str, where: str) -> float | None:
    value = e.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DataError(f"{where}: {key!r} must be a finite number, got {value!r}")
    return float(value)


def _date(e: dict[str, Any], key: str, where: str) -> str:
    value = e.get(key)
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat()  # a bare TOML date
    text = _str(e, key, where)
    try:
        _dt.date.fromisoformat(text)
    except ValueError as exc:
        raise DataError(f"{where}: {key!r} must be a date YYYY-MM-DD, got {text!r}") from exc
    return text


def _disease(e: dict[str, Any], index: int) -> AcquiredDisease:
    where = f"{_FILE}: disease #{index} ({e.get('name', '?')!r})"
    unknown = sorted(set(e) - _DISEASE_KEYS)
    if unknown:
        raise DataError(f"{where}: unknown field(s) {', '.join(unknown)}")
    kind = _str(e, "kind", where)
    if kind not in DISEASE_KINDS:
        raise DataError(f"{where}: kind {kind!r} is not one of {', '.join(DISEASE_KINDS)}")
    aliases = e.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise DataError(f"{where}: 'aliases' must be a list of non-empty strings")
    return AcquiredDisease(
        name=_str(e, "name", where),
        aliases=tuple(a.strip() for a in aliases),
        kind=kind,  # type: ignore[arg-type]
        summary=_str(e, "summary", where),
        sources=sources_from(e.get("sources", []), where=where),
    )


def _ages(e: dict[str, Any], where: str) -> tuple[float | None, float | None]:
    lo, hi = _number(e, "min_age_years", where), _number(e, "max_age_years", where)
    for bound in (lo, hi):
        if bound is not None and not 0.0 <= bound <= 120.0:
            raise DataError(f"{where}: age bound {bound} is outside 0-120 years")
    if lo is not None and hi is not None and lo > hi:
        raise DataError(f"{where}: min_age_years {lo} is above max_age_years {hi}")
    return lo, hi


def _percentages(e: dict[str, Any], where: str) -> dict[str, float | None]:
    pct = {k: _number(e, k, where) for k in _PCT_KEYS}
    for k, v in pct.items():
        if v is not None and not 0.0 <= v <= 100.0:
            raise DataError(f"{where}: {k} = {v} is outside 0-100")
    for any_key, g3_key in (_PCT_KEYS[:2], _PCT_KEYS[2:]):
        a, g = pct[any_key], pct[g3_key]
        if a is not None and g is not None and g > a:
            raise DataError(f"{where}: {g3_key} {g} exceeds {any_key} {a}")
    return pct


def _therapy(
    e: dict[str, Any], index: int, diseases: dict[str, str], brands: frozenset[str] | None
) -> LabelTherapy:
    where = f"{_FILE}: therapy #{index} ({e.get('name', '?')!r}, {e.get('disease', '?')!r})"
    unknown = sorted(set(e) - _THERAPY_KEYS)
    if unknown:
        raise DataError(f"{where}: unknown field(s) {', '.join(unknown)}")
    missing = sorted(k for k in _THERAPY_REQUIRED if k not in e)
    if missing:
        raise DataError(f"{where}: missing field(s) {', '.join(missing)}")
    disease_ref = _str(e, "disease", where)
    if disease_ref.casefold() not in diseases:
        raise DataError(f"{where}: disease {disease_ref!r} is not a [[disease]] of {_FILE}")
    name = _str(e, "name", where)
    kind = _str(e, "kind", where)
    if kind not in THERAPY_KINDS:
        raise DataError(f"{where}: kind {kind!r} is not one of {', '.join(THERAPY_KINDS)}")
    if kind in CELL_PRODUCT_KINDS and brands is not None and name not in brands:
        raise DataError(
            f"{where}: {kind} product {name!r} is not a brand of products.csv",
            hint="name cell products exactly as the brand column of products.csv",
        )
    cell_source = _str(e, "cell_source", where)
    if cell_source not in _CELL_SOURCES:
        raise DataError(f"{where}: cell_source {cell_source!r} is not one of {_CELL_SOURCES}")
    verified = _str(e, "verified", where)
    if verified not in VERIFICATIONS:
        raise DataError(f"{where}: verified {verified!r} is not one of {VERIFICATIONS}")
    lo, hi = _ages(e, where)
    lines = e.get("min_prior_lines")
    if lines is not None and (isinstance(lines, bool) or not isinstance(lines, int) or lines < 0):
        raise DataError(f"{where}: min_prior_lines must be a whole number >= 0, got {lines!r}")
    pct = _percentages(e, where)
    return LabelTherapy(
        disease=diseases[disease_ref.casefold()],
        name=name,
        kind=kind,  # type: ignore[arg-type]
        cell_source=cell_source,  # type: ignore[arg-type]
        target=_str(e, "target", where, empty_ok=True),
        population=_str(e, "population", where),
        min_age_years=lo,
        max_age_years=hi,
        min_prior_lines=lines,
        crs_any_pct=pct["crs_any_pct"],
        crs_grade3_pct=pct["crs_grade3_pct"],
        icans_any_pct=pct["icans_any_pct"],
        icans_grade3_pct=pct["icans_grade3_pct"],
        label_as_of=_date(e, "label_as_of", where),
        verified=verified,  # type: ignore[arg-type]
        sources=sources_from(e.get("sources", []), where=where),
    )


def parse_acquired(
    text: str, *, brands: frozenset[str] | None = None
) -> tuple[tuple[AcquiredDisease, ...], tuple[LabelTherapy, ...]]:
    """Diseases and therapies of an ``acquired.toml`` text; any malformed row is a DataError.

    ``brands`` is the set of product brands cell products must belong to (``None``: not
    checked).

    >>> try:
    ...     parse_acquired('[[disease]]\\nname = "X"\\nkind = "viral"')
    ... except DataError as exc:
    ...     print(exc)
    acquired.toml: disease #1 ('X'): kind 'viral' is not one of cancer, immune, metabolic
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{_FILE} is not valid TOML: {exc}") from exc
    unknown = sorted(set(raw) - {"disease", "therapy"})
    if unknown:
        raise DataError(f"{_FILE}: unknown table(s) {', '.join(unknown)}")
    diseases = tuple(_disease(e, i) for i, e in enumerate(raw.get("disease", []), start=1))
    names: dict[str, str] = {}
    for d in diseases:
        for label in (d.name, *d.aliases):
            key = label.casefold()
            if key in names and names[key] != d.name:
                raise DataError(f"{_FILE}: name or alias {label!r} used by two diseases")
            if key in names and label == d.name:
                raise DataError(f"{_FILE}: disease {d.name!r} listed twice")
            names[key] = d.name
    canonical = {d.name.casefold(): d.name for d in diseases}
    therapies = tuple(
        _therapy(e, i, canonical, brands) for i, e in enumerate(raw.get("therapy", []), start=1)
    )
    seen: set[tuple[str, str, str]] = set()
    for t in therapies:
        row = (t.disease, t.name, t.population)
        if row in seen:
            raise DataError(f"{_FILE}: therapy {t.name!r} for {t.disease!r} listed twice")
        seen.add(row)
    return diseases, therapies


@cache
def _bundled() -> tuple[tuple[AcquiredDisease, ...], tuple[LabelTherapy, ...]]:
    brands = product_brands(read_data_text("products.csv"))
    return parse_acquired(read_data_text(_FILE), brands=brands)


# ---------------------------------------------------------------------------------------------
# queries


def load_acquired() -> tuple[AcquiredDisease, ...]:
    """Every bundled acquired disease, in file order."""
    return _bundled()[0]


def load_label_therapies() -> tuple[LabelTherapy, ...]:
    """Every bundled label therapy row, in file order."""
    return _bundled()[1]


def is_acquired(name: str) -> bool:
    """True when ``name`` (or an alias) is a bundled acquired disease (case-insensitive)."""
    return any(d.matches(name) for d in load_acquired())


def get_acquired_disease(name: str) -> AcquiredDisease:
    """The acquired disease called ``name`` or one of its aliases; InputError if unknown.

    >>> try:
    ...     get_acquired_disease("myelomaa")
    ... except InputError as exc:
    ...     print(exc.hint)
    did you mean multiple myeloma, melanoma?
    """
    for d in load_acquired():
        if d.matches(name):
            return d
    labels = {label: d.name for d in load_acquired() for label in (d.name, *d.aliases)}
    close = difflib.get_close_matches(name.strip(), list(labels), n=6, cutoff=0.5)
    if not close:  # a word of a name ("myeloma", "melanoma") is a good guess too
        key = name.strip().casefold()
        close = [lab for lab in labels if key and key in lab.casefold()]
    suggestions = list(dict.fromkeys(labels[c] for c in close))[:3]
    hint = (
        f"did you mean {', '.join(suggestions)}?"
        if suggestions
        else f"known: {', '.join(d.name for d in load_acquired())}"
    )
    raise InputError(f"no acquired disease named {name!r} in the knowledge base", hint=hint)


def therapies_for(disease_name: str) -> tuple[LabelTherapy, ...]:
    """The label therapy rows of a disease (name or alias), in file order; InputError if unknown."""
    disease = get_acquired_disease(disease_name)
    return tuple(t for t in load_label_therapies() if t.disease == disease.name)
