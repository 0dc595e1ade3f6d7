"""Shared machinery of the position-specific motif models (Rule Set 1, CRISPRscan).

Both models are a weighted sum of indicator features "motif M starts at 1-based position p"
of a fixed-length context sequence. Sequences are encoded once as a ``uint8`` matrix and each
feature is one vectorised comparison, so thousands of guides score in milliseconds.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt

from vivo.core.errors import DataError, InputError

__all__ = ["MotifTable", "encode", "load_table"]

_FEATURE = re.compile(r"^(?P<motif>[ACGT]{1,2})(?P<pos>\d{1,2})$")


@dataclass(frozen=True, slots=True)
class MotifTable:
    """Intercept, position-specific motif weights and any named extra terms."""

    intercept: float
    features: tuple[tuple[str, int, float], ...]  # (motif, 0-based start, weight)
    extras: tuple[tuple[str, float], ...]

    def extra(self, name: str) -> float:
        """The weight of a named extra term (e.g. ``gc_low``)."""
        return dict(self.extras)[name]

    def linear(self, codes: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
        """Intercept plus the weights of the motifs present, one value per row."""
        total = np.full(codes.shape[0], self.intercept, dtype=np.float64)
        for motif, start, weight in self.features:
            hit = np.ones(codes.shape[0], dtype=bool)
            for i, base in enumerate(motif.encode("ascii")):
                hit &= codes[:, start + i] == base
            total += weight * hit
        return total


def load_table(filename: str, *, name_column: str, value_column: str) -> MotifTable:
    """Read a bundled ``Name,Value`` coefficient table from ``vivo/editing/data``."""
    try:
        text = resources.files("vivo.editing").joinpath("data", filename).read_text("ascii")
    except FileNotFoundError as exc:  # pragma: no cover - packaging error
        raise DataError(f"bundled score table {filename} is missing; reinstall vivo") from exc
    intercept = None
    features: list[tuple[str, int, float]] = []
    extras: list[tuple[str, float]] = []
    for row in csv.DictReader(io.StringIO(text)):
        key, value = row[name_column].strip(), float(row[value_column])
        m = _FEATURE.match(key)
        if key == "Intercept":
            intercept = value
        elif m:
            features.append((m["motif"], int(m["pos"]) - 1, value))
        else:
            extras.append((key, value))
    if intercept is None:
        raise DataError(f"score table {filename} has no Intercept row")
    return MotifTable(intercept, tuple(features), tuple(extras))


def encode(
    sequences: Sequence[str], length: int
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """Upper-case ASCII codes (``n x length``) and a mask of rows made only of A/C/G/T.

    Raises
    ------
    InputError
        If a sequence does not have ``length`` characters.
    """
    for i, seq in enumerate(sequences):
        if len(seq) != length:
            raise InputError(
                f"sequence {i + 1} has {len(seq)} nt; this model needs {length}-mers",
                hint="see the model's input contract (MODEL_INFO.input_contract)",
            )
    if not sequences:
        return np.zeros((0, length), dtype=np.uint8), np.zeros(0, dtype=bool)
    raw = "".join(sequences).upper().encode("ascii", errors="replace")
    codes = np.frombuffer(raw, dtype=np.uint8).reshape(len(sequences), length)
    acgt: npt.NDArray[np.bool_] = np.asarray(
        np.isin(codes, np.frombuffer(b"ACGT", dtype=np.uint8)).all(axis=1), dtype=bool
    )
    return codes, acgt
