"""PK: analytic checks of the compartment solver and the Frey 2010 tocilizumab values (C10)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vivo.core.errors import InputError
from vivo.simulation.nca import compute_nca
from vivo.simulation.pk import (
    TOCILIZUMAB_FREY2010,
    PkDose,
    PkParameters,
    sample_tocilizumab_population,
    simulate_pk,
    tocilizumab_crs_dose_mg,
    tocilizumab_for_patient,
)


def test_frey_typical_values() -> None:
    p = TOCILIZUMAB_FREY2010
    got = (p.cl_l_per_d, p.v1_l, p.q_l_per_d, p.v2_l, p.vmax_mg_per_d, p.km_mg_per_l)
    assert got == (0.3, 3.5, 0.2, 2.9, 7.5, 2.7)
    assert tocilizumab_for_patient(female=True).cl_l_per_d == pytest.approx(0.3 * 0.84)
    assert tocilizumab_for_patient(bsa_m2=3.6).cl_l_per_d == pytest.approx(0.3 * 2**0.7)


def test_two_compartment_linear_matches_the_biexponential() -> None:
    p = PkParameters(cl_l_per_d=0.3, v1_l=3.5, q_l_per_d=0.2, v2_l=2.9)
    k10, k12, k21 = 0.3 / 3.5, 0.2 / 3.5, 0.2 / 2.9
    s, d = k10 + k12 + k21, k10 * k21
    a, b = (s + math.sqrt(s * s - 4 * d)) / 2, (s - math.sqrt(s * s - 4 * d)) / 2
    t = np.linspace(0, 60, 61)
    c0 = 100 / 3.5
    expected = c0 * ((a - k21) / (a - b) * np.exp(-a * t) + (k21 - b) / (a - b) * np.exp(-b * t))
    got = simulate_pk(p, [PkDose(0.0, 100.0)], t).conc_mg_per_l
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    # AUC0-inf = dose/CL for linear elimination (extrapolate the tail)
    nca = compute_nca(t, got, auc_window_d=(0.0, 60.0))
    assert nca.auc + got[-1] / b == pytest.approx(100 / 0.3, rel=2e-3)


def test_infusion_matches_the_one_compartment_formula() -> None:
    p = PkParameters(cl_l_per_d=2.0, v1_l=10.0)
    k, rate, dur = 0.2, 50.0, 1.0
    t = np.array([0.5, 1.0, 3.0])
    got = simulate_pk(p, [PkDose(0.0, rate * dur, dur)], t).conc_mg_per_l
    during = rate / 2.0 * (1 - np.exp(-k * t[:2]))
    after = rate / 2.0 * (1 - math.exp(-k * dur)) * math.exp(-k * (3.0 - dur))
    np.testing.assert_allclose(got, [*during, after], rtol=1e-6)


def test_michaelis_menten_is_linear_far_below_km_and_saturates_above() -> None:
    mm = PkParameters(cl_l_per_d=0.1, v1_l=5.0, vmax_mg_per_d=10.0, km_mg_per_l=100.0)
    lin = PkParameters(cl_l_per_d=0.1 + 10.0 / 100.0, v1_l=5.0)
    t = np.linspace(0, 20, 21)
    low = [PkDose(0.0, 0.05)]
    np.testing.assert_allclose(
        simulate_pk(mm, low, t).conc_mg_per_l, simulate_pk(lin, low, t).conc_mg_per_l, rtol=2e-3
    )
    high = [PkDose(0.0, 50_000.0)]
    # at C >> Km the MM pathway is capped at Vmax: slower fractional decline than linear
    assert simulate_pk(mm, high, t).conc_mg_per_l[5] > simulate_pk(lin, high, t).conc_mg_per_l[5]


def test_crs_dosing_rule_and_population() -> None:
    assert tocilizumab_crs_dose_mg(29.0) == 12 * 29.0
    assert tocilizumab_crs_dose_mg(30.0) == 240.0
    assert tocilizumab_crs_dose_mg(150.0) == 800.0
    people = sample_tocilizumab_population(500, np.random.default_rng(2))
    cl = np.array([q.cl_l_per_d for q in people])
    assert np.std(np.log(cl)) == pytest.approx(math.sqrt(math.log1p(0.39**2)), rel=0.1)


def test_bad_inputs() -> None:
    with pytest.raises(InputError):
        PkDose(0.0, -5.0)
    with pytest.raises(InputError, match="peripheral"):
        PkParameters(cl_l_per_d=1.0, v1_l=1.0, q_l_per_d=1.0)
    with pytest.raises(InputError, match="elimination"):
        PkParameters(cl_l_per_d=0.0, v1_l=1.0)
    with pytest.raises(InputError, match="implausible"):
        tocilizumab_crs_dose_mg(70_000)
    with pytest.raises(InputError):
        simulate_pk(TOCILIZUMAB_FREY2010, [], np.array([0.0, 1.0]))
