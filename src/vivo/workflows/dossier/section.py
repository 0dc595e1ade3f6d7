"""The values every dossier section builder shares: its inputs, its output and the result.

A builder takes a typed request (:mod:`vivo.planning.requests`), the immutable
:class:`DossierInputs` and whatever earlier section it depends on (passed explicitly), and
returns a :class:`Section`: the table it made and, for guide-making engines, the
:class:`SpacerSet` a later off-target section searches. :func:`vivo.workflows.dossier.build_section`
turns it into the :class:`SectionResult` that plan.json holds.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from vivo.core.errors import VivoError
from vivo.editing.nucleases import Nuclease
from vivo.genome.annotation import AnnotatedGenome
from vivo.planning.requests import SpacerSource
from vivo.variants.interpret import VariantInterpretation

__all__ = [
    "TOP_N",
    "DossierInputs",
    "Figure",
    "Section",
    "SectionResult",
    "SpacerSet",
    "Status",
    "Unavailable",
    "draw_figure",
    "short",
]

#: ``ok``: designs made; ``none_found``: the engine ran and no design meets the constraints
#: (the message says why); ``failed``: the engine refused the input (its error message);
#: ``unavailable``: the engine or model is not there (optional dependency, no calibrated
#: model, no earlier design to work on); ``needs_sequence``: the genome in use lacks the gene.
Status = Literal["ok", "none_found", "failed", "unavailable", "needs_sequence"]
TOP_N = 5


@dataclass(frozen=True, slots=True)
class Figure:
    """An image embedded in the dossier (base64, so the HTML report stays self-contained)."""

    caption: str
    mime: Literal["image/svg+xml", "image/png"]
    data: bytes

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form with the image as base64."""
        return {
            "caption": self.caption,
            "mime": self.mime,
            "data_base64": base64.b64encode(self.data).decode("ascii"),
        }


@dataclass(frozen=True, slots=True)
class SectionResult:
    """One design section of the dossier."""

    option_id: str
    engine: str
    title: str
    status: Status
    message: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    provenance: tuple[tuple[str, str], ...] = ()
    figures: tuple[Figure, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "option_id": self.option_id,
            "engine": self.engine,
            "title": self.title,
            "status": self.status,
            "message": self.message,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
            "provenance": dict(self.provenance),
            "figures": [f.to_dict() for f in self.figures],
        }


@dataclass(frozen=True, slots=True)
class DossierInputs:
    """What every section may read: the genome in use, the interpreted variant, the seed and
    the indexed genome for whole-genome off-target searches (``vivo genome add``)."""

    genome: AnnotatedGenome
    variant: VariantInterpretation | None
    seed: int = 0
    offtarget_genome: str | None = None
    offtarget_home: str | None = None


@dataclass(frozen=True, slots=True)
class SpacerSet:
    """The best spacers a guide-making section chose, best first, and their nuclease (a catalog
    name, or a base editor's Cas variant). ``patient_allele``: designed on the patient's allele
    (the genome in use with the variant applied), not on the genome in use."""

    source: SpacerSource
    gene: str
    nuclease: str | Nuclease
    spacers: tuple[str, ...]
    patient_allele: bool = False

    @property
    def nuclease_name(self) -> str:
        """The nuclease's name."""
        return self.nuclease if isinstance(self.nuclease, str) else self.nuclease.name


@dataclass(frozen=True, slots=True)
class Section:
    """What a builder returns: its table (``status`` ``ok`` or ``none_found``) and the
    spacers it chose, if it makes guides."""

    message: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    provenance: tuple[tuple[str, str], ...] = ()
    figures: tuple[Figure, ...] = ()
    spacers: SpacerSet | None = None
    status: Literal["ok", "none_found"] = "ok"


class Unavailable(Exception):
    """A builder cannot run here: its model or its input is not there (not a bug, not bad
    input). Only :func:`vivo.workflows.dossier.build_section` catches it."""


def draw_figure(caption: str, draw: Callable[[], bytes]) -> tuple[tuple[Figure, ...], str]:
    """An SVG figure, or none and a note saying why (the renderers raise a VivoError when
    their plotting library is missing or the format is unsupported)."""
    try:
        return (Figure(caption, "image/svg+xml", draw()),), ""
    except VivoError as exc:
        return (), f"; figure not drawn: {exc}"


def short(value: Any) -> str:
    """A compact text form of a metric (4 significant digits)."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return ", ".join(f"{k}={short(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(short(v) for v in value) + "]"
    return str(value)
