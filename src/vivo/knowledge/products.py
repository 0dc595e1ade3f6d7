"""Approved cell and gene therapy products: what they are, their current status and safety signals.

Three bundled files make the table (policy in ``data/SOURCES.md`` and ``docs/knowledge.md``):

- ``products.csv``: one row per product, descriptive fields and ``source_keys``;
- ``product_status.toml``: per product a typed :data:`ProductStatus` with the date it holds from
  (``as_of``) and the date it was checked, dated regulatory/business events and safety signals;
- ``product_sources.toml``: every cited source key with its kind (``agency``, ``label``,
  ``paper`` or ``company``) and URL. News sites, aggregators and trade press are not sources.

Values that none of a row's sources confirms are marked ``†`` in the CSV; the loader strips the
mark and lists the field in :attr:`Product.unverified_fields`. A CSV cell ``unknown`` loads as an
empty value listed in :attr:`Product.unknown_fields`. Rows whose descriptive fields have not been
re-checked since their secondary sources were removed (``verification = unchecked``) list their
construct fields as unverified too.

>>> p = get_product("Casgevy")
>>> p.modality, p.delivery, p.cell_source, p.target_genes[0], p.status
('gene_editing', 'ex_vivo', 'autologous', 'BCL11A', 'approved')
>>> get_product("Glybera").status, get_product("Elevidys").status
('not_renewed', 'restricted')
>>> [x.brand for x in find_products(target="F9")]
['Hemgenix', 'Beqvez']
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import tomllib
from dataclasses import dataclass, fields
from functools import cache
from typing import Any, Literal, get_args

from vivo.core.errors import DataError, FormatError, InputError
from vivo.knowledge.sources import Source, read_data_text

__all__ = [
    "EVENT_KINDS",
    "MODALITIES",
    "PRODUCT_STATUSES",
    "SIGNAL_KINDS",
    "SOURCE_KINDS",
    "Delivery",
    "Modality",
    "Product",
    "ProductStatus",
    "SafetySignal",
    "SourceRecord",
    "StatusEvent",
    "find_products",
    "get_product",
    "load_product_sources",
    "load_products",
    "parse_products",
]

Modality = Literal[
    "gene_addition",
    "gene_editing",
    "gene_modified_cell",
    "cell_therapy",
    "oncolytic_virus",
    "rna",
    "tissue_engineered",
]
MODALITIES: tuple[str, ...] = get_args(Modality)
Delivery = Literal["in_vivo", "ex_vivo", "n/a"]
CellSource = Literal["autologous", "allogeneic", "n/a"]

ProductStatus = Literal[
    "approved",  # authorised and available where it is authorised, label as approved
    "restricted",  # still authorised, but the label was narrowed or use restricted for safety
    "clinical_hold",  # the regulator has halted dosing (holds on the product's own trials)
    "suspended",  # distribution suspended at the regulator's request
    "divesting",  # the sponsor announced a sale or exit; product still authorised and supplied
    "divested",  # sold to another company (business event; authorisation unaffected)
    "discontinued",  # the sponsor stopped making or selling it (licences may remain)
    "withdrawn",  # marketing authorisation or product withdrawn from the market
    "not_renewed",  # marketing authorisation expired without renewal
    "unknown",  # not established from the cited sources
]
PRODUCT_STATUSES: tuple[str, ...] = get_args(ProductStatus)
SignalKind = Literal[
    "boxed_warning",
    "death",
    "clinical_hold",
    "label_restriction",
    "distribution_pause",
    "safety_communication",
]
SIGNAL_KINDS: tuple[str, ...] = get_args(SignalKind)
EventKind = Literal[
    "approval",
    "conditional_approval",
    "accelerated_approval",
    "indication_change",
    "rems_removed",
    "refusal",
    "withdrawal",
    "not_renewed",
    "discontinuation",
    "divestment",
    "sponsor_change",
]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)
SourceKind = Literal["agency", "label", "paper", "company"]
SOURCE_KINDS: tuple[str, ...] = get_args(SourceKind)
# Company statements are a source only for business events (divestment, discontinuation, ...).
BUSINESS_EVENTS = frozenset({"discontinuation", "divestment", "sponsor_change", "withdrawal"})
BUSINESS_STATUSES = frozenset({"divesting", "divested", "discontinued", "withdrawn"})

_UNVERIFIED = "†"
_UNKNOWN = "unknown"
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_TEXT_FIELDS = {
    "generic": "generic",
    "sponsor": "sponsor",
    "agency": "first_approval_agency",
    "first_approval_date": "first_approval_date",
    "other_approvals_status": "other_approvals_status",
    "indication": "indication_first",
    "modality_label": "modality",
    "delivery_label": "in_vivo_ex_vivo",
    "cell_source_label": "autologous_allogeneic",
    "vector": "vector",
    "target": "target_gene_or_antigen",
    "route": "route",
    "notes": "notes",
}
# Fields that only the removed secondary sources supported on rows marked ``unchecked``.
_CONSTRUCT_FIELDS = ("vector", "target", "route", "notes", "cell_source_label", "delivery_label")
_COLUMNS = (
    *_TEXT_FIELDS.values(),
    "brand",
    "source_keys",
    "modality_class",
    "delivery",
    "cell_source_class",
    "vector_class",
    "target_genes",
    "verification",
)
_VERIFICATION = ("peer_reviewed", "unchecked")
_PLACEHOLDERS = ("not in source", "not stated", "n.d.", "tbd", "?")


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """A cited source with its kind: ``agency``, ``label``, ``paper`` or ``company``."""

    key: str
    kind: SourceKind
    url: str
    title: str

    def source(self) -> Source:
        """The plain :class:`Source` (key and URL) used across vivo."""
        return Source(self.key, self.url)


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """A dated regulatory or business event (approval, withdrawal, divestment, ...)."""

    date: str
    region: str
    kind: EventKind
    summary: str
    sources: tuple[Source, ...]
    verified: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "date": self.date,
            "region": self.region,
            "kind": self.kind,
            "summary": self.summary,
            "sources": [s.to_dict() for s in self.sources],
            "verified": self.verified,
        }


@dataclass(frozen=True, slots=True)
class SafetySignal:
    """A safety signal: boxed warning, deaths, clinical hold, label restriction, ..."""

    kind: SignalKind
    summary: str
    date: str
    sources: tuple[Source, ...]
    verified: bool

    def text(self) -> str:
        """One line: ``boxed warning (2025-11-14): ...``, marked when unverified."""
        mark = "" if self.verified else " [unverified]"
        return f"{self.kind.replace('_', ' ')} ({self.date}){mark}: {self.summary}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "kind": self.kind,
            "summary": self.summary,
            "date": self.date,
            "sources": [s.to_dict() for s in self.sources],
            "verified": self.verified,
        }


@dataclass(frozen=True, slots=True)
class Product:
    """An approved product (first approval anywhere) with its current status and safety signals.

    ``status`` holds from ``status_as_of`` (the latest dated evidence the cited sources give) and
    was reviewed on ``status_checked``; ``status_verified`` is False when the status rests on a
    record that was not read in that review.
    """

    brand: str
    generic: str
    sponsor: str
    agency: str
    first_approval_date: str
    other_approvals_status: str
    indication: str
    modality: Modality
    modality_label: str
    delivery: Delivery
    delivery_label: str
    cell_source: CellSource
    cell_source_label: str
    vector: str
    vector_class: str
    target: str
    target_genes: tuple[str, ...]
    route: str
    notes: str
    verification: str
    sources: tuple[Source, ...]
    unverified_fields: tuple[str, ...]
    unknown_fields: tuple[str, ...]
    status: ProductStatus
    status_as_of: str
    status_checked: str
    status_verified: bool
    status_summary: str
    status_sources: tuple[Source, ...]
    events: tuple[StatusEvent, ...]
    safety: tuple[SafetySignal, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Every brand name of the product (regional brands split), lower-case."""
        parts = [p.split("(")[0].strip().lower() for p in self.brand.split(" / ")]
        return (self.brand.lower(), *parts)

    @property
    def is_current(self) -> bool:
        """False when withdrawn, discontinued or not renewed everywhere."""
        return self.status not in ("withdrawn", "discontinued", "not_renewed")

    def status_line(self) -> str:
        """``restricted (as of 2025-11-14)``, marked when the status is unverified."""
        mark = "" if self.status_verified else ", unverified"
        return f"{self.status.replace('_', ' ')} (as of {self.status_as_of}{mark})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        d: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        d["target_genes"] = list(self.target_genes)
        d["unverified_fields"] = list(self.unverified_fields)
        d["unknown_fields"] = list(self.unknown_fields)
        d["sources"] = [s.to_dict() for s in self.sources]
        d["status_sources"] = [s.to_dict() for s in self.status_sources]
        d["events"] = [e.to_dict() for e in self.events]
        d["safety"] = [s.to_dict() for s in self.safety]
        return d


# ---------------------------------------------------------------------------------------------
# parsing


def _check_date(value: str, where: str, *, path: str, line: int | None = None) -> str:
    if not _DATE.match(value):
        raise FormatError(
            f"{where}: date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD",
            path=path,
            line=line,
            hint="dates are ISO with the precision the source gives",
        )
    return value


def parse_sources(text: str, *, path: str = "product_sources.toml") -> dict[str, SourceRecord]:
    """Parse the source registry; every record needs a known kind and an http(s) URL."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FormatError(f"not valid TOML: {exc}", path=path) from exc
    out: dict[str, SourceRecord] = {}
    for i, e in enumerate(data.get("source", []), start=1):
        key, kind, url = e.get("key", ""), e.get("kind", ""), e.get("url", "")
        where = f"source #{i} ({key or 'no key'})"
        if not key or key in out:
            raise FormatError(f"{where}: empty or duplicate key", path=path)
        if kind not in SOURCE_KINDS:
            raise FormatError(
                f"{where}: kind {kind!r} is not a source kind",
                path=path,
                hint=f"one of {', '.join(SOURCE_KINDS)}; news and aggregators are not sources",
            )
        if not url.startswith(("https://", "http://")):
            raise FormatError(f"{where}: url {url!r} is not an http(s) URL", path=path)
        out[key] = SourceRecord(key, kind, url, e.get("title", ""))
    return out


def _lookup(
    keys: list[str], registry: dict[str, SourceRecord], where: str, path: str, line: int | None
) -> tuple[SourceRecord, ...]:
    missing = [k for k in keys if k not in registry]
    if missing:
        raise FormatError(
            f"{where}: unknown source key(s) {', '.join(missing)}",
            path=path,
            line=line,
            hint="every key must be registered in product_sources.toml",
        )
    return tuple(registry[k] for k in keys)


def _product_row(
    row: dict[str, str], line: int, registry: dict[str, SourceRecord], path: str
) -> dict[str, Any]:
    brand = row["brand"].strip()
    where = f"product {brand or '(no brand)'}"
    if not brand:
        raise FormatError("row without a brand", path=path, line=line)
    text: dict[str, str] = {}
    unverified: list[str] = []
    unknown: list[str] = []
    for field_name, column in _TEXT_FIELDS.items():
        value = row[column].strip()
        low = value.replace(_UNVERIFIED, "").strip().lower()
        if any(p in low for p in _PLACEHOLDERS[:2]) or low in _PLACEHOLDERS[2:] or value == "†":
            raise FormatError(
                f"{where}: placeholder {value!r} in column {column!r}",
                path=path,
                line=line,
                hint="give the value from the label or write 'unknown'",
            )
        if low == _UNKNOWN:
            unknown.append(field_name)
            text[field_name] = ""
            continue
        if _UNVERIFIED in value:
            unverified.append(field_name)
        text[field_name] = value.replace(_UNVERIFIED, "").strip()
    verification = row["verification"].strip()
    if verification not in _VERIFICATION:
        raise FormatError(
            f"{where}: verification {verification!r}",
            path=path,
            line=line,
            hint=f"one of {', '.join(_VERIFICATION)}",
        )
    if verification == "unchecked":
        unverified += [f for f in _CONSTRUCT_FIELDS if text[f] and f not in unverified]
    checks = {
        "modality_class": MODALITIES,
        "delivery": get_args(Delivery),
        "cell_source_class": get_args(CellSource),
    }
    for column, allowed in checks.items():
        if row[column] not in allowed:
            raise FormatError(
                f"{where}: {column} {row[column]!r} is not in the vocabulary",
                path=path,
                line=line,
                hint=f"one of {', '.join(allowed)}",
            )
    keys = row["source_keys"].split()
    if not keys:
        raise FormatError(f"{where}: no source keys", path=path, line=line)
    records = _lookup(keys, registry, where, path, line)
    if any(r.kind == "company" for r in records):
        raise FormatError(
            f"{where}: a company statement cannot source descriptive fields",
            path=path,
            line=line,
            hint="company sources are for business events in product_status.toml",
        )
    return {
        "brand": brand,
        "modality": row["modality_class"],
        "delivery": row["delivery"],
        "cell_source": row["cell_source_class"],
        "vector_class": row["vector_class"].strip() or _UNKNOWN,
        "target_genes": tuple(row["target_genes"].split()),
        "verification": verification,
        "sources": tuple(r.source() for r in records),
        "unverified_fields": tuple(unverified),
        "unknown_fields": tuple(unknown),
        **text,
    }


def _dated_sources(
    entry: dict[str, Any],
    registry: dict[str, SourceRecord],
    where: str,
    path: str,
    *,
    business: bool,
) -> tuple[tuple[Source, ...], bool]:
    verified = entry.get("verified")
    if not isinstance(verified, bool):
        raise FormatError(f"{where}: 'verified' must be true or false", path=path)
    records = _lookup(list(entry.get("sources", [])), registry, where, path, None)
    if verified and not records:
        raise FormatError(
            f"{where}: verified but no source",
            path=path,
            hint="cite a regulator, label, peer-reviewed or company source, or verified = false",
        )
    if not records and not entry.get("summary"):
        raise FormatError(f"{where}: an unverified entry needs a summary saying why", path=path)
    if not business and any(r.kind == "company" for r in records):
        raise FormatError(
            f"{where}: a company statement is a source only for business events",
            path=path,
            hint="cite the regulator, the label or a peer-reviewed paper",
        )
    return tuple(r.source() for r in records), verified


def parse_status(
    text: str, registry: dict[str, SourceRecord], *, path: str = "product_status.toml"
) -> dict[str, dict[str, Any]]:
    """Parse the status file into keyword arguments of :class:`Product`, keyed by brand."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FormatError(f"not valid TOML: {exc}", path=path) from exc
    out: dict[str, dict[str, Any]] = {}
    for p in data.get("product", []):
        brand = p.get("brand", "")
        where = f"status of {brand or '(no brand)'}"
        if not brand or brand in out:
            raise FormatError(f"{where}: empty or duplicate brand", path=path)
        status = p.get("status", "")
        if status not in PRODUCT_STATUSES:
            raise FormatError(
                f"{where}: status {status!r} is not in the vocabulary",
                path=path,
                hint=f"one of {', '.join(PRODUCT_STATUSES)}",
            )
        as_of = _check_date(str(p.get("as_of", "")), f"{where} as_of", path=path)
        checked = _check_date(str(p.get("checked", "")), f"{where} checked", path=path)
        if as_of > checked:
            raise FormatError(f"{where}: as_of {as_of} is after checked {checked}", path=path)
        sources, verified = _dated_sources(
            p, registry, where, path, business=status in BUSINESS_STATUSES
        )
        if not sources:
            raise FormatError(f"{where}: a status needs at least one source", path=path)
        events = []
        for e in p.get("event", []):
            ew = f"{where}, event {e.get('date', '?')}"
            if e.get("kind") not in EVENT_KINDS:
                raise FormatError(
                    f"{ew}: kind {e.get('kind')!r}", path=path, hint=", ".join(EVENT_KINDS)
                )
            es, ev = _dated_sources(e, registry, ew, path, business=e["kind"] in BUSINESS_EVENTS)
            date = _check_date(str(e.get("date", "")), ew, path=path)
            events.append(StatusEvent(date, e.get("region", ""), e["kind"], e["summary"], es, ev))
        signals = []
        for s in p.get("signal", []):
            sw = f"{where}, signal {s.get('date', '?')}"
            if s.get("kind") not in SIGNAL_KINDS:
                raise FormatError(
                    f"{sw}: kind {s.get('kind')!r}", path=path, hint=", ".join(SIGNAL_KINDS)
                )
            ss, sv = _dated_sources(s, registry, sw, path, business=False)
            date = _check_date(str(s.get("date", "")), sw, path=path)
            signals.append(SafetySignal(s["kind"], s["summary"], date, ss, sv))
        out[brand] = {
            "status": status,
            "status_as_of": as_of,
            "status_checked": checked,
            "status_verified": verified,
            "status_summary": p.get("summary", ""),
            "status_sources": sources,
            "events": tuple(sorted(events, key=lambda x: x.date)),
            "safety": tuple(sorted(signals, key=lambda x: x.date)),
        }
    return out


def parse_products(
    csv_text: str,
    status_text: str,
    sources_text: str,
    *,
    csv_path: str = "products.csv",
) -> tuple[Product, ...]:
    """Build the products from the three files' texts; any malformed row is a FormatError."""
    registry = parse_sources(sources_text)
    status = parse_status(status_text, registry)
    reader = csv.DictReader(io.StringIO(csv_text))
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise FormatError(f"missing column(s) {', '.join(missing)}", path=csv_path, line=1)
    out: list[Product] = []
    for line, row in enumerate(reader, start=2):
        if None in row or any(v is None for v in row.values()):
            raise FormatError("wrong number of fields", path=csv_path, line=line)
        fields_ = _product_row(row, line, registry, csv_path)
        brand = fields_["brand"]
        if brand not in status:
            raise FormatError(
                f"product {brand}: no status in product_status.toml",
                path=csv_path,
                line=line,
                hint="every product needs a dated status",
            )
        out.append(Product(**fields_, **status.pop(brand)))
    if status:
        raise FormatError(
            f"status for unknown product(s) {', '.join(status)}", path="product_status.toml"
        )
    return tuple(out)


@cache
def load_product_sources() -> dict[str, SourceRecord]:
    """The bundled source registry, keyed by source key."""
    return parse_sources(read_data_text("product_sources.toml"))


@cache
def load_products() -> tuple[Product, ...]:
    """Every bundled product, in file order."""
    try:
        return parse_products(
            read_data_text("products.csv"),
            read_data_text("product_status.toml"),
            read_data_text("product_sources.toml"),
        )
    except FormatError as exc:  # pragma: no cover - caught by the tests
        raise DataError(f"bundled knowledge data is malformed: {exc}") from exc


# ---------------------------------------------------------------------------------------------
# queries


def find_products(
    *,
    modality: str | None = None,
    target: str | None = None,
    delivery: str | None = None,
    vector: str | None = None,
    current_only: bool = False,
) -> list[Product]:
    """Products matching every given filter (case-insensitive).

    ``target`` matches a gene symbol in :attr:`Product.target_genes` or a word of the target text;
    ``vector`` matches the start of the vector class (``AAV`` matches ``AAV5``).
    """
    if modality is not None and modality not in MODALITIES:
        raise InputError(f"unknown modality {modality!r}", hint=f"one of {', '.join(MODALITIES)}")
    out = []
    for p in load_products():
        if modality and p.modality != modality:
            continue
        if delivery and p.delivery != delivery:
            continue
        if vector and not p.vector_class.lower().startswith(vector.lower()):
            continue
        if target and not _matches_target(p, target):
            continue
        if current_only and not p.is_current:
            continue
        out.append(p)
    return out


def _matches_target(p: Product, target: str) -> bool:
    t = target.lower()
    return (
        t in (g.lower() for g in p.target_genes) or t in p.target.lower().replace("(", " ").split()
    )


def get_product(name: str) -> Product:
    """The product with brand (or regional brand) ``name``, case-insensitive."""
    key = name.strip().lower()
    for p in load_products():
        if key in p.names:
            return p
    brands = [p.brand for p in load_products()]
    close = difflib.get_close_matches(name, brands, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else "see `vivo kb products`"
    raise InputError(f"no product named {name!r} in the knowledge base", hint=hint)
