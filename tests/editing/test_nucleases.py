"""Nuclease catalog: PAMs, sides, cut offsets, custom nucleases and bad input."""

from __future__ import annotations

import pytest

from vivo.core.errors import InputError
from vivo.editing.nucleases import NUCLEASES, Nuclease, custom_nuclease, get_nuclease

REQUIRED = {
    "SpCas9": ("NGG", "3prime", 20),
    "SpCas9-NG": ("NG", "3prime", 20),
    "SpRY": ("NRN", "3prime", 20),
    "SaCas9": ("NNGRRT", "3prime", 21),
    "SaCas9-KKH": ("NNNRRT", "3prime", 21),
    "AsCas12a": ("TTTV", "5prime", 23),
    "LbCas12a": ("TTTV", "5prime", 23),
    "enAsCas12a": ("TTYN", "5prime", 23),
}


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_catalog_has_the_required_nucleases(name: str) -> None:
    nuc = get_nuclease(name.upper())
    assert (nuc.pam, nuc.pam_side, nuc.spacer_length) == REQUIRED[name]
    assert nuc.citations, f"{name} needs a citation"
    lo, hi = nuc.spacer_range
    assert lo <= nuc.spacer_length <= hi


def test_cas9_is_blunt_3bp_from_pam_and_cas12a_is_staggered() -> None:
    sp = get_nuclease("SpCas9")
    assert sp.is_blunt and sp.cut_offset == sp.spacer_length - 3 == 17
    assert sp.cut_offsets(18) == (15, 15)
    as12 = get_nuclease("cpf1")
    assert as12.name == "AsCas12a" and not as12.is_blunt
    assert as12.cut_offsets() == (18, 23)
    assert as12.cut_offsets(20) == (18, 23)  # fixed from the PAM-proximal 5' end


def test_spcas9_alternative_pams_carry_cfd_activity() -> None:
    sp = get_nuclease("SpCas9")
    assert dict(sp.alt_pams) == pytest.approx({"NAG": 0.259259259, "NGA": 0.069444444})
    assert sp.pam_activity("TGG") == 1.0
    assert sp.pam_activity("CAG") == pytest.approx(0.259259259)
    assert sp.pam_activity("TTT") is None


def test_unknown_nuclease_lists_the_known_ones() -> None:
    with pytest.raises(InputError) as err:
        get_nuclease("Cas13d")
    for name in NUCLEASES:
        assert name in str(err.value)


def test_custom_nuclease_any_iupac_pam_either_side() -> None:
    five = custom_nuclease(name="MAD7-like", pam="YTTV", pam_side="5prime", spacer_length=21)
    assert (five.pam_side, five.cut_offset, five.cut_offset_other) == ("5prime", 18, 23)
    three = custom_nuclease(name="Nme2", pam="nnnncc", pam_side="3'", spacer_length=24)
    assert (three.pam, three.cut_offset, three.cut_offset_other) == ("NNNNCC", 21, 21)
    assert isinstance(three, Nuclease)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"pam": "NGX"}, "IUPAC"),
        ({"pam": "N1G"}, "IUPAC"),
        ({"pam": ""}, "empty"),
        ({"spacer_length": 15}, "out of range"),
        ({"spacer_length": 31}, "out of range"),
        ({"pam_side": "left"}, "PAM side"),
    ],
)
def test_custom_nuclease_bad_input(kwargs: dict[str, object], needle: str) -> None:
    args: dict[str, object] = {"name": "x", "pam": "NGG", "pam_side": "3prime", "spacer_length": 20}
    args.update(kwargs)
    with pytest.raises(InputError, match=needle):
        custom_nuclease(**args)  # type: ignore[arg-type]


def test_spacer_length_out_of_range_for_a_builtin() -> None:
    with pytest.raises(InputError, match="17-24"):
        get_nuclease("SpCas9").check_spacer_length(30)
