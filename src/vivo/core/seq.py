"""Nucleotide and protein sequence vocabulary: validation, reverse complement, translation.

Sequences are plain ``str`` values. Case carries meaning (lowercase = soft-masked) and is
preserved by :func:`reverse_complement`.

Examples
--------
>>> reverse_complement("ACGTn")
'nACGT'
>>> translate("ATGGTGCACTAA")
'MVH*'
>>> gc_content("GGCA")
0.75
"""

from __future__ import annotations

import re
from typing import Final, Literal

from vivo.core.errors import InputError

__all__ = [
    "AMINO_ACIDS",
    "DNA_IUPAC",
    "GENETIC_CODE",
    "IUPAC_CODES",
    "THREE_LETTER",
    "complement",
    "gc_content",
    "iupac_matches",
    "iupac_regex",
    "reverse_complement",
    "to_rna",
    "translate",
    "validate_dna",
    "validate_protein",
]

#: IUPAC nucleotide codes and the bases each stands for (NC-IUB 1984).
IUPAC_CODES: Final[dict[str, str]] = {
    "A": "A", "C": "C", "G": "G", "T": "T", "U": "T",
    "R": "AG", "Y": "CT", "S": "CG", "W": "AT", "K": "GT", "M": "AC",
    "B": "CGT", "D": "AGT", "H": "ACT", "V": "ACG", "N": "ACGT",
}  # fmt: skip
DNA_IUPAC: Final[frozenset[str]] = frozenset(
    "".join(IUPAC_CODES) + "".join(IUPAC_CODES).lower() + "-"
)
_COMPLEMENT: Final[dict[str, str]] = {
    "A": "T", "C": "G", "G": "C", "T": "A", "U": "A",
    "R": "Y", "Y": "R", "S": "S", "W": "W", "K": "M", "M": "K",
    "B": "V", "V": "B", "D": "H", "H": "D", "N": "N", "-": "-",
}  # fmt: skip
_TABLE: Final = str.maketrans(
    "".join(_COMPLEMENT) + "".join(_COMPLEMENT).lower(),
    "".join(_COMPLEMENT.values()) + "".join(_COMPLEMENT.values()).lower(),
)

_BASES = "TCAG"
_AA_ORDER = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
#: The standard genetic code (NCBI translation table 1), DNA codons to one-letter amino acids.
GENETIC_CODE: Final[dict[str, str]] = {
    a + b + c: _AA_ORDER[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES)
    for j, b in enumerate(_BASES)
    for k, c in enumerate(_BASES)
}
#: The 20 standard amino acids plus selenocysteine (U), pyrrolysine (O) and stop (*).
AMINO_ACIDS: Final[str] = "ACDEFGHIKLMNPQRSTVWYUO*"
#: One-letter to three-letter amino-acid codes as used by HGVS p. notation.
THREE_LETTER: Final[dict[str, str]] = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "U": "Sec",
    "O": "Pyl", "*": "Ter", "X": "Xaa",
}  # fmt: skip


def validate_dna(seq: str, *, what: str = "sequence", allow_gaps: bool = False) -> str:
    """Return ``seq`` unchanged if every letter is an IUPAC nucleotide code, else raise.

    Raises
    ------
    InputError
        Naming the first offending character and its 1-based position.
    """
    for i, ch in enumerate(seq):
        if ch not in DNA_IUPAC or (ch == "-" and not allow_gaps):
            raise InputError(
                f"{what} has a non-IUPAC character {ch!r} at position {i + 1}",
                hint="use A, C, G, T or the IUPAC ambiguity codes R Y S W K M B D H V N",
            )
    return seq


def validate_protein(seq: str, *, what: str = "protein") -> str:
    """Return ``seq`` (upper-cased) if every letter is an amino-acid code, else raise."""
    up = seq.upper()
    for i, ch in enumerate(up):
        if ch not in AMINO_ACIDS and ch != "X":
            raise InputError(
                f"{what} has a non-amino-acid character {ch!r} at position {i + 1}",
                hint="use the one-letter codes ACDEFGHIKLMNPQRSTVWY (and * for stop)",
            )
    return up


def complement(seq: str) -> str:
    """Complement each base, keeping case and IUPAC ambiguity."""
    return seq.translate(_TABLE)


def reverse_complement(seq: str) -> str:
    """Reverse complement, keeping case (soft-masking) and IUPAC ambiguity codes."""
    return seq.translate(_TABLE)[::-1]


def to_rna(seq: str) -> str:
    """DNA to RNA (T to U, case kept)."""
    return seq.replace("T", "U").replace("t", "u")


def gc_content(seq: str) -> float:
    """Fraction of G+C among unambiguous bases (0.0 for a sequence without any)."""
    up = seq.upper()
    acgt = sum(up.count(b) for b in "ACGT")
    if acgt == 0:
        return 0.0
    return (up.count("G") + up.count("C")) / acgt


def translate(
    seq: str,
    *,
    to_stop: bool = False,
    partial: Literal["error", "ignore"] = "error",
) -> str:
    """Translate DNA (or RNA) with the standard code.

    Codons with ambiguous bases translate to ``X``. A trailing partial codon raises an
    :class:`InputError` unless ``partial="ignore"``. With ``to_stop`` translation ends
    before the first stop codon, otherwise stops appear as ``*``.
    """
    up = seq.upper().replace("U", "T")
    if len(up) % 3 and partial == "error":
        raise InputError(
            f"cannot translate a sequence of {len(up)} nt: not a multiple of 3",
            hint="trim the sequence to whole codons or pass partial='ignore'",
        )
    out: list[str] = []
    for i in range(0, len(up) - len(up) % 3, 3):
        aa = GENETIC_CODE.get(up[i : i + 3], "X")
        if aa == "*" and to_stop:
            break
        out.append(aa)
    return "".join(out)


def iupac_regex(pattern: str) -> str:
    """A regular expression (character classes) matching the IUPAC ``pattern`` on ACGT text."""
    validate_dna(pattern, what="IUPAC pattern")
    return "".join(
        ch if len(IUPAC_CODES[ch]) == 1 else f"[{IUPAC_CODES[ch]}]"
        for ch in pattern.upper().replace("U", "T")
    )


def iupac_matches(pattern: str, seq: str) -> bool:
    """True if ``seq`` (same length) matches the IUPAC ``pattern`` base by base."""
    if len(pattern) != len(seq):
        return False
    return re.fullmatch(iupac_regex(pattern), seq.upper()) is not None
