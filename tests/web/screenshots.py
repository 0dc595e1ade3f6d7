"""Take the screenshots of docs/web.md (docs/img/web-*.png) with Playwright and the system
Chromium, against a `vivo serve` started for the purpose on a free loopback port.

    python tests/web/screenshots.py [--out docs/img]

Not a test (no ``test_`` prefix); it needs the web and test extras and /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]
FASTA = ROOT / "tests" / "data" / "broken" / "valid.fa"


def _serve(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "vivo.cli.main", "serve", "--port", str(port), "--data-dir",
           str(tmp / "data"), "--genomes-home", str(tmp / "genomes")]  # fmt: skip
    proc = subprocess.Popen(cmd)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def _shot(page: Any, out: Path, name: str, selector: str | None = None) -> None:
    if selector:
        page.locator(selector).first.scroll_into_view_if_needed()
        page.evaluate("s => document.querySelector(s).scrollIntoView()", selector)
    page.screenshot(path=str(out / f"web-{name}.png"))
    print("wrote", out / f"web-{name}.png")


def _job(page: Any, selector: str) -> None:
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector(selector, timeout=600_000)


def take(base: str, out: Path) -> None:
    """Every page of the app, with a plan, a guide design, a CAR, a genome and a search."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(f"{base}/plan")
        page.fill("input[name=gene]", "HBB")
        page.fill("input[name=variant]", "c.20A>T")
        page.select_option("select[name=zygosity]", "homozygous")
        page.fill("input[name=age]", "12")
        page.fill("input[name=weight]", "38")
        _shot(page, out, "plan-form")
        page.click("#plan-form button[type=submit]")
        page.wait_for_url("**/jobs/*")
        _shot(page, out, "plan-progress")
        page.wait_for_selector("#strategies-table", timeout=600_000)
        _shot(page, out, "plan-result")
        _shot(page, out, "plan-designs", "figure.map")
        _shot(page, out, "plan-downloads", "#downloads")
        page.goto(f"{base}/design")
        _shot(page, out, "design")
        page.fill("#guides input[name=gene]", "HBB")
        page.fill("#guides input[name=around]", "c.20A>T")
        page.click("#guides button[type=submit]")
        _job(page, "#guides-table")
        _shot(page, out, "guides")
        page.goto(f"{base}/design")
        page.fill("#car input[name=target]", "CD19")
        page.click("#car button[type=submit]")
        _job(page, "#checks-table")
        _shot(page, out, "car", "figure.map")
        page.goto(f"{base}/genomes")
        page.fill("input[name=name]", "toy-locus")
        page.set_input_files("input[name=fasta]", str(FASTA))
        page.click("#genome-form button[type=submit]")
        _job(page, "text=indexed")
        page.goto(f"{base}/genomes")
        _shot(page, out, "genomes")
        seq = "".join(FASTA.read_text().split("\n", 1)[1].split())
        spacers = [seq[i : i + 20] for i in range(len(seq) - 23) if seq[i + 21 : i + 23] == "GG"]
        page.goto(f"{base}/offtargets")
        page.fill("textarea[name=guides]", "\n".join(spacers[::9][:8]))
        page.fill("input[name=mismatches]", "3")
        _shot(page, out, "offtargets-form")
        page.click("#offtarget-form button[type=submit]")
        _job(page, "a[href$='offtargets.tsv']")
        _shot(page, out, "offtargets")
        page.goto(f"{base}/trials")
        page.fill("input[name=disease]", "sickle cell disease")
        _shot(page, out, "trials")
        page.goto(f"{base}/knowledge?modality=gene_editing")
        _shot(page, out, "knowledge")
        page.goto(f"{base}/docs")
        _shot(page, out, "api")
        browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description="screenshots of vivo serve for docs/web.md")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vivo-shots-") as tmp:
        proc, base = _serve(Path(tmp))
        try:
            take(base, args.out)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
