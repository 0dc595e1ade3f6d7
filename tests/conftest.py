"""Shared fixtures: small named data files live in tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The team's shared data folder (absent on a user's clone: tests using it skip)."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present (large reference data lives there)")
    return SHARED


@pytest.fixture(scope="session")
def hbb_locus():
    from vivo.genome import beta_globin_locus

    return beta_globin_locus()
