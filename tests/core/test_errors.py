from __future__ import annotations

from vivo.core.errors import DataError, EngineError, FormatError, InputError, VivoError
from vivo.core.units import half_life_to_rate, rate_to_half_life


def test_error_tree() -> None:
    for cls in (InputError, FormatError, DataError, EngineError):
        assert issubclass(cls, VivoError)


def test_messages_carry_hint_and_location() -> None:
    e = InputError("bad thing", hint="do this")
    assert str(e) == "bad thing (do this)"
    f = FormatError("broken", path="x.fa", line=3)
    assert str(f) == "x.fa:3: broken" and f.line == 3


def test_half_life_round_trip() -> None:
    assert abs(rate_to_half_life(half_life_to_rate(7.0)) - 7.0) < 1e-12
