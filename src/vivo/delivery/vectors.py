"""Vector platforms as data: capacity, integration, cell-cycle needs, risks, sources.

Capacities follow the team's delivery digest (§1-2): each vector names what its capacity is
measured on (``capacity_scope``), a soft limit above which packaging or titre drops (warning)
and, where one is published, a hard limit above which the design fails (error).

Examples
--------
>>> get_vector("AAV").name
'ssAAV'
>>> check_capacity("ssAAV", 4300).status
'pass'
>>> check_capacity("ssAAV", 4850).status
'warn'
>>> check_capacity("ssAAV", 11300).status
'fail'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from vivo.core.errors import InputError

__all__ = [
    "VECTORS",
    "CapacityCheck",
    "CapacityScope",
    "Vector",
    "check_capacity",
    "get_vector",
    "list_vectors",
]

CapacityScope = Literal["itr_to_itr", "between_itrs", "internal_cassette", "insert"]
Level = Literal["none", "low", "medium", "high"]
Status = Literal["pass", "warn", "fail"]

_SCOPE_TEXT: Final[dict[str, str]] = {
    "itr_to_itr": "ITR-to-ITR length (ITRs included)",
    "between_itrs": "unique transgene between the ITRs (one copy)",
    "internal_cassette": "internal cassette (promoter + transgene + elements between the LTRs)",
    "insert": "foreign insert",
}


@dataclass(frozen=True, slots=True)
class Vector:
    """One delivery platform.

    ``soft_limit_bp`` is where titre or packaging starts to drop (warning), ``hard_limit_bp``
    the size above which the vector cannot carry the design (``None``: no published hard limit).
    """

    name: str
    family: Literal["aav", "lentivirus", "gammaretrovirus", "adenovirus", "hsv", "nonviral"]
    genome: str
    capacity_scope: CapacityScope
    soft_limit_bp: int | None
    hard_limit_bp: int | None
    capacity_note: str
    integrating: bool
    transduces_nondividing: bool
    immunogenicity: Level
    insertional_risk: Level
    use: tuple[Literal["in_vivo", "ex_vivo"], ...]
    risks: str
    sources: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    unverified: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view."""
        return {
            "name": self.name,
            "family": self.family,
            "genome": self.genome,
            "capacity_scope": self.capacity_scope,
            "soft_limit_bp": self.soft_limit_bp,
            "hard_limit_bp": self.hard_limit_bp,
            "capacity_note": self.capacity_note,
            "integrating": self.integrating,
            "transduces_nondividing": self.transduces_nondividing,
            "immunogenicity": self.immunogenicity,
            "insertional_risk": self.insertional_risk,
            "use": list(self.use),
            "risks": self.risks,
            "sources": list(self.sources),
            "unverified": list(self.unverified),
        }


_V: Final[tuple[Vector, ...]] = (
    Vector(
        "ssAAV", "aav", "~4.7 kb single-stranded DNA", "itr_to_itr", 4700, 5000,
        "~4.7 kb including ITRs; packaging efficiency drops above ~4.4 kb of insert; over 5 kb "
        "genomes are truncated or heterogeneous",
        False, True, "low", "low", ("in_vivo",),
        "pre-existing neutralising antibodies; dose-dependent liver, cardiac and complement "
        "toxicity; capsid-specific T-cell responses; episomal genomes are diluted by division",
        ("V1", "V2", "V5", "V22", "V21"), aliases=("AAV", "rAAV"),
    ),
    Vector(
        "scAAV", "aav", "self-complementary (dimeric inverted repeat) DNA", "between_itrs",
        2200, 2500,
        "about half of ssAAV: ~2.2 kb of unique transgene (warning above), < 2.5 kb",
        False, True, "medium", "low", ("in_vivo",),
        "stronger TLR9-dependent innate response in liver than ssAAV; faster expression",
        ("V12", "V13", "V14", "V17"),
    ),
    Vector(
        "lentivirus", "lentivirus", "~9.7 kb ssRNA (HIV-1-based, SIN)", "internal_cassette",
        7500, None,
        "~7.5 kb for promoter + transgene (9.0 kb between LTRs); titre falls with length, no "
        "absolute limit (measurable titre above 18 kb proviral length)",
        True, True, "low", "medium", ("ex_vivo", "in_vivo"),
        "insertional mutagenesis (lower with SIN designs than with γ-retrovirus)",
        ("V2", "V3", "V7", "V8", "V15"), aliases=("LV", "lenti", "lentiviral", "SIN-LV"),
    ),
    Vector(
        "gammaretrovirus", "gammaretrovirus", "9.2 kb ssRNA (MLV-based)", "internal_cassette",
        8000, None, "< 8 kb",
        True, False, "low", "high", ("ex_vivo",),
        "transduces dividing cells only; insertional oncogenesis (LMO2 in the SCID-X1 trial, "
        "MDS1/EVI1 insertions)",
        ("V2", "V15", "V16", "V24"), aliases=("RV", "retrovirus", "gamma-retrovirus", "MLV"),
    ),
    Vector(
        "adenovirus", "adenovirus", "~36 kb dsDNA (E1/E3-deleted, first generation)", "insert",
        7500, 8000, "~7.5-8 kb",
        False, True, "high", "none", ("in_vivo",),
        "high immunogenicity, prevalent pre-existing immunity, transient expression; CMV "
        "promoter silenced by methylation",
        ("V1", "V2", "V3", "V4", "V20"), aliases=("Ad", "Ad5", "first-generation adenovirus"),
    ),
    Vector(
        "HDAd", "adenovirus", "helper-dependent ('gutless') adenovirus", "insert",
        30000, 37000, "~30-37 kb ('up to 35 kb', 'up to 37 kb', '~30 kb')",
        False, True, "low", "none", ("in_vivo",),
        "lower immunogenicity and toxicity than earlier generations; production needs a helper",
        ("V9", "V10", "V11"), aliases=("helper-dependent adenovirus", "gutless"),
    ),
    Vector(
        "HSV", "hsv", "~152 kb dsDNA (HSV-1)", "insert", 30000, 50000,
        "~30-50 kb for replication-defective vectors",
        False, True, "medium", "none", ("in_vivo",),
        "neurotropic; wild-type virus is a health risk; approved as oncolytic and topical vectors",
        ("V3", "V4"), aliases=("HSV-1",),
    ),
    Vector(
        "plasmid", "nonviral", "naked or formulated plasmid DNA", "insert", None, None,
        "no fixed packaging limit", False, True, "medium", "low", ("in_vivo", "ex_vivo"),
        "innate sensing of DNA; low delivery efficiency in vivo",
        ("UNVERIFIED",), aliases=("non-viral", "nonviral", "DNA"),
        unverified=("capacity", "integration", "cell cycle", "immunogenicity"),
    ),
    Vector(
        "LNP-mRNA", "nonviral", "mRNA in lipid nanoparticles", "insert", None, None,
        "no fixed packaging limit", False, True, "medium", "none", ("in_vivo", "ex_vivo"),
        "innate sensing of RNA; transient expression, repeat dosing possible",
        ("UNVERIFIED",), aliases=("LNP", "mRNA"),
        unverified=("capacity", "integration", "cell cycle", "immunogenicity"),
    ),
)  # fmt: skip

#: canonical name → vector.
VECTORS: Final[dict[str, Vector]] = {v.name: v for v in _V}
_ALIASES: Final[dict[str, str]] = {key.lower(): v.name for v in _V for key in (v.name, *v.aliases)}


def list_vectors() -> list[Vector]:
    """Every vector of the catalog, in catalog order."""
    return list(_V)


def get_vector(name: str) -> Vector:
    """Look a vector up by name or alias (case-insensitive).

    Raises
    ------
    InputError
        For an unknown name, listing the known ones.
    """
    key = _ALIASES.get(name.strip().lower())
    if key is None:
        raise InputError(
            f"unknown vector {name!r}",
            hint=f"known vectors: {', '.join(VECTORS)} (aliases such as AAV, LV, RV work too)",
        )
    return VECTORS[key]


@dataclass(frozen=True, slots=True)
class CapacityCheck:
    """The result of checking one payload length against one vector."""

    vector: str
    scope: str
    payload_bp: int
    soft_limit_bp: int | None
    hard_limit_bp: int | None
    status: Status
    message: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view."""
        return {
            "vector": self.vector,
            "scope": self.scope,
            "payload_bp": self.payload_bp,
            "soft_limit_bp": self.soft_limit_bp,
            "hard_limit_bp": self.hard_limit_bp,
            "status": self.status,
            "message": self.message,
        }


def check_capacity(vector: str | Vector, payload_bp: int) -> CapacityCheck:
    """Check ``payload_bp`` (measured on the vector's ``capacity_scope``) against its limits.

    Above the hard limit: ``fail``; above the soft limit: ``warn`` with the numbers;
    otherwise ``pass`` with the room left.
    """
    vec = vector if isinstance(vector, Vector) else get_vector(vector)
    if payload_bp < 0:
        raise InputError(f"payload length must be >= 0 bp, got {payload_bp}")
    scope = _SCOPE_TEXT[vec.capacity_scope]
    status: Status = "pass"
    if vec.hard_limit_bp is not None and payload_bp > vec.hard_limit_bp:
        status = "fail"
        over = payload_bp - vec.hard_limit_bp
        msg = (
            f"{scope} is {payload_bp:,} bp, {over:,} bp over the {vec.name} hard limit of "
            f"{vec.hard_limit_bp:,} bp ({vec.capacity_note})"
        )
    elif vec.soft_limit_bp is not None and payload_bp > vec.soft_limit_bp:
        status = "warn"
        hard = f", hard limit {vec.hard_limit_bp:,} bp" if vec.hard_limit_bp else ""
        msg = (
            f"{scope} is {payload_bp:,} bp, above the {vec.name} soft limit of "
            f"{vec.soft_limit_bp:,} bp{hard}: expect lower titre or packaging "
            f"({vec.capacity_note})"
        )
    elif vec.soft_limit_bp is not None:
        msg = (
            f"{scope} is {payload_bp:,} bp, {vec.soft_limit_bp - payload_bp:,} bp under the "
            f"{vec.name} limit of {vec.soft_limit_bp:,} bp"
        )
    else:
        msg = f"{scope} is {payload_bp:,} bp; {vec.name} has no fixed packaging limit"
    return CapacityCheck(
        vec.name, vec.capacity_scope, payload_bp, vec.soft_limit_bp, vec.hard_limit_bp, status, msg
    )
