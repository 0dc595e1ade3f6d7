"""HGVS with reference accessions: NM_/ENST c., NC_ g., versions, unknown accessions."""

from __future__ import annotations

import pytest

from vivo.core.errors import InputError
from vivo.genome.annotation import AnnotatedGenome, Annotation, Gene
from vivo.genome.base import InMemoryGenome
from vivo.variants.accessions import is_accession
from vivo.variants.interpret import interpret_variant


@pytest.mark.parametrize(
    "text",
    [
        "NM_000518.5:c.20A>T",
        "NM_000518.5(HBB):c.20A>T",
        "ENST00000335295.4:c.20A>T",
        "NC_000011.10:g.5227002T>A",
        "NC_000011.9:g.5248232T>A",
        "HBB:c.20A>T",
    ],
)
def test_hbs_by_every_reference(text: str, hbb_locus) -> None:
    r = interpret_variant(text, genome=hbb_locus)
    assert (r.hgvs_c, r.hgvs_g, r.warnings) == ("HBB:c.20A>T", "U01317.1:g.62206A>T", ())
    assert r.consequence.protein is not None and r.consequence.protein.hgvs == "p.Glu7Val"


def test_other_version_is_a_warning_naming_both(hbb_locus) -> None:
    r = interpret_variant("NM_000518.4:c.118C>T", genome=hbb_locus)
    assert r.hgvs_c == "HBB:c.118C>T"
    assert len(r.warnings) == 1 and "NM_000518.4" in r.warnings[0]
    assert "NM_000518.5" in r.warnings[0]
    assert r.to_dict()["warnings"] == list(r.warnings)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("NM_000519.4:c.20A>T", "NM_000519.4 is not in the annotation"),
        ("NM_000518.5(HBD):c.20A>T", "transcript of HBB, not of HBD"),
        ("NC_000011.10:g.5249456G>A", "outside the bundled HBB locus"),
        ("NC_000011.10:g.5227002C>A", "GRCh38 reference at chr11:5,227,002 is T, not C"),
        ("NC_000012.12:g.5227002T>A", "not a chromosome the bundled locus is placed on"),
        ("NG_000007.3:g.70614A>T", "not supported"),
        ("NM_000518.5:g.20A>T", "write its variants as c."),
        ("NC_000011.10:c.20A>T", "g. variants"),
    ],
)
def test_bad_accessions(text: str, message: str, hbb_locus) -> None:
    with pytest.raises(InputError, match=message):
        interpret_variant(text, genome=hbb_locus)


def test_genomic_deletion_on_the_minus_strand(hbb_locus) -> None:
    # GRCh38 chr11:5226763-5226766 AAAG = HBB codons 41/42 (-TTCT), c.126_129del
    r = interpret_variant("NC_000011.10:g.5226763_5226766del", genome=hbb_locus)
    assert r.hgvs_c == "HBB:c.126_129del" and r.consequence.label == "frameshift"


def _user_genome(hbb_locus, tx_id: str, contig: str) -> AnnotatedGenome:
    """The bundled sequence and HBB under a user's transcript id and contig name."""
    from dataclasses import replace

    seq = hbb_locus.genome.fetch_region("U01317.1", 0, 73308)
    tx = replace(hbb_locus.gene("HBB").canonical, transcript_id=tx_id, contig=contig)
    gene = Gene("HBB", replace(hbb_locus.gene("HBB").locus, contig=contig), (tx,))
    return AnnotatedGenome(InMemoryGenome({contig: seq}, name="user"), Annotation([gene]))


def test_transcript_id_of_a_loaded_annotation(hbb_locus) -> None:
    ag = _user_genome(hbb_locus, "ENST00000335295.4", "chr11")
    assert interpret_variant("ENST00000335295.4:c.20A>T", genome=ag).warnings == ()
    r = interpret_variant("ENST00000335295.3:c.20A>T", genome=ag)
    assert "ENST00000335295.3" in r.warnings[0] and "ENST00000335295.4" in r.warnings[0]
    with pytest.raises(InputError, match="NM_000518.5 is not in the annotation of user"):
        interpret_variant("NM_000518.5:c.20A>T", genome=ag)


def test_chromosome_accession_on_a_user_genome(hbb_locus) -> None:
    ag = _user_genome(hbb_locus, "t1", "NC_000011.10")
    assert interpret_variant("NC_000011.10:g.62206A>T", genome=ag).hgvs_c == "HBB:c.20A>T"
    other = _user_genome(hbb_locus, "t1", "chr11")  # 73 kb: not GRCh38's chr11
    with pytest.raises(InputError, match="no chr11 of 135,086,622 bp"):
        interpret_variant("NC_000011.10:g.62206A>T", genome=other)


def test_is_accession() -> None:
    assert is_accession("NM_000518.5") and is_accession("ENST00000335295")
    assert not is_accession("HBB") and not is_accession(None)
