"""A cassette as an annotated Biopython record (GenBank-ready; opens in SnapGene/Benchling).

Each part becomes a feature with a GenBank key (promoter, CDS, polyA_signal, repeat_region,
LTR, intron, misc_feature …), a ``/label`` and ``/note``; the CDS carries its
``/translation``; placeholders are noted as size-only.
"""

from __future__ import annotations

from typing import Any, Final

from Bio.Seq import Seq
from Bio.SeqFeature import FeatureLocation, SeqFeature
from Bio.SeqRecord import SeqRecord

from vivo.core.seq import translate
from vivo.delivery.cassettes import Cassette, PlacedPart

__all__ = ["cassette_to_record"]

_KEYS: Final[dict[str, str]] = {
    "itr": "repeat_region", "ltr": "LTR", "packaging": "misc_feature", "promoter": "promoter",
    "enhancer": "enhancer", "utr": "5'UTR", "intron": "intron", "kozak": "regulatory",
    "cds": "CDS", "wpre": "misc_feature", "polya": "polyA_signal", "element": "misc_feature",
    "spacer": "misc_feature",
}  # fmt: skip


def _feature(c: Cassette, el: PlacedPart) -> SeqFeature:
    quals: dict[str, list[str]] = {"label": [el.part.name], "note": [el.part.kind]}
    if el.part.notes:
        quals["note"].append(el.part.notes[:200])
    if el.part.is_placeholder:
        quals["note"].append(f"vivo: size-only placeholder ({el.part.length_bp} bp of N)")
    if el.part.kind == "kozak":
        quals["regulatory_class"] = ["other"]
    if el.part.kind == "cds" and not el.part.is_placeholder:
        quals["codon_start"] = ["1"]
        quals["translation"] = [translate(c.element_sequence(el).upper())[:-1]]
        if c.transgene is not None:
            quals["gene"] = [c.transgene.gene]
            quals["product"] = [c.transgene.name]
    strand = -1 if el.reverse else 1
    loc = FeatureLocation(el.start, el.end, strand=strand)  # type: ignore[no-untyped-call]
    return SeqFeature(loc, type=_KEYS[el.part.kind], qualifiers=quals)  # type: ignore[no-untyped-call]


def cassette_to_record(cassette: Cassette, *, topology: str = "linear") -> Any:
    """A Biopython ``SeqRecord`` with one feature per part."""
    name = "".join(ch if ch.isalnum() else "_" for ch in cassette.name)[:16] or "cassette"
    rec = SeqRecord(
        Seq(cassette.sequence.upper()),
        id=name,
        name=name,
        description=f"vivo cassette {cassette.name} for {cassette.vector}",
        annotations={"molecule_type": "DNA", "topology": topology, "data_file_division": "SYN"},
    )
    rec.features = [_feature(cassette, el) for el in cassette.elements]
    return rec
