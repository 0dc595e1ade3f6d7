"""Nuclease catalog: PAMs, PAM side, spacer lengths and cut positions.

A :class:`Nuclease` describes how an RNA-guided nuclease finds and cuts its target:

- ``pam``: the canonical PAM as an IUPAC pattern, written 5'->3' on the protospacer
  (non-target) strand;
- ``pam_side``: ``"3prime"`` when the PAM follows the protospacer (Cas9 family),
  ``"5prime"`` when it precedes it (Cas12a family);
- ``cut_offset`` / ``cut_offset_other``: where the two strands are cut, counted in bases
  from the protospacer's 5' end on the protospacer strand. A value ``k`` means the cut lies
  between protospacer positions ``k`` and ``k + 1`` (1-based). SpCas9 with a 20-nt spacer
  cuts both strands between positions 17 and 18 (blunt, 3 bp 5' of the PAM); Cas12a cuts
  the protospacer strand after base 18 and the other strand after base 23 (5-nt 5'
  overhang, distal to the PAM).

Cut offsets are given for the default spacer length; for other lengths the cut keeps its
distance from the PAM (see :meth:`Nuclease.cut_offsets`).

Examples
--------
>>> sp = get_nuclease("spcas9")
>>> sp.name, sp.pam, sp.pam_side, sp.cut_offset
('SpCas9', 'NGG', '3prime', 17)
>>> sp.cut_offsets(22)
(19, 19)
>>> get_nuclease("AsCas12a").cut_offsets()
(18, 23)
>>> custom_nuclease(name="MyCas", pam="NNAGAAW", pam_side="3prime", spacer_length=20).pam
'NNAGAAW'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from vivo.core.errors import InputError
from vivo.core.provenance import Citation
from vivo.core.seq import IUPAC_CODES

__all__ = [
    "MAX_SPACER_LENGTH",
    "MIN_SPACER_LENGTH",
    "NUCLEASES",
    "Nuclease",
    "PamSide",
    "custom_nuclease",
    "get_nuclease",
    "nuclease_names",
]

PamSide = Literal["3prime", "5prime"]
#: Shortest and longest spacer a user-defined nuclease may have.
MIN_SPACER_LENGTH = 16
MAX_SPACER_LENGTH = 30


@dataclass(frozen=True, slots=True)
class Nuclease:
    """An RNA-guided nuclease: PAM, PAM side, spacer lengths, cut offsets and sources.

    Attributes
    ----------
    name:
        Display name, e.g. ``"SpCas9"``.
    pam:
        Canonical IUPAC PAM, 5'->3' on the protospacer strand (``"NGG"``, ``"TTTV"``).
    pam_side:
        ``"3prime"`` (PAM after the protospacer) or ``"5prime"`` (before it).
    spacer_length:
        Default spacer length in nt.
    spacer_range:
        Allowed spacer lengths, inclusive.
    cut_offset:
        Cut on the protospacer strand, in bases from the protospacer's 5' end, for the
        default spacer length (SpCas9: 17).
    cut_offset_other:
        The same for the complementary strand (equal to ``cut_offset`` for blunt cutters).
    alt_pams:
        Non-canonical PAMs and their activity relative to the canonical PAM.
    citations:
        Sources for the PAM, spacer length and cut position.
    family:
        ``"cas9"`` or ``"cas12a"`` (or ``"custom"``): which on-target models may apply.
    notes:
        Free text shown to users.
    """

    name: str
    pam: str
    pam_side: PamSide
    spacer_length: int
    spacer_range: tuple[int, int]
    cut_offset: int
    cut_offset_other: int
    alt_pams: tuple[tuple[str, float], ...] = ()
    citations: tuple[Citation, ...] = ()
    family: str = "custom"
    notes: str = ""
    aliases: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        _check_pam(self.pam, what=f"PAM of {self.name}")
        for alt, activity in self.alt_pams:
            _check_pam(alt, what=f"alternative PAM of {self.name}")
            if len(alt) != len(self.pam):
                raise InputError(
                    f"alternative PAM {alt!r} of {self.name} has {len(alt)} nt, "
                    f"the canonical PAM {self.pam!r} has {len(self.pam)}"
                )
            if not 0.0 <= activity <= 1.0:
                raise InputError(f"relative activity of PAM {alt!r} must be in [0, 1]")
        if self.pam_side not in ("3prime", "5prime"):
            raise InputError(
                f"PAM side {self.pam_side!r} of {self.name} is unknown",
                hint="use '3prime' (Cas9-like) or '5prime' (Cas12a-like)",
            )
        lo, hi = self.spacer_range
        if not (MIN_SPACER_LENGTH <= lo <= self.spacer_length <= hi <= MAX_SPACER_LENGTH):
            raise InputError(
                f"spacer lengths of {self.name} must satisfy "
                f"{MIN_SPACER_LENGTH} <= min <= default <= max <= {MAX_SPACER_LENGTH}, "
                f"got default {self.spacer_length} and range {lo}-{hi}"
            )
        for off in (self.cut_offset, self.cut_offset_other):
            if not 0 <= off <= self.spacer_length + len(self.pam) + 10:
                raise InputError(f"cut offset {off} of {self.name} is out of range")

    @property
    def is_blunt(self) -> bool:
        """True when both strands are cut at the same place."""
        return self.cut_offset == self.cut_offset_other

    def check_spacer_length(self, length: int | None) -> int:
        """``length`` (or the default when ``None``) if allowed, else an :class:`InputError`."""
        if length is None:
            return self.spacer_length
        lo, hi = self.spacer_range
        if not lo <= length <= hi:
            raise InputError(
                f"spacer length {length} is out of range for {self.name}",
                hint=f"use {lo}-{hi} nt (default {self.spacer_length})",
            )
        return length

    def cut_offsets(self, spacer_length: int | None = None) -> tuple[int, int]:
        """Cut offsets (protospacer strand, other strand) for a spacer of ``spacer_length``.

        The cut keeps its distance from the PAM: a 3'-PAM nuclease moves its cut with the
        spacer's 3' end, a 5'-PAM nuclease keeps it fixed from the 5' end.
        """
        length = self.check_spacer_length(spacer_length)
        if self.pam_side == "5prime":
            return self.cut_offset, self.cut_offset_other
        shift = length - self.spacer_length
        return self.cut_offset + shift, self.cut_offset_other + shift

    def pam_activity(self, pam: str) -> float | None:
        """Relative activity of a genomic PAM: 1 for the canonical PAM, the listed value for
        an alternative PAM, ``None`` if it matches neither."""
        from vivo.core.seq import iupac_matches

        if iupac_matches(self.pam, pam):
            return 1.0
        for alt, activity in self.alt_pams:
            if iupac_matches(alt, pam):
                return activity
        return None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready description."""
        return {
            "name": self.name,
            "pam": self.pam,
            "pam_side": self.pam_side,
            "spacer_length": self.spacer_length,
            "spacer_range": list(self.spacer_range),
            "cut_offset": self.cut_offset,
            "cut_offset_other": self.cut_offset_other,
            "alt_pams": [{"pam": p, "relative_activity": a} for p, a in self.alt_pams],
            "family": self.family,
            "citations": [c.formatted() for c in self.citations],
            "notes": self.notes,
        }


def _check_pam(pam: str, *, what: str) -> None:
    if not pam:
        raise InputError(f"{what} is empty", hint="give an IUPAC pattern such as NGG or TTTV")
    bad = [ch for ch in pam.upper() if ch not in IUPAC_CODES or ch == "U"]
    if bad or pam != pam.upper():
        raise InputError(
            f"{what} {pam!r} is not an upper-case IUPAC DNA pattern",
            hint="use the letters A C G T R Y S W K M B D H V N, e.g. NGG or TTTV",
        )
    if len(pam) > 12:
        raise InputError(f"{what} {pam!r} is longer than 12 nt")


# --- sources -------------------------------------------------------------------------------
_RAN2013 = Citation(
    key="Ran2013",
    authors="Ran FA, Hsu PD, Wright J, Agarwala V, Scott DA, Zhang F",
    title="Genome engineering using the CRISPR-Cas9 system",
    journal="Nat Protoc",
    year=2013,
    doi="10.1038/nprot.2013.143",
)
_JINEK2012 = Citation(
    key="Jinek2012",
    authors="Jinek M, Chylinski K, Fonfara I, Hauer M, Doudna JA, Charpentier E",
    title="A programmable dual-RNA-guided DNA endonuclease in adaptive bacterial immunity",
    journal="Science",
    year=2012,
    doi="10.1126/science.1225829",
)
_DOENCH2016 = Citation(
    key="Doench2016",
    authors="Doench JG, Fusi N, Sullender M, et al.",
    title="Optimized sgRNA design to maximize activity and minimize off-target effects of "
    "CRISPR-Cas9",
    journal="Nat Biotechnol",
    year=2016,
    doi="10.1038/nbt.3437",
)
_NISHIMASU2018 = Citation(
    key="Nishimasu2018",
    authors="Nishimasu H, Shi X, Ishiguro S, et al.",
    title="Engineered CRISPR-Cas9 nuclease with expanded targeting space",
    journal="Science",
    year=2018,
    doi="10.1126/science.aas9129",
)
_WALTON2020 = Citation(
    key="Walton2020",
    authors="Walton RT, Christie KA, Whittaker MN, Kleinstiver BP",
    title="Unconstrained genome targeting with near-PAMless engineered CRISPR-Cas9 variants",
    journal="Science",
    year=2020,
    doi="10.1126/science.aba8853",
)
_RAN2015 = Citation(
    key="Ran2015",
    authors="Ran FA, Cong L, Yan WX, et al.",
    title="In vivo genome editing using Staphylococcus aureus Cas9",
    journal="Nature",
    year=2015,
    doi="10.1038/nature14299",
)
_KLEINSTIVER2015 = Citation(
    key="Kleinstiver2015",
    authors="Kleinstiver BP, Prew MS, Tsai SQ, et al.",
    title="Broadening the targeting range of Staphylococcus aureus CRISPR-Cas9 by modifying "
    "PAM recognition",
    journal="Nat Biotechnol",
    year=2015,
    doi="10.1038/nbt.3404",
)
_ZETSCHE2015 = Citation(
    key="Zetsche2015",
    authors="Zetsche B, Gootenberg JS, Abudayyeh OO, et al.",
    title="Cpf1 is a single RNA-guided endonuclease of a class 2 CRISPR-Cas system",
    journal="Cell",
    year=2015,
    doi="10.1016/j.cell.2015.09.038",
)
_KLEINSTIVER2019 = Citation(
    key="Kleinstiver2019",
    authors="Kleinstiver BP, Sousa AA, Walton RT, et al.",
    title="Engineered CRISPR-Cas12a variants with increased activities and improved targeting "
    "ranges for gene, epigenetic and base editing",
    journal="Nat Biotechnol",
    year=2019,
    doi="10.1038/s41587-018-0011-0",
)

#: SpCas9 non-canonical PAMs: CFD PAM weights of Doench et al. 2016 (NAG, NGA).
_SPCAS9_ALT = (("NAG", 0.259259259), ("NGA", 0.069444444))

_CATALOG: tuple[Nuclease, ...] = (
    Nuclease(
        name="SpCas9", pam="NGG", pam_side="3prime", spacer_length=20, spacer_range=(17, 24),
        cut_offset=17, cut_offset_other=17, alt_pams=_SPCAS9_ALT,
        citations=(_JINEK2012, _RAN2013, _DOENCH2016), family="cas9", aliases=("Cas9",),
        notes="blunt cut 3 bp 5' of the PAM; NAG/NGA activities are CFD PAM weights",
    ),
    Nuclease(
        name="SpCas9-NG", pam="NG", pam_side="3prime", spacer_length=20, spacer_range=(17, 24),
        cut_offset=17, cut_offset_other=17, citations=(_NISHIMASU2018,), family="cas9",
        aliases=("SpCas9NG",), notes="engineered SpCas9 with relaxed NG PAM",
    ),
    Nuclease(
        name="SpRY", pam="NRN", pam_side="3prime", spacer_length=20, spacer_range=(17, 24),
        cut_offset=17, cut_offset_other=17, alt_pams=(("NYN", 0.5),),
        citations=(_WALTON2020,), family="cas9", aliases=("SpCas9-SpRY",),
        notes="near-PAMless: NRN preferred; NYN listed at 0.5 as an indicative, unpublished "
        "weight (Walton 2020 reports NYN as lower but substantial activity)",
    ),
    Nuclease(
        name="SaCas9", pam="NNGRRT", pam_side="3prime", spacer_length=21, spacer_range=(20, 24),
        cut_offset=18, cut_offset_other=18, citations=(_RAN2015,), family="cas9",
        notes="small Cas9 (fits AAV); blunt cut 3 bp 5' of the PAM",
    ),
    Nuclease(
        name="SaCas9-KKH", pam="NNNRRT", pam_side="3prime", spacer_length=21,
        spacer_range=(20, 24), cut_offset=18, cut_offset_other=18,
        citations=(_KLEINSTIVER2015,), family="cas9", aliases=("KKH-SaCas9",),
        notes="SaCas9 E782K/N968K/R1015H with relaxed NNNRRT PAM",
    ),
    Nuclease(
        name="AsCas12a", pam="TTTV", pam_side="5prime", spacer_length=23, spacer_range=(20, 25),
        cut_offset=18, cut_offset_other=23, citations=(_ZETSCHE2015,), family="cas12a",
        aliases=("AsCpf1", "Cas12a", "Cpf1"),
        notes="staggered cut: after base 18 (protospacer strand) and 23 (target strand)",
    ),
    Nuclease(
        name="LbCas12a", pam="TTTV", pam_side="5prime", spacer_length=23, spacer_range=(20, 25),
        cut_offset=18, cut_offset_other=23, citations=(_ZETSCHE2015,), family="cas12a",
        aliases=("LbCpf1",),
        notes="staggered cut: after base 18 (protospacer strand) and 23 (target strand)",
    ),
    Nuclease(
        name="enAsCas12a", pam="TTYN", pam_side="5prime", spacer_length=23,
        spacer_range=(20, 25), cut_offset=18, cut_offset_other=23,
        alt_pams=(("VTTV", 1.0), ("TRTV", 1.0)), citations=(_KLEINSTIVER2019,),
        family="cas12a", aliases=("enAsCpf1",),
        notes="AsCas12a E174R/S542R/K548R; TTYN, VTTV and TRTV PAMs (activity not ranked)",
    ),
)  # fmt: skip

#: Built-in nucleases by name.
NUCLEASES: Mapping[str, Nuclease] = MappingProxyType({n.name: n for n in _CATALOG})
_BY_KEY: dict[str, Nuclease] = {key.lower(): n for n in _CATALOG for key in (n.name, *n.aliases)}


def nuclease_names() -> list[str]:
    """Names of the built-in nucleases, in catalog order."""
    return list(NUCLEASES)


def get_nuclease(name: str | Nuclease) -> Nuclease:
    """The built-in nuclease called ``name`` (case-insensitive; aliases such as ``Cpf1``).

    Raises
    ------
    InputError
        Listing the known names when ``name`` is unknown.
    """
    if isinstance(name, Nuclease):
        return name
    found = _BY_KEY.get(name.strip().lower())
    if found is None:
        raise InputError(
            f"unknown nuclease {name!r}",
            hint="known: " + ", ".join(NUCLEASES) + "; or define one with a PAM, PAM side "
            "and spacer length",
        )
    return found


def custom_nuclease(
    *,
    name: str,
    pam: str,
    pam_side: str,
    spacer_length: int,
    spacer_range: tuple[int, int] | None = None,
    cut_offset: int | None = None,
    cut_offset_other: int | None = None,
    alt_pams: tuple[tuple[str, float], ...] = (),
    notes: str = "user-defined nuclease",
) -> Nuclease:
    """A user-defined nuclease: any IUPAC PAM on either side, spacer length 16-30.

    Without explicit cut offsets the cut is blunt, 3 bp from the PAM for a 3' PAM (as for
    Cas9), and Cas12a-like (after bases 18 and 23 counted from the PAM) for a 5' PAM.

    >>> n = custom_nuclease(name="x", pam="tttn", pam_side="5prime", spacer_length=20)
    >>> n.pam, n.cut_offset, n.cut_offset_other
    ('TTTN', 18, 23)
    """
    side = {"3": "3prime", "3prime": "3prime", "3'": "3prime", "5": "5prime",
            "5prime": "5prime", "5'": "5prime"}.get(pam_side.strip().lower())  # fmt: skip
    if side is None:
        raise InputError(
            f"unknown PAM side {pam_side!r}", hint="use 3prime (Cas9-like) or 5prime (Cas12a-like)"
        )
    if not MIN_SPACER_LENGTH <= spacer_length <= MAX_SPACER_LENGTH:
        raise InputError(
            f"spacer length {spacer_length} is out of range",
            hint=f"use {MIN_SPACER_LENGTH}-{MAX_SPACER_LENGTH} nt",
        )
    default_cut = (spacer_length - 3, spacer_length - 3) if side == "3prime" else (18, 23)
    first = default_cut[0] if cut_offset is None else cut_offset
    if cut_offset_other is not None:
        other = cut_offset_other
    else:
        other = first if cut_offset is not None else default_cut[1]
    return Nuclease(
        name=name,
        pam=pam.strip().upper().replace("U", "T"),
        pam_side=side,  # type: ignore[arg-type]
        spacer_length=spacer_length,
        spacer_range=spacer_range or (spacer_length, spacer_length),
        cut_offset=first,
        cut_offset_other=other,
        alt_pams=tuple((p.upper(), a) for p, a in alt_pams),
        family="custom",
        notes=notes,
    )
