"""What is in a file, told from its content: the one place vivo detects file formats.

Readers never trust a file name. :func:`sniff` looks at the first bytes (decompressing gzip
and bgzip) and names the format by its magic number or first meaningful line:

========== ===============================================================
``2bit``    UCSC signature ``0x1A412743`` (little- or big-endian)
``fasta``   first non-blank line starts with ``>``
``genbank`` first non-blank line starts with ``LOCUS``
``embl``    first line starts with ``ID   `` (recognised to be refused clearly)
``vcf``     first line starts with ``##fileformat=VCF`` (VCF specification 4.x, section 1.1)
``gff3``    a ``##gff-version 3`` line, or 9 tab-separated columns with ``key=value`` attributes
``gtf``     9 tab-separated columns with ``key "value";`` attributes
``bed``     3 to 12 tab-separated columns with integer start <= end (``track``/``browser``
            lines allowed first)
``json``    first non-blank character ``{``, or a ``[`` that opens a JSON array (not a TOML
            ``[table]``)
``text``    other text
``binary``  NUL bytes or bytes that are not UTF-8 text
``empty``   no bytes (or only blank lines)
========== ===============================================================

Compression is ``None``, ``"gzip"`` or ``"bgzip"`` (BGZF: the gzip ``BC`` extra field that
bgzip writes, which allows random access). :func:`read_bytes` and :func:`open_binary` read
plain or compressed files and turn truncated or corrupt compressed data into a
:class:`~vivo.core.errors.FormatError` naming the file.

>>> import tempfile, os
>>> with tempfile.TemporaryDirectory() as d:
...     p = os.path.join(d, "x.txt")
...     _ = open(p, "w").write(">chr1\\nACGT\\n")
...     sniff(p)
FileKind(format='fasta', compression=None)
"""

from __future__ import annotations

import contextlib
import gzip
import os
import struct
import zlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from vivo.core.errors import FormatError, InputError

__all__ = [
    "FileKind",
    "Format",
    "open_binary",
    "read_bytes",
    "read_text",
    "require_file",
    "require_format",
    "sniff",
]

Format = Literal[
    "2bit",
    "fasta",
    "genbank",
    "embl",
    "gtf",
    "gff3",
    "bed",
    "json",
    "vcf",
    "text",
    "binary",
    "empty",
]
Compression = Literal["gzip", "bgzip"]

_TWOBIT = 0x1A412743
_HEAD_BYTES = 1 << 16
#: errors that mean truncated or corrupt compressed data
GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)
_NAMES = {
    "2bit": "a UCSC .2bit file",
    "fasta": "a FASTA file",
    "genbank": "a GenBank file",
    "embl": "an EMBL file",
    "gtf": "a GTF file",
    "gff3": "a GFF3 file",
    "bed": "a BED file",
    "json": "a JSON file",
    "vcf": "a VCF file",
    "text": "a text file of unknown format",
    "binary": "a binary file",
    "empty": "an empty file",
}


@dataclass(frozen=True, slots=True)
class FileKind:
    """A file's format and compression, as told by its content."""

    format: Format
    compression: Compression | None

    def describe(self) -> str:
        """For messages: e.g. ``"a gzip-compressed FASTA file"``."""
        name = _NAMES[self.format]
        if self.compression is None:
            return name
        rest = name.split(" ", 1)[1]
        return f"a {self.compression}-compressed {rest}"


def require_file(path: str | os.PathLike[str], what: str = "file") -> Path:
    """``path`` as a Path; an :class:`InputError` when it is missing, a folder or unreadable."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{p} is a folder, not a {what}", hint=f"give the path of a {what}")
    if not p.is_file():
        raise InputError(f"no such {what}: {p}", hint="check the path")
    if not os.access(p, os.R_OK):
        raise InputError(f"cannot read {p}: permission denied", hint="check its permissions")
    return p


def _compression(head: bytes) -> Compression | None:
    if head[:2] != b"\x1f\x8b":
        return None
    # BGZF: FLG.FEXTRA set and an extra subfield 'BC' (SAM/BAM specification, section 4.1)
    if len(head) >= 16 and head[3] & 4 and head[12:14] == b"BC":
        return "bgzip"
    return "gzip"


def _decompressed_head(path: Path) -> bytes:
    """Up to 64 KiB of decompressed data, member after member (bgzip writes many); a truncated
    stream yields what could be decoded, and undecodable data is a :class:`FormatError`."""
    out = bytearray()
    pending = b""
    with open(path, "rb") as fh:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        while len(out) < _HEAD_BYTES:
            pending = pending or fh.read(1 << 16)
            if not pending:
                break
            try:
                out += d.decompress(pending, _HEAD_BYTES - len(out))
            except zlib.error as exc:
                if not out:
                    raise FormatError(f"corrupt gzip data ({exc})", path=str(path)) from exc
                break
            if d.eof:  # next member (bgzip blocks, concatenated gzip files)
                pending = d.unused_data
                d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            else:
                pending = d.unconsumed_tail
    return bytes(out)


def _is_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut by the 64 KiB window is still text
        return exc.start < len(head) - 4
    return False


def _text_format(head: bytes) -> Format:
    lines = [ln.strip(b"\r") for ln in head.split(b"\n")]
    if not any(ln.strip() for ln in lines):
        return "empty"
    if lines[0].startswith(b"##fileformat=VCF"):
        return "vcf"
    if any(ln.startswith(b"##gff-version 3") for ln in lines[:50]):
        return "gff3"
    first = next(ln for ln in lines if ln.strip())
    if first.startswith(b">"):
        return "fasta"
    if first.startswith(b"LOCUS"):
        return "genbank"
    if first.startswith(b"ID   "):
        return "embl"
    if _is_json(first.lstrip()):
        return "json"
    for ln in lines[:200]:
        if not ln.strip() or ln.startswith((b"#", b"track", b"browser")):
            continue
        cols = ln.split(b"\t")
        if len(cols) == 9 and cols[3].strip().isdigit() and cols[4].strip().isdigit():
            return "gff3" if b"=" in cols[8] and b'"' not in cols[8] else "gtf"
        if 3 <= len(cols) <= 12 and cols[1].isdigit() and cols[2].isdigit():
            return "bed" if int(cols[1]) <= int(cols[2]) else "text"
        break
    return "text"


def _is_json(first: bytes) -> bool:
    """``{...`` or a JSON array; a TOML ``[table]`` or ``[[array]]`` header is not JSON."""
    if first.startswith(b"{"):
        return True
    if not first.startswith(b"["):
        return False
    rest = first[1:].lstrip()
    if rest.startswith(b"["):
        rest = rest[1:].lstrip()
        return not rest[:1].isalpha() and rest[:1] != b"_"
    return rest[:1] in (b"{", b'"', b"]", b"-", b"[") or rest[:1].isdigit() or rest == b""


def sniff(path: str | os.PathLike[str]) -> FileKind:
    """The format and compression of the file at ``path``, from its content."""
    p = require_file(path)
    with open(p, "rb") as fh:
        head = fh.read(_HEAD_BYTES)
    compression = _compression(head)
    if compression is not None:
        head = _decompressed_head(p)
    if not head:
        return FileKind("empty", compression)
    if len(head) >= 4 and _TWOBIT in struct.unpack("<I", head[:4]) + struct.unpack(">I", head[:4]):
        return FileKind("2bit", compression)
    if _is_binary(head):
        return FileKind("binary", compression)
    return FileKind(_text_format(head), compression)


def require_format(
    path: str | os.PathLike[str], expected: Collection[Format], *, what: str = ""
) -> FileKind:
    """Sniff ``path`` and raise a :class:`FormatError` naming the file unless its format is
    one of ``expected``."""
    kind = sniff(path)
    if kind.format in expected:
        return kind
    wanted = " or ".join(_NAMES[f].split(" ", 1)[1] for f in expected)
    hint = "check that this is the right file"
    if kind.format == "binary":
        hint = "is it compressed with something other than gzip, or a different kind of file?"
    raise FormatError(
        f"this is {kind.describe()}, not {what or 'a ' + wanted}", path=str(path), hint=hint
    )


@contextlib.contextmanager
def open_binary(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Open a plain, gzip or bgzip file for reading bytes; corrupt or truncated compressed
    data raises a :class:`FormatError` naming the file."""
    p = require_file(path)
    with open(p, "rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"
    try:
        with gzip.open(p, "rb") if compressed else open(p, "rb") as fh:
            yield fh  # type: ignore[misc]
    except GZIP_ERRORS as exc:
        raise FormatError(
            f"truncated or corrupt gzip data ({exc})",
            path=str(p),
            hint="download or compress the file again",
        ) from exc


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The whole (decompressed) content of ``path``."""
    with open_binary(path) as fh:
        return fh.read()


def read_text(path: str | os.PathLike[str], *, what: str = "text file") -> str:
    """The whole (decompressed) content of ``path`` as UTF-8 text; a binary file raises a
    :class:`FormatError` naming the file and the line of the first bad byte."""
    raw = read_bytes(path)
    try:
        if b"\x00" in raw:
            bad = raw.index(b"\x00")
            raise UnicodeDecodeError("utf-8", raw, bad, bad + 1, "NUL byte")
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise FormatError(
            f"binary data (byte {exc.start + 1}): this is not a {what}",
            path=str(path),
            line=line,
            hint=f"give a UTF-8 {what}",
        ) from exc
