"""Shared fixtures: small named data files live in tests/data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session", autouse=True)
def _vivo_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """vivo's cache folder (FASTA indexes) in a temporary folder, not the user's ~/.cache."""
    import os

    os.environ.setdefault("VIVO_CACHE_DIR", str(tmp_path_factory.mktemp("vivo-cache")))


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


def _run_cli(args: list[str]) -> int:
    from vivo.cli.main import main

    try:
        main(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.fixture(scope="session")
def cli() -> Callable[[list[str]], int]:
    """Run ``vivo ARGS`` in-process and return its exit status."""
    return _run_cli


@pytest.fixture
def run_vivo(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run ``vivo ARGS`` in-process: ``run_vivo("plan", "HBB")`` returns (exit status, stdout,
    stderr). ``vivo`` always ends with SystemExit (vivo.cli.main.main), which is checked."""
    from vivo.cli.main import main

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as info:
            main(list(args))
        out, err = capsys.readouterr()
        return int(info.value.code or 0), out, err

    return run
