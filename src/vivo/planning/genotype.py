"""The patient's genotype: which alleles, how many copies, and whether that makes disease.

Inheritance decides who is ill at all. A recessive disease needs two disease alleles (the same
one twice, homozygous, or two different ones, compound heterozygous); one allele makes a healthy
carrier. A dominant disease needs one. An X-linked recessive disease affects hemizygous males;
heterozygous females are carriers (some with mild symptoms from skewed X inactivation).

For genes with curated alleles (HBB) the genotype also names the disease: HbS twice is HbSS and
HbS with a beta0 allele is HbS/beta0-thalassemia (both sickle cell disease), two beta0 alleles
are beta-thalassemia, HbC twice needs no gene therapy. Elsewhere a null allele (nonsense,
frameshift, canonical splice site, start loss, exon or gene deletion) is classed as such from its
predicted consequence.

>>> from vivo.planning.plan import VariantFacts
>>> hbs = VariantFacts("HBB:c.20A>T", "substitution", "A", "T", consequence="missense")
>>> b0 = VariantFacts("HBB:c.118C>T", "substitution", "C", "T", consequence="nonsense")
>>> g = call_genotype("HBB", (hbs, b0), zygosity="unknown")
>>> g.name, g.zygosity, g.disease, g.status
('HbS/beta0-thalassemia', 'compound_heterozygous', 'sickle cell disease', 'affected')
>>> g = call_genotype("HBB", (hbs,), zygosity="heterozygous")
>>> g.name, g.status
('sickle cell trait (HbAS)', 'carrier')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from vivo.core.errors import InputError
from vivo.genome.annotation import Transcript
from vivo.knowledge.alleles import (
    allele_classes,
    disease_classes,
    find_allele,
    genotype_rule,
    trait,
)
from vivo.knowledge.diseases import Disease, diseases_for_gene
from vivo.knowledge.exons import (
    ExonChange,
    ExonTable,
    exon_change,
    exon_range_variant,
    exon_table_from_transcript,
    load_exon_table,
    parse_exon_range,
)
from vivo.knowledge.genes import lookup_gene
from vivo.knowledge.sources import Source
from vivo.planning.plan import Sex, VariantFacts, Zygosity
from vivo.variants.uncertain import format_uncertain, parse_uncertain

__all__ = [
    "NULL_CONSEQUENCES",
    "AlleleCall",
    "Genotype",
    "GenotypeStatus",
    "call_genotype",
    "check_zygosity",
    "exon_variant_hgvs",
    "is_x_linked",
    "status_for",
    "uncertain_exon_change",
    "uncertain_variant_facts",
]

GenotypeStatus = Literal["affected", "carrier", "not_indicated", "unresolved"]

#: predicted consequences that leave no functional product from the allele (a null allele)
NULL_CONSEQUENCES = frozenset(
    {
        "nonsense",
        "stop gained",
        "frameshift",
        "start lost",
        "start loss",
        "splice donor",
        "splice acceptor",
        "exon loss",
        "transcript ablation",
        "exon deletion, frameshift",
        "exon duplication, frameshift",
    }
)
#: what a null allele is called in the curated classes of a gene
_NULL_CLASS = {"HBB": "beta0"}


@dataclass(frozen=True, slots=True)
class AlleleCall:
    """One of the patient's alleles: its variant, class and where the class comes from."""

    hgvs: str
    allele_class: str
    basis: Literal["curated", "consequence", "unclassified"]
    name: str
    effect: str
    sources: tuple[Source, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "hgvs": self.hgvs,
            "allele_class": self.allele_class,
            "basis": self.basis,
            "name": self.name,
            "effect": self.effect,
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass(frozen=True, slots=True)
class Genotype:
    """The patient's genotype at one gene and what it means."""

    gene: str
    alleles: tuple[AlleleCall, ...]
    zygosity: Zygosity
    zygosity_assumed: bool
    name: str
    status: GenotypeStatus
    disease: str | None
    phenotype: str
    explanation: str
    sources: tuple[Source, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "gene": self.gene,
            "alleles": [a.to_dict() for a in self.alleles],
            "zygosity": self.zygosity,
            "zygosity_assumed": self.zygosity_assumed,
            "name": self.name,
            "status": self.status,
            "disease": self.disease,
            "phenotype": self.phenotype,
            "explanation": self.explanation,
            "sources": [s.to_dict() for s in self.sources],
        }


def classify_allele(gene: str, v: VariantFacts) -> AlleleCall:
    """Class of one variant: the curated table first, then the predicted consequence."""
    hit = find_allele(gene, v.hgvs)
    if hit is not None:
        return AlleleCall(
            v.hgvs, hit.allele_class, "curated", hit.names[0], hit.effect, hit.sources
        )
    if v.consequence in NULL_CONSEQUENCES:
        cls = _NULL_CLASS.get(gene, "null")
        return AlleleCall(
            v.hgvs, cls, "consequence", f"null allele ({v.consequence})",
            f"predicted {v.consequence}: no functional product from this allele",
        )  # fmt: skip
    effect = v.consequence or ("not interpreted" if not v.interpreted else v.kind)
    return AlleleCall(v.hgvs, "unknown", "unclassified", v.hgvs, effect)


def is_x_linked(gene: str, disease: Disease | None = None) -> bool | None:
    """Whether ``gene`` is on the X chromosome: from the disease when known, else from every
    disease of the gene, else from its HGNC location (``None`` when nothing says)."""
    if disease is not None:
        return disease.inheritance == "x_linked_recessive"
    candidates = diseases_for_gene(gene)
    if candidates:
        return all(d.inheritance == "x_linked_recessive" for d in candidates)
    rec = lookup_gene(gene)
    if rec is not None and rec.location:
        return rec.location.startswith("X")
    return None


def check_zygosity(
    variants: tuple[VariantFacts, ...], zygosity: Zygosity, *, x_linked: bool | None, sex: Sex
) -> None:
    """Refuse contradictory genotype input (one line each, with a hint)."""
    if len(variants) > 2:
        raise InputError(
            f"{len(variants)} variants given; a gene has two alleles",
            hint="give at most two variants (one per allele)",
        )
    if len(variants) == 2:
        if zygosity not in ("unknown", "compound_heterozygous"):
            raise InputError(
                f"two variants mean compound heterozygosity, not {zygosity}",
                hint="drop --zygosity, or give one variant with --zygosity homozygous",
            )
        if variants[0].hgvs == variants[1].hgvs:
            raise InputError(
                f"the same variant twice ({variants[0].hgvs})",
                hint="give it once with --zygosity homozygous",
            )
    if len(variants) == 1 and zygosity == "compound_heterozygous":
        raise InputError(
            "compound heterozygosity needs two variants", hint="give the second variant"
        )
    if zygosity == "hemizygous":
        if x_linked is False:
            raise InputError(
                "hemizygosity applies to X-linked genes in males, not to an autosomal gene",
                hint="use --zygosity homozygous or heterozygous",
            )
        if sex == "female":
            raise InputError(
                "a female patient is not hemizygous for an X-linked gene",
                hint="use --zygosity heterozygous or homozygous",
            )
    if x_linked and sex == "male" and (len(variants) == 2 or zygosity in (
        "heterozygous", "homozygous", "compound_heterozygous"
    )):  # fmt: skip
        raise InputError(
            "a male has one X chromosome: one allele of an X-linked gene, hemizygous",
            hint="give one variant with --zygosity hemizygous (or drop --zygosity)",
        )


def _assumed_zygosity(
    variants: tuple[VariantFacts, ...], inheritance: str | None, sex: Sex
) -> tuple[Zygosity, bool]:
    if len(variants) == 2:
        return "compound_heterozygous", False
    if inheritance == "autosomal_dominant":
        return "heterozygous", True
    if inheritance == "x_linked_recessive":
        return ("heterozygous" if sex == "female" else "hemizygous"), True
    return "homozygous", True  # recessive or unknown: the patient asks for therapy


def status_for(inheritance: str, zygosity: Zygosity) -> GenotypeStatus:
    """Affected or carrier, from the inheritance of the disease and the zygosity."""
    if inheritance == "autosomal_dominant":
        return "affected"
    if zygosity in ("homozygous", "compound_heterozygous", "hemizygous"):
        return "affected"
    return "carrier"


def call_genotype(
    gene: str,
    variants: tuple[VariantFacts, ...],
    *,
    zygosity: Zygosity,
    sex: Sex = "unknown",
    disease: Disease | None = None,
) -> Genotype:
    """The genotype the variants make, with the disease it causes when the table names one.

    ``disease`` is the disease already known (``--disease`` or the gene's only one); without it,
    curated genotype rules name the disease. ``status`` is ``unresolved`` when neither can.
    """
    g = gene.upper()
    inheritance = disease.inheritance if disease else None
    x_linked = is_x_linked(g, disease)
    check_zygosity(variants, zygosity, x_linked=x_linked, sex=sex)
    assumed = zygosity == "unknown"
    if assumed:
        zygosity, assumed = _assumed_zygosity(variants, inheritance, sex)
    calls = tuple(classify_allele(g, v) for v in variants)
    if allele_classes(g) and all(c.allele_class in allele_classes(g) for c in calls):
        return _curated(g, calls, zygosity, assumed, disease)
    if disease is None:
        return Genotype(
            g, calls, zygosity, assumed, _pair_name(calls, zygosity), "unresolved", None, "",
            "The variant is not a curated allele and its predicted consequence does not say "
            "which disease it causes.",
        )  # fmt: skip
    status = status_for(disease.inheritance, zygosity)
    return Genotype(
        g, calls, zygosity, assumed, _pair_name(calls, zygosity), status, disease.name,
        disease.name if status == "affected" else f"carrier of {disease.name}",
        _explain(disease.inheritance, zygosity, status, assumed),
        disease.sources,
    )  # fmt: skip


def _pair_name(calls: tuple[AlleleCall, ...], zygosity: Zygosity) -> str:
    if not calls:
        return ""
    if len(calls) == 2:
        return f"{calls[0].name} / {calls[1].name}"
    return f"{calls[0].name} ({zygosity.replace('_', ' ')})"


def _curated(
    gene: str,
    calls: tuple[AlleleCall, ...],
    zygosity: Zygosity,
    assumed: bool,
    disease: Disease | None,
) -> Genotype:
    a = calls[0].allele_class
    b = calls[1].allele_class if len(calls) == 2 else a
    if zygosity == "heterozygous":
        if disease is not None and a not in disease_classes(gene, disease.name):
            raise InputError(
                f"{gene} {calls[0].name} ({a}) is not an allele of {disease.name}",
                hint="check --disease against the patient's genotype",
            )
        t = trait(gene, a)
        name = t.name if t else f"{calls[0].name} carrier"
        return Genotype(
            gene, calls, zygosity, assumed, name, "carrier", None,
            t.note if t else "heterozygous carrier",
            _explain("autosomal_recessive", zygosity, "carrier", assumed),
            t.sources if t else calls[0].sources,
        )  # fmt: skip
    rule = genotype_rule(gene, a, b)
    if rule is None:
        raise InputError(
            f"{gene}: no curated genotype for {a}/{b}", hint="pass --disease to say which disease"
        )
    if disease is not None and rule.disease != disease.name:
        what = rule.disease or "no disease needing gene therapy"
        raise InputError(
            f"{gene} {_pair_name(calls, zygosity)} is {rule.name} ({what}), not {disease.name}",
            hint="check --disease against the patient's genotype",
        )
    status: GenotypeStatus = "affected" if rule.disease else "not_indicated"
    return Genotype(
        gene, calls, zygosity, assumed, rule.name, status, rule.disease, rule.phenotype,
        _explain("autosomal_recessive", zygosity, status, assumed),
        (*rule.sources, *(s for c in calls for s in c.sources)),
    )  # fmt: skip


def _explain(inheritance: str, zygosity: Zygosity, status: GenotypeStatus, assumed: bool) -> str:
    words = {
        "autosomal_recessive": "a recessive disease needs two disease alleles",
        "autosomal_dominant": "a dominant disease needs one disease allele",
        "x_linked_recessive": "an X-linked recessive disease affects hemizygous males; "
        "heterozygous females are carriers",
    }
    how = f"{zygosity.replace('_', ' ')}{' (assumed: no --zygosity given)' if assumed else ''}"
    verdict = {
        "affected": "the patient is affected",
        "carrier": "the patient is a carrier, not affected",
        "not_indicated": "the genotype causes at most mild disease; no gene therapy is indicated",
        "unresolved": "the disease is not resolved",
    }[status]
    return f"Genotype {how}; {words.get(inheritance, '')}: {verdict}."


_EXON_WORDS = {"del": "deletion", "dup": "duplication"}


def exon_variant_hgvs(gene: str, exons: str, edit: str = "del") -> str:
    """HGVS exon-based text of a deletion/duplication of whole exons given by number.

    ``exons`` is ``"48-50"`` or ``"52"``; the gene needs a bundled exon table (DMD).

    >>> exon_variant_hgvs("DMD", "48-50")
    'DMD:c.(6912+1_6913-1)_(7309+1_7310-1)del'
    """
    if edit not in _EXON_WORDS:
        raise InputError(f"unknown exon change {edit!r}", hint="del or dup")
    table = load_exon_table(gene)
    first, last = parse_exon_range(table, exons)
    return format_uncertain(exon_range_variant(table, first, last, edit))  # type: ignore[arg-type]


def _exon_consequence(change: ExonChange) -> str:
    word = _EXON_WORDS[change.edit]
    if change.frame_shift is None:
        return f"exon {word} (frame unknown)"
    return f"exon {word}, frameshift" if change.frame_shift else f"in-frame exon {word}"


def _exon_table(gene: str, transcript: Transcript | None) -> ExonTable | None:
    """The bundled exon table of ``gene`` (DMD), else that of ``transcript``, else None."""
    try:
        return load_exon_table(gene)
    except InputError:
        pass
    if transcript is None or not transcript.is_coding:
        return None
    return exon_table_from_transcript(transcript)


def uncertain_variant_facts(
    text: str, gene: str, *, transcript: Transcript | None = None
) -> VariantFacts:
    """Planner facts of a deletion/duplication with uncertain breakpoints.

    On a gene with a bundled exon table (DMD), else on ``transcript`` (the annotation's
    canonical transcript of the gene), the exons changed and the reading frame are read
    (:func:`vivo.knowledge.exons.exon_change`); ``length_bp`` is then the coding bases
    certainly changed, a lower bound (the introns' share is unknown). Without either the
    syntax is kept and nothing is interpreted.

    >>> f = uncertain_variant_facts("c.6913-?_7309+?del", "DMD")
    >>> f.hgvs, f.kind, f.consequence, f.length_bp
    ('DMD:c.6913-?_7309+?del', 'deletion', 'exon deletion, frameshift', 397)
    """
    v = parse_uncertain(text, gene=gene)
    hgvs = f"{gene}:{format_uncertain(v, with_gene=False)}"
    kind = _EXON_WORDS[v.edit]
    table = _exon_table(gene, transcript)
    if table is None:
        return VariantFacts(hgvs, kind)
    change = exon_change(table, v)
    return _exon_facts(hgvs, kind, table, change)


def uncertain_exon_change(
    text: str, gene: str, *, transcript: Transcript | None = None
) -> ExonChange | None:
    """What an uncertain-breakpoint deletion/duplication does to the exons of ``gene`` (bundled
    table first, else ``transcript``); ``None`` when neither gives exons (for `vivo variant`).

    >>> c = uncertain_exon_change("c.6913-?_7309+?del", "DMD")
    >>> c.whole, c.in_frame, c.unknown
    ((48, 49, 50), False, ('the exact breakpoints',))
    """
    table = _exon_table(gene, transcript)
    return None if table is None else exon_change(table, parse_uncertain(text, gene=gene))


def _exon_facts(hgvs: str, kind: str, table: ExonTable, change: ExonChange) -> VariantFacts:
    table_nt = {e.number: e.coding_nt or 0 for e in table.exons}
    sure = change.changed_nt or {n: table_nt[n] for n in change.whole}
    return VariantFacts(
        hgvs, kind, length_bp=max(1, sum(sure.values())), consequence=_exon_consequence(change)
    )
