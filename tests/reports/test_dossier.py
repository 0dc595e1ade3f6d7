"""Dossier rendering: schema validation, offline HTML, and a headless-Chromium screenshot."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from vivo.core.errors import DataError
from vivo.reports.dossier import render_html
from vivo.reports.schema import validate_plan
from vivo.workflows.plan import PlanRequest, run_plan


@pytest.fixture(scope="module")
def hbb_doc() -> dict:  # type: ignore[type-arg]
    return run_plan(PlanRequest("HBB", "c.20A>T")).to_dict()


def test_plan_json_validates_and_a_broken_one_does_not(hbb_doc: dict) -> None:  # type: ignore[type-arg]
    assert validate_plan(hbb_doc, required=True)
    broken = copy.deepcopy(hbb_doc)
    broken["plan"]["options"][0]["feasibility"] = "maybe"
    with pytest.raises(DataError, match="feasibility"):
        validate_plan(broken, required=True)
    blank = copy.deepcopy(hbb_doc)
    blank["sections"].append(dict(blank["sections"][0], status="unavailable", message="oops"))
    with pytest.raises(DataError, match="engine not available"):
        validate_plan(blank, required=True)
    # design params are typed: a window given as text, or a missing field, does not validate
    guide = next(
        d for o in hbb_doc["plan"]["options"] for d in o["designs"] if d["engine"] == "guides"
    )
    assert isinstance(guide["params"]["upstream_bp"], int)
    for bad in ({"upstream_bp": "300"}, {"site": "exon 1"}):
        typed = copy.deepcopy(hbb_doc)
        d = next(
            d for o in typed["plan"]["options"] for d in o["designs"] if d["engine"] == "guides"
        )
        d["params"].update(bad)
        with pytest.raises(DataError):
            validate_plan(typed, required=True)
    failed = copy.deepcopy(hbb_doc)
    failed["sections"].append(dict(failed["sections"][0], status="failed", message="oops"))
    with pytest.raises(DataError, match="could not run"):
        validate_plan(failed, required=True)


def test_html_is_self_contained_and_shows_every_section(hbb_doc: dict) -> None:  # type: ignore[type-arg]
    html = render_html(hbb_doc)
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?:", html)
    assert "<svg" in html and "Decision flow" in html
    for name in ("Casgevy", "Lyfgenia", "Makassar", "prime editing", "homology-directed"):
        assert name in html
    for s in hbb_doc["sections"]:
        assert s["message"] in html.replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")


def _chromium() -> str | None:
    return (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


def test_html_renders_in_headless_chromium(hbb_doc: dict, tmp_path: Path) -> None:  # type: ignore[type-arg]
    exe = _chromium()
    if exe is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    page = tmp_path / "report.html"
    page.write_text(render_html(hbb_doc), encoding="utf-8")
    shot = tmp_path / "shot.png"
    out = subprocess.run(
        [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1200,1600",
            "--disable-background-networking",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a real, non-blank page
