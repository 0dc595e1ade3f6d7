"""Non-compartmental analysis (NCA): Cmax, Tmax, AUC over a window, growth doubling time and
half-lives from log-linear regression, in the vocabulary of drug labels.

Examples
--------
>>> import numpy as np
>>> t = np.linspace(0.0, 10.0, 101)
>>> r = compute_nca(t, 100.0 * np.exp(-0.1 * t), auc_window_d=(0.0, 10.0))
>>> round(r.cmax, 1), r.tmax_d, round(r.terminal_half_life_d, 3)
(100.0, 0.0, 6.931)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from vivo.core.errors import InputError

__all__ = ["NcaResult", "auc", "compute_nca", "log_linear_half_life"]

FloatArray = NDArray[np.float64]
AucMethod = Literal["linear", "linear-up-log-down"]


@dataclass(frozen=True, slots=True)
class NcaResult:
    """Non-compartmental metrics of one concentration–time profile (time in days)."""

    cmax: float
    tmax_d: float
    auc: float
    auc_window_d: tuple[float, float]
    terminal_half_life_d: float
    clast: float
    tlast_d: float

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready record."""
        return {
            "cmax": self.cmax,
            "tmax_d": self.tmax_d,
            "auc": self.auc,
            "auc_window_d": list(self.auc_window_d),
            "terminal_half_life_d": self.terminal_half_life_d,
            "clast": self.clast,
            "tlast_d": self.tlast_d,
        }


def _arrays(time: FloatArray, conc: FloatArray) -> tuple[FloatArray, FloatArray]:
    t = np.asarray(time, dtype=np.float64)
    c = np.asarray(conc, dtype=np.float64)
    if t.ndim != 1 or t.shape != c.shape or t.size < 2:
        raise InputError("time and concentration must be 1-D arrays of equal length (>= 2)")
    if np.any(np.diff(t) <= 0):
        raise InputError("times must be strictly increasing")
    if np.any(~np.isfinite(c)) or np.any(c < 0):
        raise InputError("concentrations must be finite and non-negative")
    return t, c


def auc(
    time: FloatArray,
    conc: FloatArray,
    *,
    window: tuple[float, float] | None = None,
    method: AucMethod = "linear",
) -> float:
    """Area under the curve by the trapezoidal rule, optionally limited to a time window.

    ``linear-up-log-down`` uses the log trapezoid on falling segments (the usual NCA choice
    for exponential decline). Window ends between samples are linearly interpolated.

    Examples
    --------
    >>> auc(np.array([0.0, 1.0, 2.0]), np.array([0.0, 2.0, 2.0]))
    3.0
    """
    t, c = _arrays(time, conc)
    if window is not None:
        a, b = window
        if not t[0] <= a < b <= t[-1]:
            raise InputError(f"AUC window {window} must lie within [{t[0]}, {t[-1]}]")
        inner = (t > a) & (t < b)
        t_new = np.concatenate([[a], t[inner], [b]])
        c = np.interp(t_new, t, c)
        t = t_new
    dt = np.diff(t)
    c0, c1 = c[:-1], c[1:]
    lin = 0.5 * (c0 + c1) * dt
    if method == "linear":
        return float(lin.sum())
    falling = (c1 < c0) & (c1 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log = np.where(falling, (c0 - c1) * dt / np.log(np.where(falling, c0 / c1, 2.0)), lin)
    return float(log.sum())


def log_linear_half_life(time: FloatArray, conc: FloatArray) -> float:
    """Half-life from the least-squares slope of ln(concentration) against time.

    A negative slope gives a half-life; a positive slope gives ``-doubling time``. Points
    with zero concentration are ignored.

    Examples
    --------
    >>> t = np.array([0.0, 1.0, 2.0])
    >>> round(log_linear_half_life(t, 8.0 * 0.5 ** t), 6)
    1.0
    """
    t, c = _arrays(time, conc)
    keep = c > 0
    if keep.sum() < 2:
        raise InputError("need at least two positive concentrations for a half-life")
    slope = float(np.polyfit(t[keep], np.log(c[keep]), 1)[0])
    if slope == 0:
        return math.inf
    return -math.log(2.0) / slope


def compute_nca(
    time: FloatArray,
    conc: FloatArray,
    *,
    auc_window_d: tuple[float, float] = (0.0, 28.0),
    terminal_points: int = 3,
    method: AucMethod = "linear",
) -> NcaResult:
    """Cmax, Tmax, AUC over ``auc_window_d`` and terminal half-life of one profile.

    The terminal half-life is the log-linear regression over the last ``terminal_points``
    positive samples after Tmax (NaN when fewer remain).
    """
    t, c = _arrays(time, conc)
    if terminal_points < 2:
        raise InputError("terminal_points must be at least 2")
    i = int(np.argmax(c))
    post = np.nonzero((t > t[i]) & (c > 0))[0]
    half = math.nan
    if post.size >= terminal_points:
        idx = post[-terminal_points:]
        half = log_linear_half_life(t[idx], c[idx])
    last = int(np.nonzero(c > 0)[0][-1]) if np.any(c > 0) else 0
    window = (max(auc_window_d[0], float(t[0])), min(auc_window_d[1], float(t[-1])))
    return NcaResult(
        cmax=float(c[i]),
        tmax_d=float(t[i]),
        auc=auc(t, c, window=window, method=method),
        auc_window_d=window,
        terminal_half_life_d=half,
        clast=float(c[last]),
        tlast_d=float(t[last]),
    )
