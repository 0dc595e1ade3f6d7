"""The one FASTA parser: validated records from lines, with no file access.

:mod:`vivo.io.fasta` feeds it the lines of a (possibly compressed) file; the bundled data of
:mod:`vivo.delivery` (parts and transgene sequences shipped inside the package) feed it their
text. It lives in the genome layer, below both, so the design engines can use it without the
I/O layer (see docs/architecture.md, "One FASTA parser").

Rules: a record starts with ``>name description``; names are unique; sequence lines hold
IUPAC DNA codes (any case; lowercase = soft-masked) or ``*``; blank lines and CRLF line ends
are fine. Errors are :class:`FormatError` with the source and the 1-based line.

>>> [(r.name, r.sequence) for r in parse_fasta_text(">a x\\nACG\\nt\\n>b\\nNN\\n")]
[('a', 'ACGt'), ('b', 'NN')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from vivo.core.errors import FormatError
from vivo.core.seq import DNA_IUPAC

__all__ = ["FastaRecord", "parse_fasta_text", "scan_fasta"]

_VALID = bytes(sorted({ord(c) for c in DNA_IUPAC if c != "-"} | {ord("*")}))
_PROTEIN = bytes(sorted({ord(c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz*"}))
Alphabet = Literal["dna", "protein"]


@dataclass(frozen=True, slots=True)
class FastaRecord:
    """One FASTA record: name (first word of the header), description, sequence."""

    name: str
    description: str
    sequence: str


def scan_fasta(
    lines: Iterable[bytes], *, where: str, keep: bool = True, alphabet: Alphabet = "dna"
) -> Iterator[tuple[str, str, list[bytes]]]:
    """Validate FASTA ``lines`` one by one; yield ``(name, description, sequence lines)``
    per record (with ``keep=False`` the sequence lines are placeholders, to validate a
    genome-sized file without holding it). ``alphabet="protein"`` accepts any letter."""
    valid = _VALID if alphabet == "dna" else _PROTEIN
    name: str | None = None
    desc = ""
    chunks: list[bytes] = []
    header_line = 0
    seen: dict[str, int] = {}
    for lineno, raw in enumerate(lines, start=1):
        line = raw.rstrip(b"\r\n")
        if line.startswith(b">"):
            if name is not None:
                _check_nonempty(where, name, chunks, header_line)
                yield name, desc, chunks
            name, desc = _header(line, lineno, where, seen)
            header_line, chunks = lineno, []
        elif line.strip():
            if name is None:
                raise FormatError(
                    "sequence before the first '>' header: this is not a FASTA file",
                    path=where,
                    line=lineno,
                    hint="start each record with a '>name' line",
                )
            _check_bases(line, name, lineno, where, valid)
            chunks.append(line.strip() if keep else b"x")
    if name is None:
        raise FormatError("empty FASTA file: no '>' header found", path=where)
    _check_nonempty(where, name, chunks, header_line)
    yield name, desc, chunks


def _header(line: bytes, lineno: int, where: str, seen: dict[str, int]) -> tuple[str, str]:
    header = line[1:].decode("utf-8", "replace").strip()
    if not header:
        raise FormatError("header line has no sequence name", path=where, line=lineno)
    name, _, desc = header.partition(" ")
    if name in seen:
        raise FormatError(
            f"duplicate sequence name {name!r} (first at line {seen[name]})",
            path=where,
            line=lineno,
            hint="give every record a unique name",
        )
    seen[name] = lineno
    return name, desc


def _check_bases(line: bytes, name: str, lineno: int, where: str, valid: bytes) -> None:
    bad = line.strip().translate(None, valid)
    if bad:
        col = next(i for i, b in enumerate(line) if b not in valid) + 1
        what = "non-IUPAC" if valid is _VALID else "non-letter"
        raise FormatError(
            f"{what} character {chr(bad[0])!r} in record {name!r} (column {col})",
            path=where,
            line=lineno,
            hint="sequences may use A C G T, IUPAC codes and N (lower case = masked)",
        )


def _check_nonempty(where: str, name: str, chunks: list[bytes], line: int) -> None:
    if not chunks:
        raise FormatError(f"record {name!r} has no sequence", path=where, line=line)


def parse_fasta_text(
    text: str, *, where: str = "<text>", alphabet: Alphabet = "dna"
) -> list[FastaRecord]:
    """Every record of FASTA ``text``, validated (DNA, or any letters with
    ``alphabet="protein"``)."""
    lines = (ln.encode("utf-8") for ln in text.splitlines())
    return [
        FastaRecord(name, desc, b"".join(chunks).decode("ascii"))
        for name, desc, chunks in scan_fasta(lines, where=where, alphabet=alphabet)
    ]
