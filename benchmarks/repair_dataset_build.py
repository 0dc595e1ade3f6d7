"""Rebuild the bundled repair-outcome validation tables from the published spreadsheets.

Not run by the tests (it needs ``openpyxl`` and the three spreadsheets, which are not bundled);
kept in ``benchmarks/`` so that pytest (``--doctest-modules``) never imports it.
Inputs (Shen MW et al., Nature 2018;563:646-651, doi:10.1038/s41586-018-0686-x):

* ``SupplementaryData.xlsx`` -- the paper's Supplementary Data (Supplementary Tables 1-6);
  copy used: github.com/maxwshen/indelphi-dataprocessinganalysis, commit 635a10c, sha256 in
  ``SOURCES.md``.
* ``41586_2018_686_MOESM5_ESM.xlsx`` -- Source Data Fig. 3; copy used:
  github.com/amirgroup-codes/shapzero, ``inDelphi/figures/data/``.
* ``41586_2018_686_MOESM4_ESM.xlsx`` -- Source Data Fig. 2; copy used:
  github.com/mennohie/indelphi-dataprocessinganalysis, ``reproduction/``.

Usage: ``python benchmarks/repair_dataset_build.py SUPP.xlsx MOESM5.xlsx MOESM4.xlsx`` (writes the
CSV files into ``tests/data/repair/``).
"""

from __future__ import annotations

import csv
import statistics
import sys
from collections import defaultdict
from pathlib import Path

import openpyxl  # type: ignore[import-not-found]

HERE = Path(__file__).resolve().parents[1] / "tests" / "data" / "repair"
CUT = 27  # 55-nt contexts: 10 nt, 20-nt spacer, PAM at 30-32; SpCas9 cut after 27 nt


def _rows(path: str, sheet: str) -> list[tuple[object, ...]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]


def _split(i: int) -> str:
    return "fit" if i % 2 == 0 else "holdout"


def _repair_label(context: str, disease: str, wt: str) -> str | None:
    offset = disease.find(context)
    if offset < 0 or disease.count(context) != 1:
        return None
    d = len(disease) - len(wt)
    if d <= 0:
        return None
    for a in range(max(0, CUT - d), CUT + 1):  # leftmost start first
        if a + d > len(context):
            break
        if disease[: offset + a] + disease[offset + a + d :] == wt:
            return f"del{d}:{a - CUT:+d}"
    return None


def main(supp: str, moesm5: str, moesm4: str) -> None:
    lib_a = {r[1]: r for r in _rows(supp, "Supplementary Table 2")[2:] if r[1]}
    # --- van Overbeek 2016 endogenous sites, HEK293T (Source Data Fig. 3d, 3e) ----------
    frames: dict[str, dict[int, float]] = defaultdict(dict)
    indelphi: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    bae: dict[str, dict[int, float]] = defaultdict(dict)
    for r in _rows(moesm5, "Fig. 3d")[1:]:
        b, frame, obs, exp, pred = r[1], r[2], r[3], r[4], r[5]
        frames[str(exp)][int(frame)] = float(obs)  # type: ignore[arg-type]
        indelphi[str(exp)][int(frame)].append(float(pred))  # type: ignore[arg-type]
        bae[str(exp)][int(frame)] = float(b)  # type: ignore[arg-type]
    ins = {str(r[11]): float(r[12]) for r in _rows(moesm5, "Fig. 3e")[1:] if r[11]}  # type: ignore[arg-type]
    # sites without a sequence in Supplementary Table 2 are skipped
    names = sorted((n for n in frames if n in lib_a), key=lambda n: int(n.rsplit("_", 1)[1]))
    with open(HERE / "vo_hek293t.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            [
                "site",
                "spacer",
                "pam",
                "sequence",
                "cut_index",
                "measured_frameshift",
                "measured_ins1bp",
                "indelphi_frameshift",
                "bae_frameshift",
                "split",
            ]
        )
        for i, name in enumerate(names):
            row = lib_a[name]
            seq, spacer, pam = str(row[3]), str(row[2]), str(row[4])
            assert seq[10:30] == spacer and seq[30:33] == pam, name
            f = frames[name]
            fs = f[1] + f[2]
            pred = statistics.fmean(indelphi[name][1]) + statistics.fmean(indelphi[name][2])
            w.writerow(
                [
                    name,
                    spacer,
                    pam,
                    seq,
                    CUT,
                    f"{fs:.4f}",
                    "" if name not in ins else f"{ins[name]:.4f}",
                    f"{pred:.4f}",
                    f"{bae[name][1] + bae[name][2]:.4f}",
                    _split(i),
                ]
            )
    # --- Lib-B disease microduplications, mESC (Supplementary Table 1) -------------------
    # The repair-to-wild-type genotype is the deletion (spanning the cut) that turns the
    # disease allele into the wild-type allele; it is written as vivo labels it:
    # del<d>:<leftmost start relative to the cut>.
    with open(HERE / "libb_mesc.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            [
                "site",
                "spacer",
                "sequence",
                "cut_index",
                "measured_frameshift",
                "measured_repair_to_wt",
                "repair_to_wt_genotype",
                "indelphi_frameshift",
                "split",
            ]
        )
        kept = [
            r
            for r in _rows(supp, "Supplementary Table 1")[2:]
            if r[5] is not None and r[8] is not None
        ]
        for i, r in enumerate(kept):
            seq, spacer = str(r[2]), str(r[1])
            disease, wt = str(r[3]), str(r[4])
            assert seq[10:30] == spacer, r[0]
            label = _repair_label(seq, disease, wt)
            if label is None:  # the repair deletion does not fit the 55-nt window
                continue
            w.writerow(
                [
                    r[0],
                    spacer,
                    seq,
                    CUT,
                    f"{float(r[5]):.4f}",  # type: ignore[arg-type]
                    f"{float(r[8]):.4f}",
                    label,
                    f"{float(r[7]):.4f}",  # type: ignore[arg-type]
                    _split(i),
                ]
            )
    # --- 1-bp insertions by the -4 nucleotide, Lib-A mESC (Source Data Fig. 2a, 2c) -------
    ratio: dict[str, list[float]] = defaultdict(list)
    for r in _rows(moesm4, "Fig. 2c")[1:]:
        ratio[str(r[1])].append(float(r[5]))  # type: ignore[arg-type]
    base: dict[str, list[tuple[float, float, float, float]]] = defaultdict(list)
    for r in _rows(moesm4, "Fig. 2a")[1:]:
        base[str(r[2])].append((float(r[1]), float(r[3]), float(r[4]), float(r[5])))  # type: ignore[arg-type]
    with open(HERE / "ins1bp_by_minus4_mesc.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            [
                "minus4",
                "n_ratio",
                "mean_ins1bp_fraction",
                "median_ins1bp_fraction",
                "n_base",
                "frac_A",
                "frac_C",
                "frac_G",
                "frac_T",
            ]
        )
        for b in "ACGT":
            fr = [statistics.fmean(x[k] for x in base[b]) for k in range(4)]
            w.writerow(
                [
                    b,
                    len(ratio[b]),
                    f"{statistics.fmean(ratio[b]):.4f}",
                    f"{statistics.median(ratio[b]):.4f}",
                    len(base[b]),
                    *(f"{x:.4f}" for x in fr),
                ]
            )


if __name__ == "__main__":
    main(*sys.argv[1:4])
