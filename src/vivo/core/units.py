"""Small unit helpers. Quantities carry their unit in their names (``dose_vg_per_kg``)."""

from __future__ import annotations

import math

from vivo.core.errors import InputError

__all__ = ["LN2", "half_life_to_rate", "rate_to_half_life", "require_positive"]

LN2 = math.log(2.0)


def require_positive(value: float, name: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` if it is finite and positive (or zero when allowed), else raise."""
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        need = "non-negative" if allow_zero else "positive"
        raise InputError(f"{name} must be a {need} finite number, got {value!r}")
    return value


def half_life_to_rate(half_life: float) -> float:
    """First-order rate constant from a half-life (same time unit, inverted)."""
    return LN2 / require_positive(half_life, "half-life")


def rate_to_half_life(rate: float) -> float:
    """Half-life from a first-order rate constant."""
    return LN2 / require_positive(rate, "rate constant")
