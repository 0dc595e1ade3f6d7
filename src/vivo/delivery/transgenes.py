"""Transgenes: bundled coding sequences and proteins, variants in HGVS or legacy numbering.

``get_transgene("F9", variant="R338L")`` applies factor IX Padua: short names without ``p.``
use the gene's legacy (mature-protein) numbering when it has one (F9: +46, so R338L is
p.Arg384Leu); ``p.``-prefixed names use HGVS numbering from the initiator Met.

Examples
--------
>>> tg = get_transgene("F9", variant="R338L")
>>> tg.hgvs_p, tg.protein[383]
('p.Arg384Leu', 'L')
>>> get_transgene("HBB", variant="T87Q").hgvs_p
'p.Thr88Gln'
>>> back_translate("MK*")
'ATGAAGTGA'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from importlib import resources
from typing import Final, Literal

from vivo.core.errors import InputError
from vivo.core.seq import GENETIC_CODE, THREE_LETTER, translate, validate_dna, validate_protein
from vivo.genome.fasta_format import parse_fasta_text
from vivo.variants.legacy import legacy_offset

__all__ = [
    "HUMAN_PREFERRED_CODONS",
    "TRANSGENES",
    "Transgene",
    "apply_protein_variant",
    "back_translate",
    "get_transgene",
    "make_transgene",
    "validate_cds",
]

#: Most frequent human codon per amino acid (Kazusa codon-usage database, Homo sapiens, as
#: shipped in python_codon_tables ``h_sapiens_9606``; Nakamura et al. 2000, NAR 28:292).
HUMAN_PREFERRED_CODONS: Final[dict[str, str]] = {
    "*": "TGA", "A": "GCC", "C": "TGC", "D": "GAC", "E": "GAG", "F": "TTC", "G": "GGC",
    "H": "CAC", "I": "ATC", "K": "AAG", "L": "CTG", "M": "ATG", "N": "AAC", "P": "CCC",
    "Q": "CAG", "R": "AGA", "S": "AGC", "T": "ACC", "V": "GTG", "W": "TGG", "Y": "TAC",
}  # fmt: skip
_ONE: Final[dict[str, str]] = {v.upper(): k for k, v in THREE_LETTER.items()}
_VARIANT = re.compile(r"^(p\.)?([A-Z][a-z]{2}|[A-Z])(\d+)([A-Z][a-z]{2}|[A-Z]|\*)$")

CdsOrigin = Literal["native", "back_translated", "optimized", "user", "none"]


@dataclass(frozen=True, slots=True)
class Transgene:
    """A transgene: protein (no stop), CDS (with stop) when known, and its length."""

    gene: str
    protein: str | None
    cds: str | None
    length_bp: int
    cds_origin: CdsOrigin
    variant: str | None = None
    hgvs_p: str | None = None
    sources: tuple[str, ...] = ()
    notes: str = ""

    @property
    def name(self) -> str:
        """``F9 R338L`` style label."""
        return f"{self.gene} {self.variant}" if self.variant else self.gene

    @property
    def is_placeholder(self) -> bool:
        """True when neither CDS nor protein is known (size only)."""
        return self.cds is None and self.protein is None

    def with_cds(self, cds: str, *, origin: CdsOrigin) -> Transgene:
        """The same transgene with a new CDS (validated to encode :attr:`protein`)."""
        checked = validate_cds(cds, what=f"{self.gene} CDS")
        if self.protein is not None and translate(checked)[:-1] != self.protein:
            raise InputError(f"the new {self.gene} CDS does not encode the transgene's protein")
        return replace(self, cds=checked, length_bp=len(checked), cds_origin=origin)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view."""
        return {
            "gene": self.gene,
            "variant": self.variant,
            "hgvs_p": self.hgvs_p,
            "protein_length_aa": len(self.protein) if self.protein else None,
            "cds_length_bp": self.length_bp,
            "cds_origin": self.cds_origin,
            "placeholder": self.is_placeholder,
            "sources": list(self.sources),
            "notes": self.notes,
        }


def validate_cds(cds: str, *, what: str = "CDS") -> str:
    """Upper-case ``cds`` and check it: whole codons, ATG start, one stop at the end.

    Raises
    ------
    InputError
        Naming what is wrong (length, start, internal stop with its codon number).
    """
    seq = validate_dna(cds.strip(), what=what).upper().replace("U", "T")
    if len(seq) % 3:
        raise InputError(
            f"{what} is {len(seq)} nt, not a multiple of 3",
            hint="check the reading frame: a CDS runs from ATG to the stop codon inclusive",
        )
    protein = translate(seq)
    if not seq.startswith("ATG"):
        raise InputError(f"{what} starts with {seq[:3]!r}, not ATG")
    stops = [i + 1 for i, aa in enumerate(protein[:-1]) if aa == "*"]
    if stops:
        raise InputError(
            f"{what} has an internal stop codon at codon {stops[0]} ({len(stops)} in all)",
            hint="an internal stop truncates the protein; check the sequence and frame",
        )
    if not protein.endswith("*"):
        raise InputError(f"{what} does not end with a stop codon", hint="append TAA, TAG or TGA")
    return seq


def back_translate(protein: str) -> str:
    """DNA using the most frequent human codon for each residue (a start for optimisation)."""
    prot = validate_protein(protein)
    bad = sorted({aa for aa in prot if aa not in HUMAN_PREFERRED_CODONS})
    if bad:
        raise InputError(f"cannot back-translate residues {''.join(bad)}")
    return "".join(HUMAN_PREFERRED_CODONS[aa] for aa in prot)


def _aa(code: str) -> str:
    return code if len(code) == 1 else _ONE.get(code.upper(), "?")


def apply_protein_variant(gene: str, protein: str, variant: str) -> tuple[str, int, str]:
    """Apply a substitution to ``protein``; return (new protein, 1-based HGVS position, p.)."""
    m = _VARIANT.match(variant.strip())
    if m is None:
        raise InputError(
            f"cannot read the protein variant {variant!r}",
            hint="use a substitution such as R338L (legacy numbering) or p.Arg384Leu (HGVS)",
        )
    hgvs_style, ref, num, alt = m.group(1), _aa(m.group(2)), int(m.group(3)), _aa(m.group(4))
    if "?" in (ref, alt):
        raise InputError(f"unknown amino acid in {variant!r}")
    legacy = legacy_offset(gene)
    offset = legacy[0] if (legacy and not hgvs_style) else 0
    pos = num + offset
    if not 1 <= pos <= len(protein) or protein[pos - 1] != ref:
        found = protein[pos - 1] if 1 <= pos <= len(protein) else f"past the {len(protein)}-aa end"
        scheme = f"legacy numbering (+{offset})" if offset else "HGVS numbering"
        raise InputError(
            f"{gene} {variant}: residue {pos} (by {scheme}) is {found}, not {ref}",
            hint="write p.<Ref><pos><Alt> for HGVS numbering from the initiator Met, or the "
            "short form for the gene's legacy numbering",
        )
    hgvs = f"p.{THREE_LETTER[ref]}{pos}{THREE_LETTER[alt]}"
    return protein[: pos - 1] + alt + protein[pos:], pos, hgvs


def _best_codon(old: str, aa: str) -> str:
    """The codon for ``aa`` closest to ``old`` (fewest changes; ties: human preferred)."""
    options = [c for c, a in GENETIC_CODE.items() if a == aa]
    preferred = HUMAN_PREFERRED_CODONS.get(aa, "")
    return min(
        options, key=lambda c: (sum(x != y for x, y in zip(c, old, strict=True)), c != preferred, c)
    )


def _mutate_cds(cds: str, pos: int, alt: str) -> str:
    i = 3 * (pos - 1)
    return cds[:i] + _best_codon(cds[i : i + 3], alt) + cds[i + 3 :]


@functools.cache
def _bundled() -> dict[str, str]:
    text = (resources.files("vivo.delivery") / "data" / "transgenes.fa").read_text("utf-8")
    # DNA and protein records: the one FASTA parser (vivo.genome) with any letters allowed
    records = parse_fasta_text(text, where="vivo/delivery/data/transgenes.fa", alphabet="protein")
    return {r.name: r.sequence for r in records}


def _hbb() -> Transgene:
    cds = _bundled()["HBB_cds"]
    return Transgene("HBB", translate(cds)[:-1], cds, len(cds), "native", sources=("U01317",),
                     notes="native beta-globin CDS (cDNA, no introns)")  # fmt: skip


def _f9() -> Transgene:
    prot = _bundled()["P00740"]
    return Transgene("F9", prot, None, 3 * len(prot) + 3, "none", sources=("UniProt P00740",),
                     notes="protein only (no citable native CDS bundled): back-translate or "
                     "codon-optimise")  # fmt: skip


def _dmd() -> Transgene:
    return Transgene("DMD", None, None, 3 * 3685 + 3, "none", sources=("UNVERIFIED",),
                     notes="full-length dystrophin (Dp427m, UniProt P11532, 3,685 aa): size "
                     "only, not bundled; length from UniProt, unverified here")  # fmt: skip


def _micro_dmd() -> Transgene:
    # 138 kDa (Mendell et al. 2020, JAMA Neurol 77:1122, doi:10.1001/jamaneurol.2020.1484);
    # residues estimated at the average 110 Da per amino acid: 138,000 / 110 = 1,255 aa.
    residues = round(138_000 / 110)
    return Transgene("DMD", None, None, 3 * residues + 3, "none",
                     sources=("Mendell2020 doi:10.1001/jamaneurol.2020.1484",),
                     notes="micro-dystrophin of delandistrogene moxeparvovec (Elevidys): "
                     "N-terminus, R1-R3, R24, H1/H3/H4, cysteine-rich domain; 138 kDa, size "
                     "only (length estimated at 110 Da per residue), sequence not bundled",
                     variant="micro-dystrophin")  # fmt: skip


#: gene → builder of the bundled transgene.
TRANSGENES: Final = {"HBB": _hbb, "F9": _f9, "DMD": _dmd}
#: (gene, engineered form) → builder: shortened transgenes that fit one AAV
ENGINEERED: Final = {("DMD", "micro-dystrophin"): _micro_dmd}


def get_transgene(gene: str, *, variant: str | None = None) -> Transgene:
    """A bundled transgene, with an optional amino-acid substitution applied."""
    key = gene.strip().upper()
    if key not in TRANSGENES:
        raise InputError(
            f"no bundled transgene {gene!r}",
            hint=f"bundled: {', '.join(TRANSGENES)}; pass your own CDS or protein instead",
        )
    if variant is not None and (key, variant.strip().lower()) in ENGINEERED:
        return ENGINEERED[(key, variant.strip().lower())]()
    tg = TRANSGENES[key]()
    if variant is None:
        return tg
    if tg.protein is None:
        raise InputError(f"{key} is size-only here: a variant cannot be applied")
    protein, pos, hgvs = apply_protein_variant(key, tg.protein, variant)
    cds = _mutate_cds(tg.cds, pos, protein[pos - 1]) if tg.cds else None
    return replace(tg, protein=protein, cds=cds, variant=variant.strip(), hgvs_p=hgvs)


def make_transgene(
    gene: str, *, cds: str | None = None, protein: str | None = None, source: str | None = None
) -> Transgene:
    """A user transgene from a CDS (checked: frame, start, stops) or from a protein; ``source``
    names where a native CDS came from (e.g. a genome's annotation) instead of "user"."""
    if cds:
        seq = validate_cds(cds, what=f"{gene} CDS")
        origin: CdsOrigin = "native" if source else "user"
        return Transgene(gene, translate(seq)[:-1], seq, len(seq), origin,
                         sources=(source or "user",))  # fmt: skip
    if protein:
        prot = validate_protein(protein.strip().rstrip("*"), what=f"{gene} protein")
        if "*" in prot:
            raise InputError(f"{gene} protein has an internal stop (*) at {prot.index('*') + 1}")
        return Transgene(gene, prot, None, 3 * len(prot) + 3, "none", sources=("user",))
    raise InputError(f"transgene {gene!r} needs a CDS or a protein sequence")
