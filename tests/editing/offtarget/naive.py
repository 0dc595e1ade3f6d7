"""A deliberately naive, string-based implementation of docs/offtarget.md for the tests.

It shares no code with the kernels: it walks every position of both strands of the raw
sequences, checks PAMs letter by letter and aligns with a memoised recursion.
"""

from __future__ import annotations

from functools import cache

from vivo.core.seq import IUPAC_CODES, reverse_complement

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
