"""An age bound vivo could not re-check says so where it rules a patient out (H10 review)."""

from __future__ import annotations

from vivo.cells.product_facts import Cited, _age_check


def test_an_unverified_age_bound_carries_its_caveat() -> None:
    lo = Cited(12, "FDA-X", "unverified", "the label changed in 2026-07; not re-read")
    inside, note = _age_check(8, lo, None, "patients 12 and older")
    assert inside is False and "unverified: the label changed in 2026-07" in note


def test_a_label_age_bound_has_no_caveat() -> None:
    inside, note = _age_check(8, Cited(12, "FDA-X", "label"), None, "patients 12 and older")
    assert inside is False and "unverified" not in note


def test_restriction_enzymes_are_matched_without_case_and_misspellings_are_hinted() -> None:
    import pytest

    from vivo.core.errors import InputError
    from vivo.workflows.car import _check_enzymes

    assert _check_enzymes(("ecori", "EcoRI", "bsai")) == ("EcoRI", "BsaI")
    with pytest.raises(InputError, match="did you mean") as info:
        _check_enzymes(("EcoR1",))
    assert "RestrictionType" not in str(info.value)  # no internal class names
