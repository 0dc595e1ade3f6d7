"""UCSC .2bit genomes: reading through py2bit (soft-masking kept) and writing.

The writer follows the published UCSC format (signature 0x1A412743, version 0, 2 bits per base
with T=0 C=1 A=2 G=3, N-blocks and mask-blocks per record;
https://genome.ucsc.edu/FAQ/FAQformat.html#format7). 2bit stores only A/C/G/T/N: other
IUPAC codes are written as N.

:func:`read_twobit_index` checks the whole layout against the file size (header, names,
record headers, packed bases), so a truncated or corrupt file is a :class:`FormatError` naming
the file before any base is read.
"""

from __future__ import annotations

import io
import os
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import py2bit

from vivo.core.errors import FormatError, InputError
from vivo.genome.base import GenomeBase
from vivo.io.atomic import atomic_write
from vivo.io.sniff import require_file, sniff

__all__ = ["TwoBitGenome", "TwoBitRecord", "read_twobit_index", "write_twobit"]

_SIGNATURE = 0x1A412743
_CODE = np.full(256, 0, dtype=np.uint8)
for _b, _v in zip(b"TCAGtcag", (0, 1, 2, 3, 0, 1, 2, 3), strict=True):
    _CODE[_b] = _v


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


class TwoBitGenome(GenomeBase):
    """A genome read from a .2bit file; lowercase marks soft-masked bases."""

    def __init__(self, path: str | os.PathLike[str], *, name: str | None = None) -> None:
        self.path = require_file(path, "2bit file")
        read_twobit_index(self.path)
        try:
            self._tb = py2bit.open(str(self.path), True)
        except RuntimeError as exc:
            raise FormatError(f"cannot read .2bit file: {exc}", path=str(self.path)) from exc
        self._lengths = dict(self._tb.chroms())
        self._name = name or self.path.name.split(".")[0]

    def contig_names(self) -> list[str]:
        return list(self._lengths)

    def contig_length(self, contig: str) -> int:
        self.check_contig(contig)
        return int(self._lengths[contig])

    def _fetch_plus(self, contig: str, start: int, end: int) -> str:
        if start == end:
            return ""
        return str(self._tb.sequence(contig, start, end))

    def close(self) -> None:
        """Release the file handle."""
        self._tb.close()


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
