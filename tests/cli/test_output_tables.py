"""Tables for people who copy sequences: never cut or wrapped; piped output complete."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from vivo.cli import output
from vivo.cli.main import main

SPACERS = ["GGCTGCCTATCAGAAAGTGG", "GCTCACCTGGACAACCTCAA", "TTAGTGATACTTGTGGGCCA"]


def _table() -> object:
    t = output.sequence_table(["#", "spacer", "PAM", "flags"], ["spacer", "PAM"], title="g")
    for i, s in enumerate(SPACERS):
        t.add_row(str(i), s, "NGG", "low_gc,polyT,restriction_site_BsmBI and a long note")
    return t


def _render(width: int, terminal: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    out = Console(file=io.StringIO(), width=width, force_terminal=terminal, color_system=None)
    err = Console(file=io.StringIO(), width=width, color_system=None)
    monkeypatch.setattr(output, "err_console", err)
    output.print_table(_table(), sequences=SPACERS, out=out)  # type: ignore[arg-type]
    return out.file.getvalue(), err.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [20, 40, 60, 80, 200])
@pytest.mark.parametrize("terminal", [True, False])
def test_sequences_are_never_cut(
    width: int, terminal: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, note = _render(width, terminal, monkeypatch)
    for s in SPACERS:
        assert s in text  # whole, on one line
    assert "…" not in text
    if not terminal:  # piped: complete, at full width, no note
        assert "restriction_site_BsmBI and a long note" in text and not note


def test_too_narrow_terminal_says_to_use_tsv(monkeypatch: pytest.MonkeyPatch) -> None:
    _, note = _render(30, True, monkeypatch)
    assert "too narrow" in note and "--format tsv" in note


def test_wide_terminal_has_no_note(monkeypatch: pytest.MonkeyPatch) -> None:
    _, note = _render(200, True, monkeypatch)
    assert note == ""


def test_guides_table_piped_at_narrow_columns_keeps_spacers(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    narrow = Console(file=None, width=40)
    monkeypatch.setattr("vivo.cli.guides.console", narrow)
    monkeypatch.setattr("vivo.cli.output.console", narrow)
    with pytest.raises(SystemExit):
        main(["guides", "HBB", "--around", "c.20", "--window", "20", "--json"])
    spacers = [g["spacer"] for g in json.loads(capsys.readouterr().out)["guides"]]
    with pytest.raises(SystemExit) as info:
        main(["guides", "HBB", "--around", "c.20", "--window", "20"])
    text = capsys.readouterr().out
    assert info.value.code == 0 and spacers
    assert all(s in text for s in spacers)


def test_edit_prime_table_keeps_pbs_and_rtt(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    narrow = Console(file=None, width=50)
    monkeypatch.setattr("vivo.cli.edit.console", narrow)
    monkeypatch.setattr("vivo.cli.output.console", narrow)
    with pytest.raises(SystemExit):
        main(["edit", "HBB", "c.20A>T", "--strategy", "prime", "--max", "2", "--json"])
    pegs = json.loads(capsys.readouterr().out)["result"]["pegrnas"]
    with pytest.raises(SystemExit):
        main(["edit", "HBB", "c.20A>T", "--strategy", "prime", "--max", "2"])
    text = capsys.readouterr().out
    for p in pegs:
        assert p["spacer"] in text and p["pbs"] in text and p["rtt"] in text
