"""Hostile-user checks of `vivo trials` (H10 review): odd cache files, TSV notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vivo.cli.main import main
from vivo.core.errors import DataError
from vivo.io.clinicaltrials import CACHE_FORMAT, read_cache


def _cache(path: Path, retrieved: str) -> Path:
    doc = {
        "format": CACHE_FORMAT, "retrieved": retrieved, "base_url": "http://x/api/v2",
        "params": {}, "total_count": 0, "truncated": False, "pages": 1, "studies": [],
    }  # fmt: skip
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize(
    ("retrieved", "why"),
    [("2026-12-04T10:00:00", "no time zone"), ("2999-01-01T00:00:00+00:00", "in the future")],
)
def test_a_cache_with_an_odd_retrieval_time_is_damaged_not_a_traceback(
    tmp_path: Path, retrieved: str, why: str
) -> None:
    with pytest.raises(DataError, match=why):
        read_cache(_cache(tmp_path / "c.json", retrieved))


def test_tsv_output_keeps_the_notes_on_stderr(fake_trials, fast, capsys) -> None:
    try:
        main(["trials", "--disease", "sickle cell disease", "--api-url", fake_trials.url,
              "--max", "3", "--format", "tsv"])  # fmt: skip
    except SystemExit as exc:
        assert not exc.code
    out, err = capsys.readouterr()
    assert out.startswith("# 3 shown of 3 studies fetched")
    assert "only the first 3 of" in err  # a cut-off answer is never silent
    assert "note:" not in out  # stdout stays a clean TSV


def test_kymriah_studies_are_car_t_although_tisagenlecleucel_lacks_the_inn_stem() -> None:
    from vivo.knowledge.trials import Intervention, infer_modality, linked_products

    for name in ("Kymriah", "tisagenlecleucel", "CTL019"):
        iv = (Intervention("BIOLOGICAL", name),)
        products = linked_products(iv)
        if name == "CTL019" and not products:
            continue  # the development code is not in vivo's product names
        assert infer_modality(iv, products).modality == "car_t", name
    tcr = (Intervention("GENETIC", "afamitresgene autoleucel"),)
    assert infer_modality(tcr, linked_products(tcr)).modality == "cell_therapy"  # TCR-T


def test_country_short_forms_are_spelled_as_clinicaltrials_gov_writes_them() -> None:
    from vivo.core.errors import InputError
    from vivo.knowledge.trials import TrialQuery, country_name

    assert country_name("USA") == country_name("u.s.") == "United States"
    assert country_name("uk") == "United Kingdom" and country_name("France") == "France"
    q = TrialQuery(condition="sickle cell disease", countries=("USA",))
    assert 'AREA[LocationCountry]("United States")' in q.advanced()
    with pytest.raises(InputError, match="double quote"):
        TrialQuery(condition="x", countries=('a") OR AREA[Phase](PHASE1',))
