"""Guide ranking: a documented, weighted composite of efficiency, specificity, flags and distance.

Each component lies in [0, 1] (higher is better):

- **efficiency**: the mean of the guide's normalised on-target scores (Rule Set 1 as is,
  CRISPRscan clipped to [0, 1], Rule Set 3 through the standard normal CDF); missing when no
  model scored the guide;
- **specificity**: supplied by the caller per guide (e.g. a CFD or MIT aggregate from the
  off-target engine); until then it is *not computed* and left out;
- **flags**: ``1 − min(1, Σ penalty)`` over the guide's flags (:data:`FLAG_PENALTIES`);
- **distance**: ``2 ** (−d / half_distance_bp)`` for ``d`` bases between the cut and the
  target; missing when no target was given.

``composite = Σ w_i·c_i / Σ w_i`` over the components that are present, so a missing
component neither rewards nor punishes a guide; the weights used are reported with every
ranked guide.

>>> from vivo.editing.guides import Guide
>>> from vivo.core.coords import Interval, Strand
>>> g = Guide("A" * 20, "AGG", Strand.PLUS, "c", Interval(0, 20), Interval(20, 23), 17, "SpCas9",
...           scores=(("ruleset1", 0.8),), flags=("repeat",), target_distance_bp=10)
>>> r = rank_guides([g])[0]
>>> r.efficiency, r.flag_score, r.distance_score, r.specificity
(0.8, 0.5, 0.5, None)
>>> round(r.composite, 4)  # (1*0.8 + 0.5*0.5 + 0.5*0.5) / 2
0.65
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from vivo.core.errors import InputError
from vivo.editing.guides import Guide

__all__ = [
    "FLAG_PENALTIES",
    "RankedGuide",
    "RankingWeights",
    "SpecificityHook",
    "rank_guides",
]

#: Penalty per flag (summed, capped at 1). ``site:*`` flags use the ``site`` entry.
FLAG_PENALTIES: Mapping[str, float] = MappingProxyType(
    {
        "poly_t": 1.0,  # TTTT terminates U6 (Pol III) transcription
        "n_bases": 1.0,
        "repeat": 0.5,
        "alt_pam": 0.5,
        "site": 0.5,
        "low_gc": 0.25,
        "high_gc": 0.25,
        "context_truncated": 0.0,
        "unscored": 0.0,
    }
)

#: A per-guide specificity in [0, 1] (``None`` = not computed for that guide), or a mapping
#: from :attr:`Guide.guide_id` or spacer to such a value.
SpecificityHook = Callable[[Guide], float | None] | Mapping[str, float]


@dataclass(frozen=True, slots=True)
class RankingWeights:
    """Weights of the composite (any non-negative numbers; they are normalised)."""

    efficiency: float = 1.0
    specificity: float = 1.0
    flags: float = 0.5
    distance: float = 0.5
    half_distance_bp: float = 10.0

    def __post_init__(self) -> None:
        for name in ("efficiency", "specificity", "flags", "distance"):
            if getattr(self, name) < 0:
                raise InputError(f"ranking weight {name} must be >= 0")
        if self.half_distance_bp <= 0:
            raise InputError("half_distance_bp must be > 0")

    @classmethod
    def parse(cls, text: str) -> RankingWeights:
        """``"efficiency=1,specificity=2"`` (unnamed weights keep their defaults).

        >>> RankingWeights.parse("efficiency=2, distance=0").distance
        0.0
        """
        values: dict[str, float] = {}
        for item in filter(None, (p.strip() for p in text.split(","))):
            key, sep, value = item.partition("=")
            if not sep or key.strip() not in cls.__dataclass_fields__:
                raise InputError(
                    f"cannot read ranking weight {item!r}",
                    hint="write name=value with names " + ", ".join(cls.__dataclass_fields__),
                )
            try:
                values[key.strip()] = float(value)
            except ValueError:
                raise InputError(f"ranking weight {item!r} is not a number") from None
        return cls(**values)

    def to_dict(self) -> dict[str, float]:
        """The weights as a JSON-ready mapping."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class RankedGuide:
    """A guide with its rank, composite and components (``None`` = not available)."""

    rank: int
    guide: Guide
    composite: float
    efficiency: float | None
    specificity: float | None
    flag_score: float
    distance_score: float | None
    weights: RankingWeights = field(default_factory=RankingWeights)

    @property
    def specificity_status(self) -> str:
        """``"computed"`` or ``"not computed"``."""
        return "not computed" if self.specificity is None else "computed"

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready record: the guide plus the ranking fields."""
        return {
            "rank": self.rank,
            **self.guide.to_dict(),
            "composite": round(self.composite, 6),
            "efficiency": _round(self.efficiency),
            "specificity": _round(self.specificity)
            if self.specificity is not None
            else "not computed",
            "flag_score": round(self.flag_score, 6),
            "distance_score": _round(self.distance_score),
        }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def efficiency_of(guide: Guide) -> float | None:
    """Mean normalised efficiency of the guide's scores (``None`` if none)."""
    from vivo.editing.scoring import MODELS

    values = [
        MODELS[name].normalize(value)
        for name, value in guide.scores
        if value is not None and name in MODELS and MODELS[name].kind == "efficiency"
    ]
    return sum(values) / len(values) if values else None


def flag_score_of(guide: Guide) -> float:
    """``1 − min(1, Σ penalties)`` over the guide's flags."""
    total = sum(FLAG_PENALTIES.get(flag.split(":", 1)[0], 0.0) for flag in guide.flags)
    return 1.0 - min(1.0, total)


def _specificity(guide: Guide, hook: SpecificityHook | None) -> float | None:
    if hook is None:
        return None
    if isinstance(hook, Mapping):
        value = hook.get(guide.guide_id, hook.get(guide.spacer))
    else:
        value = hook(guide)
    if value is not None and not 0.0 <= value <= 1.0:
        raise InputError(f"specificity {value} of {guide.guide_id} is outside [0, 1]")
    return value


def rank_guides(
    guides: Iterable[Guide],
    *,
    weights: RankingWeights | None = None,
    specificity: SpecificityHook | None = None,
) -> list[RankedGuide]:
    """Rank guides by the weighted composite, best first (ties: by position).

    Parameters
    ----------
    guides:
        Guides, usually scored with :func:`~vivo.editing.scoring.score_guides`.
    weights:
        Component weights (default :class:`RankingWeights`).
    specificity:
        The off-target hook: a callable returning a per-guide specificity in [0, 1] (or
        ``None``), or a mapping from guide id / spacer to one. Without it specificity is
        "not computed" and drops out of the composite.
    """
    w = weights or RankingWeights()
    rows = []
    for guide in guides:
        eff = efficiency_of(guide)
        spec = _specificity(guide, specificity)
        flag = flag_score_of(guide)
        dist = None
        if guide.target_distance_bp is not None:
            dist = 2.0 ** (-guide.target_distance_bp / w.half_distance_bp)
        parts = [(w.efficiency, eff), (w.specificity, spec), (w.flags, flag), (w.distance, dist)]
        present = [(wt, v) for wt, v in parts if v is not None and wt > 0]
        total = sum(wt for wt, _ in present)
        composite = sum(wt * v for wt, v in present) / total if total else 0.0
        rows.append((composite, guide, eff, spec, flag, dist))
    rows.sort(key=lambda r: (-r[0], r[1].contig, r[1].protospacer.start, r[1].strand.value))
    return [
        RankedGuide(i, guide, comp, eff, spec, flag, dist, w)
        for i, (comp, guide, eff, spec, flag, dist) in enumerate(rows, start=1)
    ]
