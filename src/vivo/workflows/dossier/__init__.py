"""Design sections of the dossier: one builder per design engine, dispatched on the request type.

:func:`build_sections` runs every design request of the options it is given, in order, and
passes what a later section needs from an earlier one explicitly (the spacers an off-target
section searches come from the option's guide, donor, base- or prime-editing section).
Builders read the immutable :class:`DossierInputs`; none shares mutable state with another.

What a section says when it does not show designs:

``needs_sequence``
    the genome in use lacks the gene (``--genome``/``--annotation`` needed);
``unavailable`` (``engine not available: ...``)
    the engine or model is not there: no calibrated model for the product, no interpreted
    variant, no earlier design in the option to work on;
``failed``
    the engine refused the input (a :class:`~vivo.core.errors.VivoError`: its message);
``none_found``
    the engine ran and no design meets its constraints (the message says why).

Any other exception is a bug in vivo and propagates: it is not turned into a message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import assert_never

from vivo.core.errors import VivoError
from vivo.planning.plan import Option
from vivo.planning.requests import (
    AsoDesign,
    BaseEditDesign,
    CarDesign,
    CassetteDesign,
    CollectionDesign,
    DesignRequest,
    DonorDesign,
    DoseDesign,
    GuideDesign,
    OffTargetDesign,
    PrimeEditDesign,
    SimulationDesign,
    SirnaDesign,
    SpacerSource,
)
from vivo.workflows.dossier.cassette import cassette_section
from vivo.workflows.dossier.cells import car_section, collection_section, dose_section
from vivo.workflows.dossier.editing import base_edit_section, donor_section, prime_edit_section
from vivo.workflows.dossier.guides import guide_section
from vivo.workflows.dossier.indexes import SiteIndexes
from vivo.workflows.dossier.offtargets import offtarget_section
from vivo.workflows.dossier.rna import rna_section
from vivo.workflows.dossier.section import (
    DossierInputs,
    Figure,
    Section,
    SectionResult,
    SpacerSet,
    Status,
    Unavailable,
)
from vivo.workflows.dossier.simulation import simulation_section

__all__ = [
    "DossierInputs",
    "Figure",
    "Section",
    "SectionResult",
    "SiteIndexes",
    "SpacerSet",
    "Status",
    "build_section",
    "build_sections",
]

Earlier = dict[tuple[SpacerSource, str], SpacerSet]
#: engines that design on the genome in use (the others ship or need no sequence)
_SEQUENCE_ENGINES = frozenset({"guides", "offtargets", "donor", "base_editing", "prime_editing"})


def _run(
    req: DesignRequest, inputs: DossierInputs, earlier: Earlier, indexes: SiteIndexes
) -> Section:
    match req:
        case GuideDesign():
            return guide_section(req, inputs, indexes)
        case OffTargetDesign():
            found = earlier.get((req.source, req.gene))
            return offtarget_section(req, inputs, found, indexes)
        case DonorDesign():
            return donor_section(req, inputs)
        case BaseEditDesign():
            return base_edit_section(req, inputs)
        case PrimeEditDesign():
            return prime_edit_section(req, inputs)
        case CassetteDesign():
            return cassette_section(req, inputs)
        case SimulationDesign():
            return simulation_section(req, inputs)
        case CollectionDesign():
            return collection_section(req, inputs)
        case CarDesign():
            return car_section(req, inputs)
        case DoseDesign():
            return dose_section(req, inputs)
        case SirnaDesign() | AsoDesign():
            return rna_section(req, inputs)
        case _:
            assert_never(req)


def build_section(
    req: DesignRequest,
    inputs: DossierInputs,
    *,
    option_id: str,
    sequence_available: bool,
    earlier: Iterable[SpacerSet] = (),
    indexes: SiteIndexes | None = None,
) -> tuple[SectionResult, SpacerSet | None]:
    """Run the engine of ``req``; return its section and the spacers it chose (if any).

    ``earlier`` holds the spacers chosen by the option's earlier sections (an off-target
    request searches the one matching its ``source`` and ``gene``). A VivoError becomes a
    ``failed`` section with its message; any other exception propagates.
    """
    if req.needs and not sequence_available:
        return SectionResult(
            option_id, req.engine, req.purpose, "needs_sequence",
            f"engine not run: it needs the {req.needs}",
        ), None  # fmt: skip
    if req.engine in _SEQUENCE_ENGINES and req.gene not in inputs.genome.annotation:
        return SectionResult(
            option_id, req.engine, req.purpose, "needs_sequence",
            f"engine not run: the genome in use ({inputs.genome.name}) does not contain "
            f"{req.gene}; pass --genome and --annotation with its sequence",
        ), None  # fmt: skip
    prior: Earlier = {(s.source, s.gene): s for s in earlier}
    try:
        s = _run(req, inputs, prior, indexes or SiteIndexes(inputs))
    except Unavailable as exc:
        return _message(option_id, req, "unavailable", f"engine not available: {exc}"), None
    except VivoError as exc:
        return _message(option_id, req, "failed", f"{req.engine} could not run: {exc}"), None
    result = SectionResult(
        option_id, req.engine, req.purpose, s.status, s.message,
        s.columns, s.rows, s.provenance, s.figures,
    )  # fmt: skip
    return result, s.spacers


def _message(option_id: str, req: DesignRequest, status: Status, text: str) -> SectionResult:
    return SectionResult(option_id, req.engine, req.purpose, status, text)


def build_sections(
    options: Iterable[Option],
    inputs: DossierInputs,
    *,
    sequence_available: bool,
    progress: Callable[[str, int, int, str], None] | None = None,
) -> tuple[SectionResult, ...]:
    """Every design section of ``options``, in order (designs of one option never feed
    another option's sections; the site indexes are shared by the whole dossier).

    ``progress(what, done, total, unit)`` is told before each section (for a progress bar).
    """
    indexes = SiteIndexes(inputs)
    out: list[SectionResult] = []
    options = tuple(options)
    total = sum(len(o.designs) for o in options)
    for option in options:
        spacers: list[SpacerSet] = []
        for req in option.designs:
            if progress is not None:
                progress(f"dossier: {req.engine} for {option.id}", len(out), total, "sections")
            result, chosen = build_section(
                req, inputs, option_id=option.id, sequence_available=sequence_available,
                earlier=spacers, indexes=indexes,
            )  # fmt: skip
            out.append(result)
            if chosen is not None:
                spacers.append(chosen)
    return tuple(out)
