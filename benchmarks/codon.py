"""Benchmark: codon optimisation of a ~1.5 kb CDS (F9 Padua, 1,386 nt) with all constraints.

Goal (issue 6): under 30 s and reproducible with the same seed. Prints and saves
benchmarks/results/codon.json (with os.getloadavg(), the machine is shared).
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

from vivo.delivery import get_transgene
from vivo.delivery.codon import CodonConstraints, optimize_codons


def main() -> None:
    protein = get_transgene("F9", variant="R338L").protein
    cons = CodonConstraints(deplete_cpg=True)  # every constraint on, CpG depletion included
    runs = []
    for method in ("use_best_codon", "match_codon_usage"):
        seqs, times = [], []
        for _ in range(2):
            t0 = time.perf_counter()
            res = optimize_codons(protein=protein, method=method, constraints=cons, rng=42)
            times.append(time.perf_counter() - t0)
            seqs.append(res.sequence)
        runs.append({
            "method": method, "cds_bp": len(seqs[0]), "seconds": [round(t, 3) for t in times],
            "reproducible": seqs[0] == seqs[1], "cai_after": round(res.after.cai, 4),
            "gc_after": round(res.after.gc_fraction, 4),
            "cpg_before": res.before.cpg_count, "cpg_after": res.after.cpg_count,
        })  # fmt: skip
    out = {
        "benchmark": "codon_optimization_1.4kb_all_constraints",
        "goal_seconds": 30,
        "runs": runs,
        "loadavg": os.getloadavg(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
    }
    path = Path(__file__).parent / "results" / "codon.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
