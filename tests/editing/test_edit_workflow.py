"""`vivo edit` workflow and CLI: every strategy for HBB c.20A>T, JSON, GenBank, errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from vivo.core.errors import InputError
from vivo.workflows.edit import EditRequest, run_edit


@pytest.mark.parametrize("strategy", ["hdr", "base", "prime", "knockout"])
def test_run_edit_all_strategies(strategy: str) -> None:
    result = run_edit(EditRequest("HBB c.20A>T", strategy=strategy, max_designs=3))  # type: ignore[arg-type]
    data = json.loads(json.dumps(result.to_dict()))
    assert data["schema_version"] == "1" and data["strategy"] == strategy
    designs = data["result"].get("designs") or data["result"].get("pegrnas")
    assert designs


def test_hdr_genbank_written(tmp_path) -> None:
    out = tmp_path / "donor.gb"
    result = run_edit(EditRequest("HBB c.20A>T", strategy="hdr", genbank_out=str(out)))
    assert result.files == (str(out),)
    text = out.read_text()
    assert text.startswith("LOCUS") and "homology arm" in text


def test_bad_strategy_and_goal() -> None:
    with pytest.raises(InputError, match="strategy"):
        run_edit(EditRequest("HBB c.20A>T", strategy="zfn"))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="goal"):
        run_edit(EditRequest("HBB c.20A>T", goal="revert"))  # type: ignore[arg-type]


def test_cli_json_and_errors() -> None:
    from vivo.cli.main import app

    runner = CliRunner()
    ok = runner.invoke(app, ["edit", "HBB", "c.20A>T", "--strategy", "base", "--json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.stdout)
    assert data["result"]["designs"][0]["outcome"] == "benign alternative: Hb G-Makassar"
    table = runner.invoke(app, ["edit", "HBB", "c.20A>T", "--strategy", "prime", "--max", "2"])
    assert table.exit_code == 0 and "PBS" in table.stdout


def test_editor_option_only_with_base_strategy() -> None:
    from vivo.core.errors import InputError
    from vivo.workflows.edit import EditRequest, run_edit

    with pytest.raises(InputError, match="--editor chooses base editors"):
        run_edit(EditRequest("HBB:c.20A>T", strategy="prime", editors=("ABE8e",)))
