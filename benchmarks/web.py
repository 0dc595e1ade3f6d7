"""Benchmark: `vivo serve` under 50 concurrent clients on loopback (issue 18).

Each client (a thread with its own HTTP connection) opens the Knowledge page twice (with and
without a filter), asks the products API, submits a plan (one of four HBB variants, so
identical requests meet as they would in a class or a lab), polls its job until it is done and
opens the plan page. Goals: no failed request; the plan page of HBB c.20A>T renders in <= 2 s
after the job finishes. Bounded: --clients (default 50), --deadline-s (default 600; jobs still
running then are cancelled and counted). The server runs as a subprocess (`vivo serve`) with
--max-jobs-per-client above the client count, since every client here has the address
127.0.0.1. Prints and saves benchmarks/results/web.json with p50/p95 latencies and
os.getloadavg() (the development machine is shared).

    python benchmarks/web.py [--clients 50] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

QUERIES = (
    {"gene": "HBB", "variant": "c.20A>T"},
    {"gene": "HBB", "variant": "c.19G>A"},
    {"gene": "HBB", "variant": "c.92+6T>C"},
    {"gene": "HBB", "variant": "c.118C>T"},
)
OUT = Path(__file__).parent / "results" / "web.json"


class Log:
    """Thread-safe latency log: (kind, seconds, ok)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rows: list[tuple[str, float, bool, str]] = []

    def call(self, client: httpx.Client, kind: str, method: str, url: str, **kw: Any) -> Any:
        t0 = time.perf_counter()
        try:
            r = client.request(method, url, **kw)
            ok, why = r.status_code < 400, "" if r.status_code < 400 else str(r.status_code)
        except httpx.HTTPError as exc:
            r, ok, why = None, False, type(exc).__name__
        with self.lock:
            self.rows.append((kind, time.perf_counter() - t0, ok, why))
        return r


def _client(base: str, i: int, log: Log, deadline: float, jobs: list[dict[str, Any]]) -> None:
    query = QUERIES[i % len(QUERIES)]
    with httpx.Client(base_url=base, timeout=60) as c:
        log.call(c, "knowledge page", "GET", "/knowledge")
        log.call(c, "knowledge page", "GET", "/knowledge", params={"modality": "gene_editing"})
        log.call(c, "products API", "GET", "/api/knowledge/products", params={"target": "CD19"})
        r = log.call(c, "plan submit", "POST", "/api/plan", json=query)
        if r is None or r.status_code != 202:
            return
        job = r.json()["job"]
        t_submit = time.perf_counter()
        while time.perf_counter() < deadline:
            r = log.call(c, "job poll", "GET", f"/api/jobs/{job}")
            if r is not None and r.status_code == 200 and r.json()["status"] in ("done", "failed"):
                break
            time.sleep(0.5)
        else:
            log.call(c, "cancel", "POST", f"/api/jobs/{job}/cancel", headers={"X-Vivo-Client": "b"})
            jobs.append({"query": query, "status": "cancelled at the deadline"})
            return
        status = r.json()["status"]
        t_done = time.perf_counter()
        page = log.call(c, "plan page", "GET", f"/jobs/{job}")
        page_s = time.perf_counter() - t_done
        ok = page is not None and "strategies-table" in page.text
        jobs.append({"query": query, "status": status, "job_s": round(t_done - t_submit, 2),
                 "page_after_done_s": round(page_s, 3), "page_ok": ok,
                 "message": r.json()["message"]})  # fmt: skip


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    qs = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
    return {"n": len(values), "p50_s": round(qs[49], 4), "p95_s": round(qs[94], 4),
            "max_s": round(max(values), 4)}  # fmt: skip


def _serve(port: int, data: Path, workers: int, clients: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "vivo.cli.main", "serve", "--port", str(port),
           "--data-dir", str(data), "--workers", str(workers),
           "--max-jobs-per-client", str(clients + 10),
           "--genomes-home", str(data / "genomes")]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--deadline-s", type=float, default=600)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="vivo-web-bench-") as tmp:
        proc = _serve(port, Path(tmp), args.workers, args.clients)
        try:
            log, jobs = Log(), []  # type: ignore[var-annotated]
            t0 = time.perf_counter()
            deadline = t0 + args.deadline_s
            threads = [threading.Thread(target=_client,
                                        args=(f"http://127.0.0.1:{port}", i, log, deadline, jobs))
                       for i in range(args.clients)]  # fmt: skip
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - t0
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    kinds = sorted({k for k, *_ in log.rows})
    latency = {k: _percentiles([s for kk, s, _, _ in log.rows if kk == k]) for k in kinds}
    failed = [(k, why) for k, _, ok, why in log.rows if not ok]
    failed_jobs = [j for j in jobs if j["status"] != "done"]
    hbb = [j["page_after_done_s"] for j in jobs
           if j["query"] == QUERIES[0] and "page_after_done_s" in j]  # fmt: skip
    result = {
        "benchmark": "vivo serve, loopback, concurrent clients (issue 18)",
        "clients": args.clients,
        "workers": args.workers,
        "requests": len(log.rows),
        "failed_requests": len(failed),
        "failures": failed[:20],
        "wall_s": round(wall, 1),
        "latency": latency,
        "jobs_done": sum(1 for j in jobs if j["status"] == "done"),
        "jobs": len(jobs),
        "job_failures": sorted(
            {f"{j['query']['variant']}: {j.get('message', j['status'])}" for j in failed_jobs}
        ),
        "job_s": _percentiles([j["job_s"] for j in jobs if "job_s" in j]),
        "plan_pages_ok": sum(1 for j in jobs if j.get("page_ok")),
        "hbb_c20AT_page_after_done_s": _percentiles(hbb),
        "goal_page_after_done_s": 2.0,
        "goals_met": not failed and bool(hbb) and max(hbb) <= 2.0,
        "machine": {
            "cpus": os.cpu_count(),
            "loadavg": os.getloadavg(),
            "python": platform.python_version(),
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
