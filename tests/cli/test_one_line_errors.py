"""An error stays one line whatever the user typed (control characters, line breaks)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("text", ["HB\nB", "HB\x1eB", "HB\u2028B", "HB\x00B", "HB\rB"])
def test_control_characters_in_input_are_escaped_in_the_error_line(
    text: str, cli, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    assert cli(["plan", text]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vivo: error:") and len(err.splitlines()) == 1, repr(err)
