"""UCSC .2bit genomes: reading (one parser: the layout, then the packed bases decoded from a
memory map, soft-masking kept) and writing.

The writer follows the published UCSC format (signature 0x1A412743, version 0, 2 bits per base
with T=0 C=1 A=2 G=3, N-blocks and mask-blocks per record;
https://genome.ucsc.edu/FAQ/FAQformat.html#format7). 2bit stores only A/C/G/T/N: other
IUPAC codes are written as N.

:func:`read_twobit_index` checks the whole layout against the file size (header, names,
record headers, packed bases), so a truncated or corrupt file is a :class:`FormatError` naming
the file before any base is read. :func:`record_codes` decodes a range of one record's bases
(vivo's codes A0 C1 G2 T3, 4 = N) from a memory map of the file; :class:`TwoBitGenome` and the
genome packer of the index build (:func:`twobit_contigs`) both read through it.
"""

from __future__ import annotations

import io
import os
import re
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from vivo.core.errors import FormatError, InputError
from vivo.genome.base import GenomeBase
from vivo.io.atomic import atomic_write
from vivo.io.sniff import require_file, sniff

if TYPE_CHECKING:
    from vivo.editing.offtarget.build import ContigSource

__all__ = [
    "TwoBitGenome",
    "TwoBitRecord",
    "read_twobit_index",
    "record_codes",
    "twobit_contigs",
    "write_twobit",
]

_SIGNATURE = 0x1A412743
_CODE = np.full(256, 0, dtype=np.uint8)
for _b, _v in zip(b"TCAGtcag", (0, 1, 2, 3, 0, 1, 2, 3), strict=True):
    _CODE[_b] = _v
#: 2bit codes (T0 C1 A2 G3) -> vivo codes (A0 C1 G2 T3), four bases per byte
_TB = np.array([3, 1, 0, 2], dtype=np.uint8)
_TB_BYTE = np.zeros((256, 4), dtype=np.uint8)
for _i in range(256):
    _TB_BYTE[_i] = _TB[[(_i >> 6) & 3, (_i >> 4) & 3, (_i >> 2) & 3, _i & 3]]
_STEP = 1 << 26  # bases decoded per chunk when packing a genome


@dataclass(frozen=True, slots=True)
class TwoBitRecord:
    """One record of a version-0 .2bit file: N blocks and mask blocks as ``(k, 2)`` arrays of
    (start, size), and the file offset of its packed bases."""

    name: str
    length: int
    n_blocks: npt.NDArray[np.int64]
    mask_blocks: npt.NDArray[np.int64]
    data_offset: int


class _Reader:
    """Bounds-checked little-endian reads; running past the end is a truncation error."""

    def __init__(self, fh: io.BufferedReader, size: int, where: str) -> None:
        self.fh, self.size, self.where = fh, size, where

    def take(self, n: int, what: str) -> bytes:
        at = self.fh.tell()
        if n < 0 or at + n > self.size:
            raise FormatError(
                f"truncated .2bit file: {what} at byte {at} runs past the end ({self.size} bytes)",
                path=self.where,
                hint="download or write the file again",
            )
        return self.fh.read(n)

    def u32(self, what: str) -> int:
        value: int = struct.unpack("<I", self.take(4, what))[0]
        return value

    def blocks(self, count: int, what: str) -> npt.NDArray[np.int64]:
        starts = np.frombuffer(self.take(4 * count, what), dtype="<u4").astype(np.int64)
        sizes = np.frombuffer(self.take(4 * count, what), dtype="<u4").astype(np.int64)
        return np.stack([starts, sizes], axis=1).reshape(-1, 2)


def read_twobit_index(path: str | os.PathLike[str]) -> list[TwoBitRecord]:
    """Every record of a version-0 .2bit file, its layout checked against the file size."""
    p = require_file(path, "2bit file")
    where = str(p)
    size = p.stat().st_size
    with open(p, "rb") as fh:
        r = _Reader(fh, size, where)
        head = r.take(16, "header") if size >= 4 else b""
        if len(head) < 16 or struct.unpack("<I", head[:4])[0] != _SIGNATURE:
            kind = sniff(p)
            if kind.format == "2bit" and kind.compression:
                raise FormatError(
                    f"this .2bit file is {kind.compression}-compressed",
                    path=where,
                    hint="decompress it first (2bit files are read uncompressed): gunzip FILE",
                )
            what = "truncated header" if kind.format == "2bit" else f"this is {kind.describe()}"
            raise FormatError(f"not a .2bit file (bad signature: {what})", path=where)
        _, version, count, _ = struct.unpack("<IIII", head)
        if version != 0:
            raise FormatError(f"unsupported .2bit version {version} (0 expected)", path=where)
        index = []
        for i in range(count):
            (n,) = struct.unpack("<B", r.take(1, f"name length of record {i + 1}"))
            name = r.take(n, f"name of record {i + 1}").decode("utf-8", "replace")
            index.append((name, r.u32(f"offset of record {name!r}")))
        out = []
        for name, offset in index:
            if offset + 8 > size:
                raise FormatError(
                    f"truncated .2bit file: record {name!r} starts at byte {offset}, past the "
                    f"end ({size} bytes)",
                    path=where,
                )
            fh.seek(offset)
            length = r.u32(f"length of {name!r}")
            nblocks = r.blocks(r.u32(f"N-block count of {name!r}"), f"N blocks of {name!r}")
            mblocks = r.blocks(r.u32(f"mask-block count of {name!r}"), f"mask blocks of {name!r}")
            r.take(4, f"reserved word of {name!r}")
            data = fh.tell()
            if data + (length + 3) // 4 > size:
                raise FormatError(
                    f"truncated .2bit file: the bases of {name!r} ({length:,} bp) run past the "
                    f"end ({size} bytes)",
                    path=where,
                    hint="download or write the file again",
                )
            out.append(TwoBitRecord(name, length, nblocks, mblocks, data))
    return out


def record_codes(
    raw: npt.NDArray[np.uint8], rec: TwoBitRecord, start: int, end: int
) -> npt.NDArray[np.uint8]:
    """Codes (A0 C1 G2 T3, 4 = N) of bases ``[start, end)`` of ``rec``, from ``raw``, the
    whole file as bytes (a memory map)."""
    start, end = max(0, start), min(end, rec.length)
    if end <= start:
        return np.zeros(0, dtype=np.uint8)
    lo = start - start % 4
    codes = _TB_BYTE[raw[rec.data_offset + lo // 4 : rec.data_offset + (end + 3) // 4]].ravel()
    out = codes[start - lo : end - lo].copy()
    nb = rec.n_blocks
    if len(nb):
        hit = (nb[:, 0] < end) & (nb[:, 0] + nb[:, 1] > start)
        for a, size in nb[hit]:
            out[max(a, start) - start : min(a + size, end) - start] = 4
    return out


def _masked(rec: TwoBitRecord) -> npt.NDArray[np.int64]:
    mb = rec.mask_blocks
    return np.stack([mb[:, 0], mb[:, 0] + mb[:, 1]], axis=1).reshape(-1, 2).astype(np.int64)


def twobit_contigs(path: str | os.PathLike[str]) -> list[ContigSource]:
    """Every record as a contig to pack (``vivo.editing.offtarget.build.pack_contigs``): codes
    decoded a chunk at a time from a memory map (bounded memory), soft-masked runs."""
    from vivo.editing.offtarget.build import ContigSource

    recs = read_twobit_index(path)
    raw = np.memmap(require_file(path, "2bit file"), dtype=np.uint8, mode="r")

    def chunks(rec: TwoBitRecord) -> Iterator[npt.NDArray[np.uint8]]:
        for lo in range(0, rec.length, _STEP):
            yield record_codes(raw, rec, lo, lo + _STEP)

    return [ContigSource(r.name, r.length, chunks(r), _masked(r)) for r in recs]


class TwoBitGenome(GenomeBase):
    """A genome read from a .2bit file; lowercase marks soft-masked bases."""

    def __init__(self, path: str | os.PathLike[str], *, name: str | None = None) -> None:
        self.path = require_file(path, "2bit file")
        self._records = {r.name: r for r in read_twobit_index(self.path)}
        self._raw: npt.NDArray[np.uint8] | None = np.memmap(self.path, dtype=np.uint8, mode="r")
        self._lengths = {n: r.length for n, r in self._records.items()}
        self._name = name or self.path.name.split(".")[0]

    def contig_names(self) -> list[str]:
        return list(self._lengths)

    def contig_length(self, contig: str) -> int:
        self.check_contig(contig)
        return int(self._lengths[contig])

    def _fetch_plus(self, contig: str, start: int, end: int) -> str:
        if start == end:
            return ""
        if self._raw is None:
            raise InputError(f"the .2bit file {self.path} was closed")
        rec = self._records[contig]
        letters = np.frombuffer(b"ACGTN", dtype=np.uint8)[record_codes(self._raw, rec, start, end)]
        mb = rec.mask_blocks
        if len(mb):
            hit = (mb[:, 0] < end) & (mb[:, 0] + mb[:, 1] > start)
            for a, size in mb[hit]:
                sl = slice(max(a, start) - start, min(a + size, end) - start)
                letters[sl] = letters[sl] + 32  # lower case
        return letters.tobytes().decode("ascii")

    def close(self) -> None:
        """Release the file map."""
        self._raw = None


def _blocks(pattern: str, seq: str) -> tuple[list[int], list[int]]:
    starts, sizes = [], []
    for m in re.finditer(pattern, seq):
        starts.append(m.start())
        sizes.append(m.end() - m.start())
    return starts, sizes


def _record_bytes(seq: str) -> bytes:
    n_starts, n_sizes = _blocks(r"[^ACGTacgt]+", seq)
    m_starts, m_sizes = _blocks(r"[a-z]+", seq)
    codes = _CODE[np.frombuffer(seq.encode("ascii"), dtype=np.uint8)]
    pad = (-len(codes)) % 4
    codes = np.concatenate([codes, np.zeros(pad, dtype=np.uint8)]).reshape(-1, 4)
    packed = (codes[:, 0] << 6) | (codes[:, 1] << 4) | (codes[:, 2] << 2) | codes[:, 3]
    parts = [struct.pack("<II", len(seq), len(n_starts))]
    parts += [
        struct.pack(f"<{len(n_starts)}I", *n_starts),
        struct.pack(f"<{len(n_sizes)}I", *n_sizes),
    ]
    parts.append(struct.pack("<I", len(m_starts)))
    parts += [
        struct.pack(f"<{len(m_starts)}I", *m_starts),
        struct.pack(f"<{len(m_sizes)}I", *m_sizes),
    ]
    parts.append(struct.pack("<I", 0))
    parts.append(packed.astype(np.uint8).tobytes())
    return b"".join(parts)


def write_twobit(contigs: Mapping[str, str], path: str | os.PathLike[str]) -> Path:
    """Write ``contigs`` (name → sequence) as a .2bit file, atomically."""
    names = list(contigs)
    for name in names:
        if not name or len(name.encode()) > 255:
            raise InputError(f"2bit contig names must be 1-255 bytes: {name!r}")
    bodies = [_record_bytes(contigs[n]) for n in names]
    header_size = 16 + sum(1 + len(n.encode()) + 4 for n in names)
    offset = header_size
    index = []
    for name, body in zip(names, bodies, strict=True):
        encoded = name.encode()
        index.append(struct.pack("<B", len(encoded)) + encoded + struct.pack("<I", offset))
        offset += len(body)
    if offset >= 2**32:
        raise InputError("genome too large for a version-0 .2bit file (4 GiB)")
    with atomic_write(path, "wb") as fh:
        fh.write(struct.pack("<IIII", _SIGNATURE, 0, len(names), 0))
        fh.writelines(index)
        fh.writelines(bodies)
    return Path(path)
