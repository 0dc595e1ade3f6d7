"""Product statuses, dated events, safety signals and the source policy (issue 12, item 8)."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlparse

import pytest

from vivo.core.errors import FormatError
from vivo.knowledge import get_product, load_products
from vivo.knowledge.products import (
    BUSINESS_EVENTS,
    BUSINESS_STATUSES,
    EVENT_KINDS,
    PRODUCT_STATUSES,
    SIGNAL_KINDS,
    load_product_sources,
    parse_products,
)
from vivo.knowledge.sources import read_data_text

TODAY = "2026-12-04"
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
CAR_T = ("Kymriah", "Yescarta", "Tecartus", "Breyanzi", "Abecma", "Carvykti")

# Where each kind of source may live. Agency and label pages are the regulators' own sites;
# papers are DOIs, PubMed/PMC records or the journals' pages.
AGENCY_HOSTS = ("fda.gov", "ema.europa.eu", "gov.uk", "wayback.archive-it.org")
PAPER_HOSTS = (
    "doi.org",
    "pubmed.ncbi.nlm.nih.gov",
    "pmc.ncbi.nlm.nih.gov",
    "hindawi.com",
    "aacrjournals.org",
    "ashpublications.com",
    "yakhak.org",
    "experts.umn.edu",
)
# Aggregators, trade press, blogs and mirrors that the table cited before: none may come back.
BANNED = (
    "healthtechnologynet",
    "fxbaogao",
    "nextedge",
    "mednous",
    "nasdaq",
    "seekingalpha",
    "benzinga",
    "fiercepharma",
    "cgtlive",
    "biospace",
    "aabb.org",
    "genetherapynetwork",
    "kiwix",
    "talk.bio",
    "webull",
    "pillpals",
    "newdigs",
    "darkhorse",
    "maestrodatabase",
    "lifesciencehistory",
    "mlo-online",
    "pbdrx",
    "alliancerm",
    "medicalupdateonline",
    "globalgenes",
    "biopharma-reporter",
    "cen.acs.org",
    "ithanet",
    "capsulcn",
    "chemistryworld",
    "myeloma360",
    "csoftintl",
    "mmactivmedia",
    "pipelinereview",
    "bigmoleculewatch",
    "bioworld",
    "hemonc.org",
    "voice.ons.org",
    "expresspharma",
    "ppf.eu",
    "fdanews",
    "thepharmaletter",
    "packgene",
    "epicos",
    "europeanpharmaceuticalreview",
    "pharmamanufacturing",
    "institut-myologie",
    "medpath",
    "saludcastillayleon",
    "47.251.13.51",
    "proquest",
    "caf-dcf",
    "igeaweb",
    "blogspot",
    "qxmd",
    "summit-re",
    "cbcspecialtyservices",
    "biopharminternational",
    "businessinsider",
    "cancerhealth",
    "acgtfoundation",
    "pharmacypracticenews",
    "livhospital",
    "market-scope",
    "managedhealthcareexecutive",
    "sdbn.org",
    "medx.it.com",
    "respiratory-therapy",
)
DATA_FILES = ("products.csv", "product_status.toml", "product_sources.toml", "literature.toml")


def _host(url: str) -> str:
    return urlparse(url).netloc.lower()


# ---------------------------------------------------------------------------------------------
# every row


def test_every_product_has_a_typed_dated_sourced_status() -> None:
    for p in load_products():
        assert p.status in PRODUCT_STATUSES, p.brand
        assert DATE.match(p.status_as_of) and DATE.match(p.status_checked), p.brand
        assert p.status_as_of <= p.status_checked <= TODAY, p.brand
        assert p.status_sources, p.brand
        assert p.status_summary, p.brand


def test_every_changeable_fact_has_a_date() -> None:
    for p in load_products():
        for e in p.events:
            assert DATE.match(e.date) and e.date <= TODAY, (p.brand, e)
            assert e.kind in EVENT_KINDS and e.region and e.summary, (p.brand, e)
            assert e.sources or not e.verified, (p.brand, e)
        for s in p.safety:
            assert DATE.match(s.date) and s.date <= TODAY, (p.brand, s)
            assert s.kind in SIGNAL_KINDS and s.summary, (p.brand, s)
            assert s.sources or not s.verified, (p.brand, s)
    # status changes written in the free-text column carry a year or a date
    words = re.compile(r"withdrawn|discontinued|restricted|not renewed|refused|limited|divest")
    for row in csv.DictReader(io.StringIO(read_data_text("products.csv"))):
        for item in row["other_approvals_status"].split(";"):
            if words.search(item) and "refused" not in item:
                assert re.search(r"\b(19|20)\d{2}\b", item), (row["brand"], item)


def test_no_placeholder_in_any_cell() -> None:
    text = read_data_text("products.csv")
    assert "not in source" not in text.lower() and "not stated" not in text.lower()
    for row in csv.DictReader(io.StringIO(text)):
        for column, value in row.items():
            assert value.strip() != "†", (row["brand"], column)
            assert not re.fullmatch(r"\(.*\)", value.strip()), (row["brand"], column, value)


def test_every_source_is_a_regulator_label_paper_or_company_record() -> None:
    registry = load_product_sources()
    for key, rec in registry.items():
        host = _host(rec.url)
        assert rec.kind in ("agency", "label", "paper", "company"), key
        if rec.kind in ("agency", "label"):
            assert host.endswith(AGENCY_HOSTS), (key, host)
        elif rec.kind == "paper":
            assert host.endswith(PAPER_HOSTS), (key, host)
        assert rec.title, key


def test_no_aggregator_or_trade_press_anywhere_in_the_data() -> None:
    for name in DATA_FILES:
        text = read_data_text(name).lower()
        found = [b for b in BANNED if b in text]
        assert not found, (name, found)
    for p in load_products():
        every = [*p.sources, *p.status_sources]
        every += [s for e in p.events for s in e.sources]
        every += [s for sig in p.safety for s in sig.sources]
        for s in every:
            assert not any(b in s.url.lower() for b in BANNED), (p.brand, s)


def test_company_statements_only_source_business_events() -> None:
    registry = load_product_sources()

    def company(sources: tuple) -> bool:  # type: ignore[type-arg]
        return any(registry[s.key].kind == "company" for s in sources)

    for p in load_products():
        assert not company(p.sources), p.brand
        assert not company(p.status_sources) or p.status in BUSINESS_STATUSES, p.brand
        for e in p.events:
            assert not company(e.sources) or e.kind in BUSINESS_EVENTS, (p.brand, e)
        for s in p.safety:
            assert not company(s.sources), (p.brand, s)


# ---------------------------------------------------------------------------------------------
# the rows named in issue 12


def test_glybera_eu_only_and_not_renewed() -> None:
    g = get_product("Glybera")
    assert g.status == "not_renewed" and g.status_as_of.startswith("2017-10")
    assert g.status_verified and not g.is_current
    assert {e.region for e in g.events} == {"EU"}  # never approved in the US
    approval = next(e for e in g.events if e.kind == "approval")
    assert approval.date == "2012-10-25"
    assert "never approved in the US" in g.other_approvals_status
    assert "US" not in g.notes


def test_casgevy_us_sickle_and_thalassemia_and_eu_conditional() -> None:
    c = get_product("Casgevy")
    by = {(e.region, e.date): e for e in c.events if e.verified}
    assert ("US", "2023-12-08") in by and "sickle" in by["US", "2023-12-08"].summary
    assert ("US", "2024-01-16") in by and "thalassemia" in by["US", "2024-01-16"].summary
    assert by["EU", "2024-02-09"].kind == "conditional_approval"
    assert by["UK", "2023-11-16"].kind == "conditional_approval"
    assert c.status == "approved" and not c.safety


def test_car_t_class_boxed_warning_and_rems_removal() -> None:
    for brand in CAR_T:
        p = get_product(brand)
        tcm = [s for s in p.safety if s.kind == "boxed_warning" and "T-cell malignanc" in s.summary]
        assert tcm and tcm[0].date.startswith("2024"), brand
        rems = [e for e in p.events if e.kind == "rems_removed"]
        assert rems and rems[0].date == "2025-06-26", brand
        assert p.status == "approved" and p.status_as_of == "2025-06-26", brand


def test_elevidys_deaths_and_2025_restriction_to_ambulatory_patients() -> None:
    e = get_product("Elevidys")
    assert e.status == "restricted" and e.status_as_of == "2025-11-14" and e.status_verified
    kinds = {s.kind: s for s in e.safety}
    assert {"death", "boxed_warning", "label_restriction"} <= set(kinds)
    assert "acute liver failure" in kinds["death"].summary
    assert "ambulatory" in kinds["label_restriction"].summary
    assert kinds["boxed_warning"].date == "2025-11-14"
    assert any(e_.region == "EU" and e_.kind == "refusal" for e_ in e.events)


def test_skysona_boxed_warning_and_2025_restriction() -> None:
    s = get_product("Skysona")
    assert s.status == "restricted" and s.status_as_of == "2025-08-07"
    boxed = [x for x in s.safety if x.kind == "boxed_warning"]
    assert boxed and "hematologic malignancy" in boxed[0].summary
    restriction = next(x for x in s.safety if x.kind == "label_restriction")
    assert restriction.date == "2025-08-07" and "HLA-matched" in restriction.summary
    assert any(x.kind == "withdrawal" and x.region == "EU" for x in s.events)


def test_lyfgenia_zolgensma_beqvez_roctavian_zynteglo() -> None:
    lyf = get_product("Lyfgenia")
    assert [x.kind for x in lyf.safety] == ["boxed_warning"]
    assert "hematologic malignancy" in lyf.safety[0].summary
    zol = get_product("Zolgensma")
    assert {"boxed_warning", "death"} <= {x.kind for x in zol.safety}
    beq = get_product("Beqvez")
    assert beq.status == "discontinued" and beq.status_as_of.startswith("2025")
    assert any(x.kind == "discontinuation" and x.date.startswith("2025-02") for x in beq.events)
    roc = get_product("Roctavian")
    assert roc.status == "withdrawn" and not roc.status_verified  # company statement not read
    assert any(x.kind == "divestment" and x.date == "2025-10-27" for x in roc.events)
    zyn = get_product("Zynteglo")
    assert zyn.status == "approved"  # in the US; the EU authorisation was withdrawn
    assert any(x.kind == "withdrawal" and x.region == "EU" for x in zyn.events)


# ---------------------------------------------------------------------------------------------
# the loader refuses malformed data


@pytest.fixture(scope="module")
def texts() -> tuple[str, str, str]:
    return (
        read_data_text("products.csv"),
        read_data_text("product_status.toml"),
        read_data_text("product_sources.toml"),
    )


def test_the_bundled_texts_parse(texts: tuple[str, str, str]) -> None:
    assert len(parse_products(*texts)) == len(load_products())


def _first_row_edit(csv_text: str, column: str, value: str) -> str:
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    rows[0][column] = value
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("generic", "(not in source)", "placeholder"),
        ("vector", "†", "placeholder"),
        ("modality_class", "magic", "vocabulary"),
        ("source_keys", "", "no source keys"),
        ("source_keys", "P-NOT-REGISTERED", "unknown source key"),
        ("source_keys", "CO-BIOMARIN-ROC-2026", "company statement"),
        ("verification", "secondary sources", "verification"),
        ("brand", "Kymriah-typo", "no status"),
    ],
)
def test_malformed_csv_rows_are_rejected(
    texts: tuple[str, str, str], column: str, value: str, message: str
) -> None:
    csv_text, status, sources = texts
    with pytest.raises(FormatError, match=message) as err:
        parse_products(_first_row_edit(csv_text, column, value), status, sources)
    assert "products.csv" in str(err.value) or "product_status" in str(err.value)


def test_a_row_with_too_many_fields_is_rejected_with_its_line(
    texts: tuple[str, str, str],
) -> None:
    csv_text, status, sources = texts
    lines = csv_text.splitlines()
    lines[3] += ",extra"
    with pytest.raises(FormatError, match=r"products.csv:4: wrong number of fields"):
        parse_products("\n".join(lines), status, sources)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('status = "not_renewed"', 'status = "kind of approved"', "not in the vocabulary"),
        ('as_of = "2017-10-28"', 'as_of = "Oct 2017"', "is not YYYY"),
        ('as_of = "2017-10-28"', 'as_of = "2027-01-01"', "after checked"),
        ('sources = ["EMA-GLYBERA"]\n', "sources = []\n", "verified but no source"),
        ('sources = ["EMA-GLYBERA"]\n', 'sources = ["P-NOWHERE"]\n', "unknown source key"),
    ],
)
def test_malformed_status_entries_are_rejected(
    texts: tuple[str, str, str], old: str, new: str, message: str
) -> None:
    csv_text, status, sources = texts
    glybera = status.index('brand = "Glybera"')
    head, tail = status[:glybera], status[glybera:]
    assert old in tail
    with pytest.raises(FormatError, match=message):
        parse_products(csv_text, head + tail.replace(old, new, 1), sources)


def test_signal_kinds_verification_and_company_sources_are_checked(
    texts: tuple[str, str, str],
) -> None:
    csv_text, status, sources = texts
    signal = 'kind = "boxed_warning"\nsummary = "boxed warning: hematologic malignancy (cases'
    assert signal in status
    bad_kind = status.replace(signal, signal.replace("boxed_warning", "rumour"), 1)
    with pytest.raises(FormatError, match="rumour"):
        parse_products(csv_text, bad_kind, sources)
    lyfgenia = status.index('brand = "Lyfgenia"')
    head, tail = status[:lyfgenia], status[lyfgenia:]
    company = tail.replace(
        'sources = ["FDA-LYFGENIA"]\nverified = true',
        'sources = ["CO-BIOMARIN-ROC-2026"]\nverified = true',
        1,
    )
    assert company != tail
    with pytest.raises(FormatError, match="only for business events"):
        parse_products(csv_text, head + company, sources)
    unsourced = tail.replace(
        'sources = ["FDA-LYFGENIA"]\nverified = true', "sources = []\nverified = true", 1
    )
    with pytest.raises(FormatError, match="verified but no source"):
        parse_products(csv_text, head + unsourced, sources)


def test_source_registry_rejects_news_kinds_and_bad_urls(texts: tuple[str, str, str]) -> None:
    csv_text, status, sources = texts
    with pytest.raises(FormatError, match="not a source kind"):
        parse_products(csv_text, status, sources.replace('kind = "paper"', 'kind = "news"', 1))
    with pytest.raises(FormatError, match="not an http"):
        parse_products(csv_text, status, sources.replace('url = "https://', 'url = "ftp://', 1))
