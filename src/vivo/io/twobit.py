"""UCSC .2bit genomes: reading through py2bit (soft-masking kept) and writing.

The writer follows the published UCSC format (signature 0x1A412743, version 0, 2 bits per base
with T=0 C=1 A=2 G=3, N-blocks and mask-blocks per record;
https://genome.ucsc.edu/FAQ/FAQformat.html#format7). 2bit stores only A/C/G/T/N: other
IUPAC codes are written as N.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import py2bit

from vivo.core.errors import FormatError, InputError
from vivo.genome.base import GenomeBase
from vivo.io.atomic import atomic_write

__all__ = ["TwoBitGenome", "write_twobit"]

_SIGNATURE = 0x1A412743
_CODE = np.full(256, 0, dtype=np.uint8)
for _b, _v in zip(b"TCAGtcag", (0, 1, 2, 3, 0, 1, 2, 3), strict=True):
    _CODE[_b] = _v


class TwoBitGenome(GenomeBase):
    """A genome read from a .2bit file; lowercase marks soft-masked bases."""

    def __init__(self, path: str | os.PathLike[str], *, name: str | None = None) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise InputError(f"no such file: {self.path}")
        with open(self.path, "rb") as fh:
            head = fh.read(4)
        if len(head) < 4 or struct.unpack("<I", head)[0] != _SIGNATURE:
            raise FormatError("not a .2bit file (bad signature)", path=str(self.path))
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
