"""Project-level checks: README ↔ CI, layering contracts, lint and types, public API."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Start")
    blocks = re.findall(r"```bash\n(.*?)\n```", text[start:], flags=re.S)
    return [b.strip() for b in blocks[:2]]


def test_readme_has_two_setup_commands_and_ci_runs_the_test_one() -> None:
    install_and_run, test = _readme_commands()
    assert "pip install" in install_and_run and "vivo " in install_and_run
    assert "pytest" in test
    ci = (ROOT / ".ci" / "run").read_text()
    assert test in ci.splitlines(), "CI must run the README's test command exactly"


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)


def test_import_linter_contracts_hold() -> None:
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter not installed (pip install -e '.[test]')")
    out = _run(exe)
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_clean() -> None:
    out = _run(sys.executable, "-m", "ruff", "check", "src", "tests", "benchmarks")
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_clean() -> None:
    out = _run(sys.executable, "-m", "mypy")
    assert out.returncode == 0, out.stdout + out.stderr


def test_public_api_is_exactly_all() -> None:
    import vivo

    exported = set(vivo.__all__)
    public = {n for n in dir(vivo) if not n.startswith("_") or n == "__version__"}
    modules = {n for n in public if type(getattr(vivo, n)).__name__ == "module"}
    assert exported == public - modules
    for name in vivo.__all__:
        assert getattr(vivo, name) is not None


def test_import_is_light() -> None:
    code = (
        "import sys, vivo; heavy = {'numba', 'dask', 'matplotlib', 'typer'} & set(sys.modules);"
        " print(sorted(heavy))"
    )
    out = _run(sys.executable, "-c", code)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
