"""The reported alignment of a site: one canonical choice among equivalent alignments.

Columns are read from the PAM outward. Among the alignments with the least mismatches for the
site's DNA/RNA bulge counts, the one reported takes, at the first column where alignments
differ, a pair before a DNA bulge before an RNA bulge: bulges sit as far from the PAM as the
optimum allows.

>>> align("ACGTACGTAC", "ACGTTACGTAC", dna=1, rna=0, pam_side="5prime")
('ACGT-ACGTAC', 'ACGTTACGTAC')
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt

from vivo.core.errors import InputError
from vivo.editing.nucleases import PamSide
from vivo.editing.offtarget.encoding import decode

__all__ = ["align", "align_many"]

_INF = 1 << 20


def align(spacer: str, site: str, *, dna: int, rna: int, pam_side: PamSide) -> tuple[str, str]:
    """Aligned spacer and site (5'->3', ``-`` for a gap, mismatched site bases lower case).

    ``site`` is the protospacer as read 5'->3' on the site's strand (``len(spacer) + dna - rna``
    bases).
    """
    flip = pam_side == "3prime"
    g = spacer[::-1] if flip else spacer
    w = site[::-1].upper() if flip else site.upper()
    ops = _ops(g, w, dna, rna)
    top, bottom, i, j = [], [], 0, 0
    for op in ops:
        if op == "P":
            top.append(g[i])
            bottom.append(w[j] if w[j] == g[i] else w[j].lower())
            i, j = i + 1, j + 1
        elif op == "D":
            top.append("-")
            bottom.append(w[j])
            j += 1
        else:
            top.append(g[i])
            bottom.append("-")
            i += 1
    a, b = "".join(top), "".join(bottom)
    return (a[::-1], b[::-1]) if flip else (a, b)


def _ops(g: str, w: str, dna: int, rna: int) -> list[str]:
    n, m = len(g), len(w)
    if m != n + dna - rna:
        raise InputError("site length does not match the spacer and bulge counts")

    @cache
    def cost(i: int, j: int, dd: int, last: str) -> int:
        rr = dd - (j - i)
        if i == n and j == m:
            return 0 if (dd == dna and rr == rna and last == "P") else _INF
        best = _INF
        for op, (i2, j2, d2, extra) in _moves(i, j, dd, rr, last, g, w, dna, rna).items():
            best = min(best, extra + cost(i2, j2, d2, op))
        return best

    ops: list[str] = []
    i = j = dd = 0
    last = "S"
    while i < n or j < m:
        rr = dd - (j - i)
        target = cost(i, j, dd, last) if ops else cost(0, 0, 0, "S")
        for op, (i2, j2, d2, extra) in _moves(i, j, dd, rr, last, g, w, dna, rna).items():
            if extra + cost(i2, j2, d2, op) == target:
                ops.append(op)
                i, j, dd, last = i2, j2, d2, op
                break
        else:  # pragma: no cover - the caller only aligns sites the kernels accepted
            raise InputError("no alignment within the given bulge counts")
    return ops


def _moves(
    i: int, j: int, dd: int, rr: int, last: str, g: str, w: str, dna: int, rna: int
) -> dict[str, tuple[int, int, int, int]]:
    out: dict[str, tuple[int, int, int, int]] = {}
    if i < len(g) and j < len(w):
        out["P"] = (i + 1, j + 1, dd, int(g[i] != w[j] or w[j] not in "ACGT"))
    if dd < dna and j < len(w) and last in "PD":
        out["D"] = (i, j + 1, dd + 1, 0)
    if rr < rna and i < len(g) and last in "PR":
        out["R"] = (i + 1, j, dd, 0)
    return out


def align_many(
    spacer: str,
    sites: npt.NDArray[np.uint8],
    lengths: npt.NDArray[np.int64],
    dna: npt.NDArray[np.int64],
    rna: npt.NDArray[np.int64],
    *,
    pam_side: PamSide,
) -> list[tuple[str, str]]:
    """:func:`align` for many sites of one spacer: ``sites`` holds each site's base codes
    5'->3' (0-3 = ACGT, 4 = other), padded; row q has ``lengths[q]`` bases. Uses the numba
    kernel when numba is installed (the same rule, tested equal), else :func:`align`."""
    try:
        from vivo.editing.offtarget._kernels import align_jit
    except ImportError:
        return [
            align(spacer, decode(sites[q, : lengths[q]]), dna=int(dna[q]), rna=int(rna[q]),
                  pam_side=pam_side)
            for q in range(len(lengths))
        ]  # fmt: skip
    n = len(spacer)
    if np.any(lengths != n + dna - rna):
        raise InputError("site length does not match the spacer and bulge counts")
    width = n + 2 * 2 + 1
    top = np.zeros((len(lengths), width), dtype=np.uint8)
    bottom = np.zeros((len(lengths), width), dtype=np.uint8)
    cols = np.zeros(len(lengths), dtype=np.int64)
    codes = np.frombuffer(spacer.encode(), dtype=np.uint8)
    g = np.searchsorted(np.frombuffer(b"ACGT", dtype=np.uint8), codes).astype(np.int64)
    align_jit.align_rows(g, n, np.ascontiguousarray(sites, dtype=np.int64),
                       lengths.astype(np.int64), dna.astype(np.int64), rna.astype(np.int64),
                       pam_side == "3prime", top, bottom, cols)  # fmt: skip
    return [
        (top[q, : cols[q]].tobytes().decode(), bottom[q, : cols[q]].tobytes().decode())
        for q in range(len(lengths))
    ]
