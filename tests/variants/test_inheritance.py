from __future__ import annotations

from fractions import Fraction

import pytest

from vivo.core.errors import InputError
from vivo.variants.inheritance import offspring_risk


def test_two_carriers_recessive() -> None:
    r = offspring_risk("recessive", mother="carrier", father="carrier")
    assert r.probability("affected") == Fraction(1, 4)
    assert r.probability("carrier") == Fraction(1, 2)
    assert r.probability("unaffected") == Fraction(1, 4)
    assert "carrier" in r.explanation and "25% affected" in r.explanation


@pytest.mark.parametrize(
    ("mode", "mother", "father", "affected"),
    [
        ("recessive", "carrier", "noncarrier", Fraction(0)),
        ("recessive", "affected", "carrier", Fraction(1, 2)),
        ("recessive", "affected", "affected", Fraction(1)),
        ("dominant", "affected", "unaffected", Fraction(1, 2)),
        ("dominant", "affected", "affected", Fraction(3, 4)),
        ("dominant", "homozygous", "unaffected", Fraction(1)),
        ("autosomal recessive", "carrier", "carrier", Fraction(1, 4)),
    ],
)
def test_autosomal(mode: str, mother: str, father: str, affected: Fraction) -> None:
    r = offspring_risk(mode, mother=mother, father=father)
    assert r.probability("affected") == affected
    assert sum(c.probability for c in r.classes) == 1


def test_x_linked_recessive_carrier_mother() -> None:
    r = offspring_risk("x-linked recessive", mother="carrier", father="unaffected")
    assert r.probability("affected", "male") == Fraction(1, 2)
    assert r.probability("affected", "female") == 0
    assert r.probability("carrier", "female") == Fraction(1, 2)
    assert r.probability("affected") == Fraction(1, 4)
    for sex in ("male", "female"):
        assert sum(c.probability for c in r.classes if c.sex == sex) == 1


def test_x_linked_affected_father() -> None:
    r = offspring_risk("x-recessive", mother="noncarrier", father="affected")
    assert r.probability("carrier", "female") == 1  # every daughter is an obligate carrier
    assert r.probability("affected", "male") == 0  # no male-to-male transmission
    d = offspring_risk("x-dominant", mother="unaffected", father="affected")
    assert d.probability("affected", "female") == 1 and d.probability("affected", "male") == 0


def test_bad_input() -> None:
    with pytest.raises(InputError, match="unknown inheritance mode"):
        offspring_risk("mitochondrial", mother="carrier", father="carrier")
    with pytest.raises(InputError, match="unknown father status 'carrier'"):
        offspring_risk("x-recessive", mother="carrier", father="carrier")
