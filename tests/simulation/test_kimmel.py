"""Kimmel 2021: T-cell competition dynamics and the hybrid stochastic tumour extinction."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from vivo.core.errors import InputError
from vivo.simulation.car_t_kimmel import KIMMEL_TYPICAL, simulate_kimmel


@pytest.fixture(scope="module")
def typical():
    return simulate_kimmel(
        KIMMEL_TYPICAL, 40, np.random.default_rng(5), horizon_d=365.0, vary=False
    )


def test_car_t_expand_then_contract_as_normal_t_cells_recover(typical) -> None:
    c, n = typical.car_t_cells[0], typical.normal_t_cells[0]
    peak = int(np.argmax(c))
    assert 3.0 < typical.time_d[peak] < 20.0
    assert c[peak] > 10 * KIMMEL_TYPICAL.c0_cells
    assert c[-1] < c[peak] / 100
    assert n[-1] == pytest.approx(KIMMEL_TYPICAL.k_n_cells, rel=0.05)  # Gompertz to K_N
    # identical parameters → identical deterministic T-cell courses
    np.testing.assert_allclose(typical.car_t_cells[0], typical.car_t_cells[-1])


def test_stochastic_extinction_differs_between_identical_patients(typical) -> None:
    cured = typical.cured
    assert 0 < cured.sum() < cured.size  # same parameters, different fates
    for i in np.nonzero(cured)[0]:
        after = typical.time_d >= typical.cure_time_d[i] + 0.25
        assert np.all(typical.tumour_cells[i, after] == 0)
    assert np.all(np.isinf(typical.progression_time_d[cured]))
    assert np.all(typical.tumour_cells[~cured, -1] > 0)  # survivors regrow (or progress)


def test_slow_tumours_are_cured_fast_ones_progress() -> None:
    slow = replace(KIMMEL_TYPICAL, r_b_per_d=0.01)
    fast = replace(KIMMEL_TYPICAL, r_b_per_d=0.5)
    rs = simulate_kimmel(slow, 20, np.random.default_rng(1), horizon_d=365.0, vary=False)
    rf = simulate_kimmel(fast, 20, np.random.default_rng(1), horizon_d=365.0, vary=False)
    assert rs.cured.mean() > 0.9
    assert rf.cured.mean() < 0.1 and np.isfinite(rf.progression_time_d).mean() > 0.9


def test_seeded_reproducibility_and_errors() -> None:
    a = simulate_kimmel(KIMMEL_TYPICAL, 10, np.random.default_rng(3), horizon_d=100.0)
    b = simulate_kimmel(KIMMEL_TYPICAL, 10, np.random.default_rng(3), horizon_d=100.0)
    np.testing.assert_array_equal(a.tumour_cells, b.tumour_cells)
    assert a.progression_free()[0] == 1.0
    with pytest.raises(InputError):
        simulate_kimmel(KIMMEL_TYPICAL, 0, np.random.default_rng(0))
    with pytest.raises(InputError, match="divide"):
        simulate_kimmel(KIMMEL_TYPICAL, 1, np.random.default_rng(0), step_d=0.07)
    with pytest.raises(InputError):
        replace(KIMMEL_TYPICAL, gamma_b_per_d=-1.0)
