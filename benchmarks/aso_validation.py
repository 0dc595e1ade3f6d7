"""Splice-switching ASO validation: ranks of the approved drugs' sites under every score design.

    python benchmarks/aso_validation.py [--out benchmarks/results/aso_validation.json]

For the two golden runs of docs/models/aso.md (SMN2 exon 7 inclusion, 18-mer 2'-MOE; DMD exon
51 skipping, 30-mer PMO) and for each score design that was tried (the adopted one and the
alternatives recorded in the docs' "designs tried" table), prints

- ``site``: rank of the first reported design on the drug's site (at least half of the oligo
  on it; the golden tests' rule, ``top=20``);
- ``exact``: rank of the drug's exact tile among all ranked tiles (``splice_tile_scores``).

No design was fitted: the weights come from published feature importances (Chiba et al. 2021)
or are equal. No measured per-oligo data set was available offline, so there is no
cross-validation here (docs/models/aso.md, "Calibration data").
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from vivo.core.seq import reverse_complement
from vivo.io.atomic import write_text_atomic
from vivo.rna import aso, aso_fold
from vivo.rna.transcript import bundled_transcript

NUSINERSEN = "TCACTTTCATAATGCTGG"
ETEPLIRSEN = "CTCCAACATCAAGGAAGATGGCATTTCTAG"
R = aso._rescale
PMO = dict(aso._SKIP_WEIGHTS["pmo"])
MOE = dict(aso._SKIP_WEIGHTS["moe"])
_UNIT = 7.0 / 1.84  # the PMO rescaling: |weights| sum to 7

SKIP_DESIGNS: dict[str, dict[str, float]] = {
    "v2 equal weights (7 terms)": dict(aso._SKIP_EQUAL),
    "v3 adopted: Chiba PMO importances, NI -> net ESRseq": PMO,
    "D1: NI importance on ESRseq enhancer + ESEfinder": R({
        "exon_gc_ratio": -0.68, "binding_dg": -0.66, "accessibility_3p": 0.32,
        "esrseq_enhancer": 0.09, "esefinder_margin": 0.09}),
    "D1b: NI importance split over enhancer, ESEfinder, silencer": R({
        "exon_gc_ratio": -0.68, "binding_dg": -0.66, "accessibility_3p": 0.32,
        "esrseq_enhancer": 0.06, "esefinder_margin": 0.06, "esrseq_silencer": -0.06}),
    "v3 + distance to acceptor (2'-OMe importance 0.49)": {
        **PMO, "distance_acceptor": -0.49 * _UNIT},
    "2'-OMe importances (v3 moe weights) on the PMO run": MOE,
    "v3 - exon GC": {k: v for k, v in PMO.items() if k != "exon_gc_ratio"},
    "v3 - binding energy": {k: v for k, v in PMO.items() if k != "binding_dg"},
    "v3 - 3' accessibility": {k: v for k, v in PMO.items() if k != "accessibility_3p"},
    "v3 - ESRseq": {k: v for k, v in PMO.items() if not k.startswith("esrseq")},
}  # fmt: skip


@contextmanager
def pmo_weights(weights: dict[str, float]) -> Iterator[None]:
    old = aso._SKIP_WEIGHTS["pmo"]
    aso._SKIP_WEIGHTS["pmo"] = weights
    try:
        yield
    finally:
        aso._SKIP_WEIGHTS["pmo"] = old


def ranks(name: str, drug: str, exon: int, mode: str, length: int, chem: str) -> dict[str, object]:
    tx = bundled_transcript(name)
    start = tx.pre_mrna.find(reverse_complement(drug))
    site = (start, start + len(drug))
    res = aso.design_splice_switching(tx, exon=exon, mode=mode,  # type: ignore[arg-type]
                                      length=length, chemistry=chem, top=20)  # fmt: skip
    hit = next((d for d in res.designs
                if min(d.end, site[1]) - max(d.start, site[0]) >= d.length // 2), None)  # fmt: skip
    tiles = aso.splice_tile_scores(tx, exon=exon, mode=mode,  # type: ignore[arg-type]
                                   length=length, chemistry=chem)  # fmt: skip
    exact = next((i for i, (s, _) in enumerate(tiles, 1) if s == start and length == len(drug)),
                 None)  # fmt: skip
    return {
        "site": None if hit is None else hit.rank,
        "site_design": None if hit is None else hit.location.label,
        "exact": exact,
        "tiles": len(tiles),
        "top5": [d.location.label for d in res.designs[:5]],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/aso_validation.json"))
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    smn2: Callable[[], dict[str, object]] = lambda: ranks(  # noqa: E731
        "SMN2-exon7", NUSINERSEN, 7, "include", 18, "moe"
    )
    dmd: Callable[[], dict[str, object]] = lambda: ranks(  # noqa: E731
        "DMD-exon51", ETEPLIRSEN, 51, "skip", 30, "pmo"
    )
    out: dict[str, object] = {
        "vienna": aso_fold.folding_available(),
        "model": aso.MODEL_INFO.version,
    }
    out["smn2_include_moe18"] = smn2()  # include mode: no skip weights involved
    designs = {}
    for label, w in SKIP_DESIGNS.items():
        with pmo_weights(w):
            designs[label] = dmd()
        print(f"DMD skip PMO-30 | {label}: site {designs[label]['site']}, "
              f"exact {designs[label]['exact']}/{designs[label]['tiles']}")  # fmt: skip
    out["dmd_skip_pmo30"] = designs
    out["dmd_skip_moe30_v3"] = ranks("DMD-exon51", ETEPLIRSEN, 51, "skip", 30, "moe")
    out["dmd_skip_pmo_lengths_v3"] = {
        str(n): ranks("DMD-exon51", ETEPLIRSEN, 51, "skip", n, "pmo")["site"]
        for n in (18, 20, 22, 25, 30)
    }
    out["seconds"] = round(time.perf_counter() - t0, 1)
    print("SMN2 include MOE-18:", out["smn2_include_moe18"])
    print("DMD skip MOE-30 (v3):", out["dmd_skip_moe30_v3"])
    print("DMD skip PMO lengths (v3):", out["dmd_skip_pmo_lengths_v3"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(args.out, json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
