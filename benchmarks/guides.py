"""Benchmark: find and score every SpCas9 guide of a 100 kb region (Rule Set 1 + CRISPRscan).

Goal (issue 3): under 2 s on the 2-core development machine. Regions: a seeded random
100 kb sequence (41 % GC) and, when present, 100 kb of human chr20 from ../shared (real
repeats, soft-masking and N runs). Prints and saves benchmarks/results/guides.json with
os.getloadavg() (the machine is shared).
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from vivo.core.coords import Interval, Locus
from vivo.editing.guides import find_guides
from vivo.editing.ranking import rank_guides
from vivo.editing.scoring import score_guides
from vivo.genome.base import GenomeBase, InMemoryGenome

REGION_BP = 100_000
CHR20 = Path(__file__).resolve().parents[2] / "shared" / "data" / "genomes"


def _random_genome() -> InMemoryGenome:
    rng = np.random.default_rng(20240503)
    bases = rng.choice(list("ACGT"), size=REGION_BP, p=[0.295, 0.205, 0.205, 0.295])
    return InMemoryGenome({"random": "".join(bases)}, name="random-100kb")


def _chr20() -> tuple[GenomeBase, Locus] | None:
    candidates = sorted(CHR20.glob("*chr20*")) if CHR20.is_dir() else []
    for path in candidates:
        if path.suffix in {".2bit", ".fa", ".fasta", ".gz"}:
            from vivo.io.genomes import open_genome

            genome = open_genome(str(path)).genome
            contig = genome.contig_names()[0]
            start = 30_000_000
            return genome, Locus(contig, Interval(start, start + REGION_BP))
    return None


def _time(genome: GenomeBase, locus: Locus, repeats: int = 3) -> dict[str, object]:
    best: dict[str, float] = {}
    count = 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        guides = find_guides(genome, locus, "SpCas9")
        t1 = time.perf_counter()
        scored = score_guides(guides, ["ruleset1", "crisprscan"])
        t2 = time.perf_counter()
        rank_guides(scored)
        t3 = time.perf_counter()
        count = len(scored)
        for key, value in (("find_s", t1 - t0), ("score_s", t2 - t1), ("rank_s", t3 - t2),
                           ("find_and_score_s", t2 - t0), ("total_s", t3 - t0)):  # fmt: skip
            best[key] = min(best.get(key, value), value)
    return {"region": locus.to_ucsc(), "genome": genome.name, "guides": count,
            **{k: round(v, 4) for k, v in best.items()}}  # fmt: skip


def main() -> None:
    runs = []
    rnd = _random_genome()
    runs.append(_time(rnd, Locus("random", Interval(0, REGION_BP))))
    real = _chr20()
    if real is not None:
        runs.append(_time(*real))
    result = {
        "benchmark": "guides: find + score (Rule Set 1, CRISPRscan) all SpCas9 guides, 100 kb",
        "goal": "find_and_score_s < 2.0",
        "runs": runs,
        "loadavg": os.getloadavg(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "note": "best of 3 repeats; wall-clock seconds",
    }
    print(json.dumps(result, indent=2))
    out = Path(__file__).parent / "results" / "guides.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
