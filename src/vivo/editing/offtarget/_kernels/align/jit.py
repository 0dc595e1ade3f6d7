# mypy: disable-error-code="no-untyped-call,attr-defined,no-untyped-def,unused-ignore"
"""The reported alignments of many sites at once, as a numba ``njit`` function at module
level (disk-cached): the one-source reporting rule (``recursion.align_row``, compiled for the
CPU) applied to each site, written out as ASCII rows; used by ``alignment.align_many``.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from vivo.editing.offtarget._kernels.targets import compiled

align_row = compiled("cpu").align_row
_LETTERS = np.frombuffer(b"ACGTN", dtype=np.uint8)
_LOWER = np.frombuffer(b"acgtn", dtype=np.uint8)
_GAP = 45  # "-"


@nb.njit(cache=True)
def align_rows(spacer, n, sites, m, dna, rna, flip, top, bottom, width):  # type: ignore[no-untyped-def]
    # spacer codes 5'->3' (n), site codes 5'->3' per row (m[q], 4 = non-ACGT), bulge counts;
    # writes ASCII rows top/bottom (width[q] columns, "-" for gaps, mismatched site bases lower
    # case), aligned from the PAM outward when flip (3' PAM) and written back 5'->3'
    cost = np.empty((n + 1, 3, 3, 4), dtype=np.int64)
    g = np.empty(n, dtype=np.int64)
    w = np.empty(sites.shape[1], dtype=np.int64)
    ops = np.empty(n + sites.shape[1], dtype=np.int64)
    for i in range(n):
        g[i] = spacer[n - 1 - i] if flip else spacer[i]
    for q in range(len(m)):
        mq = m[q]
        for j in range(mq):
            w[j] = sites[q, mq - 1 - j] if flip else sites[q, j]
        k = align_row(g, n, w, mq, dna[q], rna[q], cost, ops)
        width[q] = k
        i = j = 0
        for t in range(k):
            col = k - 1 - t if flip else t
            if ops[t] == 0:
                top[q, col] = _LETTERS[g[i]]
                bottom[q, col] = _LETTERS[w[j]] if (w[j] == g[i] and w[j] < 4) else _LOWER[w[j]]
                i += 1
                j += 1
            elif ops[t] == 1:
                top[q, col] = _GAP
                bottom[q, col] = _LETTERS[w[j]]
                j += 1
            else:
                top[q, col] = _LETTERS[g[i]]
                bottom[q, col] = _GAP
                i += 1
