# mypy: disable-error-code="no-untyped-call,attr-defined,no-untyped-def,unused-ignore"
"""The reported alignments of many sites at once (the rule of ``alignment.align``), as a numba
``njit`` function at module level (disk-cached); used by ``alignment.align_many``.
"""

from __future__ import annotations

import numba as nb
import numpy as np

_LETTERS = np.frombuffer(b"ACGTN", dtype=np.uint8)
_LOWER = np.frombuffer(b"acgtn", dtype=np.uint8)
_GAP = 45  # "-"


@nb.njit(cache=True)
def align_rows(spacer, n, sites, m, dna, rna, flip, top, bottom, width):  # type: ignore[no-untyped-def]  # noqa: C901
    # the reported alignment of each site (alignment.align, same rule): spacer codes 5'->3'
    # (n), site codes 5'->3' per row (m[q], 4 = non-ACGT), its bulge counts; writes ASCII
    # rows top/bottom (width[q] columns, "-" for gaps, mismatched site bases lower case),
    # read from the PAM outward internally when flip (3' PAM) and written back 5'->3'
    big = 1 << 20
    nd_max = 2
    cost = np.empty((n + 1, nd_max + 1, nd_max + 1, 4), dtype=np.int64)  # last: S P D R
    g = np.empty(n, dtype=np.int64)
    w = np.empty(sites.shape[1], dtype=np.int64)
    opsbuf = np.empty(n + sites.shape[1], dtype=np.int64)
    for i in range(n):
        g[i] = spacer[n - 1 - i] if flip else spacer[i]
    for q in range(len(m)):
        mq, dq, rq = m[q], dna[q], rna[q]
        for j in range(mq):
            w[j] = sites[q, mq - 1 - j] if flip else sites[q, j]
        for i in range(n, -1, -1):
            for dd in range(dq, -1, -1):
                for rr in range(rq, -1, -1):
                    j = i + dd - rr
                    for last in range(4):
                        if j < 0 or j > mq:
                            cost[i, dd, rr, last] = big
                            continue
                        if i == n and j == mq:
                            ok = dd == dq and rr == rq and last == 1
                            cost[i, dd, rr, last] = 0 if ok else big
                            continue
                        best = big
                        if i < n and j < mq:
                            mm = 1 if (g[i] != w[j] or w[j] > 3) else 0
                            best = min(best, mm + cost[i + 1, dd, rr, 1])
                        if dd < dq and j < mq and (last == 1 or last == 2):
                            best = min(best, cost[i, dd + 1, rr, 2])
                        if rr < rq and i < n and (last == 1 or last == 3):
                            best = min(best, cost[i + 1, dd, rr + 1, 3])
                        cost[i, dd, rr, last] = best
        i = j = dd = rr = 0
        last = 0
        k = 0
        while i < n or j < mq:
            target = cost[i, dd, rr, last]
            if (
                i < n
                and j < mq
                and (1 if (g[i] != w[j] or w[j] > 3) else 0) + cost[i + 1, dd, rr, 1] == target
            ):
                opsbuf[k] = 0
                i, j, last = i + 1, j + 1, 1
            elif (
                dd < dq and j < mq and (last == 1 or last == 2) and cost[i, dd + 1, rr, 2] == target
            ):
                opsbuf[k] = 1
                j, dd, last = j + 1, dd + 1, 2
            else:  # the RNA bulge is the only optimal move left
                opsbuf[k] = 2
                i, rr, last = i + 1, rr + 1, 3
            k += 1
        width[q] = k
        i = j = 0
        for t in range(k):
            col = k - 1 - t if flip else t
            if opsbuf[t] == 0:
                top[q, col] = _LETTERS[g[i]]
                bottom[q, col] = _LETTERS[w[j]] if (w[j] == g[i] and w[j] < 4) else _LOWER[w[j]]
                i += 1
                j += 1
            elif opsbuf[t] == 1:
                top[q, col] = _GAP
                bottom[q, col] = _LETTERS[w[j]]
                j += 1
            else:
                top[q, col] = _LETTERS[g[i]]
                bottom[q, col] = _GAP
                i += 1
