"""Parts library: promoters, enhancers, introns, Kozak, UTRs, polyA, WPRE, ITRs, LTRs.

Each bundled part carries its real sequence (copied from a cited record, see
``data/SOURCES.md``) or is an explicit **size-only placeholder** whose length comes from the
literature; construct reports flag placeholders. Users add their own parts with
:func:`make_part` (the workflow layer reads them from GenBank or FASTA files).

Examples
--------
>>> get_part("SPA").length_bp
49
>>> get_part("LP1").is_placeholder
True
>>> [p.name for p in list_parts(kind="promoter", tissue="retina")]
['GRK1']
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final, Literal, get_args

from vivo.core.errors import DataError, InputError
from vivo.core.seq import validate_dna
from vivo.genome.fasta_format import parse_fasta_text

__all__ = ["PART_KINDS", "Part", "PartKind", "get_part", "list_parts", "make_part"]

PartKind = Literal[
    "itr", "ltr", "packaging", "promoter", "enhancer", "utr", "intron", "kozak", "cds",
    "wpre", "polya", "element", "spacer",
]  # fmt: skip
PART_KINDS: Final[tuple[str, ...]] = get_args(PartKind)
SizeConfidence = Literal["exact", "sourced", "unverified"]


@dataclass(frozen=True, slots=True)
class Part:
    """One genetic part. ``sequence`` is ``None`` for a size-only placeholder."""

    name: str
    kind: PartKind
    length_bp: int
    sequence: str | None = None
    tissues: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    notes: str = ""
    size_confidence: SizeConfidence = "exact"

    @property
    def is_placeholder(self) -> bool:
        """True when only the size is known (no sequence bundled or given)."""
        return self.sequence is None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view (without the sequence)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "length_bp": self.length_bp,
            "placeholder": self.is_placeholder,
            "size_confidence": self.size_confidence,
            "tissues": list(self.tissues),
            "sources": list(self.sources),
            "notes": self.notes,
        }


def _check_kind(kind: str) -> PartKind:
    if kind not in PART_KINDS:
        raise InputError(f"unknown part kind {kind!r}", hint=f"use one of {', '.join(PART_KINDS)}")
    return kind  # type: ignore[return-value]


def make_part(
    name: str,
    sequence: str,
    *,
    kind: str,
    tissues: tuple[str, ...] = (),
    notes: str = "",
    source: str = "user",
) -> Part:
    """A user part from a DNA sequence (validated; IUPAC codes allowed, case dropped).

    >>> make_part("myPromoter", "acgtACGT", kind="promoter").sequence
    'ACGTACGT'
    """
    if not name.strip():
        raise InputError("a part needs a name")
    seq = validate_dna(sequence.strip(), what=f"part {name!r}").upper()
    if not seq:
        raise InputError(f"part {name!r} has an empty sequence")
    return Part(name, _check_kind(kind), len(seq), seq, tissues, (source,), notes)


def _read_fasta(text: str) -> dict[str, str]:
    """Sequences of the bundled parts.fa by name (the one FASTA parser, vivo.genome)."""
    return {r.name: r.sequence for r in parse_fasta_text(text, where="vivo/delivery/data/parts.fa")}


def _entry_to_part(name: str, meta: dict[str, Any], seqs: dict[str, str]) -> Part:
    kind = _check_kind(meta["kind"])
    common: dict[str, Any] = {
        "tissues": tuple(meta.get("tissues", ())),
        "sources": tuple(meta.get("sources", ())),
        "notes": meta.get("notes", ""),
    }
    if meta.get("sequence"):
        if name not in seqs:
            raise DataError(f"bundled part {name!r} has no sequence in parts.fa")
        return Part(name, kind, len(seqs[name]), seqs[name], **common)
    if "sequence_literal" in meta:
        lit = str(meta["sequence_literal"])
        return Part(name, kind, len(lit), lit, **common)
    return Part(
        name,
        kind,
        int(meta["length_bp"]),
        None,
        size_confidence=meta.get("size_confidence", "unverified"),
        **common,
    )


@functools.cache
def _library() -> dict[str, Part]:
    data = resources.files("vivo.delivery") / "data"
    try:
        meta = tomllib.loads((data / "parts.toml").read_text(encoding="utf-8"))
        seqs = _read_fasta((data / "parts.fa").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"the bundled parts library cannot be read: {exc}") from exc
    return {name: _entry_to_part(name, m, seqs) for name, m in meta.items()}


def get_part(name: str) -> Part:
    """A bundled part by name (case-insensitive); unknown → InputError listing the known."""
    lib = _library()
    if name in lib:
        return lib[name]
    for key, part in lib.items():
        if key.lower() == name.strip().lower():
            return part
    raise InputError(f"unknown part {name!r}", hint=f"known parts: {', '.join(sorted(lib))}")


def list_parts(*, kind: str | None = None, tissue: str | None = None) -> list[Part]:
    """Bundled parts, optionally of one ``kind`` and active in one ``tissue``."""
    if kind is not None:
        _check_kind(kind)
    return [
        p
        for p in _library().values()
        if (kind is None or p.kind == kind) and (tissue is None or tissue in p.tissues)
    ]
