"""RNA therapies: oligonucleotides that silence a transcript or change its splicing.

The RNA family of strategies (issue 15). Each builder returns one option whose family is the
biological goal (``silence``, ``induce``, ``correct``) and whose ``editor``/``vehicle`` name the
oligonucleotide and its delivery; the score is the precedents' (the approved oligonucleotides in
the knowledge base, weighed by status and safety like every other product):

- :func:`rna_knockdown`: siRNA or RNase H gapmer against a gain-of-function or dominant toxic
  gene (TTR, SOD1, PCSK9: both alleles, as the approved drugs do; HTT, RHO: the mutant allele
  only, by the variant or a linked heterozygous SNP, which is investigational);
- :func:`rna_splice_inclusion`: a splice-switching ASO that makes a compensating paralog include
  an exon (SMN2 exon 7 for SMA: nusinersen);
- :func:`rna_exon_skip`: a splice-switching oligo that skips a DMD exon so that a deletion's
  reading frame is restored, the exon chosen from the patient's deletion by the reading-frame
  rule (:mod:`vivo.knowledge.exons`);
- :func:`rna_target_knockdown`: knockdown of a drug target that is not the disease gene, where an
  approved RNA drug for the disease does it (found from the products' indications).

Delivery follows the precedent: GalNAc conjugates (subcutaneous) or LNP (intravenous) for
hepatocytes, intrathecal injection for the CNS, intravenous naked PMO for muscle.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from vivo.knowledge.diseases import Disease
from vivo.knowledge.products import Product, find_products
from vivo.planning.context import Context, TissueClass
from vivo.planning.evidence import (
    NO_EVIDENCE_SCORE,
    best_level_score,
    literature,
    product_precedent,
    product_precedents,
    treats,
)
from vivo.planning.plan import Family, Option, Precedent, Risk
from vivo.planning.requests import AsoDesign, DesignRequest, SirnaDesign
from vivo.planning.strategies._common import finish_option

__all__ = [
    "ALLELE_SELECTIVE_SCORE",
    "INVESTIGATIONAL_CAP",
    "NEW_EXON_SCORE",
    "RNA_GOALS",
    "RNA_RECORDS",
    "SPLICE_INCLUSION",
    "in_vivo_option",
    "rna_knockdown",
    "rna_needs",
    "rna_splice_inclusion",
    "rna_target_knockdown",
]

#: score of an allele-selective oligo without any clinical precedent: no editing and reversible,
#: but investigational (a ranking convention, docs/planner.md "RNA therapies")
ALLELE_SELECTIVE_SCORE = NO_EVIDENCE_SCORE + 15.0
#: investigational strategies never score above this, whatever their class precedent
INVESTIGATIONAL_CAP = 60.0
#: an exon skip that restores the frame but has no approved oligo for that exon: the chemistry
#: is approved for other exons (class precedent), the oligo would be a new drug
NEW_EXON_SCORE = NO_EVIDENCE_SCORE + 15.0
#: transcript records vivo bundles (vivo.rna.transcript.bundled_transcript), by (gene, exon):
#: a design request they cover needs no sequence from the genome in use
RNA_RECORDS: dict[tuple[str, int | None], str] = {
    ("SMN2", 7): "SMN2-exon7",
    ("DMD", 51): "DMD-exon51",
    ("ADA", None): "ADA",
}


def rna_needs(ctx: Context, gene: str, exon: int | tuple[int, ...] | None) -> str:
    """What sequence an RNA design of ``gene`` (around ``exon``, or each exon of a tuple) needs,
    or ``""`` when a bundled record or the genome in use has it."""
    if gene == ctx.gene and ctx.sequence_available:
        return ""
    exons = (exon,) if not isinstance(exon, tuple) else exon
    missing = [n for n in exons if (gene, n) not in RNA_RECORDS]
    if not missing:
        return ""
    what = (
        f"{gene} mRNA"
        if missing == [None]
        else f"{gene} pre-mRNA around exon{'s' if len(missing) > 1 else ''} "
        + " and ".join(str(n) for n in missing)
    )
    bundled = [k[1] for k in RNA_RECORDS if k[0] == gene and k[1] is not None]
    extra = f" (vivo bundles {gene} exon {', '.join(map(str, bundled))} only)" if bundled else ""
    return (
        f"{what}{extra}: a genome that holds {gene} with its annotation (--genome, "
        "--annotation); `vivo rna` designs on a transcript file too"
    )


#: what an RNA option achieves where its family's words would mislead (the decision flow's
#: family step): exon skipping restores the reading frame of a deletion, it does not correct the
#: variant; the protein made is internally shortened and partly functional, as in Becker
#: muscular dystrophy (Aartsma-Rus 2009)
RNA_GOALS: dict[str, str] = {
    "rna-exon-skip": "restore the reading frame (Becker-like), not correct the variant",
}

#: routes of oligonucleotide delivery by tissue: (vehicle, why)
RNA_ROUTE: dict[TissueClass, tuple[str, str]] = {
    "liver": (
        "GalNAc conjugate, subcutaneous (or LNP, intravenous)",
        "GalNAc binds the asialoglycoprotein receptor of hepatocytes: a subcutaneous oligo "
        "reaches the liver without a carrier (vutrisiran, eplontersen, inclisiran); patisiran "
        "uses a lipid nanoparticle given intravenously.",
    ),
    "cns": (
        "intrathecal injection (naked oligonucleotide)",
        "Oligonucleotides do not cross the blood-brain barrier: they are injected into the "
        "cerebrospinal fluid by lumbar puncture (nusinersen, tofersen) and re-dosed.",
    ),
    "muscle": (
        "intravenous infusion (naked PMO)",
        "Phosphorodiamidate morpholino oligomers are infused weekly and reach skeletal muscle "
        "(eteplirsen, golodirsen, viltolarsen, casimersen).",
    ),
    "retina": (
        "intravitreal injection",
        "The eye is closed off: an oligonucleotide is injected into the vitreous.",
    ),
    "blood": ("LNP, intravenous", "No approved oligonucleotide targets blood stem cells."),
    "skin": ("topical or intradermal", "No approved oligonucleotide targets skin."),
    "other": ("systemic injection", "No tissue-specific route; systemic delivery assumed."),
}

OLIGO_RISKS: tuple[Risk, ...] = (
    Risk(
        "off_target",
        "low",
        "Hybridisation-dependent off-target knockdown or mis-splicing of transcripts with near "
        "complementary sites; the dossier counts them in the transcriptome.",
    ),
    Risk(
        "efficacy",
        "medium",
        "An oligonucleotide does not change DNA: its effect wears off and it is re-dosed for "
        "life (every few weeks to every 6 months).",
    ),
)


@dataclass(frozen=True, slots=True)
class SpliceInclusion:
    """A splice-switching precedent that makes a paralog include an exon."""

    gene: str
    exon: int
    chemistry: str
    study: str
    study_summary: str


#: compensating genes whose exon inclusion has a precedent (the nusinersen target ISS-N1)
SPLICE_INCLUSION: dict[str, SpliceInclusion] = {
    "SMN2": SpliceInclusion(
        "SMN2",
        7,
        "uniform 2'-MOE phosphorothioate 18-mer",
        "Singh2006",
        "An antisense oligo against the intronic splicing silencer ISS-N1 (SMN2 intron 7, "
        "+10 to +27) restores exon 7 inclusion: the site nusinersen targets.",
    ),
}


def _rna_products(genes: tuple[str, ...], disease: Disease | None) -> tuple[Product, ...]:
    seen: dict[str, Product] = {}
    for g in genes:
        for p in find_products(target=g, modality="rna"):
            seen.setdefault(p.brand, p)
    products = list(seen.values())
    if disease is not None and any(treats(p, disease) for p in products):
        products = [p for p in products if treats(p, disease)]
    return tuple(products)


def _chemistry(products: tuple[Product, ...]) -> tuple[bool, bool]:
    """(any siRNA, any antisense oligo) among ``products``."""
    sirna = any("sirna" in p.modality_label.lower() for p in products)
    aso = any("antisense" in p.modality_label.lower() for p in products)
    return sirna, aso


def _knockdown_designs(
    ctx: Context, products: tuple[Product, ...], allele: bool
) -> tuple[DesignRequest, ...]:
    sirna, aso = _chemistry(products)
    if not products:  # no precedent: siRNA for the liver (GalNAc), gapmers elsewhere
        sirna, aso = ctx.tissue == "liver", ctx.tissue != "liver"
    kinds = {p.vector_class for p in products}
    conjugate: Literal["GalNAc", "LNP", "none"] = "none"
    if ctx.tissue == "liver":
        conjugate = "LNP" if kinds == {"LNP"} else "GalNAc"
    first_sirna = next((p.brand for p in products if "sirna" in p.modality_label.lower()), None)
    first_aso = next((p.brand for p in products if "antisense" in p.modality_label.lower()), None)
    mutant: Literal["mutant"] | None = "mutant" if allele else None
    cover = " that cover the variant or a linked SNP" if allele else ""
    out: list[DesignRequest] = []
    if sirna:
        out.append(
            SirnaDesign(
                purpose=f"siRNA duplexes against the {ctx.gene} mRNA{cover}",
                gene=ctx.gene,
                target_region="cds",
                conjugate=conjugate,
                allele=mutant,
                precedent=first_sirna,
                needs=rna_needs(ctx, ctx.gene, None),
            )
        )
    if aso:
        out.append(
            AsoDesign(
                purpose=f"RNase H gapmer ASOs against the {ctx.gene} transcript{cover}",
                gene=ctx.gene,
                mode="gapmer",
                chemistry="5-10-5 2'-MOE gapmer, phosphorothioate",
                precedent=first_aso,
                allele=mutant,
                needs=rna_needs(ctx, ctx.gene, None),
            )
        )
    return tuple(out)


def in_vivo_option(
    *,
    id: str,
    title: str,
    family: Family,
    vehicle: str,
    editor: str,
    rationale: tuple[str, ...],
    precedents: tuple[Precedent, ...],
    designs: tuple[DesignRequest, ...] = (),
    risks: tuple[Risk, ...] = OLIGO_RISKS,
    cell_source: str = "n/a (cells treated in place)",
) -> Option:
    """An in vivo oligonucleotide option (scored later by ``finish_option``)."""
    return Option(
        id=id, title=title, family=family, delivery="in_vivo", vehicle=vehicle, editor=editor,
        cell_source=cell_source, feasibility="possible", score=0.0, rationale=rationale,
        precedents=precedents, risks=risks, designs=designs,
    )  # fmt: skip


def _vehicle(ctx: Context, products: tuple[Product, ...]) -> tuple[str, str]:
    vehicle, why = RNA_ROUTE[ctx.tissue]
    if ctx.tissue == "liver" and products:
        kinds = sorted({p.vector_class for p in products if p.vector_class in ("GalNAc", "LNP")})
        if kinds == ["LNP"]:
            vehicle = "LNP, intravenous"
        elif kinds == ["GalNAc"]:
            vehicle = "GalNAc conjugate, subcutaneous"
    return vehicle, why


def rna_knockdown(ctx: Context) -> Option | None:
    """siRNA or gapmer knockdown of a gain-of-function or dominant toxic gene."""
    if not (ctx.dominant and ctx.mechanism in ("gain_of_function", "dominant_negative")):
        return None
    products = _rna_products((ctx.gene,), ctx.disease)
    precedents = tuple(product_precedent(p) for p in products)
    vehicle, why = _vehicle(ctx, products)
    sirna, aso = _chemistry(products)
    editor = " or ".join(x for x, ok in (("siRNA", sirna), ("gapmer ASO", aso)) if ok)
    if precedents or ctx.knockout_tolerated:
        return _knockdown_all(ctx, precedents, products, vehicle, why, editor or "siRNA")
    return _knockdown_allele(ctx, vehicle, why)


def _knockdown_all(
    ctx: Context,
    precedents: tuple[Precedent, ...],
    products: tuple[Product, ...],
    vehicle: str,
    why: str,
    editor: str,
) -> Option:
    names = ", ".join(p.name for p in precedents)
    opt = in_vivo_option(
        id="rna-knockdown",
        title=f"RNA knockdown of {ctx.gene} ({editor})",
        family="silence",
        vehicle=vehicle,
        editor=editor,
        rationale=(
            f"{ctx.mechanism.replace('_', ' ').capitalize()}: lowering {ctx.gene} (mutant and "
            "normal transcripts) removes the source of the harmful protein, without changing DNA.",
            (f"Approved precedents: {names}." if names else "No approved oligo for this gene.")
            + " The design engines propose siRNAs or gapmers with their transcriptome "
            "off-targets; the dossier compares them with the approved drug.",
            why,
        ),
        precedents=precedents,
        risks=OLIGO_RISKS,
        designs=_knockdown_designs(ctx, products, allele=False),
    )
    base = best_level_score(precedents) if precedents else ALLELE_SELECTIVE_SCORE
    return finish_option(opt, base)


#: what became of the HTT-lowering oligos in the clinic (Rook & Southwell 2022, BioDrugs
#: 36:105, key points): tominersen's trial halted for worse clinical outcomes, the two
#: allele-selective oligos (WVE-120101/-102) for not lowering mutant HTT
HTT_TRIALS_HALTED = Risk(
    "efficacy",
    "high",
    "The clinical trials of three HTT-lowering antisense oligos were halted: tominersen "
    "(not allele-selective) for worse clinical outcomes, the two allele-selective oligos for "
    "failing to lower mutant HTT (Rook & Southwell 2022, BioDrugs 36:105, "
    "doi:10.1007/s40259-022-00519-9); as of that review none had shown clinical benefit.",
)


def _knockdown_allele(ctx: Context, vehicle: str, why: str) -> Option:
    precedents: tuple[Precedent, ...] = ()
    if ctx.gene == "HTT":
        precedents = (
            literature(
                "Tabrizi2019",
                "clinical",
                "Intrathecal antisense oligonucleotide (tominersen, not allele-selective) lowered "
                "mutant huntingtin in CSF in a phase 1/2a trial.",
            ),
        )
    snp = (
        "a heterozygous SNP on the same chromosome as the variant (phased, e.g. from a VCF)"
        if ctx.gene == "HTT"
        else "the variant itself or a linked heterozygous SNP"
    )
    snvs = [v.hgvs for v in ctx.variants if v.is_substitution]
    if snvs:
        snp += (
            f"; candidate single-nucleotide variants given: {', '.join(snvs[:10])} (which one "
            "lies on the mutant allele must be established by phasing)"
        )
    opt = in_vivo_option(
        id="rna-knockdown-allele-selective",
        title=f"Allele-selective RNA knockdown of the mutant {ctx.gene} allele (investigational)",
        family="silence",
        vehicle=vehicle,
        editor="allele-selective gapmer ASO or siRNA",
        rationale=(
            f"{ctx.mechanism.replace('_', ' ').capitalize()}: the normal {ctx.gene} allele is "
            "needed, so only the mutant transcript should be lowered.",
            f"The oligo must tell the alleles apart by {snp}; no allele-selective oligo is "
            "approved, so this is investigational.",
            why,
        ),
        precedents=precedents,
        risks=(
            *OLIGO_RISKS,
            Risk(
                "efficacy",
                "medium",
                "Allele selectivity rests on one mismatch: partial knockdown of the normal "
                "allele is expected.",
            ),
            *((HTT_TRIALS_HALTED,) if ctx.gene == "HTT" else ()),
        ),
        designs=_knockdown_designs(ctx, (), allele=True),
    )
    base = min(best_level_score(precedents), INVESTIGATIONAL_CAP)
    return finish_option(opt, base if precedents else ALLELE_SELECTIVE_SCORE)


def rna_splice_inclusion(ctx: Context) -> Option | None:
    """A splice-switching ASO that makes a compensating paralog include an exon (SMN2)."""
    genes = tuple(g for g in ctx.compensating if g in SPLICE_INCLUSION)
    if not genes:
        return None
    s = SPLICE_INCLUSION[genes[0]]
    precedents = (
        *product_precedents(targets=(s.gene,), modality="rna", disease=ctx.disease),
        literature(s.study, "preclinical", s.study_summary),
    )
    vehicle, why = RNA_ROUTE[ctx.tissue]
    drug = next((p.name for p in precedents if p.level in ("approved", "withdrawn")), None)
    opt = in_vivo_option(
        id="rna-splice-inclusion",
        title=f"Splice-switching ASO: {s.gene} exon {s.exon} inclusion",
        family="induce",
        vehicle=vehicle,
        editor=f"splice-switching ASO ({s.chemistry})",
        rationale=(
            f"{s.gene} can take over from {ctx.gene} when it includes exon {s.exon}: a steric "
            "antisense oligo that blocks a splicing silencer makes full-length protein from "
            f"the patient's own {s.gene} copies.",
            (f"Approved precedent: {drug}. " if drug else "")
            + "vivo designs inclusion oligos on the bundled "
            f"{s.gene} exon {s.exon} record and compares them with the approved site.",
            why,
        ),
        precedents=precedents,
        risks=OLIGO_RISKS,
        designs=(
            AsoDesign(
                purpose=f"splice-switching ASOs for {s.gene} exon {s.exon} inclusion",
                gene=s.gene,
                mode="include",
                exon=s.exon,
                chemistry=s.chemistry,
                precedent=drug,
                needs=rna_needs(ctx, s.gene, s.exon),
            ),
        ),
    )
    return finish_option(opt, best_level_score(precedents))


# ---------------------------------------------------------------------------------------------
# drug targets


def rna_target_knockdown(ctx: Context) -> Option | None:
    """Knockdown of a drug target (not the disease gene) where an approved RNA drug does it."""
    if ctx.disease is None:
        return None
    disease = ctx.disease
    products = tuple(
        p
        for p in find_products(modality="rna")
        if treats(p, disease)
        and not set(p.target_genes) & set(disease.genes)
        and "splice" not in p.modality_label.lower()  # splice switching is rna_splice_inclusion's
    )
    if not products:
        return None
    targets = tuple(dict.fromkeys(g for p in products for g in p.target_genes))
    precedents = tuple(product_precedent(p) for p in products)
    # the drug's delivery decides the route: GalNAc/LNP oligos act in hepatocytes
    liver = any(p.vector_class in ("GalNAc", "LNP") or "GalNAc" in p.vector for p in products)
    vehicle, why = _vehicle(replace(ctx, tissue="liver") if liver else ctx, products)
    sirna, aso = _chemistry(products)
    editor = " or ".join(x for x, ok in (("siRNA", sirna), ("gapmer ASO", aso)) if ok)
    target_ctx = replace(ctx, gene=targets[0], tissue="liver" if liver else ctx.tissue)
    designs = tuple(
        replace(d, needs=rna_needs(ctx, targets[0], None))
        for d in _knockdown_designs(target_ctx, products, allele=False)
    )
    opt = in_vivo_option(
        id="rna-target-knockdown",
        title=f"RNA knockdown of the drug target {'/'.join(targets)} ({editor})",
        family="silence",
        vehicle=vehicle,
        editor=editor,
        rationale=(
            f"{'/'.join(targets)} is not the disease gene: lowering it treats {disease.name} "
            "downstream, as the approved drugs do.",
            f"Approved precedents: {', '.join(p.brand for p in products)}.",
            why,
        ),
        precedents=precedents,
        risks=OLIGO_RISKS,
        designs=designs,
    )
    return finish_option(opt, best_level_score(precedents))
