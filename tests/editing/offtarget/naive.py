"""A deliberately naive, string-based implementation of docs/offtarget.md for the tests.

It shares no code with the kernels: it walks every position of both strands of the raw
sequences, checks PAMs letter by letter and aligns with a memoised recursion.
"""

from __future__ import annotations

from functools import cache

from vivo.core.seq import IUPAC_CODES, reverse_complement
from vivo.editing.nucleases import PamSide

ROOM = 32


def _pam_ok(pattern: str, bases: str) -> bool:
    return len(bases) == len(pattern) and all(
        b in "ACGT" and b in IUPAC_CODES[p] for p, b in zip(pattern, bases, strict=True)
    )


def best_alignment(g: str, w: str, k: int, nd: int, nr: int) -> tuple[int, int, int] | None:
    """(mismatches, dna, rna) reported for guide ``g`` vs site ``w`` (both PAM-outward)."""
    n, m = len(g), len(w)

    @cache
    def rec(i: int, j: int, dd: int, rr: int, last: str) -> int:
        if i == n and j == m:
            return 0 if last == "P" else 99
        best = 99
        if i < n and j < m:
            best = min(
                best, int(g[i] != w[j] or w[j] not in "ACGT") + rec(i + 1, j + 1, dd, rr, "P")
            )
        if dd < nd and j < m and last in "PD":
            best = min(best, rec(i, j + 1, dd + 1, rr, "D"))
        if rr < nr and i < n and last in "PR":
            best = min(best, rec(i + 1, j, dd, rr + 1, "R"))
        return best

    # enumerate (d, r) exactly: restrict the recursion by exact totals
    options = []
    for d in range(nd + 1):
        r = d - (m - n)
        if not 0 <= r <= nr:
            continue
        mm = _exact(g, w, d, r)
        if mm <= k:
            options.append(((mm + d + r) * 64 + d, mm, d, r))
    if not options:
        return None
    _, mm, d, r = min(options)
    return mm, d, r


def _exact(g: str, w: str, d: int, r: int) -> int:
    n, m = len(g), len(w)

    @cache
    def rec(i: int, j: int, dd: int, rr: int, last: str) -> int:
        if i == n and j == m:
            return 0 if (last == "P" and dd == d and rr == r) else 99
        best = 99
        if i < n and j < m:
            best = min(
                best, int(g[i] != w[j] or w[j] not in "ACGT") + rec(i + 1, j + 1, dd, rr, "P")
            )
        if dd < d and j < m and last in "PD":
            best = min(best, rec(i, j + 1, dd + 1, rr, "D"))
        if rr < r and i < n and last in "PR":
            best = min(best, rec(i + 1, j, dd, rr + 1, "R"))
        return best

    return rec(0, 0, 0, 0, "S")


def naive_search(contigs, guides, patterns, side, k, nd, nr):  # type: ignore[no-untyped-def]
    """Set of (guide, contig, start, end, strand, mm, dna, rna)."""
    out = set()
    plen = len(patterns[0])
    for name, seq in contigs:
        up = seq.upper()
        L = len(up)
        for strand, s in (("+", up), ("-", reverse_complement(up))):
            for q in range(L - plen + 1):
                if not any(_pam_ok(p, s[q : q + plen]) for p in patterns):
                    continue
                for gi, guide in enumerate(guides):
                    n = len(guide)
                    for ell in range(n - nr, n + nd + 1):
                        if side == "3prime":
                            a, b = q - ell, q
                            if a < 0 or ell > ROOM:
                                continue
                            w, gg = s[a:b][::-1], guide[::-1]
                        else:
                            a, b = q + plen, q + plen + ell
                            if b > L or ell > ROOM:
                                continue
                            w, gg = s[a:b], guide
                        res = best_alignment(gg, w, k, nd, nr)
                        if res is None:
                            continue
                        start, end = (a, b) if strand == "+" else (L - b, L - a)
                        out.add((gi, name, start, end, strand, *res))
    return out


# The reporting rule of alignment.align, written independently of the one-source kernel
# (memoised recursion over moves): the alignment tests compare the kernel with it.
_REF_INF = 1 << 20


def reference_align(
    spacer: str, site: str, *, dna: int, rna: int, pam_side: PamSide
) -> tuple[str, str]:
    """Aligned spacer and site (5'->3', ``-`` for a gap, mismatched site bases lower case).

    ``site`` is the protospacer as read 5'->3' on the site's strand (``len(spacer) + dna - rna``
    bases).
    """
    flip = pam_side == "3prime"
    g = spacer[::-1] if flip else spacer
    w = site[::-1].upper() if flip else site.upper()
    ops = _ref_ops(g, w, dna, rna)
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


def _ref_ops(g: str, w: str, dna: int, rna: int) -> list[str]:
    n, m = len(g), len(w)
    if m != n + dna - rna:
        raise ValueError("site length does not match the spacer and bulge counts")

    @cache
    def cost(i: int, j: int, dd: int, last: str) -> int:
        rr = dd - (j - i)
        if i == n and j == m:
            return 0 if (dd == dna and rr == rna and last == "P") else _REF_INF
        best = _REF_INF
        for op, (i2, j2, d2, extra) in _ref_moves(i, j, dd, rr, last, g, w, dna, rna).items():
            best = min(best, extra + cost(i2, j2, d2, op))
        return best

    ops: list[str] = []
    i = j = dd = 0
    last = "S"
    while i < n or j < m:
        rr = dd - (j - i)
        target = cost(i, j, dd, last) if ops else cost(0, 0, 0, "S")
        for op, (i2, j2, d2, extra) in _ref_moves(i, j, dd, rr, last, g, w, dna, rna).items():
            if extra + cost(i2, j2, d2, op) == target:
                ops.append(op)
                i, j, dd, last = i2, j2, d2, op
                break
        else:  # pragma: no cover - the caller only aligns sites the kernels accepted
            raise ValueError("no alignment within the given bulge counts")
    return ops


def _ref_moves(
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
