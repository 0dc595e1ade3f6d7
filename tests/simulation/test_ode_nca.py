"""Shared machinery: ODE solve with switches/doses/stop events, populations, bands, NCA."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vivo.core.errors import InputError
from vivo.simulation.nca import auc, compute_nca, log_linear_half_life
from vivo.simulation.ode import Dose, sample_lognormal, solve_ode, summarize_bands


def test_exponential_decay_matches_analytic() -> None:
    t = np.linspace(0, 10, 11)
    traj = solve_ode(lambda _t, y, _p: -0.3 * y, [2.0], t, states=("x",))
    np.testing.assert_allclose(traj.state("x"), 2.0 * np.exp(-0.3 * t), rtol=1e-6)


def test_phase_switch_changes_the_rate_exactly_at_the_breakpoint() -> None:
    t = np.array([0.0, 1.0, 2.0, 3.0])
    traj = solve_ode(
        lambda _t, y, ph: (1.0 if ph == 0 else -1.0) * y,
        [1.0],
        t,
        states=("x",),
        switch_times=[2.0],
    )
    np.testing.assert_allclose(traj.state("x"), [1, math.e, math.e**2, math.e], rtol=1e-6)


def test_bolus_doses_add_to_the_named_state() -> None:
    t = np.array([0.0, 1.0, 2.0])
    doses = [Dose(0.0, "a", 1.0), Dose(1.0, "a", 1.0)]
    traj = solve_ode(lambda _t, y, _p: -y, [0.0], t, states=("a",), doses=doses)
    e = math.exp(-1)
    np.testing.assert_allclose(traj.state("a"), [1.0, e, (e + 1) * e], rtol=1e-6)


def test_stop_event_truncates_the_output() -> None:
    t = np.linspace(0, 5, 6)
    traj = solve_ode(
        lambda _t, y, _p: -y, [1.0], t, states=("x",), stop=lambda _t, y: float(y[0] - 0.1)
    )
    assert traj.stopped_at == pytest.approx(math.log(10), rel=1e-5)
    assert np.isnan(traj.state("x")[-1]) and not np.isnan(traj.state("x")[2])


def test_solver_input_errors() -> None:
    with pytest.raises(InputError, match="states were named"):
        solve_ode(lambda _t, y, _p: y, [1.0, 2.0], np.array([0.0, 1.0]), states=("x",))
    with pytest.raises(InputError, match="sorted"):
        solve_ode(lambda _t, y, _p: y, [1.0], np.array([1.0, 0.0]), states=("x",))


def test_lognormal_population_is_seeded_and_has_the_stated_spread() -> None:
    a = sample_lognormal({"k": 2.0}, {"k": 0.5}, 20000, np.random.default_rng(3))
    b = sample_lognormal({"k": 2.0}, {"k": 0.5}, 20000, np.random.default_rng(3))
    np.testing.assert_array_equal(a["k"], b["k"])
    # median of a log-normal is the typical value; log SD is ω (3 standard errors)
    assert np.median(a["k"]) == pytest.approx(2.0, rel=0.03)
    assert np.std(np.log(a["k"])) == pytest.approx(0.5, rel=0.03)
    v = sample_lognormal({"k": 2.0}, {"k": 0.25}, 20000, np.random.default_rng(3), scale="variance")
    assert np.std(np.log(v["k"])) == pytest.approx(0.5, rel=0.03)
    with pytest.raises(InputError):
        sample_lognormal({"k": 1.0}, {"k": -1.0}, 3, np.random.default_rng(0))


def test_bands_are_ordered() -> None:
    rng = np.random.default_rng(0)
    band = summarize_bands(np.arange(4.0), rng.lognormal(size=(200, 4)))
    assert np.all(band.lower <= band.median) and np.all(band.median <= band.upper)
    with pytest.raises(InputError):
        summarize_bands(np.arange(4.0), np.ones((3, 5)))


def test_auc_log_down_is_exact_for_exponential_decline() -> None:
    t = np.array([0.0, 2.0, 4.0])
    c = 10 * np.exp(-0.5 * t)
    exact = 10 / 0.5 * (1 - math.exp(-2.0))
    assert auc(t, c, method="linear-up-log-down") == pytest.approx(exact, rel=1e-12)
    assert auc(t, c) > exact  # linear trapezoid overestimates convex decline


@settings(max_examples=30, deadline=None)
@given(st.floats(0.05, 5.0), st.floats(0.1, 100.0))
def test_half_life_regression_recovers_the_rate(k: float, c0: float) -> None:
    t = np.linspace(0, 3, 7)
    assert log_linear_half_life(t, c0 * np.exp(-k * t)) == pytest.approx(math.log(2) / k)


def test_nca_window_and_errors() -> None:
    t = np.linspace(0, 10, 11)
    c = np.where(t <= 2, t, 2 * np.exp(-(t - 2)))
    r = compute_nca(t, c, auc_window_d=(0.0, 2.0))
    assert (r.cmax, r.tmax_d, r.auc) == (2.0, 2.0, 2.0)
    with pytest.raises(InputError):
        compute_nca(t, -c)
    with pytest.raises(InputError):
        auc(t, c, window=(0.0, 20.0))
