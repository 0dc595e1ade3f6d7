"""Vector, capsid, parts and transgene catalog."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vivo.core.errors import InputError
from vivo.core.seq import translate
from vivo.delivery import (
    capsids_for_tissue,
    check_capacity,
    get_part,
    get_tissue,
    get_transgene,
    get_vector,
    list_parts,
    list_vectors,
    make_transgene,
)
from vivo.delivery.sources import REFERENCES
from vivo.genome import beta_globin_locus

SHARED_TG = Path(__file__).resolve().parents[3] / "shared" / "data" / "transgenes"


def test_every_vector_has_sources_and_consistent_limits() -> None:
    for v in list_vectors():
        assert v.sources and all(k in REFERENCES for k in v.sources), v.name
        if v.soft_limit_bp and v.hard_limit_bp:
            assert v.soft_limit_bp <= v.hard_limit_bp


def test_published_capacities() -> None:
    assert get_vector("AAV").soft_limit_bp == 4700  # ~4.7 kb incl. ITRs [V1]
    assert get_vector("scAAV").soft_limit_bp == 2200  # ~2.2 kb unique transgene [V13]
    assert get_vector("LV").soft_limit_bp == 7500 and get_vector("LV").hard_limit_bp is None
    assert not get_vector("RV").transduces_nondividing  # [V15]
    assert get_vector("HDAd").hard_limit_bp == 37000


@given(st.integers(min_value=0, max_value=60_000))
def test_capacity_status_is_monotonic(bp: int) -> None:
    rank = {"pass": 0, "warn": 1, "fail": 2}
    a, b = check_capacity("ssAAV", bp), check_capacity("ssAAV", bp + 1)
    assert rank[a.status] <= rank[b.status]


def test_capacity_messages_carry_numbers() -> None:
    warn = check_capacity("AAV", 4850)
    assert warn.status == "warn" and "4,850" in warn.message and "4,700" in warn.message
    fail = check_capacity("AAV", 11_348)
    assert fail.status == "fail" and "6,348 bp over" in fail.message


def test_unknown_names_list_the_known() -> None:
    with pytest.raises(InputError, match="known vectors: ssAAV"):
        get_vector("baculovirus")
    with pytest.raises(InputError, match="known tissues: liver"):
        get_tissue("kidney")
    with pytest.raises(InputError, match="known parts"):
        get_part("NoSuchPromoter")


def test_capsids_for_liver_and_species_note() -> None:
    names = [c.name for c in capsids_for_tissue("liver")]
    assert names[0] == "AAV8" and "AAV5" in names and "AAV9" in names
    assert "19x" in capsids_for_tissue("liver")[0].species_note


def test_parts_sizes_match_the_digest() -> None:
    assert get_part("AAV2_ITR_5").length_bp == 145  # [E1]
    assert get_part("SPA").length_bp == 49  # Levitt 1989
    assert get_part("MHCK7").length_bp == 770 and get_part("MHCK7").is_placeholder
    assert 590 <= get_part("WPRE").length_bp <= 610  # ~590-600 bp [E3]
    assert 225 <= get_part("bGH_polyA").length_bp <= 230
    assert {p.name for p in list_parts(kind="promoter", tissue="liver")} == {"LP1"}
    for p in list_parts():
        assert p.sources, p.name
        assert p.is_placeholder or len(p.sequence or "") == p.length_bp


def test_itrs_are_inverted_repeats_up_to_flip_flop() -> None:
    from vivo.core.seq import reverse_complement

    five, three = get_part("AAV2_ITR_5").sequence, get_part("AAV2_ITR_3").sequence
    assert five and three
    diffs = [
        i for i, (a, b) in enumerate(zip(reverse_complement(five), three, strict=True)) if a != b
    ]
    assert len(diffs) == 17  # flip/flop, as checked in SOURCES.md


def test_hbb_parts_come_from_the_bundled_locus() -> None:
    g = beta_globin_locus().genome
    assert get_part("HBB_promoter").sequence == g.fetch_region("U01317.1", 61870, 62136).upper()
    assert get_part("HBB_5UTR").sequence == g.fetch_region("U01317.1", 62136, 62186).upper()
    assert "AATAAA" in (get_part("HBB_3UTR_polyA").sequence or "")


def test_transgenes_and_legacy_numbering() -> None:
    f9 = get_transgene("F9", variant="R338L")
    assert f9.hgvs_p == "p.Arg384Leu" and f9.protein and f9.protein[383] == "L"
    assert get_transgene("F9", variant="p.Arg384Leu").protein == f9.protein
    hbb = get_transgene("HBB", variant="T87Q")
    assert hbb.hgvs_p == "p.Thr88Gln" and hbb.cds
    assert translate(hbb.cds)[87] == "Q" and translate(hbb.cds)[:-1] == hbb.protein
    native = get_transgene("HBB").cds or ""
    assert sum(a != b for a, b in zip(native, hbb.cds, strict=True)) == 2  # ACA -> CAA
    with pytest.raises(InputError, match="is D, not R"):
        get_transgene("F9", variant="p.Arg338Leu")  # HGVS 338 is Asp


@pytest.mark.skipif(not SHARED_TG.is_dir(), reason="../shared is not present")
def test_bundled_data_match_shared_sources() -> None:
    from Bio import SeqIO

    padua = str(next(SeqIO.parse(SHARED_TG / "F9_Padua_R338L_protein.fa", "fasta")).seq)
    assert get_transgene("F9", variant="R338L").protein == padua
    hbb = str(next(SeqIO.parse(SHARED_TG / "HBB_CDS_U01317.1.fa", "fasta")).seq)
    assert get_transgene("HBB").cds == hbb
    giraffe = {r.id: str(r.seq).upper() for r in SeqIO.parse(
        SHARED_TG / "addgene_giraffe_features.fa", "fasta")}  # fmt: skip
    assert get_part("WPRE").sequence == giraffe["F:WPRE"]
    digest = hashlib.sha256((SHARED_TG / "NC_001401.2_AAV2_genome.gb").read_bytes()).hexdigest()
    assert digest.startswith("7e4c78b5")


@pytest.mark.parametrize(
    ("cds", "match"),
    [
        ("ATGAAAT", "not a multiple of 3"),
        ("ATGTAAAAATAA", "internal stop codon at codon 2"),
        ("ATGAAAAAA", "does not end with a stop"),
        ("ATGXAATAA", "non-IUPAC"),
    ],
)
def test_bad_cds_is_rejected(cds: str, match: str) -> None:
    with pytest.raises(InputError, match=match):
        make_transgene("x", cds=cds)


def test_bad_protein_is_rejected() -> None:
    with pytest.raises(InputError, match="non-amino-acid character '1'"):
        make_transgene("x", protein="MKV1L")
