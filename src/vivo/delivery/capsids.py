"""AAV capsids and target tissues as data: tropism, immunity notes, approved examples.

Tropism depends on species, route and dose (AAV8 was 19x more efficient on murine than on human
hepatocytes in humanised-liver mice [A4]); every claim here is a starting point, not a promise.

Examples
--------
>>> [c.name for c in capsids_for_tissue("liver")][:3]
['AAV8', 'AAV5', 'AAVRh74var']
>>> get_tissue("Liver").setting
'in_vivo'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from vivo.core.errors import InputError

__all__ = [
    "CAPSIDS",
    "TISSUES",
    "Capsid",
    "Tissue",
    "capsids_for_tissue",
    "get_capsid",
    "get_tissue",
]


@dataclass(frozen=True, slots=True)
class Capsid:
    """An AAV capsid: tissues it transduces well (best first), examples and immunity notes."""

    name: str
    tropism: tuple[str, ...]
    examples: str
    immunity: str
    sources: tuple[str, ...]
    species_note: str = "tropism reported mostly in mice and NHP; human tropism may differ [A10]"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view."""
        return {
            "name": self.name,
            "tropism": list(self.tropism),
            "examples": self.examples,
            "immunity": self.immunity,
            "species_note": self.species_note,
            "sources": list(self.sources),
        }


_NAB = "pre-existing neutralising antibodies are common; screen patients"
CAPSIDS: Final[dict[str, Capsid]] = {
    c.name: c
    for c in (
        Capsid("AAV1", ("muscle", "heart", "cns"), "Glybera (IM, LPL)", _NAB,
               ("A1", "A2", "P-GLY-IM")),
        Capsid("AAV2", ("retina", "liver", "cns", "muscle"),
               "Luxturna (subretinal, RPE65); Upstaza/Kebilidi (putamen, DDC)",
               "high neutralising-antibody prevalence", ("A1", "A2", "A7", "A8", "A11")),
        Capsid("AAV3B", ("liver",), "engineered AAV3-ST best on human hepatocytes in "
               "humanised mice", _NAB, ("A1", "A4")),
        Capsid("AAV5", ("retina", "lung", "cns", "liver"),
               "Roctavian, Hemgenix (IV, liver promoter)",
               "lower cross-reactivity with other serotypes' antibodies (see simulation.md §3)",
               ("A1", "A2", "A7", "A9")),
        Capsid("AAV6", ("muscle", "heart", "lung"), "–", _NAB, ("A1", "A2", "E9")),
        Capsid("AAV8", ("liver", "muscle", "heart", "retina"), "haemophilia B trials", _NAB,
               ("A1", "A2", "A4"),
               species_note="19x more efficient on murine than on human hepatocytes [A4]"),
        Capsid("AAV9", ("cns", "heart", "muscle", "lung", "liver"),
               "Zolgensma (IV, scAAV9, SMN1); crosses the blood-brain barrier after IV", _NAB,
               ("A1", "A2", "A7")),
        Capsid("AAVrh10", ("cns", "lung", "heart", "muscle", "liver"),
               "LYS-GM101 (GM1 gangliosidosis) trial", _NAB, ("A2", "A3")),
        Capsid("AAVrh74", ("muscle",), "Elevidys (IV, micro-dystrophin)",
               "lower seroprevalence in DMD patients", ("A7", "P-ELE-MHCK7")),
        Capsid("AAVRh74var", ("liver",), "Beqvez (IV, FIX)", _NAB, ("P-BEQ-EPR",)),
        Capsid("AAV-LK03", ("liver",), "engineered human-hepatocyte capsid, liver trials", _NAB,
               ("A5",)),
    )
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Tissue:
    """A target tissue or cell type and what it implies for vector choice."""

    name: str
    setting: Literal["in_vivo", "ex_vivo"]
    dividing: bool
    description: str
    aliases: tuple[str, ...] = ()


TISSUES: Final[dict[str, Tissue]] = {
    t.name: t
    for t in (
        Tissue("liver", "in_vivo", False, "hepatocytes (IV)", ("hepatocyte", "hepatic")),
        Tissue("muscle", "in_vivo", False, "skeletal muscle", ("skeletal_muscle", "skeletal")),
        Tissue("heart", "in_vivo", False, "cardiomyocytes", ("cardiac",)),
        Tissue("cns", "in_vivo", False, "brain and spinal cord", ("brain", "neuron", "neurons")),
        Tissue("retina", "in_vivo", False, "photoreceptors and RPE", ("eye", "rpe")),
        Tissue("lung", "in_vivo", False, "airway epithelium", ("airway",)),
        Tissue("erythroid", "ex_vivo", True, "HSC-derived erythroid lineage (ex vivo HSC)",
               ("hsc_erythroid", "red_cell")),
        Tissue("hsc", "ex_vivo", True, "haematopoietic stem cells (ex vivo)", ("cd34",)),
        Tissue("t_cell", "ex_vivo", True, "T cells (ex vivo, e.g. CAR-T)", ("t-cell", "tcell")),
    )
}  # fmt: skip
_TISSUE_ALIASES: Final[dict[str, str]] = {
    a: t.name for t in TISSUES.values() for a in (t.name, *t.aliases)
}


def get_tissue(name: str) -> Tissue:
    """Look a target tissue up (case-insensitive, aliases allowed); unknown → InputError."""
    key = _TISSUE_ALIASES.get(name.strip().lower().replace(" ", "_"))
    if key is None:
        raise InputError(f"unknown tissue {name!r}", hint=f"known tissues: {', '.join(TISSUES)}")
    return TISSUES[key]


def get_capsid(name: str) -> Capsid:
    """Look a capsid up by name (case-insensitive); unknown → InputError listing the known."""
    for cap in CAPSIDS.values():
        if cap.name.lower() == name.strip().lower():
            return cap
    raise InputError(f"unknown capsid {name!r}", hint=f"known capsids: {', '.join(CAPSIDS)}")


def capsids_for_tissue(tissue: str) -> list[Capsid]:
    """Capsids reported to transduce ``tissue``, those listing it first ranked first."""
    t = get_tissue(tissue).name
    hits = [c for c in CAPSIDS.values() if t in c.tropism]
    # Approved/clinical liver capsids first in declaration order of preference.
    preferred = {"liver": ["AAV8", "AAV5", "AAVRh74var"], "muscle": ["AAVrh74", "AAV9"]}
    order = preferred.get(t, [])
    return sorted(
        hits,
        key=lambda c: (
            order.index(c.name) if c.name in order else len(order),
            c.tropism.index(t),
        ),
    )
