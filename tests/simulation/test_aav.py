"""In vivo AAV (vivo model): golden tests against every published number of the Hemgenix
(HOPE-B) and Roctavian (GENEr8-1) calibrations, low responders over time, NAb rules, dose and
weight, extreme inputs.

Each published value carries its documented tolerance in ``data/aav.toml`` (also printed in
docs/models/aav.md); the tests assert vivo is within it for 4,000 virtual patients (seed 7).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from vivo.core.errors import InputError
from vivo.simulation.aav import (
    MAX_DOSE_VG_PER_KG,
    ONSET_RATE_PER_WEEK,
    aav_product,
    lognormal_omega_from_mean_and_exceedance,
    nab_factor,
    population_statistic,
    simulate_aav_population,
    transduced_fraction,
)
from vivo.simulation.calibration import aav_calibration


@pytest.fixture(scope="module")
def populations() -> dict[str, object]:
    return {
        name: simulate_aav_population(name, n_patients=4000, rng=np.random.default_rng(7))
        for name in ("Hemgenix", "Roctavian")
    }


def _published(name: str) -> list[tuple[str, int]]:
    return [(name, i) for i in range(len(aav_product(name).published))]


@pytest.mark.parametrize(("name", "i"), _published("Hemgenix") + _published("Roctavian"))
def test_population_matches_each_published_value(populations, name: str, i: int) -> None:
    v = aav_product(name).published[i]
    vivo = population_statistic(populations[name], v)
    assert v.accepts(vivo), f"{v.label}: published {v.value}, vivo {vivo:.3f} ± {v.tolerance}"


def test_roctavian_low_responders_grow_over_time(populations) -> None:
    a = populations["Roctavian"].activity_iu_per_dl
    below3 = [(a[:, wk] < 3).mean() for wk in (52, 104, 156)]
    assert below3[0] < below3[1] < below3[2]
    # the issue: the old model had 0.2 % below 3 IU/dL at year 3; the trial reports 24.2 %
    assert below3[2] > 0.15


def test_hemgenix_keeps_its_level_and_has_few_low_responders(populations) -> None:
    a = populations["Hemgenix"].activity_iu_per_dl
    assert 0.01 < (a[:, 78] < 5).mean() < 0.08
    assert a[:, 260].mean() / a[:, 26].mean() > 0.85


def test_onset_reproduces_amt061_ratio() -> None:
    ratio = -math.expm1(-6 * ONSET_RATE_PER_WEEK) / -math.expm1(-26 * ONSET_RATE_PER_WEEK)
    assert ratio == pytest.approx(31 / 47, rel=1e-9)


def test_roctavian_decline_reaches_its_plateau() -> None:
    p = aav_product("Roctavian")
    rem = p.production_remaining(np.array([52.0, 52.0 + p.production_half_life_week, 1e4]))
    assert rem[0] == 1.0
    assert rem[1] == pytest.approx(
        p.decline_plateau_fraction + (1 - p.decline_plateau_fraction) / 2
    )
    assert rem[2] == pytest.approx(p.decline_plateau_fraction)
    # the published typical half-life is recorded in the data, not used for the population
    assert aav_calibration("Roctavian").constants["published_typical_half_life_week"] == 123.0


def test_omega_calibration_inverts() -> None:
    from scipy.stats import lognorm

    w = lognormal_omega_from_mean_and_exceedance(36.1, 40.0, 0.31)
    median = 36.1 / math.exp(w * w / 2)
    assert lognorm(w, scale=median).sf(40.0) == pytest.approx(0.31, rel=1e-9)


def test_nab_rules_dose_response_and_weight() -> None:
    assert nab_factor(0.0) == 1.0
    assert nab_factor(200.0) > 0.95 > nab_factor(3200.0)  # HOPE-B titres barely matter
    hemgenix = simulate_aav_population("Hemgenix", nab_titre=56.9)
    assert hemgenix.eligible and hemgenix.nab_factor > 0.99
    assert not simulate_aav_population("Roctavian", nab_titre=5.0).eligible
    assert aav_product("Zolgensma").nab_exclusion_titre == 50.0
    assert transduced_fraction(2e13, label_dose_vg_per_kg=2e13) == pytest.approx(0.5)
    lo = simulate_aav_population("Hemgenix", dose_vg_per_kg=1e13).activity_iu_per_dl.max()
    hi = simulate_aav_population("Hemgenix", dose_vg_per_kg=4e13).activity_iu_per_dl.max()
    assert lo < hi < 4 * lo  # 4x the dose gives less than 4x the activity (saturating)
    child = simulate_aav_population("Hemgenix", body_weight_kg=20.0)
    assert child.total_vg == 2e13 * 20.0  # total vector genomes = dose per kg × weight


def test_extreme_titres_and_doses_do_not_overflow() -> None:
    assert nab_factor(1e300) == 0.0
    pop = simulate_aav_population("Hemgenix", nab_titre=1e300)
    assert np.all(np.isfinite(pop.activity_iu_per_dl)) and pop.activity_iu_per_dl.max() == 0.0
    top = simulate_aav_population("Hemgenix", dose_vg_per_kg=MAX_DOSE_VG_PER_KG)
    assert np.all(np.isfinite(top.activity_iu_per_dl)) and math.isfinite(top.total_vg)


def test_disease_must_match_the_product() -> None:
    assert aav_product("Roctavian", disease="haemophilia A").name == "Roctavian"
    with pytest.raises(InputError, match="hemophilia A"):
        aav_product("Roctavian", disease="hemophilia B")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dose_vg_per_kg": -1.0}, "dose"),
        ({"dose_vg_per_kg": math.nan}, "dose"),
        ({"dose_vg_per_kg": 1e30}, "implausible"),
        ({"body_weight_kg": 70_000}, "implausible"),
        ({"body_weight_kg": math.inf}, "weight"),
        ({"nab_titre": -5.0}, "NAb"),
        ({"nab_titre": math.nan}, "NAb"),
        ({"n_patients": 10}, "seeded"),
    ],
)
def test_bad_inputs(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(InputError, match=match):
        simulate_aav_population("Hemgenix", **kwargs)  # type: ignore[arg-type]


def test_unknown_products() -> None:
    with pytest.raises(InputError, match="known products"):
        aav_product("Elevidys?")
    with pytest.raises(InputError, match="no plasma-activity model"):
        simulate_aav_population("Zolgensma")
