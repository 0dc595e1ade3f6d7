"""Golden tests: Stein 2019 tisagenlecleucel typical patient, liso-cel (Ogasawara 2021)
population means, and the virtual population.

Tolerances: the abstract rounds the derived times to 2 significant figures (0.78 d, 4.3 d,
220 d), so the test allows half a unit in the last printed digit; AUC0–28d is compared with the
reference digest's analytical value (171,800, rounded to 4 significant figures: ±0.1 %) and its
trapezoidal NCA value (172,000: ±0.5 %).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from vivo.core.errors import InputError
from vivo.simulation.car_t import (
    LISO_CEL,
    STEIN_TISAGENLECLEUCEL,
    CkParameters,
    car_t_product,
    ck_auc,
    ck_concentration,
    sample_ck_population,
    simulate_ck_ode,
    with_typical,
)
from vivo.simulation.nca import compute_nca, log_linear_half_life

P = STEIN_TISAGENLECLEUCEL


def _ode_curve(p: CkParameters, t: np.ndarray) -> np.ndarray:
    return simulate_ck_ode(p, t).values.sum(axis=0)


@pytest.fixture(scope="module")
def stein_curve() -> tuple[np.ndarray, np.ndarray]:
    t = np.union1d(np.linspace(0, 400, 40001), [P.tmax_d])
    return t, _ode_curve(P, t)


def test_stein_cmax_tmax_from_the_solved_odes(stein_curve) -> None:
    t, c = stein_curve
    r = compute_nca(t, c, auc_window_d=(0.0, 28.0))
    assert r.cmax == pytest.approx(24_000, rel=1e-4)  # C1, Stein Table 1
    assert r.tmax_d == pytest.approx(9.3, abs=1e-9)
    assert c[0] == pytest.approx(24_000 / 3_900, rel=1e-6)  # R0 = 6.15 copies/µg


def test_stein_doubling_and_half_lives_from_the_curve(stein_curve) -> None:
    t, c = stein_curve
    growth = (t > 1) & (t < 9)
    doubling = -log_linear_half_life(t[growth], c[growth])
    assert doubling == pytest.approx(0.78, abs=0.005)  # C2 abstract: 0.78 d
    # the initial-decline half-life is that of the effector pool (ln 2/α); the summed curve
    # decays slightly slower because the memory pool already contributes
    eff = simulate_ck_ode(P, t).state("effector")
    early = (t > 9.3) & (t < 20)
    assert log_linear_half_life(t[early], eff[early]) == pytest.approx(4.3, abs=0.05)
    assert log_linear_half_life(t[early], c[early]) > 4.3
    late = t > 300
    assert log_linear_half_life(t[late], c[late]) == pytest.approx(220, abs=5)  # ln2/β = 217


def test_stein_auc_0_28d(stein_curve) -> None:
    t, c = stein_curve
    assert float(ck_auc(28.0, P)) == pytest.approx(171_800, rel=1e-3)  # C3 analytical
    nca = compute_nca(t[t <= 28], c[t <= 28], auc_window_d=(0.0, 28.0))
    assert nca.auc == pytest.approx(172_000, rel=5e-3)  # nlmixr2lib trapezoidal NCA


def _kw(p: CkParameters) -> dict[str, float]:
    keys = ("cmax", "foldx", "tmax_d", "alpha_per_d", "fb", "beta_per_d", "lag_d")
    return {k: getattr(p, k) for k in keys}


def test_analytical_and_ode_forms_agree() -> None:
    for p in (P, LISO_CEL):
        t = np.linspace(0, 200, 2001)
        np.testing.assert_allclose(_ode_curve(p, t), ck_concentration(t, **_kw(p)), rtol=1e-5)


def test_lisocel_population_means_are_reproduced() -> None:
    """C4: lag 3.27 d, doubling 0.755 d, Tmax 9.29 d, t½ 5.00 d and 352 d (Ogasawara 2021)."""
    t = np.union1d(np.linspace(0, 700, 70001), [LISO_CEL.tmax_d])
    c = _ode_curve(LISO_CEL, t)
    r = compute_nca(t, c)
    assert r.tmax_d == pytest.approx(9.29, abs=1e-9)
    flat = t[np.argmax(c > c[0] * (1 + 1e-9))]
    assert flat == pytest.approx(3.27, abs=0.011)  # lag: level flat until 3.27 d
    grow = (t > 4) & (t < 9)
    assert -log_linear_half_life(t[grow], c[grow]) == pytest.approx(0.755, abs=0.001)
    eff = simulate_ck_ode(LISO_CEL, t).state("effector")
    early = (t > 9.3) & (t < 20)
    assert log_linear_half_life(t[early], eff[early]) == pytest.approx(5.00, abs=1e-3)
    late = t > 600
    assert log_linear_half_life(t[late], c[late]) == pytest.approx(352, rel=0.01)


def test_population_is_seeded_and_centred_on_the_typical_patient() -> None:
    t = np.linspace(0, 60, 241)
    a = sample_ck_population(P, 4000, np.random.default_rng(1), time_d=t)
    b = sample_ck_population(P, 4000, np.random.default_rng(1), time_d=t)
    np.testing.assert_array_equal(a.levels, b.levels)
    # log-normal medians equal typical values (±5 %: 4000 draws, ω up to 1.55)
    assert np.median(a.parameters["cmax"]) == pytest.approx(24_000, rel=0.05)
    assert np.median(a.parameters["tmax_d"]) == pytest.approx(9.3, rel=0.05)
    band = a.band()
    assert np.all(band.lower <= band.upper)
    # default reads Table 1 as ω² (nlmixr2lib); "sd" reads the same numbers as ω
    sd = sample_ck_population(P, 4000, np.random.default_rng(1), time_d=t, iiv_scale="sd")
    assert np.std(np.log(sd.parameters["cmax"])) == pytest.approx(0.65, rel=0.05)
    assert np.std(np.log(a.parameters["cmax"])) == pytest.approx(math.sqrt(0.65), rel=0.05)


def test_products_and_bad_parameters() -> None:
    assert car_t_product("KYMRIAH").generic == "tisagenlecleucel"
    assert car_t_product("axi-cel").model == "kimmel2021"
    with pytest.raises(InputError, match="known products"):
        car_t_product("Carvykti-typo")
    with pytest.raises(InputError, match="foldx"):
        with_typical(P, foldx=0.5)
    with pytest.raises(InputError, match="FB"):
        with_typical(P, fb=1.5)
    with pytest.raises(InputError):
        with_typical(P, cmax=-1.0)
    with pytest.raises(InputError, match="lag"):
        with_typical(LISO_CEL, lag_d=10.0)
