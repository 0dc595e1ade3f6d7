"""Independent reference implementations of the motif models, straight from the CSV tables.

Deliberately simple (string slicing, no numpy) so that they share no code with vivo's
vectorised implementation; the tests compare the two to 1e-9 on random sequences.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "src" / "vivo" / "editing" / "data"


def _rows(name: str) -> list[tuple[str, float]]:
    with open(DATA / name, newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        return [(key, float(value)) for key, value in reader]


def ruleset1(thirty: str) -> float:
    rows = dict(_rows("ruleset1_coefficients.csv"))
    x = rows.pop("Intercept")
    gc_low, gc_high = rows.pop("gc_low"), rows.pop("gc_high")
    for key, weight in rows.items():
        motif, pos = key.rstrip("0123456789"), int(key.lstrip("ACGT"))
        if thirty[pos - 1 : pos - 1 + len(motif)] == motif:
            x += weight
    gc = sum(base in "GC" for base in thirty[4:24])
    x += abs(10 - gc) * (gc_low if gc < 10 else gc_high)
    return 1 / (1 + math.exp(-x))


def crisprscan(thirty_five: str) -> float:
    rows = dict(_rows("crisprscan_coefficients.csv"))
    x = rows.pop("Intercept")
    for key, weight in rows.items():
        motif, pos = key.rstrip("0123456789"), int(key.lstrip("ACGT"))
        if thirty_five[pos - 1 : pos - 1 + len(motif)] == motif:
            x += weight
    return x
