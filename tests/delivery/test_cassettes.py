"""Cassette assembly, checks, recommendation, GenBank round trip."""

from __future__ import annotations

import io

import pytest
from Bio import SeqIO

from vivo.core.seq import reverse_complement, translate
from vivo.delivery import (
    check_cassette,
    design_cassette,
    get_transgene,
    make_transgene,
    recommend_vectors,
)
from vivo.delivery.records import cassette_to_record


def _roundtrip(cassette):  # type: ignore[no-untyped-def]
    buf = io.StringIO()
    SeqIO.write([cassette_to_record(cassette)], buf, "genbank")
    return SeqIO.read(io.StringIO(buf.getvalue()), "genbank")


def test_lentiviral_globin_cassette_is_reversed_and_intact() -> None:
    tg = get_transgene("HBB", variant="T87Q")
    c = design_cassette(tg, vector="LV", tissue="erythroid")
    cds = c.cds
    assert cds is not None and cds.reverse
    assert reverse_complement(c.sequence[cds.start : cds.end]) == tg.cds
    report = check_cassette(c)
    assert report.check("capacity").status == "pass"
    assert report.check("internal_polya").status == "pass"
    assert report.check("orf").status == "pass"
    assert report.check("placeholders").status == "warn"  # the LCR is size-only
    back = _roundtrip(c)
    assert len(back.features) == len(c.elements)
    cds_f = next(f for f in back.features if f.type == "CDS")
    assert translate(str(cds_f.extract(back.seq)))[:-1] == tg.protein


def test_forward_polya_in_lentivirus_is_flagged() -> None:
    tg = get_transgene("HBB")
    layout = ["HIV1_5LTR", "HIV1_psi", "RRE", "cPPT", "EF1a", "Kozak", "CDS", "bGH_polyA",
              "HIV1_3LTR_SIN"]  # fmt: skip
    report = check_cassette(design_cassette(tg, vector="LV", layout=layout))
    assert report.check("internal_polya").status == "warn"


def test_oversized_dystrophin_fails_aav_with_numbers() -> None:
    c = design_cassette(get_transgene("DMD"), vector="AAV", tissue="muscle")
    cap = check_cassette(c).check("capacity")
    assert cap.status == "fail"
    over = c.payload_bp() - 5000
    assert f"{c.payload_bp():,} bp" in cap.message and f"{over:,} bp over" in cap.message
    rec = recommend_vectors(tissue="muscle", transgene_bp=11_058)
    assert not next(o for o in rec.options if o.vector == "ssAAV").fits
    assert any("dual AAV" in a for a in rec.alternatives)
    assert any("micro-dystrophin" in a for a in rec.alternatives)


def test_soft_zone_warns() -> None:
    tg = make_transgene("big", protein="M" + "A" * 1400)
    c = design_cassette(tg, vector="AAV", tissue="liver")
    assert 4700 < c.payload_bp() <= 5000
    assert check_cassette(c).check("capacity").status == "warn"


def test_tight_aav_payload_drops_the_intron_and_uses_the_short_polya() -> None:
    names = lambda c: [e.part.name for e in c.elements]  # noqa: E731
    small = design_cassette(make_transgene("f9ish", protein="M" + "A" * 460), vector="AAV",
                            tissue="liver")  # fmt: skip
    assert "chimeric_intron" in names(small) and "bGH_polyA" in names(small)
    big = design_cassette(make_transgene("big", protein="M" + "A" * 1250), vector="AAV",
                          tissue="liver")  # fmt: skip
    assert "chimeric_intron" not in names(big) and "SPA" in names(big)
    assert big.payload_bp() <= 4700  # fits once compacted (it was 4,839 bp with intron + bGH)


def test_micro_dystrophin_is_the_shortened_dmd_that_fits_one_aav() -> None:
    from vivo.delivery.transgenes import get_transgene

    micro = get_transgene("DMD", variant="micro-dystrophin")
    c = design_cassette(micro, vector="AAV", tissue="muscle")
    assert check_cassette(c).check("capacity").status in ("pass", "warn")
    full = design_cassette(get_transgene("DMD"), vector="AAV", tissue="muscle")
    assert check_cassette(full).check("capacity").status == "fail"


def test_cds_hygiene_checks_catch_motifs() -> None:
    # Lys-Lys-Lys... gives AAA runs; AATAAA polyA; a strong splice donor CAGGTAAGT.
    cds = "ATG" + "AAT" + "AAA" * 4 + "CAGGTAAGTGCC" + "TGA"
    c = design_cassette(make_transgene("toy", cds=cds), vector="AAV", tissue="liver")
    r = check_cassette(c)
    assert r.check("cryptic_polya").status == "warn"
    assert r.check("cryptic_splice").status == "warn"
    assert r.check("homopolymers").status == "warn"


def test_vector_tissue_rules() -> None:
    tg = get_transgene("HBB")
    rv = check_cassette(design_cassette(tg, vector="RV", tissue="liver"))
    assert rv.check("vector_tissue").status == "fail" and rv.status == "fail"
    aav_hsc = check_cassette(design_cassette(tg, vector="AAV", tissue="hsc"))
    assert aav_hsc.check("vector_tissue").status == "warn"
    cmv = check_cassette(design_cassette(tg, vector="AAV", tissue="liver", promoter="CMV"))
    assert cmv.check("promoter_durability").status == "warn"
    retina = check_cassette(design_cassette(tg, vector="AAV", tissue="retina", promoter="MHCK7"))
    assert retina.check("promoter_tissue").status == "warn"


def test_recommendation_for_f9_liver() -> None:
    rec = recommend_vectors(tissue="liver", transgene_bp=1386)
    top = rec.options[0]
    assert top.vector == "ssAAV" and top.fits and top.promoter == "LP1"
    assert top.estimated_payload_bp == 290 + 350 + 6 + 1386 + 49
    assert rec.alternatives == ()
    lv = recommend_vectors(tissue="erythroid", transgene_bp=444)
    assert lv.options[0].vector == "lentivirus"


def test_unknown_layout_part() -> None:
    with pytest.raises(Exception, match="unknown part 'Nope'"):
        design_cassette(get_transgene("HBB"), vector="AAV", layout=["Nope", "CDS"])
