"""Off-target benchmark: seeded synthetic genome with planted near-copies of each guide.

    python benchmarks/offtarget.py --size-mb 100 --guides 100 --mismatches 4 [--bulges]

Builds the on-disk index (timed), searches (timed, wall + CPU + peak RSS), checks that every
planted site is found, and writes benchmarks/results/offtarget-<size>mb-<guides>g-<mode>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from vivo.core.seq import reverse_complement
from vivo.io.fasta import write_fasta
from vivo.workflows.genome_index import build_genome_index, open_index

from vivo.editing.offtarget import search_offtargets


def _mutate(rng, s, mm, dna, rna):  # type: ignore[no-untyped-def]
    out = list(s)
    for i in rng.choice(np.arange(1, 19), size=mm, replace=False):
        out[i] = "ACGT"[("ACGT".index(out[i]) + 1 + int(rng.integers(3))) % 4]
    for _ in range(dna):
        out.insert(int(rng.integers(2, 18)), "ACGT"[int(rng.integers(4))])
    for _ in range(rna):
        del out[int(rng.integers(2, 18))]
    return "".join(out)


def make_genome(size: int, guides: list[str], rng, bulges: bool):  # type: ignore[no-untyped-def]
    p = [0.295, 0.205, 0.205, 0.295]  # human-like 41% GC
    seq = bytearray(np.frombuffer(b"ACGT", dtype=np.uint8)[rng.choice(4, size=size, p=p)].tobytes())
    planted = []
    kinds = [(m, 0, 0) for m in range(1, 7)] + ([(1, 1, 0), (1, 0, 1)] if bulges else [])
    for gi, g in enumerate(guides):
        for mm, d, r in kinds:
            site = _mutate(rng, g, mm, d, r) + "AGG"
            pos = int(rng.integers(100, size - 100))
            minus = bool(rng.integers(2))
            seq[pos : pos + len(site)] = (reverse_complement(site) if minus else site).encode()
            planted.append((gi, pos, len(site), minus, mm, d, r))
    return seq.decode(), planted


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=float, default=100)
    ap.add_argument("--guides", type=int, default=100)
    ap.add_argument("--mismatches", type=int, default=4)
    ap.add_argument("--bulges", action="store_true", help="search with 1 DNA + 1 RNA bulge")
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    size = int(a.size_mb * 1e6)
    guides = ["".join(rng.choice(list("ACGT"), 20)) for _ in range(a.guides)]
    seq, planted = make_genome(size, guides, rng, a.bulges)
    with tempfile.TemporaryDirectory() as tmp:
        fa = Path(tmp) / "synthetic.fa"
        write_fasta([("chrS", seq)], fa)
        del seq
        t0, c0 = time.perf_counter(), time.process_time()
        build_genome_index("bench", fa, home=tmp)
        build_wall, build_cpu = time.perf_counter() - t0, time.process_time() - c0
        build_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
        index = open_index("bench", home=tmp)
        d = r = 1 if a.bulges else 0
        search_offtargets(index, guides[:1], backend=a.backend, max_mismatches=1)  # JIT warm-up
        t0, c0 = time.perf_counter(), time.process_time()
        res = search_offtargets(index, guides, backend=a.backend, max_mismatches=a.mismatches,
                                dna_bulges=d, rna_bulges=r)  # fmt: skip
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        found = {(s.guide, s.start, s.end) for s in res.sites()}
        want = [p for p in planted if p[4] <= a.mismatches and (p[5] <= d and p[6] <= r)]
        hit = sum(
            (guides[g], pos + 3 * minus, pos + n - 3 * (not minus)) in found
            for g, pos, n, minus, _, _, _ in want
        )
        figures = {
            "genome_bp": size, "guides": a.guides, "max_mismatches": a.mismatches,
            "dna_bulges": d, "rna_bulges": r, "pams": list(index.pams.patterns),
            "backend": res.settings.backend, "n_sites_indexed": index.n_sites,
            "index_build_wall_s": round(build_wall, 2), "index_build_cpu_s": round(build_cpu, 2),
            "search_wall_s": round(wall, 3), "search_cpu_s": round(cpu, 3),
            "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 3),
            "peak_rss_after_build_gb": round(build_rss, 3),
            "sites_reported": sum(g.n_sites for g in res.guides),
            "planted_in_limits": len(want), "planted_found": hit,
            "all_planted_found": hit == len(want), "loadavg": os.getloadavg(),
            "cpus": os.cpu_count(), "python": sys.version.split()[0],
        }  # fmt: skip
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    mode = "bulge" if a.bulges else "mm"
    path = out / f"offtarget-{a.size_mb:g}mb-{a.guides}g-{a.mismatches}mm-{mode}.json"
    path.write_text(json.dumps(figures, indent=1))
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
