"""End-to-end tests in a real browser: Playwright drives the system Chromium (headless)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'vivo[web]'")
pytestmark = pytest.mark.slow


def _plan(page, base: str, gene: str, variant: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/plan")
    page.fill("input[name=gene]", gene)
    page.fill("input[name=variant]", variant)
    page.click("#plan-form button[type=submit]")


@pytest.fixture(scope="module")
def plan_url(browser, live_server: str) -> str:  # type: ignore[no-untyped-def]
    """A finished HBB c.20A>T plan, submitted through the form (shared by the tests)."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(180_000)
    _plan(page, live_server, "HBB", "c.20A>T")
    page.wait_for_url("**/jobs/*")
    # live progress: the job page polls the API and reloads itself when the job is done
    assert page.locator("#job-status").inner_text() in ("queued", "running", "done")
    page.wait_for_selector("#strategies-table")
    assert page.locator("iframe.dossier").count() == 1
    url = str(page.url)
    context.close()
    return url


def test_plan_shows_ranked_strategies_and_maps(page, plan_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(plan_url)
    rows = page.locator("#strategies-table tbody tr")
    assert rows.count() >= 3
    assert rows.first.locator("td").first.inner_text() == "1"
    assert "Ex vivo" in rows.first.inner_text()
    maps = page.locator("figure.map img")
    assert maps.count() >= 1
    assert maps.first.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator("#job-status").inner_text() == "done"


def test_bad_hgvs_is_one_line_in_the_form(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    _plan(page, live_server, "HBB", "c.20A>>T")
    err = page.locator("#form-error")
    err.wait_for()
    text = err.inner_text()
    assert "c.20A>>T" in text and "\n" not in text.strip()
    assert page.input_value("input[name=variant]") == "c.20A>>T"  # the form keeps the value


def test_download_plan_json(page, plan_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto(plan_url)
    with page.expect_download() as info:
        page.click("a[href$='dossier/plan.json']")
    target = tmp_path / "plan.json"
    info.value.save_as(target)
    data = json.loads(target.read_text())
    assert data["kind"] == "vivo.plan" and data["plan"]["question"]["gene"] == "HBB"


def test_injected_script_stays_inert(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    evil_gene = "<script>window.__pwned=1;alert(1)</script>"
    evil_variant = '<img src=x onerror="window.__pwned=2;alert(2)">'
    _plan(page, live_server, evil_gene, evil_variant)
    page.locator("#form-error").wait_for()
    assert page.input_value("input[name=gene]") == evil_gene  # shown as text, not markup
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src=x]").count() == 0
    page.goto(f"{live_server}/knowledge?q=<script>window.__pwned=3</script>")
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []


def test_a_long_job_can_be_cancelled(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/plan")
    page.fill("input[name=seed]", "4242")  # a new question: no finished job to reuse
    page.fill("input[name=gene]", "HBB")
    page.fill("input[name=variant]", "c.20A>T")
    page.click("#plan-form button[type=submit]")
    page.wait_for_url("**/jobs/*")
    page.click("#cancel-form button")
    page.wait_for_selector("#job-error")
    assert page.locator("#job-status").inner_text() == "cancelled"
    assert page.locator("#strategies-table").count() == 0


def test_design_table_sorts_and_filters(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/design")
    page.fill("#guides input[name=gene]", "HBB")
    page.fill("#guides input[name=around]", "c.20A>T")
    page.click("#guides button[type=submit]")
    page.wait_for_selector("#guides-table")
    rows = page.locator("#guides-table tbody tr")
    n = rows.count()
    assert n >= 3
    page.click("#guides-table th:has-text('rank')")  # ascending
    page.click("#guides-table th:has-text('rank')")  # descending
    assert rows.first.locator("td").first.inner_text() == str(n)
    spacer = rows.nth(1).locator("td").nth(1).inner_text()
    page.fill("input.filter", spacer)
    assert page.locator("#guides-table tbody tr:visible").count() == 1
