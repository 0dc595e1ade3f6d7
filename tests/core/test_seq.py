from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vivo.core.errors import InputError
from vivo.core.seq import (
    GENETIC_CODE,
    complement,
    gc_content,
    iupac_matches,
    reverse_complement,
    translate,
    validate_dna,
    validate_protein,
)

IUPAC = "ACGTRYSWKMBDHVNacgtryswkmbdhvn"
dna = st.text(alphabet=IUPAC, max_size=200)
acgt = st.text(alphabet="ACGT", max_size=300)


@given(dna)
def test_reverse_complement_is_an_involution(seq: str) -> None:
    assert reverse_complement(reverse_complement(seq)) == seq


@given(dna)
def test_reverse_complement_keeps_length_and_case(seq: str) -> None:
    rc = reverse_complement(seq)
    assert len(rc) == len(seq)
    assert [c.islower() for c in rc] == [c.islower() for c in reversed(seq)]


@given(acgt)
def test_complement_pairs_bases(seq: str) -> None:
    pairs = {"A": "T", "C": "G", "G": "C", "T": "A"}
    assert complement(seq) == "".join(pairs[c] for c in seq)


def test_iupac_ambiguity_complements() -> None:
    assert reverse_complement("RYKMBVDHN") == "NDHBVKMRY"


@given(acgt)
def test_translate_reads_codon_by_codon(seq: str) -> None:
    seq = seq[: len(seq) - len(seq) % 3]
    protein = translate(seq)
    assert len(protein) == len(seq) // 3
    for i, aa in enumerate(protein):
        assert GENETIC_CODE[seq[3 * i : 3 * i + 3]] == aa


@given(acgt, acgt)
def test_translate_to_stop_is_a_prefix(a: str, b: str) -> None:
    seq = (a + b)[: (len(a + b) // 3) * 3]
    full = translate(seq)
    short = translate(seq, to_stop=True)
    assert full.startswith(short)
    assert "*" not in short
    if "*" in full:
        assert len(short) == full.index("*")


def test_standard_code_facts() -> None:
    assert len(GENETIC_CODE) == 64
    assert [c for c, aa in GENETIC_CODE.items() if aa == "*"] == ["TAA", "TAG", "TGA"]
    assert GENETIC_CODE["ATG"] == "M" and GENETIC_CODE["TGG"] == "W"
    assert translate("ATGGTGCACCTGACTCCTGAGGAG") == "MVHLTPEE"  # HBB N-terminus (UniProt P68871)
    assert translate("AUGNNN") == "MX"


def test_translate_partial_codon() -> None:
    with pytest.raises(InputError, match="not a multiple of 3"):
        translate("ATGA")
    assert translate("ATGA", partial="ignore") == "M"


def test_gc_content() -> None:
    assert gc_content("GGCC") == 1.0
    assert gc_content("ATNN") == 0.0
    assert gc_content("") == 0.0
    assert gc_content("acgt") == 0.5


def test_validation_names_position() -> None:
    with pytest.raises(InputError, match=r"'X' at position 3"):
        validate_dna("ACXT")
    assert validate_dna("ACGTN") == "ACGTN"
    with pytest.raises(InputError, match="non-amino-acid"):
        validate_protein("MKJ1")
    assert validate_protein("mkv*") == "MKV*"


def test_iupac_matching() -> None:
    assert iupac_matches("NGG", "AGG")
    assert iupac_matches("TTTV", "TTTA")
    assert not iupac_matches("TTTV", "TTTT")
    assert not iupac_matches("NGG", "AG")
