"""Acquired diseases and their label therapies (issue 14, items 4-6): loader, sources, facts."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from vivo.core.errors import DataError, InputError
from vivo.knowledge import load_diseases
from vivo.knowledge.acquired import (
    CELL_PRODUCT_KINDS,
    AcquiredDisease,
    LabelTherapy,
    get_acquired_disease,
    is_acquired,
    load_acquired,
    load_label_therapies,
    parse_acquired,
    product_brands,
    therapies_for,
)
from vivo.knowledge.products import load_product_sources
from vivo.knowledge.sources import read_data_text

REQUIRED_DISEASES = (
    "B-cell acute lymphoblastic leukemia",
    "large B-cell lymphoma",
    "follicular lymphoma",
    "mantle cell lymphoma",
    "chronic lymphocytic leukemia",
    "multiple myeloma",
    "synovial sarcoma",
    "melanoma",
    "steroid-refractory acute graft-versus-host disease",
    "type 1 diabetes",
)


def _one(disease: str, name: str, contains: str = "") -> LabelTherapy:
    rows = [t for t in therapies_for(disease) if t.name == name and contains in t.population]
    assert len(rows) == 1, [t.population for t in rows]
    return rows[0]


# --- loader ----------------------------------------------------------------------------------


def test_required_diseases_present_and_typed() -> None:
    names = [d.name for d in load_acquired()]
    for name in REQUIRED_DISEASES:
        assert name in names
    assert all(isinstance(d, AcquiredDisease) for d in load_acquired())
    assert get_acquired_disease("type 1 diabetes").kind == "metabolic"
    assert get_acquired_disease("SR-aGVHD").kind == "immune"


def test_lookup_by_alias_case_insensitive() -> None:
    assert get_acquired_disease("b-all").name == "B-cell acute lymphoblastic leukemia"
    assert get_acquired_disease("  DLBCL ").name == "large B-cell lymphoma"
    assert is_acquired("Multiple Myeloma") and is_acquired("cll")
    assert not is_acquired("sickle cell disease")


def test_no_name_shared_with_the_monogenic_diseases() -> None:
    """A name resolves to one planner path: acquired or monogenic, never both."""
    monogenic = {n.casefold() for d in load_diseases() for n in (d.name, *d.aliases)}
    for d in load_acquired():
        for label in (d.name, *d.aliases):
            assert label.casefold() not in monogenic, label


def test_unknown_disease_is_input_error_with_hint() -> None:
    with pytest.raises(InputError, match="did you mean multiple myeloma"):
        get_acquired_disease("myeloma multiple")
    with pytest.raises(InputError, match="no acquired disease"):
        therapies_for("zzzz")


def test_every_disease_has_a_cell_product() -> None:
    for d in load_acquired():
        kinds = {t.kind for t in therapies_for(d.name)}
        assert kinds & CELL_PRODUCT_KINDS, d.name


# --- sources and dates ------------------------------------------------------------------------


def test_every_row_is_sourced_and_dated() -> None:
    today = dt.date(2026, 12, 4)
    for t in load_label_therapies():
        assert t.sources, t
        for s in t.sources:
            assert s.url.startswith("https://"), s
        as_of = dt.date.fromisoformat(t.label_as_of)
        assert dt.date(2010, 1, 1) <= as_of <= today, t
    for d in load_acquired():
        assert d.sources and d.summary.endswith("."), d.name


def test_every_licensed_row_cites_the_regulator() -> None:
    """Each product or comparator row names the FDA label record or an FDA page."""
    for t in load_label_therapies():
        if t.kind != "allo_hsct":
            assert any(re.search(r"\bfda\.gov/", s.url) for s in t.sources), t


def test_allogeneic_hsct_in_second_remission() -> None:
    (hsct,) = [t for t in therapies_for("B-ALL") if t.kind == "allo_hsct"]
    assert hsct.cell_source == "allogeneic" and not hsct.is_cell_product
    assert "second complete remission" in hsct.population and "donor" in hsct.population
    assert hsct.verified == "paper" and hsct.crs_any_pct is None


def test_verification_levels() -> None:
    """Paper rows cite a paper; unverified rows carry no rates (no number is a guess)."""
    papers = re.compile(r"(doi\.org/|aacrjournals\.org/|cancer\.fr/)")
    for t in load_label_therapies():
        if t.verified == "paper":
            assert any(papers.search(s.url) for s in t.sources), t.name
        if t.verified == "unverified":
            rates = (t.crs_any_pct, t.crs_grade3_pct, t.icans_any_pct, t.icans_grade3_pct)
            assert rates == (None, None, None, None), t.name
    assert sum(t.verified != "unverified" for t in load_label_therapies()) >= 25


def test_source_keys_agree_with_the_product_registry() -> None:
    """A key shared with product_sources.toml points at the same URL; one key, one URL."""
    registry = load_product_sources()
    urls: dict[str, str] = {}
    sources = [src for d in load_acquired() for src in d.sources]
    sources += [src for t in load_label_therapies() for src in t.sources]
    for src in sources:
        assert urls.setdefault(src.key, src.url) == src.url, src.key
        if src.key in registry:
            assert registry[src.key].url == src.url, src.key


def test_cell_products_are_products_of_the_table() -> None:
    brands = product_brands(read_data_text("products.csv"))
    for t in load_label_therapies():
        if t.is_cell_product:
            assert t.name in brands, t.name


# --- named label facts ------------------------------------------------------------------------


def test_kymriah_all_up_to_25_years() -> None:
    k = _one("B-ALL", "Kymriah")
    assert k.max_age_years == 25.0 and k.kind == "car_t" and k.target == "CD19"
    assert k.admits(age_years=25.0) and k.admits(age_years=25.9)
    assert not k.admits(age_years=26.0)
    assert k.admits(age_years=5.0, prior_lines=1) and not k.admits(prior_lines=0)
    adult_only = [t.name for t in therapies_for("B-ALL") if t.min_age_years == 18.0]
    assert {"Tecartus", "Aucatzyl"} <= set(adult_only)


def test_myeloma_line_requirements_after_2024_expansions() -> None:
    abecma = _one("multiple myeloma", "Abecma")
    carvykti = _one("multiple myeloma", "Carvykti")
    assert abecma.min_prior_lines == 2 and abecma.target == "BCMA"
    assert carvykti.min_prior_lines == 1 and "lenalidomide" in carvykti.population
    for bispecific in ("teclistamab", "elranatamab", "talquetamab"):
        assert _one("multiple myeloma", bispecific).min_prior_lines == 4
    second_line = {t.name for t in therapies_for("MM") if t.admits(age_years=60, prior_lines=1)}
    assert second_line == {"Carvykti"}


def test_lbcl_second_and_third_line() -> None:
    assert _one("LBCL", "Yescarta", "within 12 months").min_prior_lines == 1
    assert _one("LBCL", "Yescarta", "two or more").min_prior_lines == 2
    assert _one("LBCL", "Kymriah").min_prior_lines == 2


def test_tecelra_hla_and_antigen_restriction_in_population() -> None:
    t = _one("synovial sarcoma", "Tecelra")
    assert t.kind == "tcr_t" and "HLA-A*02" in t.population and "MAGE-A4" in t.population


def test_ryoncil_pediatric_msc() -> None:
    t = _one("steroid-refractory acute graft-versus-host disease", "Ryoncil")
    assert t.kind == "msc" and t.cell_source == "allogeneic"
    assert t.min_age_years is not None and t.min_age_years < 1.0
    assert not t.admits(age_years=0.1) and t.admits(age_years=0.5) and t.admits(age_years=17.5)
    assert not t.admits(age_years=18.0)


def test_first_line_option_only_in_consolidation() -> None:
    first_line = [t for t in therapies_for("B-ALL") if t.admits(age_years=30.0, prior_lines=0)]
    assert [t.name for t in first_line] == ["blinatumomab"]
    assert "consolidation" in first_line[0].population


def test_percentages_consistent() -> None:
    for t in load_label_therapies():
        for a, g in ((t.crs_any_pct, t.crs_grade3_pct), (t.icans_any_pct, t.icans_grade3_pct)):
            if a is not None and g is not None:
                assert 0.0 <= g <= a <= 100.0, t


def test_to_dict_round_trip_fields() -> None:
    t = load_label_therapies()[0]
    d = t.to_dict()
    assert d["name"] == t.name and d["sources"][0]["key"] == t.sources[0].key
    assert get_acquired_disease(t.disease).to_dict()["name"] == t.disease


# --- malformed rows ---------------------------------------------------------------------------

_DISEASE = """
[[disease]]
name = "X disease"
aliases = ["XD"]
kind = "cancer"
summary = "A test disease."
sources = [{ key = "K", url = "https://example.org/x" }]
"""

_THERAPY = """
[[therapy]]
disease = "X disease"
name = "Kymriah"
kind = "car_t"
cell_source = "autologous"
target = "CD19"
population = "test population"
min_age_years = 0.0
max_age_years = 25.0
min_prior_lines = 1
crs_any_pct = 77.0
crs_grade3_pct = 48.0
label_as_of = "2025-06-26"
verified = "label"
sources = [{ key = "K", url = "https://example.org/x" }]
"""

BRANDS = frozenset({"Kymriah"})


def test_minimal_file_parses() -> None:
    diseases, therapies = parse_acquired(_DISEASE + _THERAPY, brands=BRANDS)
    assert diseases[0].aliases == ("XD",) and therapies[0].max_age_years == 25.0


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('kind = "car_t"', 'kind = "gene_therapy"', "kind 'gene_therapy'"),
        ("max_age_years = 25.0", "max_age_years = -1.0", "outside 0-120"),
        ("min_age_years = 0.0", "min_age_years = 30.0", "above max_age_years"),
        ("crs_any_pct = 77.0", "crs_any_pct = 177.0", "outside 0-100"),
        ("crs_grade3_pct = 48.0", "crs_grade3_pct = 80.0", "exceeds crs_any_pct"),
        ('disease = "X disease"', 'disease = "Y disease"', "is not a \\[\\[disease\\]\\]"),
        ('name = "Kymriah"', 'name = "Kymriahh"', "not a brand of products.csv"),
        ('verified = "label"', 'verified = "yes"', "verified 'yes'"),
        ('label_as_of = "2025-06-26"', 'label_as_of = "June 2025"', "must be a date"),
        ("min_prior_lines = 1", "min_prior_lines = 1.5", "whole number"),
        ('cell_source = "autologous"', 'cell_source = "donor"', "cell_source 'donor'"),
        ("min_prior_lines = 1", "min_prior_line = 1", "unknown field"),
        (
            'sources = [{ key = "K", url = "https://example.org/x" }]\n',
            "sources = []\n",
            "no source",
        ),
    ],
)
def test_malformed_therapy_rejected(old: str, new: str, message: str) -> None:
    bad = _THERAPY.replace(old, new, 1)
    assert bad != _THERAPY
    with pytest.raises(DataError, match=message):
        parse_acquired(_DISEASE + bad, brands=BRANDS)


def test_malformed_disease_rejected() -> None:
    with pytest.raises(DataError, match="kind 'viral'"):
        parse_acquired(_DISEASE.replace('"cancer"', '"viral"'))
    with pytest.raises(DataError, match="used by two diseases"):
        parse_acquired(_DISEASE + _DISEASE.replace('name = "X disease"', 'name = "Z"'))
    with pytest.raises(DataError, match="not valid TOML"):
        parse_acquired("[[disease]\n")


def test_comparator_need_not_be_a_product() -> None:
    row = _THERAPY.replace('name = "Kymriah"', 'name = "blinatumomab"').replace(
        'kind = "car_t"', 'kind = "bispecific"'
    )
    _, therapies = parse_acquired(_DISEASE + row, brands=BRANDS)
    assert not therapies[0].is_cell_product
