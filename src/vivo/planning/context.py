"""The facts the strategy rules read, resolved once from the question and the knowledge base."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from vivo.core.errors import InputError
from vivo.knowledge.diseases import Disease, Mechanism
from vivo.planning.plan import PatientFacts, TherapyQuestion, VariantFacts

__all__ = [
    "TISSUE_KEYWORDS",
    "TISSUE_TERMS",
    "Context",
    "TissueClass",
    "classify_tissue",
    "make_context",
    "validate_tissue",
]

TissueClass = Literal["blood", "liver", "retina", "cns", "muscle", "skin", "other"]

TISSUE_KEYWORDS: tuple[tuple[TissueClass, tuple[str, ...]], ...] = (
    ("blood", ("bone marrow", "blood", "hsc", "hematopoietic", "erythroid", "lymph", "marrow")),
    ("liver", ("liver", "hepat")),
    ("retina", ("retina", "eye", "photoreceptor", "rpe")),
    ("cns", ("nervous", "brain", "cns", "neuron", "putamen", "striatum", "spinal")),
    ("muscle", ("muscle", "myo", "cardiac", "heart")),
    ("skin", ("skin", "kerat", "epiderm")),
)

# Genes whose complete loss is tolerated, so a plain knockout treats a gain-of-function disease.
KNOCKOUT_TOLERATED = frozenset({"TTR", "PCSK9"})


def classify_tissue(text: str) -> TissueClass:
    """Map a free-text tissue (a disease record's target tissue) to the class the rules use.

    >>> classify_tissue("bone marrow (erythroid lineage)"), classify_tissue("Liver")
    ('blood', 'liver')
    """
    t = text.lower()
    for cls, words in TISSUE_KEYWORDS:
        if any(w in t for w in words):
            return cls
    return "other"


#: the words a user may pass as ``--tissue`` (each maps to one class)
TISSUE_TERMS: dict[str, TissueClass] = {
    "blood": "blood", "bone marrow": "blood", "marrow": "blood", "hsc": "blood",
    "hematopoietic stem cells": "blood", "erythroid": "blood", "lymphocytes": "blood",
    "liver": "liver", "hepatocytes": "liver",
    "retina": "retina", "eye": "retina", "rpe": "retina", "photoreceptors": "retina",
    "cns": "cns", "brain": "cns", "spinal cord": "cns", "neurons": "cns", "putamen": "cns",
    "muscle": "muscle", "skeletal muscle": "muscle", "heart": "muscle", "cardiac muscle": "muscle",
    "skin": "skin", "keratinocytes": "skin", "epidermis": "skin",
}  # fmt: skip


def validate_tissue(text: str) -> str:
    """Check a user's ``--tissue`` against :data:`TISSUE_TERMS`; return it normalised.

    A typo never silently changes the plan (``bonemarow`` once turned an ex vivo plan into an in
    vivo one): an unknown word is an :class:`InputError` with a did-you-mean.

    >>> validate_tissue(" Bone Marrow ")
    'bone marrow'
    """
    key = " ".join(text.lower().split())
    if key in TISSUE_TERMS:
        return key
    close = difflib.get_close_matches(key, list(TISSUE_TERMS), n=3, cutoff=0.6)
    hint = (
        f"did you mean {' or '.join(close)}?"
        if close
        else (f"known tissues: {', '.join(TISSUE_TERMS)}")
    )
    raise InputError(f"unknown tissue {text!r}", hint=hint)


@dataclass(frozen=True, slots=True)
class Context:
    """Resolved facts: mechanism, tissue class, transgene size, variants, patient."""

    gene: str
    disease: Disease | None
    mechanism: Mechanism
    mechanism_assumed: bool
    dominant: bool
    tissue: TissueClass
    tissue_label: str
    cds_length_bp: int
    compensating: tuple[str, ...]
    knockout_tolerated: bool
    variants: tuple[VariantFacts, ...]
    patient: PatientFacts
    sequence_available: bool

    @property
    def first_variant(self) -> VariantFacts | None:
        """The first variant of the question, if any."""
        return self.variants[0] if self.variants else None

    def needs_text(self) -> str:
        """What sequence the design engines need when the genome in use lacks the gene."""
        if self.sequence_available:
            return ""
        return (
            f"genomic sequence of {self.gene} with its annotation (for example the {self.gene} "
            "region of GRCh38 as FASTA, 2bit or GenBank plus a GTF/GFF3); pass --genome and "
            "--annotation"
        )


def make_context(q: TherapyQuestion, disease: Disease | None) -> Context:
    """Resolve the question against the disease record (if any)."""
    mechanism: Mechanism = disease.mechanism if disease else "loss_of_function"
    tissue_label = q.tissue or (disease.target_tissue if disease else "")
    return Context(
        gene=q.gene.upper(),
        disease=disease,
        mechanism=mechanism,
        mechanism_assumed=disease is None,
        dominant=bool(disease and disease.is_dominant),
        tissue=classify_tissue(tissue_label),
        tissue_label=tissue_label or "unknown",
        cds_length_bp=disease.cds_length_bp if disease else 0,
        compensating=disease.compensating_genes if disease else (),
        knockout_tolerated=q.gene.upper() in KNOCKOUT_TOLERATED,
        variants=q.variants,
        patient=q.patient,
        sequence_available=q.sequence_available,
    )
