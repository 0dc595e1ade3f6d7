# mypy: disable-error-code="no-untyped-call,attr-defined,no-untyped-def,unused-ignore,no-any-return"
"""The numba index builder: PAM scan, site windows and counting sorts, O(genome) time.

It produces exactly the arrays of the numpy builder in :mod:`vivo.editing.offtarget.index`
(same rows, same order), in three steps that never hold more than one key range of output:

1. :func:`count_sites` scans the packed genome (``CHUNKS`` position ranges in parallel) and
   counts sites per (chunk, proximal key) and regular sites per distal key.
2. :func:`fill_sites` scans again and writes the rows whose key lies in one key range into
   arrays of that range (rows of a key in chunk order, then position, then ``meta``).
3. :func:`fill_distal` walks the written proximal rows and scatters the regular ones of one
   distal-key range (stable: row order).

numba is imported here only, lazily (``pip install 'vivo[fast]'``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from vivo.core.errors import InputError
from vivo.editing.offtarget._kernels import compiling, readonly
from vivo.editing.offtarget.encoding import WINDOW, PamSet

__all__ = ["CHUNKS", "available", "chunk_pieces", "count_sites", "fill_distal", "fill_sites"]

#: Position ranges scanned in parallel; fixed so that row order never depends on thread count.
CHUNKS = 16
I64 = npt.NDArray[np.int64]


def available() -> bool:
    """True when numba can be imported."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _compiled() -> dict[str, Any]:  # noqa: C901 - one place that defines the jitted kernels
    try:
        import numba as nb
    except ImportError as exc:  # pragma: no cover - numba is a test dependency
        raise InputError(
            "the fast index builder needs numba", hint="pip install 'vivo[fast]'"
        ) from exc

    @nb.njit(cache=True, inline="always")
    def code_at(packed, other, g):  # type: ignore[no-untyped-def]
        if (other[g >> 3] >> (7 - (g & 7))) & 1:
            return 4
        return (packed[g >> 2] >> (6 - 2 * (g & 3))) & 3

    all1 = np.uint64(0xFFFFFFFFFFFFFFFF)

    @nb.njit(cache=True)
    def decode(packed, other, off, length, lo, hi):  # type: ignore[no-untyped-def]
        # codes of contig-local [lo, hi), 4 outside the contig
        buf = np.full(hi - lo, 4, dtype=np.uint8)
        for i in range(max(lo, 0), min(hi, length)):
            buf[i - lo] = code_at(packed, other, off + i)
        return buf

    @nb.njit(cache=True, inline="always")
    def clear_n(win, nm):  # type: ignore[no-untyped-def]
        # a complemented window: N bases keep code 0
        if nm != 0:
            for i in range(32):
                if (nm >> np.uint32(i)) & np.uint32(1):
                    win &= ~(np.uint64(3) << np.uint64(2 * i))
        return win

    @nb.njit(cache=True, inline="always")
    def key_of(win, nm, rev5):  # type: ignore[no-untyped-def]
        if nm != 0:
            return 1 << 20
        return (rev5[win & np.uint64(1023)] << 10) | rev5[(win >> np.uint64(10)) & np.uint64(1023)]

    @nb.njit(cache=True)
    def scan_piece(packed, other, off, length, lo, hi, lut_plus, lut_minus, plen, side5,  # type: ignore[no-untyped-def]  # noqa: C901
                   min_room, rev5, mode, t, counts, dcounts, klo, khi, cursor, win_o, nmask_o,
                   pos_o, meta_o, pw_o):  # fmt: skip
        base = lo - 32
        buf = decode(packed, other, off, length, base, hi + plen + 32)
        prev = np.uint64(0)
        prevn = np.uint32(0)
        fwd = np.uint64(0)
        fwdn = np.uint32(0)
        for i in range(32):  # prev: bases lo-1-i; fwd: bases lo+plen+i
            c = buf[lo - 1 - i - base]
            prev |= np.uint64(c & 3) << np.uint64(2 * i)
            prevn |= np.uint32(c == 4) << np.uint32(i)
            c = buf[lo + plen + i - base]
            fwd |= np.uint64(c & 3) << np.uint64(2 * i)
            fwdn |= np.uint32(c == 4) << np.uint32(i)
        for s in range(lo, hi):
            if s > lo:
                c = buf[s - 1 - base]
                prev = (prev << np.uint64(2)) | np.uint64(c & 3)
                prevn = np.uint32(((prevn << 1) | (c == 4)) & 0xFFFFFFFF)  # stay 32-bit
                c = buf[s + plen + 31 - base]
                fwd = (fwd >> np.uint64(2)) | (np.uint64(c & 3) << np.uint64(62))
                fwdn = (fwdn >> np.uint32(1)) | (np.uint32(c == 4) << np.uint32(31))
            code = 0
            for q in range(plen - 1, -1, -1):
                code = code * 5 + buf[s + q - base]
            p0 = lut_plus[code]
            p1 = lut_minus[code]
            if p0 < 0 and p1 < 0:
                continue
            room_l = min(s, 32)
            room_r = min(max(length - s - plen, 0), 32)
            ok0 = ok1 = False
            w0 = w1 = np.uint64(0)
            n0 = n1 = np.uint32(0)
            m0 = m1 = 0
            if p0 >= 0:
                if side5:
                    w0, n0, r0 = fwd, fwdn, room_r
                else:
                    w0, n0, r0 = prev, prevn, room_l
                ok0 = r0 >= min_room
                m0 = (p0 << 1) | (r0 << 6)
            if p1 >= 0:
                if side5:
                    w1, n1, r1 = clear_n(prev ^ all1, prevn), prevn, room_l
                else:
                    w1, n1, r1 = clear_n(fwd ^ all1, fwdn), fwdn, room_r
                ok1 = r1 >= min_room
                m1 = 1 | (p1 << 1) | (r1 << 6)
            if ok0 and ok1 and m1 < m0:  # same position: rows in meta order
                w0, n0, m0, w1, n1, m1 = w1, n1, m1, w0, n0, m0
            for q in range(2):
                if not (ok0 if q == 0 else ok1):
                    continue
                w, nm, mt = (w0, n0, m0) if q == 0 else (w1, n1, m1)
                key = key_of(w, nm, rev5)
                if mode == 0:
                    counts[t, key] += 1
                    if nm == 0:
                        dcounts[t, (w >> np.uint64(20)) & np.uint64(0xFFFFF)] += 1
                    continue
                if key < klo or key >= khi:
                    continue
                r = cursor[t, key - klo]
                cursor[t, key - klo] = r + 1
                win_o[r] = w
                nmask_o[r] = nm
                pos_o[r] = off + s
                meta_o[r] = mt
                pw_o[r] = (w >> np.uint64(20)) & np.uint64(0xFFFFFFFF)

    @nb.njit(cache=True, parallel=True)
    def scan(packed, other, pc_off, pc_len, p_lo, p_hi, p_chunk, nchunks, lut_plus, lut_minus,  # type: ignore[no-untyped-def]
             plen, side5, min_room, rev5, mode, counts, dcounts, klo, khi, cursor, win_o,
             nmask_o, pos_o, meta_o, pw_o):  # fmt: skip
        for t in nb.prange(nchunks):
            for p in range(len(p_lo)):
                if p_chunk[p] == t:
                    scan_piece(packed, other, pc_off[p], pc_len[p], p_lo[p], p_hi[p], lut_plus,
                               lut_minus, plen, side5, min_room, rev5, mode, t, counts, dcounts,
                               klo, khi, cursor, win_o, nmask_o, pos_o, meta_o, pw_o)  # fmt: skip

    @nb.njit(cache=True)
    def distal(bs, pw, nkey, dlo, dhi, dcursor, dw, drow):  # type: ignore[no-untyped-def]
        for key in range(4**nkey):
            w0 = 0  # key bases in window order (base i at bits 2i)
            for i in range(nkey):
                w0 |= ((key >> (2 * (nkey - 1 - i))) & 3) << (2 * i)
            for r in range(bs[key], bs[key + 1]):
                x = pw[r]
                dk = np.int64(x & np.uint32(0xFFFFF))
                if dk < dlo or dk >= dhi:
                    continue
                slot = dcursor[dk - dlo]
                dcursor[dk - dlo] = slot + 1
                dw[slot] = np.uint32(w0) | ((x >> np.uint32(20)) << np.uint32(20))
                drow[slot] = r

    return {"scan": scan, "distal": distal}


def chunk_pieces(offsets: I64, lengths: I64, plen: int, chunks: int = CHUNKS) -> dict[str, I64]:
    """PAM-start ranges per contig, cut into ``chunks`` position ranges of about equal size."""
    total = int(lengths.sum())
    cuts = np.linspace(0, total, chunks + 1).astype(np.int64)
    cum = np.concatenate([[0], np.cumsum(lengths)])
    rows: list[tuple[int, int, int, int, int]] = []
    for c in range(len(lengths)):
        n_starts = int(lengths[c]) - plen + 1
        if n_starts <= 0:
            continue
        lo = 0
        while lo < n_starts:
            chunk = int(np.searchsorted(cuts, cum[c] + lo, side="right") - 1)
            chunk = min(chunk, chunks - 1)
            hi = min(n_starts, int(cuts[chunk + 1] - cum[c])) if chunk < chunks - 1 else n_starts
            hi = max(hi, lo + 1)
            rows.append((int(offsets[c]), int(lengths[c]), lo, hi, chunk))
            lo = hi
    arr = np.array(rows, dtype=np.int64).reshape(-1, 5)
    return {"off": arr[:, 0], "len": arr[:, 1], "lo": arr[:, 2], "hi": arr[:, 3],
            "chunk": arr[:, 4]}  # fmt: skip


def _pam_luts(pams: PamSet) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """First matching pattern (or -1) of every PAM-long code word (base t weighs 5**t), read on
    the plus strand and, complemented and reversed, on the minus strand."""
    plen = pams.length
    words = np.arange(5**plen)
    digits = (words[:, None] // 5 ** np.arange(plen)) % 5  # plus-strand codes s..s+plen-1
    comp = np.array([3, 2, 1, 0, 4])
    minus = comp[digits[:, ::-1]]  # minus-strand PAM bases 5'->3'
    out = []
    for d in (digits, minus):
        lut = np.full(len(words), -1, dtype=np.int64)
        for pid, mask in reversed(list(enumerate(pams.masks()))):
            ok = np.all(mask[np.arange(plen)[None, :], d] == 1, axis=1)
            lut[ok] = pid
        out.append(lut)
    return out[0], out[1]


_REV5 = np.array(
    [sum(((w >> (2 * i)) & 3) << (2 * (4 - i)) for i in range(5)) for w in range(1024)],
    dtype=np.int64,
)


def _scan(packed, other, pieces, pams: PamSet, mode: int, counts, dcounts, key_range, cursor,  # type: ignore[no-untyped-def]
          out) -> None:  # fmt: skip
    lut_plus, lut_minus = _pam_luts(pams)
    packed, other = readonly(packed, other)  # one compilation for in-memory and on-disk genomes
    scan = _compiled()["scan"]
    with compiling("index builder kernels", scan):
        scan(packed, other, pieces["off"], pieces["len"], pieces["lo"], pieces["hi"],
             pieces["chunk"], CHUNKS, lut_plus, lut_minus, pams.length, pams.side == "5prime",
             MIN_ROOM_BUILD[0], _REV5, mode, counts, dcounts, key_range[0], key_range[1],
             cursor, *out)  # fmt: skip


MIN_ROOM_BUILD = [14]


def _empty_out() -> tuple[npt.NDArray[Any], ...]:
    return (np.zeros(0, np.uint64), np.zeros(0, np.uint32), np.zeros(0, np.int64),
            np.zeros(0, np.uint16), np.zeros(0, np.uint32))  # fmt: skip


def count_sites(
    packed, other, pieces, pams: PamSet, *, nkey: int, min_room: int
) -> tuple[I64, I64]:  # type: ignore[no-untyped-def]
    """Per (chunk, proximal key) site counts and per distal key regular-site counts."""
    _check(nkey, min_room)
    counts = np.zeros((CHUNKS, 4**nkey + 1), dtype=np.int64)
    dcounts = np.zeros((CHUNKS, 4**nkey), dtype=np.int64)
    _scan(packed, other, pieces, pams, 0, counts, dcounts, (0, 0),
          np.zeros((1, 1), np.int64), _empty_out())  # fmt: skip
    return counts, dcounts.sum(axis=0)


def _check(nkey: int, min_room: int) -> None:
    if nkey != 10 or min_room != MIN_ROOM_BUILD[0]:
        raise InputError("the numba index builder uses 10-base keys and the default MIN_ROOM")


def fill_sites(  # type: ignore[no-untyped-def]
    packed, other, pieces, pams: PamSet, counts: I64, key_range: tuple[int, int], *,
    nkey: int, min_room: int, pos_dtype: type,
) -> dict[str, npt.NDArray[Any]]:  # fmt: skip
    """Rows of the keys in ``key_range``, in index order (see the module docstring)."""
    _check(nkey, min_room)
    klo, khi = key_range
    sub = counts[:, klo:khi]
    per_key = sub.sum(axis=0)
    key_start = np.concatenate([[0], np.cumsum(per_key)[:-1]]).astype(np.int64)
    cursor = key_start[None, :] + np.cumsum(sub, axis=0) - sub
    n = int(per_key.sum())
    out: dict[str, npt.NDArray[Any]] = {
        "win": np.empty(n, dtype=np.uint64), "nmask": np.empty(n, dtype=np.uint32),
        "pos": np.empty(n, dtype=pos_dtype), "meta": np.empty(n, dtype=np.uint16),
        "pw": np.empty(n, dtype=np.uint32),
    }  # fmt: skip
    _scan(packed, other, pieces, pams, 1, np.zeros((1, 1), np.int64), np.zeros((1, 1), np.int64),
          (klo, khi), np.ascontiguousarray(cursor), tuple(out.values()))  # fmt: skip
    return out


def fill_distal(  # type: ignore[no-untyped-def]
    bucket_start: I64, pw, dbucket_start: I64, dkey_range: tuple[int, int], *, nkey: int,
    row_dtype: type,
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[Any]]:  # fmt: skip
    """Distal rows (``dw``, ``drow``) of the distal keys in ``dkey_range``."""
    dlo, dhi = dkey_range
    base = int(dbucket_start[dlo])
    n = int(dbucket_start[dhi]) - base
    dcursor = (dbucket_start[dlo:dhi] - base).astype(np.int64)
    dw = np.empty(n, dtype=np.uint32)
    drow: npt.NDArray[Any] = np.empty(n, dtype=row_dtype)
    _compiled()["distal"](*readonly(bucket_start, pw), nkey, dlo, dhi, dcursor, dw, drow)
    return dw, drow


assert WINDOW == 32  # the kernels above hard-code 32-base windows
