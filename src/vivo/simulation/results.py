"""The common result of a treatment simulation: a time course with its population band, the
published points to compare against, derived metrics and provenance.

Reports draw it and workflows serialise it; it holds only numbers and text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from vivo.simulation.ode import Band

__all__ = ["SCHEMA_VERSION", "PublishedPoint", "SimulationResult"]

SCHEMA_VERSION = "1"
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class PublishedPoint:
    """A published clinical value to overlay on a simulated course."""

    time: float
    value: float
    label: str
    source: str

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready record."""
        return {"time": self.time, "value": self.value, "label": self.label, "source": self.source}


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """What one ``vivo simulate`` run produced.

    ``typical`` is the typical patient's course; ``band`` the population median and 5–95 %
    band (None for a single typical patient).
    """

    kind: str
    product: str
    quantity: str
    unit: str
    time_unit: str
    time: FloatArray
    typical: FloatArray
    band: Band | None
    published: tuple[PublishedPoint, ...]
    metrics: Mapping[str, object]
    provenance: Mapping[str, object]
    notes: tuple[str, ...] = ()
    log_scale: bool = False
    series: Mapping[str, FloatArray] = field(default_factory=dict)

    def to_dict(self, *, include_series: bool = True) -> dict[str, object]:
        """JSON-ready record with ``schema_version``."""
        out: dict[str, object] = {
            "schema_version": SCHEMA_VERSION,
            "kind": self.kind,
            "product": self.product,
            "quantity": self.quantity,
            "unit": self.unit,
            "time_unit": self.time_unit,
            "metrics": dict(self.metrics),
            "published": [p.to_dict() for p in self.published],
            "provenance": dict(self.provenance),
            "notes": list(self.notes),
        }
        if include_series:
            out["time"] = self.time.tolist()
            out["typical"] = self.typical.tolist()
            out["band"] = self.band.to_dict() if self.band is not None else None
            out["series"] = {k: v.tolist() for k, v in self.series.items()}
        return out
