"""Find the gene and cell therapy trials for a disease or gene (``vivo trials``, the dossier, web).

load (ClinicalTrials.gov API v2 or the cache) → parse (:func:`vivo.knowledge.trials.study_from_api`)
→ filter (modality, age, country: done by vivo, exactly) → :class:`TrialsResult`.

``mode``:

``online``
    ask the service, then write the complete answer to the cache (atomically);
``offline``
    read only the cache; no cached answer for this exact query is a :class:`DataError`;
``cache``
    the cached answer when there is one, else nothing (no network): what the dossier uses by
    default, so that ``vivo plan`` never needs the network.

The web app calls :func:`find_trials` with a :class:`TrialsRequest` and shows
:meth:`TrialsResult.to_dict`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from vivo.core.errors import DataError, FormatError, InputError, VivoError
from vivo.io.clinicaltrials import (
    CachedAnswer,
    ClientSettings,
    api_url,
    cache_file,
    fetch_studies,
    read_cache,
    write_cache,
)
from vivo.knowledge.trials import (
    DEFAULT_STATUSES,
    MODALITIES,
    Study,
    TrialQuery,
    filter_studies,
    study_from_api,
)

__all__ = ["SCHEMA_VERSION", "Mode", "TrialsRequest", "TrialsResult", "find_trials", "load_answer"]

SCHEMA_VERSION = "1.0"
Mode = Literal["online", "offline", "cache"]
AGE_RANGE_YEARS = (0.0, 120.0)


@dataclass(frozen=True, slots=True)
class TrialsRequest:
    """A trial search as the user asks it (statuses and phases as API v2 names)."""

    disease: str = ""
    gene: str = ""
    intervention: str = ""
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    phases: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    age_years: float | None = None
    countries: tuple[str, ...] = ()
    intervention_types: tuple[str, ...] = ("GENETIC", "BIOLOGICAL")
    mode: Mode = "online"
    api_url: str | None = None
    max_studies: int = 500
    timeout_s: float = 30.0

    def __post_init__(self) -> None:
        age = self.age_years
        if age is not None and (
            isinstance(age, bool)
            or not isinstance(age, int | float)
            or not math.isfinite(age)
            or not AGE_RANGE_YEARS[0] <= age <= AGE_RANGE_YEARS[1]
        ):
            raise InputError(f"age must be a number of years from 0 to 120, got {age!r}")
        for m in self.modalities:
            if m not in MODALITIES:
                raise InputError(f"unknown modality {m!r}", hint=f"choose from: "
                                 f"{', '.join(MODALITIES)}")  # fmt: skip
        if self.mode not in ("online", "offline", "cache"):
            raise InputError(f"unknown mode {self.mode!r}", hint="online, offline or cache")

    def query(self) -> TrialQuery:
        """The server-side part of the search."""
        return TrialQuery(
            condition=self.disease,
            term=self.gene,
            intervention=self.intervention,
            statuses=self.statuses,
            phases=self.phases,
            intervention_types=self.intervention_types,
            countries=self.countries,
        )

    def settings(self) -> ClientSettings:
        """The client settings (base URL resolved from ``api_url`` or the environment)."""
        return ClientSettings(
            base_url=api_url(self.api_url), timeout_s=self.timeout_s, max_studies=self.max_studies
        )


@dataclass(frozen=True, slots=True)
class TrialsResult:
    """The studies that pass the filters, and where and when they were retrieved."""

    request: TrialsRequest
    studies: tuple[Study, ...]
    fetched: int
    total_count: int | None
    truncated: bool
    source: Literal["online", "cache", "none"]
    retrieved: str
    age_days: float | None
    base_url: str
    skipped: tuple[str, ...] = ()  # malformed study records left out, with the reason
    notes: tuple[str, ...] = field(default=())

    def age_text(self) -> str:
        """``retrieved 2026-12-04T20:00:00+00:00 (3.2 days ago)``."""
        if self.source == "none" or self.age_days is None:
            return "no cached answer"
        return f"retrieved {self.retrieved} ({_days(self.age_days)} ago)"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``kind: vivo.trials``)."""
        r = self.request
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": "vivo.trials",
            "query": r.query().to_dict(),
            "filters": {
                "modalities": list(r.modalities),
                "age_years": r.age_years,
                "countries": list(r.countries),
            },
            "source": self.source,
            "base_url": self.base_url,
            "retrieved": self.retrieved,
            "age_days": None if self.age_days is None else round(self.age_days, 3),
            "fetched": self.fetched,
            "total_count": self.total_count,
            "truncated": self.truncated,
            "shown": len(self.studies),
            "skipped": list(self.skipped),
            "notes": list(self.notes),
            "studies": [s.to_dict() for s in self.studies],
        }


def _days(days: float) -> str:
    if days < 1 / 24:
        return f"{max(days * 1440, 0):.0f} min"
    if days < 2:
        return f"{days * 24:.1f} h"
    return f"{days:.1f} days"


def load_answer(
    req: TrialsRequest, *, progress: Callable[[int, int | None], None] | None = None
) -> CachedAnswer | None:
    """The raw answer for ``req`` by its mode (None: ``cache`` mode and nothing cached)."""
    return _load(req, progress)[0]


def _load(
    req: TrialsRequest, progress: Callable[[int, int | None], None] | None
) -> tuple[CachedAnswer | None, tuple[str, ...]]:
    """The answer and notes: an online answer the cache cannot keep is still returned."""
    settings = req.settings()
    query = req.query()
    path = cache_file(settings.base_url, query, settings.max_studies)
    if req.mode != "online":
        cached = read_cache(path)
        if cached is None and req.mode == "offline":
            raise DataError(
                "no cached ClinicalTrials.gov answer for this search (--offline reads only the "
                "cache)",
                hint="run the same search once without --offline",
            )
        return cached, ()
    answer = fetch_studies(query, settings, progress=progress)
    try:
        write_cache(answer, path)
    except (VivoError, OSError) as exc:  # the search succeeded: show it, say it is not kept
        why = exc.message if isinstance(exc, VivoError) else (exc.strerror or str(exc))
        return answer, (
            f"the answer was not cached ({why}): --offline and the dossier's cached trials "
            "will not find it; set VIVO_CACHE_DIR to a writable folder",
        )
    return answer, ()


def _parse(answer: CachedAnswer) -> tuple[list[Study], list[str]]:
    studies, skipped = [], []
    for i, raw in enumerate(answer.studies):
        try:
            studies.append(study_from_api(raw))
        except FormatError as exc:
            skipped.append(f"study {i + 1}: {exc}")
    return studies, skipped


def find_trials(
    req: TrialsRequest, *, progress: Callable[[int, int | None], None] | None = None
) -> TrialsResult:
    """Search ClinicalTrials.gov (or the cache) for ``req`` and filter the studies.

    Raises :class:`~vivo.core.errors.EngineError` when the service cannot be reached or
    answers an HTTP error, :class:`~vivo.core.errors.FormatError` for a malformed response and
    :class:`~vivo.core.errors.DataError` offline without a cached answer.
    """
    answer, cache_notes = _load(req, progress)
    base = req.settings().base_url
    if answer is None:
        return TrialsResult(req, (), 0, None, False, "none", "", None, base,
                            notes=("no cached answer for this search",))  # fmt: skip
    studies, skipped = _parse(answer)
    kept = filter_studies(
        studies, modalities=req.modalities, age_years=req.age_years, countries=req.countries
    )
    notes = list(cache_notes)
    if answer.truncated:
        notes.append(
            f"only the first {len(answer.studies)} of "
            f"{answer.total_count if answer.total_count is not None else 'more'} studies were "
            "fetched (raise --max to see more)"
        )
    if req.age_years is not None:
        notes.append("ages filtered by vivo from each record's minimum and maximum age "
                     "(a missing limit counts as no limit)")  # fmt: skip
        unread = [
            f"{st.nct_id} ({text!r})"
            for st in kept
            for text, years in ((st.min_age, st.min_age_years), (st.max_age, st.max_age_years))
            if text and years is None
        ]
        if unread:
            notes.append("age limits vivo could not read, kept as no limit: " + ", ".join(unread))
    return TrialsResult(
        request=req,
        studies=kept,
        fetched=len(studies),
        total_count=answer.total_count,
        truncated=answer.truncated,
        source="cache" if answer.from_cache else "online",
        retrieved=answer.retrieved,
        age_days=answer.age_days(),
        base_url=answer.base_url,
        skipped=tuple(skipped),
        notes=tuple(notes),
    )
