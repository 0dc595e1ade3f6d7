"""Cassette assembly: an ordered design of parts → one annotated sequence.

A design is a list of parts (each optionally reversed, as for a β-globin gene placed against
the lentiviral genome so its polyA signal cannot truncate the vector RNA). Placeholder parts
(size only) become runs of ``N`` of their stated length, so coordinates and capacity are right
and the report flags them. :func:`design_cassette` builds the usual layouts per vector and
tissue; :mod:`vivo.delivery.checks` checks the result.

Examples
--------
>>> from vivo.delivery.transgenes import get_transgene
>>> c = design_cassette(get_transgene("HBB"), vector="AAV", tissue="liver")
>>> [e.part.name for e in c.elements][:3]
['AAV2_ITR_5', 'LP1', 'chimeric_intron']
>>> c.payload_bp() == len(c.sequence)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement
from vivo.delivery.capsids import get_tissue
from vivo.delivery.parts import Part, get_part
from vivo.delivery.transgenes import Transgene
from vivo.delivery.vectors import Vector, get_vector

__all__ = [
    "TISSUE_PROMOTERS",
    "Cassette",
    "DesignElement",
    "PlacedPart",
    "assemble_cassette",
    "default_layout",
    "design_cassette",
    "transgene_part",
]

#: target tissue → promoter names, preferred first (tissue match; digest §4 and §8 rule 4).
TISSUE_PROMOTERS: Final[dict[str, tuple[str, ...]]] = {
    "liver": ("LP1",),
    "muscle": ("MHCK7", "CK8e"),
    "heart": ("MHCK7",),
    "cns": ("hSyn", "CBh", "MeCP2"),
    "retina": ("GRK1",),
    "lung": ("CAG", "EF1a"),
    "erythroid": ("HBB_promoter",),
    "hsc": ("EF1a", "PGK"),
    "t_cell": ("EF1a", "PGK"),
}


@dataclass(frozen=True, slots=True)
class DesignElement:
    """A part in a design; ``reverse`` places its reverse complement."""

    part: Part
    reverse: bool = False


@dataclass(frozen=True, slots=True)
class PlacedPart:
    """A part placed in the assembled cassette (0-based half-open ``start``..``end``)."""

    part: Part
    start: int
    end: int
    reverse: bool = False

    @property
    def length_bp(self) -> int:
        """Length in the cassette."""
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Cassette:
    """An assembled construct: ordered placed parts and one sequence (placeholders as N)."""

    name: str
    vector: str
    elements: tuple[PlacedPart, ...]
    sequence: str
    transgene: Transgene | None = None
    tissue: str | None = None

    @property
    def length_bp(self) -> int:
        """Total length."""
        return len(self.sequence)

    @property
    def cds(self) -> PlacedPart | None:
        """The (first) coding-sequence element, if any."""
        return next((e for e in self.elements if e.part.kind == "cds"), None)

    def element_sequence(self, element: PlacedPart) -> str:
        """An element's sequence read in its own orientation."""
        seq = self.sequence[element.start : element.end]
        return reverse_complement(seq) if element.reverse else seq

    def payload_bp(self, vector: str | Vector | None = None) -> int:
        """Length measured on the vector's capacity scope (ITRs added if a design has none)."""
        vec = get_vector(vector or self.vector) if not isinstance(vector, Vector) else vector
        kinds = [e.part.kind for e in self.elements]
        if vec.capacity_scope == "itr_to_itr":
            itrs = [e for e in self.elements if e.part.kind == "itr"]
            if not itrs:
                return self.length_bp + 2 * get_part("AAV2_ITR_5").length_bp
            return itrs[-1].end - itrs[0].start
        if vec.capacity_scope == "between_itrs":
            return sum(e.length_bp for e in self.elements if e.part.kind != "itr")
        if vec.capacity_scope == "internal_cassette" and "ltr" in kinds:
            skip = {"ltr", "packaging"}
            return sum(e.length_bp for e in self.elements if e.part.kind not in skip)
        return self.length_bp

    @property
    def placeholders(self) -> list[PlacedPart]:
        """Elements with no sequence (size only)."""
        return [e for e in self.elements if e.part.is_placeholder]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view (without the sequence)."""
        return {
            "name": self.name,
            "vector": self.vector,
            "tissue": self.tissue,
            "length_bp": self.length_bp,
            "payload_bp": self.payload_bp(),
            "transgene": self.transgene.to_dict() if self.transgene else None,
            "elements": [
                {
                    "name": e.part.name,
                    "kind": e.part.kind,
                    "start_1based": e.start + 1,
                    "end_1based": e.end,
                    "length_bp": e.length_bp,
                    "strand": "-" if e.reverse else "+",
                    "placeholder": e.part.is_placeholder,
                }
                for e in self.elements
            ],
        }


def transgene_part(transgene: Transgene) -> Part:
    """The transgene as a ``cds`` part (a placeholder when its CDS is unknown)."""
    return Part(
        transgene.name.replace(" ", "_"),
        "cds",
        transgene.length_bp,
        transgene.cds,
        sources=transgene.sources,
        notes=transgene.notes,
        size_confidence="exact" if transgene.cds else "sourced",
    )


def assemble_cassette(
    design: Sequence[Part | DesignElement],
    *,
    name: str,
    vector: str,
    transgene: Transgene | None = None,
    tissue: str | None = None,
) -> Cassette:
    """Concatenate ``design`` into one annotated sequence."""
    if not design:
        raise InputError("a cassette design needs at least one part")
    vec = get_vector(vector)
    placed: list[PlacedPart] = []
    chunks: list[str] = []
    pos = 0
    for item in design:
        el = item if isinstance(item, DesignElement) else DesignElement(item)
        seq = el.part.sequence if el.part.sequence is not None else "N" * el.part.length_bp
        chunks.append(reverse_complement(seq) if el.reverse else seq)
        placed.append(PlacedPart(el.part, pos, pos + len(seq), el.reverse))
        pos += len(seq)
    return Cassette(
        name, vec.name, tuple(placed), "".join(chunks), transgene,
        get_tissue(tissue).name if tissue else None,
    )  # fmt: skip


def _promoter_for(tissue: str | None) -> list[Part]:
    if tissue is None:
        return [get_part("CMV")]
    t = get_tissue(tissue).name
    parts = [get_part(TISSUE_PROMOTERS[t][0])]
    if t == "erythroid":
        return [get_part("beta_globin_LCR"), *parts, get_part("HBB_5UTR")]
    return parts


def default_layout(
    vector: Vector, tissue: str | None, cds: Part, *, promoter: Part | None = None
) -> list[Part | DesignElement]:
    """The usual element order for ``vector`` (see docs/cassettes.md for each layout)."""
    prom = [promoter] if promoter else _promoter_for(tissue)
    erythroid = tissue is not None and get_tissue(tissue).name == "erythroid"
    kozak = [] if erythroid else [get_part("Kozak")]
    polya = get_part("HBB_3UTR_polyA" if erythroid else "bGH_polyA")
    unit: list[Part] = [*prom, *kozak, cds]
    if vector.name == "ssAAV":
        intron = [] if erythroid else [get_part("chimeric_intron")]
        itrs = [get_part("AAV2_ITR_5"), get_part("AAV2_ITR_3")]
        full: list[Part | DesignElement] = [itrs[0], *prom, *intron, *kozak, cds, polya, itrs[1]]
        size = sum(p.length_bp for p in full if isinstance(p, Part))
        if vector.soft_limit_bp and size > vector.soft_limit_bp:
            # A tight payload (micro-dystrophin, BDD-FVIII) drops the intron and uses the 49-bp
            # synthetic polyA, as the approved large-cargo AAV constructs do (docs/cassettes.md).
            return [itrs[0], *prom, *kozak, cds, get_part("SPA"), itrs[1]]
        return full
    if vector.name == "scAAV":
        return [get_part("AAV2_ITR_5"), *unit, get_part("SPA"), get_part("AAV2_ITR_3")]
    if vector.family == "lentivirus":
        head = [get_part(n) for n in ("HIV1_5LTR", "HIV1_psi", "RRE", "cPPT")]
        if erythroid:  # gene against the vector genome: its polyA cannot truncate vector RNA
            block = [DesignElement(p, reverse=True) for p in reversed([*unit, polya])]
            return [*head, *block, get_part("HIV1_3LTR_SIN")]
        return [*head, *unit, get_part("WPRE"), get_part("HIV1_3LTR_SIN")]
    if vector.family == "gammaretrovirus":
        return [get_part("MoMLV_5LTR"), get_part("MoMLV_psi"), *kozak, cds, get_part("MoMLV_3LTR")]
    if vector.name == "LNP-mRNA":
        return [*kozak, cds]
    return [*prom, get_part("chimeric_intron"), *kozak, cds, polya]


def design_cassette(
    transgene: Transgene,
    *,
    vector: str,
    tissue: str | None = None,
    promoter: str | None = None,
    layout: Sequence[str] | None = None,
    extra_parts: Sequence[Part] = (),
    name: str | None = None,
) -> Cassette:
    """Design a cassette for ``transgene`` in ``vector`` for ``tissue``.

    ``layout`` overrides the default order with part names; ``"CDS"`` marks the transgene
    and a ``-`` prefix reverses a part (e.g. ``["HIV1_5LTR", "-HBB_3UTR_polyA", …]``);
    ``extra_parts`` (user parts) are found by name before the bundled library.
    """
    vec = get_vector(vector)
    cds = transgene_part(transgene)
    user = {p.name.lower(): p for p in extra_parts}
    if layout is not None:
        design: list[Part | DesignElement] = [_layout_item(i, cds, user) for i in layout]
    else:
        prom = _find(promoter, user) if promoter else None
        design = default_layout(vec, tissue, cds, promoter=prom)
    label = name or f"{transgene.name} {vec.name}" + (f" {tissue}" if tissue else "")
    return assemble_cassette(design, name=label, vector=vec.name, transgene=transgene,
                             tissue=tissue)  # fmt: skip


def _find(name: str, user: dict[str, Part]) -> Part:
    return user.get(name.strip().lower()) or get_part(name)


def _layout_item(item: str, cds: Part, user: dict[str, Part]) -> DesignElement:
    reverse = item.startswith("-")
    key = item.lstrip("-+").strip()
    part = cds if key.upper() == "CDS" else _find(key, user)
    return DesignElement(part, reverse)
