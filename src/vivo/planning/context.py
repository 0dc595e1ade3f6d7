"""The facts the strategy rules read, resolved once from the question and the knowledge base."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from vivo.knowledge.diseases import Disease, Mechanism
from vivo.planning.plan import PatientFacts, TherapyQuestion, VariantFacts

__all__ = ["TISSUE_KEYWORDS", "Context", "TissueClass", "classify_tissue", "make_context"]

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
    """Map a free-text tissue to the class the rules use.

    >>> classify_tissue("bone marrow (erythroid lineage)"), classify_tissue("Liver")
    ('blood', 'liver')
    """
    t = text.lower()
    for cls, words in TISSUE_KEYWORDS:
        if any(w in t for w in words):
            return cls
    return "other"


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
