# mypy: disable-error-code="no-untyped-def,no-any-return,no-untyped-call"
"""The alignment recursion and the mismatch count, written once as plain Python.

Every compiled backend runs these functions: :mod:`.targets` compiles them for numba's CPU
target (``njit``, disk-cached) and for CUDA (``cuda.jit(device=True)``), and the plain Python
functions run as they are (the tests call them directly). They use only what both targets
compile: scalar integer arithmetic, ``np.uint64``/``np.uint32`` casts, ``min``/``max``, loops
over ``range`` and caller-provided arrays (no allocation, no slicing assignment, no
exceptions). The independent oracle is the vectorised numpy kernel in
:mod:`.search.reference`, which shares no code with this module.

The rules are those of ``docs/offtarget.md``:

* :func:`costs` is the forward recursion over states (guide bases used ``i``, DNA bulges
  ``dd``, RNA bulges ``rr``, last column 0 start / 1 pair / 2 DNA bulge / 3 RNA bulge):
  the first and last columns pair a guide base with a site base, a DNA bulge never touches an
  RNA bulge, non-ACGT site bases and bases past the window's ``room`` never pair.
* :func:`pick` chooses the reported bulge counts of one site length (fewest edits, then
  fewest bulges, then fewest DNA bulges).
* :func:`shift_bound` and :func:`bound11_run` are lower bounds on the mismatches of any
  bulged alignment, used to skip candidates before the exact recursion.
* :func:`align_row` is the reporting rule (``alignment.align``): among the optimal alignments
  of a site with known counts, the one that takes a pair before a DNA bulge before an RNA
  bulge at the first column (from the PAM) where they differ.

Guides and windows are read from the PAM outward; windows are packed 2 bits per base (base
``j`` at bits ``2j``), ``nm`` flags non-ACGT bases (bit ``j``).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "FUNCTIONS",
    "align_row",
    "bound11_run",
    "costs",
    "diff2",
    "exact_picks",
    "hamming",
    "mismatch_bits",
    "pick",
    "popcount",
    "shift_bound",
    "shift_bound_11",
]

#: "no alignment" in the int16 cost tables
inf = 127
_M1 = 0x5555555555555555
_BIG = 1 << 20  # "unreachable" in the reporting recursion


def popcount(x):
    """Set bits of a 64-bit word (SWAR; no multiplication, so no wrap-around)."""
    x = np.uint64(x)
    x = x - ((x >> np.uint64(1)) & np.uint64(_M1))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    x = x + (x >> np.uint64(8))
    x = x + (x >> np.uint64(16))
    x = x + (x >> np.uint64(32))
    return int(x & np.uint64(0x7F))


def diff2(a, b):
    """Bases that differ between two packed words."""
    x = np.uint64(a) ^ np.uint64(b)
    return popcount((x | (x >> np.uint64(1))) & np.uint64(_M1))


def hamming(gw, n, win, nm):
    """Mismatches of the first ``n`` window bases against the packed guide ``gw`` (XOR and
    popcount, plus the non-ACGT bases whose code happened to match)."""
    x = np.uint64(win) ^ np.uint64(gw)
    c = (x | (x >> np.uint64(1))) & np.uint64(_M1)
    if n < 32:
        c &= (np.uint64(1) << np.uint64(2 * n)) - np.uint64(1)
    mm = popcount(c)
    low = np.uint32(nm)
    if n < 32:
        low = low & ((np.uint32(1) << np.uint32(n)) - np.uint32(1))
    if low:
        for j in range(n):
            if (low >> np.uint32(j)) & np.uint32(1) and not (c >> np.uint64(2 * j)) & np.uint64(1):
                mm += 1
    return mm


def costs(g, n, win, nm, room, nd, nr, f, out):  # noqa: C901 - the recursion, in one piece
    """Least mismatches of an alignment ending in a pair after all ``n`` guide bases, per
    (DNA, RNA) bulge count: ``out[dd, rr]`` (``inf`` when none). ``f`` is scratch of shape
    at least ``(n + 1, nd + 1, nr + 1, 4)``."""
    for i in range(n + 1):
        for dd in range(nd + 1):
            for rr in range(nr + 1):
                for last in range(4):
                    f[i, dd, rr, last] = inf
    f[0, 0, 0, 0] = 0
    for i in range(n + 1):
        for dd in range(nd + 1):
            for rr in range(nr + 1):
                j = i + dd - rr
                if dd < nd and 0 <= j < room:
                    src = min(f[i, dd, rr, 1], f[i, dd, rr, 2])
                    if src < f[i, dd + 1, rr, 2]:
                        f[i, dd + 1, rr, 2] = src
                if i < n:
                    best = min(min(f[i, dd, rr, 0], f[i, dd, rr, 1]),
                               min(f[i, dd, rr, 2], f[i, dd, rr, 3]))  # fmt: skip
                    if 0 <= j < room and best < inf:
                        b = (np.uint64(win) >> np.uint64(2 * j)) & np.uint64(3)
                        mm = (
                            1
                            if (b != g[i] or (np.uint32(nm) >> np.uint32(j)) & np.uint32(1))
                            else 0
                        )
                        if best + mm < f[i + 1, dd, rr, 1]:
                            f[i + 1, dd, rr, 1] = best + mm
                    if rr < nr:
                        src = min(f[i, dd, rr, 1], f[i, dd, rr, 3])
                        if src < f[i + 1, dd, rr + 1, 3]:
                            f[i + 1, dd, rr + 1, 3] = src
    for dd in range(nd + 1):
        for rr in range(nr + 1):
            out[dd, rr] = f[n, dd, rr, 1]


def pick(out, delta, k, nd, nr):
    """DNA bulges of the reported alignment of the site length ``n + delta`` (``-1``: none
    within ``k`` mismatches); its RNA bulges are ``dna - delta``."""
    best, bd = 1 << 30, -1
    for d in range(nd + 1):
        r = d - delta
        if r < 0 or r > nr:
            continue
        mm = out[d, r]
        if mm <= k:
            rank = (mm + d + r) * 64 + d
            if rank < best:
                best, bd = rank, d
    return bd


def exact_picks(g, n, win, nm, room, k, nd, nr, f, out, picks):
    """The recursion and the choice for every site length: ``picks[delta + nr]`` = 16 * DNA
    bulges + mismatches of the reported alignment, or -1; True if any qualifies."""
    costs(g, n, win, nm, room, nd, nr, f, out)
    found = False
    for delta in range(-nr, nd + 1):
        d = pick(out, delta, k, nd, nr)
        if d >= 0:
            picks[delta + nr] = d * 16 + out[d, d - delta]
            found = True
        else:
            picks[delta + nr] = -1
    return found


def mismatch_bits(gw, win, s):
    """Bit ``2i`` set when guide base ``i`` differs from site base ``i + s``."""
    w = np.uint64(win)
    x = (w >> np.uint64(2 * s)) if s >= 0 else (w << np.uint64(-2 * s))
    y = x ^ np.uint64(gw)
    return (y | (y >> np.uint64(1))) & np.uint64(_M1)


def bound11_run(gw, win, i0, n, k, a, b, c, d):
    """The shift bound for one DNA and one RNA bulge over guide bases ``i0..n-1`` from the
    states ``a`` (no bulge yet), ``b`` (one DNA bulge: shift +1), ``c`` (one RNA bulge: shift
    -1) and ``d`` (both: shift 0) before base ``i0``; returns the bound so far and the states
    (stops early above ``k``)."""
    m0 = mismatch_bits(gw, win, 0)
    mp = mismatch_bits(gw, win, 1)
    mn = mismatch_bits(gw, win, -1)
    best = min(min(a, b), min(c, d))
    for i in range(i0, n):
        sh = np.uint64(2 * i)
        b = min(b, a)  # a DNA bulge before guide base i
        d = min(d, c)
        z0 = int((m0 >> sh) & np.uint64(1))
        d = min(d + z0, b)  # guide base i pairs, or is the RNA bulge
        c = min(c + int((mn >> sh) & np.uint64(1)), a)
        b = b + int((mp >> sh) & np.uint64(1))
        a = a + z0
        best = min(min(a, b), min(c, d))
        if best > k:
            break
    return best, a, b, c, d


def shift_bound_11(gw, n, win, k):
    """:func:`bound11_run` over the whole guide."""
    return bound11_run(gw, win, 0, n, k, 0, inf, inf, inf)[0]


def shift_bound(gw, n, win, k, nd, nr, fb):
    """A lower bound on the mismatches of any alignment with ``<= nd`` DNA and ``<= nr`` RNA
    bulges: the recursion relaxed to states (u, v) = bulges used so far, where guide base
    ``i`` pairs with site base ``i + u - v``; an RNA bulge frees one guide base and DNA bulges
    may sit anywhere; no column rules, room or N checks, so every real alignment is one of its
    paths (the bound never exceeds the exact count). ``fb`` is scratch of ``(nd+1)*(nr+1)``."""
    if nd == 1 and nr == 1:
        return shift_bound_11(gw, n, win, k)
    w = nr + 1
    for q in range((nd + 1) * w):
        fb[q] = inf
    fb[0] = 0
    best = 0
    for i in range(n):
        for v in range(w):
            for u in range(1, nd + 1):
                if fb[(u - 1) * w + v] < fb[u * w + v]:
                    fb[u * w + v] = fb[(u - 1) * w + v]
        best = inf
        for u in range(nd, -1, -1):
            for v in range(nr, -1, -1):
                y = mismatch_bits(gw, win, u - v) >> np.uint64(2 * i)
                c = fb[u * w + v] + int(y & np.uint64(1))
                if v > 0 and fb[u * w + v - 1] < c:
                    c = fb[u * w + v - 1]
                fb[u * w + v] = c
                if c < best:
                    best = c
        if best > k:
            return best
    return best


def _mm(g, w, i, j):
    return 1 if (g[i] != w[j] or w[j] > 3) else 0


def align_row(g, n, w, m, dq, rq, cost, ops):  # noqa: C901 - the reporting rule, in one piece
    """The reported alignment of one site: guide codes ``g`` (``n``) and site codes ``w``
    (``m``, 4 = non-ACGT), both read from the PAM outward, with ``dq`` DNA and ``rq`` RNA
    bulges. Writes the columns into ``ops`` (0 pair, 1 DNA bulge, 2 RNA bulge) and returns
    their number. ``cost`` is scratch of shape at least ``(n + 1, dq + 1, rq + 1, 4)``: the
    least mismatches to finish from each state (a backward recursion, then a walk that takes
    the first optimal move in the order pair, DNA bulge, RNA bulge)."""
    for i in range(n, -1, -1):
        for dd in range(dq, -1, -1):
            for rr in range(rq, -1, -1):
                j = i + dd - rr
                for last in range(4):
                    if j < 0 or j > m:
                        cost[i, dd, rr, last] = _BIG
                        continue
                    if i == n and j == m:
                        ok = dd == dq and rr == rq and last == 1
                        cost[i, dd, rr, last] = 0 if ok else _BIG
                        continue
                    best = _BIG
                    if i < n and j < m:
                        best = min(best, _mm(g, w, i, j) + cost[i + 1, dd, rr, 1])
                    if dd < dq and j < m and (last == 1 or last == 2):
                        best = min(best, cost[i, dd + 1, rr, 2])
                    if rr < rq and i < n and (last == 1 or last == 3):
                        best = min(best, cost[i + 1, dd, rr + 1, 3])
                    cost[i, dd, rr, last] = best
    i = j = dd = rr = 0
    last = 0
    t = 0
    while i < n or j < m:
        target = cost[i, dd, rr, last]
        if i < n and j < m and _mm(g, w, i, j) + cost[i + 1, dd, rr, 1] == target:
            ops[t] = 0
            i, j, last = i + 1, j + 1, 1
        elif dd < dq and j < m and (last == 1 or last == 2) and cost[i, dd + 1, rr, 2] == target:
            ops[t] = 1
            j, dd, last = j + 1, dd + 1, 2
        else:  # the RNA bulge is the only optimal move left
            ops[t] = 2
            i, rr, last = i + 1, rr + 1, 3
        t += 1
    return t


#: The functions a target compiles, callees first; ``True`` marks small helpers that numba's
#: CPU target inlines (they get no cache entry of their own).
FUNCTIONS: tuple[tuple[str, bool], ...] = (
    ("popcount", True),
    ("diff2", True),
    ("hamming", False),
    ("costs", False),
    ("pick", True),
    ("exact_picks", True),
    ("mismatch_bits", True),
    ("bound11_run", True),
    ("shift_bound_11", True),
    ("shift_bound", True),
    ("_mm", True),
    ("align_row", False),
)
