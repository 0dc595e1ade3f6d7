"""Knowledge base: every row has sources; loaders map to the controlled vocabulary."""

from __future__ import annotations

import csv
import io

import pytest

from vivo.core.errors import InputError
from vivo.knowledge import (
    MODALITIES,
    explain,
    find_products,
    get_disease,
    get_product,
    load_cell_types,
    load_diseases,
    load_editors,
    load_glossary,
    load_literature,
    load_products,
    load_vectors,
)
from vivo.knowledge.products import load_product_sources
from vivo.knowledge.sources import read_data_text


def test_every_product_row_has_registered_source_keys() -> None:
    rows = list(csv.DictReader(io.StringIO(read_data_text("products.csv"))))
    # 47 cell and gene therapies + 16 RNA drugs (issue 15)
    assert len(rows) == len(load_products()) == 63
    registry = load_product_sources()
    for row in rows:
        keys = row["source_keys"].split()
        assert keys and all(k in registry for k in keys), row["brand"]
    for p in load_products():
        assert all(s.url.startswith("http") for s in p.sources), p.brand


@pytest.mark.parametrize(
    "loader", [load_diseases, load_vectors, load_editors, load_cell_types, load_glossary]
)
def test_every_other_row_has_a_source_with_a_url(loader) -> None:  # type: ignore[no-untyped-def]
    rows = loader()
    assert rows
    for row in rows:
        assert row.sources, row
        assert all(s.key and s.url.startswith("http") for s in row.sources), row


def test_products_use_the_controlled_vocabulary() -> None:
    for p in load_products():
        assert p.modality in MODALITIES
        assert p.delivery in ("in_vivo", "ex_vivo", "n/a")
        assert "†" not in p.vector + p.route + p.target  # mark moved to unverified_fields


def test_unverified_values_are_flagged_not_dropped() -> None:
    assert "route" in get_product("Kymriah").unverified_fields
    assert "vector" not in get_product("Casgevy").unverified_fields  # verified (Frangoul 2021)
    # rows whose only construct sources were trade press are flagged field by field
    assert {"vector", "target", "route"} <= set(get_product("Aucatzyl").unverified_fields)
    assert get_product("Encelto").vector == "" and "vector" in get_product("Encelto").unknown_fields


def test_corrections_carry_their_new_sources() -> None:
    beqvez = get_product("beqvez")
    assert beqvez.first_approval_date == "2024-01-03"  # Health Canada, now unverified
    assert "first_approval_date" in beqvez.unverified_fields
    assert {"FDA-BEQVEZ", "EMA-DURVEQTIX"} <= {s.key for s in beqvez.sources}
    assert beqvez.status == "discontinued" and not beqvez.is_current
    assert get_product("Tecartus").first_approval_date == "2020-07-24"  # FDA product page


def test_filters() -> None:
    assert [p.brand for p in find_products(target="F9")] == ["Hemgenix", "Beqvez"]
    assert {p.brand for p in find_products(modality="gene_editing")} == {"Casgevy"}
    car = find_products(modality="gene_modified_cell", target="CD19")
    assert {"Kymriah", "Yescarta", "Breyanzi"} <= {p.brand for p in car}
    assert all(p.vector_class.startswith("AAV") for p in find_products(vector="AAV"))
    assert get_product("Lenmeldy").brand.startswith("Libmeldy")


def test_unknown_names_raise_input_errors_with_hints() -> None:
    with pytest.raises(InputError, match="Casgevy"):
        get_product("Casgevi")
    with pytest.raises(InputError):
        get_disease("no such disease")
    with pytest.raises(InputError):
        find_products(modality="magic")


def test_disease_records() -> None:
    scd = get_disease("sickle cell disease")
    assert scd.genes == ("HBB",) and scd.inheritance == "autosomal_recessive"
    assert scd.compensating_genes == ("HBG1", "HBG2")
    hb = get_disease("hemophilia B")
    assert hb.target_tissue == "liver" and hb.threshold_value == 5.0
    assert get_disease("hATTR").mechanism == "gain_of_function"


def test_glossary_links_every_term_to_vivo_and_resolves_aliases() -> None:
    assert explain("HDR").term == "homology-directed repair"
    assert all(t.used_in for t in load_glossary())
    assert len(load_glossary()) >= 25


def test_literature_citations_have_a_doi_or_the_journal_page() -> None:
    lit = load_literature()
    assert lit["Newby2021"].doi == "10.1038/s41586-021-03609-w"
    assert all(c.doi or (c.url or "").startswith("https://") for c in lit.values())
    # a DOI vivo could not verify is not guessed: the journal's article page is cited instead
    assert lit["Hassan2012"].doi is None and "ashpublications.org" in (lit["Hassan2012"].url or "")


def test_dmd_exon_skipping_papers_are_cited_with_their_doi() -> None:
    # verified on the journals' pages (BMC Med Genet 2007;8:43; Nat Med 2014;20:992-1000)
    lit = load_literature()
    dup = lit["AartsmaRus2007"]
    assert (dup.doi, dup.year) == ("10.1186/1471-2350-8-43", 2007)
    assert dup.title.startswith("Antisense-induced exon skipping for duplications")
    ires = lit["Wein2014"]
    assert (ires.doi, ires.year) == ("10.1038/nm.3628", 2014)
    assert "exon 5 IRES" in ires.title


def test_cell_types_cover_the_required_kinds() -> None:
    ids = {t.id for t in load_cell_types()}
    assert {"autologous", "allogeneic", "HSC", "MSC", "iPSC", "CAR-T", "TCR-T", "TIL"} <= ids
    assert {"adoptive-cell-therapy", "cytokine", "monoclonal-antibody"} <= ids
