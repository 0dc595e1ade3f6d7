"""Shared simulation machinery: parameters with units and sources, a stiff-capable ODE solve
with phase switches, bolus doses and stop events, seeded virtual populations and percentile
bands.

Every model in :mod:`vivo.simulation` describes its parameters with :class:`Parameter` (value,
unit, source, between-patient variability) and integrates with :func:`solve_ode`, which
wraps :func:`scipy.integrate.solve_ivp` and integrates piece by piece between switch and dose
times so that discontinuities never fall inside a step.

Examples
--------
>>> import numpy as np
>>> traj = solve_ode(lambda t, y, phase: -0.5 * y, [1.0], np.array([0.0, 2.0]), states=("x",))
>>> round(float(traj.state("x")[-1]), 4)
0.3679
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import solve_ivp

from vivo.core.errors import EngineError, InputError

__all__ = [
    "Band",
    "Dose",
    "IivScale",
    "Parameter",
    "Trajectory",
    "sample_lognormal",
    "solve_ode",
    "summarize_bands",
]

FloatArray = NDArray[np.float64]
Rhs = Callable[[float, FloatArray, int], FloatArray]
IivScale = Literal["variance", "sd"]
Method = Literal["LSODA", "BDF", "Radau", "RK45", "DOP853"]


@dataclass(frozen=True, slots=True)
class Parameter:
    """A model parameter: typical value with unit, source and between-patient variability.

    ``omega`` is the log-scale standard deviation of log-normal between-patient variability
    (individual value = typical × exp(η), η ~ N(0, ω²)); 0 means no variability.
    """

    name: str
    value: float
    unit: str
    source: str
    omega: float = 0.0
    description: str = ""

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready record."""
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "omega": self.omega,
            "source": self.source,
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class Dose:
    """A bolus: ``amount`` is added to state ``state`` at ``time`` (model time unit)."""

    time: float
    state: str
    amount: float


@dataclass(frozen=True, slots=True)
class Trajectory:
    """States over time: ``values[i, j]`` is state ``states[i]`` at ``time[j]``."""

    time: FloatArray
    values: FloatArray
    states: tuple[str, ...]
    method: str
    stopped_at: float | None = None

    def state(self, name: str) -> FloatArray:
        """The time course of one state."""
        if name not in self.states:
            raise InputError(f"unknown state {name!r}", hint=f"states are {list(self.states)}")
        row: FloatArray = self.values[self.states.index(name)]
        return row


@dataclass(frozen=True, slots=True)
class Band:
    """Percentile summary over a population: ``lower``/``median``/``upper`` at each time."""

    time: FloatArray
    lower: FloatArray
    median: FloatArray
    upper: FloatArray
    lower_pct: float = 5.0
    upper_pct: float = 95.0
    extra: Mapping[str, FloatArray] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready record (lists of floats)."""
        return {
            "time": self.time.tolist(),
            "median": self.median.tolist(),
            f"p{self.lower_pct:g}": self.lower.tolist(),
            f"p{self.upper_pct:g}": self.upper.tolist(),
        }


def _check_times(t_eval: FloatArray) -> FloatArray:
    t = np.asarray(t_eval, dtype=np.float64)
    if t.ndim != 1 or t.size < 1 or not np.all(np.isfinite(t)):
        raise InputError("output times must be a non-empty 1-D array of finite numbers")
    if np.any(np.diff(t) < 0):
        raise InputError("output times must be sorted in increasing order")
    return t


def _breakpoints(
    t0: float, t1: float, switch_times: Sequence[float], doses: Sequence[Dose]
) -> list[float]:
    inner = {float(s) for s in switch_times} | {float(d.time) for d in doses}
    return [t0, *sorted(x for x in inner if t0 < x < t1), t1]


def _segment(
    rhs: Rhs,
    y: FloatArray,
    span: tuple[float, float],
    *,
    phase: int,
    method: Method,
    tol: tuple[float, float],
    stop: Callable[[float, FloatArray], float] | None,
    jac_sparsity: object | None = None,
) -> tuple[float, Callable[[FloatArray], FloatArray], bool]:
    """Integrate one smooth piece; return its end time, dense output and whether stopped."""
    events = None
    if stop is not None:

        def event(t: float, yy: FloatArray) -> float:
            return stop(t, yy)

        event.terminal = True  # type: ignore[attr-defined]
        events = [event]
    sol = solve_ivp(
        lambda t, yy: rhs(t, yy, phase),
        span,
        y,
        method=method,
        rtol=tol[0],
        atol=tol[1],
        dense_output=True,
        events=events,
        **({"jac_sparsity": jac_sparsity} if jac_sparsity is not None else {}),
    )
    if sol.status < 0:
        raise EngineError(f"ODE solver failed ({method}): {sol.message}")
    return float(sol.t[-1]), sol.sol, sol.status == 1


def solve_ode(
    rhs: Rhs,
    y0: Sequence[float] | FloatArray,
    t_eval: FloatArray,
    *,
    states: Sequence[str],
    switch_times: Sequence[float] = (),
    doses: Sequence[Dose] = (),
    stop: Callable[[float, FloatArray], float] | None = None,
    method: Method = "LSODA",
    rtol: float = 1e-8,
    atol: float = 1e-10,
    jac_sparsity: object | None = None,
) -> Trajectory:
    """Integrate ``dy/dt = rhs(t, y, phase)`` and report the states at ``t_eval``.

    Parameters
    ----------
    rhs:
        Right-hand side; ``phase`` is the number of ``switch_times`` already passed (0 first),
        so piecewise models (e.g. expansion then contraction) switch exactly at the breakpoint.
    y0:
        States at ``t_eval[0]``.
    t_eval:
        Sorted output times; the integration runs from the first to the last.
    states:
        Names of the states, in order.
    switch_times, doses:
        Phase switches and bolus doses; integration restarts at each of them.
    stop:
        Optional event function; the solve stops where it crosses zero (outputs after that
        time are NaN and ``stopped_at`` records the time).
    method, rtol, atol:
        SciPy method (LSODA switches between stiff and non-stiff) and tolerances.
    jac_sparsity:
        Optional sparsity pattern of the Jacobian (BDF/Radau only): large systems of
        independent patients solve much faster with it.

    Returns
    -------
    Trajectory
    """
    t = _check_times(np.asarray(t_eval, dtype=np.float64))
    y = np.array(y0, dtype=np.float64)
    if y.shape != (len(states),):
        raise InputError(f"y0 has {y.size} values but {len(states)} states were named")
    out = np.full((len(states), t.size), np.nan)
    points = _breakpoints(float(t[0]), float(t[-1]), switch_times, doses)
    stopped_at: float | None = None
    for k, (a, b) in enumerate(itertools.pairwise(points)):
        y = _apply_doses(y, a, doses, states)
        phase = sum(1 for s in switch_times if s <= a)
        if b <= a:
            continue
        end, sol, stopped = _segment(
            rhs,
            y,
            (a, b),
            phase=phase,
            method=method,
            tol=(rtol, atol),
            stop=stop,
            jac_sparsity=jac_sparsity,
        )
        mask = (t >= a) & (t <= end) if k == 0 else (t > a) & (t <= end)
        if np.any(mask):
            out[:, mask] = sol(t[mask])
        y = sol(np.array(end))
        if stopped:
            stopped_at = end
            break
    if t.size == 1 or points[0] == points[-1]:
        out[:, 0] = _apply_doses(np.array(y0, dtype=np.float64), float(t[0]), doses, states)
    return Trajectory(t, out, tuple(states), method, stopped_at)


def _apply_doses(
    y: FloatArray, at: float, doses: Sequence[Dose], states: Sequence[str]
) -> FloatArray:
    y = y.copy()
    for d in doses:
        if d.time == at:
            if d.state not in states:
                raise InputError(f"dose targets unknown state {d.state!r}")
            y[list(states).index(d.state)] += d.amount
    return y


def sample_lognormal(
    typical: Mapping[str, float],
    omega: Mapping[str, float],
    n: int,
    rng: np.random.Generator,
    *,
    scale: IivScale = "sd",
) -> dict[str, FloatArray]:
    """Draw ``n`` virtual patients with log-normal between-patient variability.

    Parameters
    ----------
    typical:
        Typical (population median) value of each parameter.
    omega:
        Variability per parameter (missing → none). ``scale="sd"``: ω is the log-scale SD;
        ``scale="variance"``: the value is ω² (as nlmixr2lib records Stein 2019).
    n:
        Number of patients (≥ 1).
    rng:
        The caller's seeded generator (the only source of randomness).

    Returns
    -------
    dict of arrays of length ``n``; parameters are drawn in the order of ``typical``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> p = sample_lognormal({"k": 2.0}, {"k": 0.0}, 3, rng)
    >>> p["k"].tolist()
    [2.0, 2.0, 2.0]
    """
    if n < 1:
        raise InputError(f"number of patients must be at least 1, got {n}")
    out: dict[str, FloatArray] = {}
    for name, value in typical.items():
        w = float(omega.get(name, 0.0))
        if not math.isfinite(w) or w < 0:
            raise InputError(f"variability of {name!r} must be a non-negative number, got {w}")
        sd = math.sqrt(w) if scale == "variance" else w
        eta = rng.normal(0.0, sd, size=n) if sd > 0 else np.zeros(n)
        out[name] = float(value) * np.exp(eta)
    return out


def summarize_bands(
    time: FloatArray,
    values: FloatArray,
    *,
    lower_pct: float = 5.0,
    upper_pct: float = 95.0,
) -> Band:
    """Median and percentile band of ``values`` (patients × times) at each time.

    Examples
    --------
    >>> v = np.vstack([np.full(3, float(i)) for i in range(101)])
    >>> b = summarize_bands(np.arange(3.0), v)
    >>> float(b.median[0]), float(b.lower[0]), float(b.upper[0])
    (50.0, 5.0, 95.0)
    """
    if not 0 <= lower_pct < 50 < upper_pct <= 100:
        raise InputError("percentiles must satisfy 0 <= lower < 50 < upper <= 100")
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2 or v.shape[1] != np.asarray(time).size:
        raise InputError("values must be a (patients × times) array matching time")
    lo, med, hi = np.nanpercentile(v, [lower_pct, 50.0, upper_pct], axis=0)
    return Band(np.asarray(time, dtype=np.float64), lo, med, hi, lower_pct, upper_pct)
