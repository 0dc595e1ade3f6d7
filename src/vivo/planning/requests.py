"""Typed design requests: what one design engine should produce for a strategy option.

One frozen dataclass per design engine (guides, off-targets, donor, base editing, prime
editing, cassette, simulation). The strategy rules build them; the dossier
(:mod:`vivo.workflows.dossier`) dispatches on their type, so every parameter arrives typed (no
strings parsed back into numbers). Each has ``engine`` (the engine name), ``purpose`` (the
sentence the dossier shows), ``gene``, ``needs`` (the sequence the engine would need when the
genome in use lacks ``gene``; empty when it needs none) and a ``region`` label.

``to_dict`` gives the plan.json ``designs`` entry: ``engine``, ``purpose``, ``gene``, ``region``,
``needs`` and the engine's own fields under ``params`` (JSON numbers, strings or null).

The names end in *Design* as the design they ask for; the engines' results live elsewhere
(:class:`vivo.editing.donors.DonorDesign` is a designed donor, :class:`DonorDesign` here asks
for one).

>>> GuideDesign(purpose="guides at the variant", gene="HBB", site="variant", window_bp=40).to_dict()
... # doctest: +NORMALIZE_WHITESPACE
{'engine': 'guides', 'purpose': 'guides at the variant', 'gene': 'HBB', 'region': 'variant',
 'params': {'site': 'variant', 'window_bp': 40, 'upstream_bp': 0, 'downstream_bp': 0,
            'allele': None, 'nuclease': 'SpCas9'}, 'needs': ''}
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Literal, TypeAlias

from vivo.core.errors import InputError

__all__ = [
    "AsoDesign",
    "AsoMode",
    "BaseEditDesign",
    "CarDesign",
    "CassetteDesign",
    "CollectionDesign",
    "DesignRequest",
    "DonorDesign",
    "DoseDesign",
    "EditorKind",
    "GuideDesign",
    "GuideSite",
    "OffTargetDesign",
    "PrimeEditDesign",
    "SimulationDesign",
    "SimulationKind",
    "SirnaDesign",
    "SirnaRegion",
    "SpacerSource",
    "VectorKind",
]

GuideSite = Literal["variant", "promoter", "early_exons"]
SpacerSource = Literal["guides", "donor", "base_editing", "prime_editing"]
VectorKind = Literal["AAV", "LV", "RV", "HSV", "Ad"]
SimulationKind = Literal["hsc", "aav", "car-t", "pk"]
EditorKind = Literal["ABE", "CBE"]
SirnaRegion = Literal["cds", "3utr", "any"]
AsoMode = Literal["gapmer", "skip", "include"]

_BASE_FIELDS = frozenset({"purpose", "gene", "needs"})


@dataclass(frozen=True, slots=True, kw_only=True)
class _Design:
    """Fields every design request has."""

    engine: ClassVar[str]
    purpose: str
    gene: str
    needs: str = ""

    def __post_init__(self) -> None:
        if not self.purpose.strip():
            raise ValueError(f"{type(self).__name__}: purpose must not be empty")
        if not self.gene.strip():
            raise ValueError(f"{type(self).__name__}: gene must not be empty")

    @property
    def region(self) -> str:
        """Where the engine works, for people (``"variant"``, ``"HBG1 promoter"``, ``"CDS"``)."""
        return ""

    def params(self) -> dict[str, Any]:
        """The engine's own fields, JSON-ready."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _BASE_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        """The plan.json ``designs`` entry."""
        return {
            "engine": self.engine,
            "purpose": self.purpose,
            "gene": self.gene,
            "region": self.region,
            "params": self.params(),
            "needs": self.needs,
        }


def _positive(name: str, value: float | None) -> None:
    """Patient facts come from the user: a bad one is an InputError."""
    if value is not None and not (math.isfinite(value) and value > 0):
        raise InputError(
            f"{name} must be a finite number > 0, got {value}", hint="e.g. --weight 70"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class GuideDesign(_Design):
    """Nuclease guides around the variant, in a gene's promoter or in its early coding exons.

    ``site="variant"`` takes a window of ``window_bp`` centred on the variant (``allele="mutant"``
    keeps only guides that exist on the mutant allele: the variant in the protospacer or in the
    PAM's fixed bases); ``site="promoter"`` takes ``upstream_bp`` before and ``downstream_bp``
    after the transcription start of ``gene``; ``site="early_exons"`` the first two coding exons.
    """

    engine: ClassVar[Literal["guides"]] = "guides"
    site: GuideSite
    window_bp: int | None = None
    upstream_bp: int = 0
    downstream_bp: int = 0
    allele: Literal["mutant"] | None = None
    nuclease: str = "SpCas9"

    def __post_init__(self) -> None:
        _Design.__post_init__(self)
        if self.site == "variant":
            if self.window_bp is None or self.window_bp < 1:
                raise ValueError(f"variant guides need window_bp >= 1, got {self.window_bp}")
        elif self.window_bp is not None or self.allele is not None:
            raise ValueError("window_bp and allele apply to variant guides only")
        if self.site == "promoter":
            if min(self.upstream_bp, self.downstream_bp) < 0 or not (
                self.upstream_bp + self.downstream_bp
            ):
                raise ValueError(
                    "promoter guides need upstream_bp/downstream_bp >= 0, not both 0, got "
                    f"{self.upstream_bp}/{self.downstream_bp}"
                )
        elif self.upstream_bp or self.downstream_bp:
            raise ValueError("upstream_bp and downstream_bp apply to promoter guides only")

    @property
    def region(self) -> str:
        """``"variant"``, ``"<gene> promoter"`` or ``"early exons"``."""
        if self.site == "promoter":
            return f"{self.gene} promoter"
        return self.site.replace("_", " ")


@dataclass(frozen=True, slots=True, kw_only=True)
class OffTargetDesign(_Design):
    """Off-target sites of the best ``top_n`` spacers of the option's ``source`` design of
    ``gene`` (≤ ``max_mismatches`` mismatches)."""

    engine: ClassVar[Literal["offtargets"]] = "offtargets"
    source: SpacerSource
    top_n: int = 3
    max_mismatches: int = 4

    def __post_init__(self) -> None:
        _Design.__post_init__(self)
        if self.top_n < 1:
            raise ValueError(f"top_n must be >= 1, got {self.top_n}")
        if not 0 <= self.max_mismatches <= 6:
            raise ValueError(f"max_mismatches must lie in 0..6, got {self.max_mismatches}")

    @property
    def region(self) -> str:
        """Which spacers are searched."""
        return f"top {self.source.replace('_', ' ')} spacers of {self.gene}"


@dataclass(frozen=True, slots=True, kw_only=True)
class DonorDesign(_Design):
    """A nuclease cut near the variant plus a donor template that restores the normal sequence
    (with a PAM- or seed-blocking silent change)."""

    engine: ClassVar[Literal["donor"]] = "donor"
    nuclease: str = "SpCas9"

    @property
    def region(self) -> str:
        """Always the variant."""
        return "variant"


@dataclass(frozen=True, slots=True, kw_only=True)
class BaseEditDesign(_Design):
    """Base-editing guides for an ``editor`` kind (ABE or CBE).

    ``target`` is ``"revert"`` (turn the patient allele back into the reference) or the coding
    edit made on the patient allele when it gives a known benign variant instead
    (``"c.20T>C"``: HbS to Hb G-Makassar).
    """

    engine: ClassVar[Literal["base_editing"]] = "base_editing"
    editor: EditorKind
    target: str = "revert"

    def __post_init__(self) -> None:
        _Design.__post_init__(self)
        if self.target != "revert" and not self.target.startswith("c."):
            raise ValueError(f"target must be 'revert' or a c. edit, got {self.target!r}")

    @property
    def region(self) -> str:
        """Always the variant."""
        return "variant"


@dataclass(frozen=True, slots=True, kw_only=True)
class PrimeEditDesign(_Design):
    """pegRNAs (and PE3 nicking guides) that write ``target`` (the reference allele back)."""

    engine: ClassVar[Literal["prime_editing"]] = "prime_editing"
    target: Literal["revert"] = "revert"

    @property
    def region(self) -> str:
        """Always the variant."""
        return "variant"


@dataclass(frozen=True, slots=True, kw_only=True)
class CassetteDesign(_Design):
    """An expression cassette for ``gene`` in a ``vector`` with a promoter for ``tissue``.

    ``transgene_variant`` names an engineered protein variant (``"T87Q"``: the anti-sickling
    beta-globin of Lyfgenia); ``None`` is the natural protein.
    """

    engine: ClassVar[Literal["cassette"]] = "cassette"
    vector: VectorKind
    tissue: str | None = None
    transgene_variant: str | None = None

    @property
    def region(self) -> str:
        """The coding sequence."""
        return "CDS"


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulationDesign(_Design):
    """A calibrated treatment-course simulation (``kind`` model of ``product``).

    ``product=None`` means no calibrated model exists for the gene (the dossier says so);
    ``disease``, ``weight_kg`` and ``cd34_per_kg`` are the patient's, when known.
    """

    engine: ClassVar[Literal["simulation"]] = "simulation"
    kind: SimulationKind
    product: str | None = None
    disease: str | None = None
    weight_kg: float | None = None
    cd34_per_kg: float | None = None

    def __post_init__(self) -> None:
        _Design.__post_init__(self)
        _positive("patient weight (kg)", self.weight_kg)
        _positive("CD34+ cell dose (cells/kg)", self.cd34_per_kg)


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectionDesign(_Design):
    """The cell collection, manufacturing and dose plan of an autologous HSC ``product``
    (:func:`vivo.cells.manufacturing.plan_collection`) for the patient's weight and age."""

    engine: ClassVar[Literal["collection"]] = "collection"
    product: str
    disease: str | None = None
    weight_kg: float | None = None
    age_years: float | None = None

    def __post_init__(self) -> None:
        _Design.__post_init__(self)
        if not self.product.strip():
            raise ValueError("CollectionDesign: product must not be empty")
        _positive("patient weight (kg)", self.weight_kg)

    @property
    def region(self) -> str:
        """No sequence region: a cell product."""
        return "cells"


@dataclass(frozen=True, slots=True, kw_only=True)
class CarDesign(_Design):
    """A CAR construct for ``target`` with the architecture of ``product`` (its hinge,
    costimulatory domain and vector family), designed by :mod:`vivo.workflows.car`."""

    engine: ClassVar[Literal["car"]] = "car"
    target: str
    product: str
    binder: str | None = None  # a bundled binder (vivo.cells.car); None: the product's is not
    leader: Literal["CD8a", "GM-CSFRa"] = "CD8a"
    hinge: Literal["CD8a", "CD28", "IgG4-short"] = "CD8a"
    tm: Literal["CD8a", "CD28"] | None = None  # None: the hinge's own
    costim: Literal["4-1BB", "CD28"] = "4-1BB"
    safety_switch: Literal["none", "EGFRt"] = "none"  # EGFRt: a tag co-expressed after a 2A
    vector: Literal["lentivirus", "gamma-retrovirus"] = "lentivirus"

    @property
    def region(self) -> str:
        """The engineered receptor."""
        return "CAR"


@dataclass(frozen=True, slots=True, kw_only=True)
class DoseDesign(_Design):
    """The label dose of a CAR-T ``product`` for ``indication`` at the patient's weight and age
    (:func:`vivo.cells.manufacturing.car_t_dose`)."""

    engine: ClassVar[Literal["dose"]] = "dose"
    product: str
    indication: str
    weight_kg: float | None = None
    age_years: float | None = None

    def __post_init__(self) -> None:
        _Design.__post_init__(self)
        _positive("patient weight (kg)", self.weight_kg)

    @property
    def region(self) -> str:
        """No sequence region: a cell product."""
        return "cells"


@dataclass(frozen=True, slots=True, kw_only=True)
class SirnaDesign(_Design):
    """siRNA duplexes against the ``gene``'s mRNA (:mod:`vivo.rna`), ``target_region`` of the
    mature transcript, the best ``top_n`` with their off-targets and a chemistry proposal;
    ``conjugate`` is the delivery of the option's precedent (GalNAc for hepatocytes, LNP);
    ``allele="mutant"`` asks for duplexes that cover the patient's variant or a linked SNP."""

    engine: ClassVar[Literal["sirna"]] = "sirna"
    target_region: SirnaRegion = "cds"
    top_n: int = 5
    conjugate: Literal["GalNAc", "LNP", "none"] = "GalNAc"
    allele: Literal["mutant"] | None = None
    precedent: str | None = None  # an approved siRNA to compare with (brand)

    def __post_init__(self) -> None:
        _Design.__post_init__(self)
        if not 1 <= self.top_n <= 50:
            raise ValueError(f"top_n must lie in 1..50, got {self.top_n}")

    @property
    def region(self) -> str:
        """The mRNA region the duplexes target."""
        return {"cds": "CDS", "3utr": "3'UTR", "any": "mRNA"}[self.target_region]


@dataclass(frozen=True, slots=True, kw_only=True)
class AsoDesign(_Design):
    """Antisense oligonucleotides (:mod:`vivo.rna`): RNase H ``gapmer`` against the transcript,
    or splice-switching oligos that make the spliceosome ``skip`` or ``include`` ``exons``;
    ``chemistry`` is the precedent's (e.g. ``"uniform 2'-MOE"``, ``"PMO"``, ``"5-10-5 2'-MOE
    gapmer"``) and ``precedent`` the approved drug whose site the dossier compares with.

    ``exons`` holds every exon of the skip, 5' to 3': a multi-exon skip (e.g. 45+51) needs one
    oligo per exon, given together as a cocktail (Aartsma-Rus 2009). ``exon`` is the first of
    them (plan.json 1.2 readers); give either, the other is filled in."""

    engine: ClassVar[Literal["aso"]] = "aso"
    mode: AsoMode
    exon: int | None = None
    exons: tuple[int, ...] = ()
    top_n: int = 5
    chemistry: str = ""
    precedent: str | None = None
    allele: Literal["mutant"] | None = None

    def __post_init__(self) -> None:
        _Design.__post_init__(self)
        if self.exons and self.exon is None:
            object.__setattr__(self, "exon", self.exons[0])
        elif self.exon is not None and not self.exons:
            object.__setattr__(self, "exons", (self.exon,))
        if self.mode in ("skip", "include"):
            if not self.exons or any(n < 1 for n in self.exons):
                raise ValueError(f"{self.mode} oligos need exon numbers >= 1, got {self.exons}")
            if self.exon != self.exons[0] or len(set(self.exons)) != len(self.exons):
                raise ValueError(f"exon {self.exon} must be the first of distinct {self.exons}")
        elif self.exon is not None or self.exons:
            raise ValueError("exons apply to splice-switching (skip/include) oligos only")
        if not 1 <= self.top_n <= 50:
            raise ValueError(f"top_n must lie in 1..50, got {self.top_n}")

    def params(self) -> dict[str, Any]:
        """The engine's own fields, JSON-ready (``exons`` as a list)."""
        return {**_Design.params(self), "exons": list(self.exons)}

    @property
    def region(self) -> str:
        """``"exon 51"`` (``"exons 50+51"``) for splice switching, ``"transcript"`` for
        gapmers."""
        if len(self.exons) > 1:
            return "exons " + "+".join(str(n) for n in self.exons)
        return f"exon {self.exon}" if self.exon is not None else "transcript"


DesignRequest: TypeAlias = (
    GuideDesign
    | OffTargetDesign
    | DonorDesign
    | BaseEditDesign
    | PrimeEditDesign
    | CassetteDesign
    | SimulationDesign
    | CollectionDesign
    | CarDesign
    | DoseDesign
    | SirnaDesign
    | AsoDesign
)
"""Any design request (dispatch on its type, or read ``engine``)."""
