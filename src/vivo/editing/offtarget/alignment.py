"""The reported alignment of a site: one canonical choice among equivalent alignments.

Columns are read from the PAM outward. Among the alignments with the least mismatches for the
site's DNA/RNA bulge counts, the one reported takes, at the first column where alignments
differ, a pair before a DNA bulge before an RNA bulge: bulges sit as far from the PAM as the
optimum allows.

>>> align("ACGTACGTAC", "ACGTTACGTAC", dna=1, rna=0, pam_side="5prime")
('ACGT-ACGTAC', 'ACGTTACGTAC')
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from vivo.core.errors import InputError
from vivo.editing.nucleases import PamSide
from vivo.editing.offtarget.encoding import encode

__all__ = ["align", "align_many"]


def align(spacer: str, site: str, *, dna: int, rna: int, pam_side: PamSide) -> tuple[str, str]:
    """Aligned spacer and site (5'->3', ``-`` for a gap, mismatched site bases lower case).

    ``site`` is the protospacer as read 5'->3' on the site's strand (``len(spacer) + dna - rna``
    bases).
    """
    codes = encode(site.upper())
    return align_many(spacer, codes[None, :], np.array([len(codes)], dtype=np.int64),
                      np.array([dna], dtype=np.int64), np.array([rna], dtype=np.int64),
                      pam_side=pam_side)[0]  # fmt: skip


def _rows_python(
    g: npt.NDArray[np.int64], n: int, sites: npt.NDArray[np.int64], m: npt.NDArray[np.int64],
    dna: npt.NDArray[np.int64], rna: npt.NDArray[np.int64], flip: bool,
) -> list[tuple[str, str]]:  # fmt: skip
    """The batch kernel's loop in plain Python (the one-source rule, run uncompiled)."""
    from vivo.editing.offtarget._kernels.recursion import align_row

    out = []
    for q in range(len(m)):
        mq = int(m[q])
        w = sites[q, :mq][::-1] if flip else sites[q, :mq]
        cost = np.empty((n + 1, 3, 3, 4), dtype=np.int64)
        ops = np.empty(n + mq, dtype=np.int64)
        k = align_row(g, n, w, mq, int(dna[q]), int(rna[q]), cost, ops)  # type: ignore[no-untyped-call]
        top, bottom, i, j = [], [], 0, 0
        for t in range(k):
            if ops[t] == 0:
                top.append("ACGTN"[g[i]])
                bottom.append("ACGTN"[w[j]] if w[j] == g[i] and w[j] < 4 else "acgtn"[w[j]])
                i, j = i + 1, j + 1
            elif ops[t] == 1:
                top.append("-")
                bottom.append("ACGTN"[w[j]])
                j += 1
            else:
                top.append("ACGTN"[g[i]])
                bottom.append("-")
                i += 1
        a, b = "".join(top), "".join(bottom)
        out.append((a[::-1], b[::-1]) if flip else (a, b))
    return out


_UPPER = np.frombuffer(b"ACGTN", dtype=np.uint8)
_LOWER = np.frombuffer(b"acgtn", dtype=np.uint8)


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
    5'->3' (0-3 = ACGT, 4 = other), padded; row q has ``lengths[q]`` bases. Sites without
    bulges have one alignment (a pair in every column), written directly; bulged sites go to
    the numba kernel of the one-source rule (the plain-Python rule when numba is missing)."""
    n = len(spacer)
    dna, rna = np.asarray(dna, dtype=np.int64), np.asarray(rna, dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    bad = (lengths != n + dna - rna) | (dna < 0) | (rna < 0) | (dna > 2) | (rna > 2)
    if bad.any():
        raise InputError("site length does not match the spacer and bulge counts")
    codes = np.frombuffer(spacer.upper().encode(), dtype=np.uint8)
    g = np.searchsorted(np.frombuffer(b"ACGT", dtype=np.uint8), codes).astype(np.int64)
    out: list[tuple[str, str]] = [("", "")] * len(lengths)
    plain = np.flatnonzero((dna == 0) & (rna == 0))
    if len(plain):
        s = np.asarray(sites)[plain, :n].astype(np.int64)
        low = (s != g[None, :]) | (s > 3)
        bottom = np.where(low, _LOWER[s], _UPPER[s]).astype(np.uint8)
        top = spacer.upper()
        for q, row in zip(plain.tolist(), bottom, strict=True):
            out[q] = (top, row.tobytes().decode())
    bulged = np.flatnonzero((dna != 0) | (rna != 0))
    if not len(bulged):
        return out
    sites64 = np.ascontiguousarray(np.asarray(sites)[bulged], dtype=np.int64)
    args = (lengths[bulged], dna[bulged], rna[bulged])
    try:
        from vivo.editing.offtarget._kernels.align import jit
        from vivo.editing.offtarget._kernels.targets import drop_stale_caches

        drop_stale_caches(jit.align_rows)
    except ImportError:
        rows = _rows_python(g, n, sites64, *args, pam_side == "3prime")
    else:
        width = n + 2 * 2 + 1
        top_b = np.zeros((len(bulged), width), dtype=np.uint8)
        bottom_b = np.zeros((len(bulged), width), dtype=np.uint8)
        cols = np.zeros(len(bulged), dtype=np.int64)
        jit.align_rows(g, n, sites64, *args, pam_side == "3prime", top_b, bottom_b, cols)
        rows = [(top_b[q, : cols[q]].tobytes().decode(), bottom_b[q, : cols[q]].tobytes().decode())
                for q in range(len(bulged))]  # fmt: skip
    for q, pair in zip(bulged.tolist(), rows, strict=True):
        out[q] = pair
    return out
